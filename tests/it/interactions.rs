//! Interaction JSON as Discord sends it, for driving the real handler.

use serde_json::{json, Value};

pub const GUILD: u64 = 900_000_000_000_000_001;
pub const CHANNEL: u64 = 900_000_000_000_000_002;
pub const MANAGE_GUILD: u64 = 1 << 5;

static NEXT: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(1_200_000_000_000_000_000);

fn snowflake() -> String {
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .to_string()
}

pub fn user(id: u64) -> Value {
    json!({"id": id.to_string(), "username": format!("member{id}"), "discriminator": "0", "global_name": null, "avatar": null})
}

fn member(user_id: u64, permissions: u64) -> Value {
    json!({
        "user": user(user_id),
        "roles": [],
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": permissions.to_string(),
    })
}

fn base(kind: u8, user_id: u64, permissions: u64, data: Value, in_guild: bool) -> Value {
    let mut v = json!({
        "id": snowflake(),
        "application_id": crate::util::APP_ID.to_string(),
        "type": kind,
        "data": data,
        "channel_id": CHANNEL.to_string(),
        "token": format!("token-{}", snowflake()),
        "version": 1,
        "app_permissions": "2248473465835073",
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD.to_string()},
        "context": if in_guild { 0 } else { 1 },
        "attachment_size_limit": 26214400,
    });
    if in_guild {
        v["guild_id"] = json!(GUILD.to_string());
        v["guild_locale"] = json!("en-US");
        v["member"] = member(user_id, permissions);
    } else {
        v["user"] = user(user_id);
    }
    v
}

/// A slash command; `options` as Discord nests them (subcommands included).
pub fn command(name: &str, options: Value, user_id: u64, permissions: u64) -> Value {
    let data = json!({"id": snowflake(), "name": name, "type": 1, "options": options});
    base(2, user_id, permissions, data, true)
}

pub fn command_with_resolved(
    name: &str,
    options: Value,
    resolved: Value,
    user_id: u64,
    permissions: u64,
) -> Value {
    let data = json!({"id": snowflake(), "name": name, "type": 1, "options": options, "resolved": resolved});
    base(2, user_id, permissions, data, true)
}

pub fn command_in_dm(name: &str, user_id: u64) -> Value {
    base(
        2,
        user_id,
        0,
        json!({"id": snowflake(), "name": name, "type": 1}),
        false,
    )
}

pub fn autocomplete(name: &str, options: Value, user_id: u64) -> Value {
    let data = json!({"id": snowflake(), "name": name, "type": 1, "options": options});
    base(4, user_id, 0, data, true)
}

fn message() -> Value {
    json!({
        "id": snowflake(), "channel_id": CHANNEL.to_string(), "author": user(crate::util::APP_ID),
        "content": "", "timestamp": "2026-01-01T00:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": false, "type": 0, "flags": 0, "components": []
    })
}

pub fn button(custom_id: &str, user_id: u64) -> Value {
    button_as(custom_id, user_id, 0)
}

/// A button pressed by a member with these permissions (e.g. `MANAGE_GUILD`).
pub fn button_as(custom_id: &str, user_id: u64, permissions: u64) -> Value {
    let mut v = base(
        3,
        user_id,
        permissions,
        json!({"custom_id": custom_id, "component_type": 2}),
        true,
    );
    v["message"] = message();
    v
}

pub fn select(custom_id: &str, values: &[&str], user_id: u64) -> Value {
    let mut v = base(
        3,
        user_id,
        0,
        json!({"custom_id": custom_id, "component_type": 3, "values": values}),
        true,
    );
    v["message"] = message();
    v
}

pub fn modal(custom_id: &str, text: &str, user_id: u64) -> Value {
    let data = json!({
        "custom_id": custom_id,
        "components": [{"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": text}]}]
    });
    base(5, user_id, 0, data, true)
}

pub fn ping() -> Value {
    json!({"id": snowflake(), "application_id": crate::util::APP_ID.to_string(), "type": 1, "token": "t", "version": 1})
}
