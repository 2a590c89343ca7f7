//! The words of role rewards: `/config roles`, the roles' lines in `/config show` with what to
//! do about a failing one, and the audit-log reasons Discord shows for each role change.

use crate::quiz::roles::{Refusal, Reward, RewardKind, Unusable};
use crate::quiz::RoleId;

pub const GROUP: &str = "Roles the bot gives: champion, streaks, points milestones";
pub const CHAMPION: &str = "The role the season's champion holds (leave out to clear)";
pub const CHAMPION_ROLE: &str = "The champion role";
pub const STREAK_ADD: &str = "Give a role at a streak of this many days";
pub const STREAK_REMOVE: &str = "Stop giving the role of a streak length";
pub const STREAK_DAYS: &str = "Days of streak";
pub const POINTS_ADD: &str = "Give a role at this many total points";
pub const POINTS_REMOVE: &str = "Stop giving the role of a points milestone";
pub const POINTS: &str = "Total points";
pub const ROLE: &str = "The role to give";
pub const LIST: &str = "List the roles the bot gives, and any problem";

pub const PICK_ROLE: &str = "Pick a role.";
pub const TOO_MANY: &str =
    "That's the most roles of this kind a server can have: remove one first.";

/// Why a role was refused when an admin picked it.
pub fn unusable(role: RoleId, why: Unusable) -> String {
    match why {
        Unusable::Everyone => "@everyone can't be a reward: pick another role.".to_string(),
        Unusable::Managed => format!(
            "<@&{role}> is managed by an integration, so nobody can give it: pick another role."
        ),
        Unusable::AboveBot => format!(
            "<@&{role}> is above my highest role, so I can't give it. Move my role above it in Server Settings → Roles, then try again."
        ),
        Unusable::NoManageRoles => {
            "I don't have Manage Roles here. Give my role Manage Roles, then try again.".to_string()
        }
    }
}

/// A reward as a line: "7 days: @Role".
pub fn reward_line(r: &Reward) -> String {
    let what = match r.kind {
        RewardKind::Champion => "Champion".to_string(),
        RewardKind::Streak => format!("{}-day streak", r.threshold),
        RewardKind::Points => format!("{} points", r.threshold),
    };
    match r.problem {
        None => format!("{what}: <@&{}>", r.role),
        Some(p) => format!("{what}: <@&{}> ⚠️ {}", r.role, problem(r, p)),
    }
}

/// What went wrong with a role and what the admin does about it.
pub fn problem(r: &Reward, p: Refusal) -> String {
    let again = set_again(r);
    match p {
        Refusal::Forbidden => format!(
            "Discord refused it (Missing Permissions). Give the bot Manage Roles and move the bot's role above <@&{}> in Server Settings → Roles, then set it again with {again}.",
            r.role
        ),
        Refusal::RoleGone => format!(
            "The role was deleted. Pick another with {again}."
        ),
        Refusal::Other => format!(
            "Discord refused to give it. Check the role, then set it again with {again}."
        ),
    }
}

fn set_again(r: &Reward) -> String {
    match r.kind {
        RewardKind::Champion => "`/config roles champion`".to_string(),
        RewardKind::Streak => format!("`/config roles streak-add days:{}`", r.threshold),
        RewardKind::Points => format!("`/config roles points-add points:{}`", r.threshold),
    }
}

/// The roles' part of `/config show` and `/config roles list`.
pub fn summary(rewards: &[Reward]) -> String {
    if rewards.is_empty() {
        return "none (set them with `/config roles`)".to_string();
    }
    rewards
        .iter()
        .map(reward_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether any role is failing (then `/config show` names the problem first).
pub fn any_problem(rewards: &[Reward]) -> bool {
    rewards.iter().any(|r| r.problem.is_some())
}

/// The reason Discord's audit log shows for giving a reward's role.
pub fn grant_reason(r: &Reward) -> String {
    match r.kind {
        RewardKind::Champion => "interview-bot: the season's champion".to_string(),
        RewardKind::Streak => format!("interview-bot: reached a {}-day streak", r.threshold),
        RewardKind::Points => format!("interview-bot: reached {} points", r.threshold),
    }
}

pub const CHAMPION_TAKEN_REASON: &str = "interview-bot: a new season's champion";

pub fn set_done(r: &Reward) -> String {
    match r.kind {
        RewardKind::Champion => format!("<@&{}> will go to each season's champion.", r.role),
        RewardKind::Streak => format!(
            "Members who reach a {}-day streak get <@&{}> (they keep it).",
            r.threshold, r.role
        ),
        RewardKind::Points => format!(
            "Members who reach {} points get <@&{}>.",
            r.threshold, r.role
        ),
    }
}

pub const CHAMPION_CLEARED: &str =
    "No champion role now. The current champion keeps the role they have.";

pub fn removed(kind: RewardKind, threshold: u64, found: bool) -> String {
    let what = match kind {
        RewardKind::Streak => format!("{threshold}-day streak"),
        _ => format!("{threshold} points"),
    };
    if found {
        format!("No role for a {what} from now on. Members keep the roles they have.")
    } else {
        format!("There was no role for a {what}.")
    }
}
