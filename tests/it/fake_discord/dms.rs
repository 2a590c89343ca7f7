//! Direct messages in the fake Discord: `POST /users/@me/channels` opens a member's DM channel
//! (the same one each time, as Discord does), and messages are posted there like in any channel.
//! A member whose DMs are closed (`close_dms`) gets what Discord answers then: 403 "Cannot send
//! messages to this user" (code 50007) on the post.

use super::{error, ok, FakeDiscord, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub(super) struct Dms {
    /// Member -> their DM channel.
    channels: HashMap<u64, u64>,
    /// Members whose DMs are closed.
    closed: HashSet<u64>,
}

/// `POST /users/@me/channels` with `{"recipient_id": ID}`: the DM channel, as Discord answers it.
pub(super) fn open(s: &mut State, body: &Value) -> Response {
    let Some(user) = body["recipient_id"]
        .as_str()
        .and_then(|u| u.parse::<u64>().ok())
    else {
        return error(StatusCode::BAD_REQUEST, "Invalid Form Body", 50035);
    };
    let channel = match s.dms.channels.get(&user) {
        Some(c) => *c,
        None => {
            let c = s.fresh_id();
            s.dms.channels.insert(user, c);
            c
        }
    };
    ok(json!({
        "id": channel.to_string(),
        "type": 1,
        "last_message_id": null,
        "flags": 0,
        "recipients": [crate::interactions::user(user)],
    }))
}

/// Whether a post to this channel goes to a member whose DMs are closed.
pub(super) fn refuses(s: &State, channel: u64) -> bool {
    s.dms
        .channels
        .iter()
        .any(|(user, c)| *c == channel && s.dms.closed.contains(user))
}

pub(super) fn cannot_send() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "Cannot send messages to this user",
        50007,
    )
}

impl FakeDiscord {
    /// From now on, direct messages to this member fail as Discord fails them.
    pub fn close_dms(&self, user: u64) {
        self.shared.update(|s| s.dms.closed.insert(user));
    }

    /// The member's DM channel, once the bot opened it.
    pub fn dm_channel(&self, user: u64) -> Option<u64> {
        self.shared.lock().dms.channels.get(&user).copied()
    }
}
