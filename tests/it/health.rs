//! What a load balancer sees: `GET /healthz` (the process is up) and `GET /readyz` (the
//! database answers, with this build's schema) on the endpoint's listener, as `serve` runs it,
//! and on `run --metrics ADDR`'s listener, through the real binary. Neither asks for a
//! signature; a database deleted, replaced or of another schema makes `/readyz` say 503.

use crate::fake_discord::FakeDiscord;
use crate::util::{bot, runtime, test_app, APP_ID};
use interview_bot::discord::listener::{self, Limits};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

/// The status and body of `method` on `url`, sent without any signature header.
async fn call(method: reqwest::Method, url: &str) -> (u16, String) {
    let res = reqwest::Client::new()
        .request(method, url)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the listener answers");
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn get(url: &str) -> (u16, String) {
    call(reqwest::Method::GET, url).await
}

/// The endpoint's router (what `serve` serves) on a fresh database in `dir`: its base URL and
/// the database file.
async fn endpoint(dir: &Path, fake: &FakeDiscord) -> (String, PathBuf) {
    let now = "2024-05-06T10:00:00Z".parse().unwrap();
    let (app, _clock) = test_app(dir, &fake.base, now);
    let db = app.store().path().expect("a SQLite store").to_path_buf();
    let key = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
    let router =
        interview_bot::discord::endpoint::router(app, key.verifying_key().to_bytes()).unwrap();
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", tcp.local_addr().unwrap());
    tokio::spawn(listener::serve(tcp, router, Limits::default()));
    (base, db)
}

#[test]
fn both_paths_answer_200_without_a_signature_and_refuse_other_methods() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (base, _db) = endpoint(dir.path(), &fake).await;

        assert_eq!(
            get(&format!("{base}/healthz")).await,
            (200, "ok".to_string())
        );
        assert_eq!(
            get(&format!("{base}/readyz")).await,
            (200, "ready".to_string())
        );
        // HEAD is GET without the body (what some load balancers send).
        for path in ["/healthz", "/readyz"] {
            let url = format!("{base}{path}");
            assert_eq!(
                call(reqwest::Method::HEAD, &url).await,
                (200, String::new()),
                "HEAD {path}"
            );
            for method in [reqwest::Method::POST, reqwest::Method::PUT] {
                let (status, _) = call(method.clone(), &url).await;
                assert_eq!(status, 405, "{method} {path}");
            }
        }
        // The interactions path still wants its signature.
        let (status, _) = call(reqwest::Method::POST, &format!("{base}/interactions")).await;
        assert_eq!(status, 401);
        assert!(
            fake.requests().is_empty(),
            "a probe calls no Discord:\n{}",
            fake.describe()
        );
    });
}

#[test]
fn readyz_says_503_once_the_database_file_is_deleted_and_healthz_stays_200() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (base, db) = endpoint(dir.path(), &fake).await;
        assert_eq!(get(&format!("{base}/readyz")).await.0, 200);

        std::fs::remove_file(&db).unwrap();
        let (status, body) = get(&format!("{base}/readyz")).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body, "not ready: the database file was deleted or replaced");
        assert_eq!(
            get(&format!("{base}/healthz")).await,
            (200, "ok".to_string()),
            "the process is still up"
        );
    });
}

#[test]
fn readyz_says_503_when_the_file_is_replaced_or_its_schema_is_not_this_builds() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (base, db) = endpoint(dir.path(), &fake).await;
        let readyz = format!("{base}/readyz");

        // A newer schema (a newer build migrated the file), then an older one.
        let other = rusqlite::Connection::open(&db).unwrap();
        let known: i64 = other
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        other.pragma_update(None, "user_version", 999).unwrap();
        assert_eq!(
            get(&readyz).await,
            (
                503,
                "not ready: the database schema is newer than this build".to_string()
            )
        );
        other.pragma_update(None, "user_version", 1).unwrap();
        assert_eq!(
            get(&readyz).await,
            (503, "not ready: the database check failed".to_string())
        );
        other.pragma_update(None, "user_version", known).unwrap();
        assert_eq!(get(&readyz).await, (200, "ready".to_string()));
        drop(other);

        // Another file moved in at the same path (a restore done under the running bot).
        let copy = dir.path().join("copy.db");
        std::fs::copy(&db, &copy).unwrap();
        std::fs::rename(&copy, &db).unwrap();
        assert_eq!(
            get(&readyz).await,
            (
                503,
                "not ready: the database file was deleted or replaced".to_string()
            )
        );
    });
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `url` answers at all, or panics with how the child exited.
async fn wait_listening(child: &mut Child, url: &str) {
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the bot exited: {status}");
        }
        if reqwest::get(url).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} never answered");
}

#[test]
fn run_has_both_paths_on_its_metrics_listener() {
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
        wait_listening(&mut child, &format!("{base}/healthz")).await;

        assert_eq!(
            get(&format!("{base}/healthz")).await,
            (200, "ok".to_string())
        );
        assert_eq!(
            get(&format!("{base}/readyz")).await,
            (200, "ready".to_string())
        );
        std::fs::remove_file(&db).unwrap();
        assert_eq!(get(&format!("{base}/readyz")).await.0, 503);
        assert_eq!(get(&format!("{base}/healthz")).await.0, 200);

        child.kill().unwrap();
        child.wait().unwrap();
    });
}
