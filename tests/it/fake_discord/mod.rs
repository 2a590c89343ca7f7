//! A small fake Discord on 127.0.0.1 for end-to-end tests: REST (axum) and a WebSocket gateway
//! (tokio-tungstenite), both on random ports.
//!
//! - REST answers the routes the bot uses the way Discord does (shapes serenity deserializes) and
//!   records every request; `wait_for` waits, bounded, until a request arrived.
//! - The gateway speaks enough of Discord's protocol for serenity's shard runner: HELLO on connect,
//!   heartbeat ACKs, READY after IDENTIFY; `send_interaction` pushes an INTERACTION_CREATE.
//!   Several shards may connect at once, from several processes (`shards.rs`).
//!
//! Pass `base` as the REST proxy (`rest_client(token, app_id, Some(&fake.base))`, or
//! `DISCORD_PROXY`): serenity then sends `{base}/api/v10/...`, and `GET /gateway` hands it the
//! fake's own `ws://` URL. It stops listening when the `FakeDiscord` is dropped.

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;

mod dms;
mod faults;
pub mod multipart;
pub mod roles;
mod shards;
mod threads;
use faults::Faults;

/// How long the waits without an explicit bound wait: long enough for a slow CI machine, short
/// enough that a broken runner fails the test instead of hanging it.
pub const WAIT: Duration = Duration::from_secs(20);

/// The heartbeat interval sent in HELLO (Discord's usual value): no heartbeat is due during a test.
pub const HEARTBEAT_INTERVAL_MS: u64 = 41_250;

/// One REST request as the fake received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Upper case, e.g. "POST".
    pub method: String,
    /// Without the `/api/v10` prefix and without the query, e.g. "/channels/5/messages".
    pub path: String,
    /// The query string, if any (e.g. "wait=true").
    pub query: Option<String>,
    /// The Authorization header (serenity sends "Bot <token>").
    pub authorization: Option<String>,
    /// The X-Audit-Log-Reason header, URL-decoded.
    pub audit_reason: Option<String>,
    /// The JSON body; `Null` when there was none, a `String` when it was not JSON. For a
    /// multipart body (a message with files), its `payload_json` part.
    pub body: Value,
    /// The file parts of a multipart body (none for a JSON one).
    pub files: Vec<multipart::FilePart>,
}

impl Request {
    fn matches(&self, method: &str, path_prefix: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.path.starts_with(path_prefix)
    }
}

/// A running fake Discord. Cheap accessors are sync; waits are async and bounded.
pub struct FakeDiscord {
    /// REST base, e.g. "http://127.0.0.1:PORT": the proxy to give serenity.
    pub base: String,
    /// The gateway, e.g. "ws://127.0.0.1:PORT" (what `GET /gateway` answers).
    pub gateway_url: String,
    /// The application (and bot user) id the fake plays; READY carries it.
    pub app_id: u64,
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

struct Shared {
    app_id: u64,
    gateway_url: String,
    state: Mutex<State>,
    /// Bumped after every change of `state`, so waiters wake without sleeping.
    changed: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    /// Channel id -> the status POSTs to it answer.
    failing: HashMap<u64, u16>,
    next_id: u64,
    /// The `d` of the last IDENTIFY.
    identify: Option<Value>,
    /// Every gateway payload the client sent, in order.
    received: Vec<Value>,
    /// How many READYs were sent (one per IDENTIFY).
    readies: u64,
    /// The connection that got the last READY.
    ready_on: Option<u64>,
    conn: Option<Conn>,
    connections: u64,
    /// Close frames the client sent (a clean disconnect), with their codes.
    client_closes: Vec<u16>,
    /// The last sequence number sent on the current session.
    seq: u64,
    /// Messages the fake knows (created or edited), by id, for merging edits.
    messages: HashMap<u64, Value>,
    /// Interaction token -> id of its original response message.
    originals: HashMap<String, u64>,
    /// Interaction token -> the channel it came from (to place webhook messages).
    interaction_channels: HashMap<String, u64>,
    /// Faults to play on the bot's own channel messages (`faults.rs`).
    faults: Faults,
    /// Members' DM channels, and whose DMs are closed (`dms.rs`).
    dms: dms::Dms,
    /// Threads started from messages, and their faults (`threads.rs`).
    threads: threads::Threads,
    /// Refuse every request that carries files (413, as Discord does for a file too large).
    refuse_files: bool,
    /// Members' roles, the server's roles, and their faults (`roles.rs`).
    roles: roles::Roles,
    /// Each shard's session, and every IDENTIFY's shard (`shards.rs`).
    sessions: shards::Sessions,
}

struct Conn {
    id: u64,
    tx: mpsc::UnboundedSender<WsMessage>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the state and wakes the waiters.
    fn update<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let out = f(&mut self.lock());
        self.changed.send_modify(|n| *n += 1);
        out
    }
}

impl State {
    /// A fresh snowflake-looking id.
    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        1_300_000_000_000_000_000 + self.next_id
    }
}

/// Stops listening. An open gateway connection is left open on purpose: it goes when the
/// runtime does. serenity 0.12's shard runner spins without yielding once its WebSocket stream has
/// ended (`recv_json` returns `Ok(None)` at once, until the next heartbeat is due, ~41 s), which
/// would hold up the runtime's shutdown; a connection that stays open keeps it parked.
impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl FakeDiscord {
    /// Starts REST and the gateway on random 127.0.0.1 ports, playing the application
    /// `util::APP_ID`.
    pub async fn start() -> FakeDiscord {
        FakeDiscord::start_as(crate::util::APP_ID).await
    }

    /// Starts playing the application (and bot user) `app_id`.
    pub async fn start_as(app_id: u64) -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind REST");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let base = format!("http://{}", rest.local_addr().unwrap());
        let gateway_url = format!("ws://{}", gateway.local_addr().unwrap());
        let shared = Arc::new(Shared {
            app_id,
            gateway_url: gateway_url.clone(),
            state: Mutex::new(State::default()),
            changed: watch::channel(0).0,
        });
        let router = axum::Router::new()
            .fallback(rest_handler)
            .with_state(shared.clone());
        let rest_task = tokio::spawn(async move {
            axum::serve(rest, router)
                .await
                .expect("the fake REST server");
        });
        let gw_shared = shared.clone();
        let gateway_task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = gateway.accept().await else {
                    continue;
                };
                tokio::spawn(gateway_connection(stream, gw_shared.clone()));
            }
        });
        FakeDiscord {
            base,
            gateway_url,
            app_id,
            shared,
            tasks: vec![rest_task, gateway_task],
        }
    }

    /// Every REST request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    /// The REST requests with this method whose path starts with `path_prefix`.
    pub fn requests_to(&self, method: &str, path_prefix: &str) -> Vec<Request> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.matches(method, path_prefix))
            .cloned()
            .collect()
    }

    /// Waits until a request with this method and a path starting with `path_prefix` arrived
    /// (the first such one), or panics after `timeout` with every request seen.
    pub async fn wait_for(&self, method: &str, path_prefix: &str, timeout: Duration) -> Request {
        self.wait_for_count(method, path_prefix, 1, timeout)
            .await
            .remove(0)
    }

    /// Waits until `n` such requests arrived; returns the first `n`.
    pub async fn wait_for_count(
        &self,
        method: &str,
        path_prefix: &str,
        n: usize,
        timeout: Duration,
    ) -> Vec<Request> {
        let what = format!("{n} × {method} {path_prefix}…");
        self.wait_until(&what, timeout, |s| {
            let found: Vec<Request> = s
                .requests
                .iter()
                .filter(|r| r.matches(method, path_prefix))
                .take(n)
                .cloned()
                .collect();
            (found.len() == n).then_some(found)
        })
        .await
    }

    /// Makes POSTs to this channel fail with `status` and a Discord-style JSON error
    /// (403 Missing Permissions 50013, 404 Unknown Channel 10003, 429 rate limited, ...).
    pub fn fail_channel(&self, channel_id: u64, status: u16) {
        self.shared.update(|s| s.failing.insert(channel_id, status));
    }

    /// From now on, every request with files is refused with 413 "Request entity too large".
    pub fn refuse_files(&self) {
        self.shared.update(|s| s.refuse_files = true);
    }

    /// Undoes `fail_channel`.
    pub fn heal_channel(&self, channel_id: u64) {
        self.shared.update(|s| s.failing.remove(&channel_id));
    }

    /// The `d` of the last IDENTIFY the client sent (token, intents, properties, ...).
    pub fn identify(&self) -> Option<Value> {
        self.shared.lock().identify.clone()
    }

    /// Every gateway payload the client sent (IDENTIFY, heartbeats, ...), in order.
    pub fn gateway_received(&self) -> Vec<Value> {
        self.shared.lock().received.clone()
    }

    /// The codes of the close frames the client sent, in order.
    pub fn client_closes(&self) -> Vec<u16> {
        self.shared.lock().client_closes.clone()
    }

    /// How many WebSocket connections the gateway accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.lock().connections
    }

    /// A message the fake created or edited, as it answered it last.
    pub fn message(&self, id: u64) -> Option<Value> {
        self.shared.lock().messages.get(&id).cloned()
    }

    /// Waits (at most `WAIT`) until READY was sent on the current connection.
    pub async fn wait_ready(&self) {
        self.wait_until("READY sent", WAIT, |s| {
            s.conn
                .as_ref()
                .is_some_and(|c| s.ready_on == Some(c.id))
                .then_some(())
        })
        .await
    }

    /// Pushes a dispatch (op 0) with the next sequence number to the connected client, waiting
    /// (at most `WAIT`) for a session that got READY. Returns the sequence number.
    pub async fn send_dispatch(&self, event: &str, d: Value) -> u64 {
        self.wait_ready().await;
        self.shared.update(|s| {
            s.seq += 1;
            let payload = json!({"op": 0, "t": event, "s": s.seq, "d": d});
            let conn = s.conn.as_ref().expect("a connected gateway client");
            conn.tx
                .send(WsMessage::Text(payload.to_string()))
                .expect("the gateway connection is open");
            s.seq
        })
    }

    /// Pushes an INTERACTION_CREATE with this interaction (the JSON Discord sends).
    pub async fn send_interaction(&self, interaction: Value) -> u64 {
        if let (Some(token), Some(channel)) = (
            interaction["token"].as_str(),
            interaction["channel_id"]
                .as_str()
                .and_then(|c| c.parse::<u64>().ok()),
        ) {
            let token = token.to_string();
            self.shared
                .update(|s| s.interaction_channels.insert(token, channel));
        }
        self.send_dispatch("INTERACTION_CREATE", interaction).await
    }

    /// Waits until `check` finds what it looks for in the state, or panics after `timeout`.
    async fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&State) -> Option<T>,
    ) -> T {
        let mut rx = self.shared.changed.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            rx.borrow_and_update();
            if let Some(found) = check(&self.shared.lock()) {
                return found;
            }
            if tokio::time::timeout_at(deadline, rx.changed())
                .await
                .is_err()
            {
                if let Some(found) = check(&self.shared.lock()) {
                    return found;
                }
                panic!(
                    "the fake Discord waited {timeout:?} for {what} in vain\n{}",
                    self.describe()
                );
            }
        }
    }

    /// What the fake saw, for failure messages.
    pub fn describe(&self) -> String {
        let s = self.shared.lock();
        let mut out = format!(
            "gateway: {} connection(s), {} READY(s) sent, identify: {}\nREST requests ({}):\n",
            s.connections,
            s.readies,
            if s.identify.is_some() { "yes" } else { "no" },
            s.requests.len()
        );
        for r in &s.requests {
            let mut body = r.body.to_string();
            if body.chars().count() > 300 {
                body = body.chars().take(300).chain(['…']).collect();
            }
            let _ = writeln!(out, "  {} {} {}", r.method, r.path, body);
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// REST

async fn rest_handler(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let path = path.strip_prefix("/api/v10").unwrap_or(path).to_string();
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(multipart::boundary)
        .and_then(|b| multipart::parse(&body, &b));
    let (body, files) = match form {
        Some((payload, files)) => (
            payload
                .and_then(|p| serde_json::from_str(&p).ok())
                .unwrap_or(Value::Null),
            files,
        ),
        None if body.is_empty() => (Value::Null, vec![]),
        None => (
            serde_json::from_slice(&body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned())),
            vec![],
        ),
    };
    let request = Request {
        method: method.as_str().to_string(),
        path,
        query: uri.query().map(String::from),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(String::from),
        audit_reason: headers
            .get("x-audit-log-reason")
            .and_then(|v| v.to_str().ok())
            .map(percent_decode),
        body,
        files,
    };
    if shared.update(|s| s.faults.take_hang(&request)) {
        // A hung Discord: the request is done (a message is made), and never answered.
        shared.update(|s| {
            let _ = route(&shared, s, &request);
            s.requests.push(request);
        });
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return StatusCode::GATEWAY_TIMEOUT.into_response();
    }
    // Answer first (under the lock), record right after, then wake the waiters: a waiter that
    // sees the request may rely on the fake's state (messages, ids) being in place.
    shared.update(|s| {
        let response = route(&shared, s, &request);
        s.requests.push(request);
        response
    })
}

fn route(shared: &Shared, s: &mut State, r: &Request) -> Response {
    let segments: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
    let id = |seg: &str| seg.parse::<u64>().ok();
    if s.refuse_files && !r.files.is_empty() {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request entity too large",
            40005,
        );
    }
    match (r.method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({ "url": shared.gateway_url })),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": shared.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1
            }
        })),
        ("GET", ["users", "@me"]) => ok(bot_user(shared.app_id)),
        ("PUT", ["applications", app, "commands"]) => ok(echo_commands(s, app, None, &r.body)),
        ("PUT", ["applications", app, "guilds", guild, "commands"]) => {
            ok(echo_commands(s, app, Some(guild), &r.body))
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("GET" | "PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            let channel = interaction_channel(s, token);
            let mid = match s.originals.get(*token) {
                Some(m) => *m,
                None => {
                    let m = s.fresh_id();
                    s.originals.insert(token.to_string(), m);
                    m
                }
            };
            ok(upsert_message(
                shared,
                s,
                mid,
                channel,
                &r.body,
                Author::Interaction,
            ))
        }
        ("PATCH", ["webhooks", _, token, "messages", mid]) => match id(mid) {
            Some(mid) => {
                let channel = interaction_channel(s, token);
                ok(upsert_message(
                    shared,
                    s,
                    mid,
                    channel,
                    &r.body,
                    Author::Interaction,
                ))
            }
            None => not_found(),
        },
        ("DELETE", ["webhooks", _, _, "messages", _]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _, token]) => {
            let channel = interaction_channel(s, token);
            let mid = s.fresh_id();
            ok(upsert_message(
                shared,
                s,
                mid,
                channel,
                &r.body,
                Author::Interaction,
            ))
        }
        ("POST", ["users", "@me", "channels"]) => dms::open(s, &r.body),
        ("POST", ["channels", channel, "messages"])
            if id(channel).is_some_and(|c| dms::refuses(s, c)) =>
        {
            dms::cannot_send()
        }
        ("POST", ["channels", channel, ..])
            if id(channel).is_some_and(|c| s.failing.contains_key(&c)) =>
        {
            discord_error(s.failing[&id(channel).unwrap()])
        }
        ("POST", ["channels", channel, "messages", mid, "threads"]) => match (id(channel), id(mid))
        {
            (Some(c), Some(m)) => threads::start(s, shared.app_id, c, m, &r.body),
            _ => not_found(),
        },
        ("POST", ["channels", channel, "messages"]) => match id(channel) {
            Some(channel) => {
                if let Some(limited) = s.faults.take_rate_limit() {
                    return limited;
                }
                // Discord honours `enforce_nonce`: the same nonce again answers the first message.
                let nonce = faults::nonce_of(&r.body);
                let known = nonce
                    .as_ref()
                    .and_then(|n| s.faults.nonces.get(&(channel, n.clone())));
                let message = match known.and_then(|m| s.messages.get(m)) {
                    Some(m) => m.clone(),
                    None => {
                        let mid = s.fresh_id();
                        let m = upsert_message(shared, s, mid, channel, &r.body, Author::Bot);
                        if let Some(n) = nonce {
                            s.faults.nonces.insert((channel, n), mid);
                        }
                        m
                    }
                };
                if s.faults.take_lost_body() {
                    return faults::cut_off(&message);
                }
                ok(message)
            }
            None => not_found(),
        },
        ("GET", ["channels", channel, "messages"]) => match id(channel) {
            Some(channel) => ok(faults::channel_messages(s, channel, r.query.as_deref())),
            None => not_found(),
        },
        ("PATCH", ["channels", channel, "messages", mid]) => match (id(channel), id(mid)) {
            (Some(channel), Some(mid)) => ok(upsert_message(
                shared,
                s,
                mid,
                channel,
                &r.body,
                Author::Bot,
            )),
            _ => not_found(),
        },
        ("GET", ["channels", _, "messages", mid]) => {
            match id(mid).and_then(|m| s.messages.get(&m)) {
                Some(m) => ok(m.clone()),
                None => error(StatusCode::NOT_FOUND, "Unknown Message", 10008),
            }
        }
        ("DELETE", ["channels", _, "messages", _]) => StatusCode::NO_CONTENT.into_response(),
        (_, ["guilds", ..]) => {
            roles::route(s, shared.app_id, r, &segments).unwrap_or_else(not_found)
        }
        _ => not_found(),
    }
}

/// `%XX` sequences back to their bytes (an audit log reason is sent URL-encoded).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn ok(body: Value) -> Response {
    (StatusCode::OK, Json(body)).into_response()
}

fn error(status: StatusCode, message: &str, code: u64) -> Response {
    (status, Json(json!({ "message": message, "code": code }))).into_response()
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "404: Not Found", 0)
}

/// What Discord answers for a failing request with this status.
fn discord_error(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match status {
        400 => error(code, "Invalid Form Body", 50035),
        401 => error(code, "401: Unauthorized", 0),
        403 => error(code, "Missing Permissions", 50013),
        404 => error(code, "Unknown Channel", 10003),
        429 => (
            code,
            [("retry-after", "1")],
            Json(json!({"message": "You are being rate limited.", "retry_after": 1.0, "global": false})),
        )
            .into_response(),
        _ => error(code, &format!("{status}: {}", code.canonical_reason().unwrap_or("Error")), 0),
    }
}

fn interaction_channel(s: &State, token: &str) -> u64 {
    s.interaction_channels.get(token).copied().unwrap_or(1)
}

fn bot_user(app_id: u64) -> Value {
    json!({
        "id": app_id.to_string(),
        "username": "interview-bot",
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "flags": 0,
        "public_flags": 0,
        "mfa_enabled": false,
        "verified": true,
        "email": null,
        "banner": null,
        "accent_color": null,
    })
}

/// The command list as Discord echoes a bulk overwrite: each with an id, the application, a
/// version, and the defaults filled in.
fn echo_commands(s: &mut State, app: &str, guild: Option<&str>, body: &Value) -> Value {
    let list = body.as_array().cloned().unwrap_or_default();
    let echoed: Vec<Value> = list
        .into_iter()
        .map(|mut c| {
            let id = s.fresh_id();
            let version = s.fresh_id();
            if let Some(obj) = c.as_object_mut() {
                obj.insert("id".into(), json!(id.to_string()));
                obj.insert("application_id".into(), json!(app));
                obj.insert("version".into(), json!(version.to_string()));
                if let Some(g) = guild {
                    obj.insert("guild_id".into(), json!(g));
                }
                for (key, default) in [
                    ("type", json!(1)),
                    ("description", json!("")),
                    ("default_member_permissions", Value::Null),
                    ("nsfw", json!(false)),
                    ("integration_types", json!([0])),
                    ("contexts", Value::Null),
                ] {
                    obj.entry(key).or_insert(default);
                }
            }
            c
        })
        .collect();
    Value::Array(echoed)
}

enum Author {
    /// A message the bot posts in a channel.
    Bot,
    /// An interaction response or followup (sent through the application's webhook).
    Interaction,
}

/// Creates or edits message `id` from a create/edit body, stores it and returns it the way Discord
/// answers (every field serenity's `Message` needs).
fn upsert_message(
    shared: &Shared,
    s: &mut State,
    id: u64,
    channel: u64,
    body: &Value,
    author: Author,
) -> Value {
    let now = chrono::Utc::now().to_rfc3339();
    let existing = s.messages.get(&id).cloned();
    let edited = existing.is_some();
    let mut m = existing.unwrap_or_else(|| {
        let app = shared.app_id.to_string();
        let (kind, webhook) = match author {
            Author::Bot => (0, Value::Null),
            Author::Interaction => (20, json!(app)),
        };
        json!({
            "id": id.to_string(),
            "channel_id": channel.to_string(),
            "author": bot_user(shared.app_id),
            "content": "",
            "timestamp": now,
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": false,
            "type": kind,
            "flags": 0,
            "webhook_id": webhook,
            "application_id": if webhook.is_null() { Value::Null } else { json!(app) },
        })
    });
    if edited {
        m["edited_timestamp"] = json!(now);
    }
    if let Some(content) = body.get("content") {
        m["content"] = if content.is_null() {
            json!("")
        } else {
            content.clone()
        };
    }
    if let Some(embeds) = body.get("embeds") {
        let embeds: Vec<Value> = embeds
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut e| {
                if let Some(obj) = e.as_object_mut() {
                    obj.entry("type").or_insert(json!("rich"));
                }
                e
            })
            .collect();
        m["embeds"] = Value::Array(embeds);
    }
    if let Some(components) = body.get("components") {
        m["components"] = if components.is_null() {
            json!([])
        } else {
            components.clone()
        };
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        m["flags"] = json!(flags);
    }
    if let Some(reference) = body.get("message_reference").filter(|r| !r.is_null()) {
        m["message_reference"] = json!({
            "type": 0,
            "message_id": reference["message_id"],
            "channel_id": reference.get("channel_id").cloned().unwrap_or(json!(channel.to_string())),
        });
    }
    s.messages.insert(id, m.clone());
    m
}

// ---------------------------------------------------------------------------------------------
// Gateway

async fn gateway_connection(stream: TcpStream, shared: Arc<Shared>) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<WsMessage>();
    let hello =
        json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}});
    let _ = tx.send(WsMessage::Text(hello.to_string()));
    let me = shared.update(|s| {
        s.connections += 1;
        s.seq = 0;
        s.conn = Some(Conn {
            id: s.connections,
            tx: tx.clone(),
        });
        s.connections
    });
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            let close = matches!(m, WsMessage::Close(_));
            if sink.send(m).await.is_err() || close {
                break;
            }
        }
    });
    while let Some(Ok(frame)) = source.next().await {
        let text = match frame {
            WsMessage::Text(t) => t,
            WsMessage::Close(frame) => {
                let code = frame.map_or(1005, |f| u16::from(f.code));
                shared.update(|s| s.client_closes.push(code));
                break;
            }
            _ => continue,
        };
        let Ok(payload) = serde_json::from_str::<Value>(&text) else {
            // Discord closes with 4002 (decode error).
            let _ = tx.send(close_frame(4002, "Error while decoding payload."));
            break;
        };
        let op = payload["op"].as_u64();
        shared.update(|s| {
            s.received.push(payload.clone());
            match op {
                // Heartbeat: acknowledge.
                Some(1) => {
                    let _ = tx.send(WsMessage::Text(json!({"op": 11}).to_string()));
                }
                // Identify: remember it, answer READY.
                Some(2) => {
                    s.identify = Some(payload["d"].clone());
                    let shard = s.sessions.identified(&payload["d"], me, &tx);
                    s.seq = 1;
                    s.readies += 1;
                    s.ready_on = Some(me);
                    let ready = json!({
                        "op": 0,
                        "t": "READY",
                        "s": 1,
                        "d": {
                            "v": 10,
                            "user": bot_user(shared.app_id),
                            "guilds": [],
                            "session_id": format!("fake-session-{me}"),
                            "resume_gateway_url": shared.gateway_url,
                            "shard": shard,
                            "application": {"id": shared.app_id.to_string(), "flags": 0},
                            "private_channels": [],
                            "relationships": [],
                            "presences": [],
                            "guild_join_requests": [],
                            "geo_ordered_rtc_regions": [],
                            "auth": {},
                            "user_settings": {},
                            "_trace": ["[\"fake-discord\",{}]"],
                        }
                    });
                    let _ = tx.send(WsMessage::Text(ready.to_string()));
                }
                // Resume: this fake keeps no sessions; a non-resumable invalid session makes the
                // client identify again.
                Some(6) => {
                    let _ = tx.send(WsMessage::Text(json!({"op": 9, "d": false}).to_string()));
                }
                // Presence and voice updates, guild member requests: nothing to answer.
                Some(3 | 4 | 8 | 31) => {}
                _ => {
                    let _ = tx.send(close_frame(4001, "Unknown opcode."));
                }
            }
        });
    }
    shared.update(|s| {
        if s.conn.as_ref().is_some_and(|c| c.id == me) {
            s.conn = None;
        }
        s.sessions.closed(me);
    });
    // Let the writer flush what is queued (a close frame), bounded.
    drop(tx);
    let _ = tokio::time::timeout(Duration::from_secs(1), writer).await;
}

fn close_frame(code: u16, reason: &'static str) -> WsMessage {
    use tokio_tungstenite::tungstenite::protocol::{frame::coding::CloseCode, CloseFrame};
    WsMessage::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.into(),
    }))
}

// ---------------------------------------------------------------------------------------------
// The fake's own checks: what it answers deserializes in serenity, as Discord's answers do.

#[cfg(test)]
mod checks {
    use super::*;
    use crate::util::runtime;
    use serenity::all::{
        ChannelId, CreateActionRow, CreateButton, CreateEmbed, CreateInteractionResponse,
        CreateInteractionResponseFollowup, CreateMessage, CreateSelectMenu, CreateSelectMenuKind,
        CreateSelectMenuOption, EditInteractionResponse, EditMessage, GuildId, InteractionId,
    };

    fn client(fake: &FakeDiscord) -> serenity::http::Http {
        interview_bot::discord::app::rest_client("test-token", fake.app_id, Some(&fake.base))
    }

    /// The Discord error a failed call got: (status, JSON code).
    fn discord_error(e: serenity::Error) -> (u16, isize) {
        match e {
            serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
                (r.status_code.as_u16(), r.error.code)
            }
            other => panic!("not a Discord error response: {other:?}"),
        }
    }

    #[test]
    fn rest_answers_deserialize_in_serenity() {
        runtime().block_on(async {
            let fake = FakeDiscord::start().await;
            let http = client(&fake);

            assert_eq!(http.get_gateway().await.unwrap().url, fake.gateway_url);
            let bot = http.get_bot_gateway().await.unwrap();
            assert_eq!(
                (bot.url.as_str(), bot.shards),
                (fake.gateway_url.as_str(), 1)
            );

            let list = interview_bot::discord::commands::all();
            let installed = http
                .create_guild_commands(GuildId::new(7), &list)
                .await
                .unwrap();
            assert_eq!(installed.len(), list.len());
            assert!(installed
                .iter()
                .all(|c| c.guild_id == Some(GuildId::new(7))));
            assert_eq!(installed[0].application_id.get(), fake.app_id);

            let channel = ChannelId::new(5);
            let rows = vec![
                CreateActionRow::Buttons(vec![CreateButton::new("1:x").label("X")]),
                CreateActionRow::SelectMenu(CreateSelectMenu::new(
                    "1:m:1",
                    CreateSelectMenuKind::String {
                        options: vec![CreateSelectMenuOption::new("one", "0")],
                    },
                )),
            ];
            let sent = channel
                .send_message(
                    &http,
                    CreateMessage::new()
                        .content("hello")
                        .embed(CreateEmbed::new().title("t").field("a", "b", false))
                        .components(rows),
                )
                .await
                .unwrap();
            assert_eq!((sent.channel_id, sent.content.as_str()), (channel, "hello"));
            assert_eq!(sent.embeds[0].title.as_deref(), Some("t"));
            assert_eq!(sent.components.len(), 2);
            assert_eq!(sent.author.id.get(), fake.app_id);

            let edited = channel
                .edit_message(&http, sent.id, EditMessage::new().content("edited"))
                .await
                .unwrap();
            assert_eq!((edited.id, edited.content.as_str()), (sent.id, "edited"));
            assert!(edited.edited_timestamp.is_some());
            assert_eq!(
                edited.embeds.len(),
                1,
                "an edit keeps what it does not change"
            );
            assert_eq!(
                fake.message(sent.id.get()).unwrap()["content"],
                json!("edited")
            );

            let other = ChannelId::new(6);
            let post = || other.send_message(&http, CreateMessage::new().content("x"));
            fake.fail_channel(6, 403);
            assert_eq!(discord_error(post().await.unwrap_err()), (403, 50013));
            fake.fail_channel(6, 404);
            assert_eq!(discord_error(post().await.unwrap_err()), (404, 10003));
            fake.heal_channel(6);
            let fresh = post().await.unwrap();
            assert_ne!(fresh.id, sent.id);

            http.create_interaction_response(
                InteractionId::new(9),
                "tok",
                &CreateInteractionResponse::Acknowledge,
                vec![],
            )
            .await
            .unwrap();
            let original = http
                .edit_original_interaction_response(
                    "tok",
                    &EditInteractionResponse::new().content("late"),
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(original.content, "late");
            let followup = http
                .create_followup_message(
                    "tok",
                    &CreateInteractionResponseFollowup::new()
                        .content("more")
                        .ephemeral(true),
                    vec![],
                )
                .await
                .unwrap();
            assert_ne!(followup.id, original.id);

            let seen: Vec<(String, String)> = fake
                .requests()
                .into_iter()
                .map(|r| (r.method, r.path))
                .collect();
            let app = fake.app_id;
            let expected: Vec<(String, String)> = [
                ("GET", "/gateway".to_string()),
                ("GET", "/gateway/bot".to_string()),
                ("PUT", format!("/applications/{app}/guilds/7/commands")),
                ("POST", "/channels/5/messages".to_string()),
                ("PATCH", format!("/channels/5/messages/{}", sent.id)),
                ("POST", "/channels/6/messages".to_string()),
                ("POST", "/channels/6/messages".to_string()),
                ("POST", "/channels/6/messages".to_string()),
                ("POST", "/interactions/9/tok/callback".to_string()),
                ("PATCH", format!("/webhooks/{app}/tok/messages/@original")),
                ("POST", format!("/webhooks/{app}/tok")),
            ]
            .into_iter()
            .map(|(m, p)| (m.to_string(), p))
            .collect();
            assert_eq!(seen, expected);
        });
    }

    #[test]
    fn wait_for_gives_up_with_what_it_saw() {
        runtime().block_on(async {
            let fake = FakeDiscord::start().await;
            client(&fake).get_gateway().await.unwrap();
            let waited = tokio::spawn(async move {
                fake.wait_for("POST", "/channels/", Duration::from_millis(50))
                    .await
            })
            .await;
            let panic = waited.expect_err("no such request came").into_panic();
            let msg = panic
                .downcast_ref::<String>()
                .expect("a formatted panic message");
            assert!(
                msg.contains("POST /channels/") && msg.contains("GET /gateway"),
                "{msg}"
            );
        });
    }
}
