//! Several replicas over one PostgreSQL, as an operator runs them behind a load balancer: three
//! real `serve` processes (`--db postgres://...`, each on its own port, one fake Discord) share a
//! fresh database. Members' answers spread over them, and one member answering twice at once
//! through two replicas has one answer; a round another replica skipped or revealed while this
//! one had it cached takes no answer; three clocks post 300 guilds that fell due at once, each
//! exactly once, and share the work; a replica killed with SIGKILL under load loses no answer it
//! acknowledged, and the others go on.
//!
//! Every wait polls with a deadline: nothing here asserts how long something took.

mod clock;
mod kill;

use crate::fake_discord::FakeDiscord;
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::util::{bot, repo, runtime, APP_ID};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use interview_bot::discord::App;
use interview_bot::quiz::{ChannelId, GuildId, GuildSettings, ManualClock, NewRound, Round};
use interview_bot::store::Store;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const QUESTION: &str = "process-vs-thread";
const ANSWER: &str =
    "Each process has its own separate memory, while threads inside a process share that memory.";
/// How long any one wait may take before the test gives up (a debug build, two cores, three
/// replicas and a PostgreSQL server).
const DEADLINE: Duration = Duration::from_secs(120);
/// The replicas' clock poll where a test needs their clocks (the hidden `--clock-poll-ms`).
const FAST_POLL_MS: &str = "100";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[41u8; 32])
}

/// One `interview-bot serve` process: its base URL and its log (JSON lines).
struct Replica {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Replica {
    fn start(
        fake: &FakeDiscord,
        db: &str,
        dir: &Path,
        n: usize,
        poll_ms: Option<&str>,
        env: &[(&str, &str)],
    ) -> Replica {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = dir.join(format!("replica-{n}.log"));
        let mut cmd = bot();
        cmd.args(["--db", db, "--log-format", "json", "serve", "--listen"])
            .arg(format!("127.0.0.1:{port}"));
        if let Some(ms) = poll_ms {
            cmd.args(["--clock-poll-ms", ms]);
        }
        let child = cmd
            .env("DISCORD_TOKEN", "test-token")
            .env("DISCORD_APPLICATION_ID", APP_ID.to_string())
            .env(
                "DISCORD_PUBLIC_KEY",
                hex::encode(key().verifying_key().to_bytes()),
            )
            .env("DISCORD_PROXY", &fake.base)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the binary starts");
        Replica {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    fn url(&self) -> String {
        format!("{}/interactions", self.base)
    }

    /// The status of `/readyz`, or 0 when nothing answers.
    async fn readyz(&self) -> u16 {
        match reqwest::Client::new()
            .get(format!("{}/readyz", self.base))
            .timeout(Duration::from_secs(10))
            .send()
            .await
        {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        }
    }

    async fn wait_ready(&mut self) {
        let until = Instant::now() + DEADLINE;
        while Instant::now() < until {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "replica {} exited: {status}\n{}",
                    self.base,
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            if self.readyz().await == 200 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("replica {} never became ready", self.base);
    }

    /// The log's JSON lines so far.
    fn log_lines(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The rounds this replica's clock posted, by its "clock pass" log lines.
    fn posted(&self) -> u64 {
        self.log_lines()
            .iter()
            .filter(|l| l["message"] == "clock pass")
            .filter_map(|l| l["posted"].as_u64())
            .sum()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Three replicas on `db`, each ready.
async fn three(
    fake: &FakeDiscord,
    db: &str,
    dir: &Path,
    poll_ms: Option<&str>,
    env: &[(&str, &str)],
) -> Vec<Replica> {
    let mut replicas: Vec<Replica> = (0..3)
        .map(|n| Replica::start(fake, db, dir, n, poll_ms, env))
        .collect();
    for r in &mut replicas {
        r.wait_ready().await;
    }
    replicas
}

/// A fresh PostgreSQL database, migrated (so that three replicas starting at once find it
/// ready), and an App on it for setting things up: its URL and the App.
async fn fresh(fake: &FakeDiscord, hint: &str) -> (String, App) {
    let url = crate::pg::fresh_db(hint);
    let store = Store::connect(&url).await.expect("the test database");
    let (bank, grader) =
        interview_bot::grade::load(&interview_bot::bank::BankSource::Dir(repo("questions")))
            .unwrap();
    let http = interview_bot::discord::app::rest_client("test-token", APP_ID, Some(&fake.base));
    let app = App::new(
        bank,
        grader,
        store,
        Arc::new(ManualClock::new(Utc::now())),
        Arc::new(http),
    );
    (url, app)
}

/// A round of `QUESTION` in `GUILD` on `day`, opened an hour ago, closing at `closes_at`.
async fn open_round(
    app: &App,
    day: chrono::NaiveDate,
    closes_at: DateTime<Utc>,
    channel: Option<u64>,
) -> Round {
    let q = app.bank().get(QUESTION).unwrap();
    app.store()
        .create_round(NewRound {
            guild: GuildId(GUILD),
            day,
            question: QUESTION.into(),
            topic: q.topic.clone(),
            difficulty: q.difficulty,
            seed: 7,
            opens_at: Utc::now() - chrono::Duration::hours(1),
            closes_at,
            channel: channel.map(ChannelId),
        })
        .await
        .unwrap()
        .expect("a new round")
}

/// A signed POST of `body` to `url`, stamped now: the status and body, or the transport error.
async fn signed(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
) -> Result<(u16, String), reqwest::Error> {
    let body = serde_json::to_vec(body).unwrap();
    let ts = Utc::now().timestamp().to_string();
    let mut message = ts.as_bytes().to_vec();
    message.extend_from_slice(&body);
    let sig = hex::encode(key().sign(&message).to_bytes());
    let res = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-signature-ed25519", sig)
        .header("x-signature-timestamp", ts)
        .body(body)
        .timeout(Duration::from_secs(60))
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

/// What a member was shown for an answer.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    /// Their grade, with the daily points.
    Graded,
    Already,
    Closed,
    /// The request failed, or its deferred reply never came: the member saw nothing.
    Nothing(String),
    Other(String),
}

fn classify(text: &str) -> Shown {
    if text.contains("already answered") {
        Shown::Already
    } else if text.contains("round is closed") {
        Shown::Closed
    } else if text.contains("\"name\":\"Points\"") {
        Shown::Graded
    } else {
        Shown::Other(text.to_string())
    }
}

/// What the member was shown for `interaction`, sent to `url`: the response itself, or, when it
/// was deferred (type 5), the edit of the original response the bot then sent to Discord.
async fn answer(
    fake: &FakeDiscord,
    client: &reqwest::Client,
    url: &str,
    interaction: &Value,
    follow_deferred: bool,
) -> Shown {
    match signed(client, url, interaction).await {
        Err(e) => Shown::Nothing(e.to_string()),
        Ok((200, body)) if body.contains("\"type\":5") => {
            if !follow_deferred {
                return Shown::Nothing("deferred".into());
            }
            let token = interaction["token"].as_str().unwrap();
            let path = format!("/webhooks/{APP_ID}/{token}/messages/@original");
            let until = Instant::now() + DEADLINE;
            while Instant::now() < until {
                if let Some(edit) = fake.requests_to("PATCH", &path).pop() {
                    return classify(&edit.body.to_string());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Shown::Nothing("a deferred reply that never came".into())
        }
        Ok((200, body)) => classify(&body),
        Ok((status, body)) => Shown::Nothing(format!("{status} {body}")),
    }
}

/// The daily answer modal of `round` from `member`.
fn modal(round: &Round, member: u64) -> Value {
    ix::modal(&format!("1:f:{}", round.id.0), ANSWER, member)
}

/// The rows in `answers` for `round`, by member.
async fn answers_in_db(url: &str, round: &Round) -> BTreeMap<u64, i64> {
    let client = crate::pg::connect(url).await;
    client
        .query(
            "SELECT user_id, count(*) FROM answers WHERE round_id = $1 GROUP BY user_id",
            &[&round.id.0],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, i64>(1)))
        .collect()
}

#[test]
fn answers_over_three_replicas_are_recorded_once_and_the_boards_agree() {
    const SINGLES: u64 = 90;
    const DOUBLES: u64 = 30;
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (db, app) = fresh(&fake, "replicas answers").await;
        let closes = Utc::now() + chrono::Duration::hours(20);
        let round = open_round(&app, Utc::now().date_naive(), closes, Some(ix::CHANNEL)).await;
        let replicas = three(&fake, &db, dir.path(), None, &[]).await;
        let urls: Vec<String> = replicas.iter().map(Replica::url).collect();

        // Members 1..=90 round-robin; members 101..=130 each twice at once, through two
        // different replicas. At most 24 requests in flight.
        let client = reqwest::Client::new();
        let slots = Arc::new(tokio::sync::Semaphore::new(24));
        let fake = Arc::new(fake);
        let mut sends: Vec<(u64, String)> = (1..=SINGLES)
            .map(|m| (m, urls[m as usize % 3].clone()))
            .collect();
        for k in 0..DOUBLES {
            let member = 101 + k;
            sends.push((member, urls[k as usize % 3].clone()));
            sends.push((member, urls[(k as usize + 1) % 3].clone()));
        }
        // The two answers of a double go out together: interleave them into adjacent tasks.
        let mut tasks = Vec::new();
        for (member, url) in sends {
            let (client, slots, fake) = (client.clone(), slots.clone(), fake.clone());
            let interaction = modal(&round, member);
            tasks.push(tokio::spawn(async move {
                let _slot = slots.acquire_owned().await.unwrap();
                (
                    member,
                    answer(&fake, &client, &url, &interaction, true).await,
                )
            }));
        }
        let mut shown: HashMap<u64, Vec<Shown>> = HashMap::new();
        for t in tasks {
            let (member, s) = t.await.unwrap();
            shown.entry(member).or_default().push(s);
        }

        let recorded = answers_in_db(&db, &round).await;
        for (member, said) in &shown {
            let graded = said.iter().filter(|s| **s == Shown::Graded).count();
            assert!(graded >= 1, "member {member} saw no grade: {said:?}");
            for s in said {
                assert!(
                    matches!(s, Shown::Graded | Shown::Already),
                    "member {member}: {said:?}"
                );
            }
            assert_eq!(
                recorded.get(member),
                Some(&1),
                "member {member} was shown {said:?}: exactly one answer in the database"
            );
        }
        assert_eq!(
            recorded.len() as u64,
            SINGLES + DOUBLES,
            "nobody else answered"
        );
        let doubles_refused = (101..101 + DOUBLES)
            .filter(|m| shown[m].contains(&Shown::Already))
            .count();
        eprintln!(
            "replicas: {doubles_refused} of {DOUBLES} doubles were told \"already answered\", \
             the others shown the same grade twice"
        );

        // The leaderboard, asked of each replica, is the same board.
        let mut boards = Vec::new();
        for url in &urls {
            let board = ix::command("leaderboard", json!([]), 1, 0);
            let (status, body) = signed(&client, url, &board).await.unwrap();
            assert_eq!(status, 200, "{body}");
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["type"], 4, "{body}");
            boards.push(body);
        }
        crate::spec::validate("callback", &boards);
        let boards: Vec<Value> = boards.iter().map(|b| b["data"]["embeds"].clone()).collect();
        assert!(
            boards[0].to_string().contains("member1") || boards[0].to_string().contains("<@"),
            "the board lists members: {}",
            boards[0]
        );
        assert_eq!(boards[0], boards[1], "replicas 0 and 1 show one board");
        assert_eq!(boards[0], boards[2], "replicas 0 and 2 show one board");
        drop(replicas);
    });
}

#[test]
fn a_round_skipped_or_revealed_by_another_replica_takes_no_answer_from_one_that_cached_it() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (db, app) = fresh(&fake, "replicas cache").await;
        let today = Utc::now().date_naive();
        let skipped = open_round(
            &app,
            today,
            Utc::now() + chrono::Duration::hours(20),
            Some(ix::CHANNEL),
        )
        .await;
        // Yesterday's slot, so that both rounds are open at once; once every replica has it
        // cached, it is closed (below) and a clock reveals it. (Not a close time a few seconds
        // ahead: three replicas starting on a busy machine can take longer than that.)
        let revealed = open_round(
            &app,
            today.pred_opt().unwrap(),
            Utc::now() + chrono::Duration::hours(1),
            Some(ix::CHANNEL),
        )
        .await;
        // A claim on a round goes stale after 3 s instead of 2 minutes (the operator's knob), so
        // that a clock's claim from its first pass does not hold the reveal back for minutes.
        let stale = [("INTERVIEW_BOT_CLAIM_TIMEOUT", "3")];
        let replicas = three(&fake, &db, dir.path(), Some(FAST_POLL_MS), &stale).await;
        let client = reqwest::Client::new();

        // Each replica reads (and caches) both rounds as a member answers them.
        for (n, r) in replicas.iter().enumerate() {
            for (round, member) in [(&skipped, 201 + n as u64), (&revealed, 211 + n as u64)] {
                let said = answer(&fake, &client, &r.url(), &modal(round, member), true).await;
                assert_eq!(said, Shown::Graded, "member {member} through replica {n}");
            }
        }

        let pg = crate::pg::connect(&db).await;
        let state_of = |id: i64| {
            let pg = &pg;
            async move {
                let row = pg
                    .query_one(
                        "SELECT state, revealed_at FROM rounds WHERE round_id = $1",
                        &[&id],
                    )
                    .await
                    .unwrap();
                (row.get::<_, String>(0), row.get::<_, Option<i64>>(1))
            }
        };
        pg.execute(
            "UPDATE rounds SET closes_at = $1 WHERE round_id = $2",
            &[&Utc::now().timestamp_millis(), &revealed.id.0],
        )
        .await
        .unwrap();
        let until = Instant::now() + DEADLINE;
        // The round's time is up; one of the three clocks reveals it (first: `/round skip`
        // skips the guild's open round, and only one is open after this).
        while state_of(revealed.id.0).await.1.is_none() {
            assert!(Instant::now() < until, "the round was never revealed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(state_of(revealed.id.0).await.0, "closed");
        for (n, r) in replicas.iter().enumerate() {
            let member = 214 + n as u64;
            let said = answer(&fake, &client, &r.url(), &modal(&revealed, member), true).await;
            assert_eq!(said, Shown::Closed, "member {member} through replica {n}");
        }

        // An admin skips the other round through replica 0.
        let skip = ix::command(
            "round",
            json!([{"name": "skip", "type": 1, "options": []}]),
            299,
            MANAGE_GUILD,
        );
        let (status, body) = signed(&client, &replicas[0].url(), &skip).await.unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(
            body.contains("\"type\":5") || body.contains("Skipped the open round"),
            "{body}"
        );
        while state_of(skipped.id.0).await.0 != "skipped" {
            assert!(
                Instant::now() < until,
                "the round was never skipped: {body}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Replicas 1 and 2 still hold it as open in memory: their store refuses the answer.
        for (n, member) in [(1usize, 204u64), (2, 205)] {
            let said = answer(
                &fake,
                &client,
                &replicas[n].url(),
                &modal(&skipped, member),
                true,
            )
            .await;
            assert_eq!(said, Shown::Closed, "member {member} through replica {n}");
        }

        let skipped_rows = answers_in_db(&db, &skipped).await;
        assert_eq!(
            skipped_rows.keys().copied().collect::<Vec<_>>(),
            vec![201, 202, 203],
            "nothing recorded after the skip"
        );
        let revealed_rows = answers_in_db(&db, &revealed).await;
        assert_eq!(
            revealed_rows.keys().copied().collect::<Vec<_>>(),
            vec![211, 212, 213],
            "nothing recorded after the reveal"
        );
        drop(replicas);
    });
}
