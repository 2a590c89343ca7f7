//! A sharded bot as an operator runs it: `interview-bot run --shards N --shard-range A..B` in
//! several processes against the fake Discord. Each process identifies with its own shards, each
//! shard answers the interactions Discord sends it, the commands are installed once, and a range
//! that does not fit the total is refused before anything connects.

use crate::fake_discord::{FakeDiscord, WAIT};
use crate::gateway::{callback_path, slash};
use crate::spec;
use crate::util::{bot, run, runtime, APP_ID};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

/// A `run` process, killed when dropped; its standard error goes to `log`.
struct Process {
    child: Child,
    log: PathBuf,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The `[shard, shards]` of each "connected to the gateway" line in the (JSON) log, once
    /// there is one (the READY handler writes it; waits at most `WAIT`).
    async fn connected(&self) -> Vec<Value> {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let lines: Vec<Value> = self
                .log()
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .filter(|l| l["message"] == "connected to the gateway")
                .map(|l| json!([l["shard"], l["shards"]]))
                .collect();
            if !lines.is_empty() || std::time::Instant::now() > deadline {
                return lines;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// `interview-bot run` with `shard_args`, on `db`, against the fake.
fn start(fake: &FakeDiscord, db: &Path, name: &str, shard_args: &[&str]) -> Process {
    let log = db.with_file_name(format!("{name}.log"));
    let child = bot()
        .args(["--db", db.to_str().unwrap(), "--log-format", "json", "run"])
        .args(shard_args)
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_APPLICATION_ID", APP_ID.to_string())
        .env("DISCORD_PROXY", &fake.base)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("the binary starts");
    Process { child, log }
}

/// `[id, total]` pairs, sorted: the shards the processes identified as.
fn shards(fake: &FakeDiscord) -> Vec<Value> {
    let mut all = fake.identified_shards();
    all.sort_by_key(|s| s[0].as_u64());
    all
}

/// Sends `/help` to shard `shard` and returns the answer Discord got, spec-checked.
async fn help_on(fake: &FakeDiscord, shard: u64, id: u64, token: &str) -> Value {
    fake.send_interaction_to_shard(shard, slash(id, token, "help"))
        .await;
    let callback = fake.wait_for("POST", &callback_path(id, token), WAIT).await;
    let body = callback.body;
    assert_eq!(body["type"], json!(4), "a message response: {body}");
    spec::validate("callback", std::slice::from_ref(&body));
    body
}

#[test]
fn two_processes_each_identify_as_their_shard_and_answer_its_interactions() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bot.db");
        let first = start(
            &fake,
            &db,
            "first",
            &["--shards", "2", "--shard-range", "0..0"],
        );
        // The second starts once the first has migrated the new database and connected: two
        // processes migrating one new SQLite file at the same moment can collide (the second
        // re-runs 0001 and exits), which is the store's matter, not sharding's.
        fake.wait_shard_ready(0).await;
        let second = start(
            &fake,
            &db,
            "second",
            &["--shards", "2", "--shard-range", "1..1"],
        );
        fake.wait_shard_ready(1).await;
        assert_eq!(
            shards(&fake),
            vec![json!([0, 2]), json!([1, 2])],
            "one IDENTIFY per process, each with its own shard:\n{}",
            fake.describe()
        );

        let zero = help_on(&fake, 0, 1_300_000_000_000_003_001, "c2hhcmQ6emVybw").await;
        let one = help_on(&fake, 1, 1_300_000_000_000_003_002, "c2hhcmQ6b25l").await;
        assert_eq!(zero["data"]["embeds"][0]["title"], json!("interview-bot"));
        assert_eq!(one["data"], zero["data"], "both shards answer alike");
        assert_eq!(fake.requests_to("POST", "/interactions/").len(), 2);

        // The commands are installed once, by the process that runs shard 0.
        let path = format!("/applications/{APP_ID}/commands");
        fake.wait_for("PUT", &path, WAIT).await;
        assert_eq!(
            fake.requests_to("PUT", &path).len(),
            1,
            "{}",
            fake.describe()
        );
        // Each process logs the shard it connected.
        assert_eq!(
            first.connected().await,
            vec![json!([0, 2])],
            "{}",
            first.log()
        );
        assert_eq!(
            second.connected().await,
            vec![json!([1, 2])],
            "{}",
            second.log()
        );
    });
}

#[test]
fn shards_alone_runs_every_shard_in_this_process() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bot.db");
        let _bot = start(&fake, &db, "all", &["--shards", "2", "--no-register"]);
        fake.wait_shard_ready(0).await;
        fake.wait_shard_ready(1).await;
        assert_eq!(shards(&fake), vec![json!([0, 2]), json!([1, 2])]);
        help_on(&fake, 1, 1_300_000_000_000_003_003, "c2hhcmQ6YWxs").await;
    });
}

#[test]
fn a_range_that_does_not_fit_the_total_is_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.db");
    let refused = |args: &[&str]| {
        let (ok, _, stderr) = run(bot()
            .args(["--db", db.to_str().unwrap(), "run"])
            .args(args)
            .env_remove("DISCORD_TOKEN"));
        assert!(!ok, "{args:?} was accepted");
        stderr
    };
    let err = refused(&["--shards", "4", "--shard-range", "3..5"]);
    assert!(
        err.contains("--shard-range 3..5 with --shards 4: the last shard is 3"),
        "{err}"
    );
    let err = refused(&["--shard-range", "0..0"]);
    assert!(err.contains("--shards <N>"), "{err}");
    let err = refused(&["--shards", "4", "--shard-range", "2..1"]);
    assert!(err.contains("the first shard is after the last"), "{err}");
    let err = refused(&["--shards", "0"]);
    assert!(err.contains("--shards"), "{err}");
    let err = refused(&["--shards", "2", "--shard-range", "zero..one"]);
    assert!(err.contains("FIRST..LAST"), "{err}");
    assert!(!db.exists(), "nothing was opened");
}
