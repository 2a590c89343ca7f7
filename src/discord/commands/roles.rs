//! `/config roles` (Manage Server): the champion role, streak roles and points milestones, and
//! the roles' lines in `/config show` (with what to do about a failing one).
//!
//! A role is checked when it is set: never @everyone or a role managed by an integration, and
//! below the bot's highest role with Manage Roles when the bot can tell (else it is accepted and
//! a later refusal is recorded). Setting a role again clears its recorded failure. Giving the
//! roles is `discord/roles.rs`.

use crate::discord::app::App;
use crate::discord::handler::{user, Failure, Reply};
use crate::discord::render::Msg;
use crate::discord::text as t;
use crate::discord::text::roles as rt;
use crate::quiz::roles::{self, Candidate, Reward, RewardKind, MAX_POINTS, MAX_STREAK_DAYS};
use crate::quiz::{GuildId, RoleId};
use crate::store::roles::RewardSaved;
use serenity::all::{
    CommandOptionType, CreateCommandOption, CreateEmbed, ResolvedOption, ResolvedValue,
};
use tracing::info;

/// The `roles` group of `/config`.
pub fn group() -> CreateCommandOption {
    let sub = |name: &str, description: &str| {
        CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
    };
    let role = |required: bool| {
        CreateCommandOption::new(CommandOptionType::Role, "role", rt::ROLE).required(required)
    };
    let days = || {
        CreateCommandOption::new(CommandOptionType::Integer, "days", rt::STREAK_DAYS)
            .min_int_value(1)
            .max_int_value(MAX_STREAK_DAYS)
            .required(true)
    };
    let points = || {
        CreateCommandOption::new(CommandOptionType::Integer, "points", rt::POINTS)
            .min_int_value(1)
            .max_int_value(MAX_POINTS)
            .required(true)
    };
    CreateCommandOption::new(CommandOptionType::SubCommandGroup, "roles", rt::GROUP)
        .add_sub_option(
            sub("champion", rt::CHAMPION).add_sub_option(CreateCommandOption::new(
                CommandOptionType::Role,
                "role",
                rt::CHAMPION_ROLE,
            )),
        )
        .add_sub_option(
            sub("streak-add", rt::STREAK_ADD)
                .add_sub_option(days())
                .add_sub_option(role(true)),
        )
        .add_sub_option(sub("streak-remove", rt::STREAK_REMOVE).add_sub_option(days()))
        .add_sub_option(
            sub("points-add", rt::POINTS_ADD)
                .add_sub_option(points())
                .add_sub_option(role(true)),
        )
        .add_sub_option(sub("points-remove", rt::POINTS_REMOVE).add_sub_option(points()))
        .add_sub_option(sub("list", rt::LIST))
}

/// Handles `/config roles <sub>` for an admin of `guild`.
pub(in crate::discord) async fn command(
    app: &App,
    guild: GuildId,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let Some(ResolvedOption {
        name,
        value: ResolvedValue::SubCommand(sub),
        ..
    }) = opts.first()
    else {
        return Err(user(t::UNKNOWN_COMMAND));
    };
    let done = match *name {
        "list" => String::new(),
        "champion" => match candidate(guild, sub) {
            Some(c) => {
                let r = set(app, guild, RewardKind::Champion, 0, c).await?;
                crate::discord::roles::champion_role_set(app, guild).await?;
                rt::set_done(&r)
            }
            None => {
                app.store()
                    .remove_role_reward(guild, RewardKind::Champion, 0)
                    .await?;
                rt::CHAMPION_CLEARED.to_string()
            }
        },
        "streak-add" | "points-add" => {
            let kind = kind_of(name);
            let threshold = threshold(sub, kind)?;
            let c = candidate(guild, sub).ok_or_else(|| user(rt::PICK_ROLE))?;
            rt::set_done(&set(app, guild, kind, threshold, c).await?)
        }
        "streak-remove" | "points-remove" => {
            let kind = kind_of(name);
            let threshold = threshold(sub, kind)?;
            let found = app
                .store()
                .remove_role_reward(guild, kind, threshold)
                .await?;
            rt::removed(kind, threshold, found)
        }
        _ => return Err(user(t::UNKNOWN_COMMAND)),
    };
    info!(guild = %guild, sub = *name, "role rewards changed");
    let embed = with_roles(app, guild, CreateEmbed::new().title("Roles")).await?;
    Ok(Reply::Message(Msg {
        content: (!done.is_empty()).then_some(done),
        ..Msg::embed(embed)
    }))
}

/// The embed with a "Roles" field: every reward, and what to do about a failing one.
pub(in crate::discord) async fn with_roles(
    app: &App,
    guild: GuildId,
    embed: CreateEmbed,
) -> Result<CreateEmbed, Failure> {
    let rewards = app.store().role_rewards(guild).await?;
    let name = if rt::any_problem(&rewards) {
        "Roles ⚠️"
    } else {
        "Roles"
    };
    Ok(embed.field(
        name,
        crate::discord::render::clip(&rt::summary(&rewards), 1024),
        false,
    ))
}

fn kind_of(sub: &str) -> RewardKind {
    if sub.starts_with("streak") {
        RewardKind::Streak
    } else {
        RewardKind::Points
    }
}

/// The `days` or `points` option, within its range.
fn threshold(sub: &[ResolvedOption<'_>], kind: RewardKind) -> Result<u64, Failure> {
    let (name, max) = match kind {
        RewardKind::Streak => ("days", MAX_STREAK_DAYS),
        _ => ("points", MAX_POINTS),
    };
    match sub.iter().find(|o| o.name == name).map(|o| &o.value) {
        Some(ResolvedValue::Integer(n)) if (1..=max as i64).contains(n) => Ok(*n as u64),
        _ => Err(user(format!(
            "Choose a whole number of {name} from 1 to {max}."
        ))),
    }
}

/// The role picked, with what Discord told about it.
fn candidate(guild: GuildId, sub: &[ResolvedOption<'_>]) -> Option<Candidate> {
    sub.iter().find_map(|o| match &o.value {
        ResolvedValue::Role(r) => Some(Candidate {
            role: RoleId(r.id.get()),
            guild: guild.0,
            managed: r.managed,
            position: Some(i64::from(r.position)),
        }),
        ResolvedValue::Unresolved(serenity::all::Unresolved::RoleId(id)) => Some(Candidate {
            role: RoleId(id.get()),
            guild: guild.0,
            managed: false,
            position: None,
        }),
        _ => None,
    })
}

/// Checks the role and saves it as the reward of `kind` at `threshold`.
async fn set(
    app: &App,
    guild: GuildId,
    kind: RewardKind,
    threshold: u64,
    mut c: Candidate,
) -> Result<Reward, Failure> {
    // What needs no call to Discord first.
    roles::check(&c, &Default::default()).map_err(|why| user(rt::unusable(c.role, why)))?;
    let (bot, position) = crate::discord::roles::standing(app, guild, c.role).await;
    c.position = position.or(c.position);
    roles::check(&c, &bot).map_err(|why| user(rt::unusable(c.role, why)))?;
    match app
        .store()
        .set_role_reward(guild, kind, threshold, c.role)
        .await?
    {
        RewardSaved::Saved => Ok(Reward {
            kind,
            threshold,
            role: c.role,
            problem: None,
        }),
        RewardSaved::TooMany => Err(user(rt::TOO_MANY)),
    }
}
