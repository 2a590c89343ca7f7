//! Posting, skipping and revealing a guild's round. `/round post-now`, `skip` and `reveal` and
//! the daily clock all go through these functions.

use super::app::App;
use super::custom_id::Target;
use super::render;
use crate::bank::seeded::SeededRng;
use crate::quiz::schedule::{closes_at, local_day, next_due_after_day};
use crate::quiz::{pick, GuildId, GuildSettings, MessageId, NewRound, Round, RoundId, RoundState};
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use serenity::all::{CreateAllowedMentions, CreateMessage, EditMessage, MessageReference};
use tracing::{info, warn};

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// Said to the admin as it is.
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A claim on a round older than this is taken to belong to a scheduler that stopped.
pub const STALE_CLAIM: chrono::Duration = chrono::Duration::minutes(2);

/// How many times a REST call is tried when Discord answers 429 or 5xx.
const ATTEMPTS: u32 = 4;

fn retryable(e: &serenity::Error) -> bool {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            r.status_code.as_u16() == 429 || r.status_code.is_server_error()
        }
        serenity::Error::Http(serenity::http::HttpError::Request(_)) => true,
        _ => false,
    }
}

/// Runs a REST call, retrying 429 and 5xx answers with exponential backoff.
async fn with_retries<T, F, Fut>(app: &App, what: &str, mut call: F) -> serenity::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = serenity::Result<T>>,
{
    let mut delay = app.retry_delay();
    for attempt in 1..=ATTEMPTS {
        match call().await {
            Err(e) if attempt < ATTEMPTS && retryable(&e) => {
                warn!(what, attempt, error = %e, "Discord asked us to retry");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => return other,
        }
    }
    unreachable!("the last attempt returns")
}

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
        ))
        // Discord drops a second message with the same nonce: a retried post appears once.
        .nonce(serenity::all::Nonce::String(format!(
            "round-{}",
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
    Ok(msg)
}

/// Sends a created round's message and stores its id. On failure the round is discarded (nobody
/// saw it) and the guild's status says what went wrong.
pub async fn send_round(
    app: &App,
    round: &Round,
    settings: &GuildSettings,
) -> Result<MessageId, PostError> {
    let channel = round
        .channel
        .or(settings.channel)
        .ok_or_else(|| PostError::User(super::text::NO_CHANNEL.into()))?;
    let message = round_message(app, round, settings.role.map(|r| r.0))?;
    let id = serenity::all::ChannelId::new(channel.0);
    let sent = with_retries(app, "post", || {
        id.send_message(app.http().as_ref(), message.clone())
    })
    .await;
    match sent {
        Ok(sent) => {
            let message = MessageId(sent.id.get());
            app.store()
                .set_round_message(round.id, channel, message)
                .await?;
            app.store().set_status(round.guild, None).await?;
            info!(guild = %round.guild, round = %round.id, question = %round.question, "round posted");
            Ok(message)
        }
        Err(e) => {
            app.store().discard_round(round.id).await?;
            let status = format!(
                "Posting in <#{channel}> failed at <t:{}:f>: {e}. Check that the channel exists and that I can view it, send messages and embed links there.",
                app.now().timestamp()
            );
            app.store().set_status(round.guild, Some(status)).await?;
            warn!(guild = %round.guild, channel = %channel, error = %e, "posting the round failed");
            Err(PostError::User(format!(
                "I couldn't post in <#{channel}> ({e}). Check that I can view that channel, send messages and embed links there, then try again."
            )))
        }
    }
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
    let (question, seed) = pick::pick(app.bank(), settings, &history, &mut rng)
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
    let Some(round) = app.store().create_round(new).await? else {
        return Ok(None);
    };
    send_round(app, &round, settings).await?;
    Ok(Some(round))
}

/// `/round post-now`: starts today's round now in the configured channel, if none is open.
pub async fn post_now(app: &App, guild: GuildId) -> Result<String, PostError> {
    let settings = app.store().settings(guild).await?;
    if settings.channel.is_none() {
        return Err(PostError::User(super::text::NO_CHANNEL.into()));
    }
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
    let round = post_day(app, &settings, day, now)
        .await?
        .ok_or_else(|| PostError::User(format!("Today ({day}) already had its round.")))?;
    // Today is done: the clock moves on to the next posting day.
    let next = next_due_after_day(&settings, day);
    app.store().reschedule_any(guild, next).await?;
    Ok(format!(
        "Posted today's question in <#{}>. It closes <t:{}:R>.",
        round.channel.map_or(0, |c| c.0),
        round.closes_at.timestamp()
    ))
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
    let done = with_retries(app, "disable controls", || {
        id.edit_message(app.http().as_ref(), message.0, edit.clone())
    })
    .await;
    if let Err(e) = done {
        warn!(round = %round.id, error = %e, "could not disable the round's controls");
    }
}

/// Closes a round (if open) and posts its reveal once: a reply to the question with the answer,
/// the explanation and the results, and the question's controls disabled. `Ok(false)` when
/// another scheduler has it, or it was revealed already.
pub async fn reveal(app: &App, id: RoundId) -> Result<bool, PostError> {
    let now = app.now();
    let Some(round) = app.store().round(id).await? else {
        return Ok(false);
    };
    if round.state == RoundState::Skipped {
        return Ok(false);
    }
    if !app.store().claim_round(id, now, STALE_CLAIM).await? {
        return Ok(false);
    }
    if round.state == RoundState::Open {
        app.store().end_round(id, RoundState::Closed).await?;
    }
    app.forget_round(id);
    let results = app.store().round_results(id, 5).await?;
    let (Some(q), Some(channel)) = (app.bank().get(&round.question), round.channel) else {
        app.store().mark_revealed(id, now).await?;
        return Ok(true);
    };
    let inst = q.instance(round.seed);
    let mut msg = CreateMessage::new()
        .embed(render::reveal_embed(app.bank(), &inst, &results))
        .allowed_mentions(render::no_mentions())
        .nonce(serenity::all::Nonce::String(format!(
            "reveal-{}",
            round.id.0
        )))
        .enforce_nonce(true);
    if let Some(m) = round.message {
        msg = msg.reference_message(MessageReference::from((
            serenity::all::ChannelId::new(channel.0),
            serenity::all::MessageId::new(m.0),
        )));
    }
    let cid = serenity::all::ChannelId::new(channel.0);
    match with_retries(app, "reveal", || {
        cid.send_message(app.http().as_ref(), msg.clone())
    })
    .await
    {
        Ok(_) => {
            disable_controls(app, &round).await;
            app.store().mark_revealed(id, now).await?;
            info!(guild = %round.guild, round = %id, answers = results.answers, "round revealed");
            Ok(true)
        }
        Err(e) => {
            // Someone else (or the next pass) tries again once the claim goes stale.
            warn!(guild = %round.guild, round = %id, error = %e, "posting the reveal failed");
            app.store()
                .set_status(
                    round.guild,
                    Some(format!(
                        "The reveal in <#{channel}> failed at <t:{}:f>: {e}.",
                        now.timestamp()
                    )),
                )
                .await?;
            Ok(false)
        }
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

/// `/round reveal`: closes the open round now and reveals it.
pub async fn reveal_now(app: &App, guild: GuildId) -> Result<String, PostError> {
    let open = app
        .store()
        .open_round(guild)
        .await?
        .ok_or_else(|| PostError::User("There is no open round to reveal.".into()))?;
    if !reveal(app, open.id).await? {
        return Err(PostError::User(
            "That round is being revealed already.".into(),
        ));
    }
    let results = app.store().round_results(open.id, 3).await?;
    Ok(format!(
        "Closed the round: {}, {:.0}% correct. The reveal is posted.",
        render::count(results.answers, "answer"),
        results.share_correct() * 100.0
    ))
}
