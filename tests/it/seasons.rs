//! Seasons: `/config season`, the season board as the default `/leaderboard`, the summary a clock
//! pass posts when a season ends (exactly once across racing schedulers and a restart, retried
//! after a 5xx, recorded and shown after a 403), and the hall of fame. Season bounds are the
//! server's local midnights: New York (across the November DST change) and Tokyo.

use crate::discord::{custom_ids, read_into};
use crate::fake_discord::{FakeDiscord, Request};
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use interview_bot::bank::Difficulty;
use interview_bot::discord::{scheduler, App};
use interview_bot::grade::Verdict;
use interview_bot::quiz::{ChannelId, GuildId, GuildSettings, NewAnswer, NewRound, Round, UserId};
use serde_json::{json, Value};

mod failures;

pub(crate) const ADMIN: u64 = 700;

pub(crate) fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A server with a channel and a zone, and no daily post scheduled (the rounds are made here).
pub(crate) async fn configure(app: &App, guild: u64, channel: u64, tz: Tz) {
    let mut s = GuildSettings::new(GuildId(guild));
    s.channel = Some(ChannelId(channel));
    s.timezone = tz;
    app.store().save_settings(s, None).await.unwrap();
}

/// An easy round of `day`, open from `opens` to `closes`, answered correctly by each `(member,
/// at)`, then closed and revealed (so the clock has nothing to post or reveal for it).
pub(crate) async fn played(
    app: &App,
    guild: u64,
    day: &str,
    (opens, closes): (&str, &str),
    answers: &[(u64, &str)],
) -> Round {
    let r = round(app, guild, day, opens, closes).await;
    for (user, at) in answers {
        answer(app, &r, *user, at).await;
    }
    app.store()
        .end_round(r.id, interview_bot::quiz::RoundState::Closed)
        .await
        .unwrap();
    app.store().mark_revealed(r.id, utc(closes)).await.unwrap();
    r
}

pub(crate) async fn round(app: &App, guild: u64, day: &str, opens: &str, closes: &str) -> Round {
    app.store()
        .create_round(NewRound {
            guild: GuildId(guild),
            day: day.parse::<NaiveDate>().unwrap(),
            question: "process-vs-thread".into(),
            topic: "processes-threads".into(),
            difficulty: Difficulty::Easy,
            seed: 1,
            opens_at: utc(opens),
            closes_at: utc(closes),
            channel: None,
        })
        .await
        .unwrap()
        .expect("a new round")
}

pub(crate) async fn answer(app: &App, round: &Round, user: u64, at: &str) {
    app.store()
        .record_answer(NewAnswer {
            round: round.id,
            user: UserId(user),
            answer: "text".into(),
            score: 1.0,
            verdict: Verdict::Correct,
            at: utc(at),
            review: None,
        })
        .await
        .unwrap();
}

pub(crate) fn season_cmd(length: &str) -> Value {
    json!([{"name": "season", "type": 1, "options": [{"name": "length", "type": 3, "value": length}]}])
}

fn board_cmd(period: Option<&str>, user: u64) -> Value {
    let opts = match period {
        Some(p) => json!([{"name": "period", "type": 3, "value": p}]),
        None => json!([]),
    };
    ix::command("leaderboard", opts, user, 0)
}

/// The season summaries the bot posted in `channel`.
pub(crate) fn summaries(fake: &FakeDiscord, channel: u64) -> Vec<Request> {
    fake.requests_to("POST", &format!("/channels/{channel}/messages"))
        .into_iter()
        .filter(|r| r.path.ends_with("/messages"))
        .collect()
}

pub(crate) fn embed_text(body: &Value) -> String {
    let e = &body["embeds"][0];
    let mut out = format!("{}\n{}\n", e["title"], e["description"]);
    for f in e["fields"].as_array().into_iter().flatten() {
        out.push_str(&format!("{}: {}\n", f["name"], f["value"]));
    }
    out
}

pub(crate) async fn audit_champions(
    store: &interview_bot::store::Store,
) -> Vec<(Option<i64>, i64, String)> {
    store
        .read(|c| {
            c.prepare("SELECT actor_id, member_id, reason FROM audit_log WHERE action = 'season-champion' ORDER BY entry_id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()
                .map_err(Into::into)
        })
        .await
        .unwrap()
}

#[test]
fn a_new_york_november_ends_at_local_midnight_and_is_summarised_once_across_instances_and_a_restart(
) {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, utc("2026-11-02T12:00:00Z"));
        let ny = chrono_tz::America::New_York;
        let channel = 811;
        configure(&app, GUILD, channel, ny).await;
        let mut bodies = vec![];

        // Without seasons nothing changes: the board is all time, and `season` says how to start.
        let (_, text) = read_into(&app, &mut bodies, board_cmd(None, 1)).await;
        assert!(text.contains("Leaderboard · All time"), "{text}");
        let (_, text) = read_into(&app, &mut bodies, board_cmd(Some("season"), 1)).await;
        assert!(
            text.contains("no seasons") && text.contains("/config season"),
            "{text}"
        );
        let cmd = ix::command("config", season_cmd("monthly"), ADMIN, MANAGE_GUILD);
        let (_, text) = read_into(&app, &mut bodies, cmd).await;
        assert!(
            text.contains("monthly seasons") && text.contains("November 2026"),
            "{text}"
        );

        // Ada (1) answers on the 2nd and at 23:59 on 30 November in New York (already 1 December
        // in UTC); Bob (2) a minute after local midnight; Cy (3) on the 2nd only.
        played(
            &app,
            GUILD,
            "2026-11-02",
            ("2026-11-02T14:00:00Z", "2026-11-03T14:00:00Z"),
            &[(1, "2026-11-02T15:00:00Z"), (3, "2026-11-02T16:00:00Z")],
        )
        .await;
        played(
            &app,
            GUILD,
            "2026-11-30",
            ("2026-11-30T14:00:00Z", "2026-12-01T14:00:00Z"),
            &[(1, "2026-12-01T04:59:00Z"), (2, "2026-12-01T05:01:00Z")],
        )
        .await;

        // 23:59:30 on 30 November: the default board is November's, ending at local midnight.
        clock.set(utc("2026-12-01T04:59:30Z"));
        let end = utc("2026-12-01T05:00:00Z").timestamp();
        let (_, text) = read_into(&app, &mut bodies, board_cmd(None, 1)).await;
        assert!(
            text.contains("Leaderboard · Season · November 2026"),
            "{text}"
        );
        assert!(
            text.contains(&format!("<t:{end}:F>")),
            "when it ends: {text}"
        );
        assert!(
            text.contains("**#1** <@1> · 22 pts") && text.contains("<@3> · 10 pts"),
            "{text}"
        );
        assert!(!text.contains("<@2>"), "Bob's answer is December's: {text}");
        let (_, text) = read_into(&app, &mut bodies, board_cmd(Some("all"), 1)).await;
        assert!(
            text.contains("Leaderboard · All time") && text.contains("<@2>"),
            "{text}"
        );
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!(r.seasons, 0, "not over yet: {r:?}");
        assert!(summaries(&fake, channel).is_empty());

        // Just after midnight, two schedulers on one database race: one summary.
        let (other, other_clock) = test_app(dir.path(), &fake.base, utc("2026-12-01T05:00:30Z"));
        clock.set(utc("2026-12-01T05:00:30Z"));
        let (ra, rb) = tokio::join!(scheduler::pass(&app), scheduler::pass(&other));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.seasons + rb.seasons, 1, "{ra:?} {rb:?}");
        for t in ["2026-12-01T05:10:00Z", "2026-12-02T05:00:00Z"] {
            clock.set(utc(t));
            other_clock.set(utc(t));
            let (ra, rb) = tokio::join!(scheduler::pass(&app), scheduler::pass(&other));
            assert_eq!(ra.unwrap().seasons + rb.unwrap().seasons, 0);
        }
        // A restart: a new process on the same database posts nothing again.
        drop(other);
        let (restarted, _) = test_app(dir.path(), &fake.base, utc("2026-12-03T00:00:00Z"));
        assert_eq!(scheduler::pass(&restarted).await.unwrap().seasons, 0);

        let posts = summaries(&fake, channel);
        assert_eq!(posts.len(), 1, "one summary");
        let text = embed_text(&posts[0].body);
        assert!(text.contains("Season over · November 2026"), "{text}");
        assert!(
            text.contains("<@1> is the champion of the season with 22 pts"),
            "{text}"
        );
        assert!(
            text.contains("**#1** <@1> · 22 pts\\n**#2** <@3> · 10 pts"),
            "{text}"
        );
        assert!(
            text.contains("Nobody who played last season"),
            "no October: {text}"
        );
        assert!(text.contains("<@1>: 2 days in a row"), "{text}");
        assert_eq!(
            posts[0].body["allowed_mentions"]["parse"],
            json!([]),
            "nobody is pinged"
        );
        assert_eq!(
            audit_champions(restarted.store()).await,
            vec![(None, 1, "champion of November 2026".to_string())],
            "the champion is recorded once, by the bot"
        );

        // December is the season now; November's champion is in the hall of fame.
        let (_, text) = read_into(&restarted, &mut bodies, board_cmd(None, 2)).await;
        assert!(
            text.contains("Season · December 2026") && text.contains("**#1** <@2> · 10 pts"),
            "{text}"
        );
        assert!(
            !text.contains("<@1>"),
            "Ada's last answer was November's: {text}"
        );
        let (_, text) =
            read_into(&restarted, &mut bodies, board_cmd(Some("hall-of-fame"), 2)).await;
        assert!(
            text.contains("Hall of fame") && text.contains("**November 2026** · <@1> · 22 pts"),
            "{text}"
        );

        spec::validate("callback", &bodies);
        let sent: Vec<Value> = posts.into_iter().map(|r| r.body).collect();
        spec::validate("message", &sent);
    });
}

#[test]
fn a_tokyo_quarter_ends_at_local_midnight_with_the_most_improved() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, utc("2026-08-01T00:00:00Z"));
        let channel = 812;
        configure(&app, GUILD, channel, chrono_tz::Asia::Tokyo).await;
        let mut bodies = vec![];
        read_into(
            &app,
            &mut bodies,
            ix::command("config", season_cmd("quarterly"), ADMIN, MANAGE_GUILD),
        )
        .await;
        // Q3: Ada 10, Bob 10.
        played(
            &app,
            GUILD,
            "2026-08-03",
            ("2026-08-03T00:00:00Z", "2026-08-04T00:00:00Z"),
            &[(1, "2026-08-03T01:00:00Z"), (2, "2026-08-03T01:00:00Z")],
        )
        .await;
        clock.set(utc("2026-09-30T15:00:30Z"));
        assert_eq!(
            scheduler::pass(&app).await.unwrap().seasons,
            1,
            "Q3's summary"
        );
        // Q4: Bob 12 (his streak goes on from Q3's round), then a round nobody answers, then
        // Bob 10 and Ada 10 at 23:59 on 31 December in Tokyo; Cy at 00:01 on 1 January (Q1
        // 2027 in Tokyo, still 2026 in UTC).
        played(
            &app,
            GUILD,
            "2026-10-05",
            ("2026-10-05T00:00:00Z", "2026-10-06T00:00:00Z"),
            &[(2, "2026-10-05T01:00:00Z")],
        )
        .await;
        played(
            &app,
            GUILD,
            "2026-11-05",
            ("2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z"),
            &[],
        )
        .await;
        played(
            &app,
            GUILD,
            "2026-12-31",
            ("2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z"),
            &[
                (2, "2026-12-31T10:00:00Z"),
                (1, "2026-12-31T14:59:00Z"),
                (3, "2026-12-31T15:01:00Z"),
            ],
        )
        .await;

        clock.set(utc("2026-12-31T14:59:30Z"));
        let (_, text) = read_into(&app, &mut bodies, board_cmd(None, 3)).await;
        assert!(
            text.contains("Season · Q4 2026") && !text.contains("<@3>"),
            "{text}"
        );
        assert_eq!(scheduler::pass(&app).await.unwrap().seasons, 0);
        let before = summaries(&fake, channel);
        assert_eq!(before.len(), 1, "Q3's summary only");
        let text = embed_text(&before[0].body);
        assert!(
            text.contains("<@1> is the champion of the season with 10 pts")
                && text.contains("**#1** <@1> · 10 pts\\n**#1** <@2> · 10 pts"),
            "a tie is broken as the board breaks it (the lower id first): {text}"
        );

        clock.set(utc("2026-12-31T15:00:30Z"));
        assert_eq!(scheduler::pass(&app).await.unwrap().seasons, 1);
        let posts = summaries(&fake, channel);
        let text = embed_text(&posts[1].body);
        assert!(text.contains("Season over · Q4 2026"), "{text}");
        assert!(
            text.contains("<@2> is the champion of the season with 22 pts"),
            "{text}"
        );
        assert!(
            text.contains("**#2** <@1> · 10 pts"),
            "Ada's 23:59 answer is Q4's: {text}"
        );
        assert!(!text.contains("<@3>"), "Cy played in Q1 2027: {text}");
        assert!(
            text.contains("<@2>: 22 pts, up 12 from 10 last season"),
            "{text}"
        );
        assert!(
            text.contains("<@2>: 2 days in a row"),
            "a streak begun in Q3 counts: {text}"
        );
        let (_, text) = read_into(&app, &mut bodies, board_cmd(None, 3)).await;
        assert!(
            text.contains("Season · Q1 2027") && text.contains("**#1** <@3>"),
            "{text}"
        );
        spec::validate("callback", &bodies);
        let sent: Vec<Value> = posts.into_iter().map(|r| r.body).collect();
        spec::validate("message", &sent);
    });
}

#[test]
fn the_hall_of_fame_lists_champions_newest_first_in_pages() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, utc("2026-01-01T00:00:00Z"));
        configure(&app, GUILD, 831, chrono_tz::UTC).await;
        let mut bodies = vec![];
        let (_, text) = read_into(&app, &mut bodies, board_cmd(Some("hall-of-fame"), 1)).await;
        assert!(text.contains("No champions yet"), "{text}");
        read_into(
            &app,
            &mut bodies,
            ix::command("config", season_cmd("monthly"), ADMIN, MANAGE_GUILD),
        )
        .await;
        for month in 1..=12u32 {
            let day = format!("2026-{month:02}-10");
            let (opens, closes, at) = (
                format!("{day}T00:00:00Z"),
                format!("{day}T23:00:00Z"),
                format!("{day}T01:00:00Z"),
            );
            played(
                &app,
                GUILD,
                &day,
                (&opens, &closes),
                &[(100 + month as u64, &at)],
            )
            .await;
            let next =
                NaiveDate::from_ymd_opt(2026 + (month / 12) as i32, month % 12 + 1, 1).unwrap();
            clock.set(next.and_hms_opt(0, 1, 0).unwrap().and_utc());
            assert_eq!(
                scheduler::pass(&app).await.unwrap().seasons,
                1,
                "month {month}"
            );
        }
        let (body, text) = read_into(&app, &mut bodies, board_cmd(Some("hall-of-fame"), 1)).await;
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("**")).collect();
        assert_eq!(lines.len(), 10, "{text}");
        assert_eq!(lines[0], "**December 2026** · <@112> · 10 pts");
        assert_eq!(lines[9], "**March 2026** · <@103> · 10 pts");
        assert!(text.contains("page 1 of 2"), "{text}");
        let next = custom_ids(&body)
            .into_iter()
            .find(|id| id.ends_with(":1"))
            .unwrap();
        let (body, text) = read_into(&app, &mut bodies, ix::button(&next, 1)).await;
        assert_eq!(body["type"], 7, "paging updates the message");
        assert!(
            text.contains("page 2 of 2")
                && text.contains("**February 2026** · <@102>")
                && text.contains("**January 2026** · <@101>"),
            "{text}"
        );
        assert_eq!(audit_champions(app.store()).await.len(), 12);

        // Seasons off: the default board is all time again; the hall of fame stays.
        read_into(
            &app,
            &mut bodies,
            ix::command("config", season_cmd("none"), ADMIN, MANAGE_GUILD),
        )
        .await;
        let (_, text) = read_into(&app, &mut bodies, board_cmd(None, 1)).await;
        assert!(text.contains("Leaderboard · All time"), "{text}");
        let (_, text) = read_into(&app, &mut bodies, board_cmd(Some("hall-of-fame"), 1)).await;
        assert!(text.contains("December 2026"), "{text}");
        let (_, text) = read_into(&app, &mut bodies, ix::command("help", json!([]), 1, 0)).await;
        assert!(
            text.contains("(this season's, if seasons are on;")
                && text.contains("`period:hall-of-fame` for past champions")
                && text.contains(", seasons;"),
            "{text}"
        );
        spec::validate("callback", &bodies);
    });
}

#[test]
fn the_commands_offer_season_options_that_discord_accepts() {
    let (ok, out, _) = crate::util::run(crate::util::bot().arg("commands"));
    assert!(ok);
    let list: Value = serde_json::from_str(&out).unwrap();
    let command = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    let period = command("leaderboard")["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "period")
        .unwrap()
        .clone();
    let values: Vec<&str> = period["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["all", "month", "week", "season", "hall-of-fame"]);
    let season = command("config")["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "season")
        .unwrap()
        .clone();
    let lengths: Vec<&str> = season["options"][0]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(lengths, ["monthly", "quarterly", "none"]);
    assert_eq!(season["options"][0]["required"], true);
    spec::validate("commands", &[list]);
}

/// The season's end moves the champion role (`/config roles champion`): the new champion gets
/// it, the last season's loses it, each call with a reason for the server's audit log.
#[test]
fn a_seasons_champion_gets_the_champion_role_from_the_last_one() {
    use crate::roles::{check_role_call, role_json};
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, utc("2026-09-01T00:00:00Z"));
        let channel = 814;
        configure(&app, GUILD, channel, chrono_tz::UTC).await;
        let champion: u64 = 730_000_000_000_000_077;
        let mut bodies = vec![];
        read_into(
            &app,
            &mut bodies,
            ix::command("config", season_cmd("monthly"), ADMIN, MANAGE_GUILD),
        )
        .await;
        let roles = json!([{"name": "roles", "type": 2, "options": [{"name": "champion", "type": 1,
            "options": [{"name": "role", "type": 8, "value": champion.to_string()}]}]}]);
        let id = champion.to_string();
        let (_, said) = read_into(
            &app,
            &mut bodies,
            ix::command_with_resolved(
                "config",
                roles,
                json!({"roles": {id: role_json(champion, 1, false)}}),
                ADMIN,
                MANAGE_GUILD,
            ),
        )
        .await;
        assert!(said.contains("champion"), "{said}");
        // September: Ada wins. October: Bob wins.
        played(
            &app,
            GUILD,
            "2026-09-10",
            ("2026-09-10T09:00:00Z", "2026-09-11T09:00:00Z"),
            &[(1, "2026-09-10T10:00:00Z")],
        )
        .await;
        clock.set(utc("2026-10-01T00:00:30Z"));
        assert_eq!(scheduler::pass(&app).await.unwrap().seasons, 1);
        let puts = fake
            .wait_for_count(
                "PUT",
                &format!("/guilds/{GUILD}/members/1/roles/{champion}"),
                1,
                crate::fake_discord::WAIT,
            )
            .await;
        check_role_call(&puts[0], "champion");
        assert_eq!(fake.member_roles(1), vec![champion]);
        played(
            &app,
            GUILD,
            "2026-10-10",
            ("2026-10-10T09:00:00Z", "2026-10-11T09:00:00Z"),
            &[(2, "2026-10-10T10:00:00Z")],
        )
        .await;
        clock.set(utc("2026-11-01T00:00:30Z"));
        assert_eq!(scheduler::pass(&app).await.unwrap().seasons, 1);
        fake.wait_for_count(
            "PUT",
            &format!("/guilds/{GUILD}/members/2/roles/{champion}"),
            1,
            crate::fake_discord::WAIT,
        )
        .await;
        let deletes = fake.requests_to(
            "DELETE",
            &format!("/guilds/{GUILD}/members/1/roles/{champion}"),
        );
        assert_eq!(deletes.len(), 1, "the last champion loses the role once");
        assert!(fake.member_roles(1).is_empty());
        assert_eq!(fake.member_roles(2), vec![champion]);
        spec::validate("callback", &bodies);
    });
}
