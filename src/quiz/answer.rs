//! The use-case "record a daily answer": a graded answer to a round goes to the store, and what
//! happened comes back for the edge to render. Also the one place that says how an answer is
//! kept as text, and how that text is read back as an answer (to grade it again for a review).
//!
//! The store is reached through [`AnswerStore`], which `store::Store` implements: quiz/ knows
//! nothing of SQL or Discord.

use super::{NewAnswer, Recorded, Round, UserId};
use crate::bank::{Instance, Kind, KindName, Question};
use crate::grade::{Answer, Grade};
use chrono::{DateTime, Utc};
use std::future::Future;

/// What recording a daily answer needs from the database.
pub trait AnswerStore: Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Records a graded daily answer with its points and the member's streak; `Accepted` only
    /// once it is committed. The first answer counts; a closed round records nothing.
    fn record_answer(
        &self,
        a: NewAnswer,
    ) -> impl Future<Output = Result<Recorded, Self::Error>> + Send;
}

/// A member's graded answer to a daily round.
#[derive(Debug, Clone)]
pub struct DailyAnswer<'a> {
    pub round: &'a Round,
    pub member: UserId,
    /// The answer as kept: see [`stored_text`].
    pub text: String,
    /// The grader's result for it.
    pub grade: &'a Grade,
    pub at: DateTime<Utc>,
    /// The question's kind, and how long the member took from seeing it (when known): with the
    /// verdict they rate the question for the member's review.
    pub kind: KindName,
    pub answered_in: Option<chrono::Duration>,
}

/// Records a daily answer and schedules its question for the member's review, in one
/// transaction. `Accepted` carries the points and the streak the member is told; the answer can
/// then be appealed by its member (see `quiz::appeal`).
pub async fn record<S: AnswerStore>(store: &S, a: DailyAnswer<'_>) -> Result<Recorded, S::Error> {
    store
        .record_answer(NewAnswer {
            round: a.round.id,
            user: a.member,
            answer: a.text,
            score: a.grade.score,
            verdict: a.grade.verdict,
            at: a.at,
            review: Some(super::review::rating(
                a.grade.verdict,
                a.kind,
                a.answered_in,
            )),
        })
        .await
}

/// The text an answer is kept as, the way the member saw it: the option's text, `true` or
/// `false`, the picked options joined by `; `, or what they typed (an order as item numbers).
pub fn stored_text(q: &Question, answer: &Answer, typed: &str) -> String {
    match (&q.kind, answer) {
        (Kind::Choice { options, .. }, Answer::Choice(i)) if *i < options.len() => {
            options[*i].clone()
        }
        (Kind::TrueFalse { .. }, Answer::TrueFalse(b)) => b.to_string(),
        (Kind::Multi { options, .. }, Answer::Multi(picked)) => picked
            .iter()
            .filter_map(|&i| options.get(i).map(String::as_str))
            .collect::<Vec<_>>()
            .join(MULTI_SEPARATOR),
        _ => typed.to_string(),
    }
}

const MULTI_SEPARATOR: &str = "; ";

/// The answer a kept text stands for, in the instance it answered: the inverse of
/// [`stored_text`]. `None` when it no longer fits the question (the bank changed since).
pub fn reread(inst: &Instance, text: &str) -> Option<Answer> {
    let position = |labels: &[String], t: &str| labels.iter().position(|l| l == t);
    match &inst.question.kind {
        Kind::Choice { options, .. } => position(options, text).map(Answer::Choice),
        Kind::TrueFalse { .. } => match text {
            "true" => Some(Answer::TrueFalse(true)),
            "false" => Some(Answer::TrueFalse(false)),
            _ => None,
        },
        Kind::Multi { options, .. } => text
            .split(MULTI_SEPARATOR)
            .map(|t| position(options, t))
            .collect::<Option<Vec<usize>>>()
            .map(Answer::Multi),
        Kind::Order { .. } => crate::grade::parse_answer(inst, text).ok(),
        Kind::Short { .. } | Kind::FreeText(_) | Kind::Generated(_) => {
            Some(Answer::Text(text.to_string()))
        }
    }
}

/// The answer as `grade`, `grade --batch` and `play` take it for this instance: an option's
/// number as shown, the picked options' numbers, `true`/`false`, item numbers in the member's
/// order, or the text.
pub fn typed(inst: &Instance, answer: &Answer) -> String {
    let shown = |i: usize| {
        inst.order
            .iter()
            .position(|&j| j == i)
            .map(|p| (p + 1).to_string())
    };
    let numbers = |indices: &[usize]| {
        indices
            .iter()
            .filter_map(|&i| shown(i))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match answer {
        Answer::Choice(i) => shown(*i).unwrap_or_default(),
        Answer::Multi(picked) => numbers(picked),
        Answer::Order(order) => numbers(order),
        Answer::TrueFalse(b) => b.to_string(),
        Answer::Text(t) => t.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Bank, BankSource};

    fn bank() -> Bank {
        Bank::load(&BankSource::Builtin).expect("the built-in bank loads")
    }

    #[test]
    fn every_kind_of_answer_reads_back_from_its_text() {
        let bank = bank();
        let first = |f: fn(&Kind) -> bool| {
            bank.questions()
                .iter()
                .find(|q| f(&q.kind))
                .expect("the bank has one")
        };
        let cases = [
            (
                first(|k| matches!(k, Kind::Choice { .. })),
                Answer::Choice(1),
                "",
            ),
            (
                first(|k| matches!(k, Kind::TrueFalse { .. })),
                Answer::TrueFalse(false),
                "",
            ),
            (
                first(|k| matches!(k, Kind::Multi { .. })),
                Answer::Multi(vec![2, 0]),
                "",
            ),
            (
                first(|k| matches!(k, Kind::FreeText(_))),
                Answer::Text("threads share memory".into()),
                "threads share memory",
            ),
        ];
        for (q, answer, typed_text) in cases {
            let inst = q.instance(5);
            let text = stored_text(q, &answer, typed_text);
            assert_eq!(
                reread(&inst, &text),
                Some(answer.clone()),
                "{}: {text}",
                q.id
            );
            let as_typed = typed(&inst, &answer);
            assert_eq!(
                crate::grade::parse_answer(&inst, &as_typed),
                Ok(answer),
                "{}: the grader reads {as_typed:?} back",
                q.id
            );
        }
        // An order is kept as typed (item numbers as shown) and read back the same way.
        let order = first(|k| matches!(k, Kind::Order { .. }));
        let inst = order.instance(5);
        let numbers: Vec<String> = (1..=inst.order.len())
            .rev()
            .map(|n| n.to_string())
            .collect();
        let numbers = numbers.join(" ");
        let answer = crate::grade::parse_answer(&inst, &numbers).unwrap();
        assert_eq!(
            reread(&inst, &stored_text(order, &answer, &numbers)),
            Some(answer.clone())
        );
        assert_eq!(typed(&inst, &answer), numbers);
    }

    #[test]
    fn a_text_that_no_longer_fits_reads_as_nothing() {
        let bank = bank();
        let choice = bank
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::Choice { .. }))
            .unwrap();
        assert_eq!(reread(&choice.instance(0), "an option nobody wrote"), None);
    }
}
