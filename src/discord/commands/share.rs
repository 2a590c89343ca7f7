//! Sharing a daily answer: the **Share my answer if it is among the best** toggle under the
//! private grade of a daily free-text answer (off until the member turns it on, theirs to change
//! until the reveal), and the quote the reveal takes from it. Parsing, permissions and rendering
//! only: the rules are `quiz::share`.

use crate::bank::Kind;
use crate::discord::app::App;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::render::{self, share as look, Msg};
use crate::discord::text::{self as text, share as t};
use crate::quiz::appeal::AppealState;
use crate::quiz::share::{self, ShareSet, ShareStore, Shared};
use crate::quiz::{Round, RoundId, UserId};
use crate::store::StoreError;
use serenity::all::CreateActionRow;
use tracing::{info, warn};

/// Whether a question's daily answers can be shared: written explanations only (a picked
/// option says nothing worth quoting).
pub fn shareable(kind: &Kind) -> bool {
    matches!(kind, Kind::FreeText(_))
}

/// The controls under a daily grade given just now: sharing starts off.
pub(in crate::discord) fn fresh_controls(
    kind: &Kind,
    round: RoundId,
    member: UserId,
) -> Vec<CreateActionRow> {
    look::grade_controls(round, member, None, shareable(kind).then_some(false))
}

/// The controls under a stored daily grade (`/daily`): "Ask for a review" until it is asked,
/// and the share toggle as it stands.
pub(in crate::discord) async fn stored_controls(
    app: &App,
    round: &Round,
    member: UserId,
    appeal: Option<AppealState>,
) -> Result<Vec<CreateActionRow>, Failure> {
    let held = crate::discord::questions::find(app, Some(round.guild), &round.question).await?;
    let sharing = match held {
        Some(h) if shareable(&h.question().kind) => {
            Some(app.store().shares(round.id, member).await?)
        }
        _ => None,
    };
    Ok(look::grade_controls(round.id, member, appeal, sharing))
}

/// A press of the toggle under `member`'s grade of `round`, setting sharing to `on`: the grade
/// message shows the new state, or the member is told why nothing changed.
pub(in crate::discord) async fn toggle(
    app: &App,
    ctx: &Ctx,
    round: RoundId,
    member: UserId,
    on: bool,
) -> Result<Reply, Failure> {
    let guild = ctx.guild()?;
    let found = app.round(round).await?.filter(|r| r.guild == guild);
    let Some(r) = found else {
        warn!(round = %round, guild = %guild, "a share toggle of no round of this guild");
        return Err(user(t::NO_ANSWER));
    };
    // Only a written answer is shared: a forged toggle of another kind of round changes nothing.
    let held = crate::discord::questions::find(app, Some(guild), &r.question).await?;
    if !held.is_some_and(|h| shareable(&h.question().kind)) {
        warn!(round = %round, "a share toggle of a round that is not free text");
        return Err(user(text::UNKNOWN_CONTROL));
    }
    let set = share::choose(app.store(), guild, round, member, ctx.user, on, app.now()).await?;
    match set {
        ShareSet::Set(on) => {
            info!(guild = %guild, round = %round, user = %member, on, "sharing set");
            let a = app
                .store()
                .member_answer(round, member)
                .await?
                .ok_or_else(|| user(t::NO_ANSWER))?;
            let grade = render::stored_grade_embed(a.verdict, a.score, a.points, a.appeal);
            let controls = look::grade_controls(round, member, a.appeal, Some(on));
            Ok(Reply::Update(
                Msg::embed(look::with_sharing(grade, on)).with_components(controls),
            ))
        }
        ShareSet::Revealed => Err(user(t::REVEALED)),
        ShareSet::NotYours => Err(user(t::NOT_YOURS)),
        ShareSet::NoAnswer => Err(user(t::NO_ANSWER)),
    }
}

/// The answer the reveal of `round` quotes (a question of `kind`), if its author agreed.
pub(in crate::discord) async fn quote(
    app: &App,
    round: RoundId,
    kind: &Kind,
) -> Result<Option<Shared>, StoreError> {
    if !shareable(kind) {
        return Ok(None);
    }
    share::quote(app.store(), round).await
}
