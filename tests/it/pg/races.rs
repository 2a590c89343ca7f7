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
