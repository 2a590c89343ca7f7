//! The state every interaction needs, cheap to clone.

use crate::bank::Bank;
use crate::grade::Grader;
use crate::quiz::Clock;
use crate::store::Store;
use serenity::http::{Http, HttpBuilder};
use std::sync::Arc;

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
}

impl App {
    pub fn new(
        bank: Bank,
        grader: Grader,
        store: Store,
        clock: Arc<dyn Clock>,
        http: Arc<Http>,
    ) -> App {
        App {
            inner: Arc::new(Inner {
                bank,
                grader,
                store,
                clock,
                http,
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

    /// REST with the bot token (through `DISCORD_PROXY` when set).
    pub fn http(&self) -> &Arc<Http> {
        &self.inner.http
    }
}

/// The REST client: serenity's own rate limiter is off behind a proxy, which limits for us.
pub fn rest_client(token: &str, application_id: u64, proxy: Option<&str>) -> Http {
    let mut builder = HttpBuilder::new(token).application_id(application_id.into());
    if let Some(proxy) = proxy {
        builder = builder.proxy(proxy).ratelimiter_disabled(true);
    }
    builder.build()
}
