//! The HTTP interactions endpoint over a real socket, with Ed25519-signed requests.

use crate::interactions as ix;
use crate::spec;
use crate::util::{runtime, test_app};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use std::time::Duration;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

/// The endpoint's clock.
const NOW: &str = "2026-06-10T12:00:00Z";

/// A signed timestamp `secs` seconds from the endpoint's clock, as Discord sends it.
fn at(secs: i64) -> String {
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    (now.timestamp() + secs).to_string()
}

/// The current timestamp, by the endpoint's clock.
fn now() -> String {
    at(0)
}

struct Endpoint {
    url: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn start(budget: Duration, rest_base: &str) -> Endpoint {
    start_checking(budget, rest_base, true).await
}

/// As `start`, with the timestamp check on or off.
async fn start_checking(budget: Duration, rest_base: &str, check_timestamp: bool) -> Endpoint {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = test_app(dir.path(), rest_base, NOW.parse().unwrap());
    let verification = interview_bot::discord::endpoint::Verification {
        public_key: key().verifying_key().to_bytes(),
        check_timestamp,
    };
    let router =
        interview_bot::discord::endpoint::router_with_budget(app, verification, budget).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/interactions", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Endpoint {
        url,
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

fn signed(body: &[u8], timestamp: &str) -> String {
    let mut message = timestamp.as_bytes().to_vec();
    message.extend_from_slice(body);
    hex::encode(key().sign(&message).to_bytes())
}

impl Endpoint {
    async fn post(
        &self,
        body: Vec<u8>,
        signature: Option<String>,
        timestamp: &str,
    ) -> (u16, String) {
        let mut req = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(sig) = signature {
            req = req
                .header("x-signature-ed25519", sig)
                .header("x-signature-timestamp", timestamp);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn signed(&self, body: &Value) -> (u16, String) {
        self.signed_at(body, &now()).await
    }

    async fn signed_at(&self, body: &Value, timestamp: &str) -> (u16, String) {
        let bytes = serde_json::to_vec(body).unwrap();
        let sig = signed(&bytes, timestamp);
        self.post(bytes, Some(sig), timestamp).await
    }
}

/// The endpoint parses each kind of interaction straight into its type; the result must be
/// what serenity's own `Interaction` makes of the same JSON, and bad bodies must still fail.
#[test]
fn the_endpoint_parses_every_kind_as_serenity_does() {
    let bodies = [
        ix::ping(),
        ix::command("daily", json!([]), 42, 0),
        ix::command_in_dm("daily", 42),
        ix::autocomplete(
            "quiz",
            json!([{"name": "topic", "type": 3, "value": "sem", "focused": true}]),
            42,
        ),
        ix::button("1:a:7:1", 42),
        ix::select("1:m:7", &["0", "2"], 42),
        ix::modal("1:f:7", "Threads share memory.", 42),
    ];
    for body in bodies {
        let bytes = serde_json::to_vec(&body).unwrap();
        let ours = interview_bot::discord::endpoint::parse(&bytes).expect("parses");
        let serenity: serenity::all::Interaction = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&serenity).unwrap(),
            "{body}"
        );
    }
    for bad in [
        &b"{}"[..],
        b"{\"type\": 5}",
        b"{\"type\": \"5\"}",
        b"[]",
        b"not json",
    ] {
        assert!(interview_bot::discord::endpoint::parse(bad).is_err());
    }
}

#[test]
fn a_signed_ping_gets_a_pong() {
    runtime().block_on(async {
        let e = start(Duration::from_millis(2500), "http://127.0.0.1:9").await;
        let (status, body) = e.signed(&ix::ping()).await;
        assert_eq!(status, 200);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v, json!({"type": 1}));
        spec::validate("callback", &[v]);
    });
}

#[test]
fn a_signed_command_is_answered_in_the_response_body() {
    runtime().block_on(async {
        let e = start(Duration::from_millis(2500), "http://127.0.0.1:9").await;
        let (status, body) = e.signed(&ix::command("help", json!([]), 5, 0)).await;
        assert_eq!(status, 200);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["type"], 4);
        assert_eq!(v["data"]["embeds"][0]["title"], "interview-bot");
        spec::validate("callback", &[v]);
    });
}

#[test]
fn unsigned_badly_signed_and_tampered_requests_get_401() {
    runtime().block_on(async {
        let e = start(Duration::from_millis(2500), "http://127.0.0.1:9").await;
        let body = serde_json::to_vec(&ix::ping()).unwrap();
        assert_eq!(e.post(body.clone(), None, "1").await.0, 401, "unsigned");
        assert_eq!(
            e.post(body.clone(), Some("00".repeat(64)), &now()).await.0,
            401,
            "bad signature"
        );
        assert_eq!(
            e.post(body.clone(), Some("not hex".into()), &now()).await.0,
            401,
            "not hex"
        );
        let sig = signed(&body, &now());
        let mut tampered = body.clone();
        tampered.extend_from_slice(b" ");
        assert_eq!(
            e.post(tampered, Some(sig.clone()), &now()).await.0,
            401,
            "body changed after signing"
        );
        assert_eq!(
            e.post(body.clone(), Some(sig.clone()), &at(1)).await.0,
            401,
            "timestamp changed after signing"
        );
        assert_eq!(e.post(body, Some(sig), &now()).await.0, 200, "as signed");
    });
}

#[test]
fn malformed_json_gets_400_and_an_oversized_body_413() {
    runtime().block_on(async {
        let e = start(Duration::from_millis(2500), "http://127.0.0.1:9").await;
        for bad in [&b"{not json"[..], b"{\"type\": 99}", b"[]", b""] {
            let sig = signed(bad, &now());
            let (status, text) = e.post(bad.to_vec(), Some(sig), &now()).await;
            assert_eq!(status, 400, "{:?}: {text}", String::from_utf8_lossy(bad));
        }
        let big = vec![b' '; interview_bot::discord::endpoint::MAX_BODY + 1];
        let sig = signed(&big, &now());
        assert_eq!(e.post(big, Some(sig), &now()).await.0, 413);
    });
}

/// A captured request replayed later, or one dated ahead, is refused: the signed timestamp must
/// be within 5 minutes of the clock.
#[test]
fn a_request_signed_more_than_5_minutes_from_the_clock_gets_401() {
    runtime().block_on(async {
        let e = start(Duration::from_millis(2500), "http://127.0.0.1:9").await;
        let help = ix::command("help", json!([]), 5, 0);
        for (secs, status) in [
            (-301, 401),
            (301, 401),
            (-86_400, 401),
            (-300, 200),
            (299, 200),
            (0, 200),
        ] {
            let (got, body) = e.signed_at(&help, &at(secs)).await;
            assert_eq!(got, status, "signed {secs} s from now: {body}");
        }
        for undated in ["soon", "", "1781092800.5", "-1"] {
            let (got, _) = e.signed_at(&help, undated).await;
            assert_eq!(got, 401, "timestamp {undated:?}");
        }
        // With the check off, any signed time is taken.
        let e = start_checking(Duration::from_millis(2500), "http://127.0.0.1:9", false).await;
        let (got, body) = e.signed_at(&help, &at(-86_400)).await;
        assert_eq!(got, 200, "{body}");
        spec::validate("callback", &[serde_json::from_str(&body).unwrap()]);
    });
}

/// Discord names the sender of every interaction; a signed body that names no one is not an
/// interaction (serenity would read it as user 1).
#[test]
fn a_signed_interaction_that_names_no_sender_gets_400() {
    runtime().block_on(async {
        let e = start(Duration::from_millis(2500), "http://127.0.0.1:9").await;
        let no_member = |mut v: Value| {
            v.as_object_mut().unwrap().remove("member");
            v
        };
        let no_user = |mut v: Value| {
            v.as_object_mut().unwrap().remove("user");
            v
        };
        let mut null_member = ix::command("daily", json!([]), 42, 0);
        null_member["member"] = Value::Null;
        for body in [
            no_member(ix::command("daily", json!([]), 42, 0)),
            null_member,
            no_member(ix::button("1:a:7:1", 42)),
            no_member(ix::modal("1:f:7", "text", 42)),
            no_member(ix::autocomplete("quiz", json!([]), 42)),
            no_user(ix::command_in_dm("help", 42)),
        ] {
            let (status, text) = e.signed(&body).await;
            assert_eq!(status, 400, "{body}: {text}");
        }
        let (status, _) = e.signed(&ix::command("daily", json!([]), 42, 0)).await;
        assert_eq!(status, 200, "with its member");
    });
}

/// `serve` as an operator runs it, on the real clock: a request signed an hour ago is refused
/// and the log says why; `--no-timestamp-check`, or `INTERVIEW_BOT_NO_TIMESTAMP_CHECK=1`, takes it.
#[test]
fn serve_refuses_and_logs_a_stale_request_unless_the_check_is_off() {
    use std::io::{BufRead, BufReader};
    let cases: [(&str, &[&str], Option<&str>, u16); 3] = [
        ("by default", &[], None, 401),
        ("with the flag", &["--no-timestamp-check"], None, 200),
        ("with the variable", &[], Some("1"), 200),
    ];
    for (how, args, var, stale_status) in cases {
        let dir = tempfile::tempdir().unwrap();
        // A free port: taken from the OS, then handed to `serve`.
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let mut cmd = crate::util::bot();
        cmd.arg("--db")
            .arg(dir.path().join("bot.db"))
            .args(["serve", "--listen", &addr.to_string()])
            .args(args)
            .env("DISCORD_TOKEN", "test-token")
            .env("DISCORD_APPLICATION_ID", crate::util::APP_ID.to_string())
            .env(
                "DISCORD_PUBLIC_KEY",
                hex::encode(key().verifying_key().to_bytes()),
            )
            .env("DISCORD_PROXY", "http://127.0.0.1:9")
            .env("RUST_LOG", "info")
            .env_remove("INTERVIEW_BOT_NO_TIMESTAMP_CHECK")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        if let Some(v) = var {
            cmd.env("INTERVIEW_BOT_NO_TIMESTAMP_CHECK", v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = String::new();
        for line in log.by_ref() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if line.contains("serving interactions") {
                break;
            }
        }
        assert!(seen.contains("serving interactions"), "{how}: {seen}");
        let url = format!("http://{addr}/interactions");
        let post = |timestamp: String| {
            let url = url.clone();
            runtime().block_on(async move {
                let body = serde_json::to_vec(&ix::ping()).unwrap();
                let sig = signed(&body, &timestamp);
                reqwest::Client::new()
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-signature-ed25519", sig)
                    .header("x-signature-timestamp", timestamp)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        };
        let now = chrono::Utc::now().timestamp();
        let current = post(now.to_string());
        let stale = post((now - 3600).to_string());
        child.kill().unwrap();
        child.wait().unwrap();
        for line in log.map_while(Result::ok) {
            seen.push_str(&line);
            seen.push('\n');
        }
        assert_eq!(current, 200, "{how}: a current request\n{seen}");
        assert_eq!(stale, stale_status, "{how}: signed an hour ago\n{seen}");
        let logged = seen.contains("too far from this server's clock");
        assert_eq!(
            logged,
            stale_status == 401,
            "{how}: the log says why\n{seen}"
        );
        // Standard error is a pipe here, as under a service manager or a log collector: plain
        // text, no colour codes.
        assert!(!seen.contains('\x1b'), "{how}: escape codes in\n{seen:?}");
    }
}
