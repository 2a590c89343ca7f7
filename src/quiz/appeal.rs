//! Appeals: a member asks once for a review of a daily answer's grade; a moderator keeps the
//! grade or sets the verdict. An override is audited, and re-scores the member from their stored
//! answers (`scoring::replay`), so points, streak, boards, stats and the reveal all follow it.
//!
//! The use-cases reach the database through [`AppealStore`], which `store::Store` implements;
//! the store runs each of its methods as one transaction, calling the rules here.

use super::{AppealId, GuildId, RoundId, UserId};
use crate::grade::Verdict;
use chrono::{DateTime, Utc};
use std::future::Future;

/// A moderator's decision on an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// The grade stands.
    Keep,
    Correct,
    Partial,
    Wrong,
}

impl Decision {
    pub const ALL: [Decision; 4] = [
        Decision::Keep,
        Decision::Correct,
        Decision::Partial,
        Decision::Wrong,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::Correct => "correct",
            Decision::Partial => "partial",
            Decision::Wrong => "wrong",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The verdict it sets; `None` keeps the grade.
    pub fn verdict(self) -> Option<Verdict> {
        match self {
            Decision::Keep => None,
            Decision::Correct => Some(Verdict::Correct),
            Decision::Partial => Some(Verdict::Partial),
            Decision::Wrong => Some(Verdict::Wrong),
        }
    }
}

/// A grade as the store keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marks {
    pub verdict: Verdict,
    /// 0.0 to 1.0.
    pub score: f64,
}

/// The score a verdict set on review carries: correct 1.0, partial 0.5, wrong 0.0.
pub fn score_of(v: Verdict) -> f64 {
    match v {
        Verdict::Correct => 1.0,
        Verdict::Partial => 0.5,
        Verdict::Wrong => 0.0,
    }
}

/// The grade an answer ends with after a decision; `None` when it is kept. A verdict set to what
/// it already was keeps its score (a partial 40% stays 40%); a new verdict gets its own score.
pub fn overridden(current: Marks, d: Decision) -> Option<Marks> {
    let verdict = d.verdict()?;
    let score = if verdict == current.verdict {
        current.score
    } else {
        score_of(verdict)
    };
    Some(Marks { verdict, score })
}

/// A member asking for a review of their answer to a round.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAppeal {
    pub guild: GuildId,
    pub round: RoundId,
    pub member: UserId,
    pub at: DateTime<Utc>,
}

/// Where an answer's appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealState {
    /// Waiting for a moderator.
    Open,
    /// Decided: the grade was kept or set.
    Closed,
}

impl AppealState {
    pub fn as_str(self) -> &'static str {
        match self {
            AppealState::Open => "open",
            AppealState::Closed => "closed",
        }
    }

    /// As stored; anything but `open` is closed.
    pub fn parse(s: &str) -> AppealState {
        if s == AppealState::Open.as_str() {
            AppealState::Open
        } else {
            AppealState::Closed
        }
    }
}

/// What asking for a review did.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    /// Recorded and committed: a moderator will see it in `/grades review`.
    Opened(AppealId),
    /// Asked before, and not yet decided.
    UnderReview,
    /// Asked before and decided: an answer is reviewed once.
    Reviewed,
    /// The member has no daily answer to that round in this guild.
    NoAnswer,
    /// Someone else's answer: only the member who answered can ask.
    NotYours,
}

/// An open appeal, as a moderator reviews it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub appeal: AppealId,
    pub member: UserId,
    pub round: RoundId,
    pub question: String,
    pub seed: u64,
    /// The answer as kept (`answer::stored_text`).
    pub answer: String,
    pub grade: Marks,
    pub points: u32,
    pub asked_at: DateTime<Utc>,
    /// The guild's open appeals, this one included.
    pub open: u64,
}

/// A moderator's decision on an appeal, about to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDecision {
    pub guild: GuildId,
    pub appeal: AppealId,
    pub decision: Decision,
    pub moderator: UserId,
    pub at: DateTime<Utc>,
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq)]
pub enum Decided {
    /// The appeal is closed; `after` is the new grade (`None`: kept), with the answer's points
    /// before and after the member was re-scored.
    Closed {
        member: UserId,
        before: Marks,
        after: Option<Marks>,
        points_before: u32,
        points_after: u32,
    },
    /// Another moderator decided it first; nothing changed.
    AlreadyClosed,
    /// No appeal of this guild has that id.
    NoSuchAppeal,
}

/// An answer whose grade a moderator set, as labelled data for the grader.
#[derive(Debug, Clone, PartialEq)]
pub struct Relabelled {
    pub question: String,
    pub answer: String,
    /// The verdict the moderator set: the label.
    pub verdict: Verdict,
    /// The round's seed (it makes generated questions and orders options).
    pub seed: u64,
}

/// What the appeal use-cases need from the database. Each method is one transaction.
pub trait AppealStore: Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Opens an appeal on the member's answer to the round, unless it has one already.
    fn open_appeal(&self, a: NewAppeal) -> impl Future<Output = Result<Asked, Self::Error>> + Send;

    /// The guild's oldest open appeal.
    fn oldest_open_appeal(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<Option<Case>, Self::Error>> + Send;

    /// Closes an open appeal. Unless the grade is kept, sets the grade [`overridden`] gives,
    /// writes the change to the audit table and re-scores the member's answers, streak and
    /// totals from their stored answers (`scoring::replay`).
    fn decide_appeal(
        &self,
        d: NewDecision,
    ) -> impl Future<Output = Result<Decided, Self::Error>> + Send;

    /// Every answer whose grade a moderator set, with its final verdict, oldest override first.
    fn overridden_answers(
        &self,
    ) -> impl Future<Output = Result<Vec<Relabelled>, Self::Error>> + Send;
}

/// `clicked_by` pressed "Ask for a review" on the grade of `answerer`'s answer to `round`.
pub async fn ask_for_review<S: AppealStore>(
    store: &S,
    guild: GuildId,
    round: RoundId,
    answerer: UserId,
    clicked_by: UserId,
    at: DateTime<Utc>,
) -> Result<Asked, S::Error> {
    if clicked_by != answerer {
        return Ok(Asked::NotYours);
    }
    store
        .open_appeal(NewAppeal {
            guild,
            round,
            member: answerer,
            at,
        })
        .await
}

/// The next appeal to review in a guild: the oldest open one.
pub async fn next_case<S: AppealStore>(
    store: &S,
    guild: GuildId,
) -> Result<Option<Case>, S::Error> {
    store.oldest_open_appeal(guild).await
}

/// Records a moderator's decision, then finds the next appeal to review.
pub async fn decide<S: AppealStore>(
    store: &S,
    d: NewDecision,
) -> Result<(Decided, Option<Case>), S::Error> {
    let guild = d.guild;
    let decided = store.decide_appeal(d).await?;
    Ok((decided, store.oldest_open_appeal(guild).await?))
}

/// The answers moderators relabelled, for `grades export`.
pub async fn relabelled<S: AppealStore>(store: &S) -> Result<Vec<Relabelled>, S::Error> {
    store.overridden_answers().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(verdict: Verdict, score: f64) -> Marks {
        Marks { verdict, score }
    }

    #[test]
    fn a_new_verdict_brings_its_score_and_the_same_verdict_keeps_the_score() {
        let partial = marks(Verdict::Partial, 0.4);
        assert_eq!(overridden(partial, Decision::Keep), None);
        assert_eq!(
            overridden(partial, Decision::Correct),
            Some(marks(Verdict::Correct, 1.0))
        );
        assert_eq!(overridden(partial, Decision::Partial), Some(partial));
        assert_eq!(
            overridden(partial, Decision::Wrong),
            Some(marks(Verdict::Wrong, 0.0))
        );
        assert_eq!(
            overridden(marks(Verdict::Correct, 0.9), Decision::Partial),
            Some(marks(Verdict::Partial, 0.5))
        );
    }

    #[test]
    fn decisions_round_trip_through_their_names() {
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        assert_eq!(Decision::parse("maybe"), None);
    }
}
