//! Role rewards: which roles a member has reached after a daily answer, whether a role may be
//! used as a reward at all, and what a refusal from Discord means for it. No Discord types: the
//! edge (`discord/roles.rs`) turns these into REST calls and text.
//!
//! Decisions:
//! - A streak role is a badge for having reached N days: it is given once and stays when the
//!   streak later ends, and a member at 30 days holds the 7-day role too (cumulative). Each
//!   crossing is given once per role (`store::roles` records grants), so a streak that ends and
//!   reaches 7 again gives nothing new.
//! - A reward reached while its role was failing is given at the member's next answer after an
//!   admin sets the role again: reaching is "threshold <= value", not "== value".
//! - A permanent refusal (missing permission, hierarchy, deleted role, any other 4xx) marks the
//!   reward failed; it is not tried again until an admin sets it again. A member who left
//!   (Unknown Member) is skipped for that call only. An unclear outcome (5xx or rate limit past
//!   the REST rules' retries) releases the claim, so the member's next answer tries again.

use super::{RoleId, UserId};

/// What a role rewards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RewardKind {
    /// The season's winner holds it, one member at a time.
    Champion,
    /// Reaching a streak of `threshold` days.
    Streak,
    /// Reaching `threshold` total points.
    Points,
}

impl RewardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RewardKind::Champion => "champion",
            RewardKind::Streak => "streak",
            RewardKind::Points => "points",
        }
    }

    pub fn parse(s: &str) -> Option<RewardKind> {
        match s {
            "champion" => Some(RewardKind::Champion),
            "streak" => Some(RewardKind::Streak),
            "points" => Some(RewardKind::Points),
            _ => None,
        }
    }
}

/// A role a server gives, and why it last failed (if it did for good).
#[derive(Debug, Clone, PartialEq)]
pub struct Reward {
    pub kind: RewardKind,
    /// Days of streak or total points; 0 for the champion.
    pub threshold: u64,
    pub role: RoleId,
    /// Set after a permanent refusal: the reward is skipped until an admin sets it again.
    pub problem: Option<Refusal>,
}

/// The most streak roles and points milestones a server may have, each.
pub const MAX_PER_KIND: usize = 10;
/// The longest streak a role may ask for (ten years of days).
pub const MAX_STREAK_DAYS: u64 = 3650;
/// The most points a milestone may ask for.
pub const MAX_POINTS: u64 = 10_000_000;

/// The streak and points rewards a member with `streak` days and `points` in total has reached,
/// lowest first, leaving out the failed ones. Whether each was given already is the store's.
pub fn reached(rewards: &[Reward], streak: u32, points: u64) -> Vec<&Reward> {
    let mut out: Vec<&Reward> = rewards
        .iter()
        .filter(|r| r.problem.is_none())
        .filter(|r| match r.kind {
            RewardKind::Streak => r.threshold <= u64::from(streak),
            RewardKind::Points => r.threshold <= points,
            RewardKind::Champion => false,
        })
        .collect();
    out.sort_by_key(|r| (r.kind == RewardKind::Points, r.threshold));
    out
}

/// Why Discord refused to give or take a role, as far as its answer tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 403: Missing Permissions (50013) or Missing Access: no Manage Roles, or the role is at or
    /// above the bot's highest role (Discord says the same for both).
    Forbidden,
    /// 404 Unknown Role (10011): the role was deleted.
    RoleGone,
    /// Another 4xx: the role cannot be given as it is.
    Other,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Forbidden => "forbidden",
            Refusal::RoleGone => "role-gone",
            Refusal::Other => "refused",
        }
    }

    pub fn parse(s: &str) -> Refusal {
        match s {
            "forbidden" => Refusal::Forbidden,
            "role-gone" => Refusal::RoleGone,
            _ => Refusal::Other,
        }
    }
}

/// What a refused role call means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The role is failed until an admin sets it again.
    RoleFailed(Refusal),
    /// The member left the server (404 Unknown Member, 10007): nothing to give; the role is fine.
    MemberGone,
}

/// Reads Discord's refusal (a 4xx other than 429) of a member-role call.
pub fn classify(status: u16, code: Option<i64>) -> Outcome {
    match (status, code) {
        (404, Some(10007)) | (404, Some(10013)) => Outcome::MemberGone,
        (404, _) => Outcome::RoleFailed(Refusal::RoleGone),
        (401 | 403, _) => Outcome::RoleFailed(Refusal::Forbidden),
        _ => Outcome::RoleFailed(Refusal::Other),
    }
}

/// What the bot can tell about a role when an admin picks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub role: RoleId,
    /// The server's id: @everyone's role has it.
    pub guild: u64,
    /// Managed by an integration (a bot's own role, a booster role): nobody can give it.
    pub managed: bool,
    /// Its position, when known.
    pub position: Option<i64>,
}

/// Why a role cannot be a reward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    Everyone,
    Managed,
    /// At or above the bot's highest role.
    AboveBot,
    /// The bot lacks Manage Roles.
    NoManageRoles,
}

/// What the bot could find out about itself in the server; `None`s when it could not tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BotStanding {
    /// The position of the bot's highest role.
    pub top_position: Option<i64>,
    /// Whether the bot's roles grant Manage Roles (or Administrator).
    pub manage_roles: Option<bool>,
}

/// Whether a role may be a reward: never @everyone or a managed role; below the bot's highest
/// role and with Manage Roles when the bot can tell (else accepted, and a later refusal is
/// recorded).
pub fn check(c: &Candidate, bot: &BotStanding) -> Result<(), Unusable> {
    if c.role.0 == c.guild {
        return Err(Unusable::Everyone);
    }
    if c.managed {
        return Err(Unusable::Managed);
    }
    if bot.manage_roles == Some(false) {
        return Err(Unusable::NoManageRoles);
    }
    if let (Some(role), Some(top)) = (c.position, bot.top_position) {
        if role >= top {
            return Err(Unusable::AboveBot);
        }
    }
    Ok(())
}

/// The champion role's move: whom to take it from and whom to give it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChampionMove {
    /// The previous holder and the role they were given, if it must be taken back.
    pub take: Option<(UserId, RoleId)>,
    /// The new holder, if the role is to be given.
    pub give: Option<(UserId, RoleId)>,
}

/// Moving the champion role from `holder` (who was given `held`) to `new`, with the role now
/// set (`None` or failed: nothing is given, the holder is still recorded).
pub fn champion_move(
    holder: Option<(UserId, Option<RoleId>)>,
    new: UserId,
    role: Option<&Reward>,
) -> ChampionMove {
    let role = role.filter(|r| r.problem.is_none()).map(|r| r.role);
    let take = match holder {
        Some((old, Some(held))) if old != new || Some(held) != role => Some((old, held)),
        _ => None,
    };
    let already = holder.is_some_and(|(old, held)| old == new && held.is_some() && held == role);
    ChampionMove {
        take,
        give: role.filter(|_| !already).map(|r| (new, r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reward(kind: RewardKind, threshold: u64, role: u64) -> Reward {
        Reward {
            kind,
            threshold,
            role: RoleId(role),
            problem: None,
        }
    }

    #[test]
    fn a_member_reaches_every_threshold_at_or_below_their_streak_and_points() {
        let rewards = vec![
            reward(RewardKind::Streak, 30, 2),
            reward(RewardKind::Streak, 7, 1),
            reward(RewardKind::Points, 100, 3),
            reward(RewardKind::Points, 1000, 4),
            reward(RewardKind::Champion, 0, 5),
        ];
        let roles = |streak, points| -> Vec<u64> {
            reached(&rewards, streak, points)
                .iter()
                .map(|r| r.role.0)
                .collect()
        };
        assert_eq!(roles(6, 99), Vec::<u64>::new());
        assert_eq!(roles(7, 99), vec![1]);
        assert_eq!(
            roles(30, 100),
            vec![1, 2, 3],
            "cumulative: the 7-day role too"
        );
        assert_eq!(roles(0, 5000), vec![3, 4], "points stay when a streak ends");
    }

    #[test]
    fn a_failed_reward_is_not_reached_until_set_again() {
        let mut r = reward(RewardKind::Streak, 7, 1);
        r.problem = Some(Refusal::Forbidden);
        assert!(reached(&[r], 10, 0).is_empty());
    }

    #[test]
    fn refusals_are_read_from_status_and_code() {
        assert_eq!(
            classify(403, Some(50013)),
            Outcome::RoleFailed(Refusal::Forbidden)
        );
        assert_eq!(
            classify(404, Some(10011)),
            Outcome::RoleFailed(Refusal::RoleGone)
        );
        assert_eq!(classify(404, Some(10007)), Outcome::MemberGone);
        assert_eq!(
            classify(400, Some(50035)),
            Outcome::RoleFailed(Refusal::Other)
        );
    }

    #[test]
    fn everyone_managed_and_higher_roles_are_refused() {
        let bot = BotStanding {
            top_position: Some(5),
            manage_roles: Some(true),
        };
        let c = |role, managed, position| Candidate {
            role: RoleId(role),
            guild: 9,
            managed,
            position,
        };
        assert_eq!(check(&c(9, false, Some(0)), &bot), Err(Unusable::Everyone));
        assert_eq!(check(&c(1, true, Some(1)), &bot), Err(Unusable::Managed));
        assert_eq!(check(&c(1, false, Some(5)), &bot), Err(Unusable::AboveBot));
        assert_eq!(check(&c(1, false, Some(4)), &bot), Ok(()));
        // The bot could not tell: accepted.
        assert_eq!(
            check(&c(1, false, Some(99)), &BotStanding::default()),
            Ok(())
        );
        let no_perm = BotStanding {
            manage_roles: Some(false),
            ..bot
        };
        assert_eq!(
            check(&c(1, false, Some(1)), &no_perm),
            Err(Unusable::NoManageRoles)
        );
    }

    #[test]
    fn the_champion_role_moves_from_the_old_holder_to_the_new() {
        let role = reward(RewardKind::Champion, 0, 7);
        let (a, b) = (UserId(1), UserId(2));
        assert_eq!(
            champion_move(None, a, Some(&role)),
            ChampionMove {
                take: None,
                give: Some((a, RoleId(7)))
            }
        );
        assert_eq!(
            champion_move(Some((a, Some(RoleId(7)))), b, Some(&role)),
            ChampionMove {
                take: Some((a, RoleId(7))),
                give: Some((b, RoleId(7)))
            }
        );
        // The same champion again: nothing to do.
        assert_eq!(
            champion_move(Some((a, Some(RoleId(7)))), a, Some(&role)),
            ChampionMove {
                take: None,
                give: None
            }
        );
        // No role set: the holder is recorded, nothing is given.
        assert_eq!(
            champion_move(Some((a, None)), b, None),
            ChampionMove {
                take: None,
                give: None
            }
        );
    }
}
