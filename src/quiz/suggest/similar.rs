//! Duplicates: the existing questions closest to a suggestion, by reference similarity
//! (`grade::reference`, the grader's second signal). A question is compared by its prompt and its
//! right answer, over a lexicon that knows the words of both (stems, the bank's synonyms, typos).
//!
//! The closeness is the model's tf-idf cosine feature. Its fitted 0-5 score is not: it was fitted
//! to grade answers to one question, where an off-topic answer still earns about half, and between
//! questions it gives an unrelated one 0.75 to 0.83 and a reworded duplicate 0.96 to 0.99, with
//! the neighbours of the same topic in between. The cosine gives a reworded question 0.74 and
//! more, a neighbour of its topic 0.6 at most and an unrelated one under 0.25 (measured on the bank
//! by `tests::the_threshold_separates_rewordings_from_neighbours`).

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

/// The questions among `candidates` closest to `text` (a suggestion's gist), best first: at most
/// `SHOWN`, each scoring at least `DUPLICATE_FROM`.
pub fn closest<'q>(
    vocabulary: &Vocabulary,
    candidates: impl IntoIterator<Item = &'q Question>,
    text: &str,
) -> Vec<Similar> {
    let mut scored = scores(vocabulary, candidates, text);
    scored.retain(|s| s.score >= DUPLICATE_FROM);
    scored.truncate(SHOWN);
    scored
}

/// Every candidate's similarity to `text`, best first.
pub fn scores<'q>(
    vocabulary: &Vocabulary,
    candidates: impl IntoIterator<Item = &'q Question>,
    text: &str,
) -> Vec<Similar> {
    let candidates: Vec<&Question> = candidates.into_iter().collect();
    // A lexicon that knows every word compared, so the same word is the same term on both sides.
    let mut lexicon = Lexicon::new(&vocabulary.groups, &vocabulary.spellings);
    let theirs: Vec<Analysis> = candidates.iter().map(|q| lexicon.learn(&gist(q))).collect();
    let mine = lexicon.learn(text);
    let idf = Idf::from_documents(theirs.iter().chain(std::iter::once(&mine)));
    let none = Analysis::default();
    let mut out: Vec<Similar> = candidates
        .iter()
        .zip(&theirs)
        .map(|(q, a)| Similar {
            id: q.id.0.clone(),
            prompt: q.prompt.clone(),
            score: (reference::features(&idf, &none, a, &mine).cosine * 1000.0).round() / 1000.0,
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    out
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
            let all = scores(bank.vocabulary(), bank.questions(), text);
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
            let close = closest(bank.vocabulary(), bank.questions(), fresh);
            assert!(close.is_empty(), "{fresh}: {close:?}");
        }
    }
}
