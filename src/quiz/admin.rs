//! Corrections an admin makes (`/admin`): points added or taken away, a broken streak restored,
//! a daily answer removed, and the audit log that records each of them. The rules are here and
//! pure; the store applies them in one transaction with the audit row (`store::admin`), through
//! the [`CorrectionStore`] trait declared here.
//!
//! - A reason is required (at most [`REASON_MAX`] characters): the log says why.
//! - Points: any whole amount within ±[`AMOUNT_MAX`]; the total never goes below 0, so what is
//!   applied may be less than asked. Adjustments carry their time and count in period boards.
//! - Streak restore: the streak the last break ended comes back, joined to any streak the member
//!   has built since (like a grade made right on review); once restored there is nothing left to
//!   restore until it breaks again.
//! - Answer removal: the answer and its points leave the totals and every board; the streak is
//!   not rewritten (a restore can fix it if the removal ended it).

use super::freeze::Guarded;
use super::{GuildId, RoundId, UserId};
use chrono::{DateTime, Utc};
use std::future::Future;

/// The longest reason a correction takes.
pub const REASON_MAX: usize = 200;
/// The largest number of points one correction adds or takes away.
pub const AMOUNT_MAX: i64 = 100_000;
/// Audit log entries on a page of `/admin log`.
pub const LOG_PAGE: u32 = 5;

/// Why a correction was refused before anything was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("Give a reason: the audit log says why each change was made.")]
    NoReason,
    #[error("Keep the reason to {REASON_MAX} characters.")]
    ReasonTooLong,
    #[error("Give an amount other than 0, at most {AMOUNT_MAX} either way.")]
    BadAmount,
}

/// The reason, trimmed, if it is acceptable.
pub fn check_reason(reason: &str) -> Result<String, Refused> {
    let r = reason.trim();
    if r.is_empty() {
        Err(Refused::NoReason)
    } else if r.chars().count() > REASON_MAX {
        Err(Refused::ReasonTooLong)
    } else {
        Ok(r.to_string())
    }
}

pub fn check_amount(amount: i64) -> Result<i64, Refused> {
    if amount == 0 || amount.abs() > AMOUNT_MAX {
        Err(Refused::BadAmount)
    } else {
        Ok(amount)
    }
}

/// The total after adding `amount` (never below 0), and the change actually applied.
pub fn apply_points(total: u64, amount: i64) -> (u64, i64) {
    let after = (total as i64).saturating_add(amount).max(0) as u64;
    (after, after as i64 - total as i64)
}

/// The streak after a restore, or `None` when no break is remembered. `now` is the streak as it
/// stands (missed rounds settled); `anchor` the guild's latest closed posted round, so the
/// restored streak stands until the next round closes.
pub fn restore(now: Guarded, anchor: Option<i64>) -> Option<Guarded> {
    if now.lost == 0 {
        return None;
    }
    let mut g = now;
    let current = now.lost + now.streak.current;
    g.streak.current = current;
    g.streak.best = g.streak.best.max(current);
    if now.streak.current == 0 {
        g.streak.last_round = anchor.or(now.streak.last_round);
    }
    g.lost = 0;
    Some(g)
}

/// A correction, as the admin asked for it (reason already checked).
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub guild: GuildId,
    pub actor: UserId,
    pub member: UserId,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Points(i64),
    RestoreStreak,
    RemoveAnswer(RoundId),
}

impl Change {
    /// The audit log's name for it.
    pub fn action(&self) -> &'static str {
        match self {
            Change::Points(_) => "points",
            Change::RestoreStreak => "streak-restore",
            Change::RemoveAnswer(_) => "answer-remove",
        }
    }
}

/// What a correction did.
#[derive(Debug, Clone, PartialEq)]
pub enum Corrected {
    /// Total points before and after (the applied change may be smaller than asked).
    Points { before: u64, after: u64 },
    /// The total was already 0: nothing to take away, nothing logged.
    NothingToTake,
    /// The streak before and after.
    Streak { before: u32, after: u32 },
    /// No break remembered: nothing logged.
    NothingToRestore,
    /// The answer's points and the member's total before and after.
    Removed {
        points: u32,
        before: u64,
        after: u64,
    },
    /// The member has no answer to that round in this server.
    NoAnswer,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    /// `None`: the bot itself (a spent freeze).
    pub actor: Option<UserId>,
    pub action: String,
    pub member: Option<UserId>,
    pub reason: String,
    pub before: String,
    pub after: String,
    pub at: DateTime<Utc>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct LogPage {
    pub entries: Vec<AuditEntry>,
    /// 0-based.
    pub page: u32,
    pub pages: u32,
    pub total: u64,
}

/// The page count for `total` entries (at least 1, so an empty log has a page).
pub fn pages(total: u64) -> u32 {
    (total.div_ceil(LOG_PAGE as u64) as u32).max(1)
}

/// The store side of corrections: each write commits the change and its audit row together.
pub trait CorrectionStore {
    type Error;
    fn correct(&self, c: Correction)
        -> impl Future<Output = Result<Corrected, Self::Error>> + Send;
    fn audit_page(
        &self,
        guild: GuildId,
        member: Option<UserId>,
        page: u32,
    ) -> impl Future<Output = Result<LogPage, Self::Error>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::scoring::Streak;

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert_eq!(check_reason("  "), Err(Refused::NoReason));
        assert_eq!(check_reason(" typo "), Ok("typo".into()));
        assert_eq!(
            check_reason(&"x".repeat(REASON_MAX + 1)),
            Err(Refused::ReasonTooLong)
        );
        assert!(check_reason(&"é".repeat(REASON_MAX)).is_ok());
    }

    #[test]
    fn amounts_are_whole_nonzero_and_bounded() {
        assert_eq!(check_amount(0), Err(Refused::BadAmount));
        assert_eq!(check_amount(AMOUNT_MAX + 1), Err(Refused::BadAmount));
        assert_eq!(check_amount(-5), Ok(-5));
    }

    #[test]
    fn the_total_never_goes_below_zero() {
        assert_eq!(apply_points(30, 10), (40, 10));
        assert_eq!(apply_points(30, -10), (20, -10));
        assert_eq!(apply_points(30, -50), (0, -30), "only what was there");
        assert_eq!(apply_points(0, -5), (0, 0));
    }

    #[test]
    fn a_restore_brings_back_the_lost_streak_joined_to_the_new_one() {
        let broke = Guarded {
            streak: Streak {
                current: 0,
                best: 9,
                last_round: Some(4),
            },
            freezes: 1,
            lost: 9,
        };
        let r = restore(broke, Some(6)).unwrap();
        assert_eq!(
            (r.streak.current, r.streak.last_round, r.lost),
            (9, Some(6), 0)
        );
        assert_eq!(r.freezes, 1);
        let rebuilt = Guarded {
            streak: Streak {
                current: 2,
                best: 9,
                last_round: Some(8),
            },
            ..broke
        };
        let r = restore(rebuilt, Some(8)).unwrap();
        assert_eq!((r.streak.current, r.streak.best), (11, 11));
        assert_eq!(restore(r, Some(8)), None, "nothing left to restore");
    }

    #[test]
    fn pages_count_whole_pages() {
        assert_eq!(pages(0), 1);
        assert_eq!(pages(LOG_PAGE as u64), 1);
        assert_eq!(pages(LOG_PAGE as u64 + 1), 2);
    }
}
