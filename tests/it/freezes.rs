//! Streak freezes across missed posted days: earned at 7 days of streak, shown in `/stats` as
//! they stand (read through the real handler), spent once per missed round (one audit row each,
//! by the bot), never for a skipped day, and a wrong answer still ends the streak.

use crate::admin::{restore, Session, ADA, BOB};
use crate::interactions::MANAGE_GUILD;
use chrono::{Duration, NaiveDate};
use interview_bot::grade::Verdict;
use interview_bot::quiz::*;

/// Rounds on consecutive days from 1 May 2026.
async fn rounds(s: &Session, n: usize) -> Vec<Round> {
    let start: NaiveDate = "2026-05-01".parse().unwrap();
    let mut out = vec![];
    for i in 0..n {
        let day = start + Duration::days(i as i64);
        out.push(s.round_on(&day.to_string()).await);
    }
    out
}

/// `user` answers `rounds` correctly, each closing after its answer.
async fn answer_all(s: &Session, rounds: &[Round], user: u64) {
    for r in rounds {
        assert!(matches!(
            s.answer(r, user, Verdict::Correct).await,
            Recorded::Accepted { .. }
        ));
        s.close(r).await;
    }
}

#[test]
fn a_missed_day_spends_one_freeze_once_and_the_streak_goes_on() {
    crate::util::runtime().block_on(async {
        let mut s = Session::start().await;
        let r = rounds(&s, 10).await;
        answer_all(&s, &r[..6], ADA).await;
        assert!(s.stats(ADA).await.contains("Freezes\n0 of 2\n"));
        answer_all(&s, &r[6..7], ADA).await;
        let stats = s.stats(ADA).await;
        assert!(
            stats.contains("7 now") && stats.contains("Freezes\n1 of 2\n"),
            "{stats}"
        );

        // Round 8 posted and closed without Ada's answer: the freeze covers it, as /stats shows
        // at once, before anything is written.
        s.answer(&r[7], BOB, Verdict::Correct).await;
        s.close(&r[7]).await;
        let stats = s.stats(ADA).await;
        assert!(
            stats.contains("7 now") && stats.contains("Freezes\n0 of 2\n"),
            "{stats}"
        );
        assert!(s.log(None, None).await.contains("0 entries"));

        // Her next answer goes on from 7 (not 8: the frozen day does not count) and records the
        // spent freeze, once.
        assert_eq!(
            s.answer(&r[8], ADA, Verdict::Correct).await,
            Recorded::Accepted {
                points: 30,
                streak: 8,
                rewards: false,
            }
        );
        s.close(&r[8]).await;
        answer_all(&s, &r[9..10], ADA).await;
        let log = s.log(Some(ADA), None).await;
        assert!(
            log.contains("1 entries") && log.contains("freeze-spent"),
            "{log}"
        );
        assert!(log.contains("by the bot"), "{log}");
        assert!(log.contains(&format!(r#""round":{}"#, r[7].id.0)), "{log}");
        assert!(
            log.contains(r#"Before: `{"freezes":1,"streak":7}`"#),
            "{log}"
        );
        let stats = s.stats(ADA).await;
        assert!(
            stats.contains("9 now · best 9") && stats.contains("Freezes\n0 of 2\n"),
            "{stats}"
        );
        s.check_spec();
    });
}

#[test]
fn two_freezes_cover_two_missed_days_and_a_third_ends_the_streak() {
    crate::util::runtime().block_on(async {
        let mut s = Session::start().await;
        let r = rounds(&s, 19).await;
        answer_all(&s, &r[..14], ADA).await;
        assert!(s.stats(ADA).await.contains("Freezes\n2 of 2\n"));
        // Days 15 and 16 missed: both freezes spent, the streak stands at 14.
        for missed in &r[14..16] {
            s.close(missed).await;
        }
        let stats = s.stats(ADA).await;
        assert!(
            stats.contains("14 now") && stats.contains("Freezes\n0 of 2\n"),
            "{stats}"
        );
        // Day 17 missed as well: no freeze left, the streak ends.
        s.close(&r[16]).await;
        let stats = s.stats(ADA).await;
        assert!(stats.contains("0 now · best 14"), "{stats}");
        assert_eq!(
            s.answer(&r[17], ADA, Verdict::Correct).await,
            Recorded::Accepted {
                points: 20,
                streak: 1,
                rewards: false,
            }
        );
        s.close(&r[17]).await;
        let log = s.log(Some(ADA), None).await;
        assert!(log.contains("2 entries"), "two freezes spent: {log}");
        // The admin restores the streak the missed days ended, joined to the new one.
        let (_, text) = s
            .say(crate::admin::admin(
                restore(ADA, "was in hospital"),
                MANAGE_GUILD,
            ))
            .await;
        assert!(text.contains("streak is now 15 (was 1)"), "{text}");
        assert!(s.stats(ADA).await.contains("15 now · best 15"));
        s.check_spec();
    });
}

#[test]
fn a_skipped_day_costs_no_freeze() {
    crate::util::runtime().block_on(async {
        let mut s = Session::start().await;
        let r = rounds(&s, 9).await;
        answer_all(&s, &r[..7], ADA).await;
        s.app
            .store()
            .end_round(r[7].id, RoundState::Skipped)
            .await
            .unwrap();
        assert!(s.stats(ADA).await.contains("Freezes\n1 of 2\n"));
        assert_eq!(
            s.answer(&r[8], ADA, Verdict::Correct).await,
            Recorded::Accepted {
                points: 30,
                streak: 8,
                rewards: false,
            }
        );
        assert!(s.stats(ADA).await.contains("Freezes\n1 of 2\n"));
        assert!(s.log(None, None).await.contains("0 entries"));
        s.check_spec();
    });
}

#[test]
fn a_wrong_answer_after_a_freeze_still_ends_the_streak() {
    crate::util::runtime().block_on(async {
        let mut s = Session::start().await;
        let r = rounds(&s, 9).await;
        answer_all(&s, &r[..7], ADA).await;
        s.close(&r[7]).await;
        assert_eq!(
            s.answer(&r[8], ADA, Verdict::Wrong).await,
            Recorded::Accepted {
                points: 0,
                streak: 0,
                rewards: false,
            }
        );
        let stats = s.stats(ADA).await;
        assert!(
            stats.contains("0 now · best 7") && stats.contains("Freezes\n0 of 2\n"),
            "{stats}"
        );
        assert!(s.log(Some(ADA), None).await.contains("1 entries"));
        s.check_spec();
    });
}

#[test]
fn freezes_are_per_track_like_the_streak() {
    crate::util::runtime().block_on(async {
        let mut s = Session::start().await;
        let main = rounds(&s, 7).await;
        // A second track's rounds on the same days, which Ada answers only on the first.
        let mut other = vec![];
        for r in &main {
            let round = s
                .app
                .store()
                .create_round_in(
                    TrackId(2),
                    NewRound {
                        guild: r.guild,
                        day: r.day,
                        question: r.question.clone(),
                        topic: r.topic.clone(),
                        difficulty: r.difficulty,
                        seed: r.seed,
                        opens_at: r.opens_at + Duration::hours(3),
                        closes_at: r.closes_at + Duration::hours(3),
                        channel: None,
                    },
                )
                .await
                .unwrap()
                .expect("the second track's round");
            other.push(round);
        }
        s.answer(&other[0], ADA, Verdict::Correct).await;
        for r in &other {
            s.close(r).await;
        }
        answer_all(&s, &main, ADA).await;
        // The second track's missed days end its own streak and spend nothing of the first's.
        let stats = s.stats(ADA).await;
        assert!(
            stats.contains("7 now") && stats.contains("Freezes\n1 of 2\n"),
            "{stats}"
        );
        assert!(s.log(None, None).await.contains("0 entries"));
        s.check_spec();
    });
}
