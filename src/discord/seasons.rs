//! Seasons on the clock: each pass closes the servers' seasons that ended (the champion recorded
//! once, in the store's transaction) and posts each due season summary to the daily channel.
//!
//! Exactly once, across restarts and instances: a season is closed under its unique key and the
//! summary is claimed per attempt (`store::seasons`). What Discord says decides what follows:
//! - a refusal (403 Missing Permissions or Access, 404 unknown channel, any other 4xx): recorded,
//!   shown by `/config show`, never retried;
//! - 429, 5xx, no answer, no daily channel set: tried again by a later pass after the reveal's
//!   backoff, at most [`ATTEMPTS`] times, then recorded as failed.

use super::app::App;
use super::render;
use super::rest::{self, Call, RestError};
use super::text::season as ts;
use crate::quiz::season::{self as season, Season, Summary};
use crate::quiz::{GuildId, MessageId, UserId};
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use serenity::http::{LightMethod, Route};
use tracing::{info, warn};

/// At most this many attempts are made at a season's summary.
pub const ATTEMPTS: u32 = 8;
/// The summary's top.
const TOP: u32 = 5;

/// What became of a summary attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Posted {
    Posted,
    /// Not ours to do: another scheduler holds it, it is not due, or it is done.
    NotMine,
    /// Refused, or given up: recorded and not tried again.
    NotPosted,
    /// Tried again at this time.
    Retry(DateTime<Utc>),
}

/// Called once per season after its champion is recorded: the champion role (if the server set
/// one with `/config roles champion`) moves to the new champion. A failed move is the roles'
/// business (recorded on the role and shown in `/config show`); the season stays closed.
pub async fn on_champion(app: &App, guild: GuildId, member: UserId) {
    info!(guild = %guild, member = %member, "a season's champion was recorded");
    if let Err(e) = super::roles::move_champion(app, guild, member).await {
        warn!(guild = %guild, member = %member, error = %e, "the champion role could not be moved");
    }
}

/// Closes every season that has ended (a server late by several seasons closes one per pass).
/// Returns how many were closed by this caller.
pub async fn close_ended(app: &App, now: DateTime<Utc>, limit: u32) -> Result<usize, StoreError> {
    let mut closed = 0;
    for guild in app.store().due_season_ends(now, limit).await? {
        let Some(c) = app.store().close_season(guild, now).await? else {
            continue;
        };
        closed += 1;
        info!(guild = %guild, season = %c.season.key(), champion = ?c.champion.map(|c| c.0 .0), "season closed");
        if let Some((member, _)) = c.champion {
            on_champion(app, guild, member).await;
        }
    }
    Ok(closed)
}

/// Gathers what a season's summary shows.
async fn summarise(
    app: &App,
    guild: GuildId,
    row: &crate::store::seasons::SeasonRow,
) -> Result<Summary, StoreError> {
    let tz = app.store().settings(guild).await?.timezone;
    let bounds = (row.starts_at, row.ends_at);
    let top = app.store().season_top(guild, bounds, TOP).await?.top;
    let previous = app
        .store()
        .points_between(guild, row.season.previous().bounds(tz))
        .await?;
    let current = app.store().points_between(guild, bounds).await?;
    let plays = app.store().plays_until(guild, row.ends_at).await?;
    Ok(Summary {
        season: row.season,
        ends_at: row.ends_at,
        top,
        champion: row.champion,
        improved: season::most_improved(&previous, &current),
        streak: season::longest_streak(&plays, bounds),
    })
}

/// Makes a season summary's due attempt, if it is ours; store errors only are errors.
pub async fn post_summary(app: &App, guild: GuildId, key: String) -> Result<Posted, StoreError> {
    let now = app.now();
    let Some(attempt) = app
        .store()
        .claim_summary(guild, key.clone(), now, app.stale_claim())
        .await?
    else {
        return Ok(Posted::NotMine);
    };
    let Some(row) = app.store().season_row(guild, key.clone()).await? else {
        return Ok(Posted::NotMine);
    };
    let summary = summarise(app, guild, &row).await?;
    let Some(channel) = app.store().settings(guild).await?.channel else {
        let e = RestError::Unclear("no daily channel is set".into());
        return unclear(app, guild, key, attempt, e).await;
    };
    let message = render::season::summary_message(&summary, format!("season-{key}"));
    let call = Call::new(
        "post the season summary",
        Route::ChannelMessages {
            channel_id: channel.0.into(),
        },
        LightMethod::Post,
    )
    .json(&message);
    match rest::send::<serenity::all::Message>(app, call).await {
        Ok(sent) => {
            app.store()
                .summary_posted(guild, key.clone(), Some(MessageId(sent.id.get())), now)
                .await?;
            info!(guild = %guild, season = %key, channel = %channel, "season summary posted");
            Ok(Posted::Posted)
        }
        Err(e @ RestError::Refused { .. }) => {
            warn!(guild = %guild, season = %key, channel = %channel, error = %e, "Discord refused the season summary; not retried");
            app.store()
                .summary_failed(guild, key, format!("{e} in <#{channel}>"), now)
                .await?;
            Ok(Posted::NotPosted)
        }
        Err(e) => unclear(app, guild, key, attempt, e).await,
    }
}

/// The attempt failed in a way a later one may not: another after the backoff, or the last.
async fn unclear(
    app: &App,
    guild: GuildId,
    key: String,
    attempt: u32,
    e: RestError,
) -> Result<Posted, StoreError> {
    let now = app.now();
    if attempt >= ATTEMPTS {
        warn!(guild = %guild, season = %key, attempt, error = %e, "the season summary failed on every attempt; given up");
        app.store()
            .summary_failed(guild, key, format!("{e}, {attempt} times"), now)
            .await?;
        return Ok(Posted::NotPosted);
    }
    let at = now + super::reveal::backoff(attempt, &e);
    warn!(guild = %guild, season = %key, attempt, error = %e, "the season summary failed; a later pass tries again");
    app.store().summary_retry_at(guild, key, at).await?;
    Ok(Posted::Retry(at))
}

/// The "Season" field of `/config show`: the cadence and current season, and a summary that
/// could not be posted.
pub async fn config_field(app: &App, guild: GuildId) -> Result<String, StoreError> {
    let setting = app.store().season_setting(guild).await?;
    let tz = app.store().settings(guild).await?.timezone;
    let current = setting.map(|s| {
        let season = Season::containing(s.cadence, tz, app.now());
        (season, season.bounds(tz).1.timestamp())
    });
    let problem = app.store().summary_problem(guild).await?;
    Ok(ts::config_field(current, problem.as_ref()))
}
