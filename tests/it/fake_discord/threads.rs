//! Threads in the fake Discord: `POST /channels/{channel}/messages/{message}/threads` starts a
//! public thread from a message the way Discord does. The thread is a channel (type 11) whose id
//! is the message's; the message then carries it (`thread`, as `GET .../messages/{id}` shows),
//! and a second thread on the same message is refused: 400, code 160004.
//!
//! Switches: `refuse_threads` answers every start with a 403 (Missing Permissions 50013, or
//! Missing Access 50001), as Discord does to a bot without Create Public Threads;
//! `fail_threads(n, status, made)` answers the next `n` starts with `status` (a 5xx), having
//! made the thread first when `made` (Discord did it, the answer was lost).

use super::{error, ok, FakeDiscord, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

#[derive(Default)]
pub(super) struct Threads {
    /// Every start answers 403 with this code.
    refuse: Option<u64>,
    /// The next `count` starts answer `status`, after making the thread when `made`.
    failing: Option<(u32, u16, bool)>,
    /// Every thread made, in order.
    made: Vec<Value>,
}

/// `POST /channels/{channel}/messages/{message}/threads`.
pub(super) fn start(
    s: &mut State,
    app_id: u64,
    channel: u64,
    message: u64,
    body: &Value,
) -> Response {
    if let Some(code) = s.threads.refuse {
        let what = if code == 50001 {
            "Missing Access"
        } else {
            "Missing Permissions"
        };
        return error(StatusCode::FORBIDDEN, what, code);
    }
    let known = s
        .messages
        .get(&message)
        .is_some_and(|m| m["channel_id"] == json!(channel.to_string()));
    if !known {
        return error(StatusCode::NOT_FOUND, "Unknown Message", 10008);
    }
    let exists = !s.messages[&message]["thread"].is_null();
    if let Some((count, status, made)) = s.threads.failing.as_mut() {
        if *count > 0 {
            *count -= 1;
            let (status, made) = (*status, *made);
            if made && !exists {
                make(s, app_id, channel, message, body);
            }
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            return error(code, code.canonical_reason().unwrap_or("Error"), 0);
        }
    }
    if exists {
        return error(
            StatusCode::BAD_REQUEST,
            "A thread has already been created for this message",
            160004,
        );
    }
    ok(make(s, app_id, channel, message, body))
}

/// Makes the thread and hangs it on its message.
fn make(s: &mut State, app_id: u64, channel: u64, message: u64, body: &Value) -> Value {
    let now = chrono::Utc::now().to_rfc3339();
    let thread = json!({
        "id": message.to_string(),
        "type": 11,
        "guild_id": crate::interactions::GUILD.to_string(),
        "parent_id": channel.to_string(),
        "owner_id": app_id.to_string(),
        "name": body["name"],
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": body["auto_archive_duration"],
            "archive_timestamp": now,
            "locked": false,
        },
    });
    if let Some(m) = s.messages.get_mut(&message) {
        m["thread"] = thread.clone();
    }
    s.threads.made.push(thread.clone());
    thread
}

impl FakeDiscord {
    /// From now on every thread start is refused with 403 and this code (50013 Missing
    /// Permissions, 50001 Missing Access).
    pub fn refuse_threads(&self, code: u64) {
        self.shared.update(|s| s.threads.refuse = Some(code));
    }

    /// Undoes `refuse_threads` (the permission was granted).
    pub fn allow_threads(&self) {
        self.shared.update(|s| s.threads.refuse = None);
    }

    /// The next `n` thread starts answer `status`; with `made`, Discord made the thread first.
    pub fn fail_threads(&self, n: u32, status: u16, made: bool) {
        self.shared
            .update(|s| s.threads.failing = Some((n, status, made)));
    }

    /// Every thread made so far, in order, as Discord answered it.
    pub fn threads(&self) -> Vec<Value> {
        self.shared.lock().threads.made.clone()
    }
}
