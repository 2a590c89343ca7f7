//! Faults of the database under a running bot, as an operator or a member would see them: the
//! database folder deleted or its file replaced (writes refused and the member told so, never
//! acknowledged and lost), and a long burst of answers (the write-ahead log is cut back once
//! the writes pause).

use crate::discord::{is_private, visible_text};
use crate::interactions::{self as ix, GUILD};
use crate::util::{runtime, test_app};
use chrono::{DateTime, Duration, Utc};
use interview_bot::bank::{Difficulty, Kind};
use interview_bot::grade::Verdict;
use interview_bot::quiz::*;
use interview_bot::store::{FileProblem, Store, StoreError, WAL_LIMIT};
use serenity::all::Interaction;
use std::path::Path;

fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

async fn open_round(store: &Store, guild: u64, question: &str) -> Round {
    store
        .create_round(NewRound {
            guild: GuildId(guild),
            day: now().date_naive(),
            question: question.into(),
            topic: "processes-threads".into(),
            difficulty: Difficulty::Easy,
            seed: 7,
            opens_at: now() - Duration::hours(1),
            closes_at: now() + Duration::hours(20),
            channel: Some(ChannelId(ix::CHANNEL)),
        })
        .await
        .unwrap()
        .expect("a new day gets a round")
}

async fn answer(store: &Store, round: &Round, user: u64) -> Result<Recorded, StoreError> {
    store
        .record_answer(NewAnswer {
            round: round.id,
            user: UserId(user),
            answer: "threads share memory".into(),
            score: 1.0,
            verdict: Verdict::Correct,
            at: now(),
            review: None,
        })
        .await
}

fn wal_len(db: &Path) -> u64 {
    std::fs::metadata(interview_bot::store::wal_path(db))
        .map(|m| m.len())
        .unwrap_or(0)
}

#[test]
fn answers_are_refused_once_the_database_folder_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    std::fs::create_dir(&folder).unwrap();
    runtime().block_on(async {
        let store = Store::open(folder.join("bot.db")).unwrap();
        let round = open_round(&store, 1, "process-vs-thread").await;
        assert!(matches!(
            answer(&store, &round, 1).await,
            Ok(Recorded::Accepted { .. })
        ));

        std::fs::remove_dir_all(&folder).unwrap();
        // Every later answer is refused, not acknowledged into a file nobody will read again.
        for user in 2..5 {
            let err = answer(&store, &round, user)
                .await
                .expect_err("refused, not acknowledged");
            assert!(
                matches!(
                    err,
                    StoreError::FileGone {
                        problem: FileProblem::Deleted,
                        ..
                    }
                ),
                "{err:?}"
            );
            let said = err.to_string();
            assert!(
                said.contains("bot.db was deleted") && said.contains("restore the file"),
                "{said}"
            );
        }
        // Other writes too: an admin's settings are not pretended saved either.
        let err = store
            .save_settings(GuildSettings::new(GuildId(1)), None)
            .await
            .expect_err("refused");
        assert!(matches!(err, StoreError::FileGone { .. }), "{err:?}");
        store.close();
    });
    assert!(!folder.exists(), "nothing was written in its place");
}

#[test]
fn answers_are_refused_once_the_database_file_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.db");
    runtime().block_on(async {
        let store = Store::open(&db).unwrap();
        let round = open_round(&store, 1, "process-vs-thread").await;
        assert!(matches!(
            answer(&store, &round, 1).await,
            Ok(Recorded::Accepted { .. })
        ));

        // An operator (or a careless script) puts another file at the path.
        std::fs::remove_file(&db).unwrap();
        std::fs::File::create(&db).unwrap();
        let err = answer(&store, &round, 2)
            .await
            .expect_err("refused, not acknowledged");
        assert!(
            err.to_string()
                .contains("bot.db was replaced by another file"),
            "{err}"
        );
        // A read does not open the new file as if it were the bot's database either: "you have
        // not answered" would be a lie.
        let err = store
            .member_answer(round.id, UserId(1))
            .await
            .expect_err("refused");
        assert!(
            matches!(
                err,
                StoreError::FileGone {
                    problem: FileProblem::Replaced,
                    ..
                }
            ),
            "{err:?}"
        );
        store.close();
    });
    assert_eq!(
        std::fs::metadata(&db).unwrap().len(),
        0,
        "the new file is left as it was"
    );
}

/// Through the real handler: a member who answers after the database folder was deleted is
/// told privately, in a few words, that the answer was not saved.
#[test]
fn a_member_is_told_an_answer_was_not_saved_when_the_database_is_gone() {
    const ADA: u64 = 801;
    const BOB: u64 = 802;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    runtime().block_on(async {
        // No REST is reached; the base is a closed local port.
        let (app, _clock) = test_app(&data, "http://127.0.0.1:9", now());
        let q = app
            .bank()
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::Choice { .. }))
            .expect("the bank has a choice question")
            .clone();
        let Kind::Choice { answer, .. } = &q.kind else {
            unreachable!()
        };
        let round = open_round(app.store(), GUILD, &q.id.0).await;
        let right = format!("1:a:{}:{answer}", round.id.0);
        let (app, right) = (&app, &right);
        let click = |user| async move {
            let i: Interaction = serde_json::from_value(ix::button(right, user)).unwrap();
            serde_json::to_value(
                interview_bot::discord::handle(app, &i)
                    .await
                    .into_response(),
            )
            .unwrap()
        };

        let before = click(ADA).await;
        assert!(visible_text(&before).contains("Correct"), "{before}");

        std::fs::remove_dir_all(&data).unwrap();
        let after = click(BOB).await;
        let text = visible_text(&after);
        assert!(is_private(&after), "{after}");
        assert!(
            text.contains("can't save anything right now") && text.contains("not recorded"),
            "{text}"
        );
        assert!(
            !text.contains("Correct"),
            "no grade as if it counted: {text}"
        );
        crate::spec::validate("callback", &[before, after]);
        app.store().close();
    });
}

/// A long burst of answers over many rounds grows the write-ahead log fast; once the writes
/// pause, it is cut back under `WAL_LIMIT` (64 MiB), and every answer is in the database.
#[test]
fn the_write_ahead_log_is_cut_back_after_a_burst() {
    const ROUNDS: u64 = 100;
    const ANSWERS: u64 = 20_000;
    const IN_FLIGHT: usize = 64;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.db");
    runtime().block_on(async {
        let store = Store::open(&db).unwrap();
        let mut rounds = Vec::new();
        for g in 1..=ROUNDS {
            rounds.push(open_round(&store, g, "process-vs-thread").await);
        }
        let largest = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..ANSWERS {
            if tasks.len() >= IN_FLIGHT {
                tasks.join_next().await.unwrap().unwrap();
            }
            let (store, round, largest, db) = (
                store.clone(),
                rounds[(n % ROUNDS) as usize].clone(),
                largest.clone(),
                db.clone(),
            );
            tasks.spawn(async move {
                let r = answer(&store, &round, 1_000_000 + n).await.unwrap();
                assert!(matches!(r, Recorded::Accepted { .. }), "{r:?}");
                largest.fetch_max(wal_len(&db), std::sync::atomic::Ordering::Relaxed);
            });
        }
        while let Some(t) = tasks.join_next().await {
            t.unwrap();
        }
        let largest = largest.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            largest > WAL_LIMIT,
            "the burst must grow the log past the limit to test anything: {largest} bytes"
        );

        // No more writes: within a generous deadline the log is cut back.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while wal_len(&db) > WAL_LIMIT && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let left = wal_len(&db);
        assert!(
            left <= WAL_LIMIT,
            "the log is still {left} bytes after a pause (largest {largest})"
        );
        let kept: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM answers", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(kept, ANSWERS as i64);
        store.close();
    });
}
