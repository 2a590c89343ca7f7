//! Grading the kinds with a known right answer: choice, multi, true/false, order, short.

use super::lead;
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
    match how {
        Normaliser::Text => fold(s)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Normaliser::Version => {
            // Case is kept: SemVer compares pre-release identifiers in ASCII order, so `RC.1`
            // is another version than `rc.1`.
            let t: String = super::text::plain(s)
                .trim()
                .trim_matches(|c: char| {
                    matches!(
                        c,
                        '"' | '\'' | '*' | '`' | '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')'
                    ) || c == '\u{2014}'
                        || c == '\u{2013}'
                })
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            match t.strip_prefix(['v', 'V']) {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_string(),
                // Words that are not versions ("Equal") fold as text does.
                _ if !is_version(&t) => t.to_lowercase(),
                _ => t,
            }
        }
    }
}

/// Words that set a version off as an example or a trap, not the answer ("like 3.12.0rc2
/// becoming 3.12.0", "I almost wrote 3.1.5-rc.1"), within `CONTEXT_REACH` words before it.
pub(super) const CONTEXT_MARKERS: &[&str] = &[
    "like",
    "e",
    "g",
    "eg",
    "example",
    "instance",
    "almost",
    "nearly",
    "wrote",
    "trap",
    "going",
    "went",
    "becoming",
    "became",
    "becomes",
    "seen",
    "saw",
    "seeing",
    "same",
    "similar",
    "before",
    "after",
    "once",
    "mistake",
    "tempting",
    "later",
    "eventually",
    "writing",
    "then",
    "remove",
    "removal",
    "removed",
    "drop",
    "dropped",
];
const CONTEXT_REACH: usize = 4;

/// Words that link one version of an example to the next ("3.12.0rc2 → 3.12.0", "from 3.9 to
/// 3.10", "6.0.0-RC2 and then 6.0.0").
const CHAIN_WORDS: &[&str] = &[
    "→", "->", "=>", "to", "then", "and", "into", "becomes", "becoming", "became", "gives", "just",
];

/// Words that introduce the answer's own conclusion after its examples ("... 0.15.x → 1.0.0.
/// So 1.0.0.", "... - here, 2.0.0").
const CONCLUSION_MARKERS: &[&str] = &["so", "here", "hence", "thus", "therefore", "answer"];

/// Words that, next to a short answer, deny it ("not ps", "ps isn't it"); `isn't` is folded to
/// `isn t`.
pub(super) const DENIALS: &[&str] = &[
    "not", "no", "never", "nor", "neither", "without", "avoid", "isn", "don", "doesn", "aren",
    "wasn", "wouldn", "shouldn", "t", "instead", "unlike",
];

/// How many words before a short answer a denial reaches.
pub(super) const DENIAL_REACH: usize = 3;

/// Words a denial reaches over to the answer ("don't use ps", "not really SQL"). Any other word
/// between them stops it: in "not sigmoid - softmax" or "not 0.10.0 but 1.0.0" the denial is of
/// the first name, and the second is the answer.
const DENIAL_BRIDGES: &[&str] = &[
    "use", "using", "run", "running", "try", "pick", "the", "a", "an", "really", "exactly", "even",
    "it", "be", "is", "s", "that", "call", "called", "named", "with", "version", "to", "go", "for",
    "just", "simply", "plain", "patch", "minor", "major", "release", "bump",
];

/// A word without the punctuation around it, in lower case: `"Not` is `not`.
pub(super) fn bare(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Whether the words right before a short answer deny it, reading back from the answer over
/// bridge words only; `extra` are more denials (a version's "rather than").
fn denied_before(before: &[&str], extra: &[&str]) -> bool {
    for w in before.iter().rev() {
        let w = bare(w);
        let w = w.as_str();
        if DENIALS.contains(&w) || extra.contains(&w) {
            return true;
        }
        if !DENIAL_BRIDGES.contains(&w) {
            return false;
        }
    }
    false
}

/// The words of a folded text, keeping `/`, `-`, `+`, `#` and `.` that join two letters or
/// digits: "PL/SQL" is one name, not "SQL" after "PL".
fn joined_words(s: &str) -> Vec<String> {
    let chars: Vec<char> = fold(s).chars().collect();
    let alnum = |i: usize| chars.get(i).is_some_and(|c| c.is_alphanumeric());
    let mut words = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        let joiner =
            matches!(c, '/' | '-' | '+' | '#' | '.') && i > 0 && alnum(i - 1) && alnum(i + 1);
        if c.is_alphanumeric() || joiner {
            words.last_mut().expect("never empty").push(c);
        } else {
            if !words.last().expect("never empty").is_empty() {
                words.push(String::new());
            }
            if matches!(
                c,
                ',' | ';' | '/' | '|' | ':' | '.' | '!' | '?' | '\u{2014}' | '\u{2013}'
            ) {
                // A list's items: a name of several words never spans two of them.
                words.push(",".into());
                words.push(String::new());
            }
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// A short answer's score: 1 when it gives the expected answer or an accepted variant, 0.5 when
/// it hedges between it and another name ("Berkeley or maybe CMU") or lists it beside one of the
/// question's `rivals` ("Parquet, Avro, ORC"), else 0. A hedge that ends by settling on one of
/// its names is that name ("Berkeley or CMU. I'd say CMU." is CMU).
pub fn short_score(
    answer: &str,
    expected: &[&str],
    rivals: &[&str],
    how: Normaliser,
    prompt: &str,
) -> f64 {
    let given = short_in(answer, expected, how, prompt);
    let hedge = match how {
        Normaliser::Text if given => {
            hedges(answer, expected).or_else(|| rivals::listed(answer, expected, rivals))
        }
        Normaliser::Version if !given => version_hedge(answer, expected, prompt),
        _ => None,
    };
    match hedge {
        Some(Settled::Right) => 1.0,
        Some(Settled::Other) => 0.0,
        Some(Settled::Not) => 0.5,
        None if given => 1.0,
        None => 0.0,
    }
}

/// How a hedge ends: on the right name, on another of its names, or still undecided.
enum Settled {
    Right,
    Other,
    Not,
}

/// A list of short names, one of them right and another not accepted: "Berkeley or Stanford",
/// "softmax / logits / argmax"; with how it ends.
fn hedges(answer: &str, expected: &[&str]) -> Option<Settled> {
    // A slash list ("SQL / ANSI SQL", "race condition / data race") names related things, as a
    // comma list does; only "or" offers a choice.
    let folded = fold(answer);
    if !folded.contains(" or ") {
        // A list of related names ("ps, top, htop") is an answer, not a hedge.
        return None;
    }
    // A name the answer denies is not one it offers ("Not sigmoid or ReLU - softmax").
    let denied = |i: &str| {
        i.split_whitespace()
            .next()
            .is_some_and(|w| DENIALS.contains(&w))
    };
    // A denial or contrast before an "or" reaches over it: "not CSV or Avro", "unlike CSV or
    // Avro, which are row-based" deny both.
    let raw: Vec<&str> = folded.split(" or ").collect();
    let carried = |k: usize| {
        k > 0 && {
            let before = raw[k - 1];
            let clause = before
                .rsplit([',', ';', ':', '\u{2014}', '\u{2013}', '(', '.'])
                .next()
                .unwrap_or(before);
            clause.split_whitespace().any(|w| {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                DENIALS.contains(&w) || SET_APART.contains(&w)
            })
        }
    };
    let items: Vec<String> = raw
        .iter()
        .enumerate()
        .filter(|&(k, raw)| !denied(raw) && !carried(k))
        .map(|(_, i)| {
            // What follows a name's comma or full stop is comment ("Berkeley or Stanford, I
            // always mix them up"), not another name.
            let i = i
                .split([',', ';', '!', '?'])
                .next()
                .unwrap_or(i)
                .split(". ")
                .next()
                .unwrap_or(i);
            i.split(|c: char| !c.is_alphanumeric() && !matches!(c, '.' | '/' | '-'))
                .filter(|w| !w.is_empty() && !HEDGE_FILLER.contains(w))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|i| !i.is_empty())
        .collect();
    let hedge = items.len() >= 2
        && items.iter().all(|i| i.split(' ').count() <= 3)
        && items.iter().any(|i| short(i, expected, Normaliser::Text))
        && items.iter().any(|i| !short(i, expected, Normaliser::Text));
    hedge.then(|| settled(&folded, &items, expected, Normaliser::Text))
}

/// A hedge between versions, one of them the expected one, as between names ("2.0.0-final, or
/// maybe just 2.0.0"); versions the prompt quotes are context, not choices.
fn version_hedge(answer: &str, expected: &[&str], prompt: &str) -> Option<Settled> {
    // ASCII lower case keeps every byte where it was, so offsets found in it hold in `answer`.
    let lower = answer.to_ascii_lowercase();
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, _) in format!(" {lower}").match_indices(" or ") {
        parts.push(&answer[start..i]);
        start = i + " or".len();
    }
    parts.push(&answer[start..]);
    let quoted = quoted_versions(prompt);
    let wanted: Vec<String> = expected
        .iter()
        .map(|e| normalise(e, Normaliser::Version))
        .collect();
    let versions: Vec<String> = hedge_words(answer)
        .into_iter()
        .map(|w| normalise(&w, Normaliser::Version))
        .filter(|w| is_version(w) && !quoted.contains(w))
        .collect();
    let right = parts
        .iter()
        .any(|p| short_in(p, expected, Normaliser::Version, prompt));
    let other = versions.iter().any(|v| !wanted.contains(v));
    (parts.len() >= 2 && right && other)
        .then(|| settled(answer, &versions, expected, Normaliser::Version))
}

/// The versions a prompt quotes ("What follows v0.9.3?" quotes 0.9.3), normalised as an
/// answer's are: an answer that repeats them gives context, not its choice.
fn quoted_versions(prompt: &str) -> Vec<String> {
    super::text::plain(prompt)
        .split_whitespace()
        .map(|w| normalise(w, Normaliser::Version))
        .filter(|w| is_version(w))
        .collect()
}

/// The words of a hedge, names and versions whole ("deeplearning.ai", "2.0.0-rc.1", "v1.4.3").
fn hedge_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && !matches!(c, '.' | '/' | '-' | '+'))
        .map(|w| w.trim_matches(['.', '-']))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a hedge ends by settling on one of its names: its last sentence, a statement (not a
/// question), names one of them and none of the others ("Goodhart's? Or Campbell's... I'm pretty
/// sure Goodhart.", "Airflow. Or Luigi? No, Luigi was Spotify. Airflow."). When that sentence
/// still offers a choice, what follows the comma after its last "or" may settle it ("0.10.0? Or
/// 1.0.0, I think 1.0.0 is when it's stable.").
fn settled(text: &str, items: &[String], expected: &[&str], how: Normaliser) -> Settled {
    let sentences = sentences(text);
    let [.., last] = sentences.as_slice() else {
        return Settled::Not;
    };
    if last.ends_with('?') {
        return Settled::Not;
    }
    let lower = format!(" {}", last.to_ascii_lowercase());
    let unit = match lower.rfind(" or ") {
        // `lower` has one byte more than `last`, at its start.
        Some(k) => match last[k..].find(',') {
            Some(c) => &last[k + c + 1..],
            None => return Settled::Not,
        },
        None if sentences.len() >= 2 => last,
        None => return Settled::Not,
    };
    let words = hedge_words(unit);
    let normalised: Vec<String> = words.iter().map(|w| normalise(w, how)).collect();
    let text = format!(" {} ", normalised.join(" "));
    let names = |item: &str| text.contains(&format!(" {} ", item.trim_matches('.')));
    let other = items.iter().any(|i| !short(i, expected, how) && names(i));
    match (short(unit, expected, how), other) {
        (true, false) => Settled::Right,
        (false, true) if !denied_in(&words) => Settled::Other,
        _ => Settled::Not,
    }
}

/// The sentences of a text, each with its closing mark: a `.`, `!` or `?` ends one only where a
/// space or the end follows, so a name or version with dots ("deeplearning.ai", "1.0.0") stays
/// whole.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = matches!(c, '.' | '!' | '?')
            && chars.peek().is_none_or(|&(_, next)| next.is_whitespace());
        if end {
            out.push(&text[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .collect()
}

/// Whether a sentence's words deny something ("not Berkeley"): then it does not settle on it.
fn denied_in(words: &[String]) -> bool {
    words
        .iter()
        .any(|w| DENIALS.contains(&w.to_lowercase().as_str()))
}

/// Words that set the names after them apart from the answer ("unlike CSV or Avro").
const SET_APART: &[&str] = &["unlike", "instead", "rather", "than", "versus", "vs"];

/// Words around the names of a hedge ("I think it's Berkeley? Or maybe CMU").
const HEDGE_FILLER: &[&str] = &[
    "i", "think", "guess", "maybe", "probably", "perhaps", "it", "its", "it's", "s", "is", "the",
    "a", "an", "one", "of", "those", "not", "sure", "either", "you", "can", "use", "could", "be",
];

/// Whether a short answer matches the expected answer or one of the accepted variants.
pub fn short(answer: &str, expected: &[&str], how: Normaliser) -> bool {
    short_in(answer, expected, how, "")
}

/// As [`short`], for a question with this prompt: versions the prompt quotes are context in an
/// answer ("3.1.4 plus a feature gives 3.2.0"), not the answer.
pub fn short_in(answer: &str, expected: &[&str], how: Normaliser, prompt: &str) -> bool {
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
            // "... I always mix them up. I'll go with Luigi.": a hesitant answer's final pick.
            if let Some(pick) = lead::final_pick(answer) {
                return short_in(&pick, expected, how, prompt);
            }
            // "Java. Scala is just a wrapper on top.": the name the answer leads with is its
            // answer, whatever names its explanation goes on to mention.
            if let Some(head) = lead::leading_name(answer) {
                return short_in(head, expected, how, prompt);
            }
            // The variant found as a run of words anywhere in the answer ("I'd run ps aux and
            // look for it"), a typo in a long word forgiven, unless a denial stands next to it.
            let given = joined_words(answer);
            let words: Vec<&str> = given.iter().map(|s| s.as_str()).collect();
            expected.iter().any(|v| {
                let joined = joined_words(v);
                let vw: Vec<&str> = joined.iter().map(|s| s.as_str()).collect();
                let v = joined.join(" ");
                // A typo is forgiven in a long name of letters ("DeepLearnng.AI"), never in
                // one with digits (a version, a port).
                let typo_ok = v.chars().filter(|c| c.is_alphabetic()).count() >= 5
                    && !v.chars().any(|c| c.is_ascii_digit());
                // Each place the variant stands, and whether a denial stands next to it.
                let mut found = words.windows(vw.len()).enumerate().filter_map(|(i, w)| {
                    let same = w == vw.as_slice()
                        || (typo_ok && strsim::damerau_levenshtein(&v, &w.join(" ")) <= 1);
                    // A denial reaches back over words, not over a comma or a dash ("Not
                    // Python, not Spark: SQL").
                    let before = &words[i.saturating_sub(DENIAL_REACH)..i];
                    let before = match before.iter().rposition(|w| *w == ",") {
                        Some(k) => &before[k + 1..],
                        None => before,
                    };
                    let after = &words[i + vw.len()..(i + vw.len() + 3).min(words.len())];
                    // "ps is not it" denies ps; "ps, not top" does not.
                    let copula = after.first().is_some_and(|x| {
                        [
                            "is", "isn", "was", "wasn", "does", "doesn", "would", "wouldn",
                        ]
                        .contains(x)
                    });
                    let denied = denied_before(before, &[])
                        || (copula && after.iter().any(|x| DENIALS.contains(x)));
                    same.then_some(denied)
                });
                // The answer opens by denying the name ("Not a zombie: zombies are ...; this is
                // an orphan"): what it says of the name later is not its answer.
                found.next() == Some(false)
            })
        }
        Normaliser::Version => {
            // "version 1.4.3", "it should be v1.4.3", "2.0.0, not 2.0.1": the versions the answer
            // does not deny must all be the expected one.
            let words: Vec<String> = super::text::plain(answer)
                .split_whitespace()
                .map(|w| w.to_string())
                .collect();
            let (mut said, mut stated) = (Vec::new(), Vec::new());
            // The last version seen, and whether it was an example or a trap.
            let mut last: Option<(usize, bool)> = None;
            let mut last_denied: Option<usize> = None;
            // The last version the answer gives, when a conclusion marker introduces it.
            let mut conclusion: Option<String> = None;
            for (i, w) in words.iter().enumerate() {
                let v = normalise(w, Normaliser::Version);
                // An accepted version with no dot ("1") counts inside a sentence only when it
                // is plainly a version: "v1", "version 1".
                let plain = variants.contains(&v)
                    && (w.starts_with(['v', 'V'])
                        || i.checked_sub(1)
                            .is_some_and(|j| bare(&words[j]) == "version"));
                if !is_version(&v) && !plain {
                    continue;
                }
                let before: Vec<&str> = words[i.saturating_sub(DENIAL_REACH)..i]
                    .iter()
                    .map(|w| w.as_str())
                    .collect();
                // A denial goes on over a list of versions ("not 0.9.5 or 0.10.0: 1.0.0").
                let listed = last_denied.is_some_and(|j| {
                    let between = &words[j + 1..i];
                    between.iter().any(|x| matches!(x.as_str(), "or" | "nor"))
                        && between
                            .iter()
                            .all(|x| matches!(x.as_str(), "or" | "nor" | "and"))
                });
                // "Not a patch (2.4.2)": a version in brackets names the word before it, so a
                // denial of that word reaches it.
                let named = match before.split_last() {
                    Some((_, rest)) if w.starts_with('(') => rest,
                    _ => &before[..],
                };
                let denied = denied_before(named, &["than", "rather"]) || listed;
                if denied {
                    last_denied = Some(i);
                }
                // "like Python 3.12.0rc2 becoming 3.12.0", "I almost wrote 3.1.5": an example
                // or a trap the answer names on its way to its own answer.
                // Read back from the version, up to another version or a punctuation mark.
                let context = words[i.saturating_sub(CONTEXT_REACH)..i]
                    .iter()
                    .rev()
                    .take_while(|x| {
                        !is_version(&normalise(x, Normaliser::Version))
                            && !x.ends_with([',', '.', ':', ';', '!', '?'])
                    })
                    .any(|x| CONTEXT_MARKERS.contains(&bare(x).as_str()));
                // An example goes on along a chain of versions ("like 3.12.0rc2 → 3.12.0",
                // "from 3.9 to 3.10", "6.0.0-RC2 and then 6.0.0").
                let chained = last.is_some_and(|(j, was_context)| {
                    was_context
                        && !words[j].ends_with([',', '.', ':', ';', '!', '?'])
                        && words[j + 1..i].iter().all(|x| {
                            !x.ends_with([',', '.', ':', ';', '!', '?'])
                                && CHAIN_WORDS.contains(&x.to_lowercase().as_str())
                        })
                });
                let context = context || chained;
                last = Some((i, context));
                // The version the answer concludes with ("So 1.0.0.").
                let concludes = words[i.saturating_sub(DENIAL_REACH)..i]
                    .iter()
                    .any(|x| CONCLUSION_MARKERS.contains(&bare(x).as_str()));
                if !denied {
                    conclusion = concludes.then(|| v.clone());
                    said.push(v.clone());
                    if !context {
                        stated.push(v);
                    }
                }
            }
            let quoted = quoted_versions(prompt);
            let own: Vec<&String> = said.iter().filter(|v| !quoted.contains(v)).collect();
            let own = if own.is_empty() {
                said.iter().collect()
            } else {
                own
            };
            // A pre-release may be followed by the release it leads to ("3.2.0-rc.1 of 3.2.0").
            let cores: Vec<String> = variants
                .iter()
                .filter_map(|v| v.split_once('-').map(|(core, _)| core.to_string()))
                .collect();
            let gives = |own: &[&String]| {
                own.iter().any(|v| variants.contains(v))
                    && own
                        .iter()
                        .all(|v| variants.contains(v) || cores.contains(v))
            };
            // Else the versions it states as its own, examples and traps set aside.
            let stated: Vec<&String> = stated.iter().filter(|v| !quoted.contains(v)).collect();
            gives(&own)
                || (!stated.is_empty() && gives(&stated))
                || lead::leading_version(&words).is_some_and(|v| variants.contains(&v))
                || conclusion.is_some_and(|v| !quoted.contains(&v) && gives(&[&v]))
        }
    }
}

/// A version-looking word: digits, a dot, digits ("1.0", "2.0.0-rc.1"), not "0.x".
pub(super) fn is_version(w: &str) -> bool {
    let mut parts = w.splitn(2, '.');
    let (Some(major), Some(rest)) = (parts.next(), parts.next()) else {
        return false;
    };
    !major.is_empty()
        && major.chars().all(|c| c.is_ascii_digit())
        && rest.starts_with(|c: char| c.is_ascii_digit())
}

mod rivals;
#[cfg(test)]
mod tests;
