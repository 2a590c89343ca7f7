//! The words of `/ask`: the command, the closest question with its answer, the reply when the
//! bank has nothing close, and **Practise it**. What a member typed is quoted back escaped and
//! clipped ([`asked`]), never as they wrote it.

use super::limits::{clip, ECHO};
use super::quote::escape;

pub const ASK: &str = "Ask the question bank: the closest interview questions, with the answer";
pub const ASK_QUESTION: &str = "Your interview question, in your own words";
pub const CLOSEST: &str = "Closest in the bank";
pub const NOTHING_CLOSE: &str = "Nothing close in the bank";
pub const MODEL_ANSWER: &str = "Model answer";
pub const ANSWER: &str = "Answer";
pub const WHY: &str = "Why";
pub const SOURCE: &str = "Source";
pub const ALSO: &str = "Next closest";
pub const NEAREST_TOPICS: &str = "Nearest topics";
pub const NEAREST_QUESTIONS: &str = "Nearest questions (not close)";
pub const BANK_COVERS: &str = "The bank covers";
pub const PRACTISE_BUTTON: &str = "Practise it";
/// Above the question **Practise it** asks.
pub const PRACTISE: &str =
    "Practice: answer it in your own words, without looking back. Graded at once, no points.";
pub const TOO_SHORT: &str =
    "Type a question to ask the bank, like `/ask question: what is the difference between a process and a thread?`";

/// When a typed question is longer than the option allows (only a forged request gets here).
pub fn too_long(max: u16) -> String {
    format!("Ask in at most {max} characters: the bank is searched by the words of one question.")
}

/// What the member typed, on one line, clipped and escaped: no mention, no markdown.
pub fn asked(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("You asked: “{}”", escape(&clip(&line, ECHO)))
}

/// How close a question came, as a share.
pub fn similar(score: f64) -> String {
    format!("{:.0}% similar", score * 100.0)
}

/// Where the question comes from: its topic, and the section of the material it was written from.
pub fn source(topic: &str, section: &str) -> String {
    format!("{topic} · section `{section}`")
}

/// Below the question asked when the bank has nothing close: the bar it takes, and what follows.
pub fn nothing_close(threshold: f64) -> String {
    format!(
        "Nothing in the bank comes close enough to answer it (that takes {:.0}% similarity). \
         The nearest below are pointers, not answers; try other words, or `/quiz` on a topic.",
        threshold * 100.0
    )
}

/// When no word of the question is in the bank at all.
pub const NO_WORD_KNOWN: &str =
    "None of its words are in the bank. It covers the topics below; try `/quiz` on one.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_is_quoted_on_one_line_clipped_without_mentions_or_markdown() {
        let quoted = asked("@everyone look\n```rust\nfn main() {}\n``` <@123> **bold**");
        assert!(!quoted.contains("@everyone") && !quoted.contains("```"));
        assert!(!quoted.contains("<@123>") && !quoted.contains("**"));
        assert!(!quoted.contains('\n'));
        let long = asked(&"word ".repeat(500));
        assert!(long.chars().count() < ECHO + 40, "{long}");
    }
}
