//! Role rewards at the edge: giving a member the roles a daily answer reached, moving the
//! champion role, and finding out whether the bot may give a role at all. The rules are
//! `quiz::roles`; the grants and problems are kept by `store::roles`.
//!
//! Every role change is a REST call (`PUT`/`DELETE /guilds/{guild}/members/{user}/roles/{role}`
//! with an `X-Audit-Log-Reason`) through `rest.rs`, so 429 and 5xx follow its retry rules. Each
//! grant is claimed in the database before its call (a crossing is given once, across answers,
//! processes and instances). A permanent refusal marks the reward failed, which `/config show`
//! explains, and the role is not tried again until an admin sets it again: never in a loop.
//! A member's answer never waits on any of this: [`after_answer`] runs in its own task.

use super::app::App;
use super::rest::{self, Call, RestError};
use super::text::roles as t;
use crate::quiz::roles::{self, BotStanding, Outcome, Reward, RewardKind};
use crate::quiz::{GuildId, RoleId, UserId};
use crate::store::StoreError;
use serenity::http::{LightMethod, Route};
use std::time::Duration;
use tracing::{info, warn};

/// A claim on a grant older than this belongs to a process that stopped mid-call: taken over.
pub const CLAIM_STALE: chrono::Duration = chrono::Duration::minutes(10);

/// How long `/config roles` spends finding out where the bot stands before it accepts a role
/// it could not check (the interaction must be answered within 3 s).
pub const STANDING_TIMEOUT: Duration = Duration::from_millis(1500);

/// After a daily answer was recorded: gives the member the roles their new streak and total
/// reached, in a task of its own, so the member's reply never waits on Discord or a failure.
pub fn after_answer(app: &App, guild: GuildId, member: UserId, streak: u32) {
    let app = app.clone();
    tokio::spawn(async move {
        if let Err(e) = give_reached(&app, guild, member, streak).await {
            warn!(guild = %guild, user = %member, error = %e, "could not give the roles a member reached");
        }
    });
}

/// Gives `member` every streak and points role reached and not given before; the roles given.
pub async fn give_reached(
    app: &App,
    guild: GuildId,
    member: UserId,
    streak: u32,
) -> Result<Vec<RoleId>, StoreError> {
    let rewards = app.store().role_rewards(guild).await?;
    if !rewards
        .iter()
        .any(|r| r.kind != RewardKind::Champion && r.problem.is_none())
    {
        return Ok(vec![]);
    }
    let points = app.store().member_points(guild, member).await?;
    let mut given = vec![];
    for reward in roles::reached(&rewards, streak, points) {
        let now = app.now();
        let claimed = app
            .store()
            .claim_role_grant(guild, member, reward.clone(), now, now - CLAIM_STALE)
            .await?;
        if !claimed {
            continue;
        }
        let result = member_role(
            app,
            LightMethod::Put,
            guild,
            member,
            reward.role,
            &t::grant_reason(reward),
        )
        .await;
        let ok = result.is_ok();
        app.store()
            .finish_role_grant(guild, member, reward.clone(), ok, app.now())
            .await?;
        match result {
            Ok(()) => {
                info!(guild = %guild, user = %member, role = %reward.role, kind = reward.kind.as_str(), threshold = reward.threshold, "role given");
                given.push(reward.role);
            }
            Err(e) => refused(app, guild, reward, member, &e).await?,
        }
    }
    Ok(given)
}

/// Records what a refused or unconfirmed role call means for its reward.
async fn refused(
    app: &App,
    guild: GuildId,
    reward: &Reward,
    member: UserId,
    e: &RestError,
) -> Result<(), StoreError> {
    match e {
        RestError::Refused { status, code, .. } => match roles::classify(*status, *code) {
            Outcome::MemberGone => {
                info!(guild = %guild, user = %member, role = %reward.role, "the member left; no role to give");
            }
            Outcome::RoleFailed(refusal) => {
                warn!(guild = %guild, user = %member, role = %reward.role, kind = reward.kind.as_str(), error = %e, "Discord refused the role; it is not tried again until an admin sets it again");
                app.store()
                    .fail_role_reward(guild, reward.kind, reward.role, refusal, app.now())
                    .await?;
            }
        },
        _ => {
            warn!(guild = %guild, user = %member, role = %reward.role, error = %e, "giving the role was not confirmed; the member's next answer tries again");
        }
    }
    Ok(())
}

/// Moves the champion role to `new_champion`: takes it from the previous holder, gives it to the
/// new one, and remembers the holder. Without a champion role (or with a failing one) the holder
/// is still remembered, so setting the role later gives it to them. Of two racing moves from the
/// same holder, one goes on.
pub async fn move_champion(
    app: &App,
    guild: GuildId,
    new_champion: UserId,
) -> Result<(), StoreError> {
    let rewards = app.store().role_rewards(guild).await?;
    let role = rewards.iter().find(|r| r.kind == RewardKind::Champion);
    let holder = app.store().champion(guild).await?;
    let plan = roles::champion_move(holder, new_champion, role);
    if holder.is_some_and(|(h, _)| h == new_champion) && plan.take.is_none() && plan.give.is_none()
    {
        return Ok(());
    }
    let moved = app
        .store()
        .set_champion(guild, holder.map(|(h, _)| h), new_champion, None, app.now())
        .await?;
    if !moved {
        info!(guild = %guild, "the champion was moved by another process");
        return Ok(());
    }
    if let Some((old, held)) = plan.take {
        let taken = member_role(
            app,
            LightMethod::Delete,
            guild,
            old,
            held,
            t::CHAMPION_TAKEN_REASON,
        )
        .await;
        match taken {
            Ok(()) => info!(guild = %guild, user = %old, role = %held, "champion role taken back"),
            Err(e) => {
                let held_reward = Reward {
                    kind: RewardKind::Champion,
                    threshold: 0,
                    role: held,
                    problem: None,
                };
                refused(app, guild, &held_reward, old, &e).await?;
                let for_good = matches!(e, RestError::Refused { status, code, .. }
                    if roles::classify(status, code) != Outcome::MemberGone);
                if for_good && role.is_some_and(|r| r.role == held) {
                    // The same refusal awaits the new champion: the role is failing now.
                    return Ok(());
                }
            }
        }
    }
    if let (Some((new, role_id)), Some(reward)) = (plan.give, role) {
        match member_role(
            app,
            LightMethod::Put,
            guild,
            new,
            role_id,
            &t::grant_reason(reward),
        )
        .await
        {
            Ok(()) => {
                app.store()
                    .set_champion_role(guild, new, Some(role_id))
                    .await?;
                info!(guild = %guild, user = %new, role = %role_id, "champion role given");
            }
            Err(e) => refused(app, guild, reward, new, &e).await?,
        }
    }
    Ok(())
}

/// After an admin set the champion role: the current champion, if there is one, gets it (and
/// loses the one set before), in a task of its own. Without a champion yet nothing is started,
/// so the command leaves no task behind that could race the season's own move.
pub async fn champion_role_set(app: &App, guild: GuildId) -> Result<(), StoreError> {
    let Some((holder, _)) = app.store().champion(guild).await? else {
        return Ok(());
    };
    let app = app.clone();
    tokio::spawn(async move {
        if let Err(e) = move_champion(&app, guild, holder).await {
            warn!(guild = %guild, error = %e, "could not give the champion role to the champion");
        }
    });
    Ok(())
}

/// `PUT` (give) or `DELETE` (take) a member's role, with the audit log's reason.
async fn member_role(
    app: &App,
    method: LightMethod,
    guild: GuildId,
    user: UserId,
    role: RoleId,
    reason: &str,
) -> Result<(), RestError> {
    let what = if method == LightMethod::Put {
        "give a role"
    } else {
        "take a role"
    };
    let call = Call::new(
        what,
        Route::GuildMemberRole {
            guild_id: guild.0.into(),
            user_id: user.0.into(),
            role_id: role.0.into(),
        },
        method,
    )
    .audit_reason(reason);
    rest::send_raw(app, &call).await.map(|_| ())
}

/// What the bot can find out, within [`STANDING_TIMEOUT`], about its own place in the server
/// and the position of `role`; `None`s where it could not tell.
pub async fn standing(app: &App, guild: GuildId, role: RoleId) -> (BotStanding, Option<i64>) {
    let look = async {
        let http = app.http();
        let me = http.get_current_user().await.ok()?;
        let member = http.get_member(guild.0.into(), me.id).await.ok()?;
        let all = http.get_guild_roles(guild.0.into()).await.ok()?;
        let mine = all
            .iter()
            .filter(|r| r.id.get() == guild.0 || member.roles.contains(&r.id));
        let top = mine.clone().map(|r| i64::from(r.position)).max();
        let manage = mine
            .clone()
            .any(|r| r.permissions.manage_roles() || r.permissions.administrator());
        let position = all
            .iter()
            .find(|r| r.id.get() == role.0)
            .map(|r| i64::from(r.position));
        Some((
            BotStanding {
                top_position: top,
                manage_roles: Some(manage),
            },
            position,
        ))
    };
    match tokio::time::timeout(STANDING_TIMEOUT, look).await {
        Ok(Some(found)) => found,
        _ => {
            info!(guild = %guild, "could not tell where the bot's role stands; accepting the role");
            (BotStanding::default(), None)
        }
    }
}
