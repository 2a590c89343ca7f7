//! The bot's own REST calls whose outcome matters (the daily post, the reveal, editing a round's
//! controls, a deferred reply), with every fault of Discord handled in one place.
//!
//! serenity's typed calls lose what a failure says: its error keeps neither the `Retry-After`
//! header nor a body without `code` (Discord's 429 body has none), and its rate limiter is off
//! behind `DISCORD_PROXY`. So these calls build serenity's own request, run it through serenity's
//! rate limiter when there is one (or straight to the proxy), and read the raw answer:
//! - 2xx: done; a body that cannot be read is `Unclear` (it may have happened).
//! - 429: wait what Discord says (`retry_after`, in the body or the header; `global` pauses every
//!   call), then try again; past the call's deadline it is `RateLimited`, and it did not happen.
//! - 5xx, a timeout, a lost connection: retried with backoff; then `Unclear`.
//! - any other 4xx: `Refused`, at once; it did not happen.
//!
//! Every attempt has a timeout and the whole call a deadline, so a hung proxy holds nothing up.

use super::app::App;
use serde::de::DeserializeOwned;
use serenity::http::{LightMethod, Request, Route};
use std::time::Duration;
use tokio::time::Instant;
use tracing::warn;

/// One attempt may take this long.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(8);
/// A whole call, retries and rate-limit waits included, ends by then.
pub const CALL_DEADLINE: Duration = Duration::from_secs(30);
/// How many times a call is tried after a 5xx or an unclear outcome.
const ATTEMPTS: u32 = 4;

/// Why a call did not succeed, and whether it may have happened anyway.
#[derive(Debug, Clone, PartialEq)]
pub enum RestError {
    /// Discord answered 4xx (not 429): the call did not happen.
    Refused {
        status: u16,
        code: Option<i64>,
        message: String,
    },
    /// Discord keeps rate limiting past the call's deadline: the call did not happen; try again
    /// after `retry_after`.
    RateLimited { retry_after: Duration, global: bool },
    /// It may or may not have happened (a timeout, a lost connection, a 5xx, an unreadable body).
    Unclear(String),
}

impl std::fmt::Display for RestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RestError::Refused {
                status, message, ..
            } => write!(f, "Discord refused it ({status} {message})"),
            RestError::RateLimited { retry_after, .. } => write!(
                f,
                "Discord is rate limiting me (retry in {:.0} s)",
                retry_after.as_secs_f64().ceil()
            ),
            RestError::Unclear(why) => write!(f, "Discord did not confirm it ({why})"),
        }
    }
}

impl std::error::Error for RestError {}

/// What Discord's error bodies may carry; every field is optional (a 429 has no `code`).
#[derive(serde::Deserialize, Default)]
struct ErrorBody {
    message: Option<String>,
    code: Option<i64>,
    retry_after: Option<f64>,
    global: Option<bool>,
}

/// One request to make: serenity's route and method, and a JSON body.
pub struct Call<'a> {
    pub what: &'static str,
    pub route: Route<'a>,
    pub method: LightMethod,
    pub body: Option<Vec<u8>>,
    pub params: Option<Vec<(&'static str, String)>>,
    /// Told when Discord asks us to wait, before we do (the guild's status says so).
    pub on_rate_limit: Option<&'a (dyn Fn(Duration) + Send + Sync)>,
}

impl<'a> Call<'a> {
    pub fn new(what: &'static str, route: Route<'a>, method: LightMethod) -> Call<'a> {
        Call {
            what,
            route,
            method,
            body: None,
            params: None,
            on_rate_limit: None,
        }
    }

    pub fn json(mut self, body: &impl serde::Serialize) -> Call<'a> {
        self.body = Some(serde_json::to_vec(body).expect("builders serialize"));
        self
    }

    pub fn params(mut self, params: Vec<(&'static str, String)>) -> Call<'a> {
        self.params = Some(params);
        self
    }

    pub fn on_rate_limit(mut self, f: &'a (dyn Fn(Duration) + Send + Sync)) -> Call<'a> {
        self.on_rate_limit = Some(f);
        self
    }

    fn request(&self) -> Request<'a> {
        Request::new(self.route, self.method)
            .body(self.body.clone())
            .params(self.params.clone())
    }
}

/// The outcome of one attempt.
enum Attempt {
    Done(bytes::Bytes),
    Wait { after: Duration, global: bool },
    Retry(String),
    Refused(RestError),
}

/// Makes the call, decoding a 2xx body as `T`. A body that cannot be read is asked for again
/// (with the same nonce, Discord answers with what it made the first time).
pub async fn send<T: DeserializeOwned>(app: &App, call: Call<'_>) -> Result<T, RestError> {
    send_with(app, &call, |body| {
        serde_json::from_slice(body).map_err(|e| format!("its answer could not be read: {e}"))
    })
    .await
}

/// Makes the call; the 2xx body as it came.
pub async fn send_raw(app: &App, call: &Call<'_>) -> Result<bytes::Bytes, RestError> {
    send_with(app, call, |body| Ok(bytes::Bytes::copy_from_slice(body))).await
}

async fn send_with<T>(
    app: &App,
    call: &Call<'_>,
    decode: impl Fn(&[u8]) -> Result<T, String>,
) -> Result<T, RestError> {
    let deadline = Instant::now() + app.rest_deadline();
    let mut backoff = app.retry_delay();
    let mut unclear = 0;
    loop {
        app.wait_global_rate_limit().await;
        let attempt = match tokio::time::timeout(app.rest_timeout(), attempt(app, call)).await {
            Ok(Attempt::Done(body)) => match decode(&body) {
                Ok(v) => return Ok(v),
                Err(why) => Attempt::Retry(why),
            },
            Ok(a) => a,
            Err(_) => Attempt::Retry(no_answer(
                call,
                format!("no answer within {} s", app.rest_timeout().as_secs_f64()),
            )),
        };
        match attempt {
            Attempt::Done(_) => unreachable!("decoded above"),
            Attempt::Refused(e) => return Err(e),
            Attempt::Wait { after, global } => {
                if Instant::now() + after > deadline {
                    return Err(RestError::RateLimited {
                        retry_after: after,
                        global,
                    });
                }
                warn!(
                    what = call.what,
                    retry_after_s = after.as_secs_f64(),
                    global,
                    "rate limited by Discord; waiting as asked"
                );
                if let Some(f) = call.on_rate_limit {
                    f(after);
                }
                if global {
                    app.pause_all_rest(after);
                } else {
                    tokio::time::sleep(after).await;
                }
            }
            Attempt::Retry(why) => {
                unclear += 1;
                if unclear >= ATTEMPTS || Instant::now() + backoff > deadline {
                    return Err(RestError::Unclear(why));
                }
                warn!(what = call.what, attempt = unclear, error = %why, "Discord failed; trying again");
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
        }
    }
}

async fn attempt(app: &App, call: &Call<'_>) -> Attempt {
    let http = app.http();
    let response = match &http.ratelimiter {
        Some(limiter) => limiter.perform(call.request()).await,
        None => {
            let built =
                match call
                    .request()
                    .build(app.reqwest(), http.token(), http.proxy.as_deref())
                {
                    Ok(b) => b.build().map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
            match built {
                Ok(req) => app.reqwest().execute(req).await.map_err(Into::into),
                // A request we cannot even build is never sent.
                Err(e) => return Attempt::Refused(RestError::Unclear(e)),
            }
        }
    };
    let response = match response {
        Ok(r) => r,
        Err(e) => return Attempt::Retry(no_answer(call, e.to_string())),
    };
    let status = response.status().as_u16();
    crate::metrics::rest_call(method(call), &call.route.path(), Some(status));
    let header_wait = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok());
    let global_header = response.headers().contains_key("x-ratelimit-global");
    let body = match response.bytes().await {
        Ok(b) => b,
        Err(e) if (200..300).contains(&status) => {
            return Attempt::Retry(format!("its answer was cut off: {e}"))
        }
        Err(_) => bytes::Bytes::new(),
    };
    if (200..300).contains(&status) {
        return Attempt::Done(body);
    }
    let parsed: ErrorBody = serde_json::from_slice(&body).unwrap_or_default();
    if status == 429 {
        let secs = parsed.retry_after.or(header_wait).unwrap_or(1.0);
        let global = parsed.global.unwrap_or(false) || global_header;
        crate::metrics::rate_limited(&call.route.path(), global);
        return Attempt::Wait {
            after: Duration::from_secs_f64(secs.clamp(0.0, 24.0 * 3600.0)),
            global,
        };
    }
    let message = parsed
        .message
        .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(200).collect());
    if status >= 500 {
        return Attempt::Retry(format!("{status} {message}"));
    }
    Attempt::Refused(RestError::Refused {
        status,
        code: parsed.code,
        message,
    })
}

fn method(call: &Call<'_>) -> &'static str {
    match call.method {
        LightMethod::Get => "GET",
        LightMethod::Post => "POST",
        LightMethod::Patch => "PATCH",
        LightMethod::Put => "PUT",
        LightMethod::Delete => "DELETE",
    }
}

/// Counts a call that got no answer (`status="error"` in the metrics); passes its reason on.
fn no_answer(call: &Call<'_>, why: String) -> String {
    crate::metrics::rest_call(method(call), &call.route.path(), None);
    why
}

/// The first message in the channel's latest 50 that `pick` picks, by id: how a retry finds
/// what an attempt with an unclear outcome made.
pub async fn find_recent(
    app: &App,
    what: &'static str,
    channel: u64,
    pick: impl Fn(&serde_json::Value) -> bool,
) -> Result<Option<u64>, RestError> {
    let call = Call::new(
        what,
        Route::ChannelMessages {
            channel_id: channel.into(),
        },
        LightMethod::Get,
    )
    .params(vec![("limit", "50".into())]);
    let messages: Vec<serde_json::Value> = send(app, call).await?;
    Ok(messages
        .iter()
        .find(|m| pick(m))
        .and_then(|m| m["id"].as_str()?.parse().ok()))
}

/// The reqwest client every REST call uses: each request ends after `ATTEMPT_TIMEOUT`, so a hung
/// proxy holds up no serenity call either.
pub fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("a TLS backend is compiled in")
}
