//! The queries of role rewards: a server's rewards and their problems, each member's grants
//! (claimed before the REST call, so a crossing is given once), and the champion's holder. The
//! rules are `quiz::roles`; the REST calls are `discord::roles`.

use super::db::Db;
use super::queries::ms;
use super::{Store, StoreError};
use crate::quiz::roles::{Refusal, Reward, RewardKind, MAX_PER_KIND};
use crate::quiz::{GuildId, RoleId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// How saving a reward went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewardSaved {
    Saved,
    /// The server has `MAX_PER_KIND` of this kind already.
    TooMany,
}

pub fn rewards(conn: &dyn Db, guild: GuildId) -> Result<Vec<Reward>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, threshold, role_id, problem FROM role_rewards WHERE guild_id = ?1
         ORDER BY kind, threshold",
    )?;
    let rows = stmt.query_map([guild.sql()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = vec![];
    for row in rows {
        let (kind, threshold, role, problem) = row?;
        let Some(kind) = RewardKind::parse(&kind) else {
            continue;
        };
        out.push(Reward {
            kind,
            threshold: threshold.max(0) as u64,
            role: RoleId::from_sql(role),
            problem: problem.as_deref().map(Refusal::parse),
        });
    }
    Ok(out)
}

/// Sets the role of a reward (a new one, or another role for a threshold), clearing its problem.
pub fn set_reward(
    conn: &dyn Db,
    guild: GuildId,
    kind: RewardKind,
    threshold: u64,
    role: RoleId,
) -> Result<RewardSaved, StoreError> {
    let others: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM role_rewards WHERE guild_id = ?1 AND kind = ?2 AND threshold != ?3",
        )?
        .query_row(params![guild.sql(), kind.as_str(), threshold as i64], |r| {
            r.get(0)
        })?;
    if others as usize >= MAX_PER_KIND {
        return Ok(RewardSaved::TooMany);
    }
    conn.prepare_cached(
        "INSERT INTO role_rewards (guild_id, kind, threshold, role_id) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (guild_id, kind, threshold) DO UPDATE
             SET role_id = ?4, problem = NULL, problem_at = NULL",
    )?
    .execute(params![
        guild.sql(),
        kind.as_str(),
        threshold as i64,
        role.sql()
    ])?;
    Ok(RewardSaved::Saved)
}

/// Removes a reward; `false` when there was none. Roles already given stay with their members.
pub fn remove_reward(
    conn: &dyn Db,
    guild: GuildId,
    kind: RewardKind,
    threshold: u64,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM role_rewards WHERE guild_id = ?1 AND kind = ?2 AND threshold = ?3",
        )?
        .execute(params![guild.sql(), kind.as_str(), threshold as i64])?
        > 0)
}

/// Marks a reward failed, if it still gives `role` (an admin may have set another since).
pub fn fail_reward(
    conn: &dyn Db,
    guild: GuildId,
    kind: RewardKind,
    role: RoleId,
    refusal: Refusal,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE role_rewards SET problem = ?4, problem_at = ?5
         WHERE guild_id = ?1 AND kind = ?2 AND role_id = ?3",
    )?
    .execute(params![
        guild.sql(),
        kind.as_str(),
        role.sql(),
        refusal.as_str(),
        ms(at)
    ])?;
    Ok(())
}

/// Claims giving `reward` to `user`: `true` for exactly one caller. A claim older than
/// `stale_before` (its process stopped mid-call) may be taken over; a given grant never is.
pub fn claim_grant(
    conn: &dyn Db,
    guild: GuildId,
    user: UserId,
    reward: &Reward,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO role_grants (guild_id, user_id, kind, threshold, role_id, state, at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'claimed', ?6)
             ON CONFLICT (guild_id, user_id, kind, threshold, role_id) DO UPDATE SET at = ?6
                 WHERE role_grants.state = 'claimed' AND role_grants.at < ?7",
        )?
        .execute(params![
            guild.sql(),
            user.sql(),
            reward.kind.as_str(),
            reward.threshold as i64,
            reward.role.sql(),
            ms(now),
            ms(stale_before)
        ])?
        == 1)
}

/// Ends a claim: the role was given (kept for good), or it was not (released for a later try).
pub fn finish_grant(
    conn: &dyn Db,
    guild: GuildId,
    user: UserId,
    reward: &Reward,
    given: bool,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (kind, threshold) = (reward.kind.as_str(), reward.threshold as i64);
    if given {
        conn.prepare_cached(
            "UPDATE role_grants SET state = 'given', at = ?6
             WHERE guild_id = ?1 AND user_id = ?2 AND kind = ?3 AND threshold = ?4 AND role_id = ?5",
        )?
        .execute(params![
            guild.sql(),
            user.sql(),
            kind,
            threshold,
            reward.role.sql(),
            ms(at)
        ])?;
    } else {
        conn.prepare_cached(
            "DELETE FROM role_grants WHERE guild_id = ?1 AND user_id = ?2 AND kind = ?3
                 AND threshold = ?4 AND role_id = ?5 AND state = 'claimed'",
        )?
        .execute(params![
            guild.sql(),
            user.sql(),
            kind,
            threshold,
            reward.role.sql()
        ])?;
    }
    Ok(())
}

/// A member's total points in the server.
pub fn member_points(conn: &dyn Db, guild: GuildId, user: UserId) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT points FROM totals WHERE guild_id = ?1 AND user_id = ?2")?
        .query_row(params![guild.sql(), user.sql()], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0)
        .max(0) as u64)
}

/// The streak and points roles `user` was given, once Discord confirmed each (a grant still in
/// flight, or one Discord refused, is not among them).
pub fn given_roles(conn: &dyn Db, guild: GuildId, user: UserId) -> Result<Vec<RoleId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT role_id FROM role_grants WHERE guild_id = ?1 AND user_id = ?2 AND state = 'given'
         ORDER BY role_id",
    )?;
    let rows = stmt.query_map(params![guild.sql(), user.sql()], |r| r.get::<_, i64>(0))?;
    let mut out = vec![];
    for row in rows {
        out.push(RoleId::from_sql(row?));
    }
    Ok(out)
}

/// The champion and the role they were given.
pub fn champion(
    conn: &dyn Db,
    guild: GuildId,
) -> Result<Option<(UserId, Option<RoleId>)>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT user_id, role_id FROM role_champions WHERE guild_id = ?1")?
        .query_row([guild.sql()], |r| {
            Ok((
                UserId::from_sql(r.get(0)?),
                r.get::<_, Option<i64>>(1)?.map(RoleId::from_sql),
            ))
        })
        .optional()?)
}

/// Records `new` as the champion holding `role`, if the holder is still `was`: `true` for
/// exactly one of two racing moves.
pub fn set_champion(
    conn: &dyn Db,
    guild: GuildId,
    was: Option<UserId>,
    new: UserId,
    role: Option<RoleId>,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = match was {
        None => conn
            .prepare_cached(
                "INSERT INTO role_champions (guild_id, user_id, role_id, since) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (guild_id) DO NOTHING",
            )?
            .execute(params![guild.sql(), new.sql(), role.map(RoleId::sql), ms(at)])?,
        Some(old) => conn
            .prepare_cached(
                "UPDATE role_champions SET user_id = ?3, role_id = ?4, since = ?5
                 WHERE guild_id = ?1 AND user_id = ?2",
            )?
            .execute(params![
                guild.sql(),
                old.sql(),
                new.sql(),
                role.map(RoleId::sql),
                ms(at)
            ])?,
    };
    Ok(changed == 1)
}

/// The role the champion holds now (after it was given, or taken when it failed).
pub fn set_champion_role(
    conn: &dyn Db,
    guild: GuildId,
    holder: UserId,
    role: Option<RoleId>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE role_champions SET role_id = ?3 WHERE guild_id = ?1 AND user_id = ?2",
    )?
    .execute(params![guild.sql(), holder.sql(), role.map(RoleId::sql)])?;
    Ok(())
}

impl Store {
    pub async fn role_rewards(&self, guild: GuildId) -> Result<Vec<Reward>, StoreError> {
        self.read(move |c| rewards(c, guild)).await
    }

    pub async fn set_role_reward(
        &self,
        guild: GuildId,
        kind: RewardKind,
        threshold: u64,
        role: RoleId,
    ) -> Result<RewardSaved, StoreError> {
        self.write(move |c| set_reward(c, guild, kind, threshold, role))
            .await
    }

    pub async fn remove_role_reward(
        &self,
        guild: GuildId,
        kind: RewardKind,
        threshold: u64,
    ) -> Result<bool, StoreError> {
        self.write(move |c| remove_reward(c, guild, kind, threshold))
            .await
    }

    pub async fn fail_role_reward(
        &self,
        guild: GuildId,
        kind: RewardKind,
        role: RoleId,
        refusal: Refusal,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| fail_reward(c, guild, kind, role, refusal, at))
            .await
    }

    pub async fn claim_role_grant(
        &self,
        guild: GuildId,
        user: UserId,
        reward: Reward,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.write(move |c| claim_grant(c, guild, user, &reward, now, stale_before))
            .await
    }

    pub async fn finish_role_grant(
        &self,
        guild: GuildId,
        user: UserId,
        reward: Reward,
        given: bool,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| finish_grant(c, guild, user, &reward, given, at))
            .await
    }

    pub async fn given_roles(
        &self,
        guild: GuildId,
        user: UserId,
    ) -> Result<Vec<RoleId>, StoreError> {
        self.read(move |c| given_roles(c, guild, user)).await
    }

    pub async fn member_points(&self, guild: GuildId, user: UserId) -> Result<u64, StoreError> {
        self.read(move |c| member_points(c, guild, user)).await
    }

    pub async fn champion(
        &self,
        guild: GuildId,
    ) -> Result<Option<(UserId, Option<RoleId>)>, StoreError> {
        self.read(move |c| champion(c, guild)).await
    }

    pub async fn set_champion(
        &self,
        guild: GuildId,
        was: Option<UserId>,
        new: UserId,
        role: Option<RoleId>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.write(move |c| set_champion(c, guild, was, new, role, at))
            .await
    }

    pub async fn set_champion_role(
        &self,
        guild: GuildId,
        holder: UserId,
        role: Option<RoleId>,
    ) -> Result<(), StoreError> {
        self.write(move |c| set_champion_role(c, guild, holder, role))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut c).unwrap();
        c
    }

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    const G: GuildId = GuildId(1);
    const ADA: UserId = UserId(5);

    fn streak(days: u64, role: u64) -> Reward {
        Reward {
            kind: RewardKind::Streak,
            threshold: days,
            role: RoleId(role),
            problem: None,
        }
    }

    #[test]
    fn a_grant_is_claimed_once_and_given_once() {
        let c = db();
        let r = streak(7, 70);
        assert!(claim_grant(&c, G, ADA, &r, at(0), at(-600)).unwrap());
        assert!(
            !claim_grant(&c, G, ADA, &r, at(1), at(-599)).unwrap(),
            "a second claim while the first is in flight"
        );
        assert_eq!(given_roles(&c, G, ADA).unwrap(), vec![], "still in flight");
        finish_grant(&c, G, ADA, &r, true, at(2)).unwrap();
        assert_eq!(given_roles(&c, G, ADA).unwrap(), vec![RoleId(70)]);
        assert!(
            !claim_grant(&c, G, ADA, &r, at(10_000), at(9_400)).unwrap(),
            "a given grant is never claimed again"
        );
        // Another role for the same threshold (the admin changed it) is a new grant.
        assert!(claim_grant(&c, G, ADA, &streak(7, 71), at(3), at(-597)).unwrap());
    }

    #[test]
    fn a_released_or_stale_claim_can_be_taken_again() {
        let c = db();
        let r = streak(7, 70);
        assert!(claim_grant(&c, G, ADA, &r, at(0), at(-600)).unwrap());
        finish_grant(&c, G, ADA, &r, false, at(1)).unwrap();
        assert_eq!(
            given_roles(&c, G, ADA).unwrap(),
            vec![],
            "released, not given"
        );
        assert!(claim_grant(&c, G, ADA, &r, at(2), at(-598)).unwrap());
        // Its process stopped mid-call: taken over once older than the stale limit.
        assert!(!claim_grant(&c, G, ADA, &r, at(300), at(-300)).unwrap());
        assert!(claim_grant(&c, G, ADA, &r, at(700), at(100)).unwrap());
    }

    #[test]
    fn a_failed_reward_is_cleared_by_setting_it_again() {
        let c = db();
        set_reward(&c, G, RewardKind::Streak, 7, RoleId(70)).unwrap();
        fail_reward(
            &c,
            G,
            RewardKind::Streak,
            RoleId(70),
            Refusal::RoleGone,
            at(0),
        )
        .unwrap();
        assert_eq!(rewards(&c, G).unwrap()[0].problem, Some(Refusal::RoleGone));
        // A failure of a role the reward no longer gives changes nothing.
        set_reward(&c, G, RewardKind::Streak, 7, RoleId(71)).unwrap();
        fail_reward(
            &c,
            G,
            RewardKind::Streak,
            RoleId(70),
            Refusal::Forbidden,
            at(1),
        )
        .unwrap();
        assert_eq!(rewards(&c, G).unwrap(), vec![streak(7, 71)]);
    }

    #[test]
    fn a_server_has_at_most_ten_roles_of_a_kind() {
        let c = db();
        for d in 1..=MAX_PER_KIND as u64 {
            assert_eq!(
                set_reward(&c, G, RewardKind::Streak, d, RoleId(d)).unwrap(),
                RewardSaved::Saved
            );
        }
        assert_eq!(
            set_reward(&c, G, RewardKind::Streak, 99, RoleId(99)).unwrap(),
            RewardSaved::TooMany
        );
        // Changing the role of an existing threshold is still allowed.
        assert_eq!(
            set_reward(&c, G, RewardKind::Streak, 1, RoleId(100)).unwrap(),
            RewardSaved::Saved
        );
        assert!(remove_reward(&c, G, RewardKind::Streak, 1).unwrap());
        assert!(!remove_reward(&c, G, RewardKind::Streak, 1).unwrap());
    }

    #[test]
    fn of_two_racing_champion_moves_one_goes_on() {
        let c = db();
        assert!(set_champion(&c, G, None, ADA, None, at(0)).unwrap());
        assert!(!set_champion(&c, G, None, UserId(6), None, at(0)).unwrap());
        assert!(set_champion(&c, G, Some(ADA), UserId(6), None, at(1)).unwrap());
        assert!(!set_champion(&c, G, Some(ADA), UserId(7), None, at(1)).unwrap());
        set_champion_role(&c, G, UserId(6), Some(RoleId(9))).unwrap();
        assert_eq!(champion(&c, G).unwrap(), Some((UserId(6), Some(RoleId(9)))));
    }
}
