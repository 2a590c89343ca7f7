//! Charts as members get them: `/stats` answers with a deferral and then an edit of the
//! original response sent as multipart (the embed shows `attachment://stats.png`, the file part
//! is a PNG under 200 KB, the `payload_json` part is spec-valid); a member with no history gets a
//! friendly line and no file; when Discord refuses the file the text stats still arrive. The
//! reveal posts its score histogram the same way, and a round nobody answered gets none.

use crate::fake_discord::multipart::FilePart;
use crate::fake_discord::{FakeDiscord, Request};
use crate::interactions::{self as ix, CHANNEL, GUILD};
use crate::rounds::{configure, round_cmd, say, start};
use crate::spec;
use interview_bot::bank::Kind;
use interview_bot::discord::App;
use interview_bot::quiz::{ChannelId, GuildId, NewRound, Round};
use serde_json::{json, Value};
use serenity::all::Interaction;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);
const ADA: u64 = 701;
const BOB: u64 = 702;

/// A round on a true/false question, open now, and the right option's index.
async fn tf_round(app: &App) -> (Round, bool) {
    let now = app.now();
    let q = app
        .bank()
        .questions()
        .iter()
        .find(|q| matches!(q.kind, Kind::TrueFalse { .. }))
        .unwrap();
    let Kind::TrueFalse { answer } = q.kind else {
        unreachable!()
    };
    let round = app
        .store()
        .create_round(NewRound {
            guild: GuildId(GUILD),
            day: now.date_naive(),
            question: q.id.0.clone(),
            topic: q.topic.clone(),
            difficulty: q.difficulty,
            seed: 11,
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::hours(20),
            channel: Some(ChannelId(CHANNEL)),
        })
        .await
        .unwrap()
        .unwrap();
    (round, answer)
}

/// `/stats` through the shared responder (both transports use it), with Discord's budget.
async fn stats(app: &App, user: u64) -> Value {
    let i: Interaction = serde_json::from_value(ix::command("stats", json!([]), user, 0)).unwrap();
    let r = interview_bot::discord::respond::respond(app, i, Duration::from_secs(2)).await;
    serde_json::to_value(r).unwrap()
}

/// Checks a file part is the PNG the embed names, small, and decodes; returns its size.
fn check_png(part: &FilePart, name: &str) -> (u32, u32) {
    assert_eq!(part.field, "files[0]");
    assert_eq!(part.filename.as_deref(), Some(name));
    assert_eq!(part.content_type.as_deref(), Some("image/png"));
    assert!(part.bytes.len() < 200 * 1024, "{} bytes", part.bytes.len());
    assert_eq!(&part.bytes[..8], b"\x89PNG\r\n\x1a\n");
    let mut reader = png::Decoder::new(part.bytes.as_slice())
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("the PNG decodes");
    (info.width, info.height)
}

fn edits(fake: &FakeDiscord) -> Vec<Request> {
    fake.requests_to("PATCH", "/webhooks/")
}

#[test]
fn stats_attach_the_members_chart_as_a_multipart_edit_of_the_deferral() {
    crate::util::runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        let (round, right) = tf_round(&app).await;
        say(
            &app,
            ix::button(&format!("1:a:{}:{}", round.id.0, u8::from(right)), ADA),
        )
        .await;

        let now = stats(&app, ADA).await;
        assert_eq!(
            now["type"], 5,
            "a picture cannot ride in the response body: {now}"
        );
        assert_eq!(now["data"]["flags"], 64, "private");
        let edit = fake.wait_for("PATCH", "/webhooks/", WAIT).await;
        assert!(edit.path.ends_with("/messages/@original"), "{}", edit.path);
        assert_eq!(edit.files.len(), 1, "one file part");
        let (w, h) = check_png(&edit.files[0], "stats.png");
        assert_eq!(w, 800);
        assert!(h > 400, "two panels: {h}");
        let embed = &edit.body["embeds"][0];
        assert_eq!(embed["image"]["url"], "attachment://stats.png");
        let attachments = edit.body["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 1);
        assert_eq!(attachments[0]["id"], "0", "names the part files[0]");
        assert_eq!(attachments[0]["filename"], "stats.png");
        // The text stats ride along.
        let fields = embed["fields"].to_string();
        assert!(
            fields.contains("Answers") && fields.contains("Streak"),
            "{fields}"
        );
        assert!(!fields.contains("Progress chart"));
        spec::validate("callback", &[now]);
        spec::validate("followup-edit", std::slice::from_ref(&edit.body));
    });
}

#[test]
fn a_member_with_no_history_gets_a_friendly_line_and_no_file() {
    crate::util::runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        let now = stats(&app, BOB).await;
        assert_eq!(now["type"], 4, "answered at once: {now}");
        let fields = now["data"]["embeds"][0]["fields"].as_array().unwrap();
        let chart = fields
            .iter()
            .find(|f| f["name"] == "Progress chart")
            .expect("a line where the chart would be");
        assert!(chart["value"]
            .as_str()
            .unwrap()
            .contains("Nothing to chart yet"));
        assert!(
            now["data"]["attachments"]
                .as_array()
                .is_none_or(Vec::is_empty),
            "no attachment: {now}"
        );
        assert!(edits(&fake).is_empty(), "no edit, no file");
        spec::validate("callback", &[now]);
    });
}

#[test]
fn when_discord_refuses_the_chart_the_text_stats_still_arrive() {
    crate::util::runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        let (round, right) = tf_round(&app).await;
        say(
            &app,
            ix::button(&format!("1:a:{}:{}", round.id.0, u8::from(!right)), ADA),
        )
        .await;
        fake.refuse_files();
        let now = stats(&app, ADA).await;
        assert_eq!(now["type"], 5);
        // The refused edit with the file, then the text alone.
        let edits = fake.wait_for_count("PATCH", "/webhooks/", 2, WAIT).await;
        assert_eq!(edits[0].files.len(), 1);
        assert!(edits[1].files.is_empty());
        let embed = &edits[1].body["embeds"][0];
        assert!(embed["image"].is_null(), "no broken image: {embed}");
        assert!(
            embed["fields"].to_string().contains("0% correct"),
            "{embed}"
        );
        spec::validate("followup-edit", std::slice::from_ref(&edits[1].body));
    });
}

/// The reveal message the bot posted last to the channel.
fn reveal_post(fake: &FakeDiscord) -> Request {
    fake.requests_to("POST", &format!("/channels/{CHANNEL}/messages"))
        .into_iter()
        .rfind(|r| r.path.ends_with("/messages") && r.body["embeds"].is_array())
        .expect("a reveal was posted")
}

#[test]
fn the_reveal_attaches_the_rounds_score_histogram() {
    crate::util::runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        let (round, right) = tf_round(&app).await;
        for (user, option) in [(ADA, right), (BOB, !right), (703, right)] {
            say(
                &app,
                ix::button(&format!("1:a:{}:{}", round.id.0, u8::from(option)), user),
            )
            .await;
        }
        let (_, text) = say(&app, round_cmd("reveal")).await;
        assert!(text.contains("The reveal is posted"), "{text}");
        let post = reveal_post(&fake);
        assert_eq!(post.files.len(), 1, "the histogram is attached");
        let (w, h) = check_png(&post.files[0], "scores.png");
        assert_eq!((w, h), (800, 420));
        assert_eq!(
            post.body["embeds"][0]["image"]["url"],
            "attachment://scores.png"
        );
        assert_eq!(post.body["attachments"][0]["id"], "0");
        assert_eq!(
            post.body["allowed_mentions"]["parse"],
            json!([]),
            "nobody is pinged"
        );
        spec::validate("message", std::slice::from_ref(&post.body));
    });
}

#[test]
fn a_round_nobody_answered_is_revealed_without_a_chart() {
    crate::util::runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        tf_round(&app).await;
        let (_, text) = say(&app, round_cmd("reveal")).await;
        assert!(text.contains("The reveal is posted"), "{text}");
        let post = reveal_post(&fake);
        assert!(post.files.is_empty());
        assert!(post.body["embeds"][0]["image"].is_null());
        spec::validate("message", std::slice::from_ref(&post.body));
    });
}

#[test]
fn a_reveal_whose_chart_is_refused_goes_out_without_it() {
    crate::util::runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        let (round, right) = tf_round(&app).await;
        say(
            &app,
            ix::button(&format!("1:a:{}:{}", round.id.0, u8::from(right)), ADA),
        )
        .await;
        fake.refuse_files();
        let (_, text) = say(&app, round_cmd("reveal")).await;
        assert!(text.contains("The reveal is posted"), "{text}");
        let posts = fake.requests_to("POST", &format!("/channels/{CHANNEL}/messages"));
        let with: Vec<_> = posts.iter().filter(|r| !r.files.is_empty()).collect();
        assert_eq!(with.len(), 1, "tried once with the chart");
        let post = reveal_post(&fake);
        assert!(post.files.is_empty() && post.body["embeds"][0]["image"].is_null());
        assert!(
            post.body["embeds"][0]["description"].is_string()
                || post.body["embeds"][0]["fields"].is_array()
        );
        spec::validate("message", std::slice::from_ref(&post.body));
    });
}

/// `/stats` through the HTTP endpoint (a signed POST): the response body is the deferral (no
/// file can ride in it), and the chart follows as a multipart edit of the original response.
#[test]
fn stats_through_the_http_endpoint_defer_and_the_chart_follows_as_an_edit() {
    use ed25519_dalek::{Signer, SigningKey};
    crate::util::runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        let (round, right) = tf_round(&app).await;
        say(
            &app,
            ix::button(&format!("1:a:{}:{}", round.id.0, u8::from(right)), ADA),
        )
        .await;

        let key = SigningKey::from_bytes(&[9u8; 32]);
        let verification = interview_bot::discord::endpoint::Verification {
            public_key: key.verifying_key().to_bytes(),
            check_timestamp: false,
        };
        let router = interview_bot::discord::endpoint::router_with_budget(
            app.clone(),
            verification,
            Duration::from_millis(2500),
        )
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/interactions", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

        let body = serde_json::to_vec(&ix::command("stats", json!([]), ADA, 0)).unwrap();
        let timestamp = app.now().timestamp().to_string();
        let mut message = timestamp.as_bytes().to_vec();
        message.extend_from_slice(&body);
        let res = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/json")
            .header(
                "x-signature-ed25519",
                hex::encode(key.sign(&message).to_bytes()),
            )
            .header("x-signature-timestamp", &timestamp)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let now: Value = res.json().await.unwrap();
        assert_eq!(now["type"], 5, "deferred: {now}");
        let edit = fake.wait_for("PATCH", "/webhooks/", WAIT).await;
        assert!(edit.path.ends_with("/messages/@original"));
        check_png(&edit.files[0], "stats.png");
        assert_eq!(
            edit.body["embeds"][0]["image"]["url"],
            "attachment://stats.png"
        );
        spec::validate("callback", &[now]);
        spec::validate("followup-edit", std::slice::from_ref(&edit.body));
    });
}
