//! Sharing a daily answer at the reveal. Under the private grade of a free-text answer a member
//! can agree to have it quoted "if it is among the best" (off until they turn it on, and theirs
//! to change until the reveal); the reveal then quotes the best answer of the round among those
//! whose authors agreed. Nobody's answer is quoted without their consent.
//!
//! The rules live here, with no Discord types: [`best`] picks the quote, [`choose`] records a
//! member's choice through [`ShareStore`], which `store::Store` implements.

use super::{RoundId, UserId};
use crate::grade::Verdict;
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::future::Future;

/// A daily answer whose author agreed to have it quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub member: UserId,
    /// The answer as the member wrote it.
    pub text: String,
    pub score: f64,
    pub verdict: Verdict,
    pub at: DateTime<Utc>,
}

/// The answer the reveal quotes: of the answers whose authors agreed, the one with the highest
/// score, and of equal scores the earliest. Only a correct answer is quoted: the reveal holds it
/// up as an example to learn from, and a partly right one would teach its gaps. `None` when no
/// correct answer was shared.
pub fn best(shared: &[Shared]) -> Option<&Shared> {
    shared
        .iter()
        .filter(|s| s.verdict == Verdict::Correct && s.score.is_finite())
        .min_by(|a, b| {
            // Highest score first, then earliest, then (for a stable choice) the lower id.
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(Ordering::Equal)
                .then(a.at.cmp(&b.at))
                .then(a.member.0.cmp(&b.member.0))
        })
}

/// What became of a member's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareSet {
    /// Recorded: sharing is now on (`true`) or off.
    Set(bool),
    /// The round has been revealed: the choice can no longer change.
    Revealed,
    /// The member has no answer to this round (or the round is not of this guild).
    NoAnswer,
    /// Someone pressed another member's button.
    NotYours,
}

/// What sharing needs from the database.
pub trait ShareStore: Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Turns sharing of `member`'s answer to `round` (of `guild`) on or off, unless the round has
    /// been revealed; committed before it returns.
    fn set_share(
        &self,
        guild: super::GuildId,
        round: RoundId,
        member: UserId,
        on: bool,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<ShareSet, Self::Error>> + Send;

    /// Whether `member` agreed to share their answer to `round`.
    fn shares(
        &self,
        round: RoundId,
        member: UserId,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// The answers to `round` whose authors agreed to share them.
    fn shared_answers(
        &self,
        round: RoundId,
    ) -> impl Future<Output = Result<Vec<Shared>, Self::Error>> + Send;
}

/// A press of the share toggle under `member`'s grade by `asker`: only the member who answered
/// may change it.
pub async fn choose<S: ShareStore>(
    store: &S,
    guild: super::GuildId,
    round: RoundId,
    member: UserId,
    asker: UserId,
    on: bool,
    at: DateTime<Utc>,
) -> Result<ShareSet, S::Error> {
    if asker != member {
        return Ok(ShareSet::NotYours);
    }
    store.set_share(guild, round, member, on, at).await
}

/// The answer the reveal of `round` quotes, if any.
pub async fn quote<S: ShareStore>(store: &S, round: RoundId) -> Result<Option<Shared>, S::Error> {
    Ok(best(&store.shared_answers(round).await?).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + chrono::Duration::minutes(minute)
    }

    fn shared(member: u64, score: f64, verdict: Verdict, minute: i64) -> Shared {
        Shared {
            member: UserId(member),
            text: format!("answer of {member}"),
            score,
            verdict,
            at: at(minute),
        }
    }

    #[test]
    fn the_highest_score_is_quoted() {
        let all = [
            shared(1, 0.70, Verdict::Correct, 1),
            shared(2, 0.95, Verdict::Correct, 5),
            shared(3, 0.80, Verdict::Correct, 2),
        ];
        assert_eq!(best(&all).map(|s| s.member), Some(UserId(2)));
    }

    #[test]
    fn of_equal_scores_the_earliest_is_quoted() {
        let all = [
            shared(1, 0.9, Verdict::Correct, 7),
            shared(2, 0.9, Verdict::Correct, 3),
            shared(3, 0.9, Verdict::Correct, 5),
        ];
        assert_eq!(best(&all).map(|s| s.member), Some(UserId(2)));
        // The same instant: the choice is still one and the same, whatever the order.
        let same = [
            shared(9, 0.9, Verdict::Correct, 3),
            shared(4, 0.9, Verdict::Correct, 3),
        ];
        let mut reversed = same.clone();
        reversed.reverse();
        assert_eq!(best(&same).map(|s| s.member), Some(UserId(4)));
        assert_eq!(best(&reversed).map(|s| s.member), Some(UserId(4)));
    }

    #[test]
    fn nothing_shared_nothing_quoted() {
        assert_eq!(best(&[]), None);
    }

    #[test]
    fn only_a_correct_answer_is_quoted() {
        let all = [
            shared(1, 0.6, Verdict::Partial, 1),
            shared(2, 0.1, Verdict::Wrong, 0),
        ];
        assert_eq!(best(&all), None, "a partly right answer is no example");
        let with_correct = [
            shared(1, 0.6, Verdict::Partial, 1),
            shared(3, 0.65, Verdict::Correct, 9),
        ];
        assert_eq!(best(&with_correct).map(|s| s.member), Some(UserId(3)));
        let odd = [shared(5, f64::NAN, Verdict::Correct, 0)];
        assert_eq!(
            best(&odd),
            None,
            "a score that is not a number is never the best"
        );
    }
}
