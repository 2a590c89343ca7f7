//! The `grades` family: a member's "Ask for a review" button under a daily grade, and
//! `/grades review`, where a moderator works through the open appeals oldest first. Parsing,
//! permissions and rendering only: the use-cases are `quiz::appeal`.

use super::{admin, sub};
use crate::discord::app::App;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::render::{self, Msg};
use crate::discord::text as t;
use crate::quiz::appeal::{self, Asked, Case, Decided, Decision, NewDecision};
use crate::quiz::{self, AppealId, RoundId, UserId};
use serenity::all::{CreateCommand, InteractionContext, ResolvedOption};
use tracing::{info, warn};

/// The command as `register` sends it: Manage Server only (the handler checks again).
pub fn definition() -> CreateCommand {
    admin(
        CreateCommand::new("grades")
            .description(t::GRADES)
            .add_option(sub("review", t::GRADES_REVIEW)),
    )
    .contexts(vec![InteractionContext::Guild])
}

/// `/grades ...`
pub(in crate::discord) async fn command(
    app: &App,
    ctx: &Ctx,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let guild = ctx.admin()?;
    match opts.first().map(|o| o.name) {
        Some("review") => match appeal::next_case(app.store(), guild).await? {
            Some(case) => Ok(Reply::Message(case_message(app, guild, &case).await)),
            None => Err(user(t::NO_OPEN_APPEALS)),
        },
        _ => Err(user(t::UNKNOWN_COMMAND)),
    }
}

/// "Ask for a review", pressed under the grade of `member`'s answer to `round`.
pub(in crate::discord) async fn ask(
    app: &App,
    ctx: &Ctx,
    round: RoundId,
    member: UserId,
) -> Result<Reply, Failure> {
    let guild = ctx.guild()?;
    let asked =
        appeal::ask_for_review(app.store(), guild, round, member, ctx.user, app.now()).await?;
    let text = match asked {
        Asked::Opened(id) => {
            info!(guild = %guild, user = %ctx.user, round = %round, appeal = %id, "appeal opened");
            t::APPEAL_OPENED
        }
        Asked::UnderReview => t::APPEAL_UNDER_REVIEW,
        Asked::Reviewed => t::APPEAL_REVIEWED,
        Asked::NotYours => t::APPEAL_NOT_YOURS,
        Asked::NoAnswer => t::APPEAL_NO_ANSWER,
    };
    Ok(Reply::Message(Msg::private(text)))
}

/// A moderator's decision from a `/grades review` message: record it, then show the next open
/// appeal in the same message, or say there is none.
pub(in crate::discord) async fn decide(
    app: &App,
    ctx: &Ctx,
    id: AppealId,
    decision: Decision,
) -> Result<Reply, Failure> {
    let guild = ctx.admin()?;
    let d = NewDecision {
        guild,
        appeal: id,
        decision,
        moderator: ctx.user,
        at: app.now(),
    };
    let (decided, next) = appeal::decide(app.store(), d).await?;
    let said = match decided {
        Decided::Closed {
            member,
            before,
            after,
            points_before,
            points_after,
        } => {
            info!(guild = %guild, appeal = %id, moderator = %ctx.user, member = %member,
                decision = decision.as_str(), before = %before.verdict,
                after = ?after.map(|a| a.verdict), points_before, points_after, "appeal decided");
            match after {
                Some(after) => {
                    t::grade_set(member.0, &render::marks(after), points_after, points_before)
                }
                None => t::grade_kept(member.0),
            }
        }
        Decided::AlreadyClosed => t::APPEAL_ALREADY_DECIDED.to_string(),
        Decided::NoSuchAppeal => {
            warn!(guild = %guild, appeal = %id, "a decision on no appeal of this guild");
            t::APPEAL_GONE.to_string()
        }
    };
    let msg = match next {
        Some(case) => Msg {
            content: Some(said),
            ..case_message(app, guild, &case).await
        },
        None => Msg::private(format!("{said}\n\n{}", t::NO_OPEN_APPEALS)),
    };
    Ok(Reply::Update(msg))
}

/// An appeal as a moderator reviews it, with the member's answer graded again for its feedback
/// (by the grader of the question's bank: the server's own, for a server question).
async fn case_message(app: &App, guild: quiz::GuildId, case: &Case) -> Msg {
    let held = crate::discord::questions::find(app, Some(guild), &case.question)
        .await
        .ok()
        .flatten();
    let inst = held.as_ref().map(|h| h.question().instance(case.seed));
    let regrade = inst.as_ref().and_then(|i| {
        let answer = quiz::answer::reread(i, &case.answer)?;
        held.as_ref()?.grader().grade(i, &answer).ok()
    });
    render::review_case(app.bank(), case, inst.as_ref(), regrade.as_ref())
}
