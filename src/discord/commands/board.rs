//! `/leaderboard [period] [topic]`: one page of the server's board, with paging buttons. The
//! ranking is the store's (`store::boards`); this file reads the options and renders the page.

use crate::discord::app::App;
use crate::discord::handler::{check_topic, string_opt, user, Ctx, Failure, Reply};
use crate::discord::render::{self, Msg};
use crate::quiz::Period;
use crate::store::BoardQuery;
use serenity::all::ResolvedOption;

pub(in crate::discord) async fn command(
    app: &App,
    ctx: &Ctx,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let period = match string_opt(opts, "period") {
        Some(p) => Period::parse(p).ok_or_else(|| user("Choose all, month or week."))?,
        None => Period::All,
    };
    let topic = string_opt(opts, "topic")
        .map(|t| check_topic(app, t))
        .transpose()?;
    board(app, ctx, period, topic, 0).await.map(Reply::Message)
}

/// One page of a board, as the command shows it and as the paging buttons redraw it.
pub(in crate::discord) async fn board(
    app: &App,
    ctx: &Ctx,
    period: Period,
    topic: Option<String>,
    page: u32,
) -> Result<Msg, Failure> {
    let guild = ctx.guild()?;
    let settings = app.store().settings(guild).await?;
    let q = BoardQuery {
        guild,
        between: period.bounds(settings.timezone, app.now()),
        topic: topic.clone(),
        user: ctx.user,
        limit: render::PAGE_SIZE,
        offset: page * render::PAGE_SIZE,
    };
    let board = app.store().leaderboard(q).await?;
    Ok(render::leaderboard(
        app.bank(),
        &board,
        period,
        topic.as_deref(),
        page,
    ))
}
