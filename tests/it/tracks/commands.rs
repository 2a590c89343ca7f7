//! `/config track`, and the `track` option of `/config`, `/daily`, `/round` and `/leaderboard`,
//! through the real handler; every response body is checked against Discord's spec.

use super::*;
use crate::discord::{Session, ADA, ADMIN};
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use serde_json::{json, Value};

fn group(sub: &str, options: Value) -> Value {
    json!([{"name": "track", "type": 2, "options": [{"name": sub, "type": 1, "options": options}]}])
}

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

fn track(name: &str) -> Value {
    json!({"name": "track", "type": 3, "value": name})
}

fn time(v: &str) -> Value {
    json!({"name": "time", "type": 3, "value": v})
}

async fn admin(s: &mut Session, name: &str, options: Value) -> String {
    s.read(ix::command(name, options, ADMIN, MANAGE_GUILD))
        .await
        .1
}

async fn add(s: &mut Session, name: &str, channel: u64, at: Option<&str>) -> String {
    let mut opts = vec![
        json!({"name": "name", "type": 3, "value": name}),
        json!({"name": "channel", "type": 7, "value": channel.to_string()}),
    ];
    opts.extend(at.map(time));
    admin(s, "config", group("add", Value::Array(opts))).await
}

#[test]
fn config_changes_the_named_track_or_the_first() {
    runtime().block_on(async {
        let mut s = Session::new();
        let g = GuildId(GUILD);
        let text = add(&mut s, "Backend", 556, Some("18:00")).await;
        assert!(text.contains("Track `backend` posts in <#556> at 18:00 (UTC)"), "{text}");
        // The server had never saved its first track: the new one is its first.
        assert_eq!(s.app.store().tracks(g).await.unwrap().len(), 1);
        s.read(ix::command("config", sub("time", json!([time("09:30")])), ADMIN, MANAGE_GUILD)).await;
        let text = add(&mut s, "frontend", 557, None).await;
        assert!(text.contains("Track `frontend` posts in <#557> at 09:30"), "the first track's time: {text}");

        let text = admin(&mut s, "config", sub("time", json!([time("07:45"), track("frontend")]))).await;
        assert!(text.contains("07:45") && text.contains("(track `frontend`)"), "{text}");
        let text = admin(&mut s, "config", sub("days", json!([{"name": "days", "type": 3, "value": "weekdays"}]))).await;
        assert!(text.contains("Monday to Friday") && text.contains("(track `backend`)"), "the first by default: {text}");
        let tracks = s.app.store().tracks(g).await.unwrap();
        let summary: Vec<(String, String, Days)> = tracks
            .iter()
            .map(|t| (t.track_name.clone(), t.post_time.format("%H:%M").to_string(), t.days))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("backend".into(), "09:30".into(), Days::Weekdays),
                ("frontend".into(), "07:45".into(), Days::Daily)
            ]
        );

        // The time zone is the server's: every track's next post moves with it.
        let tz = json!([{"name": "timezone", "type": 1, "options": [{"name": "timezone", "type": 3, "value": "Asia/Tokyo"}]}]);
        let text = admin(&mut s, "config", tz).await;
        assert!(text.contains("Asia/Tokyo"), "{text}");
        let due = s.app.store().due_tracks(s.app.now() + Duration::days(8), 10).await.unwrap();
        let tracks = s.app.store().tracks(g).await.unwrap();
        for t in &tracks {
            assert_eq!(t.timezone, chrono_tz::Asia::Tokyo);
            let want = schedule::next_due(t, s.app.now()).unwrap();
            assert!(due.contains(&(g, t.track, want)), "{} at {want} in {due:?}", t.track_name);
        }
        let text = admin(&mut s, "config", sub("show", json!([track("frontend")]))).await;
        assert!(text.contains("Track `frontend`") && text.contains("07:45") && text.contains("<#557>"), "{text}");
        let text = admin(&mut s, "config", sub("time", json!([time("10:00"), track("nope")]))).await;
        assert!(text.contains("There is no track named `nope`"), "{text}");
        assert_eq!(s.app.store().tracks(g).await.unwrap(), tracks, "nothing changed");
        let text = s.read(ix::command("config", group("list", json!([])), ADA, 0)).await.1;
        assert!(text.contains("Manage Server"), "admins only: {text}");
        let text = admin(&mut s, "config", group("list", json!([]))).await;
        assert!(text.contains("backend") && text.contains("frontend") && text.contains("2 of 5 tracks"), "{text}");

        // Autocomplete offers the server's track names.
        let focused = json!([{"name": "time", "type": 1, "options": [{"name": "track", "type": 3, "value": "FRO", "focused": true}]}]);
        let body = s.send(ix::autocomplete("config", focused, ADMIN)).await;
        assert_eq!(body["data"]["choices"], json!([{"name": "frontend", "value": "frontend"}]));

        for (i, name) in ["c", "d", "e"].iter().enumerate() {
            add(&mut s, name, 560 + i as u64, None).await;
        }
        let text = add(&mut s, "f", 570, None).await;
        assert!(text.contains("already runs 5 tracks"), "{text}");
        let text = add(&mut s, "c", 571, None).await;
        assert!(text.contains("already a track named `c`"), "{text}");
        let text = add(&mut s, "no spaces", 571, None).await;
        assert!(text.contains("lower-case letters"), "{text}");
        let text = admin(&mut s, "config", group("remove", json!([{"name": "name", "type": 3, "value": "frontend"}]))).await;
        assert!(text.contains("Track `frontend` is removed") && text.contains("kept"), "{text}");
        assert_eq!(s.app.store().tracks(g).await.unwrap().len(), 4);
        s.check_spec();
    });
}

#[test]
fn daily_and_round_take_a_track_and_ask_which_when_several_are_open() {
    runtime().block_on(async {
        let mut s = Session::new();
        let g = GuildId(GUILD);
        add(&mut s, "backend", 556, None).await;
        add(&mut s, "frontend", 557, None).await;
        let text = s.read(ix::command("daily", json!([]), ADA, 0)).await.1;
        assert!(
            text.contains("There is no open question right now"),
            "none open: {text}"
        );

        let now = s.app.now();
        let round = |track: i64, q: &interview_bot::bank::Question| NewRound {
            guild: g,
            day: now.date_naive(),
            question: q.id.0.clone(),
            topic: q.topic.clone(),
            difficulty: q.difficulty,
            seed: 1,
            opens_at: now - Duration::hours(1),
            closes_at: now + Duration::hours(5),
            channel: Some(ChannelId(555 + track as u64)),
        };
        let q = s.app.bank().get("process-vs-thread").unwrap().clone();
        let other = s
            .app
            .bank()
            .questions()
            .iter()
            .find(|o| o.topic != q.topic)
            .unwrap()
            .clone();
        s.app
            .store()
            .create_round_in(TrackId(2), round(2, &q))
            .await
            .unwrap()
            .unwrap();
        let (body, only) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(
            !crate::discord::custom_ids(&body).is_empty(),
            "the only open round is shown: {body}"
        );
        s.app
            .store()
            .create_round_in(TrackId(1), round(1, &other))
            .await
            .unwrap()
            .unwrap();

        let text = s.read(ix::command("daily", json!([]), ADA, 0)).await.1;
        assert!(
            text.contains("2 rounds are open")
                && text.contains("`/daily track:backend` in <#556>")
                && text.contains("`/daily track:frontend` in <#557>"),
            "{text}"
        );
        let front = s
            .read(ix::command("daily", json!([track("frontend")]), ADA, 0))
            .await
            .1;
        assert_eq!(front, only, "frontend's round");
        let back = s
            .read(ix::command("daily", json!([track("backend")]), ADA, 0))
            .await
            .1;
        assert_ne!(back, only, "backend's round is another question");
        let text = s
            .read(ix::command("daily", json!([track("design")]), ADA, 0))
            .await
            .1;
        assert!(text.contains("There is no track named `design`"), "{text}");

        let text = admin(&mut s, "round", sub("skip", json!([track("frontend")]))).await;
        assert!(text.contains("Skipped the open round"), "{text}");
        assert!(s
            .app
            .store()
            .open_round_in(g, TrackId(2))
            .await
            .unwrap()
            .is_none());
        assert!(
            s.app
                .store()
                .open_round_in(g, TrackId(1))
                .await
                .unwrap()
                .is_some(),
            "the other track's round is untouched"
        );
        s.check_spec();
    });
}

#[test]
fn the_leaderboard_is_the_servers_or_one_tracks_and_pages_keep_the_track() {
    runtime().block_on(async {
        let mut s = Session::new();
        let g = GuildId(GUILD);
        add(&mut s, "backend", 556, None).await;
        add(&mut s, "frontend", 557, None).await;
        let now = s.app.now();
        let q = s.app.bank().get("process-vs-thread").unwrap().clone();
        let mut rounds = Vec::new();
        for track in [1, 2] {
            let r = s
                .app
                .store()
                .create_round_in(
                    TrackId(track),
                    NewRound {
                        guild: g,
                        day: now.date_naive(),
                        question: q.id.0.clone(),
                        topic: q.topic.clone(),
                        difficulty: q.difficulty,
                        seed: 1,
                        opens_at: now - Duration::hours(1),
                        closes_at: now + Duration::hours(5),
                        channel: Some(ChannelId(555 + track as u64)),
                    },
                )
                .await
                .unwrap()
                .unwrap();
            rounds.push(r.id);
        }
        let when = now.to_rfc3339();
        answer(s.app.store(), rounds[0], 31, &when).await;
        answer(s.app.store(), rounds[1], 32, &when).await;
        answer(s.app.store(), rounds[1], 33, &when).await;

        let (_, text) = s.read(ix::command("leaderboard", json!([]), 31, 0)).await;
        assert!(
            text.contains("<@31>") && text.contains("<@32>") && text.contains("<@33>"),
            "the server's: {text}"
        );
        let (body, text) = s
            .read(ix::command(
                "leaderboard",
                json!([track("frontend")]),
                32,
                0,
            ))
            .await;
        assert!(
            text.contains("track frontend") && text.contains("<@32>") && text.contains("<@33>"),
            "{text}"
        );
        assert!(
            !text.contains("<@31>"),
            "backend's member is not on frontend's board: {text}"
        );
        assert!(text.contains("You: #1 of 2"), "{text}");
        let ids = crate::discord::custom_ids(&body);
        assert!(
            ids.iter().all(|id| id.ends_with(":2")),
            "the pages keep the track: {ids:?}"
        );
        let (_, text) = s.read(ix::button(&ids[0], 31)).await;
        assert!(
            text.contains("track frontend") && !text.contains("<@31>"),
            "{text}"
        );
        let (_, text) = s
            .read(ix::command(
                "leaderboard",
                json!([{"name": "period", "type": 3, "value": "week"}, track("backend")]),
                31,
                0,
            ))
            .await;
        assert!(
            text.contains("This week") && text.contains("<@31>") && !text.contains("<@32>"),
            "{text}"
        );
        s.check_spec();
    });
}

#[test]
fn the_changed_commands_are_valid_and_carry_the_track_option() {
    let (ok, out, _) = crate::util::run(crate::util::bot().arg("commands"));
    assert!(ok);
    let list: Value = serde_json::from_str(&out).unwrap();
    let cmd = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    let names = |v: &Value| -> Vec<String> {
        v["options"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| o["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names(&cmd("daily")).contains(&"track".to_string()));
    assert!(names(&cmd("leaderboard")).contains(&"track".to_string()));
    let config = cmd("config");
    for sub in config["options"].as_array().unwrap() {
        if sub["name"] == "timezone" {
            // The server's zone, shared by its tracks.
            assert!(!names(sub).contains(&"track".to_string()));
        } else if sub["name"] == "track" {
            assert_eq!(sub["type"], 2);
            let subs: Vec<String> = names(sub);
            assert_eq!(subs, ["add", "remove", "list"]);
        } else {
            assert!(names(sub).contains(&"track".to_string()), "{}", sub["name"]);
        }
    }
    for sub in cmd("round")["options"].as_array().unwrap() {
        assert_eq!(names(sub), ["track"], "{}", sub["name"]);
    }
    crate::spec::validate("commands", &[list]);
}

#[test]
fn round_commands_act_on_the_named_track_or_the_first() {
    use crate::interactions::CHANNEL;
    use crate::rounds::{configure, say, start};
    runtime().block_on(async {
        let (fake, app, _dir) = start().await;
        configure(&app, None).await;
        add_track(&app, GUILD, "backend", 556, "09:00").await;
        let cmd = |sub: &str, track: Option<&str>| {
            let opts: Vec<_> = track
                .map(|t| json!({"name": "track", "type": 3, "value": t}))
                .into_iter()
                .collect();
            ix::command(
                "round",
                json!([{"name": sub, "type": 1, "options": opts}]),
                800,
                MANAGE_GUILD,
            )
        };
        let main_posts = format!("/channels/{CHANNEL}/messages");
        let mut replies = Vec::new();
        let (body, text) = say(&app, cmd("post-now", Some("backend"))).await;
        replies.push(body);
        assert!(text.contains("Posted today's question in <#556>"), "{text}");
        assert_eq!(fake.requests_to("POST", "/channels/556/messages").len(), 1);
        assert!(
            fake.requests_to("POST", &main_posts).is_empty(),
            "the first track is not posted"
        );
        let (body, text) = say(&app, cmd("post-now", None)).await;
        replies.push(body);
        assert!(
            text.contains(&format!("<#{CHANNEL}>")),
            "the first track by default: {text}"
        );
        let (body, text) = say(&app, cmd("post-now", Some("backend"))).await;
        replies.push(body);
        assert!(text.contains("already open"), "{text}");

        let (body, text) = say(&app, cmd("reveal", Some("backend"))).await;
        replies.push(body);
        assert!(text.contains("Closed the round"), "{text}");
        let g = GuildId(GUILD);
        assert!(app
            .store()
            .open_round_in(g, TrackId(2))
            .await
            .unwrap()
            .is_none());
        assert!(
            app.store()
                .open_round_in(g, TrackId(1))
                .await
                .unwrap()
                .is_some(),
            "the first track's round is still open"
        );
        let (body, text) = say(&app, cmd("post-now", Some("backend"))).await;
        replies.push(body);
        assert!(
            text.contains("already had its round"),
            "one round per track and day: {text}"
        );
        let (body, text) = say(&app, cmd("skip", Some("nope"))).await;
        replies.push(body);
        assert!(text.contains("There is no track named `nope`"), "{text}");
        let posts: Vec<_> = fake
            .requests_to("POST", "/channels/")
            .into_iter()
            .filter(|r| r.path.ends_with("/messages"))
            .map(|r| r.body)
            .collect();
        assert_eq!(posts.len(), 3, "two questions and backend's reveal");
        spec::validate("message", &posts);
        spec::validate("callback", &replies);
    });
}
