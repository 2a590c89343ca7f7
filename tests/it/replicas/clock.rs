//! Three replicas' clocks sharing 300 guilds due at the same minute.

use super::*;

#[test]
fn three_clocks_post_300_guilds_due_at_once_each_exactly_once() {
    const GUILDS: u64 = 300;
    const FIRST_GUILD: u64 = 710_000_000_000_000_000;
    const FIRST_CHANNEL: u64 = 720_000_000_000_000_000;
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (db, app) = fresh(&fake, "replicas clocks").await;
        let replicas = three(&fake, &db, dir.path(), Some(FAST_POLL_MS), &[]).await;

        // 300 guilds set up through the store (what `/config` saves), scheduled far ahead; then
        // one statement makes them all due a few seconds ago, at once.
        let later = Utc::now() + chrono::Duration::days(30);
        for i in 0..GUILDS {
            let mut s = GuildSettings::new(GuildId(FIRST_GUILD + i));
            s.channel = Some(ChannelId(FIRST_CHANNEL + i));
            app.store().save_settings(s, Some(later)).await.unwrap();
        }
        let pg = crate::pg::connect(&db).await;
        let due = (Utc::now() - chrono::Duration::seconds(5)).timestamp_millis();
        let made_due = pg
            .execute(
                "UPDATE tracks SET next_post_at = $1 WHERE next_post_at IS NOT NULL",
                &[&due],
            )
            .await
            .unwrap();
        assert_eq!(made_due, GUILDS);

        // Every guild's post is made and its track moved on to its next day.
        let until = Instant::now() + DEADLINE;
        loop {
            let waiting: i64 = pg
                .query_one(
                    "SELECT count(*) FROM tracks WHERE next_post_at <= $1",
                    &[&Utc::now().timestamp_millis()],
                )
                .await
                .unwrap()
                .get(0);
            let rounds: i64 = pg
                .query_one("SELECT count(*) FROM rounds", &[])
                .await
                .unwrap()
                .get(0);
            let posted: u64 = replicas.iter().map(Replica::posted).sum();
            if waiting == 0 && rounds == GUILDS as i64 && posted >= GUILDS {
                break;
            }
            assert!(
                Instant::now() < until,
                "{waiting} tracks still due, {rounds} rounds, {posted} posts logged"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let mut per_channel: HashMap<String, usize> = HashMap::new();
        let mut bodies = Vec::new();
        for r in fake.requests_to("POST", "/channels/") {
            if r.path.ends_with("/messages") {
                *per_channel.entry(r.path.clone()).or_default() += 1;
                bodies.push(r.body);
            }
        }
        crate::spec::validate("message", &bodies);
        for i in 0..GUILDS {
            let path = format!("/channels/{}/messages", FIRST_CHANNEL + i);
            assert_eq!(
                per_channel.get(&path),
                Some(&1),
                "guild {i}'s question is posted exactly once"
            );
        }
        assert_eq!(per_channel.len() as u64, GUILDS, "{per_channel:?}");
        let by_replica: Vec<u64> = replicas.iter().map(Replica::posted).collect();
        assert_eq!(by_replica.iter().sum::<u64>(), GUILDS, "{by_replica:?}");
        let posting = by_replica.iter().filter(|p| **p > 0).count();
        assert!(
            posting > 1,
            "more than one clock posted: {by_replica:?} (posts by replica)"
        );
        eprintln!("replicas: posts by replica {by_replica:?}");
        drop(replicas);
    });
}
