//! The scoring rules, in one place: base points by difficulty, the streak and its bonus.
//!
//! - A daily answer earns `base × score` points, rounded: 10 for an easy question, 20 for a
//!   medium one, 30 for a hard one.
//! - A streak counts consecutive posted days (days the guild had a round; skipped days do not
//!   count) on which the member answered and was not wrong. A wrong answer, or a posted day with
//!   no answer, ends it.
//! - An answer that keeps a streak going earns a bonus of 2 points per day of streak before
//!   today, at most 10: the 2nd day in a row +2, the 3rd +4, ... the 6th and later +10.
//! - Only the first answer to a round counts. Practice (`/quiz`) never earns points.

use crate::bank::Difficulty;
use crate::grade::Verdict;

pub fn base_points(d: Difficulty) -> u32 {
    match d {
        Difficulty::Easy => 10,
        Difficulty::Medium => 20,
        Difficulty::Hard => 30,
    }
}

pub const STREAK_BONUS_PER_DAY: u32 = 2;
pub const STREAK_BONUS_MAX: u32 = 10;

/// A member's streak in a guild, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Streak {
    pub current: u32,
    pub best: u32,
    /// The last round that extended the streak.
    pub last_round: Option<i64>,
}

/// The streak after answering a round. `previous_posted` is the guild's posted round just before
/// this one (skipped days are not posted days).
pub fn next_streak(
    before: Streak,
    this_round: i64,
    previous_posted: Option<i64>,
    verdict: Verdict,
) -> Streak {
    if verdict == Verdict::Wrong {
        return Streak {
            current: 0,
            best: before.best,
            last_round: before.last_round,
        };
    }
    let continues =
        before.current > 0 && previous_posted.is_some() && before.last_round == previous_posted;
    let current = if continues { before.current + 1 } else { 1 };
    Streak {
        current,
        best: before.best.max(current),
        last_round: Some(this_round),
    }
}

/// The streak as it stands now: it has ended if a posted round passed without extending it.
/// `latest_posted` is the guild's latest posted round and `latest_open` whether it is still open
/// (a member can still answer today's round without breaking anything).
pub fn current_streak(
    s: Streak,
    latest_posted: Option<i64>,
    previous_posted: Option<i64>,
    latest_open: bool,
) -> u32 {
    match s.last_round {
        Some(r) if Some(r) == latest_posted => s.current,
        Some(r) if latest_open && Some(r) == previous_posted => s.current,
        _ => 0,
    }
}

pub fn streak_bonus(streak_after: u32) -> u32 {
    (streak_after.saturating_sub(1) * STREAK_BONUS_PER_DAY).min(STREAK_BONUS_MAX)
}

/// Points for a daily answer, given the streak it leaves.
pub fn points(d: Difficulty, score: f64, verdict: Verdict, streak_after: u32) -> u32 {
    let base = (base_points(d) as f64 * score.clamp(0.0, 1.0)).round() as u32;
    let bonus = if verdict == Verdict::Wrong {
        0
    } else {
        streak_bonus(streak_after)
    };
    base + bonus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_scale_with_difficulty_and_score() {
        assert_eq!(points(Difficulty::Easy, 1.0, Verdict::Correct, 1), 10);
        assert_eq!(points(Difficulty::Medium, 0.5, Verdict::Partial, 1), 10);
        assert_eq!(points(Difficulty::Hard, 1.0, Verdict::Correct, 1), 30);
        assert_eq!(points(Difficulty::Hard, 0.2, Verdict::Wrong, 0), 6);
    }

    #[test]
    fn the_streak_bonus_grows_to_its_cap() {
        let bonuses: Vec<u32> = (1..=8).map(streak_bonus).collect();
        assert_eq!(bonuses, vec![0, 2, 4, 6, 8, 10, 10, 10]);
        assert_eq!(points(Difficulty::Easy, 1.0, Verdict::Correct, 3), 14);
    }

    #[test]
    fn a_streak_grows_on_consecutive_posted_rounds_and_ends_on_a_wrong_answer() {
        let s = next_streak(Streak::default(), 1, None, Verdict::Correct);
        assert_eq!((s.current, s.best), (1, 1));
        let s = next_streak(s, 2, Some(1), Verdict::Partial);
        assert_eq!((s.current, s.best), (2, 2));
        let s = next_streak(s, 3, Some(2), Verdict::Wrong);
        assert_eq!((s.current, s.best), (0, 2));
        let s = next_streak(s, 4, Some(3), Verdict::Correct);
        assert_eq!((s.current, s.best), (1, 2));
    }

    #[test]
    fn a_missed_posted_round_breaks_the_streak() {
        let s = next_streak(Streak::default(), 1, None, Verdict::Correct);
        let s = next_streak(s, 2, Some(1), Verdict::Correct);
        // Round 3 was posted and not answered; round 4 starts again at 1.
        let s = next_streak(s, 4, Some(3), Verdict::Correct);
        assert_eq!((s.current, s.best), (1, 2));
    }

    #[test]
    fn the_shown_streak_lapses_once_a_posted_round_passes_unanswered() {
        let s = Streak {
            current: 3,
            best: 3,
            last_round: Some(7),
        };
        assert_eq!(current_streak(s, Some(7), Some(6), false), 3);
        assert_eq!(
            current_streak(s, Some(8), Some(7), true),
            3,
            "today's round is still open"
        );
        assert_eq!(
            current_streak(s, Some(8), Some(7), false),
            0,
            "today's round closed unanswered"
        );
        assert_eq!(current_streak(s, Some(9), Some(8), true), 0);
    }
}
