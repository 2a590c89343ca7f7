//! `/review`'s due pick on the store bench's database (1,000,000 answers by 100,000 members in
//! 100 guilds, built by `benches/store.rs`), with review state for every one of its members:
//! 10 to 40 cards each (about 2.5 million), due from a month ago to four months ahead, plus one
//! member with 5,000 cards all due.
//!
//!     cargo bench --bench review
//!
//! Measures, through the store as the handler calls it, for random members: the due pick (the
//! 10 most overdue question ids), the status `/review` shows (how many are due, when the next
//! falls due), and the two together, which is what `/review` and **Next review** read. Prints
//! the median and p99 of each (target: the pick at p99 <= 5 ms on a 2-core machine), the same for
//! the member with 5,000 due, and for reference the write that reschedules a card after an
//! answer. `STORE_BENCH_DB=PATH` keeps the database between runs, as for the store bench.

#[path = "store.rs"]
#[allow(dead_code)]
mod store_bench;

use chrono::{DateTime, Duration, TimeZone, Utc};
use interview_bot::bank::seeded::SeededRng;
use interview_bot::bank::{Bank, BankSource};
use interview_bot::quiz::review::{self, Deck, Rating, ReviewStore};
use interview_bot::quiz::{GuildId, UserId};
use interview_bot::store::Store;
use std::time::Instant;

/// The store bench's "now": a year after its first round.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()
}

const HEAVY: Deck = Deck {
    guild: Some(GuildId(1)),
    member: UserId(1_999_999),
};
const HEAVY_CARDS: usize = 5_000;
const SAMPLES: usize = 2_000;

fn percentile(mut xs: Vec<f64>, p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[((xs.len() as f64 - 1.0) * p).round() as usize]
}

/// Cards for every member of the store bench's database (those with totals), in one
/// transaction; question ids are the built-in bank's.
fn add_cards(path: &std::path::Path, ids: &[String]) -> (u64, u64) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    interview_bot::store::migrate(&mut conn).unwrap();
    let members: Vec<(i64, i64)> = conn
        .prepare("SELECT guild_id, user_id FROM totals")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let tx = conn.transaction().unwrap();
    let mut rng = SeededRng::new(2027);
    let mut cards = 0u64;
    {
        let mut insert = tx
            .prepare(
                "INSERT OR IGNORE INTO review_cards (guild_id, user_id, question_id, due_at, stability,
                     difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review_at, last_rating)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'review', ?11, ?12)",
            )
            .unwrap();
        let mut card = |guild: i64, user: i64, question: &str, rng: &mut SeededRng| {
            let due =
                now() - Duration::days(30) + Duration::minutes(rng.below(150 * 24 * 60) as i64);
            let days = 1 + rng.below(60) as i64;
            let rating = Rating::ALL[rng.below(4)];
            insert
                .execute(rusqlite::params![
                    guild,
                    user,
                    question,
                    due.timestamp_millis(),
                    days as f64 * 0.9,
                    1.0 + rng.below(90) as f64 / 10.0,
                    days,
                    days,
                    1 + rng.below(8) as i64,
                    rng.below(3) as i64,
                    (due - Duration::days(days)).timestamp_millis(),
                    rating.as_str(),
                ])
                .unwrap() as u64
        };
        for &(guild, user) in &members {
            let n = 10 + rng.below(31);
            let first = rng.below(ids.len());
            // Ids from a random place in the bank, 11 apart (distinct while 11 does not divide the
            // bank's size; a repeat would be skipped).
            for k in 0..n {
                cards += card(guild, user, &ids[(first + k * 11) % ids.len()], &mut rng);
            }
        }
        for k in 0..HEAVY_CARDS {
            let q = format!("heavy-question-{k}");
            cards += card(1, HEAVY.member.0 as i64, &q, &mut rng);
        }
        tx.execute(
            "UPDATE review_cards SET due_at = ?1 WHERE guild_id = 1 AND user_id = ?2",
            rusqlite::params![
                (now() - Duration::days(1)).timestamp_millis(),
                HEAVY.member.0 as i64
            ],
        )
        .unwrap();
    }
    tx.execute_batch("ANALYZE").unwrap();
    tx.commit().unwrap();
    (members.len() as u64, cards)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var("STORE_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("bench.db"));
    let t = Instant::now();
    if !path.exists() {
        store_bench::build(&path);
        println!(
            "built the store bench's database in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let has_cards: bool = conn
        .query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = 'review_cards'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let existing: i64 = if has_cards {
        conn.query_row("SELECT COUNT(*) FROM review_cards", [], |r| r.get(0))
            .unwrap()
    } else {
        0
    };
    drop(conn);
    if existing == 0 {
        let bank = Bank::load(&BankSource::Builtin).unwrap();
        let ids: Vec<String> = bank.questions().iter().map(|q| q.id.0.clone()).collect();
        let t = Instant::now();
        let (members, cards) = add_cards(&path, &ids);
        println!(
            "review state: {cards} cards for {members} members and one with {HEAVY_CARDS}, in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (cards, decks, due_now): (i64, i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT guild_id || ':' || user_id), SUM(due_at <= ?1) FROM review_cards",
            [now().timestamp_millis()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let members: Vec<(u64, u64)> = conn
        .prepare("SELECT guild_id, user_id FROM totals")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(conn);
    println!("{cards} review cards in {decks} decks, {due_now} due now");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(&path).unwrap();
        let mut rng = SeededRng::new(11);
        let deck = |rng: &mut SeededRng| {
            let (g, u) = members[rng.below(members.len())];
            Deck {
                guild: Some(GuildId(g)),
                member: UserId(u),
            }
        };
        // Warm the read connections and the page cache as a running bot has them.
        for _ in 0..200 {
            review::status(&store, deck(&mut rng), now()).await.unwrap();
        }
        let (mut pick, mut status, mut both) = (vec![], vec![], vec![]);
        let mut picked = 0usize;
        for _ in 0..SAMPLES {
            let d = deck(&mut rng);
            let t = Instant::now();
            picked += review::due(&store, d, now(), 10).await.unwrap().len();
            pick.push(ms(t));
            let t = Instant::now();
            review::status(&store, d, now()).await.unwrap();
            status.push(ms(t));
            let d = deck(&mut rng);
            let t = Instant::now();
            review::due(&store, d, now(), 10).await.unwrap();
            review::status(&store, d, now()).await.unwrap();
            both.push(ms(t));
        }
        let line = |name: &str, xs: Vec<f64>| {
            let p99 = percentile(xs.clone(), 0.99);
            println!("{name}: median {:.3} ms, p99 {p99:.3} ms", percentile(xs, 0.5));
            p99
        };
        println!("{SAMPLES} random members, {:.1} due questions picked on average", picked as f64 / SAMPLES as f64);
        let pick_p50 = percentile(pick.clone(), 0.5);
        let pick_p99 = line("due pick (10 most overdue)", pick);
        line("due count and next due", status);
        let both_p50 = percentile(both.clone(), 0.5);
        let both_p99 = line("/review's reads (pick + count)", both);

        let mut heavy = vec![];
        for _ in 0..200 {
            let t = Instant::now();
            let ids = review::due(&store, HEAVY, now(), 10).await.unwrap();
            let s = review::status(&store, HEAVY, now()).await.unwrap();
            heavy.push(ms(t));
            assert_eq!((ids.len(), s.due), (10, HEAVY_CARDS as u64));
        }
        let heavy_p99 = line(&format!("/review's reads, a member with {HEAVY_CARDS} due"), heavy);

        let mut rate = vec![];
        for _ in 0..SAMPLES {
            let d = deck(&mut rng);
            let ids = review::due(&store, d, now() + Duration::days(365), 1).await.unwrap();
            let t = Instant::now();
            store.rate_card(d, ids[0].clone(), Rating::Good, now()).await.unwrap();
            rate.push(ms(t));
        }
        let rate_p99 = line("rescheduling a card after an answer (a write)", rate);
        println!(
            "review_pick_p50_ms={pick_p50:.3} review_pick_p99_ms={pick_p99:.3} review_reads_p50_ms={both_p50:.3} review_reads_p99_ms={both_p99:.3} review_heavy_p99_ms={heavy_p99:.3} review_rate_p99_ms={rate_p99:.3}"
        );
        store.close();
    });
}
