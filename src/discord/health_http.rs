//! `GET /healthz` and `GET /readyz` for a load balancer or an orchestrator, on the `serve`
//! listener beside `/interactions`, and on `run --metrics ADDR`'s listener beside `/metrics`.
//!
//! - `/healthz` (liveness): 200 `ok` while the process serves HTTP at all; it touches nothing
//!   else, so a slow database never gets a live process restarted.
//! - `/readyz` (readiness): 200 `ready` when the database answers a query and has the schema
//!   this build knows ([`Store::ready`]); else 503 with a short reason, the detail in the log. A
//!   load balancer routes to the replicas that are ready.
//!
//! Neither needs a Discord signature (they are not interactions, and are not counted as such);
//! both answer HEAD as GET without a body, and any other method 405.

use crate::store::{Store, StoreError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use std::time::Duration;
use tracing::warn;

/// How long `/readyz` waits for the database; a probe that hangs is worse than a 503.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// A router with `GET /healthz` and `GET /readyz`, over `store`.
pub fn router(store: Store) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(store)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(store): State<Store>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(READY_TIMEOUT, store.ready()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(e)) => {
            let reason = reason(&e);
            warn!(error = %e, reason, "not ready: the database check failed");
            (StatusCode::SERVICE_UNAVAILABLE, reason)
        }
        Err(_) => {
            warn!(
                timeout_s = READY_TIMEOUT.as_secs_f64(),
                "not ready: the database did not answer in time"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database did not answer in time",
            )
        }
    }
}

/// The body of a 503: short, for whoever reads the probe; the log has the detail.
fn reason(e: &StoreError) -> &'static str {
    match e {
        StoreError::FileGone { .. } => "not ready: the database file was deleted or replaced",
        StoreError::NewerSchema { .. } => "not ready: the database schema is newer than this build",
        StoreError::Closed => "not ready: shutting down",
        _ => "not ready: the database check failed",
    }
}
