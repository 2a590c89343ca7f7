//! The state every interaction needs, cheap to clone.

use crate::bank::Bank;
use crate::grade::Grader;
use crate::quiz::{Clock, Round, RoundId};
use crate::store::Store;
use serenity::http::{Http, HttpBuilder};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::sync::Mutex;

#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    bank: Bank,
    grader: Grader,
    store: Store,
    clock: Arc<dyn Clock>,
    http: Arc<Http>,
    /// Rounds by id, so that a burst of answers to one round reads it once. A round's question,
    /// seed and guild never change; its state is checked again when an answer is recorded.
    rounds: Mutex<HashMap<RoundId, Round>>,
    /// The first wait before retrying Discord after a 5xx or an unclear outcome, in milliseconds.
    retry_ms: AtomicU64,
    /// Each REST attempt's timeout and each call's deadline, in milliseconds (tests shorten them).
    rest_timeout_ms: AtomicU64,
    rest_deadline_ms: AtomicU64,
    /// The raw REST path's client (`rest.rs`); requests end after their timeout.
    reqwest: reqwest::Client,
    /// A claim on a round older than this belongs to a scheduler that stopped, in milliseconds.
    stale_claim_ms: AtomicU64,
    /// Discord's global rate limit: no REST call starts before this instant.
    paused_until: Mutex<Option<tokio::time::Instant>>,
    /// Each guild's bank of approved suggestions (`questions.rs`).
    server_banks: super::questions::ServerBanks,
    /// Suggestion forms the bank's rules refused, kept to be edited (`commands/suggest.rs`).
    drafts: super::commands::suggest::Drafts,
    /// The question `/quiz` last showed each member (`commands/learning.rs`).
    shown: super::commands::learning::Shown,
    /// The indexes `/ask` looks questions up in (`commands/ask.rs`).
    asks: super::commands::ask::Indexes,
}

/// Rounds kept in memory at most; the cache starts over beyond it.
const ROUND_CACHE: usize = 4096;

impl App {
    pub fn new(
        bank: Bank,
        grader: Grader,
        store: Store,
        clock: Arc<dyn Clock>,
        http: Arc<Http>,
    ) -> App {
        crate::metrics::install();
        App {
            inner: Arc::new(Inner {
                bank,
                grader,
                store,
                clock,
                http,
                rounds: Mutex::new(HashMap::new()),
                retry_ms: AtomicU64::new(500),
                rest_timeout_ms: AtomicU64::new(super::rest::ATTEMPT_TIMEOUT.as_millis() as u64),
                rest_deadline_ms: AtomicU64::new(super::rest::CALL_DEADLINE.as_millis() as u64),
                reqwest: super::rest::reqwest_client(),
                paused_until: Mutex::new(None),
                stale_claim_ms: AtomicU64::new(super::post::STALE_CLAIM.num_milliseconds() as u64),
                server_banks: Default::default(),
                drafts: Default::default(),
                shown: Default::default(),
                asks: Default::default(),
            }),
        }
    }

    pub fn bank(&self) -> &Bank {
        &self.inner.bank
    }

    pub fn grader(&self) -> &Grader {
        &self.inner.grader
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    /// A round, from memory or the database.
    pub async fn round(&self, id: RoundId) -> Result<Option<Round>, crate::store::StoreError> {
        if let Some(r) = self.inner.rounds.lock().expect("not poisoned").get(&id) {
            return Ok(Some(r.clone()));
        }
        let round = self.inner.store.round(id).await?;
        if let Some(r) = &round {
            let mut cache = self.inner.rounds.lock().expect("not poisoned");
            if cache.len() >= ROUND_CACHE {
                cache.clear();
            }
            cache.insert(id, r.clone());
        }
        Ok(round)
    }

    pub fn retry_delay(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.inner.retry_ms.load(Ordering::Relaxed))
    }

    /// The first wait before retrying Discord (doubling each time); tests set it to zero.
    pub fn set_retry_delay(&self, d: std::time::Duration) {
        self.inner
            .retry_ms
            .store(d.as_millis() as u64, Ordering::Relaxed);
    }

    pub fn rest_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.inner.rest_timeout_ms.load(Ordering::Relaxed))
    }

    pub fn rest_deadline(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.inner.rest_deadline_ms.load(Ordering::Relaxed))
    }

    /// Each REST attempt's timeout and each call's deadline (tests shorten them).
    pub fn set_rest_limits(&self, timeout: std::time::Duration, deadline: std::time::Duration) {
        self.inner
            .rest_timeout_ms
            .store(timeout.as_millis() as u64, Ordering::Relaxed);
        self.inner
            .rest_deadline_ms
            .store(deadline.as_millis() as u64, Ordering::Relaxed);
    }

    /// How old a claim on a round must be before another scheduler takes the round over.
    pub fn stale_claim(&self) -> chrono::Duration {
        chrono::Duration::milliseconds(self.inner.stale_claim_ms.load(Ordering::Relaxed) as i64)
    }

    pub fn set_stale_claim(&self, d: std::time::Duration) {
        self.inner
            .stale_claim_ms
            .store(d.as_millis() as u64, Ordering::Relaxed);
    }

    pub(super) fn reqwest(&self) -> &reqwest::Client {
        &self.inner.reqwest
    }

    /// Discord's global rate limit: every REST call waits `d` from now.
    pub(super) fn pause_all_rest(&self, d: std::time::Duration) {
        let until = tokio::time::Instant::now() + d;
        let mut p = self
            .inner
            .paused_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *p = Some(p.map_or(until, |old| old.max(until)));
    }

    pub(super) async fn wait_global_rate_limit(&self) {
        let until = *self
            .inner
            .paused_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
    }

    pub(super) fn server_banks(&self) -> &super::questions::ServerBanks {
        &self.inner.server_banks
    }

    pub(super) fn drafts(&self) -> &super::commands::suggest::Drafts {
        &self.inner.drafts
    }

    pub(super) fn shown(&self) -> &super::commands::learning::Shown {
        &self.inner.shown
    }

    pub(super) fn asks(&self) -> &super::commands::ask::Indexes {
        &self.inner.asks
    }

    /// Drops a round from memory after its state changed.
    pub fn forget_round(&self, id: RoundId) {
        self.inner.rounds.lock().expect("not poisoned").remove(&id);
    }

    /// REST with the bot token (through `DISCORD_PROXY` when set).
    pub fn http(&self) -> &Arc<Http> {
        &self.inner.http
    }
}

/// The REST client: serenity's own rate limiter is off behind a proxy, which limits for us.
pub fn rest_client(token: &str, application_id: u64, proxy: Option<&str>) -> Http {
    let mut builder = HttpBuilder::new(token)
        .application_id(application_id.into())
        .client(super::rest::reqwest_client());
    if let Some(proxy) = proxy {
        builder = builder.proxy(proxy).ratelimiter_disabled(true);
    }
    builder.build()
}
