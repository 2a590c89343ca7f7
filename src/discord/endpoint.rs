//! The HTTP interactions endpoint: Discord POSTs each interaction to `/interactions`, signed
//! with Ed25519; the response body is our reply.
//!
//! A signature alone does not date a request: one captured (an admin's `/config`, say) would
//! verify forever. So the signed timestamp must also be within `MAX_SKEW_SECS` (5 minutes) of the clock, unless
//! the operator turns that off (`serve --no-timestamp-check`, for a server whose clock cannot be
//! kept right).

use super::app::App;
use super::respond::{respond, BUDGET};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use ed25519_dalek::{Signature, VerifyingKey};
use serenity::all::Interaction;
use std::time::Duration;
use tracing::{info, warn};

/// Discord's interaction bodies are a few KiB; anything far larger is not one.
pub const MAX_BODY: usize = 64 * 1024;

/// How far a signed request's timestamp may be from the clock, either way.
pub const MAX_SKEW_SECS: i64 = 5 * 60;

/// How signed requests are checked: the application's public key, and whether the signed
/// timestamp must be within `MAX_SKEW_SECS` of the clock (on, unless the operator turns it off).
#[derive(Debug, Clone, Copy)]
pub struct Verification {
    pub public_key: [u8; 32],
    pub check_timestamp: bool,
}

impl From<[u8; 32]> for Verification {
    fn from(public_key: [u8; 32]) -> Self {
        Verification {
            public_key,
            check_timestamp: true,
        }
    }
}

#[derive(Clone)]
struct Endpoint {
    app: App,
    key: VerifyingKey,
    check_timestamp: bool,
    budget: Duration,
}

pub fn router(app: App, public_key: impl Into<Verification>) -> Result<Router, String> {
    router_with_budget(app, public_key, BUDGET)
}

/// As `router`, with the time the handler gets before the interaction is deferred.
pub fn router_with_budget(
    app: App,
    public_key: impl Into<Verification>,
    budget: Duration,
) -> Result<Router, String> {
    let v = public_key.into();
    let key = VerifyingKey::from_bytes(&v.public_key)
        .map_err(|e| format!("DISCORD_PUBLIC_KEY is not an Ed25519 public key: {e}"))?;
    let health = super::health_http::router(app.store().clone());
    Ok(Router::new()
        .route("/interactions", post(interactions))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(Endpoint {
            app,
            key,
            check_timestamp: v.check_timestamp,
            budget,
        })
        .merge(super::metrics_http::router())
        .merge(health))
}

/// Why a request was refused with 401.
enum Refused {
    Signature,
    /// Signed, but at a time too far from now: a replay, or a wrong clock here.
    Stale {
        timestamp: String,
        off_by: i64,
    },
}

fn verified(e: &Endpoint, headers: &HeaderMap, body: &[u8]) -> Result<(), Refused> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(sig), Some(timestamp)) = (
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
    ) else {
        return Err(Refused::Signature);
    };
    let Ok(sig) = hex::decode(sig) else {
        return Err(Refused::Signature);
    };
    let Ok(sig) = Signature::from_slice(&sig) else {
        return Err(Refused::Signature);
    };
    let mut message = Vec::with_capacity(timestamp.len() + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(body);
    e.key
        .verify_strict(&message, &sig)
        .map_err(|_| Refused::Signature)?;
    if e.check_timestamp {
        // Discord signs Unix seconds; anything else cannot be dated, so it is as old as can be.
        let now = e.app.now().timestamp();
        let off_by = timestamp
            .parse::<i64>()
            .map_or(i64::MAX, |t| now.saturating_sub(t).saturating_abs());
        if off_by > MAX_SKEW_SECS {
            return Err(Refused::Stale {
                timestamp: timestamp.to_string(),
                off_by,
            });
        }
    }
    Ok(())
}

/// An interaction from its JSON. serenity's `Interaction` first parses the whole body into a
/// map and then converts it to the kind named by `type`; reading `type` first and parsing the
/// body straight into that kind skips the map: 2.9 instead of 4.1 µs for an answer modal.
///
/// An interaction a member sends (types 2 to 5) must name them: `member` in a server, else
/// `user`. One that names no one is refused here, where serenity would make it user 1.
pub fn parse(body: &[u8]) -> serde_json::Result<Interaction> {
    use serde::de::{Error, IgnoredAny};
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(rename = "type")]
        kind: u8,
        guild_id: Option<IgnoredAny>,
        member: Option<IgnoredAny>,
        user: Option<IgnoredAny>,
    }
    let head: Head = serde_json::from_slice(body)?;
    let kind = head.kind;
    let named = match head.guild_id {
        Some(_) => head.member.is_some(),
        None => head.member.is_some() || head.user.is_some(),
    };
    if (2..=5).contains(&kind) && !named {
        return Err(serde_json::Error::custom(
            "the interaction names no sender (no `member` in a server, no `user` elsewhere)",
        ));
    }
    Ok(match kind {
        2 => Interaction::Command(serde_json::from_slice(body)?),
        3 => Interaction::Component(serde_json::from_slice(body)?),
        4 => Interaction::Autocomplete(serde_json::from_slice(body)?),
        5 => Interaction::Modal(serde_json::from_slice(body)?),
        _ => serde_json::from_slice(body)?,
    })
}

async fn interactions(State(e): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    match verified(&e, &headers, &body) {
        Ok(()) => {}
        Err(Refused::Signature) => {
            warn!("rejected an interaction with a missing or bad signature");
            return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
        }
        Err(Refused::Stale { timestamp, off_by }) => {
            warn!(
                %timestamp,
                off_by_secs = off_by,
                max_secs = MAX_SKEW_SECS,
                "rejected a signed interaction whose timestamp is too far from this server's clock: \
                 a replayed request, or a wrong clock here (`serve --no-timestamp-check` turns the check off)"
            );
            return (
                StatusCode::UNAUTHORIZED,
                "request timestamp too old or too new",
            )
                .into_response();
        }
    }
    let interaction = match parse(&body) {
        Ok(i) => i,
        Err(err) => {
            warn!(error = %err, "a signed body that is not an interaction");
            return (
                StatusCode::BAD_REQUEST,
                "the body is not a valid interaction",
            )
                .into_response();
        }
    };
    if let Interaction::Ping(_) = interaction {
        // Exactly what Discord documents; serenity's Pong would add `"data": null`.
        info!("ping");
        return Json(serde_json::json!({"type": 1})).into_response();
    }
    Json(respond(&e.app, interaction, e.budget).await).into_response()
}

/// Serves the endpoint until the process stops, within `limits` (see `listener.rs`).
pub async fn serve(
    app: App,
    public_key: impl Into<Verification>,
    listen: std::net::SocketAddr,
    limits: super::listener::Limits,
) -> anyhow::Result<()> {
    serve_until(app, public_key, listen, limits, std::future::pending()).await
}

/// As `serve`, until `stop` resolves; then returns once the requests in flight are answered and
/// every connection is closed (see `listener::serve_until`).
pub async fn serve_until(
    app: App,
    public_key: impl Into<Verification>,
    listen: std::net::SocketAddr,
    limits: super::listener::Limits,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let router = router(app, public_key).map_err(anyhow::Error::msg)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let fds = super::listener::raise_fd_limit();
    let limits = super::listener::Limits {
        max_connections: super::listener::effective_cap(limits.max_connections, fds),
        ..limits
    };
    info!(%listen, open_file_limit = fds, "serving interactions at /interactions, health at /healthz and /readyz");
    super::listener::serve_until(listener, router, limits, stop).await?;
    Ok(())
}
