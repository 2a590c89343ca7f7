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
//! - Streak freezes (earned every 7 days of streak, at most 2) cover missed posted days: see
//!   `freeze`.
//! - A grade changed on review re-scores the member from their stored answers ([`replay`]): the
//!   same rules, applied again in round order.

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

/// One of a guild's posted rounds (skipped days are not posted), with the member's answer to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Played {
    pub round: i64,
    pub difficulty: Difficulty,
    /// The member's answer: its score and verdict; `None` for a posted day without one.
    pub answer: Option<(f64, Verdict)>,
}

/// What the rules make of a member's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    /// The points of each answer, in the order given (`None` where there was no answer).
    pub points: Vec<Option<u32>>,
    /// The streak as it stands after the last of them.
    pub streak: Streak,
    /// Streak freezes held, and the streak the last break ended (`freeze`), after the last answer.
    pub freezes: u32,
    pub lost: u32,
}

/// Scores a member's answers again from scratch: `rounds` are the guild's posted rounds in the
/// order they opened. For answers recorded in round order this is exactly what recording them
/// one by one gave (freezes included: the rounds missed before an answer are settled with it);
/// after a verdict changes it is what they would have earned.
pub fn replay(rounds: &[Played]) -> Replayed {
    let mut g = super::freeze::Guarded::default();
    let mut missed = Vec::new();
    let mut previous = None;
    let mut earned = Vec::with_capacity(rounds.len());
    for r in rounds {
        match r.answer {
            Some((score, verdict)) => {
                g = super::freeze::answer(g, &missed, r.round, previous, verdict).after;
                missed.clear();
                earned.push(Some(points(r.difficulty, score, verdict, g.streak.current)));
            }
            None => {
                missed.push(r.round);
                earned.push(None);
            }
        }
        previous = Some(r.round);
    }
    Replayed {
        points: earned,
        streak: g.streak,
        freezes: g.freezes,
        lost: g.lost,
    }
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
    fn a_replay_gives_what_recording_one_by_one_gave() {
        let answers = [
            (1, Some((1.0, Verdict::Correct))),
            (2, Some((0.5, Verdict::Partial))),
            (3, None),
            (4, Some((1.0, Verdict::Correct))),
            (5, Some((0.1, Verdict::Wrong))),
            (6, Some((1.0, Verdict::Correct))),
            (7, Some((1.0, Verdict::Correct))),
        ];
        let rounds: Vec<Played> = answers
            .iter()
            .map(|&(round, answer)| Played {
                round,
                difficulty: Difficulty::Medium,
                answer,
            })
            .collect();
        let mut streak = Streak::default();
        let mut expected = vec![];
        for (i, r) in rounds.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| rounds[p].round);
            expected.push(r.answer.map(|(score, verdict)| {
                streak = next_streak(streak, r.round, previous, verdict);
                points(r.difficulty, score, verdict, streak.current)
            }));
        }
        let replayed = replay(&rounds);
        assert_eq!(replayed.points, expected);
        assert_eq!(replayed.streak, streak);
        assert_eq!(
            replayed.points,
            vec![
                Some(20),
                Some(12),
                None,
                Some(20),
                Some(2),
                Some(20),
                Some(22)
            ]
        );
    }

    #[test]
    fn a_wrong_answer_made_right_joins_the_streak_up_again() {
        let day = |round, verdict: Verdict| Played {
            round,
            difficulty: Difficulty::Easy,
            answer: Some((if verdict == Verdict::Wrong { 0.0 } else { 1.0 }, verdict)),
        };
        let before = replay(&[
            day(1, Verdict::Correct),
            day(2, Verdict::Wrong),
            day(3, Verdict::Correct),
        ]);
        assert_eq!(before.points, vec![Some(10), Some(0), Some(10)]);
        assert_eq!((before.streak.current, before.streak.best), (1, 1));
        let after = replay(&[
            day(1, Verdict::Correct),
            day(2, Verdict::Correct),
            day(3, Verdict::Correct),
        ]);
        assert_eq!(after.points, vec![Some(10), Some(12), Some(14)]);
        assert_eq!(
            after.streak,
            Streak {
                current: 3,
                best: 3,
                last_round: Some(3)
            }
        );
    }

    #[test]
    fn a_replay_spends_freezes_as_recording_did() {
        let mut rounds: Vec<Played> = (1..=9)
            .map(|round| Played {
                round,
                difficulty: Difficulty::Medium,
                answer: Some((1.0, Verdict::Correct)),
            })
            .collect();
        rounds[7].answer = None;
        let replayed = replay(&rounds);
        assert_eq!(
            replayed.points[8],
            Some(30),
            "day 8 frozen: day 9 is the 8th of the streak"
        );
        assert_eq!((replayed.streak.current, replayed.freezes), (8, 0));
    }
}
