//! Posting and skipping a guild's round. `/round post-now` and `skip` and the daily clock all go
//! through these functions (revealing is in `reveal.rs`).
//!
//! A post's outcome can be unclear (Discord's answer lost, a timeout, a 5xx): then the round is
//! kept, not discarded, and the next attempt first looks for the message in the channel. Each
//! attempt carries its own nonce, and round ids are never reused, so Discord can never hand back
//! another round's message for ours.

use super::app::App;
use super::custom_id::Target;
use super::render;
use super::rest::{self, Call, RestError};
use crate::bank::seeded::SeededRng;
use crate::quiz::schedule::{closes_at, local_day, next_due_after_day};
use crate::quiz::{
    pick, GuildId, GuildSettings, MessageId, NewRound, Round, RoundId, RoundState, TrackId,
};
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use serenity::all::{CreateAllowedMentions, CreateMessage};
use serenity::http::{LightMethod, Route};
use tracing::{info, warn};

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// Said to the admin as it is.
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A claim on a round older than this is taken to belong to a scheduler that stopped (the
/// default of `App::stale_claim`).
pub const STALE_CLAIM: chrono::Duration = chrono::Duration::minutes(2);

/// How long an unclear post waits before the clock checks the channel and tries again.
pub const UNCLEAR_RETRY: chrono::Duration = chrono::Duration::minutes(1);

fn gone(round: &Round) -> PostError {
    PostError::User(format!(
        "The question `{}` is no longer in the bank.",
        round.question
    ))
}

/// The message that carries a round's question of the bank (a server's own question is found
/// with `questions::find`, and posted by [`round_message_of`]).
pub fn round_message(
    app: &App,
    round: &Round,
    role: Option<u64>,
    attempt: u32,
) -> Result<CreateMessage, PostError> {
    let held = super::questions::in_bank(app, &round.question).ok_or_else(|| gone(round))?;
    Ok(round_message_of(app, &held, round, role, attempt))
}

/// The message that carries `held`, a round's question; a server's own question credits the
/// member who suggested it.
pub fn round_message_of(
    app: &App,
    held: &super::questions::Held,
    round: &Round,
    role: Option<u64>,
    attempt: u32,
) -> CreateMessage {
    let inst = held.question().instance(round.seed);
    let embed = render::question_embed(app.bank(), &inst, Some(round));
    let mut msg = CreateMessage::new()
        .embed(render::credit(embed, held.author()))
        .components(render::answer_controls(
            &inst,
            &Target::Round(round.id),
            false,
        ))
        // Discord answers a retried request with the same nonce with the message it made: a
        // retried post appears once. One nonce per attempt (at most 25 characters).
        .nonce(serenity::all::Nonce::String(format!(
            "r{}-{attempt}",
            round.id.0
        )))
        .enforce_nonce(true);
    // Only the configured role may be pinged; nothing else in the message can ping.
    msg = match role {
        Some(r) => msg
            .content(format!("<@&{r}>"))
            .allowed_mentions(CreateAllowedMentions::new().roles(vec![r])),
        None => msg.allowed_mentions(render::no_mentions()),
    };
    msg
}

/// Sends a created round's message and stores its id. When Discord refuses the post the round
/// is retired (nobody saw it); when the outcome is unclear it is kept for the clock to check and
/// retry. Either way the guild's status says what happened.
pub async fn send_round(
    app: &App,
    round: &Round,
    settings: &GuildSettings,
) -> Result<MessageId, PostError> {
    let channel = round
        .channel
        .or(settings.channel)
        .ok_or_else(|| PostError::User(super::text::NO_CHANNEL.into()))?;
    let attempt = app.store().begin_post_attempt(round.id).await?;
    if attempt > 1 {
        // An earlier attempt may have posted it without our hearing back: look before posting.
        match find_round_message(app, channel, round).await {
            Ok(Some(message)) => {
                info!(guild = %round.guild, round = %round.id, "found the round's message from an earlier attempt");
                return posted(app, round, channel, message).await;
            }
            Ok(None) => {}
            // We may not read the channel's history: post rather than lose the day.
            Err(e @ RestError::Refused { .. }) => {
                warn!(guild = %round.guild, round = %round.id, error = %e, "could not look for an earlier post; posting again")
            }
            Err(e) => return Err(unclear(app, round, channel, &e).await?),
        }
    }
    let held = super::questions::find(app, Some(round.guild), &round.question)
        .await?
        .ok_or_else(|| gone(round))?;
    let message = round_message_of(app, &held, round, settings.role.map(|r| r.0), attempt);
    let (store, guild, track) = (app.store().clone(), round.guild, round.track);
    let on_limit = move |after: std::time::Duration| {
        let (store, status) = (store.clone(), rate_limited_status(after));
        let track = track;
        tokio::spawn(async move { store.set_status(guild, track, Some(status)).await });
    };
    let call = Call::new(
        "post",
        Route::ChannelMessages {
            channel_id: channel.0.into(),
        },
        LightMethod::Post,
    )
    .json(&message)
    .on_rate_limit(&on_limit);
    match rest::send::<serenity::all::Message>(app, call).await {
        Ok(sent) => posted(app, round, channel, MessageId(sent.id.get())).await,
        Err(e @ RestError::Refused { .. }) => {
            app.store()
                .retire_round(round, format!("post refused: {e}"), app.now())
                .await?;
            let status = format!(
                "Posting in <#{channel}> failed at <t:{}:f>: {e}. Check that the channel exists and that I can view it, send messages and embed links there.",
                app.now().timestamp()
            );
            app.store()
                .set_status(round.guild, round.track, Some(status))
                .await?;
            warn!(guild = %round.guild, channel = %channel, error = %e, "posting the round failed");
            Err(PostError::User(format!(
                "I couldn't post in <#{channel}> ({e}). Check that I can view that channel, send messages and embed links there, then try again."
            )))
        }
        Err(e) => Err(unclear(app, round, channel, &e).await?),
    }
}

/// The status a guild shows while Discord rate limits its post.
fn rate_limited_status(after: std::time::Duration) -> String {
    format!(
        "Rate limited by Discord: retrying in {:.0} s.",
        after.as_secs_f64().ceil()
    )
}

async fn posted(
    app: &App,
    round: &Round,
    channel: crate::quiz::ChannelId,
    message: MessageId,
) -> Result<MessageId, PostError> {
    app.store()
        .set_round_message(round.id, channel, message)
        .await?;
    app.store()
        .set_status(round.guild, round.track, None)
        .await?;
    info!(guild = %round.guild, round = %round.id, question = %round.question, "round posted");
    Ok(message)
}

/// Keeps a round whose post may or may not have gone out, for the clock to check and retry.
async fn unclear(
    app: &App,
    round: &Round,
    channel: crate::quiz::ChannelId,
    e: &RestError,
) -> Result<PostError, PostError> {
    let wait = match e {
        RestError::RateLimited { retry_after, .. } => {
            chrono::Duration::from_std(*retry_after).unwrap_or(UNCLEAR_RETRY)
        }
        _ => UNCLEAR_RETRY,
    }
    .max(chrono::Duration::seconds(1));
    let at = app.now() + wait;
    app.store().retry_round_at(round.id, at).await?;
    let status = match e {
        RestError::RateLimited { retry_after, .. } => rate_limited_status(*retry_after),
        _ => format!(
            "Posting in <#{channel}> was not confirmed at <t:{}:f>: {e}. I will look for the post and retry <t:{}:R>.",
            app.now().timestamp(),
            at.timestamp()
        ),
    };
    app.store()
        .set_status(round.guild, round.track, Some(status))
        .await?;
    warn!(guild = %round.guild, round = %round.id, error = %e, "the post's outcome is unclear; kept for a retry");
    Ok(PostError::User(format!(
        "I couldn't confirm the post in <#{channel}> ({e}). I'll check the channel and retry <t:{}:R>; nothing is lost.",
        at.timestamp()
    )))
}

/// Looks through the channel's latest messages for this round's post (its controls name it).
async fn find_round_message(
    app: &App,
    channel: crate::quiz::ChannelId,
    round: &Round,
) -> Result<Option<MessageId>, RestError> {
    Ok(rest::find_recent(app, "look for the post", channel.0, |m| {
        names_round(m, round.id)
    })
    .await?
    .map(MessageId))
}

/// Whether a message's controls answer this round.
fn names_round(message: &serde_json::Value, round: RoundId) -> bool {
    use super::custom_id::Control;
    let rows = message["components"].as_array().into_iter().flatten();
    rows.flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter_map(|c| c["custom_id"].as_str())
        .filter_map(Control::parse)
        .any(|c| match c {
            Control::Option { target, .. }
            | Control::Multi { target }
            | Control::OpenModal { target }
            | Control::Modal { target } => target == Target::Round(round),
            _ => false,
        })
}

/// Creates and posts the guild's round for `day` now. `Ok(None)` if the day has a round already
/// (another scheduler made it, or an admin did).
pub async fn post_day(
    app: &App,
    settings: &GuildSettings,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Round>, PostError> {
    let guild = settings.guild;
    let channel = settings
        .channel
        .ok_or_else(|| PostError::User(super::text::NO_CHANNEL.into()))?;
    let history = app.store().asked_questions(guild).await?;
    let mut rng = SeededRng::new(rand::random());
    // The guild's own questions beside the bank's.
    let server = super::questions::server_bank(app, guild).await?;
    let all = super::questions::all(app, server.as_deref());
    let (question, seed) = pick::pick_among(&all, settings, &history, &mut rng)
        .ok_or_else(|| PostError::User(super::text::NO_QUESTIONS_MATCH.into()))?;
    let new = NewRound {
        guild,
        day,
        question: question.id.0.clone(),
        topic: question.topic.clone(),
        difficulty: question.difficulty,
        seed,
        opens_at: now,
        closes_at: closes_at(settings, day, now),
        channel: Some(channel),
    };
    let Some(round) = app.store().create_round_in(settings.track, new).await? else {
        return Ok(None);
    };
    send_round(app, &round, settings).await?;
    Ok(Some(round))
}

/// `/round post-now`: starts today's round of a track (`None`: the first) now in its channel,
/// if none is open.
pub async fn post_now(
    app: &App,
    guild: GuildId,
    track: Option<TrackId>,
) -> Result<String, PostError> {
    let settings = app.store().settings_of(guild, track).await?;
    if settings.channel.is_none() {
        return Err(PostError::User(super::text::NO_CHANNEL.into()));
    }
    let now = app.now();
    if let Some(open) = app.store().open_round_in(guild, settings.track).await? {
        if now < open.closes_at {
            return Err(PostError::User(format!(
                "A round is already open; it closes <t:{}:R>. Use `/round reveal` to close it first.",
                open.closes_at.timestamp()
            )));
        }
    }
    let day = local_day(settings.timezone, now);
    if let Some(r) = app.store().round_on_day(guild, settings.track, day).await? {
        let what = if r.state == RoundState::Skipped {
            "was skipped"
        } else {
            "already had its round"
        };
        return Err(PostError::User(format!(
            "Today ({day}) {what}. The next post is tomorrow."
        )));
    }
    let round = post_day(app, &settings, day, now)
        .await?
        .ok_or_else(|| PostError::User(format!("Today ({day}) already had its round.")))?;
    // Today is done: the clock moves on to the next posting day.
    let next = next_due_after_day(&settings, day);
    app.store()
        .reschedule_any(guild, settings.track, next)
        .await?;
    Ok(format!(
        "Posted today's question in <#{}>. It closes <t:{}:R>.",
        round.channel.map_or(0, |c| c.0),
        round.closes_at.timestamp()
    ))
}

/// `/round skip`: skips a track's (`None`: the first's) open round, or its today if nothing is
/// posted yet.
pub async fn skip(app: &App, guild: GuildId, track: Option<TrackId>) -> Result<String, PostError> {
    let settings = app.store().settings_of(guild, track).await?;
    if let Some(open) = app.store().open_round_in(guild, settings.track).await? {
        if app.store().end_round(open.id, RoundState::Skipped).await? {
            app.forget_round(open.id);
            super::reveal::disable_controls(app, &open).await;
            info!(guild = %guild, round = %open.id, "round skipped");
            return Ok(
                "Skipped the open round: it no longer takes answers and breaks no streak.".into(),
            );
        }
    }
    let now = app.now();
    let day = local_day(settings.timezone, now);
    if app
        .store()
        .skip_day(guild, settings.track, day, now)
        .await?
    {
        Ok(format!(
            "Today ({day}) is skipped: no question will be posted, and no streak breaks."
        ))
    } else {
        Err(PostError::User(format!(
            "Today ({day}) already had its round; there is nothing to skip."
        )))
    }
}
