//! The archive: `/past [days]` pages privately through the server's past daily rounds, newest
//! first, each with its question, its reveal and the member's own answer and grade; **Retry as
//! practice** asks a past round's question again (the round's own instance) with the answer
//! controls of `/quiz`, so the answer is graded and recorded as practice, never as a daily answer.
//! Parsing and rendering only: which rounds, and which may be retried, is `quiz::past`.

use crate::discord::app::App;
use crate::discord::custom_id::PastControl;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::questions;
use crate::discord::render::{past as look, Msg};
use crate::discord::text::{self, past as t};
use crate::quiz::past::{self, Window, MAX_DAYS};
use crate::quiz::RoundId;
use serenity::all::{
    CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext, ResolvedOption,
    ResolvedValue,
};
use tracing::{info, warn};

/// The command as `register` sends it: in servers only (the archive is a server's).
pub fn definition() -> CreateCommand {
    CreateCommand::new("past")
        .description(t::PAST)
        .add_option(
            CreateCommandOption::new(CommandOptionType::Integer, "days", t::PAST_DAYS)
                .min_int_value(1)
                .max_int_value(u64::from(MAX_DAYS)),
        )
        .contexts(vec![InteractionContext::Guild])
}

/// `/past [days]`: the newest past round of the window.
pub(in crate::discord) async fn command(
    app: &App,
    ctx: &Ctx,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let asked = opts
        .iter()
        .find(|o| o.name == "days")
        .map(|o| match o.value {
            ResolvedValue::Integer(d) => d,
            // Not a whole number: out of range all the same.
            _ => 0,
        });
    let days = past::days(asked).ok_or_else(|| {
        warn!(days = ?asked, "a /past days out of range");
        user(t::bad_days())
    })?;
    Ok(Reply::Message(show(app, ctx, days, 0).await?))
}

/// **Previous**, **Next** and **Retry as practice**.
pub(in crate::discord) async fn component(
    app: &App,
    ctx: &Ctx,
    control: PastControl,
) -> Result<Reply, Failure> {
    match control {
        PastControl::Page { days, page } => Ok(Reply::Update(show(app, ctx, days, page).await?)),
        PastControl::Retry { round } => retry(app, ctx, round).await,
    }
}

/// Page `page` of the last `days` days, in the server's time zone.
async fn show(app: &App, ctx: &Ctx, days: u32, page: u32) -> Result<Msg, Failure> {
    let guild = ctx.guild()?;
    let settings = app.store().settings(guild).await?;
    let window = Window {
        guild,
        since: past::since(settings.timezone, app.now(), days),
    };
    let Some(found) = past::page(app.store(), window, ctx.user, page).await? else {
        return Ok(Msg::private(t::nothing(days)));
    };
    let held = questions::find(app, Some(guild), &found.round.question).await?;
    if held.is_none() {
        warn!(guild = %guild, round = %found.round.id, question = %found.round.question,
            "a past round's question is no longer in the bank");
    }
    let inst = held
        .as_ref()
        .map(|h| h.question().instance(found.round.seed));
    let author = held.as_ref().and_then(|h| h.author());
    Ok(look::page(app.bank(), &found, days, inst.as_ref(), author))
}

/// **Retry as practice** under past round `round`: its question, as the round asked it.
async fn retry(app: &App, ctx: &Ctx, round: RoundId) -> Result<Reply, Failure> {
    let guild = ctx.guild()?;
    let Some((question, seed)) = past::retry(app.store(), guild, round, ctx.user).await? else {
        // Only past rounds of this server have the button: an open round (its grade would
        // spoil it), another server's, or no round at all is a forgery.
        warn!(guild = %guild, round = %round, "a retry control of a round that is not past here");
        return Err(user(text::UNKNOWN_CONTROL));
    };
    let Some(held) = questions::find(app, Some(guild), &question).await? else {
        return Err(user(t::RETRY_GONE));
    };
    info!(guild = %guild, user = %ctx.user, round = %round, question, "past round retried");
    let inst = held.question().instance(seed);
    Ok(Reply::Message(look::retry(
        app.bank(),
        &inst,
        held.author(),
    )))
}
