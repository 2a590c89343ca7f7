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

struct Endpoint {
    url: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn start(budget: Duration, rest_base: &str) -> Endpoint {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = test_app(
        dir.path(),
        rest_base,
        "2026-06-10T12:00:00Z".parse().unwrap(),
    );
    let router = interview_bot::discord::endpoint::router_with_budget(
        app,
        key().verifying_key().to_bytes(),
        budget,
    )
    .unwrap();
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
        let bytes = serde_json::to_vec(body).unwrap();
        let sig = signed(&bytes, "1781092800");
        self.post(bytes, Some(sig), "1781092800").await
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
            e.post(body.clone(), Some("00".repeat(64)), "1781092800")
                .await
                .0,
            401,
            "bad signature"
        );
        assert_eq!(
            e.post(body.clone(), Some("not hex".into()), "1781092800")
                .await
                .0,
            401,
            "not hex"
        );
        let sig = signed(&body, "1781092800");
        let mut tampered = body.clone();
        tampered.extend_from_slice(b" ");
        assert_eq!(
            e.post(tampered, Some(sig.clone()), "1781092800").await.0,
            401,
            "body changed after signing"
        );
        assert_eq!(
            e.post(body, Some(sig), "1781092801").await.0,
            401,
            "timestamp changed after signing"
        );
    });
}

#[test]
fn malformed_json_gets_400_and_an_oversized_body_413() {
    runtime().block_on(async {
        let e = start(Duration::from_millis(2500), "http://127.0.0.1:9").await;
        for bad in [&b"{not json"[..], b"{\"type\": 99}", b"[]", b""] {
            let sig = signed(bad, "1781092800");
            let (status, text) = e.post(bad.to_vec(), Some(sig), "1781092800").await;
            assert_eq!(status, 400, "{:?}: {text}", String::from_utf8_lossy(bad));
        }
        let big = vec![b' '; interview_bot::discord::endpoint::MAX_BODY + 1];
        let sig = signed(&big, "1781092800");
        assert_eq!(e.post(big, Some(sig), "1781092800").await.0, 413);
    });
}
