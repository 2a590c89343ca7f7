//! `GET /metrics`: the Prometheus text of [`crate::metrics`], on the `serve` listener beside
//! `/interactions`, or on its own listener for `run --metrics ADDR` (the gateway mode has no
//! HTTP server otherwise). Nothing is pushed anywhere: Prometheus scrapes it. That listener
//! also has `/healthz` and `/readyz` (see `health_http.rs`).

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tracing::info;

/// Prometheus' text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A router with `GET /metrics` alone.
pub fn router() -> Router {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics() -> impl IntoResponse {
    ([(CONTENT_TYPE, TEXT_FORMAT)], crate::metrics::render())
}

/// Serves `/metrics`, `/healthz` and `/readyz` (over `store`) on `addr` until `stop` resolves
/// (`run --metrics ADDR`).
pub async fn serve_until(
    addr: std::net::SocketAddr,
    store: crate::store::Store,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr} for --metrics: {e}"))?;
    info!(%addr, "serving metrics at /metrics, health at /healthz and /readyz");
    let router = router().merge(super::health_http::router(store));
    axum::serve(listener, router)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}
