//! What an operator watches: the bot's Prometheus metrics, their names, and one call per event.
//!
//! Every name is here, so the README, the alert rules and the code agree. The code elsewhere
//! calls one function per event (`metrics::answer(verdict)`, `metrics::commit(took, ok)`, ...)
//! and never names a metric itself. The recorder is process-wide (the `metrics` crate's global
//! one), installed once by [`install`]; until then every call is a no-op. The text that
//! `GET /metrics` serves is [`render`].
//!
//! Labels carry kinds and outcomes, never ids: a REST route is recorded as its template
//! (`channels/{id}/messages`), and an interaction's token never appears.

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Interactions handled: counter, labels `kind` (command, component, modal, autocomplete,
/// other) and `outcome` (ok: the usual reply; refused: a short private message such as "you
/// already answered"; error: something went wrong, see the log).
pub const INTERACTIONS: &str = "interview_bot_interactions_total";
/// Time to the interaction's first response (the reply, or the deferral): histogram in
/// seconds, label `kind`.
pub const INTERACTION_SECONDS: &str = "interview_bot_interaction_seconds";
/// Answers graded (daily and practice): counter, label `verdict` (correct, partial, wrong).
pub const ANSWERS: &str = "interview_bot_answers_total";
/// Time to grade one answer: histogram in seconds.
pub const GRADING_SECONDS: &str = "interview_bot_grading_seconds";
/// Time the store's writer takes to run and commit one batch of writes: histogram in seconds.
pub const DB_COMMIT_SECONDS: &str = "interview_bot_db_commit_seconds";
/// Batches of writes the store's writer ran: counter, label `outcome` (committed, refused).
pub const DB_COMMITS: &str = "interview_bot_db_commits_total";
/// REST calls to Discord (the post, the reveal, edits, deferred replies): counter, labels
/// `method`, `route` (the template, without ids) and `status` (the HTTP status, or `error`
/// when none came back).
pub const REST_CALLS: &str = "interview_bot_rest_calls_total";
/// 429 answers from Discord: counter, labels `route` and `global` (true, false).
pub const REST_RATE_LIMITED: &str = "interview_bot_rest_rate_limited_total";
/// The clock's daily posts: counter, label `outcome` (made, failed).
pub const POSTS: &str = "interview_bot_posts_total";
/// The clock's reveals: counter, label `outcome` (made, failed).
pub const REVEALS: &str = "interview_bot_reveals_total";
/// How late the last due post went out, in seconds: gauge.
pub const CLOCK_LAG_SECONDS: &str = "interview_bot_clock_lag_seconds";
/// Guilds with the daily post on and a channel set: gauge, refreshed by each clock pass.
pub const GUILDS_ENABLED: &str = "interview_bot_guilds_enabled";
/// Rounds open now: gauge, refreshed by each clock pass.
pub const OPEN_ROUNDS: &str = "interview_bot_open_rounds";

/// Histogram buckets in seconds: from a fast reply (1 ms) to Discord's 3-second limit and past.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 10.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the Prometheus recorder (once per process; later calls do nothing). If another
/// recorder is already installed (an embedding program's), ours is not, and `render` is empty.
pub fn install() {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .expect("the buckets are not empty");
        match builder.install_recorder() {
            Ok(handle) => {
                describe();
                Some(handle)
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot install the metrics recorder; /metrics stays empty");
                None
            }
        }
    });
}

/// The metrics in Prometheus' text format (empty before `install`).
pub fn render() -> String {
    match HANDLE.get() {
        Some(Some(h)) => h.render(),
        _ => String::new(),
    }
}

/// Drops what the histograms no longer need; the clock calls it on each pass.
pub fn upkeep() {
    if let Some(Some(h)) = HANDLE.get() {
        h.run_upkeep();
    }
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(INTERACTIONS, "Interactions handled, by kind and outcome");
    describe_histogram!(
        INTERACTION_SECONDS,
        Unit::Seconds,
        "Time to an interaction's first response"
    );
    describe_counter!(ANSWERS, "Answers graded, by verdict");
    describe_histogram!(GRADING_SECONDS, Unit::Seconds, "Time to grade one answer");
    describe_histogram!(
        DB_COMMIT_SECONDS,
        Unit::Seconds,
        "Time to run and commit one batch of writes"
    );
    describe_counter!(DB_COMMITS, "Batches of writes, by outcome");
    describe_counter!(REST_CALLS, "REST calls to Discord, by route and status");
    describe_counter!(REST_RATE_LIMITED, "429 answers from Discord, by route");
    describe_counter!(POSTS, "Daily posts by the clock, made or failed");
    describe_counter!(REVEALS, "Reveals by the clock, made or failed");
    describe_gauge!(
        CLOCK_LAG_SECONDS,
        Unit::Seconds,
        "How late the last due post went out"
    );
    describe_gauge!(GUILDS_ENABLED, "Guilds with the daily post on");
    describe_gauge!(OPEN_ROUNDS, "Rounds open now");
}

/// An interaction handled, and how it ended (`ok`, `refused` or `error`).
pub fn interaction(kind: &'static str, outcome: &'static str) {
    counter!(INTERACTIONS, "kind" => kind, "outcome" => outcome).increment(1);
}

/// The time to an interaction's first response.
pub fn interaction_latency(kind: &'static str, took: Duration) {
    histogram!(INTERACTION_SECONDS, "kind" => kind).record(took.as_secs_f64());
}

/// An answer graded.
pub fn answer(verdict: crate::grade::Verdict) {
    counter!(ANSWERS, "verdict" => verdict.as_str()).increment(1);
}

/// Runs the grader and records how long it took.
pub fn time_grading<T>(grade: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let graded = grade();
    histogram!(GRADING_SECONDS).record(started.elapsed().as_secs_f64());
    graded
}

/// A batch of writes run and committed (`ok`), or refused.
pub fn commit(took: Duration, ok: bool) {
    histogram!(DB_COMMIT_SECONDS).record(took.as_secs_f64());
    let outcome = if ok { "committed" } else { "refused" };
    counter!(DB_COMMITS, "outcome" => outcome).increment(1);
}

/// A REST call's answer: its status, or `None` when none came back.
pub fn rest_call(method: &'static str, path: &str, status: Option<u16>) {
    let status = status.map_or_else(|| "error".to_string(), |s| s.to_string());
    counter!(REST_CALLS, "method" => method, "route" => route_template(path), "status" => status)
        .increment(1);
}

/// A 429 from Discord.
pub fn rate_limited(path: &str, global: bool) {
    let global = if global { "true" } else { "false" };
    counter!(REST_RATE_LIMITED, "route" => route_template(path), "global" => global).increment(1);
}

/// What the clock did for one guild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockJob {
    Post,
    Reveal,
}

/// A post or reveal the clock made (`ok`) or that failed.
pub fn clock_job(job: ClockJob, ok: bool) {
    let name = match job {
        ClockJob::Post => POSTS,
        ClockJob::Reveal => REVEALS,
    };
    let outcome = if ok { "made" } else { "failed" };
    counter!(name, "outcome" => outcome).increment(1);
}

/// How late a due post went out (`now - due`; never below zero).
pub fn clock_lag(lag: chrono::Duration) {
    let secs = lag.num_milliseconds().max(0) as f64 / 1000.0;
    gauge!(CLOCK_LAG_SECONDS).set(secs);
}

/// The guilds with the daily post on, and the rounds open now.
pub fn counts(guilds_enabled: u64, open_rounds: u64) {
    gauge!(GUILDS_ENABLED).set(guilds_enabled as f64);
    gauge!(OPEN_ROUNDS).set(open_rounds as f64);
}

/// A REST path as a template: every segment that is not a plain lower-case word (an id, an
/// interaction token, an emoji) becomes `{id}`, so labels stay few and carry no secret.
/// serenity's paths are whole URLs (`https://discord.com/api/v10/...`, or the proxy's): only
/// what follows the API version is kept.
pub fn route_template(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let path = match path.find("/api/") {
        Some(i) => {
            let rest = &path[i + "/api/".len()..];
            match rest.split_once('/') {
                Some((version, rest)) if version.starts_with('v') => rest,
                _ => rest,
            }
        }
        None => path,
    };
    let word = |s: &str| {
        !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_' || b == b'@')
    };
    path.trim_matches('/')
        .split('/')
        .map(|s| if word(s) { s } else { "{id}" })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_keeps_its_words_and_loses_its_ids_and_tokens() {
        assert_eq!(
            route_template("channels/123456789012345678/messages"),
            "channels/{id}/messages"
        );
        assert_eq!(
            route_template(
                "/webhooks/42/aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQtdG9rZW4/messages/@original"
            ),
            "webhooks/{id}/{id}/messages/@original"
        );
        assert_eq!(
            route_template("channels/1/messages/2/reactions/%F0%9F%91%8D/@me"),
            "channels/{id}/messages/{id}/reactions/{id}/@me"
        );
        assert_eq!(
            route_template("https://discord.com/api/v10/channels/1/messages"),
            "channels/{id}/messages"
        );
        assert_eq!(
            route_template("http://127.0.0.1:4000/api/v10/channels/1/messages/2"),
            "channels/{id}/messages/{id}"
        );
        assert_eq!(
            route_template("channels/1/messages?limit=50"),
            "channels/{id}/messages"
        );
    }

    #[test]
    fn a_lowercase_token_longer_than_a_word_is_hidden_too() {
        let token = "a".repeat(70);
        assert_eq!(
            route_template(&format!("interactions/1/{token}/callback")),
            "interactions/{id}/{id}/callback"
        );
    }
}
