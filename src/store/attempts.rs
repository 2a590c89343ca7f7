//! Attempts to post and reveal a round: each post attempt gets its own number (and so its own
//! message nonce), a failed attempt sets when the next may be made, and a round discarded before
//! anyone saw it is retired, keeping its id out of use for good.

use super::db::Db;
use super::queries::{from_ms, ms};
use super::{Store, StoreError};
use crate::quiz::{GuildId, Round, RoundId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// Starts a post attempt: its number, from 1.
pub fn begin_post_attempt(conn: &dyn Db, id: RoundId) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE rounds SET post_attempts = post_attempts + 1 WHERE round_id = ?1 RETURNING post_attempts",
        )?
        .query_row([id.0], |r| r.get(0))?)
}

/// Starts a reveal attempt: its number, from 1.
pub fn begin_reveal_attempt(conn: &dyn Db, id: RoundId) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE rounds SET reveal_attempts = reveal_attempts + 1 WHERE round_id = ?1 RETURNING reveal_attempts",
        )?
        .query_row([id.0], |r| r.get(0))?)
}

/// Leaves the round for a later attempt, not before `at`, and lets go of its claim.
pub fn retry_round_at(conn: &dyn Db, id: RoundId, at: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE rounds SET retry_at = ?2, claimed_at = NULL WHERE round_id = ?1")?
        .execute(params![id.0, ms(at)])?;
    Ok(())
}

/// When the round's next attempt may be made, if one failed.
pub fn retry_at(conn: &dyn Db, id: RoundId) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT retry_at FROM rounds WHERE round_id = ?1")?
        .query_row([id.0], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten()
        .map(from_ms))
}

/// Removes a round nobody saw (Discord refused its post), keeping its id retired so no later
/// round gets it. `false` (and nothing changes) if anyone answered it.
pub fn retire_round(
    conn: &dyn Db,
    id: RoundId,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let answered = conn
        .prepare_cached("SELECT 1 FROM answers WHERE round_id = ?1")?
        .exists([id.0])?;
    if answered {
        return Ok(false);
    }
    let kept = conn
        .prepare_cached(
            "INSERT INTO retired_rounds (round_id, guild_id, day, question_id, retired_at, reason, track_id)
             SELECT round_id, guild_id, day, question_id, ?2, ?3, track_id FROM rounds WHERE round_id = ?1",
        )?
        .execute(params![id.0, ms(at), reason])?;
    conn.prepare_cached("DELETE FROM rounds WHERE round_id = ?1")?
        .execute([id.0])?;
    Ok(kept == 1)
}

/// The guild's latest closed round whose reveal has not gone out.
pub fn unrevealed_round(conn: &dyn Db, guild: GuildId) -> Result<Option<RoundId>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT round_id FROM rounds WHERE guild_id = ?1 AND state = 'closed' AND revealed_at IS NULL
             ORDER BY opens_at DESC LIMIT 1",
        )?
        .query_row([guild.sql()], |r| Ok(RoundId(r.get(0)?)))
        .optional()?)
}

impl Store {
    pub async fn begin_post_attempt(&self, id: RoundId) -> Result<u32, StoreError> {
        self.write(move |c| begin_post_attempt(c, id)).await
    }

    pub async fn begin_reveal_attempt(&self, id: RoundId) -> Result<u32, StoreError> {
        self.write(move |c| begin_reveal_attempt(c, id)).await
    }

    pub async fn retry_round_at(&self, id: RoundId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(move |c| retry_round_at(c, id, at)).await
    }

    pub async fn retry_at(&self, id: RoundId) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.read(move |c| retry_at(c, id)).await
    }

    pub async fn retire_round(
        &self,
        round: &Round,
        reason: String,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let id = round.id;
        self.write(move |c| retire_round(c, id, &reason, at)).await
    }

    pub async fn unrevealed_round(&self, guild: GuildId) -> Result<Option<RoundId>, StoreError> {
        self.read(move |c| unrevealed_round(c, guild)).await
    }
}

/// Closes an open round now (an early `/round reveal`): its closing time becomes now, so a
/// reveal interrupted from here on is picked up by the next clock pass, not at the old time.
pub fn close_now(conn: &dyn Db, id: RoundId, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE rounds SET state = 'closed', closes_at = CASE WHEN closes_at < ?2 THEN closes_at ELSE ?2 END WHERE round_id = ?1 AND state = 'open'",
        )?
        .execute(params![id.0, ms(now)])?;
    Ok(n == 1)
}

impl Store {
    pub async fn close_now(&self, id: RoundId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.write(move |c| close_now(c, id, now)).await
    }
}
