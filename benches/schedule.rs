//! The daily clock at scale: 100,000 guilds whose post times spread over the day.
//!
//!     cargo bench --bench schedule
//!
//! Measures a pass with nothing due (target: at most 1 ms, whatever the number of guilds) at
//! 1,000, 10,000 and 100,000 guilds, and posts per second when many guilds are due at once,
//! against a local stand-in for Discord's REST that answers at once (Discord itself allows
//! about 50 requests per second; the figure shows how far below our own limit that is).

use axum::extract::Path;
use axum::routing::{patch, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use interview_bot::bank::BankSource;
use interview_bot::discord::{scheduler, App};
use interview_bot::quiz::{schedule, ChannelId, GuildId, GuildSettings, ManualClock};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn percentile(mut xs: Vec<f64>, p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[((xs.len() as f64 - 1.0) * p).round() as usize]
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1_000_000);

fn message(channel: &str) -> Value {
    json!({
        "id": NEXT_ID.fetch_add(1, Ordering::Relaxed).to_string(), "channel_id": channel,
        "author": {"id": "1", "username": "bot", "discriminator": "0", "avatar": null, "bot": true},
        "content": "", "timestamp": "2026-01-01T00:00:00+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "components": [], "pinned": false, "type": 0, "flags": 0
    })
}

async fn rest() -> String {
    let app = Router::new()
        .route(
            "/api/v10/channels/{c}/messages",
            post(|Path(c): Path<String>| async move { Json(message(&c)) }),
        )
        .route(
            "/api/v10/channels/{c}/messages/{m}",
            patch(|Path((c, _m)): Path<(String, String)>| async move { Json(message(&c)) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// `n` guilds, all in Europe/London, whose post minutes spread evenly over the day.
fn fill(path: &std::path::Path, n: u64, now: DateTime<Utc>) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "wal").unwrap();
    interview_bot::store::migrate(&mut conn).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare("INSERT INTO guilds (guild_id, channel_id, post_time, timezone, next_post_at) VALUES (?1, ?2, ?3, 'Europe/London', ?4)")
            .unwrap();
        for g in 1..=n {
            let minute = (g * 1440 / n.max(1)) % 1440;
            let time =
                NaiveTime::from_hms_opt((minute / 60) as u32, (minute % 60) as u32, 0).unwrap();
            let mut s = GuildSettings::new(GuildId(g));
            s.channel = Some(ChannelId(g));
            s.timezone = chrono_tz::Europe::London;
            s.post_time = time;
            let next = schedule::next_due(&s, now).unwrap();
            stmt.execute(rusqlite::params![
                g as i64,
                g as i64,
                time.format("%H:%M").to_string(),
                next.timestamp_millis()
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn app_on(path: &std::path::Path, base: &str, now: DateTime<Utc>) -> (App, ManualClock) {
    let (bank, grader) = interview_bot::grade::load(&BankSource::Dir(
        concat!(env!("CARGO_MANIFEST_DIR"), "/questions").into(),
    ))
    .unwrap();
    let store = interview_bot::store::Store::open(path).unwrap();
    let clock = ManualClock::new(now);
    let http = interview_bot::discord::app::rest_client("bench", 1, Some(base));
    (
        App::new(bank, grader, store, Arc::new(clock.clone()), Arc::new(http)),
        clock,
    )
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let base = rest().await;
        // Half a minute before a London minute: every guild's next post is still to come.
        let now = Utc.with_ymd_and_hms(2026, 7, 1, 22, 59, 30).unwrap();
        let mut idle = Vec::new();
        for n in [1_000u64, 10_000, 100_000] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("clock.db");
            fill(&path, n, now);
            let (app, _clock) = app_on(&path, &base, now);
            let mut times = Vec::new();
            for _ in 0..300 {
                let t = Instant::now();
                let r = scheduler::pass(&app).await.unwrap();
                times.push(t.elapsed().as_secs_f64() * 1e3);
                assert_eq!(r.posted + r.revealed, 0);
            }
            let (p50, p99) = (percentile(times.clone(), 0.5), percentile(times, 0.99));
            println!("{n:>7} guilds, nothing due: pass p50 {p50:.3} ms, p99 {p99:.3} ms");
            idle.push((n, p50));
        }

        // Many due at once: 2,000 guilds whose post time is the same minute.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("burst.db");
        let (app, clock) = app_on(&path, &base, now);
        let due_at = Utc.with_ymd_and_hms(2026, 7, 2, 8, 0, 0).unwrap();
        for g in 1..=2_000u64 {
            let mut s = GuildSettings::new(GuildId(g));
            s.channel = Some(ChannelId(g));
            s.timezone = chrono_tz::Europe::London;
            s.post_time = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
            app.store().save_settings(s.clone(), schedule::next_due(&s, now)).await.unwrap();
        }
        clock.set(due_at);
        let t = Instant::now();
        let mut posted = 0;
        while posted < 2_000 {
            posted += scheduler::pass(&app).await.unwrap().posted;
        }
        let per_s = posted as f64 / t.elapsed().as_secs_f64();
        println!("2000 guilds due at once: {posted} posted at {per_s:.0} posts/s");
        println!(
            "idle_pass_ms_1k={:.3} idle_pass_ms_10k={:.3} idle_pass_ms_100k={:.3} posts_per_s={per_s:.0}",
            idle[0].1, idle[1].1, idle[2].1
        );
    });
}
