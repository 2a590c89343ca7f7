//! The faults the fake Discord can play on the bot's channel messages, the way Discord (or the
//! network) fails: a created message whose answer is cut off, 429 with `retry_after` (in the body,
//! without `code`, as Discord sends it), a message made whose request then hangs, and nonces
//! honoured as Discord does with `enforce_nonce`. `fail_channel` (5xx/4xx for every POST to a channel) is in `mod.rs`.

use super::{FakeDiscord, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct Faults {
    /// (channel, nonce) -> the message first created with it.
    pub nonces: HashMap<(u64, String), u64>,
    /// The next this many created messages answer 200 with a body cut off mid-way.
    lost_bodies: u32,
    /// The next `count` message creates answer 429 with this `retry_after` and `global`.
    rate_limited: Option<(u32, f64, bool)>,
    /// The next this many message creates are made, and never answered.
    hangs: u32,
}

impl Faults {
    pub fn take_lost_body(&mut self) -> bool {
        take(&mut self.lost_bodies)
    }

    pub fn take_hang(&mut self, r: &Request) -> bool {
        r.method == "POST"
            && r.path.starts_with("/channels/")
            && r.path.ends_with("/messages")
            && take(&mut self.hangs)
    }

    pub fn take_rate_limit(&mut self) -> Option<Response> {
        let (count, retry_after, global) = self.rate_limited.as_mut()?;
        if *count == 0 {
            return None;
        }
        *count -= 1;
        let body = json!({
            "message": "You are being rate limited.",
            "retry_after": *retry_after,
            "global": *global,
        });
        Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", format!("{}", retry_after.ceil() as u64))],
                axum::Json(body),
            )
                .into_response(),
        )
    }
}

fn take(n: &mut u32) -> bool {
    if *n == 0 {
        return false;
    }
    *n -= 1;
    true
}

/// The nonce of a create body, when it asks Discord to enforce it.
pub fn nonce_of(body: &Value) -> Option<String> {
    if body["enforce_nonce"] != json!(true) {
        return None;
    }
    match &body["nonce"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A 200 whose JSON body stops half-way: the message exists, the bot cannot read its answer.
pub fn cut_off(message: &Value) -> Response {
    let text = message.to_string();
    let half = text.len() / 2;
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        text[..half].to_string(),
    )
        .into_response()
}

/// `GET /channels/{id}/messages`: the channel's messages, newest first, `limit` of them.
pub fn channel_messages(s: &State, channel: u64, query: Option<&str>) -> Value {
    let limit = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|kv| kv.strip_prefix("limit="))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(50);
    let mut ids: Vec<u64> = s
        .messages
        .iter()
        .filter(|(_, m)| m["channel_id"] == json!(channel.to_string()))
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    Value::Array(
        ids.into_iter()
            .take(limit)
            .map(|id| s.messages[&id].clone())
            .collect(),
    )
}

impl FakeDiscord {
    /// Every message in a channel, newest first (as `GET /channels/{id}/messages` lists them).
    pub fn messages_in(&self, channel: u64) -> Vec<Value> {
        match channel_messages(&self.shared.lock(), channel, Some("limit=100")) {
            Value::Array(v) => v,
            _ => vec![],
        }
    }

    /// The next `n` messages the bot creates are made, but their answer is cut off.
    pub fn lose_reply_bodies(&self, n: u32) {
        self.shared.update(|s| s.faults.lost_bodies = n);
    }

    /// The next `n` message creates answer 429 with `retry_after` seconds (and `global`).
    pub fn rate_limit(&self, n: u32, retry_after: f64, global: bool) {
        self.shared
            .update(|s| s.faults.rate_limited = Some((n, retry_after, global)));
    }

    /// The next `n` message creates are made, and never answered.
    pub fn hang(&self, n: u32) {
        self.shared.update(|s| s.faults.hangs = n);
    }
}
