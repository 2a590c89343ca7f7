//! An existing database migrated into track 1.

use super::*;

/// A database written before tracks existed: its settings become track 1's, its rounds and
/// streaks belong to track 1, and its answers and boards are what they were.
#[test]
fn an_existing_database_migrates_into_track_1() {
    use interview_bot::store::{migrate_to, MIGRATIONS};
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bot.db");
        let before_tracks = MIGRATIONS
            .iter()
            .position(|(name, _)| *name == "0011_tracks.sql")
            .unwrap() as u32;
        let answers_before: Vec<String>;
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "foreign_keys", true).unwrap();
            migrate_to(&mut conn, before_tracks).unwrap();
            let next = utc("2026-01-04T06:15:00Z").timestamp_millis();
            conn.execute_batch(&format!(
                "INSERT INTO guilds (guild_id, channel_id, post_time, timezone, topics, difficulty, role_id, enabled, days, round_minutes, next_post_at, status)
                 VALUES (1, 77, '07:15', 'Europe/Berlin', 'semver,transformers', 'hard', 5, 1, 'weekdays', 120, {next}, 'all well');
                 INSERT INTO guilds (guild_id) VALUES (2);
                 INSERT INTO rounds (round_id, guild_id, day, question_id, topic, difficulty, seed, opens_at, closes_at, channel_id, message_id, state, revealed_at)
                 VALUES (10, 1, '2026-01-01', 'process-vs-thread', 'processes-threads', 'easy', 7, 1767250000000, 1767260000000, 77, 1000, 'closed', 1767260000001),
                        (11, 1, '2026-01-02', 'process-vs-thread', 'processes-threads', 'easy', 8, 1767336400000, 1767346400000, 77, 1001, 'closed', 1767346400001),
                        (12, 2, '2026-01-02', 'process-vs-thread', 'processes-threads', 'easy', 9, 1767336400000, 1767346400000, 78, 1002, 'closed', 1767346400001);
                 INSERT INTO answers (answer_id, round_id, guild_id, user_id, topic, answer, score, verdict, points, answered_at)
                 VALUES (100, 10, 1, 5, 'processes-threads', 'a', 1.0, 'correct', 12, 1767250000100),
                        (101, 11, 1, 5, 'processes-threads', 'b', 1.0, 'correct', 13, 1767336400100),
                        (102, 11, 1, 6, 'processes-threads', 'c', 0.5, 'partial', 6, 1767336400200),
                        (103, 12, 2, 5, 'processes-threads', 'd', 0.0, 'wrong', 0, 1767336400300);
                 INSERT INTO streaks (guild_id, user_id, current, best, last_round_id)
                 VALUES (1, 5, 2, 4, 11), (1, 6, 1, 1, 11), (2, 5, 0, 0, 12);
                 INSERT INTO totals (guild_id, user_id, points, answers, correct)
                 VALUES (1, 5, 25, 2, 2), (1, 6, 6, 1, 0), (2, 5, 0, 1, 0);"
            ))
            .unwrap();
            answers_before = dump(&conn, "SELECT * FROM answers ORDER BY answer_id");
        }
        let store = Store::open(&path).unwrap();
        let s = store.settings(GuildId(1)).await.unwrap();
        assert_eq!((s.track, s.track_name.as_str()), (TrackId::FIRST, "main"));
        assert_eq!(s.channel, Some(ChannelId(77)));
        assert_eq!(s.post_time, at("07:15"));
        assert_eq!(s.timezone, chrono_tz::Europe::Berlin);
        assert_eq!(s.topics, vec!["semver", "transformers"]);
        assert_eq!(s.difficulty.map(|d| d.as_str()), Some("hard"));
        assert_eq!(s.role.map(|r| r.0), Some(5));
        assert_eq!((s.days, s.round_minutes), (Days::Weekdays, Some(120)));
        assert_eq!(store.status(GuildId(1)).await.unwrap().as_deref(), Some("all well"));
        let due = store.due_tracks(utc("2026-01-05T00:00:00Z"), 10).await.unwrap();
        assert_eq!(due, vec![(GuildId(1), TrackId::FIRST, utc("2026-01-04T06:15:00Z"))], "its next post is still due");
        for id in [10, 11, 12] {
            let r = store.round(interview_bot::quiz::RoundId(id)).await.unwrap().unwrap();
            assert_eq!(r.track, TrackId::FIRST, "round {id}");
        }
        assert!(
            store.round_on_day(GuildId(1), TrackId::FIRST, d("2026-01-02")).await.unwrap().is_some(),
        );
        // Answers are untouched; boards and stats read what they read before.
        let path2 = path.clone();
        let answers_after = tokio::task::spawn_blocking(move || {
            dump(&rusqlite::Connection::open(&path2).unwrap(), "SELECT * FROM answers ORDER BY answer_id")
        })
        .await
        .unwrap();
        assert_eq!(answers_after, answers_before);
        let board = store
            .leaderboard(BoardQuery { guild: GuildId(1), track: None, between: None, topic: None, user: UserId(6), limit: 10, offset: 0 })
            .await
            .unwrap();
        let top: Vec<(u64, u64, u32)> = board.top.iter().map(|s| (s.user.0, s.points, s.rank)).collect();
        assert_eq!(top, vec![(5, 25, 1), (6, 6, 2)]);
        let topic = store
            .leaderboard(BoardQuery { guild: GuildId(1), track: None, between: None, topic: Some("processes-threads".into()), user: UserId(6), limit: 10, offset: 0 })
            .await
            .unwrap();
        let top: Vec<(u64, u64)> = topic.top.iter().map(|s| (s.user.0, s.points)).collect();
        assert_eq!(top, vec![(5, 25), (6, 6)]);
        let stats = store.member_stats(GuildId(1), UserId(5)).await.unwrap();
        assert_eq!((stats.best_streak, stats.points, stats.answers), (4, 25, 2));
        assert_eq!(stats.current_streak, 2, "the streak carried into track 1");
        // A new round in track 1 continues the migrated streak.
        let mut next = NewRound {
            guild: GuildId(1),
            day: d("2026-01-05"),
            question: "process-vs-thread".into(),
            topic: "processes-threads".into(),
            difficulty: interview_bot::bank::Difficulty::Easy,
            seed: 1,
            opens_at: utc("2026-01-05T06:15:00Z"),
            closes_at: utc("2026-01-05T08:15:00Z"),
            channel: Some(ChannelId(77)),
        };
        let round = store.create_round_in(TrackId::FIRST, next.clone()).await.unwrap().unwrap();
        assert_eq!(answer(&store, round.id, 5, "2026-01-05T06:20:00Z").await, 3);
        next.day = d("2026-01-02");
        assert!(store.create_round(next).await.unwrap().is_none(), "a migrated day is still taken");
        // Foreign keys are enforced again after the migration.
        let orphan = store
            .record_answer(NewAnswer {
                round: interview_bot::quiz::RoundId(999),
                user: UserId(5),
                answer: "x".into(),
                score: 1.0,
                verdict: Verdict::Correct,
                at: utc("2026-01-05T06:20:00Z"),
                review: None,
            })
            .await
            .unwrap();
        assert_eq!(orphan, Recorded::NoSuchRound);
        let fk = store
            .write(|c| {
                c.execute(
                    "INSERT INTO answers (round_id, guild_id, user_id, topic, answer, score, verdict, points, answered_at) VALUES (999, 1, 5, 't', 'a', 1, 'correct', 1, 0)",
                    [],
                )
                .map_err(Into::into)
            })
            .await;
        assert!(fk.is_err(), "an answer to no round is refused");
    });
}

fn dump(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}
