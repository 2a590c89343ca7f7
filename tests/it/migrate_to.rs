//! `interview-bot db migrate-to postgres://...` run as the real binary: a SQLite database filled
//! through the store's own use-cases (rounds in two tracks, answers and streaks, a retired round,
//! practice, an appeal decided with a grade override, a suggestion, a points correction with its
//! audit row, a season cadence, a role reward, a text with a NUL character) is copied into a fresh
//! PostgreSQL database; the PostgreSQL store then gives the same boards, member stats, round
//! results, settings and audit log as the SQLite one, and new rows get fresh ids. A second copy
//! into the now non-empty database is refused and changes nothing; a missing SQLite file is
//! refused; a copy that fails part-way leaves PostgreSQL empty.

use crate::util::{bot, run, runtime};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use interview_bot::bank::Difficulty;
use interview_bot::grade::Verdict;
use interview_bot::quiz::admin::{Change, Correction, CorrectionStore};
use interview_bot::quiz::appeal::{self, Asked, Decision, NewDecision};
use interview_bot::quiz::roles::RewardKind;
use interview_bot::quiz::season::Cadence;
use interview_bot::quiz::suggest::{self, Form, NewSuggestion, SuggestKind};
use interview_bot::quiz::*;
use interview_bot::store::{BoardQuery, Store};
use std::path::Path;

const G: GuildId = GuildId(4242);
const MEMBERS: [u64; 3] = [11, 12, 13];
const MODERATOR: u64 = 99;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    utc("2026-03-20T12:00:00Z")
}

async fn round_on(store: &Store, track: TrackId, day: &str, topic: &str) -> Round {
    let day: NaiveDate = day.parse().unwrap();
    let opens = Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).unwrap());
    store
        .create_round_in(
            track,
            NewRound {
                guild: G,
                day,
                question: "process-vs-thread".into(),
                topic: topic.into(),
                difficulty: Difficulty::Medium,
                seed: 7,
                opens_at: opens,
                closes_at: opens + Duration::days(1),
                channel: Some(ChannelId(5)),
            },
        )
        .await
        .unwrap()
        .expect("a new day gets a round")
}

async fn answer(store: &Store, round: &Round, user: u64, score: f64, text: &str) -> Recorded {
    let verdict = if score >= 0.9 {
        Verdict::Correct
    } else if score >= 0.4 {
        Verdict::Partial
    } else {
        Verdict::Wrong
    };
    store
        .record_answer(NewAnswer {
            round: round.id,
            user: UserId(user),
            answer: text.into(),
            score,
            verdict,
            at: round.opens_at + Duration::minutes(5 + user as i64),
            review: None,
        })
        .await
        .unwrap()
}

/// Fills a SQLite store the way the bot would; returns its rounds.
async fn seed(store: &Store) -> Vec<Round> {
    let mut s = store.settings(G).await.unwrap();
    s.timezone = "Europe/Paris".parse().unwrap();
    s.channel = Some(ChannelId(5));
    let next = schedule::next_due(&s, now());
    store.save_settings(s.clone(), next).await.unwrap();
    let mut backend = s.clone();
    backend.track_name = "backend".into();
    backend.channel = Some(ChannelId(6));
    let backend = store
        .add_track(backend, |s| schedule::next_due(s, now()))
        .await
        .unwrap()
        .expect("the track is added");

    let mut rounds = Vec::new();
    let topics = ["semver", "processes-threads"];
    for (i, day) in [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-06",
    ]
    .into_iter()
    .enumerate()
    {
        let r = round_on(store, TrackId::FIRST, day, topics[i % 2]).await;
        for (k, &m) in MEMBERS.iter().enumerate() {
            // Member 11 always right, 12 right but one day, 13 partial or wrong.
            let score = match (k, i) {
                (0, _) => 1.0,
                (1, 2) => 0.1,
                (1, _) => 0.95,
                _ => [0.5, 0.0, 0.66][i % 3],
            };
            let text = if (k, i) == (2, 1) {
                "a thread\0shares memory"
            } else {
                "threads share an address space"
            };
            answer(store, &r, m, score, text).await;
        }
        rounds.push(r);
    }
    let b = round_on(store, backend.track, "2026-03-06", "semver").await;
    answer(store, &b, MEMBERS[0], 0.7, "a major bump breaks the API").await;
    rounds.push(b);
    // A round discarded before anyone saw it: its id, the highest, is never given again.
    let retired = round_on(store, TrackId::FIRST, "2026-03-07", "semver").await;
    assert!(store
        .retire_round(&retired, "test".into(), now())
        .await
        .unwrap());

    store
        .record_practice(Practice {
            guild: Some(G),
            user: UserId(MEMBERS[1]),
            question: "process-vs-thread".into(),
            seed: 3,
            answer: "a process has its own memory".into(),
            score: 0.8,
            verdict: Verdict::Partial,
            at: now(),
        })
        .await
        .unwrap();

    // Member 12 appeals the wrong day; the moderator makes it correct (an override).
    let Asked::Opened(id) = appeal::ask_for_review(
        store,
        G,
        rounds[2].id,
        UserId(MEMBERS[1]),
        UserId(MEMBERS[1]),
        now(),
    )
    .await
    .unwrap() else {
        panic!("the appeal opens")
    };
    appeal::decide(
        store,
        NewDecision {
            guild: G,
            appeal: id,
            decision: Decision::Correct,
            moderator: UserId(MODERATOR),
            at: now() + Duration::minutes(1),
        },
    )
    .await
    .unwrap();

    suggest::SuggestionStore::add_suggestion(
        store,
        NewSuggestion {
            guild: G,
            author: UserId(MEMBERS[2]),
            form: Form {
                question: "A minor version bump may remove a public function.".into(),
                answer: "false".into(),
                explanation: "Removing a public function is a breaking change: a major bump."
                    .into(),
                ..Form::new(SuggestKind::TrueFalse, "semver", Difficulty::Easy)
            },
            at: now(),
        },
    )
    .await
    .unwrap();

    store
        .correct(Correction {
            guild: G,
            actor: UserId(MODERATOR),
            member: UserId(MEMBERS[2]),
            reason: "helped in the thread".into(),
            at: now() + Duration::minutes(2),
            change: Change::Points(5),
        })
        .await
        .unwrap();
    store
        .set_cadence(G, Some(Cadence::Monthly), now())
        .await
        .unwrap();
    store
        .set_role_reward(G, RewardKind::Streak, 3, RoleId(77))
        .await
        .unwrap();
    rounds
}

/// What a member or a moderator sees through the store: boards (all time, by topic, by track, a
/// month), each member's `/stats`, each round's results, the settings and tracks, the season, the
/// role rewards, and the audit log.
async fn views(store: &Store, rounds: &[Round]) -> Vec<String> {
    let mut out = Vec::new();
    let board = |user: u64, topic: Option<&str>, track, between| BoardQuery {
        guild: G,
        between,
        topic: topic.map(String::from),
        track,
        user: UserId(user),
        limit: 10,
        offset: 0,
    };
    let march = Some((utc("2026-03-01T00:00:00Z"), utc("2026-04-01T00:00:00Z")));
    for &m in &MEMBERS {
        for q in [
            board(m, None, None, None),
            board(m, Some("semver"), None, None),
            board(m, None, Some(TrackId::FIRST), march),
        ] {
            out.push(format!("{:?}", store.leaderboard(q.clone()).await.unwrap()));
            out.push(format!("{:?}", store.rank(q).await.unwrap()));
        }
        out.push(format!(
            "{:?}",
            store.member_stats(G, UserId(m)).await.unwrap()
        ));
    }
    for r in rounds {
        out.push(format!("{:?}", store.round_results(r.id, 5).await.unwrap()));
        out.push(format!("{:?}", store.round(r.id).await.unwrap()));
    }
    out.push(format!("{:?}", store.tracks(G).await.unwrap()));
    out.push(format!("{:?}", store.season_setting(G).await.unwrap()));
    out.push(format!("{:?}", store.role_rewards(G).await.unwrap()));
    out.push(format!("{:?}", store.audit_page(G, None, 0).await.unwrap()));
    out
}

fn migrate(db: &Path, url: &str) -> (bool, String, String) {
    run(bot().arg("--db").arg(db).args(["db", "migrate-to", url]))
}

/// Every bot table's row count in the PostgreSQL database at `url`.
async fn pg_counts(url: &str) -> Vec<(String, i64)> {
    let client = crate::pg::connect(url).await;
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables
              WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
              ORDER BY table_name",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let n: i64 = client
            .query_one(&format!("SELECT count(*) FROM \"{t}\""), &[])
            .await
            .unwrap()
            .get(0);
        out.push((t, n));
    }
    out
}

async fn max_id(store: &Store, table: &'static str, column: &'static str) -> i64 {
    store
        .read(move |c| {
            Ok(c.query_row(
                &format!("SELECT coalesce(max({column}), 0) FROM {table}"),
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap()
}

#[test]
fn a_sqlite_server_moves_to_postgres_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.db");
    let url = crate::pg::fresh_db("migrate to");
    let rt = runtime();
    let (rounds, before, highs) = rt.block_on(async {
        let store = Store::open(&db).unwrap();
        let rounds = seed(&store).await;
        let views = views(&store, &rounds).await;
        let highs = (
            max_id(&store, "answers", "answer_id").await,
            max_id(&store, "retired_rounds", "round_id").await,
            max_id(&store, "audit_log", "entry_id").await,
        );
        store.close();
        (rounds, views, highs)
    });
    assert!(highs.1 > rounds.iter().map(|r| r.id.0).max().unwrap());

    let (ok, out, err) = migrate(&db, &url);
    assert!(ok, "migrate-to succeeds: {out}{err}");
    assert!(out.contains("counts and checksums match"), "{out}");
    assert!(!out.contains("MISMATCH"), "{out}");
    let answers_line = out
        .lines()
        .find(|l| l.starts_with("answers "))
        .expect("a line for answers");
    assert_eq!(
        answers_line.split_whitespace().collect::<Vec<_>>(),
        ["answers", "16", "16"],
        "{out}"
    );
    assert!(out.contains("answers.points"), "{out}");
    assert!(
        out.contains("1 NUL characters") && out.contains("answers 1"),
        "the NUL is counted: {out}"
    );
    assert!(err.is_empty(), "no bar outside a terminal: {err}");

    rt.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let after = views(&store, &rounds).await;
        for (a, b) in before.iter().zip(&after) {
            assert_eq!(a, b);
        }
        assert_eq!(before.len(), after.len());
        let text: String = store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT answer FROM answers WHERE answer LIKE 'a thread%'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(text, "a thread\u{fffd}shares memory");

        // New rows get ids past the copied ones (and past the retired round's).
        let next = round_on(&store, TrackId::FIRST, "2026-03-08", "semver").await;
        assert!(next.id.0 > highs.1, "{:?} after {}", next.id, highs.1);
        assert!(matches!(
            answer(&store, &next, MEMBERS[0], 1.0, "x").await,
            Recorded::Accepted { .. }
        ));
        assert_eq!(max_id(&store, "answers", "answer_id").await, highs.0 + 1);
        store
            .correct(Correction {
                guild: G,
                actor: UserId(MODERATOR),
                member: UserId(MEMBERS[0]),
                reason: "after the move".into(),
                at: now() + Duration::days(1),
                change: Change::Points(1),
            })
            .await
            .unwrap();
        assert_eq!(max_id(&store, "audit_log", "entry_id").await, highs.2 + 1);
        store.close();
    });

    // Into the same, now non-empty database: refused, nothing changed.
    let counts = rt.block_on(pg_counts(&url));
    let (ok, out, err) = migrate(&db, &url);
    assert!(!ok, "a second copy is refused: {out}");
    assert!(err.contains("already holds data"), "{err}");
    assert!(err.contains("answers"), "names the tables: {err}");
    assert_eq!(rt.block_on(pg_counts(&url)), counts);
}

#[test]
fn a_missing_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::pg::fresh_db("migrate missing");
    let (ok, _, err) = migrate(&dir.path().join("nope.db"), &url);
    assert!(!ok);
    assert!(err.contains("there is no SQLite database at"), "{err}");
    assert!(!dir.path().join("nope.db").exists(), "no file is created");
    assert!(
        runtime().block_on(pg_counts(&url)).is_empty(),
        "PostgreSQL is not touched"
    );
}

#[test]
fn a_copy_that_fails_part_way_leaves_postgres_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.db");
    let url = crate::pg::fresh_db("migrate fails");
    runtime().block_on(async {
        let store = Store::open(&db).unwrap();
        seed(&store).await;
        store.close();
    });
    // A row whose round does not exist (SQLite checks foreign keys only when asked to):
    // PostgreSQL refuses it, after the tables before it were copied.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute(
        "INSERT INTO shared_answers (round_id, user_id, at) VALUES (999999, 1, 0)",
        [],
    )
    .unwrap();
    drop(conn);
    let (ok, out, err) = migrate(&db, &url);
    assert!(!ok, "{out}");
    assert!(
        err.contains("shared_answers") && err.contains("nothing was kept"),
        "{err}"
    );
    let counts = runtime().block_on(pg_counts(&url));
    assert!(!counts.is_empty(), "the schema is there");
    assert!(
        counts.iter().all(|(_, n)| *n == 0),
        "no row is kept: {counts:?}"
    );
}
