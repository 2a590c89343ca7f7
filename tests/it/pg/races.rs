//! Races between replicas that only PostgreSQL has: SQLite's one writer puts every write in
//! one order. Another replica is played by a plain connection holding its transaction open.

use chrono::{Duration, Utc};
use interview_bot::bank::Difficulty;
use interview_bot::grade::Verdict;
use interview_bot::quiz::*;
use interview_bot::store::Store;

/// A round open now, an answer to it, and a connection of "another replica".
async fn setup(hint: &str) -> (Store, Round, tokio_postgres::Client) {
    let url = super::fresh_db(hint);
    let store = Store::connect(&url).await.unwrap();
    let now = Utc::now();
    let round = store
        .create_round(NewRound {
            guild: GuildId(1),
            day: now.date_naive(),
            question: "process-vs-thread".into(),
            topic: "processes-threads".into(),
            difficulty: Difficulty::Easy,
            seed: 1,
            opens_at: now - Duration::hours(1),
            closes_at: now + Duration::hours(1),
            channel: Some(ChannelId(2)),
        })
        .await
        .unwrap()
        .unwrap();
    (store, round, super::connect(&url).await)
}

fn answer(round: &Round) -> NewAnswer {
    NewAnswer {
        round: round.id,
        user: UserId(3),
        answer: "threads share their process's memory".into(),
        score: 1.0,
        verdict: Verdict::Correct,
        at: Utc::now(),
        review: None,
    }
}

/// An answer recorded while another replica skips its round (the skip not yet committed)
/// waits for it, and once the skip commits is refused as closed, never recorded to a skipped
/// round; if the skip is rolled back, the answer counts.
#[test]
fn an_answer_racing_a_skip_of_its_round_waits_for_it_and_is_not_recorded() {
    crate::util::runtime().block_on(async {
        for commit in [true, false] {
            let (store, round, other) = setup(&format!("answer races skip {commit}")).await;
            other.batch_execute("BEGIN").await.unwrap();
            let n = other
                .execute(
                    "UPDATE rounds SET state = 'skipped' WHERE round_id = $1 AND state = 'open'",
                    &[&round.id.0],
                )
                .await
                .unwrap();
            assert_eq!(n, 1);
            let answering = tokio::spawn({
                let store = store.clone();
                let a = answer(&round);
                async move { store.record_answer(a).await }
            });
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            assert!(
                !answering.is_finished(),
                "the answer waits for the other replica's skip"
            );
            other
                .batch_execute(if commit { "COMMIT" } else { "ROLLBACK" })
                .await
                .unwrap();
            let recorded = answering.await.unwrap().unwrap();
            let results = store.round_results(round.id, 1).await.unwrap();
            if commit {
                assert_eq!(recorded, Recorded::Closed);
                assert_eq!(results.answers, 0, "nothing recorded to a skipped round");
            } else {
                assert!(
                    matches!(recorded, Recorded::Accepted { .. }),
                    "{recorded:?}"
                );
                assert_eq!(results.answers, 1);
            }
            store.close();
        }
    });
}

/// Replicas started at once on an empty database all come up, and each migration is applied
/// once: the first to claim it applies it, the others wait for it and find it applied.
#[test]
fn replicas_starting_at_once_on_an_empty_database_apply_each_migration_once() {
    let url = super::fresh_db("replicas migrate at once");
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count() as i64;
    let start = std::sync::Arc::new(std::sync::Barrier::new(6));
    let replicas: Vec<_> = (0..6)
        .map(|_| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                crate::util::runtime().block_on(async {
                    start.wait();
                    let store = Store::connect(&url).await?;
                    let ready = store.ready().await;
                    store.close();
                    ready
                })
            })
        })
        .collect();
    for r in replicas {
        r.join().unwrap().expect("every replica comes up");
    }
    crate::util::runtime().block_on(async {
        let c = super::connect(&url).await;
        let rows = c
            .query(
                "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version",
                &[],
            )
            .await
            .unwrap();
        let versions: Vec<(i64, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        let want: Vec<(i64, i64)> = (1..=files).map(|v| (v, 1)).collect();
        assert_eq!(versions, want);
        let answers: i64 = c
            .query_one("SELECT count(*) FROM answers", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(answers, 0, "the schema is there");
    });
}
