//! Discord's faults, as the admin and the members see them: an answer lost after the message was
//! made, 429 with `retry_after`, 5xx on every attempt, a request that hangs, and nonces honoured
//! as Discord honours them. The fake plays each fault; the bot's real handler and clock meet it.

use crate::fake_discord::FakeDiscord;
use crate::interactions::{self as ix, CHANNEL, GUILD, MANAGE_GUILD};
use crate::rounds::{configure, round_cmd, say};
use crate::spec;
use crate::util::{runtime, test_app};
use interview_bot::discord::{scheduler, App};
use interview_bot::quiz::{GuildId, ManualClock, RoundState};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const POSTS: &str = "/channels/900000000000000002/messages";

async fn start() -> (FakeDiscord, App, ManualClock, tempfile::TempDir) {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = test_app(
        dir.path(),
        &fake.base,
        "2026-06-10T12:00:00Z".parse().unwrap(),
    );
    app.set_retry_delay(Duration::from_millis(10));
    configure(&app, None).await;
    (fake, app, clock, dir)
}

/// The question messages in the channel (they carry answer controls).
fn question_messages(fake: &FakeDiscord) -> Vec<Value> {
    channel_messages(fake)
        .into_iter()
        .filter(|m| m["components"].as_array().is_some_and(|c| !c.is_empty()))
        .collect()
}

/// Every message in the channel, as `GET /channels/{id}/messages` lists them.
fn channel_messages(fake: &FakeDiscord) -> Vec<Value> {
    fake.messages_in(CHANNEL)
}

fn custom_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(String::from))
        .collect()
}

async fn open_round(app: &App) -> interview_bot::quiz::Round {
    app.store()
        .open_round(GuildId(GUILD))
        .await
        .unwrap()
        .expect("an open round")
}

async fn config_show(app: &App) -> String {
    let v = ix::command(
        "config",
        json!([{"name": "show", "type": 1, "options": []}]),
        800,
        MANAGE_GUILD,
    );
    say(app, v).await.1
}

#[test]
fn a_post_whose_answer_is_lost_is_adopted_not_posted_twice() {
    runtime().block_on(async {
        let (fake, app, _clock, _dir) = start().await;
        fake.lose_reply_bodies(1);
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("Posted today's question"), "{text}");
        let posts = fake.requests_to("POST", POSTS);
        assert_eq!(posts.len(), 2, "the lost answer is asked again");
        assert_eq!(
            posts[0].body["nonce"], posts[1].body["nonce"],
            "a retry keeps its nonce, so Discord answers with the message it made"
        );
        let shown = question_messages(&fake);
        assert_eq!(shown.len(), 1, "one question in the channel");
        let round = open_round(&app).await;
        assert_eq!(
            round.message.map(|m| m.0.to_string()),
            shown[0]["id"].as_str().map(String::from),
            "the round is the message members see"
        );
        assert!(custom_ids(&shown[0])
            .iter()
            .all(|id| id.split(':').nth(2) == Some(&round.id.0.to_string())));
        spec::validate("message", &[posts[0].body.clone()]);
    });
}

#[test]
fn a_post_never_confirmed_is_kept_and_the_clock_finds_it_instead_of_posting_again() {
    runtime().block_on(async {
        let (fake, app, clock, _dir) = start().await;
        fake.lose_reply_bodies(100);
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(
            text.contains("couldn't confirm") && text.contains("nothing is lost"),
            "{text}"
        );
        let round = open_round(&app).await;
        assert!(round.message.is_none(), "not known to be posted yet");
        assert_eq!(question_messages(&fake).len(), 1, "Discord made it once");
        let status = config_show(&app).await;
        assert!(status.contains("not confirmed"), "{status}");

        fake.lose_reply_bodies(0);
        clock.advance(chrono::Duration::minutes(2));
        let made = fake.requests_to("POST", POSTS).len();
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!(r.posted, 1, "{r:?}");
        assert_eq!(
            fake.requests_to("POST", POSTS).len(),
            made,
            "found by looking, not posted again"
        );
        let round = open_round(&app).await;
        let shown = question_messages(&fake);
        assert_eq!(shown.len(), 1);
        assert_eq!(
            round.message.map(|m| m.0.to_string()),
            shown[0]["id"].as_str().map(String::from)
        );
        assert!(!config_show(&app).await.contains("not confirmed"));
    });
}

#[test]
fn a_refused_post_retires_its_round_id_so_the_next_round_has_another_nonce() {
    runtime().block_on(async {
        let (fake, app, clock, _dir) = start().await;
        fake.fail_channel(CHANNEL, 403);
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("I couldn't post in"), "{text}");
        fake.heal_channel(CHANNEL);
        clock.advance(chrono::Duration::minutes(1));
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("Posted today's question"), "{text}");
        let posts = fake.requests_to("POST", POSTS);
        assert_eq!(posts.len(), 2);
        assert_ne!(
            posts[0].body["nonce"], posts[1].body["nonce"],
            "Discord would answer a reused nonce with the old message"
        );
        let first: u64 = posts[0].body["nonce"].as_str().unwrap()[1..]
            .split('-')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let round = open_round(&app).await;
        assert!(round.id.0 as u64 > first, "round ids are never reused");
        // A member's click on the shown question is graded against that question.
        let shown = question_messages(&fake);
        assert_eq!(shown.len(), 1);
        assert!(custom_ids(&shown[0])
            .iter()
            .all(|id| id.split(':').nth(2) == Some(&round.id.0.to_string())));
    });
}

#[test]
fn a_reveal_discord_refuses_stays_pending_is_retried_soon_and_can_be_asked_again() {
    runtime().block_on(async {
        let (fake, app, clock, _dir) = start().await;
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("Posted"), "{text}");
        let round = open_round(&app).await;
        fake.fail_channel(CHANNEL, 500);

        let (_, text) = say(&app, round_cmd("reveal")).await;
        assert!(
            text.contains("could not be posted") && text.contains("`/round reveal` again"),
            "the admin is told the truth: {text}"
        );
        let stored = app.store().round(round.id).await.unwrap().unwrap();
        assert_eq!(stored.state, RoundState::Closed, "no more answers");
        let retry = app
            .store()
            .retry_at(round.id)
            .await
            .unwrap()
            .expect("a retry");
        assert!(
            retry <= app.now() + chrono::Duration::minutes(5),
            "retried soon, not at the old closing time: {retry}"
        );
        assert!(config_show(&app).await.contains("reveal"));

        let tries = fake.requests_to("POST", POSTS).len();
        let (_, text) = say(&app, round_cmd("reveal")).await;
        assert!(
            !text.contains("no open round") && text.contains("could not be posted"),
            "{text}"
        );
        assert!(fake.requests_to("POST", POSTS).len() > tries, "tried again");

        fake.heal_channel(CHANNEL);
        clock.advance(chrono::Duration::minutes(2));
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!(r.revealed, 1, "{r:?}");
        let reveals: Vec<Value> = channel_messages(&fake)
            .into_iter()
            .filter(|m| !m["message_reference"].is_null())
            .collect();
        assert_eq!(reveals.len(), 1, "revealed once");
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!(r.revealed, 0);
        let question = fake.message(round.message.unwrap().0).unwrap();
        assert!(
            question["components"][0]["components"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["disabled"] == json!(true)),
            "the buttons are off"
        );
    });
}

#[test]
fn a_rate_limit_is_waited_out_as_long_as_discord_asks() {
    runtime().block_on(async {
        let (fake, app, _clock, _dir) = start().await;
        fake.rate_limit(1, 1.5, false);
        let t = Instant::now();
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("Posted"), "{text}");
        assert!(
            t.elapsed() >= Duration::from_millis(1500),
            "waited {:?}, not the backoff",
            t.elapsed()
        );
        assert_eq!(fake.requests_to("POST", POSTS).len(), 2);
        assert_eq!(question_messages(&fake).len(), 1);
    });
}

#[test]
fn a_long_rate_limit_keeps_the_round_and_the_status_says_so() {
    runtime().block_on(async {
        let (fake, app, clock, _dir) = start().await;
        app.set_rest_limits(Duration::from_secs(2), Duration::from_secs(3));
        fake.rate_limit(1, 30.0, false);
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("rate limiting"), "{text}");
        let status = config_show(&app).await;
        assert!(
            status.contains("Rate limited by Discord") && !status.contains("decode"),
            "{status}"
        );
        assert_eq!(fake.requests_to("POST", POSTS).len(), 1, "not hammered");
        clock.advance(chrono::Duration::seconds(10));
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!(r.posted, 0, "not before Discord's time");
        clock.advance(chrono::Duration::seconds(25));
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!(r.posted, 1, "{r:?}");
        assert_eq!(question_messages(&fake).len(), 1);
    });
}

#[test]
fn a_hung_request_is_given_up_and_retried_with_the_same_nonce() {
    runtime().block_on(async {
        let (fake, app, _clock, _dir) = start().await;
        app.set_rest_limits(Duration::from_millis(300), Duration::from_secs(10));
        fake.hang(1);
        let t = Instant::now();
        let (_, text) = say(&app, round_cmd("post-now")).await;
        assert!(text.contains("Posted"), "{text}");
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the handler is not held"
        );
        let posts = fake.requests_to("POST", POSTS);
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].body["nonce"], posts[1].body["nonce"]);
        assert_eq!(
            question_messages(&fake).len(),
            1,
            "made once, though asked twice"
        );
    });
}
