use crate::util::runtime;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use interview_bot::bank::Difficulty;
use interview_bot::grade::Verdict;
use interview_bot::quiz::period::local_midnight;
use interview_bot::quiz::*;
use interview_bot::store::{BoardQuery, Store};
use std::path::Path;

const G: GuildId = GuildId(1001);

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn open(dir: &Path) -> Store {
    Store::open(dir.join("bot.db")).unwrap()
}

/// The store's rules, run once on each backend: `store::sqlite::NAME` on a fresh SQLite file,
/// `store::postgres::NAME` on a fresh PostgreSQL database (see `pg`).
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let store = super::open(dir.path());
                    crate::util::runtime().block_on(super::$name(store));
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    let url = crate::pg::fresh_db(stringify!($name));
                    crate::util::runtime().block_on(async {
                        let store = interview_bot::store::Store::connect(&url).await.unwrap();
                        super::$name(store).await
                    });
                }
            )*
        }
    };
}

on_both_backends!(
    points_and_streaks_follow_the_scoring_rules,
    a_missed_posted_day_breaks_the_streak,
    the_first_answer_counts_and_closed_rounds_record_nothing,
    concurrent_answers_from_one_member_record_exactly_one,
    leaderboards_rank_ties_fairly_and_show_the_asking_member,
    the_week_board_starts_on_monday_in_the_guild_time_zone,
    stats_per_topic_count_only_the_members_answers_in_the_guild,
    round_results_order_by_score_then_time_and_note_streak_milestones,
    practice_is_kept_apart_from_daily_points,
    settings_round_trip_and_default,
    an_override_rescores_the_answer_the_streak_and_the_boards,
    keeping_a_grade_changes_nothing_and_the_same_verdict_keeps_its_score,
    clocks_claim_due_tracks_once_each_and_a_lapsed_lease_is_claimed_again,
    an_answer_saves_its_review_with_it_and_says_whether_roles_are_given,
    an_answer_whose_write_fails_keeps_nothing_and_may_be_given_again,
);

/// A round for a local day in UTC, opening at 09:00 and closing a day later.
async fn round_on(
    store: &Store,
    guild: GuildId,
    day: &str,
    difficulty: Difficulty,
    topic: &str,
) -> Round {
    let day: NaiveDate = day.parse().unwrap();
    let opens = Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).unwrap());
    store
        .create_round(NewRound {
            guild,
            day,
            question: "process-vs-thread".into(),
            topic: topic.into(),
            difficulty,
            seed: 7,
            opens_at: opens,
            closes_at: opens + Duration::days(1),
            channel: Some(ChannelId(5)),
        })
        .await
        .unwrap()
        .expect("a new day gets a round")
}

async fn answer(
    store: &Store,
    round: &Round,
    user: u64,
    score: f64,
    verdict: Verdict,
    at: DateTime<Utc>,
) -> Recorded {
    store
        .record_answer(NewAnswer {
            round: round.id,
            user: UserId(user),
            answer: "text".into(),
            score,
            verdict,
            at,
            review: None,
        })
        .await
        .unwrap()
}

async fn points_and_streaks_follow_the_scoring_rules(store: Store) {
    let days = [
        "2026-01-30",
        "2026-01-31",
        "2026-02-01",
        "2026-02-02",
        "2026-02-03",
        "2026-02-04",
    ];
    let mut rounds = Vec::new();
    for d in days {
        rounds.push(round_on(&store, G, d, Difficulty::Medium, "semver").await);
    }
    let at = |r: &Round| r.opens_at + Duration::minutes(5);
    // Across a month boundary: 20, then 20+2, then 10 (half score) + 4.
    assert_eq!(
        answer(&store, &rounds[0], 1, 1.0, Verdict::Correct, at(&rounds[0])).await,
        Recorded::Accepted {
            points: 20,
            streak: 1,
            rewards: false,
        }
    );
    assert_eq!(
        answer(&store, &rounds[1], 1, 1.0, Verdict::Correct, at(&rounds[1])).await,
        Recorded::Accepted {
            points: 22,
            streak: 2,
            rewards: false,
        }
    );
    assert_eq!(
        answer(&store, &rounds[2], 1, 0.5, Verdict::Partial, at(&rounds[2])).await,
        Recorded::Accepted {
            points: 14,
            streak: 3,
            rewards: false,
        }
    );
    // Round 3 is skipped by the admin: not a posted day, so it cannot break the streak.
    assert!(store
        .end_round(rounds[3].id, RoundState::Skipped)
        .await
        .unwrap());
    assert_eq!(
        answer(&store, &rounds[4], 1, 1.0, Verdict::Correct, at(&rounds[4])).await,
        Recorded::Accepted {
            points: 26,
            streak: 4,
            rewards: false,
        }
    );
    // A wrong answer ends it and earns no bonus.
    assert_eq!(
        answer(&store, &rounds[5], 1, 0.1, Verdict::Wrong, at(&rounds[5])).await,
        Recorded::Accepted {
            points: 2,
            streak: 0,
            rewards: false,
        }
    );
    let stats = store.member_stats(G, UserId(1)).await.unwrap();
    assert_eq!(
        (stats.answers, stats.correct, stats.partial, stats.points),
        (5, 3, 1, 20 + 22 + 14 + 26 + 2)
    );
    assert_eq!((stats.current_streak, stats.best_streak), (0, 4));
    assert!((stats.accuracy() - 0.6).abs() < 1e-9);
    assert_eq!(
        stats.per_topic,
        vec![TopicAccuracy {
            topic: "semver".into(),
            answers: 5,
            correct: 3
        }]
    );
}

async fn a_missed_posted_day_breaks_the_streak(store: Store) {
    let r1 = round_on(&store, G, "2026-03-01", Difficulty::Easy, "semver").await;
    let r2 = round_on(&store, G, "2026-03-02", Difficulty::Easy, "semver").await;
    answer(&store, &r1, 9, 1.0, Verdict::Correct, r1.opens_at).await;
    store.end_round(r1.id, RoundState::Closed).await.unwrap();
    // While round 2 is open the streak still stands.
    assert_eq!(
        store
            .member_stats(G, UserId(9))
            .await
            .unwrap()
            .current_streak,
        1
    );
    store.end_round(r2.id, RoundState::Closed).await.unwrap();
    assert_eq!(
        store
            .member_stats(G, UserId(9))
            .await
            .unwrap()
            .current_streak,
        0,
        "round 2 closed unanswered"
    );
    let r3 = round_on(&store, G, "2026-03-03", Difficulty::Easy, "semver").await;
    assert_eq!(
        answer(&store, &r3, 9, 1.0, Verdict::Correct, r3.opens_at).await,
        Recorded::Accepted {
            points: 10,
            streak: 1,
            rewards: false,
        }
    );
}

async fn the_first_answer_counts_and_closed_rounds_record_nothing(store: Store) {
    let r = round_on(&store, G, "2026-04-01", Difficulty::Hard, "transformers").await;
    assert!(matches!(
        answer(&store, &r, 3, 1.0, Verdict::Correct, r.opens_at).await,
        Recorded::Accepted { points: 30, .. }
    ));
    assert_eq!(
        answer(&store, &r, 3, 0.0, Verdict::Wrong, r.opens_at).await,
        Recorded::AlreadyAnswered
    );
    let kept = store.member_answer(r.id, UserId(3)).await.unwrap().unwrap();
    assert_eq!((kept.verdict, kept.points), (Verdict::Correct, 30));
    assert_eq!(
        answer(&store, &r, 4, 1.0, Verdict::Correct, r.closes_at).await,
        Recorded::Closed,
        "at the closing time"
    );
    store.end_round(r.id, RoundState::Closed).await.unwrap();
    assert_eq!(
        answer(&store, &r, 5, 1.0, Verdict::Correct, r.opens_at).await,
        Recorded::Closed
    );
    assert!(store
        .member_answer(r.id, UserId(5))
        .await
        .unwrap()
        .is_none());
    assert!(
        store
            .create_round(NewRound {
                guild: G,
                day: r.day,
                question: "x".into(),
                topic: "x".into(),
                difficulty: Difficulty::Easy,
                seed: 1,
                opens_at: r.opens_at,
                closes_at: r.closes_at,
                channel: None,
            })
            .await
            .unwrap()
            .is_none(),
        "a day has one round"
    );
}

async fn concurrent_answers_from_one_member_record_exactly_one(store: Store) {
    let r = round_on(&store, G, "2026-05-01", Difficulty::Easy, "semver").await;
    for user in 0..40u64 {
        let tasks: Vec<_> = (0..4)
            .map(|i| {
                let store = store.clone();
                let round = r.clone();
                tokio::spawn(async move {
                    let verdict = if i % 2 == 0 {
                        Verdict::Correct
                    } else {
                        Verdict::Wrong
                    };
                    answer(&store, &round, user, 1.0, verdict, round.opens_at).await
                })
            })
            .collect();
        let outcomes: Vec<Recorded> = futures_join(tasks).await;
        let accepted = outcomes
            .iter()
            .filter(|o| matches!(o, Recorded::Accepted { .. }))
            .count();
        let refused = outcomes
            .iter()
            .filter(|o| **o == Recorded::AlreadyAnswered)
            .count();
        assert_eq!((accepted, refused), (1, 3), "user {user}: {outcomes:?}");
    }
    let results = store.round_results(r.id, 5).await.unwrap();
    assert_eq!(results.answers, 40);
}

async fn futures_join<T: Send + 'static>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn leaderboards_rank_ties_fairly_and_show_the_asking_member(store: Store) {
    let r = round_on(&store, G, "2026-06-01", Difficulty::Hard, "transformers").await;
    // Points: user 1: 30, users 2 and 3: 15 each, user 4: 9, user 5..=20: 3 each.
    answer(&store, &r, 1, 1.0, Verdict::Correct, r.opens_at).await;
    answer(&store, &r, 2, 0.5, Verdict::Partial, r.opens_at).await;
    answer(&store, &r, 3, 0.5, Verdict::Partial, r.opens_at).await;
    answer(&store, &r, 4, 0.3, Verdict::Partial, r.opens_at).await;
    for u in 5..=20 {
        answer(&store, &r, u, 0.1, Verdict::Wrong, r.opens_at).await;
    }
    let board = store
        .leaderboard(BoardQuery {
            guild: G,
            track: None,
            between: None,
            topic: None,
            user: UserId(20),
            limit: 3,
            offset: 0,
        })
        .await
        .unwrap();
    let ranks: Vec<(u32, u64, u64)> = board
        .top
        .iter()
        .map(|s| (s.rank, s.user.0, s.points))
        .collect();
    assert_eq!(ranks, vec![(1, 1, 30), (2, 2, 15), (2, 3, 15)]);
    let me = board.me.unwrap();
    assert_eq!(
        (me.rank, me.points),
        (5, 3),
        "16 members tie at 3 points, all ranked 5th"
    );
    assert_eq!(board.members, 20);
    // The next page keeps the competition ranks.
    let page = store
        .leaderboard(BoardQuery {
            guild: G,
            track: None,
            between: None,
            topic: None,
            user: UserId(1),
            limit: 3,
            offset: 3,
        })
        .await
        .unwrap();
    let ranks: Vec<u32> = page.top.iter().map(|s| s.rank).collect();
    assert_eq!(ranks, vec![4, 5, 5]);
    assert_eq!(page.me.unwrap().rank, 1);
    // A member with no answers has no standing.
    let none = store
        .leaderboard(BoardQuery {
            guild: G,
            track: None,
            between: None,
            topic: Some("semver".into()),
            user: UserId(1),
            limit: 10,
            offset: 0,
        })
        .await
        .unwrap();
    assert!(none.top.is_empty() && none.me.is_none());
}

async fn the_week_board_starts_on_monday_in_the_guild_time_zone(store: Store) {
    let tz = chrono_tz::America::New_York;
    let monday = local_midnight(tz, "2026-03-09".parse().unwrap()); // 04:00 UTC (DST began on the 8th)
    assert_eq!(monday, utc("2026-03-09T04:00:00Z"));
    let r = store
        .create_round(NewRound {
            guild: G,
            day: "2026-03-08".parse().unwrap(),
            question: "q".into(),
            topic: "semver".into(),
            difficulty: Difficulty::Easy,
            seed: 1,
            opens_at: monday - Duration::hours(20),
            closes_at: monday + Duration::hours(20),
            channel: None,
        })
        .await
        .unwrap()
        .unwrap();
    // One second before local Monday midnight, and at it.
    answer(
        &store,
        &r,
        1,
        1.0,
        Verdict::Correct,
        monday - Duration::seconds(1),
    )
    .await;
    answer(&store, &r, 2, 1.0, Verdict::Correct, monday).await;
    let now = monday + Duration::hours(30);
    let week = store
        .leaderboard(BoardQuery {
            guild: G,
            track: None,
            between: Period::Week.bounds(tz, now),
            topic: None,
            user: UserId(1),
            limit: 10,
            offset: 0,
        })
        .await
        .unwrap();
    let users: Vec<u64> = week.top.iter().map(|s| s.user.0).collect();
    assert_eq!(users, vec![2], "user 1 answered on Sunday, local time");
    assert!(week.me.is_none());
    let month = store
        .leaderboard(BoardQuery {
            guild: G,
            track: None,
            between: Period::Month.bounds(tz, now),
            topic: Some("semver".into()),
            user: UserId(1),
            limit: 10,
            offset: 0,
        })
        .await
        .unwrap();
    assert_eq!(month.top.len(), 2);
    assert_eq!(month.top[0].rank, month.top[1].rank, "a tie");
}

/// `/stats` gives accuracy per topic: only this member's answers, only in this guild, every
/// topic they answered, in order.
async fn stats_per_topic_count_only_the_members_answers_in_the_guild(store: Store) {
    let other = GuildId(2002);
    let days = ["2026-05-04", "2026-05-05", "2026-05-06", "2026-05-07"];
    let topics = ["transformers", "semver", "transformers", "ai-learning"];
    for (day, topic) in days.iter().zip(topics) {
        let r = round_on(&store, G, day, Difficulty::Easy, topic).await;
        let at = r.opens_at + Duration::minutes(5);
        if topic != "ai-learning" {
            let verdict = if *day == "2026-05-06" {
                Verdict::Wrong
            } else {
                Verdict::Correct
            };
            answer(&store, &r, 1, 1.0, verdict, at).await;
        }
        answer(&store, &r, 2, 1.0, Verdict::Correct, at).await;
        let elsewhere = round_on(&store, other, day, Difficulty::Easy, "data-engineering").await;
        answer(&store, &elsewhere, 1, 1.0, Verdict::Correct, at).await;
    }
    let stats = store.member_stats(G, UserId(1)).await.unwrap();
    let topic = |topic: &str, answers, correct| TopicAccuracy {
        topic: topic.into(),
        answers,
        correct,
    };
    assert_eq!(
        stats.per_topic,
        vec![topic("semver", 1, 1), topic("transformers", 2, 1)]
    );
    assert_eq!((stats.answers, stats.correct), (3, 2));
}

async fn round_results_order_by_score_then_time_and_note_streak_milestones(store: Store) {
    let mut last = None;
    for d in ["2026-07-01", "2026-07-02", "2026-07-03"] {
        let r = round_on(&store, G, d, Difficulty::Easy, "semver").await;
        answer(
            &store,
            &r,
            1,
            1.0,
            Verdict::Correct,
            r.opens_at + Duration::minutes(9),
        )
        .await;
        last = Some(r);
    }
    let r = last.unwrap();
    answer(
        &store,
        &r,
        2,
        1.0,
        Verdict::Correct,
        r.opens_at + Duration::minutes(1),
    )
    .await;
    answer(&store, &r, 3, 0.4, Verdict::Partial, r.opens_at).await;
    answer(&store, &r, 4, 0.0, Verdict::Wrong, r.opens_at).await;
    let res = store.round_results(r.id, 10).await.unwrap();
    assert_eq!((res.answers, res.correct), (4, 2));
    assert!((res.share_correct() - 0.5).abs() < 1e-9);
    let order: Vec<u64> = res.top.iter().map(|t| t.user.0).collect();
    assert_eq!(order, vec![2, 1, 3, 4]);
    assert_eq!(res.milestones, vec![(UserId(1), 3)]);
}

async fn practice_is_kept_apart_from_daily_points(store: Store) {
    store
        .record_practice(Practice {
            guild: Some(G),
            user: UserId(8),
            question: "semver-parts".into(),
            seed: 3,
            answer: "x".into(),
            score: 1.0,
            verdict: Verdict::Correct,
            at: utc("2026-08-01T10:00:00Z"),
        })
        .await
        .unwrap();
    let stats = store.member_stats(G, UserId(8)).await.unwrap();
    assert_eq!((stats.practice, stats.answers, stats.points), (1, 0, 0));
}

async fn settings_round_trip_and_default(store: Store) {
    assert_eq!(store.settings(G).await.unwrap(), GuildSettings::new(G));
    let mut s = GuildSettings::new(G);
    s.channel = Some(ChannelId(77));
    s.timezone = chrono_tz::Europe::London;
    s.topics = vec!["semver".into(), "transformers".into()];
    s.difficulty = Some(Difficulty::Hard);
    s.role = Some(RoleId(5));
    s.enabled = false;
    s.post_time = chrono::NaiveTime::from_hms_opt(18, 30, 0).unwrap();
    store.save_settings(s.clone(), None).await.unwrap();
    assert_eq!(store.settings(G).await.unwrap(), s);
}

/// Three clocks claiming 300 due tracks at once, 32 at a time, each take a share and no track
/// twice; a claimed track is not due again until its lease runs out, and then it is.
async fn clocks_claim_due_tracks_once_each_and_a_lapsed_lease_is_claimed_again(store: Store) {
    let now = utc("2026-07-01T09:00:00Z");
    for g in 1..=300u64 {
        let s = GuildSettings::new(GuildId(g));
        store
            .save_settings(s, Some(now - Duration::minutes((g % 7) as i64)))
            .await
            .unwrap();
    }
    let lease = now + Duration::minutes(5);
    let clocks: Vec<_> = (0..3)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_due_tracks(now, lease, 32).await.unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|c| c.guild));
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    let shares = futures_join(clocks).await;
    let mut all: Vec<GuildId> = shares.iter().flatten().copied().collect();
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!((before, all.len()), (300, 300), "each track claimed once");
    // Nothing is due while the leases hold; after they lapse, everything is due again.
    assert!(store
        .claim_due_tracks(now + Duration::minutes(4), lease, 32)
        .await
        .unwrap()
        .is_empty());
    let later = store
        .claim_due_tracks(lease, lease + Duration::minutes(5), 1000)
        .await
        .unwrap();
    assert_eq!(later.len(), 300);
    assert!(later.iter().all(|c| c.due == lease));
}

/// Commits go to the WAL; the database file itself catches up in the background, while the bot
/// keeps running, so the WAL does not grow for ever and a copy of the file alone is current.
#[test]
fn the_database_file_catches_up_with_the_wal_while_running() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let r = round_on(&store, G, "2026-03-02", Difficulty::Easy, "semver").await;
        let at = r.opens_at + Duration::minutes(1);
        for user in 0..300 {
            answer(&store, &r, 10 + user, 1.0, Verdict::Correct, at).await;
        }
        // `immutable` reads the file as it is, without its WAL.
        let url = format!("file:{}?immutable=1", dir.path().join("bot.db").display());
        let in_file = || {
            let conn = rusqlite::Connection::open_with_flags(
                &url,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
            )
            .unwrap();
            conn.query_row("SELECT count(*) FROM answers", [], |r| r.get::<_, i64>(0))
                .unwrap_or(0)
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while in_file() < 300 {
            assert!(
                std::time::Instant::now() < deadline,
                "the file still has {} of 300 answers after 10 s",
                in_file()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        store.close();
    });
}

/// Writes that arrive together share a transaction; one that fails must undo only its own
/// changes, and the others must still be committed and confirmed.
#[test]
fn a_failing_write_undoes_only_its_own_changes() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let tasks: Vec<_> = (0..60i64)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .write(move |c| {
                            c.execute("INSERT INTO guilds (guild_id) VALUES (?1)", [i])?;
                            if i % 3 == 0 {
                                // Fails after writing.
                                return Err(interview_bot::store::StoreError::NotCommitted(
                                    "refused by the test".into(),
                                ));
                            }
                            Ok(i)
                        })
                        .await
                })
            })
            .collect();
        for (i, result) in futures_join(tasks).await.into_iter().enumerate() {
            assert_eq!(result.is_ok(), i % 3 != 0, "write {i}: {result:?}");
        }
        let kept: Vec<i64> = store
            .read(|c| {
                let mut stmt = c.prepare("SELECT guild_id FROM guilds ORDER BY guild_id")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<Vec<i64>, _>>()?)
            })
            .await
            .unwrap();
        let expected: Vec<i64> = (0..60).filter(|i| i % 3 != 0).collect();
        assert_eq!(kept, expected);
        store.close();
    });
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 42).unwrap();
    drop(conn);
    let err = Store::open(&path).err().expect("refused");
    assert!(
        err.to_string()
            .contains("newer version of interview-bot (schema 42"),
        "{err}"
    );
}

#[test]
fn an_online_backup_restores_every_answer() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let store = open(dir.path());
        let r = round_on(&store, G, "2026-09-01", Difficulty::Easy, "semver").await;
        for u in 0..200 {
            answer(&store, &r, u, 1.0, Verdict::Correct, r.opens_at).await;
        }
        let copy = dir.path().join("copy.db");
        // Keep writing while the backup runs.
        let writer = {
            let store = store.clone();
            let r = r.clone();
            tokio::spawn(async move {
                for u in 200..300 {
                    answer(&store, &r, u, 1.0, Verdict::Correct, r.opens_at).await;
                }
            })
        };
        store.backup(copy.clone()).await.unwrap();
        writer.await.unwrap();
        let restored = Store::open(&copy).unwrap();
        let n = restored.round_results(r.id, 1).await.unwrap().answers;
        assert!((200..=300).contains(&n), "{n}");
        let check: String = rusqlite::Connection::open(&copy)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    });
}

/// The child half of `a_killed_process_keeps_every_confirmed_answer`: it records answers from
/// many members and prints each one once the store confirms it. Run only as that child.
#[test]
#[ignore = "run as a child process by a_killed_process_keeps_every_confirmed_answer"]
fn kill_child() {
    use std::io::Write;
    let db = std::env::var("KILL_CHILD_DB").expect("run by the kill test");
    let round = RoundId(std::env::var("KILL_CHILD_ROUND").unwrap().parse().unwrap());
    runtime().block_on(async move {
        let store = Store::open(&db).unwrap();
        let r = store.round(round).await.unwrap().unwrap();
        let tasks: Vec<_> = (0..8u64)
            .map(|lane| {
                let store = store.clone();
                let r = r.clone();
                tokio::spawn(async move {
                    for n in 0.. {
                        let user = 1 + lane + 8 * n;
                        if let Recorded::Accepted { .. } =
                            answer(&store, &r, user, 1.0, Verdict::Correct, r.opens_at).await
                        {
                            let mut out = std::io::stdout().lock();
                            writeln!(out, "confirmed {user}").unwrap();
                            out.flush().unwrap();
                        }
                    }
                })
            })
            .collect();
        futures_join(tasks).await;
    });
}

#[test]
fn a_killed_process_keeps_every_confirmed_answer() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.db");
    let round = runtime().block_on(async {
        let store = Store::open(&db).unwrap();
        let r = round_on(&store, G, "2026-10-01", Difficulty::Easy, "semver").await;
        store.close();
        r
    });
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "store::kill_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("KILL_CHILD_DB", &db)
        .env("KILL_CHILD_ROUND", round.id.0.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut confirmed = Vec::new();
    while confirmed.len() < 2000 {
        match lines.next() {
            Some(Ok(l)) if l.starts_with("confirmed ") => {
                confirmed.push(l[10..].parse::<i64>().unwrap())
            }
            Some(_) => {}
            None => panic!("the child stopped early after {} answers", confirmed.len()),
        }
    }
    child.kill().unwrap(); // SIGKILL, mid-load
                           // Lines already written were confirmed before the kill.
    for l in lines.map_while(Result::ok) {
        if let Some(u) = l.strip_prefix("confirmed ") {
            confirmed.push(u.parse().unwrap());
        }
    }
    child.wait().unwrap();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mut stmt = conn
        .prepare("SELECT 1 FROM answers WHERE round_id = ?1 AND user_id = ?2")
        .unwrap();
    for user in &confirmed {
        assert!(
            stmt.exists([round.id.0, *user]).unwrap(),
            "confirmed answer of user {user} is lost"
        );
    }
    // Every answer has its total and streak: no half-written record.
    let (answers, totals, streaks, points, total_points): (i64, i64, i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM answers), (SELECT COUNT(*) FROM totals), (SELECT COUNT(*) FROM streaks),
                    (SELECT SUM(points) FROM answers), (SELECT SUM(points) FROM totals)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert!(answers as usize >= confirmed.len());
    assert_eq!((totals, streaks, total_points), (answers, answers, points));
}

/// An appeal decided "correct" on a wrong answer mid-streak: that answer's points, the streak
/// it joins up again, the bonus of every later answer, the totals and every board follow, and
/// the change is audited.
async fn an_override_rescores_the_answer_the_streak_and_the_boards(store: Store) {
    use interview_bot::quiz::appeal::{self, Asked, Decided, Decision, Marks, NewDecision};
    let mut rounds = Vec::new();
    for d in ["2026-05-04", "2026-05-05", "2026-05-06"] {
        rounds.push(round_on(&store, G, d, Difficulty::Medium, "semver").await);
    }
    let at = |r: &Round| r.opens_at + Duration::minutes(5);
    // Member 1: right, wrong, right: 20 + 2 + 20. Member 2: right three times: 20 + 22 + 24.
    for (i, (score, verdict)) in [
        (1.0, Verdict::Correct),
        (0.1, Verdict::Wrong),
        (1.0, Verdict::Correct),
    ]
    .into_iter()
    .enumerate()
    {
        answer(&store, &rounds[i], 1, score, verdict, at(&rounds[i])).await;
        answer(&store, &rounds[i], 2, 1.0, Verdict::Correct, at(&rounds[i])).await;
    }
    let before = store.member_stats(G, UserId(1)).await.unwrap();
    assert_eq!(
        (before.points, before.current_streak, before.best_streak),
        (42, 1, 1)
    );

    let asked_at = at(&rounds[2]) + Duration::hours(1);
    let ask = |member: u64, by: u64| {
        appeal::ask_for_review(
            &store,
            G,
            rounds[1].id,
            UserId(member),
            UserId(by),
            asked_at,
        )
    };
    assert_eq!(ask(1, 2).await.unwrap(), Asked::NotYours);
    assert_eq!(ask(3, 3).await.unwrap(), Asked::NoAnswer);
    let Asked::Opened(id) = ask(1, 1).await.unwrap() else {
        panic!("the appeal opens")
    };
    assert_eq!(ask(1, 1).await.unwrap(), Asked::UnderReview);
    let case = appeal::next_case(&store, G)
        .await
        .unwrap()
        .expect("an open appeal");
    assert_eq!((case.appeal, case.member, case.open), (id, UserId(1), 1));
    assert_eq!(
        case.grade,
        Marks {
            verdict: Verdict::Wrong,
            score: 0.1
        }
    );
    assert_eq!(
        appeal::next_case(&store, GuildId(7)).await.unwrap(),
        None,
        "another guild sees none"
    );

    let decision = |d: Decision| NewDecision {
        guild: G,
        appeal: id,
        decision: d,
        moderator: UserId(99),
        at: asked_at + Duration::hours(1),
    };
    let (decided, next) = appeal::decide(&store, decision(Decision::Correct))
        .await
        .unwrap();
    assert_eq!(
        decided,
        Decided::Closed {
            member: UserId(1),
            before: Marks {
                verdict: Verdict::Wrong,
                score: 0.1
            },
            after: Some(Marks {
                verdict: Verdict::Correct,
                score: 1.0
            }),
            points_before: 2,
            points_after: 22,
        }
    );
    assert_eq!(next, None, "no appeal left");

    // Round 2 now continues the streak (20 + 2), and round 3 earns its bonus (20 + 4).
    let points: Vec<u32> =
        futures::future::join_all(rounds.iter().map(|r| store.member_answer(r.id, UserId(1))))
            .await
            .into_iter()
            .map(|a| a.unwrap().unwrap().points)
            .collect();
    assert_eq!(points, vec![20, 22, 24]);
    let after = store.member_stats(G, UserId(1)).await.unwrap();
    assert_eq!(
        (
            after.points,
            after.correct,
            after.current_streak,
            after.best_streak
        ),
        (66, 3, 3, 3)
    );
    let board = |topic: Option<&str>, between| BoardQuery {
        guild: G,
        track: None,
        between,
        topic: topic.map(String::from),
        user: UserId(1),
        limit: 10,
        offset: 0,
    };
    let may = Some((utc("2026-05-01T00:00:00Z"), utc("2026-06-01T00:00:00Z")));
    for q in [
        board(None, None),
        board(Some("semver"), None),
        board(None, may),
    ] {
        let b = store.leaderboard(q.clone()).await.unwrap();
        let me = b.me.unwrap();
        assert_eq!((me.rank, me.points), (1, 66), "{q:?}: tied with member 2");
    }
    let results = store.round_results(rounds[1].id, 5).await.unwrap();
    assert_eq!(
        (results.answers, results.correct),
        (2, 2),
        "the reveal counts it correct"
    );
    // The next answer builds on the recomputed streak.
    let r4 = round_on(&store, G, "2026-05-07", Difficulty::Medium, "semver").await;
    assert_eq!(
        answer(&store, &r4, 1, 1.0, Verdict::Correct, at(&r4)).await,
        Recorded::Accepted {
            points: 26,
            streak: 4,
            rewards: false,
        }
    );

    // Decided once: a second decision changes nothing, and the answer is reviewed for good.
    let (again, _) = appeal::decide(&store, decision(Decision::Wrong))
        .await
        .unwrap();
    assert_eq!(again, Decided::AlreadyClosed);
    assert_eq!(ask(1, 1).await.unwrap(), Asked::Reviewed);

    // The audit: who, when, before and after.
    type Audit = Vec<(i64, i64, String, f64, String, f64)>;
    let audit: Audit = store
        .read(|c| {
            c.prepare("SELECT moderator_id, at, before_verdict, before_score, after_verdict, after_score FROM grade_overrides")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                .collect::<Result<Audit, _>>()
                .map_err(Into::into)
        })
        .await
        .unwrap();
    let when = (asked_at + Duration::hours(1)).timestamp_millis();
    assert_eq!(
        audit,
        vec![(99, when, "wrong".into(), 0.1, "correct".into(), 1.0)]
    );
}

/// "Keep" closes an appeal and changes nothing; setting the verdict an answer already has keeps
/// its score, and is audited all the same.
async fn keeping_a_grade_changes_nothing_and_the_same_verdict_keeps_its_score(store: Store) {
    use interview_bot::quiz::appeal::{self, Asked, Decided, Decision, Marks, NewDecision};
    let r = round_on(&store, G, "2026-05-11", Difficulty::Hard, "semver").await;
    answer(&store, &r, 1, 0.4, Verdict::Partial, r.opens_at).await;
    answer(&store, &r, 2, 0.4, Verdict::Partial, r.opens_at).await;
    let mut ids = vec![];
    for member in [1, 2] {
        let asked = appeal::ask_for_review(
            &store,
            G,
            r.id,
            UserId(member),
            UserId(member),
            r.opens_at + Duration::minutes(member as i64),
        )
        .await
        .unwrap();
        let Asked::Opened(id) = asked else {
            panic!("{asked:?}")
        };
        ids.push(id);
    }
    let decide = |id, decision| {
        appeal::decide(
            &store,
            NewDecision {
                guild: G,
                appeal: id,
                decision,
                moderator: UserId(99),
                at: r.opens_at + Duration::hours(1),
            },
        )
    };
    let partial = Marks {
        verdict: Verdict::Partial,
        score: 0.4,
    };
    let (kept, next) = decide(ids[0], Decision::Keep).await.unwrap();
    assert_eq!(
        kept,
        Decided::Closed {
            member: UserId(1),
            before: partial,
            after: None,
            points_before: 12,
            points_after: 12
        }
    );
    let next = next.expect("member 2's appeal is next");
    assert_eq!((next.appeal, next.open), (ids[1], 1));
    let (same, _) = decide(ids[1], Decision::Partial).await.unwrap();
    assert_eq!(
        same,
        Decided::Closed {
            member: UserId(2),
            before: partial,
            after: Some(partial),
            points_before: 12,
            points_after: 12
        }
    );
    let exported = appeal::relabelled(&store).await.unwrap();
    assert_eq!(exported.len(), 1, "a kept grade is no label: {exported:?}");
    assert_eq!(
        (exported[0].verdict, exported[0].seed),
        (Verdict::Partial, 7)
    );
}

/// `db backup` copies a SQLite file; given a PostgreSQL URL it names pg_dump instead of
/// pretending, and never prints the password.
#[test]
fn db_backup_on_postgres_names_pg_dump_and_hides_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy.db");
    let (ok, _, stderr) = crate::util::run(crate::util::bot().args([
        "--db",
        "postgres://bot:s3cret@127.0.0.1:9/quiz",
        "db",
        "backup",
        out.to_str().unwrap(),
    ]));
    assert!(!ok);
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(
        stderr.contains("postgres://bot:***@127.0.0.1:9/quiz"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
    assert!(!out.exists());
}

/// A PostgreSQL server that cannot be reached stops the bot at start-up with where it looked,
/// and without the password.
#[test]
fn an_unreachable_postgres_stops_the_start_with_a_clear_message() {
    let (ok, _, stderr) = crate::util::run(crate::util::bot().args([
        "--db",
        "postgres://bot:s3cret@127.0.0.1:9/quiz",
        "grades",
        "export",
        "/dev/null",
    ]));
    assert!(!ok);
    assert!(
        stderr.contains("cannot reach the database at postgres://bot:***@127.0.0.1:9/quiz"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

/// A daily answer's next review is saved with it (a first card, then the same card rated
/// again), and recording says whether the server gives roles for streaks or points, so most
/// answers need no second look at the roles.
async fn an_answer_saves_its_review_with_it_and_says_whether_roles_are_given(store: Store) {
    use interview_bot::quiz::review::{Deck, Rating, ReviewStore};
    use interview_bot::quiz::roles::{Refusal, RewardKind};
    let first = round_on(&store, G, "2026-03-02", Difficulty::Easy, "semver").await;
    let second = round_on(&store, G, "2026-03-03", Difficulty::Easy, "semver").await;
    let at = |r: &Round| r.opens_at + Duration::minutes(5);
    let record = |round: &Round, user: u64, verdict: Verdict, review: Option<Rating>| {
        let a = NewAnswer {
            round: round.id,
            user: UserId(user),
            answer: "text".into(),
            score: if verdict == Verdict::Correct {
                1.0
            } else {
                0.0
            },
            verdict,
            at: at(round),
            review,
        };
        let store = store.clone();
        async move { store.record_answer(a).await.unwrap() }
    };
    let rewards = |r: Recorded| match r {
        Recorded::Accepted { rewards, .. } => rewards,
        other => panic!("not accepted: {other:?}"),
    };
    let card = |user: u64| {
        let store = store.clone();
        async move {
            store
                .card(
                    Deck {
                        guild: Some(G),
                        member: UserId(user),
                    },
                    "process-vs-thread".into(),
                )
                .await
                .unwrap()
        }
    };

    assert!(!rewards(
        record(&first, 1, Verdict::Correct, Some(Rating::Good)).await
    ));
    let c = card(1)
        .await
        .expect("the answer's review was saved with it");
    assert_eq!((c.reps, c.last_rating), (1, Rating::Good));
    assert!(c.due > at(&first), "{c:?}");
    assert!(!rewards(record(&first, 2, Verdict::Correct, None).await));
    assert_eq!(card(2).await, None, "no rating, no card");

    // A champion role alone is not given for answers; a streak role is, until it fails.
    store
        .set_role_reward(G, RewardKind::Champion, 0, RoleId(77))
        .await
        .unwrap();
    assert!(!rewards(record(&first, 3, Verdict::Correct, None).await));
    store
        .set_role_reward(G, RewardKind::Streak, 3, RoleId(78))
        .await
        .unwrap();
    assert!(rewards(record(&first, 4, Verdict::Correct, None).await));
    store
        .fail_role_reward(
            G,
            RewardKind::Streak,
            RoleId(78),
            Refusal::Forbidden,
            at(&first),
        )
        .await
        .unwrap();
    assert!(!rewards(record(&first, 5, Verdict::Correct, None).await));

    // The next day's wrong answer rates the same card again.
    record(&second, 1, Verdict::Wrong, Some(Rating::Again)).await;
    let again = card(1).await.unwrap();
    assert_eq!((again.reps, again.last_rating), (2, Rating::Again));
    assert!(again.last_review > c.last_review);
}

/// An answer's rows go in together or not at all: a write the database refuses (here a score
/// out of range, which its CHECK refuses; on PostgreSQL the refusal comes with the commit, since
/// the write rides with it) leaves no answer, points, streak or review card, and the member's
/// next answer is taken as their first.
async fn an_answer_whose_write_fails_keeps_nothing_and_may_be_given_again(store: Store) {
    use interview_bot::quiz::review::{Deck, Rating, ReviewStore};
    let round = round_on(&store, G, "2026-03-02", Difficulty::Easy, "semver").await;
    let at = round.opens_at + Duration::minutes(5);
    let answer = |score: f64| NewAnswer {
        round: round.id,
        user: UserId(7),
        answer: "text".into(),
        score,
        verdict: Verdict::Correct,
        at,
        review: Some(Rating::Good),
    };
    let refused = store.record_answer(answer(1.5)).await;
    assert!(refused.is_err(), "{refused:?}");
    let stats = store.member_stats(G, UserId(7)).await.unwrap();
    assert_eq!(
        (stats.answers, stats.points, stats.current_streak),
        (0, 0, 0)
    );
    let deck = Deck {
        guild: Some(G),
        member: UserId(7),
    };
    assert_eq!(
        store.card(deck, "process-vs-thread".into()).await.unwrap(),
        None
    );
    assert_eq!(store.round_results(round.id, 1).await.unwrap().answers, 0);

    assert_eq!(
        store.record_answer(answer(1.0)).await.unwrap(),
        Recorded::Accepted {
            points: 10,
            streak: 1,
            rewards: false,
        }
    );
    assert!(store
        .card(deck, "process-vs-thread".into())
        .await
        .unwrap()
        .is_some());
}
