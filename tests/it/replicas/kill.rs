//! One replica killed with SIGKILL while members answer through all three.

use super::*;

#[test]
fn sigkill_of_one_replica_under_load_loses_no_acknowledged_answer_and_the_others_go_on() {
    const MEMBERS: u64 = 240;
    const IN_FLIGHT: usize = 12;
    const KILL_AFTER: usize = 60;
    runtime().block_on(async {
        let fake = Arc::new(FakeDiscord::start().await);
        let dir = tempfile::tempdir().unwrap();
        let (db, app) = fresh(&fake, "replicas kill").await;
        let closes = Utc::now() + chrono::Duration::hours(20);
        let round = open_round(&app, Utc::now().date_naive(), closes, Some(ix::CHANNEL)).await;
        let mut replicas = three(&fake, &db, dir.path(), None, &[]).await;
        let urls: Vec<String> = replicas.iter().map(Replica::url).collect();

        let client = reqwest::Client::new();
        let slots = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (kill_tx, kill_rx) = tokio::sync::oneshot::channel::<()>();
        let kill_tx = Arc::new(std::sync::Mutex::new(Some(kill_tx)));
        let killed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut tasks = Vec::new();
        for member in 1..=MEMBERS {
            let n = member as usize % 3;
            let url = urls[n].clone();
            let (client, slots, fake) = (client.clone(), slots.clone(), fake.clone());
            let (done, kill_tx, killed) = (done.clone(), kill_tx.clone(), killed.clone());
            let interaction = modal(&round, 10_000 + member);
            tasks.push(tokio::spawn(async move {
                let _slot = slots.acquire_owned().await.unwrap();
                let after_kill = killed.load(std::sync::atomic::Ordering::SeqCst);
                // A deferred reply of the killed replica may never come: not waited for.
                let said = answer(&fake, &client, &url, &interaction, n != 0).await;
                if done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == KILL_AFTER {
                    if let Some(tx) = kill_tx.lock().unwrap().take() {
                        let _ = tx.send(());
                    }
                }
                (member, n, after_kill, said)
            }));
        }
        kill_rx.await.unwrap();
        replicas[0].child.kill().unwrap();
        killed.store(true, std::sync::atomic::Ordering::SeqCst);
        replicas[0].child.wait().unwrap();
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap());
        }

        let recorded = answers_in_db(&db, &round).await;
        let (mut acknowledged, mut survivors_after, mut lost_to_kill) = (0, 0, 0);
        for (member, n, after_kill, said) in &results {
            let id = 10_000 + member;
            match said {
                Shown::Graded => {
                    acknowledged += 1;
                    assert_eq!(
                        recorded.get(&id),
                        Some(&1),
                        "member {id} was shown a grade by replica {n}"
                    );
                }
                Shown::Nothing(why) => {
                    assert_eq!(*n, 0, "member {id}: replica {n} failed: {why}");
                    lost_to_kill += 1;
                }
                other => panic!("member {id} through replica {n}: {other:?}"),
            }
            if *n != 0 && *after_kill {
                survivors_after += 1;
            }
        }
        assert!(acknowledged >= KILL_AFTER, "{acknowledged}");
        assert!(
            lost_to_kill > 0,
            "the kill came mid-load: some answers to replica 0 failed"
        );
        assert!(survivors_after > 0, "the survivors answered after the kill");

        // The survivors are ready and take new answers.
        for (n, r) in replicas.iter().enumerate().skip(1) {
            assert_eq!(r.readyz().await, 200, "replica {n} is ready");
            let member = 20_000 + n as u64;
            let said = answer(&fake, &client, &r.url(), &modal(&round, member), true).await;
            assert_eq!(said, Shown::Graded, "a new answer through replica {n}");
            assert_eq!(answers_in_db(&db, &round).await.get(&member), Some(&1));
        }
        assert_eq!(replicas[0].readyz().await, 0, "the killed replica is gone");
        eprintln!(
            "replicas: {acknowledged} answers acknowledged, {lost_to_kill} lost with the killed \
             replica (never acknowledged), {survivors_after} through the survivors after the kill"
        );
        drop(replicas);
    });
}
