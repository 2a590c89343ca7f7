//! Members' roles in the fake Discord: `PUT`/`DELETE /guilds/{guild}/members/{user}/roles/{role}`
//! give and take a role the way Discord does (204), and `GET /guilds/{guild}/roles` and
//! `GET /guilds/{guild}/members/{user}` tell the bot where its own role stands, once a test set
//! the server's roles (before that they answer 404, and the bot cannot tell).
//!
//! Switches: `refuse_role` answers every call on a role 403 Missing Permissions (50013), as
//! Discord does for a role above the bot's or without Manage Roles; `delete_role` makes it 404
//! Unknown Role (10011); `member_leaves` makes a member 404 Unknown Member (10007);
//! `fail_role_calls(n, status)` answers the next `n` role calls with a 5xx.

use super::{error, ok, FakeDiscord, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Manage Roles.
pub const MANAGE_ROLES: u64 = 1 << 28;

#[derive(Default)]
pub(super) struct Roles {
    /// The server's roles as Discord lists them, once set.
    server: Option<Vec<Value>>,
    /// The bot member's roles.
    bot_roles: Vec<u64>,
    /// Each member's roles.
    held: HashMap<u64, BTreeSet<u64>>,
    refused: HashSet<u64>,
    deleted: HashSet<u64>,
    left: HashSet<u64>,
    /// The next `count` role calls answer `status`.
    failing: Option<(u32, u16)>,
}

/// One of the server's roles, for `set_server_roles`.
pub struct ServerRole {
    pub id: u64,
    pub position: u16,
    pub managed: bool,
    pub permissions: u64,
}

/// The routes under `/guilds/{guild}` this file plays; `None` for any other.
pub(super) fn route(
    s: &mut State,
    app_id: u64,
    r: &Request,
    segments: &[&str],
) -> Option<Response> {
    let id = |seg: &str| seg.parse::<u64>().ok();
    Some(match (r.method.as_str(), segments) {
        (method @ ("PUT" | "DELETE"), ["guilds", _, "members", user, "roles", role]) => {
            let (Some(user), Some(role)) = (id(user), id(role)) else {
                return Some(error(StatusCode::NOT_FOUND, "404: Not Found", 0));
            };
            member_role(s, method == "PUT", user, role)
        }
        ("GET", ["guilds", guild, "roles"]) => match &s.roles.server {
            Some(roles) => {
                let mut roles = roles.clone();
                roles.push(role_json(id(guild).unwrap_or(0), 0, false, 0));
                ok(Value::Array(roles))
            }
            None => error(StatusCode::NOT_FOUND, "Unknown Guild", 10004),
        },
        ("GET", ["guilds", _, "members", user]) => match (&s.roles.server, id(user)) {
            (Some(_), Some(user)) if user == app_id => ok(member_json(user, &s.roles.bot_roles)),
            (Some(_), Some(user)) => {
                let held: Vec<u64> = s
                    .roles
                    .held
                    .get(&user)
                    .into_iter()
                    .flatten()
                    .copied()
                    .collect();
                ok(member_json(user, &held))
            }
            _ => error(StatusCode::NOT_FOUND, "Unknown Member", 10007),
        },
        _ => return None,
    })
}

fn member_role(s: &mut State, give: bool, user: u64, role: u64) -> Response {
    let roles = &mut s.roles;
    if let Some((count, status)) = roles.failing.as_mut() {
        if *count > 0 {
            *count -= 1;
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            return error(code, code.canonical_reason().unwrap_or("Error"), 0);
        }
    }
    if roles.left.contains(&user) {
        return error(StatusCode::NOT_FOUND, "Unknown Member", 10007);
    }
    if roles.deleted.contains(&role) {
        return error(StatusCode::NOT_FOUND, "Unknown Role", 10011);
    }
    if roles.refused.contains(&role) {
        return error(StatusCode::FORBIDDEN, "Missing Permissions", 50013);
    }
    let held = roles.held.entry(user).or_default();
    if give {
        held.insert(role);
    } else {
        held.remove(&role);
    }
    StatusCode::NO_CONTENT.into_response()
}

fn role_json(id: u64, position: u16, managed: bool, permissions: u64) -> Value {
    json!({
        "id": id.to_string(),
        "name": format!("role{id}"),
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": managed,
        "mentionable": false,
        "flags": 0,
    })
}

fn member_json(user: u64, roles: &[u64]) -> Value {
    json!({
        "user": crate::interactions::user(user),
        "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
    })
}

impl FakeDiscord {
    /// The server's roles (besides @everyone, which has no permissions) and the bot's own:
    /// from now on the bot can tell where its role stands.
    pub fn set_server_roles(&self, roles: &[ServerRole], bot_roles: &[u64]) {
        let list = roles
            .iter()
            .map(|r| role_json(r.id, r.position, r.managed, r.permissions))
            .collect();
        self.shared.update(|s| {
            s.roles.server = Some(list);
            s.roles.bot_roles = bot_roles.to_vec();
        });
    }

    /// Every call on `role` answers 403 Missing Permissions (50013).
    pub fn refuse_role(&self, role: u64) {
        self.shared.update(|s| s.roles.refused.insert(role));
    }

    /// Undoes `refuse_role` (the admin fixed the role).
    pub fn allow_role(&self, role: u64) {
        self.shared.update(|s| s.roles.refused.remove(&role));
    }

    /// `role` is deleted: calls on it answer 404 Unknown Role (10011).
    pub fn delete_role(&self, role: u64) {
        self.shared.update(|s| s.roles.deleted.insert(role));
    }

    /// `user` left the server: calls on them answer 404 Unknown Member (10007).
    pub fn member_leaves(&self, user: u64) {
        self.shared.update(|s| s.roles.left.insert(user));
    }

    /// The next `n` role calls answer `status` (a 5xx).
    pub fn fail_role_calls(&self, n: u32, status: u16) {
        self.shared.update(|s| s.roles.failing = Some((n, status)));
    }

    /// The roles `user` holds now.
    pub fn member_roles(&self, user: u64) -> Vec<u64> {
        self.shared
            .lock()
            .roles
            .held
            .get(&user)
            .map(|r| r.iter().copied().collect())
            .unwrap_or_default()
    }
}
