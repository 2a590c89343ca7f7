//! `/round post-now`, `skip` and `reveal` through the handler, posting to a fake Discord's REST.

use crate::fake_discord::FakeDiscord;
use crate::interactions::{self as ix, CHANNEL, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{runtime, test_app};
use interview_bot::quiz::{GuildId, RoleId, RoundState};
use serde_json::{json, Value};
use serenity::all::Interaction;
use std::time::Duration;

const ADMIN: u64 = 800;
const WAIT: Duration = Duration::from_secs(10);

pub async fn say(app: &interview_bot::discord::App, v: Value) -> (Value, String) {
    let i: Interaction = serde_json::from_value(v).unwrap();
    let body = serde_json::to_value(
        interview_bot::discord::handle(app, &i)
            .await
            .into_response(),
    )
    .unwrap();
    let text = format!(
        "{} {}",
        body["data"]["content"].as_str().unwrap_or(""),
        body["data"]["embeds"]
    );
    (body, text)
}

pub fn round_cmd(sub: &str) -> Value {
    ix::command(
        "round",
        json!([{"name": sub, "type": 1, "options": []}]),
        ADMIN,
        MANAGE_GUILD,
    )
}

/// A fake Discord and an App on a fresh database pointed at it, at noon UTC on 10 June.
pub async fn start() -> (FakeDiscord, interview_bot::discord::App, tempfile::TempDir) {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = test_app(
        dir.path(),
        &fake.base,
        "2026-06-10T12:00:00Z".parse().unwrap(),
    );
    (fake, app, dir)
}

pub async fn configure(app: &interview_bot::discord::App, role: Option<u64>) {
    let mut s = app.store().settings(GuildId(GUILD)).await.unwrap();
    s.channel = Some(interview_bot::quiz::ChannelId(CHANNEL));
    s.role = role.map(RoleId);
    app.store().save_settings(s, None).await.unwrap();
}

#[test]
fn post_now_posts_once_with_the_role_pinged_and_reveal_disables_the_controls() {
    runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("No channel is set"), "{text}");

        configure(&app, Some(4242)).await;
        let (reply, text) = say(&app, round_cmd("post-now")).await;
        assert!(
            text.contains(&format!("Posted today's question in <#{CHANNEL}>")),
            "{text}"
        );
        let post = fake
            .wait_for("POST", &format!("/channels/{CHANNEL}/messages"), WAIT)
            .await;
        assert_eq!(post.body["content"], "<@&4242>");
        assert_eq!(
            post.body["allowed_mentions"]["roles"],
            json!(["4242"]),
            "only the role may ping"
        );
        assert_eq!(post.body["allowed_mentions"]["parse"], json!([]));
        assert!(post.body["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Question of the day"));
        let round = app
            .store()
            .open_round(GuildId(GUILD))
            .await
            .unwrap()
            .expect("an open round");
        assert!(
            round.message.is_some(),
            "the message id is stored with the round"
        );

        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("already open"), "{text}");
        assert_eq!(
            fake.requests_to("POST", &format!("/channels/{CHANNEL}/messages"))
                .len(),
            1,
            "posted once"
        );

        let (_, text) = say(&app, round_cmd("reveal")).await;
        assert!(text.contains("Closed the round: 0 answers"), "{text}");
        let edit = fake
            .wait_for("PATCH", &format!("/channels/{CHANNEL}/messages/"), WAIT)
            .await;
        let disabled: Vec<bool> = edit.body["components"][0]["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["disabled"].as_bool().unwrap_or(false))
            .collect();
        assert!(
            !disabled.is_empty() && disabled.iter().all(|d| *d),
            "{}",
            edit.body
        );
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(
            text.contains("already had its round"),
            "one round a day: {text}"
        );

        spec::validate("message", &[post.body]);
        spec::validate("message-edit", &[edit.body]);
        spec::validate("callback", &[reply]);
    });
}

#[test]
fn a_failed_post_is_explained_and_leaves_the_day_free() {
    runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        fake.fail_channel(CHANNEL, 403);
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(
            text.contains("I couldn't post in") && text.contains("send messages"),
            "{text}"
        );
        assert!(
            app.store()
                .open_round(GuildId(GUILD))
                .await
                .unwrap()
                .is_none(),
            "nothing half-posted"
        );
        fake.heal_channel(CHANNEL);
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(
            text.contains("Posted today's question"),
            "the day can be posted once fixed: {text}"
        );
    });
}

#[test]
fn skip_stops_the_open_round_or_the_day() {
    runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        let (_, text) = say(&app, round_cmd("skip")).await;
        assert!(text.contains("is skipped"), "{text}");
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("was skipped"), "{text}");

        let dir2 = tempfile::tempdir().unwrap();
        let (app2, _) = test_app(
            dir2.path(),
            &fake.base,
            "2026-06-10T12:00:00Z".parse().unwrap(),
        );
        configure(&app2, None).await;
        say(&app2, round_cmd("post-now")).await;
        let open = app2
            .store()
            .open_round(GuildId(GUILD))
            .await
            .unwrap()
            .unwrap();
        let (_, text) = say(&app2, round_cmd("skip")).await;
        assert!(text.contains("Skipped the open round"), "{text}");
        assert_eq!(
            app2.store().round(open.id).await.unwrap().unwrap().state,
            RoundState::Skipped
        );
        let (_, text) = say(&app2, ix::button(&format!("1:t:{}", open.id.0), 5)).await;
        assert!(text.contains("round is closed"), "{text}");
    });
}

#[test]
fn slow_work_is_deferred_and_finished_by_editing_the_original_response() {
    runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        let i: Interaction = serde_json::from_value(ix::command("help", json!([]), 5, 0)).unwrap();
        // A budget of nothing: the reply must come as a deferral, then an edit.
        let now = interview_bot::discord::respond::respond(&app, i, Duration::ZERO).await;
        let now = serde_json::to_value(now).unwrap();
        assert_eq!(now["type"], 5, "deferred: {now}");
        assert_eq!(now["data"]["flags"], 64);
        let edit = fake.wait_for("PATCH", "/webhooks/", WAIT).await;
        assert!(edit.path.ends_with("/messages/@original"), "{}", edit.path);
        assert_eq!(edit.body["embeds"][0]["title"], "interview-bot");
        spec::validate("callback", &[now]);
        spec::validate("followup-edit", &[edit.body]);
    });
}

#[test]
fn an_answer_after_the_close_is_told_so_and_shown_the_reveal() {
    runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        say(&app, round_cmd("post-now")).await;
        let round = app
            .store()
            .open_round(GuildId(GUILD))
            .await
            .unwrap()
            .unwrap();
        let (_, text) = say(&app, round_cmd("reveal")).await;
        assert!(text.contains("The reveal is posted"), "{text}");
        let reveal = fake
            .wait_for("POST", &format!("/channels/{CHANNEL}/messages"), WAIT)
            .await;
        // The last message posted (the discussion thread is started after it).
        let reveal = fake
            .requests_to("POST", &format!("/channels/{CHANNEL}/messages"))
            .into_iter()
            .rfind(|r| r.path.ends_with("/messages"))
            .unwrap_or(reveal);
        assert_eq!(
            reveal.body["message_reference"]["message_id"],
            round.message.unwrap().0.to_string(),
            "a reply to the question"
        );
        let q = app.bank().get(&round.question).unwrap();
        let control = match q.kind {
            interview_bot::bank::Kind::Choice { .. }
            | interview_bot::bank::Kind::TrueFalse { .. } => format!("1:a:{}:0", round.id.0),
            interview_bot::bank::Kind::Multi { .. } => format!("1:m:{}", round.id.0),
            _ => format!("1:t:{}", round.id.0),
        };
        let (body, text) = say(&app, ix::button(&control, 77)).await;
        assert!(
            text.contains("round is closed") && text.contains("The answer"),
            "{text}"
        );
        assert!(app
            .store()
            .member_answer(round.id, interview_bot::quiz::UserId(77))
            .await
            .unwrap()
            .is_none());
        spec::validate("message", &[reveal.body]);
        spec::validate("callback", &[body]);
    });
}
