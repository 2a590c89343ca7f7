//! The bot as an operator watches and stops it: `/metrics` after a real flow (signed answers to
//! the real endpoint, a daily post by the clock against the fake Discord), a SIGTERM in the
//! middle of a load of answers to the real `serve` binary, and logs as JSON lines.
//!
//! The metrics recorder is global to this test process, and other tests record into it at the
//! same time: these tests compare a scrape before with one after, and assert increases.

use crate::fake_discord::{FakeDiscord, WAIT};
use crate::interactions::{self as ix, GUILD};
use crate::util::{bot, runtime, test_app, APP_ID};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use interview_bot::discord::listener::{self, Limits};
use interview_bot::discord::{scheduler, App};
use interview_bot::quiz::{ChannelId, GuildId, GuildSettings, NewRound, Round, UserId};
use serde_json::Value;
use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::time::Duration;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[23u8; 32])
}

const QUESTION: &str = "process-vs-thread";
const ANSWER: &str =
    "Each process has its own separate memory, while threads inside a process share that memory.";

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
        .timeout(Duration::from_secs(30))
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

/// A round of `QUESTION` open now in `GUILD`.
async fn open_round(app: &App) -> Round {
    let q = app.bank().get(QUESTION).unwrap();
    let now = app.now();
    app.store()
        .create_round(NewRound {
            guild: GuildId(GUILD),
            day: now.date_naive(),
            question: QUESTION.into(),
            topic: q.topic.clone(),
            difficulty: q.difficulty,
            seed: 11,
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::hours(20),
            channel: Some(ChannelId(ix::CHANNEL)),
        })
        .await
        .unwrap()
        .unwrap()
}

/// A guild whose daily post fell due `late` ago, in `channel`.
async fn due_guild(app: &App, guild: u64, channel: u64, late: chrono::Duration) {
    let mut s = GuildSettings::new(GuildId(guild));
    s.channel = Some(ChannelId(channel));
    app.store()
        .save_settings(s, Some(app.now() - late))
        .await
        .unwrap();
}

/// Prometheus text as a map from `name{labels}` (as printed) to value; comments skipped.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (name, value) = l.rsplit_once(' ')?;
            Some((name.to_string(), value.parse().ok()?))
        })
        .collect()
}

/// The sum of every sample of `name` whose labels contain each of `labels` (`k="v"`).
fn total(s: &HashMap<String, f64>, name: &str, labels: &[&str]) -> f64 {
    s.iter()
        .filter(|(k, _)| {
            let (n, l) = k.split_once('{').unwrap_or((k, ""));
            n == name && labels.iter().all(|want| l.contains(want))
        })
        .map(|(_, v)| v)
        .sum()
}

async fn scrape(base: &str) -> (String, HashMap<String, f64>) {
    let res = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let kind = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("text/plain"), "{kind}");
    let text = res.text().await.unwrap();
    let s = samples(&text);
    (text, s)
}

#[test]
fn metrics_move_after_answers_and_a_daily_post() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        // Noon today: a post due 90 seconds ago is today's (the clock is set, so the signed
        // timestamps, stamped now, are not checked against it).
        let noon: DateTime<Utc> = format!("{}T12:00:00Z", Utc::now().date_naive())
            .parse()
            .unwrap();
        let (app, _) = test_app(dir.path(), &fake.base, noon);
        let verification = interview_bot::discord::endpoint::Verification {
            public_key: key().verifying_key().to_bytes(),
            check_timestamp: false,
        };
        let router = interview_bot::discord::endpoint::router(app.clone(), verification).unwrap();
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", tcp.local_addr().unwrap());
        tokio::spawn(listener::serve(tcp, router, Limits::default()));
        let url = format!("{base}/interactions");
        let round = open_round(&app).await;
        let (_, before) = scrape(&base).await;

        // Two members answer, one twice (refused), and one asks for help.
        let client = reqwest::Client::new();
        let submit = format!("1:f:{}", round.id.0);
        for (member, text) in [(801, ANSWER), (802, "no idea"), (801, ANSWER)] {
            let (status, _) = signed(&client, &url, &ix::modal(&submit, text, member))
                .await
                .unwrap();
            assert_eq!(status, 200);
        }
        let help = ix::command("help", serde_json::json!([]), 803, 0);
        assert_eq!(signed(&client, &url, &help).await.unwrap().0, 200);
        // The clock posts a guild's question, 90 seconds after it fell due.
        due_guild(&app, 2, 4402, chrono::Duration::seconds(90)).await;
        let report = scheduler::pass(&app).await.unwrap();
        // The open round, never posted, goes out too.
        assert_eq!(report.posted, 2, "{}", fake.describe());
        fake.wait_for("POST", "/channels/4402/messages", WAIT).await;

        let (text, after) = scrape(&base).await;
        let grew = |name: &str, labels: &[&str]| {
            total(&after, name, labels) - total(&before, name, labels)
        };
        let modal = ["kind=\"modal\""];
        assert!(
            grew(
                "interview_bot_interactions_total",
                &["kind=\"modal\"", "outcome=\"ok\""]
            ) >= 2.0,
            "{text}"
        );
        assert!(
            grew(
                "interview_bot_interactions_total",
                &["kind=\"modal\"", "outcome=\"refused\""]
            ) >= 1.0,
            "{text}"
        );
        assert!(
            grew(
                "interview_bot_interactions_total",
                &["kind=\"command\"", "outcome=\"ok\""]
            ) >= 1.0,
            "{text}"
        );
        assert!(
            grew("interview_bot_interaction_seconds_count", &modal) >= 3.0,
            "{text}"
        );
        assert!(
            grew(
                "interview_bot_interaction_seconds_bucket",
                &["le=\"+Inf\"", "kind=\"modal\""]
            ) >= 3.0,
            "{text}"
        );
        assert!(grew("interview_bot_answers_total", &[]) >= 3.0, "{text}");
        assert!(
            grew("interview_bot_grading_seconds_count", &[]) >= 3.0,
            "{text}"
        );
        assert!(
            grew("interview_bot_db_commit_seconds_count", &[]) >= 2.0,
            "{text}"
        );
        assert!(
            grew("interview_bot_db_commits_total", &["outcome=\"committed\""]) >= 2.0,
            "{text}"
        );
        let posted = [
            "method=\"POST\"",
            "route=\"channels/{id}/messages\"",
            "status=\"200\"",
        ];
        assert!(
            grew("interview_bot_rest_calls_total", &posted) >= 1.0,
            "{text}"
        );
        assert!(
            grew("interview_bot_posts_total", &["outcome=\"made\""]) >= 2.0,
            "{text}"
        );
        // Gauges: set by this test's pass, or by another test's since; present either way.
        let lag = after["interview_bot_clock_lag_seconds"];
        assert!(lag >= 0.0, "{lag}");
        for gauge in [
            "interview_bot_clock_lag_seconds",
            "interview_bot_guilds_enabled",
            "interview_bot_open_rounds",
        ] {
            assert!(after.contains_key(gauge), "{gauge} in\n{text}");
        }
        // No id of a guild, channel or member, and no interaction token, is a label.
        // (Labels only: a sample's value, such as a histogram's sum 0.78451380..., may hold any
        // digits.)
        let labels: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| Some(&l[l.find('{')?..=l.rfind('}')?]))
            .collect();
        assert!(!labels.is_empty(), "labelled samples in\n{text}");
        let ids = [GUILD.to_string(), ix::CHANNEL.to_string()];
        for secret in ["4402", "801", "token-", &ids[0], &ids[1]] {
            for l in &labels {
                assert!(
                    !l.contains(secret),
                    "{secret} leaked into the labels {l}\n{text}"
                );
            }
        }
    });
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `interview-bot serve` on `db` against the fake, with `args` after `serve` and `env` set.
fn serve(
    fake: &FakeDiscord,
    db: &std::path::Path,
    port: u16,
    args: &[&str],
    env: &[(&str, &str)],
    stderr: Stdio,
) -> Child {
    bot()
        .args(["--db", db.to_str().unwrap(), "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .args(args)
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_APPLICATION_ID", APP_ID.to_string())
        .env(
            "DISCORD_PUBLIC_KEY",
            hex::encode(key().verifying_key().to_bytes()),
        )
        .env("DISCORD_PROXY", &fake.base)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the binary starts")
}

/// Waits until the bot answers `/metrics`, or panics with how it exited.
async fn wait_serving(child: &mut Child, base: &str) {
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the bot exited: {status}");
        }
        if reqwest::get(format!("{base}/metrics")).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the endpoint never came up");
}

/// What `kill -TERM` does (what systemd and Docker send to stop a service).
fn sigterm(child: &Child) {
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// The child's exit status, waiting at most `bound`; panics (after killing it) past that.
async fn exit_within(child: &mut Child, bound: Duration) -> std::process::ExitStatus {
    let until = std::time::Instant::now() + bound;
    while std::time::Instant::now() < until {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    panic!("the bot did not exit within {bound:?} of SIGTERM");
}

/// A database in `dir` with a round open now; the round.
async fn db_with_round(dir: &std::path::Path, fake: &FakeDiscord) -> Round {
    let (app, _) = test_app(dir, &fake.base, Utc::now());
    let round = open_round(&app).await;
    app.store().close();
    round
}

#[test]
fn sigterm_under_load_keeps_every_acknowledged_answer_and_exits_0_in_time() {
    const MEMBERS: u64 = 240;
    const IN_FLIGHT: usize = 16;
    const SIGNAL_AFTER: usize = 40;
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bot.db");
        let round = db_with_round(dir.path(), &fake).await;
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = serve(
            &fake,
            &db,
            port,
            &["--shutdown-timeout", "10"],
            &[],
            Stdio::null(),
        );
        wait_serving(&mut child, &base).await;

        // Answers from MEMBERS members, IN_FLIGHT at a time; SIGTERM once SIGNAL_AFTER are in.
        let client = reqwest::Client::new();
        let url = format!("{base}/interactions");
        let submit = format!("1:f:{}", round.id.0);
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (signal_tx, signal_rx) = tokio::sync::oneshot::channel::<()>();
        let signal_tx = std::sync::Arc::new(std::sync::Mutex::new(Some(signal_tx)));
        let mut tasks = Vec::new();
        for member in 1..=MEMBERS {
            let (client, url, submit) = (client.clone(), url.clone(), submit.clone());
            let (slots, done, signal_tx) = (slots.clone(), done.clone(), signal_tx.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = slots.acquire_owned().await.unwrap();
                let body = ix::modal(&submit, ANSWER, 10_000 + member);
                let result = signed(&client, &url, &body).await;
                if done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == SIGNAL_AFTER {
                    if let Some(tx) = signal_tx.lock().unwrap().take() {
                        let _ = tx.send(());
                    }
                }
                (member, result)
            }));
        }
        signal_rx.await.unwrap();
        sigterm(&child);
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap());
        }
        // Bounded by --shutdown-timeout (10 s), plus the start of a debug build's exit.
        let status = exit_within(&mut child, Duration::from_secs(15)).await;
        assert!(status.success(), "exit status after SIGTERM: {status}");

        let (app, _) = test_app(dir.path(), &fake.base, Utc::now());
        let (mut acknowledged, mut failed) = (0, 0);
        for (member, result) in &results {
            let recorded = app
                .store()
                .member_answer(round.id, UserId(10_000 + member))
                .await
                .unwrap()
                .is_some();
            match result {
                // The grade itself (type 4), not a deferral: the answer was committed first.
                Ok((200, body)) if body.contains("\"type\":4") => {
                    // A stop closes nothing under a request in flight (the database included).
                    assert!(
                        !body.contains("Something went wrong"),
                        "member {member} got an error during the stop: {body}"
                    );
                    acknowledged += 1;
                    assert!(recorded, "member {member} was told their grade: {body}");
                }
                Ok((status, body)) => {
                    assert!(
                        body.contains("\"type\":5"),
                        "member {member}: {status} {body}"
                    )
                }
                Err(e) => {
                    failed += 1;
                    assert!(
                        !recorded,
                        "member {member}'s answer was recorded, but the request failed: {e}"
                    );
                }
            }
        }
        assert!(acknowledged >= SIGNAL_AFTER - IN_FLIGHT, "{acknowledged}");
        assert!(
            failed > 0,
            "the signal came mid-load: some answers came after it"
        );
        // The WAL was folded into the database file and emptied.
        let wal = interview_bot::store::wal_path(&db);
        let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert_eq!(wal_len, 0, "the WAL is empty after a clean stop");
        app.store().close();
    });
}

#[test]
fn json_logs_are_one_object_a_line_with_the_interaction_guild_round_and_member() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bot.db");
        let round = db_with_round(dir.path(), &fake).await;
        let log = dir.path().join("bot.log");
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = serve(
            &fake,
            &db,
            port,
            &[],
            &[("INTERVIEW_BOT_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
            std::fs::File::create(&log).unwrap().into(),
        );
        wait_serving(&mut child, &base).await;
        let answer = ix::modal(&format!("1:f:{}", round.id.0), ANSWER, 901);
        let url = format!("{base}/interactions");
        let (status, body) = signed(&reqwest::Client::new(), &url, &answer)
            .await
            .unwrap();
        assert_eq!(status, 200, "{body}");
        sigterm(&child);
        assert!(exit_within(&mut child, Duration::from_secs(15))
            .await
            .success());

        let text = std::fs::read_to_string(&log).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert!(lines.len() > 3, "{text}");
        for l in &lines {
            assert!(
                l["timestamp"].is_string() && l["level"].is_string() && l["message"].is_string(),
                "{l}"
            );
        }
        let recorded = lines
            .iter()
            .find(|l| l["message"] == "daily answer recorded")
            .unwrap_or_else(|| panic!("no answer logged in\n{text}"));
        let span = &recorded["span"];
        assert_eq!(
            span["interaction"].as_u64().map(|i| i.to_string()),
            answer["id"].as_str().map(String::from),
            "{recorded}"
        );
        assert_eq!(span["guild"].as_u64(), Some(GUILD), "{recorded}");
        assert_eq!(span["member"].as_u64(), Some(901), "{recorded}");
        assert_eq!(span["round"], round.id.0.to_string(), "{recorded}");
        assert!(lines.iter().any(|l| l["message"] == "stopped"), "{text}");
    });
}

#[test]
fn json_logs_to_a_broken_standard_error_stop_nothing() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let stderrs: Vec<(&str, Stdio)> = vec![
        (
            "/dev/full",
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap()
                .into(),
        ),
        ("a closed pipe", writer.into()),
    ];
    runtime().block_on(async move {
        for (what, stderr) in stderrs {
            let fake = FakeDiscord::start().await;
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("bot.db");
            let round = db_with_round(dir.path(), &fake).await;
            let port = free_port();
            let base = format!("http://127.0.0.1:{port}");
            let mut child = serve(
                &fake,
                &db,
                port,
                &["--log-format", "json"],
                &[("RUST_LOG", "debug")],
                stderr,
            );
            wait_serving(&mut child, &base).await;
            let url = format!("{base}/interactions");
            let client = reqwest::Client::new();
            for member in 0..20 {
                let answer = ix::modal(&format!("1:f:{}", round.id.0), ANSWER, 950 + member);
                let (status, body) = signed(&client, &url, &answer).await.unwrap();
                assert_eq!(status, 200, "{what}: {body}");
            }
            assert!(child.try_wait().unwrap().is_none(), "still running: {what}");
            sigterm(&child);
            let status = exit_within(&mut child, Duration::from_secs(15)).await;
            assert!(status.success(), "{what}: {status}");
        }
    });
}

#[test]
fn run_serves_metrics_and_closes_its_shard_cleanly_on_sigterm() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bot.db");
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = bot()
            .args(["--db", db.to_str().unwrap(), "run", "--no-register"])
            .args(["--metrics", &format!("127.0.0.1:{port}")])
            .env("DISCORD_TOKEN", "test-token")
            .env("DISCORD_APPLICATION_ID", APP_ID.to_string())
            .env("DISCORD_PROXY", &fake.base)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        fake.wait_ready().await;
        wait_serving(&mut child, &base).await;
        // The gauges are set by the clock's first pass, which runs beside the listener.
        let mut text = String::new();
        for _ in 0..200 {
            text = scrape(&base).await.0;
            if text.contains("interview_bot_guilds_enabled") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(text.contains("interview_bot_guilds_enabled"), "{text}");

        sigterm(&child);
        let status = exit_within(&mut child, Duration::from_secs(15)).await;
        assert!(status.success(), "exit status after SIGTERM: {status}");
        // serenity's shard manager said goodbye with a normal close (1000), and did not
        // reconnect.
        assert_eq!(fake.client_closes(), vec![1000], "{}", fake.describe());
        assert_eq!(fake.connections(), 1);
    });
}
