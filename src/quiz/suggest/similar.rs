//! Duplicates: the existing questions closest to a suggestion, by reference similarity
//! (`grade::reference`, the grader's second signal). A question is compared by its prompt and its
//! right answer, over a lexicon that knows the words of both (stems, the bank's synonyms, typos).
//!
//! The closeness is the model's tf-idf cosine feature. Its fitted 0-5 score is not: it was fitted
//! to grade answers to one question, where an off-topic answer still earns about half, and between
//! questions it gave an unrelated one 0.75 to 0.83 and a reworded duplicate 0.96 to 0.99, with
//! the neighbours of the same topic in between. The cosine gives a reworded question 0.7 and more
//! (`tests::the_threshold_separates_rewordings_from_neighbours`), the nearest other question of a
//! bank question 0.37 at the median, and an unrelated question under 0.3;
//! `cargo run --release --example duplicates` prints the bank's figures.

use crate::bank::{Kind, Question, Vocabulary};
use crate::grade::reference::{self, Idf};
use crate::grade::text::{Analysis, Lexicon};

/// An existing question close to a suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub id: String,
    pub prompt: String,
    /// The tf-idf cosine of the two texts, 0 to 1.
    pub score: f64,
}

/// How close a question must come to be shown as a possible duplicate: a rewording scores more,
/// most neighbours of its topic less (the closest of them, shown too, are worth a look).
pub const DUPLICATE_FROM: f64 = 0.5;

/// How many possible duplicates are shown at most.
pub const SHOWN: usize = 3;

/// What a question is recognised by: its prompt and its right answer.
pub fn gist(q: &Question) -> String {
    let answer = match &q.kind {
        Kind::Choice { options, answer } => options[*answer].clone(),
        Kind::Multi { options, answers } => answers
            .iter()
            .map(|&i| options[i].as_str())
            .collect::<Vec<_>>()
            .join(" "),
        Kind::Order { items } => items.join(" "),
        Kind::Short { answer, .. } => answer.clone(),
        Kind::FreeText(r) => r.model_answer.clone(),
        Kind::TrueFalse { .. } | Kind::Generated(_) => String::new(),
    };
    format!("{} {answer}", q.prompt)
}

/// The questions a suggestion is compared with, analysed once: a lexicon that knows all their
/// words (so the same word is the same term on both sides, and a typo in a suggestion finds the
/// word), their analyses and the idf of their words. Building one for the bank takes about 60 ms;
/// comparing a suggestion with it, well under one.
pub struct Index {
    lexicon: Lexicon,
    idf: Idf,
    questions: Vec<(String, String, Analysis)>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("questions", &self.questions.len())
            .finish()
    }
}

impl Index {
    pub fn new<'q>(
        vocabulary: &Vocabulary,
        candidates: impl IntoIterator<Item = &'q Question>,
    ) -> Index {
        let mut lexicon = Lexicon::new(&vocabulary.groups, &vocabulary.spellings);
        let questions: Vec<(String, String, Analysis)> = candidates
            .into_iter()
            .map(|q| (q.id.0.clone(), q.prompt.clone(), lexicon.learn(&gist(q))))
            .collect();
        let idf = Idf::from_documents(questions.iter().map(|(_, _, a)| a));
        Index {
            lexicon,
            idf,
            questions,
        }
    }

    /// Every question's similarity to `text` (a suggestion's gist), best first. A word of `text`
    /// no question has is unknown to the lexicon, and so matches nothing, as it should.
    pub fn scores(&self, text: &str) -> Vec<Similar> {
        let mine = self.lexicon.analyse(text);
        let none = Analysis::default();
        let mut out: Vec<Similar> = self
            .questions
            .iter()
            .map(|(id, prompt, a)| Similar {
                id: id.clone(),
                prompt: prompt.clone(),
                score: (reference::features(&self.idf, &none, a, &mine).cosine * 1000.0).round()
                    / 1000.0,
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// The questions closest to `text`, best first: at most `SHOWN`, each scoring at least
    /// `DUPLICATE_FROM`.
    pub fn closest(&self, text: &str) -> Vec<Similar> {
        let mut scored = self.scores(text);
        scored.retain(|s| s.score >= DUPLICATE_FROM);
        scored.truncate(SHOWN);
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Bank, BankSource};

    fn bank() -> Bank {
        Bank::load(&BankSource::Dir(
            concat!(env!("CARGO_MANIFEST_DIR"), "/questions").into(),
        ))
        .unwrap()
    }

    #[test]
    fn the_threshold_separates_rewordings_from_neighbours() {
        let bank = bank();
        let index = Index::new(bank.vocabulary(), bank.questions());
        let reworded = [
            (
                "process-vs-thread",
                "How does a thread differ from a process? A process has its own isolated memory, while the threads of a process share that memory and are cheaper to create and switch.",
            ),
            (
                "list-linux-processes",
                "Which Linux command shows the processes that are running? ps",
            ),
        ];
        for (id, text) in reworded {
            let all = index.scores(text);
            let own = all.iter().find(|s| s.id == id).unwrap();
            assert!(own.score >= 0.7, "{id}: {}", own.score);
            let others = all.iter().filter(|s| !s.id.starts_with("linux-process"));
            for other in others.filter(|s| s.id != id).take(1) {
                assert!(
                    other.score <= 0.6 && other.score < own.score,
                    "{text}: {} scores {} beside {}",
                    other.id,
                    other.score,
                    own.score
                );
            }
        }
        for fresh in [
            "What does a Kubernetes pod's readiness probe decide? Whether the pod receives traffic from its service.",
            "Which version follows 1.4.2 after a backwards compatible bug fix? 1.4.3",
        ] {
            let close = index.closest(fresh);
            assert!(close.is_empty(), "{fresh}: {close:?}");
        }
    }
}
