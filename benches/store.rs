//! The store under load, on a database of 1,000,000 answers by 100,000 members in 100 guilds
//! over a year (seeded, so runs compare).
//!
//!     cargo bench --bench store
//!
//! Measures recording answers from many concurrent members to one round (sustained answers per
//! second, p99 latency), the leaderboard queries (all time, week, topic) and a member's rank
//! (p99 of each), and for reference a member's `/stats` (p99) and the results of the round just
//! answered (median). Targets on a 2-core machine: 5,000 answers/s with p99 <= 20 ms; every
//! board and a rank <= 5 ms p99. Last, a burst of 50,000 answers over every guild's next
//! round (p50, p99). For both bursts it prints the largest size the write-ahead log reached,
//! and its size after a second with no writes.

use chrono::{DateTime, Duration, TimeZone, Utc};
use interview_bot::bank::seeded::SeededRng;
use interview_bot::grade::Verdict;
use interview_bot::quiz::*;
use interview_bot::store::{BoardQuery, Store};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

const GUILDS: u64 = 100;
const MEMBERS_PER_GUILD: u64 = 1_000;
const DAYS: i64 = 365;
const ANSWERS: u64 = 1_000_000;
const TOPICS: [&str; 5] = [
    "processes-threads",
    "semver",
    "transformers",
    "data-engineering",
    "ai-learning",
];

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 11, 1, 9, 0, 0).unwrap()
}

/// Samples the size of the `-wal` file every 2 ms and keeps the largest.
struct WalWatch {
    largest: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WalWatch {
    fn start(wal: std::path::PathBuf) -> WalWatch {
        let largest = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (l, s) = (largest.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                l.fetch_max(wal_len(&wal), Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        });
        WalWatch {
            largest,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops sampling; the largest size seen, in bytes.
    fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        self.largest.load(Ordering::Relaxed)
    }
}

fn wal_len(wal: &std::path::Path) -> u64 {
    std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Records `answerers` answers by distinct members (ids from `first_user`), spread over
/// `rounds`, with `in_flight` waiting at a time; answers per second and each one's latency (ms).
async fn answer_burst(
    store: &Store,
    rounds: &[RoundId],
    first_user: u64,
    answerers: u64,
    in_flight: usize,
    at: DateTime<Utc>,
) -> (f64, Vec<f64>) {
    let t = Instant::now();
    let mut latencies = Vec::with_capacity(answerers as usize);
    let mut next = 0u64;
    let mut tasks = tokio::task::JoinSet::new();
    while next < answerers || !tasks.is_empty() {
        while next < answerers && tasks.len() < in_flight {
            let store = store.clone();
            let user = UserId(first_user + next);
            let round = rounds[next as usize % rounds.len()];
            tasks.spawn(async move {
                let t = Instant::now();
                let r = store
                    .record_answer(NewAnswer {
                        round,
                        user,
                        answer: "threads share memory".into(),
                        score: 0.8,
                        verdict: Verdict::Correct,
                        at,
                        review: None,
                    })
                    .await
                    .unwrap();
                assert!(matches!(r, Recorded::Accepted { .. }));
                t.elapsed().as_secs_f64() * 1e3
            });
            next += 1;
        }
        if let Some(done) = tasks.join_next().await {
            latencies.push(done.unwrap());
        }
    }
    (answerers as f64 / t.elapsed().as_secs_f64(), latencies)
}

fn percentile(mut xs: Vec<f64>, p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[((xs.len() as f64 - 1.0) * p).round() as usize]
}

/// Fills the database directly in one transaction: guilds, a year of rounds, the answers, and
/// the running totals derived from them.
pub fn build(path: &std::path::Path) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "wal").unwrap();
    interview_bot::store::migrate(&mut conn).unwrap();
    let tx = conn.transaction().unwrap();
    let mut rng = SeededRng::new(2026);
    {
        let mut guild = tx
            .prepare("INSERT INTO guilds (guild_id, timezone) VALUES (?1, 'Europe/London')")
            .unwrap();
        let mut round = tx
            .prepare(
                "INSERT INTO rounds (round_id, guild_id, day, question_id, topic, difficulty, seed, opens_at, closes_at, state)
                 VALUES (?1, ?2, ?3, 'q', ?4, 'medium', 1, ?5, ?6, 'closed')",
            )
            .unwrap();
        for g in 1..=GUILDS {
            guild.execute([g as i64]).unwrap();
            for d in 0..DAYS {
                let opens = start() + Duration::days(d);
                let id = (g as i64) * 1000 + d;
                round
                    .execute(rusqlite::params![
                        id,
                        g as i64,
                        opens.date_naive().to_string(),
                        TOPICS[(d % 5) as usize],
                        opens.timestamp_millis(),
                        (opens + Duration::days(1)).timestamp_millis()
                    ])
                    .unwrap();
            }
        }
        let mut answer = tx
            .prepare(
                "INSERT OR IGNORE INTO answers (round_id, guild_id, user_id, topic, answer, score, verdict, points, answered_at)
                 VALUES (?1, ?2, ?3, ?4, 'an answer', ?5, ?6, ?7, ?8)",
            )
            .unwrap();
        let mut inserted = 0;
        // A bar on a terminal only (indicatif's stderr target), so captured output stays clean.
        let bar = interview_bot::cli::progress::bar(ANSWERS, "building the bench database");
        while inserted < ANSWERS {
            if inserted % 10_000 == 0 {
                bar.set_position(inserted);
            }
            let g = 1 + rng.below(GUILDS as usize) as i64;
            let d = rng.below(DAYS as usize) as i64;
            let user = g * 1_000_000 + rng.below(MEMBERS_PER_GUILD as usize) as i64;
            let score = rng.below(11) as f64 / 10.0;
            let verdict = Verdict::of_score(score);
            let at = start() + Duration::days(d) + Duration::seconds(rng.below(80_000) as i64);
            inserted += answer
                .execute(rusqlite::params![
                    g * 1000 + d,
                    g,
                    user,
                    TOPICS[(d % 5) as usize],
                    score,
                    verdict.as_str(),
                    (20.0 * score).round() as i64,
                    at.timestamp_millis()
                ])
                .unwrap() as u64;
        }
        bar.finish_and_clear();
        tx.execute_batch(
            "INSERT INTO totals (guild_id, user_id, points, answers, correct)
             SELECT guild_id, user_id, SUM(points), COUNT(*), SUM(verdict = 'correct') FROM answers GROUP BY guild_id, user_id;
             ANALYZE;",
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

fn main() {
    // STORE_BENCH_DB=PATH keeps the built database between runs (it is the same every time).
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var("STORE_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("bench.db"));
    let t = Instant::now();
    if !path.exists() {
        build(&path);
    } else {
        // Undo the previous run's new round and its answers.
        let conn = rusqlite::Connection::open(&path).unwrap();
        let last_built = GUILDS as i64 * 1000 + DAYS - 1;
        conn.execute_batch(&format!(
            "DELETE FROM totals WHERE user_id >= 900000000; DELETE FROM streaks WHERE user_id >= 900000000;
             DELETE FROM answers WHERE user_id >= 900000000; DELETE FROM rounds WHERE round_id > {last_built};"
        ))
        .unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (answers, members): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM answers), (SELECT COUNT(*) FROM totals)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    println!(
        "built {answers} answers by {members} members in {GUILDS} guilds in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(&path).unwrap();
        // A new round in guild 1 that everyone answers at once.
        let now = start() + Duration::days(DAYS);
        let round = store
            .create_round(NewRound {
                guild: GuildId(1),
                day: now.date_naive(),
                question: "process-vs-thread".into(),
                topic: "processes-threads".into(),
                difficulty: interview_bot::bank::Difficulty::Medium,
                seed: 9,
                opens_at: now,
                closes_at: now + Duration::days(1),
                channel: None,
            })
            .await
            .unwrap()
            .unwrap();
        let answerers: u64 = 20_000;
        let in_flight = 200;
        let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
        let wal_watch = WalWatch::start(wal.clone());
        let (answers_per_s, latencies) =
            answer_burst(&store, &[round.id], 900_000_000, answerers, in_flight, now).await;
        let answer_p99 = percentile(latencies.clone(), 0.99);
        let answer_p50 = percentile(latencies, 0.5);
        println!(
            "answers: {answerers} from distinct members, {in_flight} in flight: {answers_per_s:.0}/s, p50 {answer_p50:.2} ms, p99 {answer_p99:.2} ms"
        );
        // A second with no writes, as after a burst.
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let wal_max = wal_watch.stop();
        let wal_after = wal_len(&wal);
        println!(
            "write-ahead log: largest {:.1} MiB during the answers, {:.1} MiB after 1 s without writes",
            mib(wal_max),
            mib(wal_after)
        );

        let mut rng = SeededRng::new(7);
        let mut boards = Vec::new();
        let tz = chrono_tz::Europe::London;
        let query_now = start() + Duration::days(200);
        for (name, between, topic) in [
            ("all", None, None),
            ("week", Period::Week.bounds(tz, query_now), None),
            ("month", Period::Month.bounds(tz, query_now), None),
            ("topic", None, Some("semver".to_string())),
        ] {
            let mut times = Vec::new();
            for _ in 0..400 {
                let g = 1 + rng.below(GUILDS as usize) as u64;
                let user = UserId(g * 1_000_000 + rng.below(MEMBERS_PER_GUILD as usize) as u64);
                let q = BoardQuery { guild: GuildId(g), track: None, between, topic: topic.clone(), user, limit: 10, offset: 0 };
                let t = Instant::now();
                let board = store.leaderboard(q).await.unwrap();
                times.push(t.elapsed().as_secs_f64() * 1e3);
                assert_eq!(board.top.len(), 10);
            }
            let p99 = percentile(times.clone(), 0.99);
            println!("leaderboard {name:<5}: p50 {:.2} ms, p99 {p99:.2} ms", percentile(times, 0.5));
            boards.push(p99);
        }
        let mut times = Vec::new();
        for _ in 0..400 {
            let g = 1 + rng.below(GUILDS as usize) as u64;
            let user = UserId(g * 1_000_000 + rng.below(MEMBERS_PER_GUILD as usize) as u64);
            let q = BoardQuery { guild: GuildId(g), track: None, between: None, topic: None, user, limit: 10, offset: 0 };
            let t = Instant::now();
            store.rank(q).await.unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let rank_p99 = percentile(times.clone(), 0.99);
        println!("rank: p50 {:.2} ms, p99 {rank_p99:.2} ms", percentile(times, 0.5));
        // /stats: a member's totals, streak and accuracy per topic.
        let mut times = Vec::new();
        for _ in 0..400 {
            let g = 1 + rng.below(GUILDS as usize) as u64;
            let user = UserId(g * 1_000_000 + rng.below(MEMBERS_PER_GUILD as usize) as u64);
            let t = Instant::now();
            let stats = store.member_stats(GuildId(g), user).await.unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            assert!(!stats.per_topic.is_empty());
        }
        let stats_p99 = percentile(times.clone(), 0.99);
        println!("member stats: p50 {:.2} ms, p99 {stats_p99:.2} ms", percentile(times, 0.5));
        // A reveal's results for the round the 20,000 members just answered.
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let results = store.round_results(round.id, 5).await.unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(results.answers, answerers);
        }
        let results_p50 = percentile(times, 0.5);
        println!("round results of {answerers} answers: median {results_p50:.2} ms");
        // The next day's post in every guild at once, answered by a long burst: answers spread
        // over 100 rounds touch pages all over the tables, so the write-ahead log grows fast.
        let next_day = now + Duration::days(1);
        let mut rounds = Vec::new();
        for g in 1..=GUILDS {
            let r = store
                .create_round(NewRound {
                    guild: GuildId(g),
                    day: next_day.date_naive(),
                    question: "process-vs-thread".into(),
                    topic: "processes-threads".into(),
                    difficulty: interview_bot::bank::Difficulty::Medium,
                    seed: 9,
                    opens_at: next_day,
                    closes_at: next_day + Duration::days(1),
                    channel: None,
                })
                .await
                .unwrap()
                .unwrap();
            rounds.push(r.id);
        }
        let burst: u64 = 50_000;
        let wal_watch = WalWatch::start(wal.clone());
        let (burst_per_s, latencies) =
            answer_burst(&store, &rounds, 900_100_000, burst, in_flight, next_day).await;
        let burst_p99 = percentile(latencies.clone(), 0.99);
        let burst_p50 = percentile(latencies, 0.5);
        println!(
            "burst: {burst} answers over {GUILDS} guilds' rounds, {in_flight} in flight: {burst_per_s:.0}/s, p50 {burst_p50:.2} ms, p99 {burst_p99:.2} ms"
        );
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let burst_wal_max = wal_watch.stop();
        let burst_wal_after = wal_len(&wal);
        println!(
            "write-ahead log: largest {:.1} MiB during the burst, {:.1} MiB after 1 s without writes",
            mib(burst_wal_max),
            mib(burst_wal_after)
        );
        let board_p99 = boards.into_iter().fold(0.0, f64::max);
        println!(
            "answers_per_s={answers_per_s:.0} answer_p50_ms={answer_p50:.2} answer_p99_ms={answer_p99:.2} wal_max_mib={:.1} wal_idle_mib={:.1} leaderboard_p99_ms={board_p99:.2} rank_p99_ms={rank_p99:.2} stats_p99_ms={stats_p99:.2} round_results_ms={results_p50:.1} burst_p50_ms={burst_p50:.2} burst_p99_ms={burst_p99:.2} burst_wal_max_mib={:.1} burst_wal_idle_mib={:.1}",
            mib(wal_max),
            mib(wal_after),
            mib(burst_wal_max),
            mib(burst_wal_after)
        );
        store.close();
    });
}
