//! `db migrate-to`'s speed: a SQLite database of realistic size (100,000 answers by 20,000
//! members in 20 guilds over a year, with their rounds and totals; seeded) copied into a fresh
//! PostgreSQL database, through the same code the command runs. Prints rows, seconds and rows
//! per second.
//!
//!     INTERVIEW_BOT_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench migrate
//!
//! The URL is a server where the user may CREATE DATABASE (as for the PostgreSQL tests); the
//! bench creates its own database there and drops it at the end. MIGRATE_BENCH_ANSWERS changes
//! the number of answers.

use chrono::{Duration, TimeZone, Utc};
use interview_bot::bank::seeded::SeededRng;
use interview_bot::grade::Verdict;
use std::time::Instant;

const GUILDS: i64 = 20;
const MEMBERS_PER_GUILD: usize = 1_000;
const DAYS: i64 = 365;
const TOPICS: [&str; 3] = ["processes-threads", "semver", "transformers"];

fn build(path: &std::path::Path, answers: u64) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "wal").unwrap();
    interview_bot::store::migrate(&mut conn).unwrap();
    let tx = conn.transaction().unwrap();
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
    let mut rng = SeededRng::new(2026);
    {
        let mut guild = tx
            .prepare("INSERT INTO guilds (guild_id, timezone) VALUES (?1, 'Europe/Paris')")
            .unwrap();
        let mut round = tx
            .prepare(
                "INSERT INTO rounds (round_id, guild_id, day, question_id, topic, difficulty, seed, opens_at, closes_at, state)
                 VALUES (?1, ?2, ?3, 'q', ?4, 'medium', 1, ?5, ?6, 'closed')",
            )
            .unwrap();
        for g in 1..=GUILDS {
            guild.execute([g]).unwrap();
            for d in 0..DAYS {
                let opens = start + Duration::days(d);
                round
                    .execute(rusqlite::params![
                        g * 1000 + d,
                        g,
                        opens.date_naive().to_string(),
                        TOPICS[(d % 3) as usize],
                        opens.timestamp_millis(),
                        (opens + Duration::days(1)).timestamp_millis()
                    ])
                    .unwrap();
            }
        }
        let mut answer = tx
            .prepare(
                "INSERT OR IGNORE INTO answers (round_id, guild_id, user_id, topic, answer, score, verdict, points, answered_at)
                 VALUES (?1, ?2, ?3, ?4, 'threads share the address space of their process', ?5, ?6, ?7, ?8)",
            )
            .unwrap();
        let mut inserted = 0;
        while inserted < answers {
            let g = 1 + rng.below(GUILDS as usize) as i64;
            let d = rng.below(DAYS as usize) as i64;
            let user = g * 1_000_000 + rng.below(MEMBERS_PER_GUILD) as i64;
            let score = rng.below(11) as f64 / 10.0;
            let at = start + Duration::days(d) + Duration::seconds(rng.below(80_000) as i64);
            inserted += answer
                .execute(rusqlite::params![
                    g * 1000 + d,
                    g,
                    user,
                    TOPICS[(d % 3) as usize],
                    score,
                    Verdict::of_score(score).as_str(),
                    (20.0 * score).round() as i64,
                    at.timestamp_millis()
                ])
                .unwrap() as u64;
        }
        tx.execute_batch(
            "INSERT INTO totals (guild_id, user_id, points, answers, correct)
             SELECT guild_id, user_id, SUM(points), COUNT(*), SUM(verdict = 'correct') FROM answers GROUP BY guild_id, user_id;",
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

fn main() {
    let Ok(server) = std::env::var("INTERVIEW_BOT_TEST_PG") else {
        println!(
            "migrate bench skipped: set INTERVIEW_BOT_TEST_PG to a PostgreSQL server's URL \
             (a user who may CREATE DATABASE), e.g. postgres://postgres@127.0.0.1:5432/postgres"
        );
        return;
    };
    let answers: u64 = std::env::var("MIGRATE_BENCH_ANSWERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let t = Instant::now();
    build(&path, answers);
    println!(
        "built {answers} answers in {:.1} s ({} KiB)",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&path)
            .map(|m| m.len() / 1024)
            .unwrap_or(0)
    );

    let name = format!("bench_migrate_{}", std::process::id());
    let base = server.trim().to_string();
    let url = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => format!("{}/{name}", &base[..i]),
        _ => format!("{base}/{name}"),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (admin, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
            .await
            .expect("the PostgreSQL server answers");
        tokio::spawn(conn);
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        let t = Instant::now();
        let report = interview_bot::store::pg_copy::migrate_to(&path, &url, &|_| {}, &|_, _| {})
            .await
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(report.committed, "the copy verifies");
        let rows = report.rows();
        println!(
            "migrate-to: {rows} rows ({answers} answers) in {secs:.2} s: {:.0} rows/s, {:.0} answers/s \
             (schema, copy, identities and verification, in one transaction)",
            rows as f64 / secs,
            answers as f64 / secs
        );
        admin
            .batch_execute(&format!("DROP DATABASE \"{name}\""))
            .await
            .unwrap();
    });
}
