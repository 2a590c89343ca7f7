//! The discussion thread a reveal opens: a public thread started from the round's question
//! message ("Start Thread from Message"), named after the question and archived after a day.
//! Never before the reveal, so nobody spoils the answer.
//!
//! Exactly once per round, across retries, restarts and instances: the thread is queued in the
//! transaction that marks the round revealed, each attempt is claimed in the database, and an
//! attempt after one whose outcome was unclear first looks at the question message (a message
//! carries the thread started from it) before it asks again; a second thread on one message is
//! refused by Discord anyway (160004), and is then taken for the first.
//!
//! What Discord says decides what follows:
//! - 403 (Missing Permissions 50013, Missing Access 50001): the bot lacks Create Public Threads;
//!   recorded, shown by `/config show`, never retried. A later round's thread that opens clears it.
//! - any other 4xx: recorded, not retried.
//! - 429, 5xx, no answer: tried again with the reveal's backoff, at most [`ATTEMPTS`] times.

use super::app::App;
use super::rest::{self, Call, RestError};
use super::text::share as t;
use crate::quiz::thread::ThreadState;
use crate::quiz::{ChannelId, GuildId, MessageId, RoundId};
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use serenity::http::{LightMethod, Route};
use tracing::{info, warn};

/// At most this many attempts are made at a round's thread.
pub const ATTEMPTS: u32 = 6;
/// A thread is archived after a day without messages (minutes, as Discord counts).
pub const ARCHIVE_AFTER: u16 = 1440;
/// The longest thread name Discord takes.
const NAME_MAX: usize = 100;
/// Discord's error code for a second thread on a message.
const ALREADY_HAS_THREAD: i64 = 160004;
/// Discord's error codes for a permission the bot lacks.
const MISSING_PERMISSIONS: i64 = 50013;
const MISSING_ACCESS: i64 = 50001;

/// The body of "Start Thread from Message".
#[derive(serde::Serialize)]
struct StartThread<'a> {
    name: &'a str,
    auto_archive_duration: u16,
}

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Thread {
    /// Open now (or found open from an earlier attempt).
    Opened,
    /// Not ours to do: another scheduler holds it, it is not due, or it is done.
    NotMine,
    /// Discord refused it (or it was given up): recorded, and not tried again.
    NotOpened,
    /// Tried again at this time.
    Retry(DateTime<Utc>),
}

/// A thread's name from the question's prompt: its first line of words, without markdown or
/// code, after "Discuss: ", at most 100 characters.
pub fn thread_name(prompt: Option<&str>) -> String {
    let Some(prompt) = prompt else {
        return t::THREAD_FALLBACK.to_string();
    };
    // Code blocks (between fences) are no name.
    let text: String = prompt
        .split(crate::bank::markdown::FENCE)
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { " [code] " } else { part })
        .collect();
    let words: Vec<&str> = text
        .lines()
        .map(str::trim)
        .find(|l| l.chars().any(char::is_alphanumeric))
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let plain: String = words
        .join(" ")
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '~' | '|' | '#' | '>') && !c.is_control())
        .collect();
    let plain = plain.trim();
    if plain.is_empty() {
        return t::THREAD_FALLBACK.to_string();
    }
    super::text::limits::clip(&format!("{}{plain}", t::THREAD_PREFIX), NAME_MAX)
}

/// Makes the round's due thread attempt, if it is ours; store errors only are errors.
pub async fn open(app: &App, id: RoundId) -> Result<Thread, StoreError> {
    let now = app.now();
    let Some(attempt) = app.store().claim_thread(id, now, app.stale_claim()).await? else {
        return Ok(Thread::NotMine);
    };
    let round = app.store().round(id).await?;
    let Some((round, channel, message)) =
        round.and_then(|r| Some((r.clone(), r.channel?, r.message?)))
    else {
        // Nothing to start it from (cannot happen for a queued thread): end it quietly.
        app.store()
            .end_thread(id, ThreadState::Failed, None, None, now)
            .await?;
        return Ok(Thread::NotOpened);
    };
    if attempt > 1 {
        // An earlier attempt may have opened it without our hearing back: look first.
        match find_thread(app, channel, message).await {
            Ok(Some(thread)) => {
                info!(round = %id, thread = %thread, "found the thread from an earlier attempt");
                return opened(app, id, thread).await;
            }
            Ok(None) => {}
            Err(e @ RestError::Refused { .. }) => {
                // We may not read the message: ask to start it; Discord refuses a second one.
                warn!(round = %id, error = %e, "could not look for an earlier thread; asking again")
            }
            Err(e) => return unclear(app, id, round.guild, attempt, e).await,
        }
    }
    let held = super::questions::find(app, Some(round.guild), &round.question).await?;
    let prompt = held.map(|h| h.question().instance(round.seed).prompt);
    let name = thread_name(prompt.as_deref());
    let body = StartThread {
        name: &name,
        auto_archive_duration: ARCHIVE_AFTER,
    };
    let call = Call::new(
        "open the discussion thread",
        Route::ChannelMessageThreads {
            channel_id: channel.0.into(),
            message_id: message.0.into(),
        },
        LightMethod::Post,
    )
    .json(&body);
    match rest::send::<serde_json::Value>(app, call).await {
        Ok(thread) => {
            // A thread started from a message has the message's id.
            let made = thread["id"].as_str().and_then(|s| s.parse().ok());
            opened(app, id, ChannelId(made.unwrap_or(message.0))).await
        }
        Err(RestError::Refused {
            code: Some(ALREADY_HAS_THREAD),
            ..
        }) => {
            info!(round = %id, "the question already has its thread");
            opened(app, id, ChannelId(message.0)).await
        }
        Err(e @ RestError::Refused { status, code, .. }) => {
            let state =
                if status == 403 || matches!(code, Some(MISSING_PERMISSIONS | MISSING_ACCESS)) {
                    ThreadState::NoPermission
                } else {
                    ThreadState::Refused
                };
            warn!(guild = %round.guild, round = %id, channel = %channel, error = %e, "Discord refused the discussion thread; not retried");
            app.store()
                .end_thread(id, state, None, Some(e.to_string()), now)
                .await?;
            Ok(Thread::NotOpened)
        }
        Err(e) => unclear(app, id, round.guild, attempt, e).await,
    }
}

async fn opened(app: &App, id: RoundId, thread: ChannelId) -> Result<Thread, StoreError> {
    app.store()
        .end_thread(id, ThreadState::Open, Some(thread), None, app.now())
        .await?;
    info!(round = %id, thread = %thread, "discussion thread opened");
    Ok(Thread::Opened)
}

/// Discord did not answer, or failed: another attempt after the backoff, or the last one.
async fn unclear(
    app: &App,
    id: RoundId,
    guild: GuildId,
    attempt: u32,
    e: RestError,
) -> Result<Thread, StoreError> {
    let now = app.now();
    if attempt >= ATTEMPTS {
        warn!(guild = %guild, round = %id, attempt, error = %e, "the discussion thread failed on every attempt; given up");
        let why = format!("{e}, {attempt} times");
        app.store()
            .end_thread(id, ThreadState::Failed, None, Some(why), now)
            .await?;
        return Ok(Thread::NotOpened);
    }
    let at = now + super::reveal::backoff(attempt, &e);
    warn!(guild = %guild, round = %id, attempt, error = %e, "opening the discussion thread failed; it will be retried");
    app.store().retry_thread_at(id, at).await?;
    Ok(Thread::Retry(at))
}

/// The thread started from the question message, if there is one (the message carries it).
async fn find_thread(
    app: &App,
    channel: ChannelId,
    message: MessageId,
) -> Result<Option<ChannelId>, RestError> {
    let call = Call::new(
        "look for the discussion thread",
        Route::ChannelMessage {
            channel_id: channel.0.into(),
            message_id: message.0.into(),
        },
        LightMethod::Get,
    );
    let m: serde_json::Value = rest::send(app, call).await?;
    Ok(m["thread"]["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .map(ChannelId))
}

/// What `/config show` reports: the posting status, then a thread that could not be opened
/// (until a later one opens).
pub async fn status(app: &App, guild: GuildId) -> Result<Option<String>, StoreError> {
    let posting = app.store().status(guild).await?;
    let thread = app
        .store()
        .last_thread(guild)
        .await?
        .and_then(|t| t::thread_problem(&t));
    Ok(match (posting, thread) {
        (Some(p), Some(t)) => Some(format!("{p}\n{t}")),
        (p, t) => p.or(t),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_is_named_after_the_question_in_plain_words() {
        assert_eq!(
            thread_name(Some(
                "What is the difference between a **process** and a `thread`?"
            )),
            "Discuss: What is the difference between a process and a thread?"
        );
        assert_eq!(
            thread_name(Some("\n\n# Why?\nsecond line")),
            "Discuss: Why?"
        );
        assert_eq!(
            thread_name(Some("What does this print?\n```rust\nfn main() {}\n```")),
            "Discuss: What does this print?"
        );
        assert_eq!(thread_name(Some("```\nonly code\n```")), "Discuss: [code]");
        assert_eq!(thread_name(Some("   \n ** ")), t::THREAD_FALLBACK);
        assert_eq!(thread_name(None), t::THREAD_FALLBACK);
    }

    #[test]
    fn a_long_question_makes_a_name_within_discords_limit() {
        let name = thread_name(Some(&"word ".repeat(100)));
        assert_eq!(name.chars().count(), NAME_MAX);
        assert!(name.starts_with(t::THREAD_PREFIX) && name.ends_with('…'));
        let wide = thread_name(Some(&"é".repeat(300)));
        assert_eq!(wide.chars().count(), NAME_MAX);
    }
}
