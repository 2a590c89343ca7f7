//! The gateway runner end to end: the real `run` (serenity's client, our handler) against the fake
//! Discord in `fake_discord.rs` — REST through the proxy, the WebSocket gateway on 127.0.0.1.

use crate::fake_discord::{FakeDiscord, WAIT};
use crate::{spec, util};
use interview_bot::discord::gateway::{run, Scope};
use serde_json::{json, Value};
use std::future::Future;
use std::time::Duration;
use tokio::task::JoinHandle;

const GUILD: u64 = 1_100_000_000_000_000_101;
const CHANNEL: u64 = 1_100_000_000_000_000_202;
const MEMBER: u64 = 1_100_000_000_000_000_303;

/// Runs a test on its own runtime. The shutdown is bounded: serenity's shard runner task outlives
/// the aborted `run` (the shard manager spawned it), and should it ever be spinning (it does once
/// its WebSocket stream has ended, until a heartbeat is due) the runtime's drop would wait for it.
fn block_on<F: Future>(test: F) -> F::Output {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let out = rt.block_on(test);
    rt.shutdown_timeout(Duration::from_secs(5));
    out
}

/// Shows the runner's and serenity's warnings when a test fails (`RUST_LOG` overrides).
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,interview_bot=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// The runner connected to a fake Discord, on a fresh database.
struct Bot {
    fake: FakeDiscord,
    runner: JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.runner.abort();
    }
}

/// Starts the fake and the real runner (installing the commands globally on READY), and waits
/// until the session is READY.
async fn start_bot() -> Bot {
    init_logs();
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let now = "2024-05-06T10:00:00Z".parse().unwrap();
    let (app, _clock) = util::test_app(dir.path(), &fake.base, now);
    let http =
        interview_bot::discord::app::rest_client("test-token", util::APP_ID, Some(&fake.base));
    let runner = tokio::spawn(run(app, http, Some(Scope::Global)));
    let mut bot = Bot {
        fake,
        runner,
        _dir: dir,
    };
    until(&mut bot.runner, &bot.fake, bot.fake.wait_ready()).await;
    bot
}

/// Awaits `fut`, failing at once (instead of at the wait's timeout) when the runner ends first.
async fn until<T>(
    runner: &mut JoinHandle<anyhow::Result<()>>,
    fake: &FakeDiscord,
    fut: impl Future<Output = T>,
) -> T {
    tokio::select! {
        biased;
        out = fut => out,
        ended = runner => panic!("the runner ended: {ended:?}\n{}", fake.describe()),
    }
}

fn member_json() -> Value {
    json!({
        "user": {
            "id": MEMBER.to_string(),
            "username": "ada",
            "discriminator": "0",
            "global_name": "Ada",
            "avatar": null,
            "public_flags": 0,
            "flags": 0,
            "banner": null,
            "accent_color": null,
            "avatar_decoration_data": null,
            "collectibles": null,
            "clan": null,
            "primary_guild": null
        },
        "roles": [],
        "premium_since": null,
        "permissions": "0",
        "pending": false,
        "nick": null,
        "mute": false,
        "joined_at": "2023-11-02T18:04:11.512000+00:00",
        "flags": 0,
        "deaf": false,
        "communication_disabled_until": null,
        "banner": null,
        "avatar": null,
        "unusual_dm_activity_until": null
    })
}

fn channel_json() -> Value {
    json!({
        "id": CHANNEL.to_string(),
        "type": 0,
        "guild_id": GUILD.to_string(),
        "name": "interview-prep",
        "position": 3,
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
        "permissions": "2248473465835073"
    })
}

/// The fields every interaction carries, as Discord sends them from a guild text channel.
fn interaction(id: u64, kind: u8, token: &str, data: Value) -> Value {
    json!({
        "id": id.to_string(),
        "application_id": util::APP_ID.to_string(),
        "type": kind,
        "data": data,
        "guild": {"id": GUILD.to_string(), "locale": "en-US", "features": []},
        "guild_id": GUILD.to_string(),
        "channel": channel_json(),
        "channel_id": CHANNEL.to_string(),
        "member": member_json(),
        "token": token,
        "version": 1,
        "app_permissions": "2248473465835073",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD.to_string()},
        "context": 0,
        "attachment_size_limit": 10_485_760
    })
}

/// `/name` with no options.
pub fn slash(id: u64, token: &str, name: &str) -> Value {
    interaction(
        id,
        2,
        token,
        json!({"id": "1300000000000000900", "name": name, "type": 1}),
    )
}

/// A click on a button with `custom_id` on an earlier message of the bot.
fn click(id: u64, token: &str, custom_id: &str) -> Value {
    let mut i = interaction(
        id,
        3,
        token,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    i["message"] = json!({
        "id": "1300000000000000777",
        "channel_id": CHANNEL.to_string(),
        "guild_id": GUILD.to_string(),
        "author": {
            "id": util::APP_ID.to_string(),
            "username": "interview-bot",
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": true,
            "public_flags": 0,
            "flags": 0
        },
        "content": "",
        "timestamp": "2024-05-05T09:00:00.123000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [{"type": "rich", "title": "An older question", "color": 3447003, "fields": []}],
        "components": [{
            "type": 1,
            "id": 1,
            "components": [{"type": 2, "id": 2, "style": 1, "label": "Answer", "custom_id": custom_id}]
        }],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "application_id": util::APP_ID.to_string()
    });
    i
}

pub fn callback_path(id: u64, token: &str) -> String {
    format!("/interactions/{id}/{token}/callback")
}

#[test]
fn the_runner_identifies_with_guilds_only_and_installs_the_commands() {
    block_on(async {
        let mut bot = start_bot().await;
        let fake = &bot.fake;

        // ClientBuilder asked REST for the gateway first, then connected there.
        let first = &fake.requests()[0];
        assert_eq!(
            (first.method.as_str(), first.path.as_str()),
            ("GET", "/gateway"),
            "{}",
            fake.describe()
        );
        assert_eq!(fake.connections(), 1);

        // IDENTIFY: the GUILDS intent only (no privileged Message Content), with the token.
        let identify = fake.identify().expect("the runner identified");
        assert_eq!(identify["intents"], json!(1), "intents: {identify}");
        let token = identify["token"].as_str().expect("a token");
        assert_eq!(token.strip_prefix("Bot ").unwrap_or(token), "test-token");
        assert_eq!(identify["shard"], json!([0, 1]));
        let identifies = fake
            .gateway_received()
            .iter()
            .filter(|p| p["op"] == 2)
            .count();
        assert_eq!(identifies, 1, "one IDENTIFY for one session");

        // On READY: one bulk overwrite of the global commands.
        let path = format!("/applications/{}/commands", util::APP_ID);
        let put = until(&mut bot.runner, fake, fake.wait_for("PUT", &path, WAIT)).await;
        assert_eq!(put.path, path);
        assert_eq!(put.authorization.as_deref(), Some("Bot test-token"));
        spec::validate("commands", std::slice::from_ref(&put.body));
        let mut names: Vec<&str> = put
            .body
            .as_array()
            .expect("a list of commands")
            .iter()
            .map(|c| c["name"].as_str().expect("a name"))
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "admin",
                "ask",
                "config",
                "daily",
                "export",
                "grades",
                "help",
                "leaderboard",
                "past",
                "quiz",
                "review",
                "round",
                "stats",
                "suggest",
                "suggestions"
            ]
        );
        assert!(
            fake.requests_to("PUT", "/applications/").len() == 1,
            "a single install:\n{}",
            fake.describe()
        );
    });
}

#[test]
fn help_over_the_gateway_is_answered_with_a_private_embed() {
    block_on(async {
        let mut bot = start_bot().await;
        let (id, token) = (1_300_000_000_000_001_001, "aW50ZXJhY3Rpb246aGVscDp0b2tlbg");
        let seq = bot.fake.send_interaction(slash(id, token, "help")).await;
        assert!(seq > 1, "dispatches follow READY (s {seq})");

        let fake = &bot.fake;
        let callback = until(
            &mut bot.runner,
            fake,
            fake.wait_for("POST", &callback_path(id, token), WAIT),
        )
        .await;
        let body = &callback.body;
        assert_eq!(body["type"], json!(4), "a message response: {body}");
        let flags = body["data"]["flags"].as_u64().unwrap_or(0);
        assert_eq!(flags & 64, 64, "ephemeral: {body}");
        assert_eq!(
            body["data"]["embeds"][0]["title"],
            json!("interview-bot"),
            "{body}"
        );
        spec::validate("callback", std::slice::from_ref(body));
        assert_eq!(callback.authorization.as_deref(), Some("Bot test-token"));
        assert_eq!(
            fake.requests_to("POST", "/interactions/").len(),
            1,
            "one answer:\n{}",
            fake.describe()
        );
    });
}

#[test]
fn a_click_on_an_unknown_button_is_answered_privately() {
    block_on(async {
        let mut bot = start_bot().await;
        let (id, token) = (1_300_000_000_000_002_002, "aW50ZXJhY3Rpb246Y2xpY2s6dG9rZW4");
        bot.fake.send_interaction(click(id, token, "0:zz")).await;

        let fake = &bot.fake;
        let callback = until(
            &mut bot.runner,
            fake,
            fake.wait_for("POST", &callback_path(id, token), WAIT),
        )
        .await;
        let body = &callback.body;
        assert_eq!(
            body["type"],
            json!(4),
            "a new message, not an update: {body}"
        );
        let flags = body["data"]["flags"].as_u64().unwrap_or(0);
        assert_eq!(flags & 64, 64, "ephemeral: {body}");
        assert_eq!(
            body["data"]["content"],
            json!(interview_bot::discord::text::UNKNOWN_CONTROL),
            "{body}"
        );
        spec::validate("callback", std::slice::from_ref(body));
    });
}
