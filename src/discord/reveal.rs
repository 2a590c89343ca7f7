//! Closing and revealing a round: a reply to the question with the answer, the explanation and
//! the results, and the question's controls disabled. `/round reveal` and the daily clock go
//! through `reveal`.
//!
//! A reveal that Discord does not take stays pending: the round is closed (no more answers), its
//! claim is let go and a retry time is set with backoff, so the clock tries again soon and an
//! admin can run `/round reveal` again at once. A later attempt first looks for a reveal that
//! went out unheard, so a retry never posts it twice.
//!
//! After the reveal: the reveal quotes the best answer whose author agreed to share it
//! (`commands::share`), and once it is out, the round's discussion thread is queued in the same
//! commit that marks the round revealed and opened at once (`threads`).

use super::app::App;
use super::custom_id::Target;
use super::post::PostError;
use super::render;
use super::rest::{self, Call, RestError};
use crate::quiz::{GuildId, MessageId, Round, RoundId, RoundState};
use chrono::{DateTime, Utc};
use serenity::all::{CreateMessage, EditMessage, MessageReference};
use serenity::http::{LightMethod, Route};
use tracing::{info, warn};

/// The first wait before a failed reveal is tried again; it doubles up to `MAX_BACKOFF`.
const FIRST_BACKOFF: chrono::Duration = chrono::Duration::seconds(30);
const MAX_BACKOFF: chrono::Duration = chrono::Duration::hours(1);

/// What became of a reveal.
#[derive(Debug, Clone, PartialEq)]
pub enum Revealed {
    /// Posted now (or found posted by an earlier attempt).
    Done,
    /// Not ours to do: another scheduler holds it, it was revealed already, or skipped.
    NotMine,
    /// Discord did not take it; it is tried again at `retry_at`.
    Failed {
        error: RestError,
        retry_at: DateTime<Utc>,
    },
}

/// The wait before reveal attempt `attempt + 1`, after `attempt` failed (a discussion
/// thread's attempts wait as long).
pub(super) fn backoff(attempt: u32, error: &RestError) -> chrono::Duration {
    let doubled = FIRST_BACKOFF * 2i32.saturating_pow(attempt.saturating_sub(1).min(10));
    let wait = doubled.min(MAX_BACKOFF);
    match error {
        RestError::RateLimited { retry_after, .. } => {
            wait.max(chrono::Duration::from_std(*retry_after).unwrap_or(MAX_BACKOFF))
        }
        _ => wait,
    }
}

/// Closes a round (if open) and posts its reveal once.
pub async fn reveal(app: &App, id: RoundId) -> Result<Revealed, PostError> {
    let now = app.now();
    let Some(round) = app.store().round(id).await? else {
        return Ok(Revealed::NotMine);
    };
    if round.state == RoundState::Skipped {
        return Ok(Revealed::NotMine);
    }
    if !app.store().claim_round(id, now, app.stale_claim()).await? {
        return Ok(Revealed::NotMine);
    }
    if round.state == RoundState::Open {
        app.store().close_now(id, now).await?;
    }
    app.forget_round(id);
    let results = app.store().round_results(id, 5).await?;
    let held = super::questions::find(app, Some(round.guild), &round.question).await?;
    let (Some(held), Some(channel)) = (held, round.channel) else {
        app.store().mark_revealed(id, now).await?;
        return Ok(Revealed::Done);
    };
    let quote = super::commands::share::quote(app, id, &held.question().kind).await?;
    let attempt = app.store().begin_reveal_attempt(id).await?;
    let sent = async {
        if attempt > 1 {
            if let Some(found) = find_reveal(app, &round, channel).await? {
                info!(round = %id, message = %found.0, "found the reveal from an earlier attempt");
                return Ok(());
            }
        }
        let inst = held.question().instance(round.seed);
        let mut msg = CreateMessage::new()
            .embed(render::share::with_quote(
                render::reveal_embed(app.bank(), &inst, &results),
                quote.as_ref(),
            ))
            // The quote and the credits mention members: nobody is pinged.
            .allowed_mentions(render::no_mentions())
            .nonce(serenity::all::Nonce::String(format!("v{}-{attempt}", id.0)))
            .enforce_nonce(true);
        if let Some(m) = round.message {
            msg = msg.reference_message(MessageReference::from((
                serenity::all::ChannelId::new(channel.0),
                serenity::all::MessageId::new(m.0),
            )));
        }
        let call = Call::new(
            "reveal",
            Route::ChannelMessages {
                channel_id: channel.0.into(),
            },
            LightMethod::Post,
        )
        .json(&msg);
        rest::send_raw(app, &call).await.map(drop)
    }
    .await;
    // Answers are closed either way: grey the controls out (best effort).
    disable_controls(app, &round).await;
    match sent {
        Ok(()) => {
            match round.message {
                // The discussion thread starts from the question message, now that it is safe.
                Some(_) => {
                    app.store()
                        .mark_revealed_with_thread(id, round.guild, now)
                        .await?
                }
                None => app.store().mark_revealed(id, now).await?,
            }
            info!(guild = %round.guild, round = %id, answers = results.answers, quoted = quote.is_some(), "round revealed");
            if let Err(e) = super::threads::open(app, id).await {
                warn!(round = %id, error = %e, "the discussion thread waits for the clock");
            }
            Ok(Revealed::Done)
        }
        Err(error) => {
            let retry_at = now + backoff(attempt, &error);
            app.store().retry_round_at(id, retry_at).await?;
            warn!(guild = %round.guild, round = %id, attempt, error = %error, "posting the reveal failed; it will be retried");
            app.store()
                .set_status(
                    round.guild,
                    round.track,
                    Some(format!(
                        "The reveal in <#{channel}> failed at <t:{}:f>: {error}. It is retried <t:{}:R>; `/round reveal` tries at once.",
                        now.timestamp(),
                        retry_at.timestamp()
                    )),
                )
                .await?;
            Ok(Revealed::Failed { error, retry_at })
        }
    }
}

/// Looks through the channel's latest messages for this round's reveal: the bot's reply to the
/// question with an embed.
async fn find_reveal(
    app: &App,
    round: &Round,
    channel: crate::quiz::ChannelId,
) -> Result<Option<MessageId>, RestError> {
    let Some(question) = round.message else {
        return Ok(None);
    };
    let question = question.0.to_string();
    let found = rest::find_recent(app, "look for the reveal", channel.0, |m| {
        m["author"]["bot"].as_bool() == Some(true)
            && m["message_reference"]["message_id"].as_str() == Some(question.as_str())
            && m["embeds"].as_array().is_some_and(|e| !e.is_empty())
    })
    .await;
    match found {
        Ok(m) => Ok(m.map(MessageId)),
        // We may not read the history: post rather than never reveal.
        Err(RestError::Refused { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Disables a posted round's controls (best effort: the round is closed either way).
pub async fn disable_controls(app: &App, round: &Round) {
    let held = super::questions::find(app, Some(round.guild), &round.question).await;
    let (Some(channel), Some(message), Ok(Some(held))) = (round.channel, round.message, held)
    else {
        return;
    };
    let inst = held.question().instance(round.seed);
    let edit = EditMessage::new().components(render::answer_controls(
        &inst,
        &Target::Round(round.id),
        true,
    ));
    let call = Call::new(
        "disable controls",
        Route::ChannelMessage {
            channel_id: channel.0.into(),
            message_id: message.0.into(),
        },
        LightMethod::Patch,
    )
    .json(&edit);
    if let Err(e) = rest::send_raw(app, &call).await {
        warn!(round = %round.id, error = %e, "could not disable the round's controls");
    }
}

/// `/round reveal`: closes the open round (of `track`, or of any track) now and reveals it; with
/// no open round, tries again the reveal of a closed round that has not gone out.
pub async fn reveal_now(
    app: &App,
    guild: GuildId,
    track: Option<crate::quiz::TrackId>,
) -> Result<String, PostError> {
    let open = match track {
        Some(t) => app.store().open_round_in(guild, t).await?,
        None => app.store().open_round(guild).await?,
    };
    let id = match open {
        Some(open) => open.id,
        None => app
            .store()
            .unrevealed_round(guild)
            .await?
            .ok_or_else(|| PostError::User("There is no open round to reveal.".into()))?,
    };
    match reveal(app, id).await? {
        Revealed::Done => {
            let results = app.store().round_results(id, 3).await?;
            Ok(format!(
                "Closed the round: {}, {:.0}% correct. The reveal is posted.",
                render::count(results.answers, "answer"),
                results.share_correct() * 100.0
            ))
        }
        Revealed::NotMine => Err(PostError::User(
            "That round is being revealed right now; check the channel in a moment.".into(),
        )),
        Revealed::Failed { error, retry_at } => Err(PostError::User(format!(
            "The round is closed (no more answers), but the reveal could not be posted: {error}. I'll try again <t:{}:R>, or run `/round reveal` again.",
            retry_at.timestamp()
        ))),
    }
}
