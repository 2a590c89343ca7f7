//! `/admin`: an admin's corrections (points, a streak restored, a daily answer removed) and the
//! audit log that records them, all Manage Server only. Parsing, permissions and rendering
//! only: the rules are `quiz::admin`, the writes (each with its audit row, in one transaction)
//! `store::admin`.

use super::{admin, string, sub};
use crate::discord::app::App;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::render::{self, Msg};
use crate::discord::text::admin as t;
use crate::discord::text::UNKNOWN_COMMAND;
use crate::quiz::admin::{
    self as rules, Change, Corrected, Correction, CorrectionStore, AMOUNT_MAX, REASON_MAX,
};
use crate::quiz::{RoundId, UserId};
use serenity::all::{
    CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext, ResolvedOption,
    ResolvedValue, Unresolved,
};
use tracing::info;

fn member_option(description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::User, "member", description)
}

fn reason_option() -> CreateCommandOption {
    string("reason", t::REASON, 1, REASON_MAX as u16).required(true)
}

fn group(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::SubCommandGroup, name, description)
}

/// The command as `register` sends it: Manage Server only (the handler checks again).
pub fn definition() -> CreateCommand {
    admin(
        CreateCommand::new("admin")
            .description(t::ADMIN)
            .add_option(
                sub("points", t::POINTS)
                    .add_sub_option(member_option(t::MEMBER).required(true))
                    .add_sub_option(
                        CreateCommandOption::new(
                            CommandOptionType::Integer,
                            "amount",
                            t::POINTS_AMOUNT,
                        )
                        // serenity's min_int_value takes no negative value; Discord reads
                        // the same field for an integer option.
                        .min_number_value(-(AMOUNT_MAX as f64))
                        .max_int_value(AMOUNT_MAX as u64)
                        .required(true),
                    )
                    .add_sub_option(reason_option()),
            )
            .add_option(
                group("streak", t::STREAK).add_sub_option(
                    sub("restore", t::STREAK_RESTORE)
                        .add_sub_option(member_option(t::MEMBER).required(true))
                        .add_sub_option(reason_option()),
                ),
            )
            .add_option(
                group("answer", t::ANSWER).add_sub_option(
                    sub("remove", t::ANSWER_REMOVE)
                        .add_sub_option(member_option(t::MEMBER).required(true))
                        .add_sub_option(string("round", t::ANSWER_ROUND, 1, 10).required(true))
                        .add_sub_option(reason_option()),
                ),
            )
            .add_option(
                sub("log", t::LOG)
                    .add_sub_option(member_option(t::LOG_MEMBER))
                    .add_sub_option(
                        CreateCommandOption::new(CommandOptionType::Integer, "page", t::LOG_PAGE)
                            .min_int_value(1)
                            .max_int_value(100_000),
                    ),
            ),
    )
    .contexts(vec![InteractionContext::Guild])
}

/// The subcommand's path (`points`, `streak restore`, ...) and its options.
fn path<'a>(opts: &'a [ResolvedOption<'a>]) -> Option<(String, &'a [ResolvedOption<'a>])> {
    let first = opts.first()?;
    match &first.value {
        ResolvedValue::SubCommand(o) => Some((first.name.to_string(), o)),
        ResolvedValue::SubCommandGroup(inner) => {
            let second = inner.first()?;
            match &second.value {
                ResolvedValue::SubCommand(o) => {
                    Some((format!("{} {}", first.name, second.name), o))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn member_of(opts: &[ResolvedOption<'_>]) -> Option<UserId> {
    opts.iter()
        .find(|o| o.name == "member")
        .and_then(|o| match &o.value {
            ResolvedValue::User(u, _) => Some(UserId(u.id.get())),
            ResolvedValue::Unresolved(Unresolved::User(id)) => Some(UserId(id.get())),
            _ => None,
        })
}

fn integer_of(opts: &[ResolvedOption<'_>], name: &str) -> Option<i64> {
    opts.iter()
        .find(|o| o.name == name)
        .and_then(|o| match o.value {
            ResolvedValue::Integer(i) => Some(i),
            _ => None,
        })
}

/// `/admin ...`
pub(in crate::discord) async fn command(
    app: &App,
    ctx: &Ctx,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let guild = ctx.admin()?;
    let Some((name, sub)) = path(opts) else {
        return Err(user(UNKNOWN_COMMAND));
    };
    if name == "log" {
        let page = integer_of(sub, "page").unwrap_or(1).clamp(1, 100_000) as u32 - 1;
        let log = app.store().audit_page(guild, member_of(sub), page).await?;
        return Ok(Reply::Message(Msg::embed(render::admin::log(&log))));
    }
    let member = member_of(sub).ok_or_else(|| user(t::NO_MEMBER))?;
    let reason = crate::discord::handler::string_opt(sub, "reason").unwrap_or_default();
    let reason = rules::check_reason(reason).map_err(|e| user(e.to_string()))?;
    let change = match name.as_str() {
        "points" => {
            let amount = integer_of(sub, "amount").unwrap_or(0);
            Change::Points(rules::check_amount(amount).map_err(|e| user(e.to_string()))?)
        }
        "streak restore" => Change::RestoreStreak,
        "answer remove" => {
            let input = crate::discord::handler::string_opt(sub, "round").unwrap_or_default();
            Change::RemoveAnswer(round_of(app, guild, member, input).await?)
        }
        _ => return Err(user(UNKNOWN_COMMAND)),
    };
    let action = change.action();
    let done = app
        .store()
        .correct(Correction {
            guild,
            actor: ctx.user,
            member,
            reason,
            at: app.now(),
            change,
        })
        .await?;
    info!(guild = %guild, user = %ctx.user, member = %member, action, outcome = ?done, "admin correction");
    // A correction can reach a reward role as an answer does (points milestones; a restored
    // streak's streak roles): given the same way, off the reply path.
    match &done {
        Corrected::Points { before, after } if after > before => {
            crate::discord::roles::after_answer(app, guild, member, 0)
        }
        Corrected::Streak { after, .. } => {
            crate::discord::roles::after_answer(app, guild, member, *after)
        }
        _ => {}
    }
    let text = match done {
        Corrected::Points { before, after } => t::points_done(member.0, before, after),
        Corrected::Streak { before, after } => t::streak_done(member.0, before, after),
        Corrected::Removed {
            points,
            before,
            after,
        } => t::removed(member.0, points, before, after),
        Corrected::NothingToTake => return Err(user(t::NOTHING_TO_TAKE)),
        Corrected::NothingToRestore => return Err(user(t::NOTHING_TO_RESTORE)),
        Corrected::NoAnswer => return Err(user(t::NO_ANSWER)),
    };
    Ok(Reply::Message(Msg::private(text)))
}

/// A round of this server, by its local day (YYYY-MM-DD: the one the member answered) or its
/// number.
async fn round_of(
    app: &App,
    guild: crate::quiz::GuildId,
    member: UserId,
    input: &str,
) -> Result<RoundId, Failure> {
    let input = input.trim();
    if let Ok(day) = chrono::NaiveDate::parse_from_str(input, "%Y-%m-%d") {
        return app
            .store()
            .answered_round_on_day(guild, member, day)
            .await?
            .ok_or_else(|| user(t::NO_ANSWER));
    }
    match input.parse::<i64>() {
        Ok(id) if id > 0 => Ok(RoundId(id)),
        _ => Err(user(t::bad_round(input))),
    }
}
