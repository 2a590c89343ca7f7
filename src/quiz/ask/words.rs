//! A member's words as the bank would word them: what `/ask` reads a word the bank does not
//! know as, where that is plain. Chat shorthand of questions (`vs`, `diff`), a comparison of a
//! known adjective (`quicker`, `heaviest`, `bigger`), or the start of a longer word when every
//! word it starts has one stem (`mongo`, `compat`). Anything else stays as typed, and so
//! matches nothing.

use crate::grade::text::{self, Piece};

/// Chat shorthand of questions, read as the word the bank's prompts use.
const SHORTHAND: &[(&str, &str)] = &[
    ("vs", "difference"),
    ("versus", "difference"),
    ("diff", "difference"),
];

/// The shortest word taken as the start of a longer one (`mongo` of `mongodb`).
const PREFIX_FROM: usize = 5;

/// The adjectives an unknown word may be a comparison of: `heavier` and `heaviest` of `heavy`,
/// `bigger` of `big`, `quicker` of `quick` (a base of five letters or more, so `offer` is not
/// `off`), `larger` of `large`.
fn adjectives(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for suffix in ["iest", "ier"] {
        if let Some(stem) = word.strip_suffix(suffix).filter(|s| s.len() >= 3) {
            out.push(format!("{stem}y"));
        }
    }
    for suffix in ["est", "er"] {
        let Some(stem) = word.strip_suffix(suffix) else {
            continue;
        };
        let b = stem.as_bytes();
        if b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2] && !b[b.len() - 1].is_ascii_digit() {
            out.push(stem[..stem.len() - 1].to_string());
        }
        if stem.len() >= 5 {
            out.push(stem.to_string());
        }
        if stem.len() >= 4 {
            out.push(format!("{stem}e"));
        }
    }
    out
}

/// A text with some of its words replaced (`f` gives the replacement), its sentences and clauses
/// kept apart.
pub(super) fn reword(text: &str, f: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    for p in text::pieces(text) {
        match p {
            Piece::Word(w) => {
                out.push_str(&f(&w).unwrap_or(w));
                out.push(' ');
            }
            Piece::SentenceEnd => out.push_str(". "),
            Piece::ClauseEnd => out.push_str(", "),
            Piece::Colon => out.push_str(": "),
            Piece::Possessive => {}
        }
    }
    out
}

pub(super) fn words_of(text: &str) -> impl Iterator<Item = String> {
    text::pieces(text).into_iter().filter_map(|p| match p {
        Piece::Word(w) => Some(w),
        _ => None,
    })
}

/// Every word of the bank's documents, sorted.
pub(super) struct Words(Vec<String>);

impl Words {
    pub(super) fn new(mut words: Vec<String>) -> Words {
        words.sort_unstable();
        words.dedup();
        Words(words)
    }

    /// A word as the bank would word it, if the bank does not know the word itself (`knows`
    /// says whether it knows a word): chat shorthand, a comparison of a known adjective, or the
    /// start of one known word (every word it starts has the same stem).
    pub(super) fn rewrite(&self, word: &str, knows: impl Fn(&str) -> bool) -> Option<String> {
        if let Some((_, full)) = SHORTHAND.iter().find(|(w, _)| *w == word) {
            return Some(full.to_string());
        }
        if text::is_stop_word(word) || text::is_negation(word) || knows(word) {
            return None;
        }
        if let Some(base) = adjectives(word).into_iter().find(|b| knows(b)) {
            return Some(base);
        }
        if word.chars().count() < PREFIX_FROM || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let from = self.0.partition_point(|w| w.as_str() < word);
        let longer: Vec<&String> = self.0[from..]
            .iter()
            .take_while(|w| w.starts_with(word))
            .collect();
        let first = longer.first()?;
        let stem = text::stem(first);
        longer
            .iter()
            .all(|w| text::stem(w) == stem)
            .then(|| first.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comparison_is_read_as_its_adjective_and_a_plain_word_is_not() {
        let known = ["heavy", "big", "quick", "large", "off", "ever"];
        let knows = |w: &str| known.contains(&w);
        let words = Words::new(vec![]);
        for (word, base) in [
            ("heaviest", "heavy"),
            ("heavier", "heavy"),
            ("bigger", "big"),
            ("quicker", "quick"),
            ("larger", "large"),
        ] {
            assert_eq!(words.rewrite(word, knows).as_deref(), Some(base), "{word}");
        }
        for word in ["offer", "everest", "never"] {
            assert_eq!(words.rewrite(word, knows), None, "{word}");
        }
    }

    #[test]
    fn the_start_of_one_word_is_that_word_and_of_several_is_none() {
        let words = Words::new(
            [
                "mongodb",
                "compatible",
                "compatibility",
                "process",
                "processes",
                "processor",
            ]
            .map(String::from)
            .to_vec(),
        );
        let knows = |_: &str| false;
        assert_eq!(words.rewrite("mongo", knows).as_deref(), Some("mongodb"));
        assert_eq!(
            words.rewrite("compat", knows).as_deref(),
            Some("compatibility")
        );
        // `process` and `processor` have different stems; `proc` is too short to be a start.
        assert_eq!(words.rewrite("proce", knows), None);
        assert_eq!(words.rewrite("proc", knows), None);
        assert_eq!(words.rewrite("vs", knows).as_deref(), Some("difference"));
    }

    #[test]
    fn reword_keeps_sentences_and_clauses_apart() {
        let out = reword("Threads vs processes, quickly. Why?", |w| {
            (w == "vs").then(|| "difference".to_string())
        });
        assert_eq!(out, "threads difference processes , quickly . why . ");
    }
}
