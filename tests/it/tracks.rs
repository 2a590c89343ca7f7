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

mod commands;
mod migration;

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
            review: None,
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
        // A post that raced the removal creates nothing.
        let late = new_round(&app, 1, "2026-06-02", "2026-06-02T08:00:00Z");
        assert_eq!(
            app.store().create_round_in(TrackId(2), late).await.unwrap(),
            None,
            "a removed track gets no new round"
        );
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
