//! The queries of the discussion threads revealed rounds open: a thread is queued in the same
//! transaction that marks its round revealed (so a restart between the two never loses it), is
//! claimed by one scheduler per attempt, and ends open, refused or given up. A guild's latest
//! thread that ended tells `/config show` whether there is a problem.

use super::db::Db;
use super::queries::{from_ms, mark_revealed, ms};
use super::{Store, StoreError};
use crate::quiz::thread::{LastThread, RoundThread, ThreadState};
use crate::quiz::{ChannelId, GuildId, RoundId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// Marks the round revealed and queues its thread, due at once; one commit.
pub fn mark_revealed_with_thread(
    conn: &dyn Db,
    id: RoundId,
    guild: GuildId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    mark_revealed(conn, id, at)?;
    conn.prepare_cached(
        "INSERT INTO round_threads (round_id, guild_id, due_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (round_id) DO NOTHING",
    )?
    .execute(params![id.0, guild.sql(), ms(at)])?;
    Ok(())
}

/// Rounds whose thread waits for an attempt that is due.
pub fn due_threads(
    conn: &dyn Db,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<RoundId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT round_id FROM round_threads INDEXED BY round_threads_due
         WHERE state = 'pending' AND due_at <= ?1 ORDER BY due_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ms(now), limit], |r| Ok(RoundId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Claims a pending, due thread for one attempt: the attempt's number (from 1) for exactly one
/// caller until the claim goes stale (its holder stopped), else `None`.
pub fn claim_thread(
    conn: &dyn Db,
    id: RoundId,
    now: DateTime<Utc>,
    stale: chrono::Duration,
) -> Result<Option<u32>, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE round_threads SET claimed_at = ?2, attempts = attempts + 1
             WHERE round_id = ?1 AND state = 'pending' AND due_at <= ?2
               AND (claimed_at IS NULL OR claimed_at < ?3)
             RETURNING attempts",
        )?
        .query_row(params![id.0, ms(now), ms(now - stale)], |r| r.get(0))
        .optional()?)
}

/// Leaves the thread for another attempt, not before `at`, and lets go of its claim.
pub fn retry_thread_at(conn: &dyn Db, id: RoundId, at: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE round_threads SET due_at = ?2, claimed_at = NULL WHERE round_id = ?1 AND state = 'pending'",
    )?
    .execute(params![id.0, ms(at)])?;
    Ok(())
}

/// Ends the thread's attempts: open (with the thread), or refused or given up (with what
/// Discord said).
pub fn end_thread(
    conn: &dyn Db,
    id: RoundId,
    state: ThreadState,
    thread: Option<ChannelId>,
    detail: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE round_threads SET state = ?2, thread_id = ?3, problem = ?4, done_at = ?5, claimed_at = NULL
         WHERE round_id = ?1",
    )?
    .execute(params![
        id.0,
        state.as_str(),
        thread.map(ChannelId::sql),
        detail,
        ms(at)
    ])?;
    Ok(())
}

/// A round's thread, if the round has one queued or done.
pub fn round_thread(conn: &dyn Db, id: RoundId) -> Result<Option<RoundThread>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT state, attempts, thread_id, due_at FROM round_threads WHERE round_id = ?1",
        )?
        .query_row([id.0], |r| {
            Ok(RoundThread {
                state: ThreadState::parse(&r.get::<_, String>(0)?).unwrap_or(ThreadState::Failed),
                attempts: r.get(1)?,
                thread: r.get::<_, Option<i64>>(2)?.map(ChannelId::from_sql),
                due_at: from_ms(r.get(3)?),
            })
        })
        .optional()?)
}

/// The guild's latest thread that is no longer pending, with its round's channel.
pub fn last_thread(conn: &dyn Db, guild: GuildId) -> Result<Option<LastThread>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT t.state, r.channel_id, t.done_at, t.problem
             FROM round_threads AS t INDEXED BY round_threads_by_guild
             JOIN rounds AS r ON r.round_id = t.round_id
             WHERE t.guild_id = ?1 AND t.state <> 'pending'
             ORDER BY t.done_at DESC, t.round_id DESC LIMIT 1",
        )?
        .query_row([guild.sql()], |r| {
            Ok(LastThread {
                state: ThreadState::parse(&r.get::<_, String>(0)?).unwrap_or(ThreadState::Failed),
                channel: r.get::<_, Option<i64>>(1)?.map(ChannelId::from_sql),
                at: from_ms(r.get(2)?),
                detail: r.get(3)?,
            })
        })
        .optional()?)
}

impl Store {
    pub async fn mark_revealed_with_thread(
        &self,
        id: RoundId,
        guild: GuildId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| mark_revealed_with_thread(c, id, guild, at))
            .await
    }

    pub async fn due_threads(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<RoundId>, StoreError> {
        self.read(move |c| due_threads(c, now, limit)).await
    }

    pub async fn claim_thread(
        &self,
        id: RoundId,
        now: DateTime<Utc>,
        stale: chrono::Duration,
    ) -> Result<Option<u32>, StoreError> {
        self.write(move |c| claim_thread(c, id, now, stale)).await
    }

    pub async fn retry_thread_at(&self, id: RoundId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(move |c| retry_thread_at(c, id, at)).await
    }

    pub async fn end_thread(
        &self,
        id: RoundId,
        state: ThreadState,
        thread: Option<ChannelId>,
        detail: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| end_thread(c, id, state, thread, detail.as_deref(), at))
            .await
    }

    pub async fn round_thread(&self, id: RoundId) -> Result<Option<RoundThread>, StoreError> {
        self.read(move |c| round_thread(c, id)).await
    }

    pub async fn last_thread(&self, guild: GuildId) -> Result<Option<LastThread>, StoreError> {
        self.read(move |c| last_thread(c, guild)).await
    }
}
