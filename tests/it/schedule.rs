//! The daily clock with a settable clock and the fake Discord's REST side: DST, restarts, racing
//! schedulers and a deleted channel. No test sleeps: the clock is moved and a pass is run.

use crate::fake_discord::{FakeDiscord, Request};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use interview_bot::discord::{scheduler, App};
use interview_bot::quiz::{schedule, ChannelId, GuildId, GuildSettings, ManualClock};
use std::collections::BTreeMap;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

async fn configure(app: &App, guild: u64, channel: u64, tz: Tz, time: &str) {
    let mut s = GuildSettings::new(GuildId(guild));
    s.channel = Some(ChannelId(channel));
    s.timezone = tz;
    s.post_time = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    let next = schedule::next_due(&s, app.now());
    app.store().save_settings(s, next).await.unwrap();
}

fn is_question(r: &Request) -> bool {
    r.method == "POST" && r.path.ends_with("/messages") && r.body["message_reference"].is_null()
}

fn is_reveal(r: &Request) -> bool {
    r.method == "POST" && r.path.ends_with("/messages") && !r.body["message_reference"].is_null()
}

/// Runs the clock from `from` to `to` in steps, recording when each request was made.
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
    let t = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    let mut local = day.and_time(t);
    loop {
        match tz.from_local_datetime(&local) {
            chrono::LocalResult::Single(x) => return x.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            chrono::LocalResult::None => local += Duration::minutes(1),
        }
    }
}

fn check_fortnight(
    log: &[(DateTime<Utc>, Request)],
    channel: u64,
    tz: Tz,
    time: &str,
    days: std::ops::Range<NaiveDate>,
) {
    let prefix = format!("/channels/{channel}/");
    let posts: Vec<DateTime<Utc>> = log
        .iter()
        .filter(|(_, r)| r.path.starts_with(&prefix) && is_question(r))
        .map(|(t, _)| *t)
        .collect();
    let mut by_day: BTreeMap<NaiveDate, Vec<DateTime<Utc>>> = BTreeMap::new();
    for t in &posts {
        by_day
            .entry(t.with_timezone(&tz).date_naive())
            .or_default()
            .push(*t);
    }
    let mut day = days.start;
    while day < days.end {
        let got = by_day.get(&day).cloned().unwrap_or_default();
        assert_eq!(
            got,
            vec![expected(tz, day, time)],
            "{tz} {day}: one post at {time} local"
        );
        day += Duration::days(1);
    }
    let reveals = log
        .iter()
        .filter(|(_, r)| r.path.starts_with(&prefix) && is_reveal(r))
        .count();
    assert_eq!(
        reveals,
        posts.len() - 1,
        "every round but the last is revealed"
    );
}

#[test]
fn a_month_of_spring_and_three_weeks_of_autumn_post_once_a_day_at_the_local_time() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let start = utc("2026-03-01T00:00:00Z");
        let (app, clock) = test_app(dir.path(), &fake.base, start);
        // 01:30 does not exist in London on 29 March; 02:30 does not in New York on 8 March.
        configure(&app, 1, 101, chrono_tz::Europe::London, "01:30").await;
        configure(&app, 2, 102, chrono_tz::America::New_York, "02:30").await;
        let log = run_clock(
            &app,
            &clock,
            &fake,
            start,
            utc("2026-04-01T12:00:00Z"),
            Duration::minutes(15),
        )
        .await;
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        check_fortnight(
            &log,
            101,
            chrono_tz::Europe::London,
            "01:30",
            d("2026-03-01")..d("2026-04-01"),
        );
        check_fortnight(
            &log,
            102,
            chrono_tz::America::New_York,
            "02:30",
            d("2026-03-01")..d("2026-04-01"),
        );
        let spring_london = log
            .iter()
            .find(|(t, r)| {
                r.path.starts_with("/channels/101/")
                    && is_question(r)
                    && t.date_naive() == d("2026-03-29")
            })
            .unwrap()
            .0;
        assert_eq!(
            spring_london,
            utc("2026-03-29T01:00:00Z"),
            "the first valid minute: 02:00 BST"
        );
        let spring_ny = log
            .iter()
            .find(|(t, r)| {
                r.path.starts_with("/channels/102/")
                    && is_question(r)
                    && t.date_naive() == d("2026-03-08")
            })
            .unwrap()
            .0;
        assert_eq!(spring_ny, utc("2026-03-08T07:00:00Z"), "03:00 EDT");

        // Autumn: 01:30 happens twice in both zones; each posts once, the first time.
        let autumn = utc("2026-10-18T00:00:00Z");
        clock.set(autumn);
        configure(&app, 3, 103, chrono_tz::Europe::London, "01:30").await;
        configure(&app, 4, 104, chrono_tz::America::New_York, "01:30").await;
        let log2 = run_clock(
            &app,
            &clock,
            &fake,
            autumn,
            utc("2026-11-08T12:00:00Z"),
            Duration::minutes(15),
        )
        .await;
        check_fortnight(
            &log2,
            103,
            chrono_tz::Europe::London,
            "01:30",
            d("2026-10-18")..d("2026-11-08"),
        );
        check_fortnight(
            &log2,
            104,
            chrono_tz::America::New_York,
            "01:30",
            d("2026-10-18")..d("2026-11-08"),
        );
        let autumn_ny = log2
            .iter()
            .find(|(t, r)| {
                r.path.starts_with("/channels/104/")
                    && is_question(r)
                    && t.date_naive() == d("2026-11-01")
            })
            .unwrap()
            .0;
        assert_eq!(
            autumn_ny,
            utc("2026-11-01T05:30:00Z"),
            "01:30 EDT, not 01:30 EST"
        );

        // Every message the clock sent, against Discord's spec (a sample of each kind).
        let posts: Vec<_> = log
            .iter()
            .filter(|(_, r)| r.method == "POST" && r.path.ends_with("/messages"))
            .take(6)
            .map(|(_, r)| r.body.clone())
            .collect();
        let threads: Vec<_> = log
            .iter()
            .filter(|(_, r)| r.method == "POST" && r.path.ends_with("/threads"))
            .take(3)
            .map(|(_, r)| r.body.clone())
            .collect();
        assert!(
            !threads.is_empty(),
            "revealed questions open their discussion threads"
        );
        spec::validate("thread", &threads);
        let edits: Vec<_> = log
            .iter()
            .filter(|(_, r)| r.method == "PATCH")
            .take(3)
            .map(|(_, r)| r.body.clone())
            .collect();
        assert!(
            !edits.is_empty(),
            "revealed questions have their controls disabled"
        );
        spec::validate("message", &posts);
        spec::validate("message-edit", &edits);
    });
}

#[test]
fn after_downtime_a_missed_post_is_made_once_and_a_missed_reveal_is_made() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let start = utc("2026-05-04T00:00:00Z");
        let (app, clock) = test_app(dir.path(), &fake.base, start);
        configure(&app, 1, 201, chrono_tz::Europe::Paris, "09:00").await;
        // Until 08:00 Paris time on 6 May, before that day's 09:00 post.
        let log = run_clock(
            &app,
            &clock,
            &fake,
            start,
            utc("2026-05-06T06:00:00Z"),
            Duration::minutes(10),
        )
        .await;
        assert_eq!(
            log.iter().filter(|(_, r)| is_question(r)).count(),
            2,
            "4 and 5 May posted"
        );

        // Down from 6 May 08:00 until 15:00 Paris time: 09:00 was missed, still the same day.
        let (app2, clock2) = test_app(dir.path(), &fake.base, utc("2026-05-06T13:00:00Z"));
        let before = fake.requests().len();
        let r1 = scheduler::pass(&app2).await.unwrap();
        let r2 = scheduler::pass(&app2).await.unwrap();
        assert_eq!(
            (r1.posted, r1.revealed),
            (1, 1),
            "today's post, and yesterday's reveal: {r1:?}"
        );
        assert_eq!((r2.posted, r2.revealed), (0, 0), "never twice: {r2:?}");
        let made: Vec<_> = fake.requests()[before..].to_vec();
        assert_eq!(made.iter().filter(|r| is_question(r)).count(), 1);
        assert_eq!(made.iter().filter(|r| is_reveal(r)).count(), 1);

        // Down for a whole day: 7 May is not posted late; 8 May is, once.
        clock2.set(utc("2026-05-08T07:30:00Z"));
        let r = scheduler::pass(&app2).await.unwrap();
        assert_eq!((r.posted, r.missed), (1, 1), "{r:?}");
        let round = app2.store().open_round(GuildId(1)).await.unwrap().unwrap();
        assert_eq!(round.day.to_string(), "2026-05-08");
        drop(clock);
    });
}

#[test]
fn two_schedulers_on_one_database_post_once() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let at = utc("2026-09-01T06:00:00Z");
        let (ca, clock_a) = test_app(dir.path(), &fake.base, at);
        let (cb, clock_b) = test_app(dir.path(), &fake.base, at);
        for guild in 1..=20u64 {
            configure(&ca, guild, 300 + guild, chrono_tz::UTC, "07:00").await;
        }
        let due = utc("2026-09-01T07:00:00Z");
        clock_a.set(due);
        clock_b.set(due);
        let (ra, rb) = tokio::join!(scheduler::pass(&ca), scheduler::pass(&cb));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.posted + rb.posted, 20, "{ra:?} {rb:?}");
        let posts = fake.requests().into_iter().filter(is_question).count();
        assert_eq!(posts, 20, "one post per guild");
        let (ra, rb) = tokio::join!(scheduler::pass(&ca), scheduler::pass(&cb));
        assert_eq!(ra.unwrap().posted + rb.unwrap().posted, 0);
    });
}

#[test]
fn a_deleted_channel_is_reported_and_holds_up_no_other_guild() {
    runtime().block_on(async {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, utc("2026-09-01T06:00:00Z"));
        configure(&app, 1, 401, chrono_tz::UTC, "07:00").await;
        configure(&app, 2, 402, chrono_tz::UTC, "07:00").await;
        fake.fail_channel(401, 404);
        clock.set(utc("2026-09-01T07:00:00Z"));
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!((r.posted, r.failed), (1, 1), "{r:?}");
        let status = app
            .store()
            .status(GuildId(1))
            .await
            .unwrap()
            .expect("a status");
        assert!(
            status.contains("failed") && status.contains("<#401>"),
            "{status}"
        );
        assert!(app.store().status(GuildId(2)).await.unwrap().is_none());
        assert!(
            app.store().open_round(GuildId(1)).await.unwrap().is_none(),
            "nothing half-posted"
        );
        // The next day is scheduled, and a pass now does nothing more.
        let r = scheduler::pass(&app).await.unwrap();
        assert_eq!((r.posted, r.failed), (0, 0), "{r:?}");
    });
}
