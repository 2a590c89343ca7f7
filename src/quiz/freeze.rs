//! Streak freezes: the pure rules, kept apart from the streak's own (`scoring`) so each is read
//! on its own.
//!
//! - A member earns one freeze each time their streak reaches a multiple of 7 (7, 14, 21, ...)
//!   and holds at most [`MAX_FREEZES`].
//! - A posted round that closed without the member's answer, while they had a streak, spends one
//!   freeze: the streak goes on, but does not grow for that day. Missed rounds are covered one by
//!   one, oldest first; when the freezes run out the streak ends (the freezes spent on the
//!   earlier days stay spent, as they would have been on those days).
//! - A wrong answer still ends the streak; freezes held are kept.
//! - Skipped days are not posted rounds, so they never appear among the missed ones.
//! - The streak a break ended is remembered (`lost`), so an admin can restore it.
//!
//! Nothing here needs a clock: the store applies [`lapse`] when the member's next answer is
//! recorded (spending exactly once, with an audit row per freeze), and `/stats` applies the same
//! function on read to show the streak and freezes as they stand now.

use super::scoring::{self, Streak};
use crate::grade::Verdict;

/// Freezes a member can hold at once.
pub const MAX_FREEZES: u32 = 2;
/// A freeze is earned each time the streak reaches a multiple of this.
pub const EARN_EVERY: u32 = 7;

/// A member's streak with what freezes add to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Guarded {
    pub streak: Streak,
    /// Freezes held, 0 to [`MAX_FREEZES`].
    pub freezes: u32,
    /// The streak the last break ended (0: none to restore).
    pub lost: u32,
}

/// What a run of missed rounds did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lapsed {
    pub after: Guarded,
    /// The missed rounds a freeze covered, oldest first.
    pub spent: Vec<i64>,
    /// Whether the streak ended on a missed round no freeze covered.
    pub broke: bool,
}

/// Applies the posted rounds that closed without the member's answer since their streak last
/// grew (`missed`, oldest first, each after `before.streak.last_round`).
pub fn lapse(before: Guarded, missed: &[i64]) -> Lapsed {
    let mut g = before;
    let mut spent = Vec::new();
    if g.streak.current == 0 {
        return Lapsed {
            after: g,
            spent,
            broke: false,
        };
    }
    for &round in missed {
        if g.freezes == 0 {
            g.lost = g.streak.current;
            g.streak.current = 0;
            return Lapsed {
                after: g,
                spent,
                broke: true,
            };
        }
        g.freezes -= 1;
        // The frozen day joins the streak up to the next one without adding to it.
        g.streak.last_round = Some(round);
        spent.push(round);
    }
    Lapsed {
        after: g,
        spent,
        broke: false,
    }
}

/// What recording an answer did to the member's streak and freezes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub after: Guarded,
    /// The missed rounds a freeze covered before this answer.
    pub spent: Vec<i64>,
    /// Whether a freeze was earned by this answer.
    pub earned: bool,
}

/// The streak after answering `this_round`: first the rounds missed since the last answer (see
/// [`lapse`]), then the answer itself by the streak's rules. `previous_posted` is the guild's
/// posted round just before this one.
pub fn answer(
    before: Guarded,
    missed: &[i64],
    this_round: i64,
    previous_posted: Option<i64>,
    verdict: Verdict,
) -> Answered {
    let lapsed = lapse(before, missed);
    let mut g = lapsed.after;
    let was = g.streak.current;
    g.streak = scoring::next_streak(g.streak, this_round, previous_posted, verdict);
    if verdict == Verdict::Wrong && was > 0 {
        g.lost = was;
    }
    let now = g.streak.current;
    let earned = now > was && now.is_multiple_of(EARN_EVERY) && g.freezes < MAX_FREEZES;
    if earned {
        g.freezes += 1;
    }
    Answered {
        after: g,
        spent: lapsed.spent,
        earned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streak(current: u32, last_round: i64) -> Guarded {
        Guarded {
            streak: Streak {
                current,
                best: current,
                last_round: Some(last_round),
            },
            freezes: 0,
            lost: 0,
        }
    }

    fn holding(current: u32, last_round: i64, freezes: u32) -> Guarded {
        Guarded {
            freezes,
            ..streak(current, last_round)
        }
    }

    /// Answers rounds 1..=n correctly, one after another.
    fn run_of(n: i64) -> Guarded {
        let mut g = Guarded::default();
        for r in 1..=n {
            let previous = (r > 1).then_some(r - 1);
            g = answer(g, &[], r, previous, Verdict::Correct).after;
        }
        g
    }

    #[test]
    fn a_freeze_is_earned_at_7_and_14_and_held_at_most_2() {
        assert_eq!(run_of(6).freezes, 0);
        let g = run_of(7);
        assert_eq!((g.streak.current, g.freezes), (7, 1));
        assert_eq!(run_of(13).freezes, 1);
        assert_eq!(run_of(14).freezes, 2);
        let g = run_of(21);
        assert_eq!((g.streak.current, g.freezes), (21, 2), "the cap of 2");
        assert_eq!(run_of(28).freezes, 2);
    }

    #[test]
    fn one_missed_day_spends_one_freeze_and_the_streak_goes_on_without_growing() {
        let g = holding(9, 9, 1);
        let a = answer(g, &[10], 11, Some(10), Verdict::Correct);
        assert_eq!(a.spent, vec![10]);
        assert_eq!(a.after.freezes, 0);
        assert_eq!(a.after.streak.current, 10, "9, frozen on day 10, then 10");
        assert_eq!(a.after.streak.last_round, Some(11));
    }

    #[test]
    fn two_missed_days_spend_two_freezes() {
        let g = holding(14, 14, 2);
        let a = answer(g, &[15, 16], 17, Some(16), Verdict::Partial);
        assert_eq!(a.spent, vec![15, 16]);
        assert_eq!((a.after.freezes, a.after.streak.current), (0, 15));
        assert_eq!(a.after.lost, 0);
    }

    #[test]
    fn three_missed_days_with_two_freezes_end_the_streak() {
        let g = holding(14, 14, 2);
        let l = lapse(g, &[15, 16, 17]);
        assert!(l.broke);
        assert_eq!(l.spent, vec![15, 16], "the first two days were covered");
        assert_eq!((l.after.freezes, l.after.streak.current), (0, 0));
        assert_eq!(l.after.lost, 14, "remembered for a restore");
        let a = answer(g, &[15, 16, 17], 18, Some(17), Verdict::Correct);
        assert_eq!(a.after.streak.current, 1, "a new streak starts");
        assert_eq!(a.after.streak.best, 14);
    }

    #[test]
    fn a_missed_day_without_a_freeze_ends_the_streak_as_before() {
        let a = answer(streak(3, 3), &[4], 5, Some(4), Verdict::Correct);
        assert!(a.spent.is_empty());
        assert_eq!(a.after.streak.current, 1);
        assert_eq!(a.after.lost, 3);
    }

    #[test]
    fn a_wrong_answer_after_a_freeze_still_ends_the_streak() {
        let g = holding(8, 8, 1);
        let a = answer(g, &[9], 10, Some(9), Verdict::Wrong);
        assert_eq!(a.spent, vec![9], "the missed day was covered first");
        assert_eq!(a.after.streak.current, 0);
        assert_eq!(a.after.freezes, 0);
        assert_eq!(a.after.lost, 8);
    }

    #[test]
    fn a_wrong_answer_keeps_the_freezes_held() {
        let a = answer(holding(8, 8, 2), &[], 9, Some(8), Verdict::Wrong);
        assert_eq!((a.after.streak.current, a.after.freezes), (0, 2));
    }

    #[test]
    fn without_a_streak_a_missed_day_costs_nothing() {
        let mut g = holding(0, 3, 2);
        g.streak.current = 0;
        let l = lapse(g, &[4, 5]);
        assert!(!l.broke && l.spent.is_empty());
        assert_eq!(l.after.freezes, 2);
    }

    #[test]
    fn a_frozen_day_does_not_earn_a_freeze() {
        // 6, frozen on day 7, then day 8 makes 7: earned by the answer, not the frozen day.
        let a = answer(holding(6, 6, 1), &[7], 8, Some(7), Verdict::Correct);
        assert_eq!(a.after.streak.current, 7);
        assert!(a.earned);
        assert_eq!(a.after.freezes, 1, "one spent, one earned");
    }
}
