//! Posting, skipping and closing a guild's round: used by `/round` now, and by the daily clock.

use super::app::App;
use super::custom_id::Target;
use super::render;
use crate::bank::seeded::SeededRng;
use crate::quiz::schedule::{local_day, next_post};
use crate::quiz::{pick, ChannelId, GuildId, MessageId, NewRound, Round, RoundState};
use crate::store::StoreError;
use chrono::Duration;
use serenity::all::{CreateAllowedMentions, CreateMessage, EditMessage};
use tracing::{info, warn};

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// Said to the admin as it is.
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A round stays open at least this long, even when the next post is sooner.
pub const MIN_ROUND: Duration = Duration::hours(1);

/// The message that carries a round's question.
pub fn round_message(
    app: &App,
    round: &Round,
    role: Option<u64>,
) -> Result<CreateMessage, PostError> {
    let q = app.bank().get(&round.question).ok_or_else(|| {
        PostError::User(format!(
            "The question `{}` is no longer in the bank.",
            round.question
        ))
    })?;
    let inst = q.instance(round.seed);
    let mut msg = CreateMessage::new()
        .embed(render::question_embed(app.bank(), &inst, Some(round)))
        .components(render::answer_controls(
            &inst,
            &Target::Round(round.id),
            false,
        ));
    // Only the configured role may be pinged; nothing else in the message can ping.
    msg = match role {
        Some(r) => msg
            .content(format!("<@&{r}>"))
            .allowed_mentions(CreateAllowedMentions::new().roles(vec![r])),
        None => msg.allowed_mentions(render::no_mentions()),
    };
    Ok(msg)
}

/// `/round post-now`: starts today's round now in the configured channel, if none is open.
pub async fn post_now(app: &App, guild: GuildId) -> Result<String, PostError> {
    let settings = app.store().settings(guild).await?;
    let channel = settings
        .channel
        .ok_or_else(|| PostError::User(super::text::NO_CHANNEL.into()))?;
    let now = app.now();
    if let Some(open) = app.store().open_round(guild).await? {
        if now < open.closes_at {
            return Err(PostError::User(format!(
                "A round is already open; it closes <t:{}:R>. Use `/round reveal` to close it first.",
                open.closes_at.timestamp()
            )));
        }
    }
    let day = local_day(settings.timezone, now);
    if let Some(r) = app.store().round_on_day(guild, day).await? {
        let what = if r.state == RoundState::Skipped {
            "was skipped"
        } else {
            "already had its round"
        };
        return Err(PostError::User(format!(
            "Today ({day}) {what}. The next post is tomorrow."
        )));
    }
    let history = app.store().asked_questions(guild).await?;
    let mut rng = SeededRng::new(rand::random());
    let (question, seed) = pick::pick(app.bank(), &settings, &history, &mut rng)
        .ok_or_else(|| PostError::User(super::text::NO_QUESTIONS_MATCH.into()))?;
    let mut closes = next_post(settings.timezone, settings.post_time, now);
    if closes - now < MIN_ROUND {
        closes = next_post(settings.timezone, settings.post_time, now + MIN_ROUND);
    }
    let new = NewRound {
        guild,
        day,
        question: question.id.0.clone(),
        topic: question.topic.clone(),
        difficulty: question.difficulty,
        seed,
        opens_at: now,
        closes_at: closes,
        channel: Some(channel),
    };
    let Some(round) = app.store().create_round(new).await? else {
        return Err(PostError::User(format!(
            "Today ({day}) already had its round."
        )));
    };
    let message = round_message(app, &round, settings.role.map(|r| r.0))?;
    match serenity::all::ChannelId::new(channel.0)
        .send_message(app.http().as_ref(), message)
        .await
    {
        Ok(sent) => {
            app.store()
                .set_round_message(round.id, channel, MessageId(sent.id.get()))
                .await?;
            info!(guild = %guild, round = %round.id, question = %round.question, "round posted");
            Ok(format!(
                "Posted today's question in <#{}>. It closes <t:{}:R>.",
                channel,
                round.closes_at.timestamp()
            ))
        }
        Err(e) => {
            // Nobody saw it, so it never happened: the day can be posted again once fixed.
            app.store().discard_round(round.id).await?;
            warn!(guild = %guild, channel = %channel, error = %e, "posting the round failed");
            Err(PostError::User(format!(
                "I couldn't post in <#{channel}> ({e}). Check that I can view that channel, send messages and embed links there, then try again."
            )))
        }
    }
}

/// Disables a posted round's controls (best effort: the round is closed either way).
pub async fn disable_controls(app: &App, round: &Round) {
    let (Some(channel), Some(message), Some(q)) = (
        round.channel,
        round.message,
        app.bank().get(&round.question),
    ) else {
        return;
    };
    let inst = q.instance(round.seed);
    let edit = EditMessage::new().components(render::answer_controls(
        &inst,
        &Target::Round(round.id),
        true,
    ));
    let id = serenity::all::ChannelId::new(channel.0);
    if let Err(e) = id.edit_message(app.http().as_ref(), message.0, edit).await {
        warn!(round = %round.id, error = %e, "could not disable the round's controls");
    }
}

/// `/round skip`: skips the open round, or today if nothing is posted yet.
pub async fn skip(app: &App, guild: GuildId) -> Result<String, PostError> {
    if let Some(open) = app.store().open_round(guild).await? {
        if app.store().end_round(open.id, RoundState::Skipped).await? {
            app.forget_round(open.id);
            disable_controls(app, &open).await;
            info!(guild = %guild, round = %open.id, "round skipped");
            return Ok(
                "Skipped the open round: it no longer takes answers and breaks no streak.".into(),
            );
        }
    }
    let settings = app.store().settings(guild).await?;
    let now = app.now();
    let day = local_day(settings.timezone, now);
    if app.store().skip_day(guild, day, now).await? {
        Ok(format!(
            "Today ({day}) is skipped: no question will be posted, and no streak breaks."
        ))
    } else {
        Err(PostError::User(format!(
            "Today ({day}) already had its round; there is nothing to skip."
        )))
    }
}

/// `/round reveal`: closes the open round now.
pub async fn reveal_now(app: &App, guild: GuildId) -> Result<String, PostError> {
    let open = app
        .store()
        .open_round(guild)
        .await?
        .ok_or_else(|| PostError::User("There is no open round to reveal.".into()))?;
    if !app.store().end_round(open.id, RoundState::Closed).await? {
        return Err(PostError::User(
            "That round was closed a moment ago.".into(),
        ));
    }
    disable_controls(app, &open).await;
    let results = app.store().round_results(open.id, 3).await?;
    info!(guild = %guild, round = %open.id, answers = results.answers, "round closed");
    Ok(format!(
        "Closed the round: {} answers, {:.0}% correct.",
        results.answers,
        results.share_correct() * 100.0
    ))
}

/// The channel of a posted round, for messages that reply to it.
pub fn channel_of(round: &Round) -> Option<ChannelId> {
    round.channel
}
