//! The signed HTTP answer path under load: many members answering one round through the real
//! endpoint (verify, parse, grade, record, respond), beside a bare endpoint that only verifies
//! and answers PING, in one run.
//!
//!     cargo bench --bench endpoint
//!
//! Targets on a 2-core machine: at least 2,000 free-text answers per second with p99 at most
//! 50 ms, and at least half the bare endpoint's throughput. The load generator shares the
//! machine with the server, so both figures include its cost.
//!
//! Then the same answer path on PostgreSQL, through 1 and through 3 replicas of the endpoint on
//! one database (each replica its own App, connection pool, round cache and listener, in this
//! process; the load spread round-robin over them; 8 connections for one replica, 4 each for
//! three), and the clock's claim pass over 100,000
//! guilds when nothing is due. Each PostgreSQL path is driven twice: closed loop (64 requests in
//! flight, each sent when one comes back: the most it answers, with a p99 that is mostly the
//! queue those 64 make), then open loop (2,000 answers/s offered on a fixed schedule, as members
//! send them, whatever comes back: the p99 a member sees at that rate, timed from when each
//! answer was due). The p99 target is the open-loop one; the throughput target the closed-loop
//! one. The server is `INTERVIEW_BOT_BENCH_PG` if set, else a throwaway
//! cluster with PostgreSQL's default (durable) settings (`common/pg.rs`). Targets: at least
//! 2,000 answers/s with p99 at most 50 ms through 3 replicas; a claim pass at most 5 ms.
//! `ENDPOINT_BENCH_NO_PG=1` skips the PostgreSQL part.
//!
//! `ENDPOINT_BENCH_ANSWERS_ONLY=1` all but skips the PING runs, for profiling the answer path
//! (e.g. under `perf record`); its ratio is then meaningless. `ENDPOINT_BENCH_IN_FLIGHT=N`
//! changes how many requests are in flight at once (64), for both endpoints;
//! `ENDPOINT_BENCH_RATE=N` the open-loop rate (2,000 answers/s).

mod common;

use axum::routing::post;
use axum::Router;
use chrono::{Duration, Utc};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use interview_bot::bank::{BankSource, Kind};
use interview_bot::discord::App;
use interview_bot::quiz::{ChannelId, GuildId, ManualClock, NewRound};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

const GUILD: u64 = 900_000_000_000_000_001;
const APP_ID: u64 = 1_100_000_000_000_000_001;
const ANSWERS: usize = 20_000;
/// Requests in flight at once, unless `ENDPOINT_BENCH_IN_FLIGHT` says otherwise.
const IN_FLIGHT: usize = 64;
/// Answers per PostgreSQL run.
const PG_ANSWERS: usize = 10_000;
/// Answers per second offered in the PostgreSQL open-loop runs, unless `ENDPOINT_BENCH_RATE`
/// says otherwise: the target rate.
const RATE: f64 = 2_000.0;
/// Guilds in the claim-pass figure.
const CLAIM_GUILDS: i64 = 100_000;

fn in_flight() -> usize {
    std::env::var("ENDPOINT_BENCH_IN_FLIGHT")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(IN_FLIGHT)
}

fn rate() -> f64 {
    std::env::var("ENDPOINT_BENCH_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|r: &f64| *r > 0.0)
        .unwrap_or(RATE)
}

/// CPU time used by this process so far (user + system), from /proc, in milliseconds.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn percentile(mut xs: Vec<f64>, p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[((xs.len() as f64 - 1.0) * p).round() as usize]
}

/// Signs as Discord does, with the time of signing (the endpoint refuses a timestamp more than
/// 5 minutes off its clock, which here is the wall clock).
fn sign(key: &SigningKey, body: &[u8]) -> (String, String) {
    let ts = Utc::now().timestamp().to_string();
    let mut msg = ts.as_bytes().to_vec();
    msg.extend_from_slice(body);
    (hex::encode(key.sign(&msg).to_bytes()), ts)
}

fn modal_submit(round: i64, user: u64, answer: &str) -> serde_json::Value {
    json!({
        "id": (1_300_000_000_000_000_000u64 + user).to_string(),
        "application_id": APP_ID.to_string(),
        "type": 5,
        "data": {"custom_id": format!("1:f:{round}"), "components": [{"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": answer}]}]},
        "guild_id": GUILD.to_string(),
        "channel_id": "900000000000000002",
        "member": {"user": {"id": user.to_string(), "username": format!("m{user}"), "discriminator": "0", "global_name": null, "avatar": null},
                   "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0, "permissions": "0"},
        "token": format!("token-{user}"), "version": 1, "app_permissions": "0", "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {}, "context": 0, "attachment_size_limit": 26214400
    })
}

/// Sends every body (pre-signed) with `in_flight()` at once; returns (requests/s, latencies in ms).
async fn load(url: &str, bodies: Vec<(Vec<u8>, String, String)>) -> (f64, Vec<f64>) {
    load_over(&[url.to_string()], bodies).await
}

/// `load` spread over `urls`: worker `i` sends to `urls[i % len]`, as a load balancer would.
async fn load_over(urls: &[String], bodies: Vec<(Vec<u8>, String, String)>) -> (f64, Vec<f64>) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(in_flight())
        .build()
        .unwrap();
    let queue = Arc::new(std::sync::Mutex::new(bodies));
    let n = queue.lock().unwrap().len();
    let t = Instant::now();
    let workers: Vec<_> = (0..in_flight())
        .map(|i| {
            let (client, queue, url) =
                (client.clone(), queue.clone(), urls[i % urls.len()].clone());
            tokio::spawn(async move {
                let mut lat = Vec::new();
                loop {
                    let Some((body, sig, ts)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let t = Instant::now();
                    post_signed(&client, &url, body, sig, ts).await;
                    lat.push(t.elapsed().as_secs_f64() * 1e3);
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::with_capacity(n);
    for w in workers {
        all.extend(w.await.unwrap());
    }
    (n as f64 / t.elapsed().as_secs_f64(), all)
}

/// Posts one signed interaction and reads the whole reply, which must be 200.
async fn post_signed(client: &reqwest::Client, url: &str, body: Vec<u8>, sig: String, ts: String) {
    let res = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-signature-ed25519", sig)
        .header("x-signature-timestamp", ts)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let _ = res.bytes().await.unwrap();
}

/// Open loop: sends body `i` at `i / rate` seconds from the start, to `urls[i % len]`, whether
/// or not earlier answers have come back, as members do; returns (answers/s achieved,
/// latencies in ms). Each latency runs from the moment its request was due, not from when it
/// left, so a stalled sender cannot hide a stall (no coordinated omission).
async fn load_at(
    urls: &[String],
    bodies: Vec<(Vec<u8>, String, String)>,
    rate: f64,
) -> (f64, Vec<f64>) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .unwrap();
    let n = bodies.len();
    let t0 = tokio::time::Instant::now();
    let mut sent = tokio::task::JoinSet::new();
    for (i, (body, sig, ts)) in bodies.into_iter().enumerate() {
        let due = t0 + std::time::Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due).await;
        let (client, url) = (client.clone(), urls[i % urls.len()].clone());
        sent.spawn(async move {
            post_signed(&client, &url, body, sig, ts).await;
            due.elapsed().as_secs_f64() * 1e3
        });
    }
    let mut lat = Vec::with_capacity(n);
    while let Some(l) = sent.join_next().await {
        lat.push(l.unwrap());
    }
    (n as f64 / t0.elapsed().as_secs_f64(), lat)
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/interactions", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let dir = tempfile::tempdir().unwrap();
        let (bank, grader) = interview_bot::grade::load(&BankSource::Dir(concat!(env!("CARGO_MANIFEST_DIR"), "/questions").into())).unwrap();
        let store = interview_bot::store::Store::open(dir.path().join("bench.db")).unwrap();
        let now = Utc::now();
        let q = bank.get("process-vs-thread").unwrap().clone();
        assert!(matches!(q.kind, Kind::FreeText(_)));
        let round = store
            .create_round(NewRound {
                guild: GuildId(GUILD),
                day: now.date_naive(),
                question: q.id.0.clone(),
                topic: q.topic.clone(),
                difficulty: q.difficulty,
                seed: 1,
                opens_at: now - Duration::hours(1),
                closes_at: now + Duration::hours(23),
                channel: Some(ChannelId(1)),
            })
            .await
            .unwrap()
            .unwrap();
        let http = interview_bot::discord::app::rest_client("bench", APP_ID, Some("http://127.0.0.1:9"));
        let app = App::new(bank, grader, store.clone(), Arc::new(ManualClock::new(now)), Arc::new(http));
        let url = serve(interview_bot::discord::endpoint::router(app, key.verifying_key().to_bytes()).unwrap()).await;

        // A bare endpoint: verify the signature, answer PING.
        let vk: VerifyingKey = key.verifying_key();
        let bare = Router::new().route(
            "/interactions",
            post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| async move {
                let sig = hex::decode(headers["x-signature-ed25519"].to_str().unwrap()).unwrap();
                let mut msg = headers["x-signature-timestamp"].as_bytes().to_vec();
                msg.extend_from_slice(&body);
                vk.verify_strict(&msg, &ed25519_dalek::Signature::from_slice(&sig).unwrap()).unwrap();
                axum::Json(json!({"type": 1}))
            }),
        );
        let bare_url = serve(bare).await;

        let answers = [
            "A process has its own memory space; threads inside one process share that memory, so they are cheaper to create and switch.",
            "threads share memory, processes dont",
            "Processes are isolated from each other while threads are the units of execution inside a process and share its heap.",
            "no idea",
        ];
        let bodies: Vec<(Vec<u8>, String, String)> = (0..ANSWERS)
            .map(|i| {
                let body = serde_json::to_vec(&modal_submit(round.id.0, 10_000 + i as u64, answers[i % answers.len()])).unwrap();
                let (sig, ts) = sign(&key, &body);
                (body, sig, ts)
            })
            .collect();
        let mut pings: Vec<(Vec<u8>, String, String)> = (0..ANSWERS)
            .map(|i| {
                let body = serde_json::to_vec(&json!({"id": (i + 1).to_string(), "application_id": APP_ID.to_string(), "type": 1, "token": "t", "version": 1})).unwrap();
                let (sig, ts) = sign(&key, &body);
                (body, sig, ts)
            })
            .collect();

        // For reference: our own endpoint answering the same PINGs (verify, parse, answer).
        if std::env::var_os("ENDPOINT_BENCH_ANSWERS_ONLY").is_some() {
            // For profiling the answer path: the PING runs shrink to almost nothing.
            pings.truncate(in_flight());
        }
        let (own_ping_rps, _) = load(&url, pings.clone()).await;
        let c0 = cpu_ms();
        let (bare_rps, bare_lat) = load(&bare_url, pings).await;
        let c1 = cpu_ms();
        let (rps, lat) = load(&url, bodies).await;
        let c2 = cpu_ms();
        println!("{} requests in flight", in_flight());
        println!(
            "CPU per request, load generator included: bare {:.0} µs, answer {:.0} µs",
            (c1 - c0) * 1e3 / ANSWERS as f64,
            (c2 - c1) * 1e3 / ANSWERS as f64
        );
        let recorded = store.round_results(round.id, 1).await.unwrap().answers;
        assert_eq!(recorded as usize, ANSWERS, "every answer was recorded");
        println!(
            "bare endpoint (verify + PING): {bare_rps:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
            percentile(bare_lat.clone(), 0.5),
            percentile(bare_lat, 0.99)
        );
        println!(
            "answer path (verify, parse, grade, record, respond): {rps:.0}/s, p50 {:.2} ms, p99 {:.2} ms, {recorded} answers recorded",
            percentile(lat.clone(), 0.5),
            percentile(lat.clone(), 0.99)
        );
        println!("our endpoint answering the same PINGs: {own_ping_rps:.0}/s (answer path at {:.2} of it)", rps / own_ping_rps);
        println!(
            "answers_per_s={rps:.0} answer_p50_ms={:.2} answer_p99_ms={:.2} bare_per_s={bare_rps:.0} ratio={:.2}",
            percentile(lat.clone(), 0.5),
            percentile(lat, 0.99),
            rps / bare_rps
        );
        store.close();
        if std::env::var_os("ENDPOINT_BENCH_NO_PG").is_none() {
            postgres(&key, answers).await;
        }
    });
}

/// The round of the answers, opened an hour ago.
fn bench_round(q: &interview_bot::bank::Question, now: chrono::DateTime<Utc>) -> NewRound {
    NewRound {
        guild: GuildId(GUILD),
        day: now.date_naive(),
        question: q.id.0.clone(),
        topic: q.topic.clone(),
        difficulty: q.difficulty,
        seed: 1,
        opens_at: now - Duration::hours(1),
        closes_at: now + Duration::hours(23),
        channel: Some(ChannelId(1)),
    }
}

/// The PostgreSQL figures: the answer path through 1 and 3 replicas, then the claim pass.
async fn postgres(key: &SigningKey, answers: [&str; 4]) {
    let server = common::pg::server();
    println!("PostgreSQL: {}", server.about);
    for replicas in [1usize, 3] {
        let url = common::pg::fresh_db(&server, &format!("answers_{replicas}")).await;
        let (bank, _) = interview_bot::grade::load(&BankSource::Dir(
            concat!(env!("CARGO_MANIFEST_DIR"), "/questions").into(),
        ))
        .unwrap();
        let now = Utc::now();
        let q = bank.get("process-vs-thread").unwrap().clone();
        let first = interview_bot::store::Store::connect(&url).await.unwrap();
        let round = first
            .create_round(bench_round(&q, now))
            .await
            .unwrap()
            .unwrap();
        let mut urls = Vec::new();
        for _ in 0..replicas {
            let (bank, grader) = interview_bot::grade::load(&BankSource::Dir(
                concat!(env!("CARGO_MANIFEST_DIR"), "/questions").into(),
            ))
            .unwrap();
            let store = interview_bot::store::Store::connect(&limited(&url, replicas))
                .await
                .unwrap();
            let http = interview_bot::discord::app::rest_client(
                "bench",
                APP_ID,
                Some("http://127.0.0.1:9"),
            );
            let app = App::new(
                bank,
                grader,
                store,
                Arc::new(ManualClock::new(now)),
                Arc::new(http),
            );
            urls.push(
                serve(
                    interview_bot::discord::endpoint::router(app, key.verifying_key().to_bytes())
                        .unwrap(),
                )
                .await,
            );
        }
        let bodies = signed_answers(key, round.id.0, 10_000, &answers);
        let (rps, lat) = load_over(&urls, bodies).await;
        let recorded = first.round_results(round.id, 1).await.unwrap().answers;
        assert_eq!(recorded as usize, PG_ANSWERS, "every answer was recorded");
        println!(
            "PostgreSQL, {replicas} replica(s) of {} connections each: answer path {rps:.0}/s, p50 {:.2} ms, p99 {:.2} ms, {recorded} answers recorded",
            connections(replicas),
            percentile(lat.clone(), 0.5),
            percentile(lat.clone(), 0.99)
        );
        println!(
            "pg_replicas={replicas} answers_per_s={rps:.0} answer_p50_ms={:.2} answer_p99_ms={:.2}",
            percentile(lat.clone(), 0.5),
            percentile(lat, 0.99)
        );
        let rate = rate();
        let bodies = signed_answers(key, round.id.0, 10_000 + PG_ANSWERS as u64, &answers);
        let (achieved, lat) = load_at(&urls, bodies, rate).await;
        let recorded = first.round_results(round.id, 1).await.unwrap().answers;
        assert_eq!(
            recorded as usize,
            2 * PG_ANSWERS,
            "every answer was recorded"
        );
        println!(
            "PostgreSQL, {replicas} replica(s), {rate:.0} answers/s offered (open loop): {achieved:.0}/s answered, p50 {:.2} ms, p99 {:.2} ms",
            percentile(lat.clone(), 0.5),
            percentile(lat.clone(), 0.99)
        );
        println!(
            "pg_replicas={replicas} offered_per_s={rate:.0} open_p50_ms={:.2} open_p99_ms={:.2}",
            percentile(lat.clone(), 0.5),
            percentile(lat, 0.99)
        );
    }
    claim_pass(&server).await;
}

/// `PG_ANSWERS` signed answers to `round`, from members `first_member`, `first_member + 1`, ...
fn signed_answers(
    key: &SigningKey,
    round: i64,
    first_member: u64,
    answers: &[&str],
) -> Vec<(Vec<u8>, String, String)> {
    (0..PG_ANSWERS)
        .map(|i| {
            let body = serde_json::to_vec(&modal_submit(
                round,
                first_member + i as u64,
                answers[i % answers.len()],
            ))
            .unwrap();
            let (sig, ts) = sign(key, &body);
            (body, sig, ts)
        })
        .collect()
}

/// Connections per replica: about 8 to 12 in all on this 2-core machine (more only queue up
/// inside PostgreSQL: 3 replicas of 16 tripled the p99), as README's "Running several
/// replicas" advises.
fn connections(replicas: usize) -> usize {
    if replicas == 1 {
        8
    } else {
        4
    }
}

/// `url` with the replica's `connection_limit`.
fn limited(url: &str, replicas: usize) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connection_limit={}", connections(replicas))
}

/// The clock's claim of due tracks with `CLAIM_GUILDS` guilds, none due: the median of many.
async fn claim_pass(server: &common::pg::Server) {
    let url = common::pg::fresh_db(server, "claims").await;
    let store = interview_bot::store::Store::connect(&url).await.unwrap();
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let now = Utc::now();
    let later = (now + Duration::hours(6)).timestamp_millis();
    client
        .execute(
            "INSERT INTO guilds (guild_id) SELECT g FROM generate_series(1::BIGINT, $1) AS g",
            &[&CLAIM_GUILDS],
        )
        .await
        .unwrap();
    client
        .execute(
            "INSERT INTO tracks (guild_id, track_id, name, channel_id, next_post_at)
             SELECT g, 1, 'daily', g, $2 + g % 3600000 FROM generate_series(1::BIGINT, $1) AS g",
            &[&CLAIM_GUILDS, &later],
        )
        .await
        .unwrap();
    client.batch_execute("ANALYZE").await.unwrap();
    let lease = now + Duration::minutes(5);
    let mut times = Vec::new();
    for _ in 0..500 {
        let t = Instant::now();
        let claimed = store.claim_due_tracks(now, lease, 32).await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(claimed.is_empty(), "nothing is due");
    }
    println!(
        "PostgreSQL claim pass, {CLAIM_GUILDS} guilds, none due: median {:.3} ms, p99 {:.3} ms (500 passes of Store::claim_due_tracks(now, lease, 32))",
        percentile(times.clone(), 0.5),
        percentile(times.clone(), 0.99)
    );
    println!("pg_claim_median_ms={:.3}", percentile(times, 0.5));
}
