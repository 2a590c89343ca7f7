//! `/leaderboard [period] [topic] [track]`: one page of the server's board (or of one of its
//! tracks), with paging buttons. The
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
    let track = match super::track::named(app, ctx.guild()?, opts).await? {
        Some(t) => Some(t.track),
        None => None,
    };
    board(app, ctx, period, topic, track, 0)
        .await
        .map(Reply::Message)
}

/// One page of a board, as the command shows it and as the paging buttons redraw it.
pub(in crate::discord) async fn board(
    app: &App,
    ctx: &Ctx,
    period: Period,
    topic: Option<String>,
    track: Option<crate::quiz::TrackId>,
    page: u32,
) -> Result<Msg, Failure> {
    let guild = ctx.guild()?;
    let settings = app.store().settings(guild).await?;
    // Tracks: a track's board is named after it (a removed track's too, from its pages).
    let named = match track {
        Some(t) => app
            .store()
            .track(guild, t)
            .await?
            .map(|s| (t, s.track_name)),
        None => None,
    };
    let q = BoardQuery {
        guild,
        between: period.bounds(settings.timezone, app.now()),
        topic: topic.clone(),
        track,
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
        named.as_ref().map(|(t, n)| (*t, n.as_str())),
        page,
    ))
}
