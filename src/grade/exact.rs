//! Grading the kinds with a known right answer: choice, multi, true/false, order, short.

use super::text::fold;
use crate::bank::Normaliser;

/// Correct picks minus wrong picks over the number of correct options, never below zero.
pub fn multi(correct: &[usize], picked: &[usize]) -> f64 {
    if correct.is_empty() {
        return 0.0;
    }
    let mut picked = picked.to_vec();
    picked.sort_unstable();
    picked.dedup();
    let right = picked.iter().filter(|p| correct.contains(p)).count() as f64;
    let wrong = picked.len() as f64 - right;
    ((right - wrong) / correct.len() as f64).max(0.0)
}

/// The share of item pairs that the answer puts in the right relative order. `answer` lists the
/// items (by their index in the right order) as the member ordered them.
pub fn order(answer: &[usize], n: usize) -> f64 {
    if n < 2 || answer.len() != n {
        return 0.0;
    }
    let pairs = n * (n - 1) / 2;
    let mut right = 0;
    for i in 0..n {
        for j in i + 1..n {
            if answer[i] < answer[j] {
                right += 1;
            }
        }
    }
    right as f64 / pairs as f64
}

/// Folds a short answer: case, accents, quotes and punctuation; spaces collapsed. A version also
/// loses a leading `v` and keeps its dots, dashes and pluses.
pub fn normalise(s: &str, how: Normaliser) -> String {
    let folded = fold(s);
    match how {
        Normaliser::Text => folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Normaliser::Version => {
            let t: String = folded
                .trim()
                .trim_matches(|c: char| c == '"' || c == '\'' || c == '*' || c == '`' || c == '.')
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            match t.strip_prefix('v') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_string(),
                _ => t,
            }
        }
    }
}

/// Words that may stand around a short answer without changing it ("the answer is ps").
const FILLER: &[&str] = &[
    "the", "a", "an", "answer", "is", "it", "its", "use", "command", "i", "would", "version", "be",
    "should", "get", "you", "can", "run", "to", "type",
];

/// Whether a short answer matches the expected answer or one of the accepted variants.
pub fn short(answer: &str, expected: &[&str], how: Normaliser) -> bool {
    let given = normalise(answer, how);
    if given.is_empty() {
        return false;
    }
    let variants: Vec<String> = expected.iter().map(|e| normalise(e, how)).collect();
    if variants.contains(&given) {
        return true;
    }
    match how {
        Normaliser::Text => {
            // A typo in a longer word is forgiven, never in a short one ("ps" is not "pd").
            let typo = variants.iter().any(|v| {
                v.chars().count() >= 5
                    && v.chars().all(|c| c.is_alphabetic() || c == ' ')
                    && strsim::damerau_levenshtein(v, &given) <= 1
            });
            // The variant said within a few words of filler: "I would use ps aux".
            let words: Vec<&str> = given.split(' ').collect();
            let said = words.len() <= 8
                && variants.iter().any(|v| {
                    let vw: Vec<&str> = v.split(' ').collect();
                    words.windows(vw.len()).enumerate().any(|(i, w)| {
                        w == vw.as_slice()
                            && words[..i]
                                .iter()
                                .chain(&words[i + vw.len()..])
                                .all(|x| FILLER.contains(x))
                    })
                });
            typo || said
        }
        Normaliser::Version => {
            // "version 1.4.3" or "it should be v1.4.3": the one version-looking word decides.
            let found: Vec<String> = fold(answer)
                .split_whitespace()
                .map(|w| normalise(w, Normaliser::Version))
                .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.contains('.'))
                .collect();
            found.len() == 1 && variants.contains(&found[0])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_gives_partial_credit_never_below_zero() {
        assert_eq!(multi(&[0, 2], &[0, 2]), 1.0);
        assert_eq!(multi(&[0, 2], &[0]), 0.5);
        assert_eq!(multi(&[0, 2], &[0, 1]), 0.0);
        assert_eq!(multi(&[0, 2], &[1, 3]), 0.0);
        assert_eq!(multi(&[0, 1, 2], &[0, 1, 3]), 1.0 / 3.0);
    }

    #[test]
    fn order_counts_pairs_in_the_right_order() {
        assert_eq!(order(&[0, 1, 2, 3], 4), 1.0);
        assert_eq!(order(&[3, 2, 1, 0], 4), 0.0);
        assert_eq!(order(&[1, 0, 2, 3], 4), 5.0 / 6.0);
        assert_eq!(order(&[0, 1], 4), 0.0, "an incomplete order earns nothing");
    }

    #[test]
    fn short_answers_fold_case_space_punctuation_and_quotes() {
        let ps = ["ps", "ps aux", "ps -ef", "top", "ls /proc"];
        for a in [
            "ps",
            " PS ",
            "`ps`",
            "\"ps aux\"",
            "ps -ef",
            "ps  -EF",
            "ls /proc",
            "I would use ps aux",
        ] {
            assert!(short(a, &ps, Normaliser::Text), "{a}");
        }
        for a in [
            "pd",
            "ls",
            "kill",
            "ps is not it at all, use something else",
        ] {
            assert!(!short(a, &ps, Normaliser::Text), "{a}");
        }
        assert!(
            short("Sofmax", &["softmax"], Normaliser::Text),
            "one typo in a long word"
        );
        assert!(!short("Sofmix", &["softmax"], Normaliser::Text));
    }

    #[test]
    fn versions_drop_a_leading_v_and_never_forgive_a_digit() {
        assert!(short("v1.4.3", &["1.4.3"], Normaliser::Version));
        assert!(short("Version 1.4.3.", &["1.4.3"], Normaliser::Version));
        assert!(short("`2.0.0-rc.1`", &["2.0.0-rc.1"], Normaliser::Version));
        assert!(!short("1.4.4", &["1.4.3"], Normaliser::Version));
        assert!(!short("1.4.3 or 1.5.0", &["1.4.3"], Normaliser::Version));
        assert!(short("Equal", &["equal", "same"], Normaliser::Version));
    }
}
