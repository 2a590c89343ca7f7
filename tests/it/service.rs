//! The bot as an operator runs it, under the faults of a real machine: standard error on a full
//! disk or closed, a clock pass that panics, idle connections piling up, and a kill -9 in the
//! middle of a daily post. The real binary (or the real clock and listener) against the fake
//! Discord on 127.0.0.1.

use crate::fake_discord::{FakeDiscord, WAIT};
use crate::interactions as ix;
use crate::util::{bot, runtime, test_app, APP_ID};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use interview_bot::discord::listener::{self, Limits};
use interview_bot::discord::{scheduler, App};
use interview_bot::quiz::{ChannelId, Clock, GuildId, GuildSettings};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[11u8; 32])
}

/// A signed PING to `url`, stamped now; the status and body.
async fn ping(url: &str) -> (u16, String) {
    let body = serde_json::to_vec(&ix::ping()).unwrap();
    let ts = Utc::now().timestamp().to_string();
    let mut message = ts.as_bytes().to_vec();
    message.extend_from_slice(&body);
    let sig = hex::encode(key().sign(&message).to_bytes());
    let res = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("x-signature-ed25519", sig)
        .header("x-signature-timestamp", ts)
        .body(body)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the endpoint answers");
    (res.status().as_u16(), res.text().await.unwrap())
}

/// A guild in `db` whose daily post fell due a moment ago, in `channel`.
async fn due_guild(app: &App, guild: u64, channel: u64) {
    let mut s = GuildSettings::new(GuildId(guild));
    s.channel = Some(ChannelId(channel));
    let due = app.now() - chrono::Duration::seconds(5);
    app.store().save_settings(s, Some(due)).await.unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `interview-bot serve` on `db` against the fake, with standard error as given.
fn serve(fake: &FakeDiscord, db: &std::path::Path, port: u16, stderr: Stdio) -> Child {
    serve_with(fake, db, port, stderr, &[])
}

/// [`serve`] with more `serve` options (`--clock-poll-ms`).
fn serve_with(
    fake: &FakeDiscord,
    db: &std::path::Path,
    port: u16,
    stderr: Stdio,
    more: &[&str],
) -> Child {
    bot()
        .args(["--db", db.to_str().unwrap(), "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_APPLICATION_ID", APP_ID.to_string())
        .env(
            "DISCORD_PUBLIC_KEY",
            hex::encode(key().verifying_key().to_bytes()),
        )
        .env("DISCORD_PROXY", &fake.base)
        .env("INTERVIEW_BOT_CLAIM_TIMEOUT", "1")
        .env("RUST_LOG", "debug")
        .args(more)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the binary starts")
}

/// Waits until the endpoint answers a PING, or panics with what the child did.
async fn wait_serving(child: &mut Child, url: &str) {
    for _ in 0..200 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the bot exited: {status}");
        }
        let body = serde_json::to_vec(&ix::ping()).unwrap();
        if reqwest::Client::new()
            .post(url)
            .body(body)
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the endpoint never came up");
}

#[test]
fn a_broken_standard_error_stops_neither_the_endpoint_nor_the_clock() {
    // `/dev/full` fails every write (a full disk); a pipe whose reader is gone fails with EPIPE.
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
            {
                let (app, _) = test_app(dir.path(), &fake.base, Utc::now());
                due_guild(&app, 1, 401).await; // refused: a warning is logged
                due_guild(&app, 2, 402).await;
                app.store().close();
            }
            fake.fail_channel(401, 403);
            let port = free_port();
            let mut child = serve(&fake, &db, port, stderr);
            let url = format!("http://127.0.0.1:{port}/interactions");
            wait_serving(&mut child, &url).await;
            assert_eq!(ping(&url).await, (200, r#"{"type":1}"#.into()), "{what}");
            fake.wait_for("POST", "/channels/402/messages", WAIT).await;
            // Many more log lines, each failing to be written.
            for _ in 0..20 {
                assert_eq!(ping(&url).await.0, 200, "{what}");
            }
            assert!(child.try_wait().unwrap().is_none(), "still running: {what}");
            child.kill().unwrap();
            child.wait().unwrap();
        }
    });
}

/// A clock whose first reading panics (a bug in one pass), then tells the time.
struct FlakyClock {
    panicked: AtomicBool,
}

impl Clock for FlakyClock {
    fn now(&self) -> DateTime<Utc> {
        if !self.panicked.swap(true, Ordering::SeqCst) {
            panic!("a bug in one clock pass");
        }
        Utc::now()
    }
}

#[test]
fn the_clock_goes_on_after_a_pass_panics() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, _) = test_app(dir.path(), &fake.base, Utc::now());
        due_guild(&app, 2, 402).await;
        let (bank, grader) = interview_bot::grade::load(&interview_bot::bank::BankSource::Dir(
            crate::util::repo("questions"),
        ))
        .unwrap();
        let flaky = App::new(
            bank,
            grader,
            app.store().clone(),
            Arc::new(FlakyClock {
                panicked: AtomicBool::new(false),
            }),
            app.http().clone(),
        );
        let clock = tokio::spawn(scheduler::run(flaky, Duration::from_millis(50)));
        fake.wait_for("POST", "/channels/402/messages", WAIT).await;
        assert!(!clock.is_finished(), "the clock still runs");
        clock.abort();
    });
}

/// An endpoint on the real router and listener, within `limits`; its URL.
async fn endpoint(dir: &std::path::Path, fake: &FakeDiscord, limits: Limits) -> String {
    let (app, _) = test_app(dir, &fake.base, Utc::now());
    let router =
        interview_bot::discord::endpoint::router(app, key().verifying_key().to_bytes()).unwrap();
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    tokio::spawn(listener::serve(tcp, router, limits));
    format!("http://{addr}/interactions")
}

/// Whether the server closed this connection within `wait` (a read returns end of file).
async fn closed_within(conn: &mut tokio::net::TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 64];
    matches!(
        tokio::time::timeout(wait, conn.read(&mut buf)).await,
        Ok(Ok(0)) | Ok(Err(_))
    )
}

#[test]
fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_connections: 64,
            header_timeout: Duration::from_millis(300),
        };
        let url = endpoint(dir.path(), &fake, limits).await;
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches("/interactions");
        let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
        assert!(
            closed_within(&mut idle, Duration::from_secs(10)).await,
            "a half-open connection is let go"
        );
        assert_eq!(ping(&url).await.0, 200);
    });
}

#[test]
fn at_the_connection_cap_an_idle_connection_makes_room_for_discord() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_connections: 8,
            header_timeout: Duration::from_secs(60),
        };
        let url = endpoint(dir.path(), &fake, limits).await;
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches("/interactions");
        let mut idle = Vec::new();
        for _ in 0..8 {
            idle.push(tokio::net::TcpStream::connect(addr).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(ping(&url).await, (200, r#"{"type":1}"#.into()));
        assert!(
            closed_within(&mut idle[0], Duration::from_secs(5)).await,
            "the oldest idle connection was closed to make room"
        );
    });
}

#[test]
fn a_bot_killed_during_a_daily_post_neither_loses_nor_doubles_it() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bot.db");
        {
            let (app, _) = test_app(dir.path(), &fake.base, Utc::now());
            due_guild(&app, 2, 402).await;
            app.store().close();
        }
        // Discord makes the message, and the bot never hears back before it dies.
        fake.hang(1);
        let port = free_port();
        let mut first = serve(&fake, &db, port, Stdio::null());
        let made = fake.wait_for("POST", "/channels/402/messages", WAIT).await;
        first.kill().unwrap(); // SIGKILL, mid-post
        first.wait().unwrap();

        // Its clock looks every 200 ms, not every 15 s: the first claim goes stale after 1 s,
        // and the wait below must not hang on the default poll on a busy machine.
        let mut second = serve_with(&fake, &db, port, Stdio::null(), &["--clock-poll-ms", "200"]);
        let url = format!("http://127.0.0.1:{port}/interactions");
        wait_serving(&mut second, &url).await;
        // The restarted clock looks for the post and adopts it.
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut message: Option<i64> = None;
        for _ in 0..200 {
            message = conn
                .query_row("SELECT message_id FROM rounds", [], |r| r.get(0))
                .unwrap();
            if message.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let shown = fake.messages_in(402);
        assert_eq!(shown.len(), 1, "posted once: {}", fake.describe());
        assert_eq!(
            message.map(|m| m.to_string()).as_deref(),
            shown[0]["id"].as_str(),
            "the round knows its message"
        );
        assert_eq!(
            fake.requests_to("POST", "/channels/402/messages").len(),
            1,
            "found, not posted again"
        );
        assert!(made.body["nonce"].is_string());
        second.kill().unwrap();
        second.wait().unwrap();
    });
}
