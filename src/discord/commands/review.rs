//! The `review` family: `/review`, a member's due questions privately, one after another, with
//! **Next review** under each grade while more are due; and the scheduling of every daily and
//! practice answer the handler records. Parsing and rendering only: the use-case is
//! `quiz::review`.
//!
//! A review question is answered with the controls of `/quiz` (custom ids `1:ra:`, `1:rm:`,
//! `1:rt:`, `1:rf:`, see `custom_id.rs`): graded like `/quiz` and recorded as practice. "Fast",
//! for FSRS's Easy, is measured from the moment the message holding the question was sent or
//! last edited (Discord gives both with every button and with a modal opened from one) to the
//! answer, by the bot's clock.

use crate::discord::app::App;
use crate::discord::custom_id::Target;
use crate::discord::handler::{Ctx, Failure, Reply};
use crate::discord::questions::{self, Held};
use crate::discord::render::{review as look, Msg};
use crate::discord::text::review as t;
use crate::grade::Grade;
use crate::quiz::review::{self, Answered, Card, Deck, ReviewStore};
use chrono::{DateTime, Utc};
use serenity::all::{CreateCommand, Message};
use tracing::{error, info, warn};

/// The command as `register` sends it: in servers and in direct messages, like `/quiz`.
pub fn definition() -> CreateCommand {
    CreateCommand::new("review").description(t::REVIEW)
}

/// How an answer control was used: when the message with its question was shown (sent, or last
/// edited), and whether `/review` asked it.
#[derive(Debug, Clone, Copy)]
pub(in crate::discord) struct Seen {
    shown: Option<DateTime<Utc>>,
    review: bool,
}

impl Seen {
    pub(in crate::discord) fn of(message: Option<&Message>, target: &Target) -> Seen {
        Seen {
            shown: message.map(|m| *m.edited_timestamp.unwrap_or(m.timestamp)),
            review: matches!(target, Target::Review { .. }),
        }
    }

    /// How long the member took from seeing the question to `now`, when known.
    pub(in crate::discord) fn took(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        self.shown.map(|shown| now - shown)
    }
}

/// The member's cards where they ask: this server's, or their direct messages'.
fn deck(ctx: &Ctx) -> Deck {
    Deck {
        guild: ctx.guild,
        member: ctx.user,
    }
}

/// `/review`: the most overdue question, or when the next falls due.
pub(in crate::discord) async fn command(app: &App, ctx: &Ctx) -> Result<Reply, Failure> {
    Ok(Reply::Message(first_due(app, ctx).await?))
}

/// **Next review**: the same, in place of the grade it was under.
pub(in crate::discord) async fn next(app: &App, ctx: &Ctx) -> Result<Reply, Failure> {
    Ok(Reply::Update(first_due(app, ctx).await?))
}

/// Due ids read at a time, and times to read again when all of them were gone from the bank.
const BATCH: u32 = 10;
const READS: usize = 5;

async fn first_due(app: &App, ctx: &Ctx) -> Result<Msg, Failure> {
    let deck = deck(ctx);
    let now = app.now();
    let held = due_question(app, deck, now).await?;
    let status = review::status(app.store(), deck, now).await?;
    let Some(held) = held else {
        return Ok(look::nothing_due(status));
    };
    let seed: u64 = rand::random();
    let q = held.question();
    let inst = q.instance(seed);
    let target = Target::Review {
        question: q.id.0.clone(),
        seed,
    };
    info!(guild = ?ctx.guild, user = %ctx.user, question = %q.id, due = status.due, "review asked");
    Ok(look::question(
        app.bank(),
        &inst,
        &target,
        held.author(),
        status,
    ))
}

/// The deck's most overdue question that is still in the bank. A card whose question is gone
/// (a pack no longer loaded, a server question removed) can never be asked: it is dropped, so
/// it is not counted as due for ever.
async fn due_question(app: &App, deck: Deck, now: DateTime<Utc>) -> Result<Option<Held>, Failure> {
    for _ in 0..READS {
        let ids = review::due(app.store(), deck, now, BATCH).await?;
        if ids.is_empty() {
            return Ok(None);
        }
        for id in ids {
            if let Some(held) = questions::find(app, deck.guild, &id).await? {
                return Ok(Some(held));
            }
            warn!(guild = ?deck.guild, user = %deck.member, question = %id, "a review card of a question no longer in the bank is dropped");
            app.store().drop_card(deck, id).await?;
        }
    }
    Ok(None)
}

/// Schedules the answered question for the member's review: every practice answer, once
/// recorded (a daily answer's review is saved with the answer, by `quiz::answer::record`). A failure is logged and the answer stands (it is recorded already); the
/// card's schedule is then as it was.
pub(in crate::discord) async fn schedule(
    app: &App,
    ctx: &Ctx,
    held: &Held,
    grade: &Grade,
    seen: Seen,
) -> Option<Card> {
    let q = held.question();
    let now = app.now();
    let answered = Answered {
        deck: deck(ctx),
        question: &q.id.0,
        kind: q.kind.name(),
        verdict: grade.verdict,
        answered_in: seen.took(now),
        at: now,
    };
    match review::record(app.store(), answered).await {
        Ok(card) => {
            info!(guild = ?ctx.guild, user = %ctx.user, question = %q.id, rating = card.last_rating.as_str(),
                due = %card.due, "review scheduled");
            Some(card)
        }
        Err(e) => {
            error!(guild = ?ctx.guild, user = %ctx.user, question = %q.id, error = %e, "the next review could not be scheduled");
            None
        }
    }
}

/// The reply to a practice answer: its grade as `/quiz` shows it; for a question `/review`
/// asked, also when it comes back and **Next review** while more are due.
pub(in crate::discord) async fn reply(
    app: &App,
    ctx: &Ctx,
    grade: Msg,
    card: Option<Card>,
    seen: Seen,
) -> Result<Reply, Failure> {
    if !seen.review {
        return Ok(Reply::Message(grade));
    }
    let status = review::status(app.store(), deck(ctx), app.now()).await?;
    Ok(Reply::Message(look::graded(grade, card.as_ref(), status)))
}
