//! The endpoint's accept loop, with bounded resources: idle connections cannot starve a signed
//! request from Discord.
//!
//! - Every connection must send a complete request head within `header_timeout`: a half-open
//!   connection that sends nothing, and a keep-alive connection idle between requests, is closed
//!   then (hyper's header-read timer also runs while waiting for the next request).
//! - At most `max_connections` are open at once. When a new one arrives at the cap, the oldest
//!   idle connection (no request in flight) is closed to make room; when none is idle, the new
//!   one waits briefly, then is closed.
//! - On shutdown (`serve_until`) it stops accepting, asks every connection to close once its
//!   request in flight is answered (idle ones close at once), and returns when all have closed.
//! - At start-up the soft open-file limit is raised to the hard one, and the cap is kept below
//!   it, so accepting never fails for want of file descriptors.

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch, Semaphore};
use tower::ServiceExt;
use tracing::{info, warn};

/// The resource bounds of the endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 4096,
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// File descriptors kept free for the database, logs and outgoing REST calls.
const SPARE_FDS: u64 = 128;
/// How long a new connection waits for a slot when every open one is busy.
const SLOT_WAIT: Duration = Duration::from_secs(2);

/// Raises the soft open-file limit as far as allowed; the limit now in force.
pub fn raise_fd_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => Some(n),
        Err(e) => {
            warn!(error = %e, "could not raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

/// The cap actually used: the asked one, kept below the open-file limit.
pub fn effective_cap(asked: usize, fd_limit: Option<u64>) -> usize {
    match fd_limit {
        Some(n) => asked.min(n.saturating_sub(SPARE_FDS).max(16) as usize),
        None => asked,
    }
}

/// An open connection: how many requests it has in flight, and how to close it.
struct Open {
    in_flight: Arc<AtomicUsize>,
    close: Option<oneshot::Sender<()>>,
}

type Registry = Arc<Mutex<BTreeMap<u64, Open>>>;

/// Asks the oldest idle connection to close; `false` when every connection is busy.
fn evict_oldest_idle(open: &Registry) -> bool {
    let mut open = open.lock().unwrap_or_else(|e| e.into_inner());
    let idle = open
        .values_mut()
        .find(|c| c.in_flight.load(Ordering::Acquire) == 0 && c.close.is_some());
    match idle.and_then(|c| c.close.take()) {
        Some(close) => close.send(()).is_ok(),
        None => false,
    }
}

/// Counts a request in flight for as long as it lives.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn new(n: &Arc<AtomicUsize>) -> InFlight {
        n.fetch_add(1, Ordering::AcqRel);
        InFlight(n.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves `router` on `listener` until the process stops.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits) -> std::io::Result<()> {
    serve_until(listener, router, limits, std::future::pending()).await
}

/// Serves `router` on `listener` until `stop` resolves; then stops accepting, lets every
/// request in flight be answered (each connection closes after its answer is written), and
/// returns once every connection has closed. The caller bounds how long that may take.
pub async fn serve_until(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    tokio::pin!(stop);
    let (closing_tx, closing) = watch::channel(false);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let open: Registry = Arc::default();
    let mut next_id = 0u64;
    info!(
        max_connections = limits.max_connections,
        header_timeout_s = limits.header_timeout.as_secs_f64(),
        "accepting connections"
    );
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => break,
        };
        let (stream, _) = match accepted {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors, or the peer left before we took it: wait, go on.
                warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                evict_oldest_idle(&open);
                match tokio::time::timeout(SLOT_WAIT, slots.clone().acquire_owned()).await {
                    Ok(Ok(p)) => p,
                    _ => {
                        warn!(
                            max = limits.max_connections,
                            "every connection is busy; closed a new one"
                        );
                        continue;
                    }
                }
            }
        };
        next_id += 1;
        let id = next_id;
        let in_flight = Arc::new(AtomicUsize::new(0));
        let (close_tx, close_rx) = oneshot::channel();
        open.lock().unwrap_or_else(|e| e.into_inner()).insert(
            id,
            Open {
                in_flight: in_flight.clone(),
                close: Some(close_tx),
            },
        );
        let (router, open, mut closing) = (router.clone(), open.clone(), closing.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let guard = InFlight::new(&in_flight);
                let router = router.clone();
                async move {
                    let response = router.oneshot(req).await;
                    drop(guard);
                    response
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            let close = async move {
                tokio::select! {
                    _ = close_rx => {}
                    _ = closing.wait_for(|c| *c) => {}
                }
            };
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = close => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            open.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
            drop(permit);
        });
    }
    drop(listener);
    let open_now = limits.max_connections - slots.available_permits();
    info!(
        open = open_now,
        "stopped accepting; closing each connection once its answer is sent"
    );
    closing_tx.send_replace(true);
    // Every slot back means every connection has closed.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
    info!("every connection is closed");
    Ok(())
}
