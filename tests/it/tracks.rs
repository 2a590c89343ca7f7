//! Tracks: several daily drills in one server, each with its own channel, time and streaks.
//! Two tracks posting at their own times (across a DST change, in two zones), two instances
//! racing on one database file, per-track streaks, removing a track, and an existing database
//! migrated into track 1. No test sleeps: the clock is moved and a pass is run.

use crate::fake_discord::{FakeDiscord, Request};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use interview_bot::discord::{scheduler, App};
use interview_bot::grade::Verdict;
use interview_bot::quiz::track::TrackError;
use interview_bot::quiz::{
    schedule, ChannelId, Days, GuildId, GuildSettings, ManualClock, NewAnswer, NewRound, Recorded,
    RoundState, TrackId, UserId,
};
use interview_bot::store::{BoardQuery, Store};
use std::collections::BTreeMap;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn at(time: &str) -> NaiveTime {
    NaiveTime::parse_from_str(time, "%H:%M").unwrap()
}

/// Track 1 of a guild, saved with its next post.
async fn configure_first(app: &App, guild: u64, channel: u64, tz: Tz, time: &str) {
    let mut s = GuildSettings::new(GuildId(guild));
    s.channel = Some(ChannelId(channel));
    s.timezone = tz;
    s.post_time = at(time);
    let next = schedule::next_due(&s, app.now());
    app.store().save_settings(s, next).await.unwrap();
}

/// Adds a track as `/config track add` does.
async fn add_track(app: &App, guild: u64, name: &str, channel: u64, time: &str) -> GuildSettings {
    let mut s = app.store().settings(GuildId(guild)).await.unwrap();
    s.track_name = name.into();
    s.channel = Some(ChannelId(channel));
    s.post_time = at(time);
    let now = app.now();
    app.store()
        .add_track(s, move |s| schedule::next_due(s, now))
        .await
        .unwrap()
        .unwrap()
}

fn is_question(r: &Request) -> bool {
    r.method == "POST" && r.path.ends_with("/messages") && r.body["message_reference"].is_null()
}

fn is_reveal(r: &Request) -> bool {
    r.method == "POST" && r.path.ends_with("/messages") && !r.body["message_reference"].is_null()
}

async fn run_clock(
    app: &App,
    clock: &ManualClock,
    fake: &FakeDiscord,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    step: Duration,
) -> Vec<(DateTime<Utc>, Request)> {
    let mut seen = fake.requests().len();
    let mut log = Vec::new();
    let mut t = from;
    while t <= to {
        clock.set(t);
        scheduler::pass(app).await.unwrap();
        let all = fake.requests();
        for r in &all[seen..] {
            log.push((t, r.clone()));
        }
        seen = all.len();
        t += step;
    }
    log
}

/// The instant a local time should post on a day, worked out here from chrono-tz directly.
fn expected(tz: Tz, day: NaiveDate, time: &str) -> DateTime<Utc> {
    let mut local = day.and_time(at(time));
    loop {
        match tz.from_local_datetime(&local) {
            chrono::LocalResult::Single(x) => return x.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            chrono::LocalResult::None => local += Duration::minutes(1),
        }
    }
}

/// The question posts in a channel, by local day.
fn posts_by_day(
    log: &[(DateTime<Utc>, Request)],
    channel: u64,
    tz: Tz,
) -> BTreeMap<NaiveDate, Vec<DateTime<Utc>>> {
    let prefix = format!("/channels/{channel}/");
    let mut by_day: BTreeMap<NaiveDate, Vec<DateTime<Utc>>> = BTreeMap::new();
    for (t, _) in log
        .iter()
        .filter(|(_, r)| r.path.starts_with(&prefix) && is_question(r))
    {
        by_day
            .entry(t.with_timezone(&tz).date_naive())
            .or_default()
            .push(*t);
    }
    by_day
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn two_tracks_post_in_their_own_channels_at_their_own_times_across_dst() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        // London moves to BST on 29 March 2026; New York to EDT on 8 March.
        let start = utc("2026-03-25T00:00:00Z");
        let (app, clock) = test_app(dir.path(), &fake.base, start);
        configure_first(&app, 1, 601, chrono_tz::Europe::London, "09:00").await;
        let backend = add_track(&app, 1, "backend", 602, "18:30").await;
        assert_eq!(backend.track, TrackId(2));
        assert_eq!(
            backend.timezone,
            chrono_tz::Europe::London,
            "the server's zone"
        );
        configure_first(&app, 2, 701, chrono_tz::America::New_York, "07:00").await;
        let mut weekdays = add_track(&app, 2, "frontend", 702, "12:15").await;
        weekdays.days = Days::Weekdays;
        let next = schedule::next_due(&weekdays, app.now());
        app.store().save_settings(weekdays, next).await.unwrap();

        let log = run_clock(
            &app,
            &clock,
            &fake,
            start,
            utc("2026-04-02T00:00:00Z"),
            Duration::minutes(15),
        )
        .await;
        let london = chrono_tz::Europe::London;
        let ny = chrono_tz::America::New_York;
        let days: Vec<NaiveDate> = (0..7)
            .map(|i| d("2026-03-25") + Duration::days(i))
            .collect();
        let main = posts_by_day(&log, 601, london);
        let back = posts_by_day(&log, 602, london);
        for day in &days {
            assert_eq!(
                main.get(day),
                Some(&vec![expected(london, *day, "09:00")]),
                "main {day}"
            );
            assert_eq!(
                back.get(day),
                Some(&vec![expected(london, *day, "18:30")]),
                "backend {day}"
            );
        }
        assert_eq!(
            main[&d("2026-03-29")],
            vec![utc("2026-03-29T08:00:00Z")],
            "09:00 BST after the change"
        );
        assert_eq!(
            main[&d("2026-03-28")],
            vec![utc("2026-03-28T09:00:00Z")],
            "09:00 GMT before"
        );
        let ny_main = posts_by_day(&log, 701, ny);
        let ny_front = posts_by_day(&log, 702, ny);
        for day in &days {
            assert_eq!(
                ny_main.get(day),
                Some(&vec![expected(ny, *day, "07:00")]),
                "ny main {day}"
            );
            let weekday = chrono::Datelike::weekday(day).number_from_monday() <= 5;
            let want = weekday.then(|| vec![expected(ny, *day, "12:15")]);
            assert_eq!(ny_front.get(day).cloned(), want, "ny frontend {day}");
        }
        // Each track's rounds are revealed in its own channel, all but the last.
        for (channel, posted) in [
            (601, &main),
            (602, &back),
            (701, &ny_main),
            (702, &ny_front),
        ] {
            let prefix = format!("/channels/{channel}/");
            let reveals = log
                .iter()
                .filter(|(_, r)| r.path.starts_with(&prefix) && is_reveal(r))
                .count();
            let posts: usize = posted.values().map(Vec::len).sum();
            assert_eq!(reveals, posts - 1, "channel {channel}");
        }
        let round = app
            .store()
            .round_on_day(GuildId(1), TrackId(2), d("2026-03-30"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (round.track, round.channel),
            (TrackId(2), Some(ChannelId(602)))
        );
        let bodies: Vec<_> = log
            .iter()
            .filter(|(_, r)| r.method == "POST" && r.path.ends_with("/messages"))
            .take(8)
            .map(|(_, r)| r.body.clone())
            .collect();
        spec::validate("message", &bodies);
    });
}

#[test]
fn two_instances_on_one_database_post_and_reveal_each_track_day_once() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let start = utc("2026-09-01T06:00:00Z");
        let (a, clock_a) = test_app(dir.path(), &fake.base, start);
        let (b, clock_b) = test_app(dir.path(), &fake.base, start);
        for guild in 1..=8u64 {
            configure_first(&a, guild, guild * 10, chrono_tz::UTC, "07:00").await;
            add_track(&b, guild, "backend", guild * 10 + 1, "07:00").await;
            add_track(&a, guild, "frontend", guild * 10 + 2, "07:00").await;
        }
        let mut posted = 0;
        let mut revealed = 0;
        for t in ["2026-09-01T07:00:00Z", "2026-09-02T07:00:00Z"] {
            clock_a.set(utc(t));
            clock_b.set(utc(t));
            let (ra, rb) = tokio::join!(scheduler::pass(&a), scheduler::pass(&b));
            let (ra, rb) = (ra.unwrap(), rb.unwrap());
            posted += ra.posted + rb.posted;
            revealed += ra.revealed + rb.revealed;
            let (ra, rb) = tokio::join!(scheduler::pass(&a), scheduler::pass(&b));
            let (ra, rb) = (ra.unwrap(), rb.unwrap());
            assert_eq!(
                (ra.posted + rb.posted, ra.revealed + rb.revealed),
                (0, 0),
                "never twice"
            );
        }
        assert_eq!(
            (posted, revealed),
            (48, 24),
            "24 tracks, two days; day one revealed"
        );
        let mut per_channel: BTreeMap<String, usize> = BTreeMap::new();
        for r in fake.requests().into_iter().filter(is_question) {
            *per_channel.entry(r.path.clone()).or_default() += 1;
        }
        assert_eq!(
            per_channel.len(),
            24,
            "every track posts in its own channel"
        );
        assert!(per_channel.values().all(|n| *n == 2), "{per_channel:?}");
        for guild in 1..=8u64 {
            for track in 1..=3 {
                let round = a
                    .store()
                    .round_on_day(GuildId(guild), TrackId(track), d("2026-09-02"))
                    .await
                    .unwrap()
                    .expect("one round per track and day");
                assert_eq!(
                    round.channel,
                    Some(ChannelId(guild * 10 + track as u64 - 1))
                );
            }
        }
        let reveals = fake.requests().into_iter().filter(is_reveal).count();
        assert_eq!(reveals, 24);
    });
}

#[test]
fn round_commands_act_on_the_named_track_or_the_first() {
    use crate::interactions::{self as ix, CHANNEL, GUILD, MANAGE_GUILD};
    use crate::rounds::{configure, say, start};
    use serde_json::json;
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

fn new_round(app: &App, guild: u64, day: &str, opens: &str) -> NewRound {
    let q = app.bank().get("process-vs-thread").unwrap();
    NewRound {
        guild: GuildId(guild),
        day: d(day),
        question: q.id.0.clone(),
        topic: q.topic.clone(),
        difficulty: q.difficulty,
        seed: 3,
        opens_at: utc(opens),
        closes_at: utc(opens) + Duration::hours(20),
        channel: Some(ChannelId(5)),
    }
}

async fn answer(store: &Store, round: interview_bot::quiz::RoundId, user: u64, when: &str) -> u32 {
    match store
        .record_answer(NewAnswer {
            round,
            user: UserId(user),
            answer: "a process has its own memory; threads share it".into(),
            score: 1.0,
            verdict: Verdict::Correct,
            at: utc(when),
        })
        .await
        .unwrap()
    {
        Recorded::Accepted { streak, .. } => streak,
        other => panic!("{other:?}"),
    }
}

#[test]
fn streaks_are_per_track() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let (app, _clock) = test_app(
            dir.path(),
            "http://127.0.0.1:9",
            utc("2026-05-01T00:00:00Z"),
        );
        let store = app.store();
        const ADA: u64 = 11;
        let mut backend = Vec::new();
        let mut frontend = Vec::new();
        for (i, day) in ["2026-05-01", "2026-05-02", "2026-05-03"]
            .iter()
            .enumerate()
        {
            let b = store
                .create_round_in(
                    TrackId(1),
                    new_round(&app, 1, day, &format!("{day}T08:00:00Z")),
                )
                .await
                .unwrap()
                .unwrap();
            let f = store
                .create_round_in(
                    TrackId(2),
                    new_round(&app, 1, day, &format!("{day}T09:00:00Z")),
                )
                .await
                .unwrap()
                .expect("the same day in another track is a round of its own");
            assert_eq!((b.track, f.track), (TrackId(1), TrackId(2)));
            assert!(
                store
                    .create_round_in(
                        TrackId(2),
                        new_round(&app, 1, day, &format!("{day}T10:00:00Z"))
                    )
                    .await
                    .unwrap()
                    .is_none(),
                "one round per track and day"
            );
            backend.push(answer(store, b.id, ADA, &format!("{day}T08:30:00Z")).await);
            // Ada misses the second day's frontend round.
            if i != 1 {
                frontend.push(answer(store, f.id, ADA, &format!("{day}T09:30:00Z")).await);
            }
            for r in [b.id, f.id] {
                store.end_round(r, RoundState::Closed).await.unwrap();
            }
        }
        assert_eq!(
            backend,
            vec![1, 2, 3],
            "not broken by missing a frontend round"
        );
        assert_eq!(frontend, vec![1, 1], "broken by missing a frontend round");
        let stats = store.member_stats(GuildId(1), UserId(ADA)).await.unwrap();
        assert_eq!(
            (stats.current_streak, stats.best_streak),
            (3, 3),
            "the longest of her tracks"
        );
        assert_eq!(stats.answers, 5, "one server's totals");
        // An appeal's rescore replays the member's rounds: each track on its own.
        store
            .write(|c| interview_bot::store::appeals::rescore_member(c, GuildId(1), UserId(ADA)))
            .await
            .unwrap();
        let again = store.member_stats(GuildId(1), UserId(ADA)).await.unwrap();
        assert_eq!(again, stats, "points and streaks as they were");
    });
}

#[test]
fn a_server_runs_at_most_five_tracks_and_a_removed_one_stops_posting_and_keeps_its_points() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, utc("2026-06-01T06:00:00Z"));
        configure_first(&app, 1, 801, chrono_tz::Europe::Paris, "09:00").await;
        for (i, name) in ["b", "c", "d", "e"].iter().enumerate() {
            add_track(&app, 1, name, 802 + i as u64, "10:00").await;
        }
        let mut sixth = app.store().settings(GuildId(1)).await.unwrap();
        sixth.track_name = "f".into();
        let refused = app
            .store()
            .add_track(sixth.clone(), |_| None)
            .await
            .unwrap();
        assert_eq!(refused, Err(TrackError::TooMany));
        sixth.track_name = "b".into();
        assert_eq!(
            app.store().add_track(sixth, |_| None).await.unwrap(),
            Err(TrackError::Exists("b".into()))
        );

        clock.set(utc("2026-06-01T08:00:00Z"));
        scheduler::pass(&app).await.unwrap();
        let round = app
            .store()
            .open_round_in(GuildId(1), TrackId(2))
            .await
            .unwrap()
            .expect("b posted at 10:00 Paris");
        answer(app.store(), round.id, 42, "2026-06-01T08:10:00Z").await;

        let removed = app
            .store()
            .remove_track(GuildId(1), "b".into(), app.now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(removed.track, TrackId(2));
        assert_eq!(app.store().tracks(GuildId(1)).await.unwrap().len(), 4);
        assert_eq!(
            app.store()
                .remove_track(GuildId(1), "b".into(), app.now())
                .await
                .unwrap(),
            Err(TrackError::NotFound("b".into()))
        );
        let before = fake.requests().len();
        let log = run_clock(
            &app,
            &clock,
            &fake,
            utc("2026-06-01T08:15:00Z"),
            utc("2026-06-03T12:00:00Z"),
            Duration::minutes(30),
        )
        .await;
        assert!(
            log.iter()
                .all(|(_, r)| !(r.path.starts_with("/channels/802/") && is_question(r))),
            "a removed track posts nothing"
        );
        assert!(
            fake.requests()[before..]
                .iter()
                .any(|r| r.path.starts_with("/channels/803/") && is_question(r)),
            "the others go on"
        );
        let board = app
            .store()
            .leaderboard(BoardQuery {
                guild: GuildId(1),
                track: None,
                between: None,
                topic: None,
                user: UserId(42),
                limit: 10,
                offset: 0,
            })
            .await
            .unwrap();
        assert_eq!(
            board.me.map(|m| m.answers),
            Some(1),
            "its answers and points stay"
        );

        // A name can be used again; the track is a new one, with a new id.
        let again = add_track(&app, 1, "b", 812, "11:00").await;
        assert_eq!(again.track, TrackId(6));
        for name in ["c", "d", "e", "b"] {
            app.store()
                .remove_track(GuildId(1), name.into(), app.now())
                .await
                .unwrap()
                .unwrap();
        }
        assert_eq!(
            app.store()
                .remove_track(GuildId(1), "main".into(), app.now())
                .await
                .unwrap(),
            Err(TrackError::LastTrack("main".into())),
            "a server keeps one track"
        );
    });
}

/// A database written before tracks existed: its settings become track 1's, its rounds and
/// streaks belong to track 1, and its answers and boards are what they were.
#[test]
fn an_existing_database_migrates_into_track_1() {
    use interview_bot::store::{migrate_to, MIGRATIONS};
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bot.db");
        let before_tracks = MIGRATIONS
            .iter()
            .position(|(name, _)| *name == "0013_tracks.sql")
            .unwrap() as u32;
        let answers_before: Vec<String>;
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "foreign_keys", true).unwrap();
            migrate_to(&mut conn, before_tracks).unwrap();
            let next = utc("2026-01-04T06:15:00Z").timestamp_millis();
            conn.execute_batch(&format!(
                "INSERT INTO guilds (guild_id, channel_id, post_time, timezone, topics, difficulty, role_id, enabled, days, round_minutes, next_post_at, status)
                 VALUES (1, 77, '07:15', 'Europe/Berlin', 'semver,transformers', 'hard', 5, 1, 'weekdays', 120, {next}, 'all well');
                 INSERT INTO guilds (guild_id) VALUES (2);
                 INSERT INTO rounds (round_id, guild_id, day, question_id, topic, difficulty, seed, opens_at, closes_at, channel_id, message_id, state, revealed_at)
                 VALUES (10, 1, '2026-01-01', 'process-vs-thread', 'processes-threads', 'easy', 7, 1767250000000, 1767260000000, 77, 1000, 'closed', 1767260000001),
                        (11, 1, '2026-01-02', 'process-vs-thread', 'processes-threads', 'easy', 8, 1767336400000, 1767346400000, 77, 1001, 'closed', 1767346400001),
                        (12, 2, '2026-01-02', 'process-vs-thread', 'processes-threads', 'easy', 9, 1767336400000, 1767346400000, 78, 1002, 'closed', 1767346400001);
                 INSERT INTO answers (answer_id, round_id, guild_id, user_id, topic, answer, score, verdict, points, answered_at)
                 VALUES (100, 10, 1, 5, 'processes-threads', 'a', 1.0, 'correct', 12, 1767250000100),
                        (101, 11, 1, 5, 'processes-threads', 'b', 1.0, 'correct', 13, 1767336400100),
                        (102, 11, 1, 6, 'processes-threads', 'c', 0.5, 'partial', 6, 1767336400200),
                        (103, 12, 2, 5, 'processes-threads', 'd', 0.0, 'wrong', 0, 1767336400300);
                 INSERT INTO streaks (guild_id, user_id, current, best, last_round_id)
                 VALUES (1, 5, 2, 4, 11), (1, 6, 1, 1, 11), (2, 5, 0, 0, 12);
                 INSERT INTO totals (guild_id, user_id, points, answers, correct)
                 VALUES (1, 5, 25, 2, 2), (1, 6, 6, 1, 0), (2, 5, 0, 1, 0);"
            ))
            .unwrap();
            answers_before = dump(&conn, "SELECT * FROM answers ORDER BY answer_id");
        }
        let store = Store::open(&path).unwrap();
        let s = store.settings(GuildId(1)).await.unwrap();
        assert_eq!((s.track, s.track_name.as_str()), (TrackId::FIRST, "main"));
        assert_eq!(s.channel, Some(ChannelId(77)));
        assert_eq!(s.post_time, at("07:15"));
        assert_eq!(s.timezone, chrono_tz::Europe::Berlin);
        assert_eq!(s.topics, vec!["semver", "transformers"]);
        assert_eq!(s.difficulty.map(|d| d.as_str()), Some("hard"));
        assert_eq!(s.role.map(|r| r.0), Some(5));
        assert_eq!((s.days, s.round_minutes), (Days::Weekdays, Some(120)));
        assert_eq!(store.status(GuildId(1)).await.unwrap().as_deref(), Some("all well"));
        let due = store.due_tracks(utc("2026-01-05T00:00:00Z"), 10).await.unwrap();
        assert_eq!(due, vec![(GuildId(1), TrackId::FIRST, utc("2026-01-04T06:15:00Z"))], "its next post is still due");
        for id in [10, 11, 12] {
            let r = store.round(interview_bot::quiz::RoundId(id)).await.unwrap().unwrap();
            assert_eq!(r.track, TrackId::FIRST, "round {id}");
        }
        assert!(
            store.round_on_day(GuildId(1), TrackId::FIRST, d("2026-01-02")).await.unwrap().is_some(),
        );
        // Answers are untouched; boards and stats read what they read before.
        let path2 = path.clone();
        let answers_after = tokio::task::spawn_blocking(move || {
            dump(&rusqlite::Connection::open(&path2).unwrap(), "SELECT * FROM answers ORDER BY answer_id")
        })
        .await
        .unwrap();
        assert_eq!(answers_after, answers_before);
        let board = store
            .leaderboard(BoardQuery { guild: GuildId(1), track: None, between: None, topic: None, user: UserId(6), limit: 10, offset: 0 })
            .await
            .unwrap();
        let top: Vec<(u64, u64, u32)> = board.top.iter().map(|s| (s.user.0, s.points, s.rank)).collect();
        assert_eq!(top, vec![(5, 25, 1), (6, 6, 2)]);
        let topic = store
            .leaderboard(BoardQuery { guild: GuildId(1), track: None, between: None, topic: Some("processes-threads".into()), user: UserId(6), limit: 10, offset: 0 })
            .await
            .unwrap();
        let top: Vec<(u64, u64)> = topic.top.iter().map(|s| (s.user.0, s.points)).collect();
        assert_eq!(top, vec![(5, 25), (6, 6)]);
        let stats = store.member_stats(GuildId(1), UserId(5)).await.unwrap();
        assert_eq!((stats.best_streak, stats.points, stats.answers), (4, 25, 2));
        assert_eq!(stats.current_streak, 2, "the streak carried into track 1");
        // A new round in track 1 continues the migrated streak.
        let mut next = NewRound {
            guild: GuildId(1),
            day: d("2026-01-05"),
            question: "process-vs-thread".into(),
            topic: "processes-threads".into(),
            difficulty: interview_bot::bank::Difficulty::Easy,
            seed: 1,
            opens_at: utc("2026-01-05T06:15:00Z"),
            closes_at: utc("2026-01-05T08:15:00Z"),
            channel: Some(ChannelId(77)),
        };
        let round = store.create_round_in(TrackId::FIRST, next.clone()).await.unwrap().unwrap();
        assert_eq!(answer(&store, round.id, 5, "2026-01-05T06:20:00Z").await, 3);
        next.day = d("2026-01-02");
        assert!(store.create_round(next).await.unwrap().is_none(), "a migrated day is still taken");
        // Foreign keys are enforced again after the migration.
        let orphan = store
            .record_answer(NewAnswer {
                round: interview_bot::quiz::RoundId(999),
                user: UserId(5),
                answer: "x".into(),
                score: 1.0,
                verdict: Verdict::Correct,
                at: utc("2026-01-05T06:20:00Z"),
            })
            .await
            .unwrap();
        assert_eq!(orphan, Recorded::NoSuchRound);
        let fk = store
            .write(|c| {
                c.execute(
                    "INSERT INTO answers (round_id, guild_id, user_id, topic, answer, score, verdict, points, answered_at) VALUES (999, 1, 5, 't', 'a', 1, 'correct', 1, 0)",
                    [],
                )
                .map_err(Into::into)
            })
            .await;
        assert!(fk.is_err(), "an answer to no round is refused");
    });
}

fn dump(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

mod commands {
    //! `/config track`, the `track` option of `/config`, `/daily` and `/round`, through the real
    //! handler; every response body is checked against Discord's spec.
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
}
