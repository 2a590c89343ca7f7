//! The queries of sharing: a member's consent to have their daily answer quoted by the reveal,
//! and the answers of a round whose authors gave it. The rules are `quiz::share`.

use super::db::Db;
use super::queries::{from_ms, ms, verdict};
use super::{Store, StoreError};
use crate::quiz::share::{ShareSet, ShareStore, Shared};
use crate::quiz::{GuildId, RoundId, RoundState, UserId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use std::future::Future;

/// Turns sharing of the member's answer to a round of `guild` on or off, until the round is
/// revealed (or skipped: it has no reveal).
pub fn set_share(
    conn: &dyn Db,
    guild: GuildId,
    round: RoundId,
    member: UserId,
    on: bool,
    at: DateTime<Utc>,
) -> Result<ShareSet, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT r.guild_id, r.state, r.revealed_at FROM answers AS a
             JOIN rounds AS r ON r.round_id = a.round_id
             WHERE a.round_id = ?1 AND a.user_id = ?2",
        )?
        .query_row(params![round.0, member.sql()], |r| {
            Ok((
                GuildId::from_sql(r.get(0)?),
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })
        .optional()?;
    let Some((_, state, revealed)) = found.filter(|(g, _, _)| *g == guild) else {
        return Ok(ShareSet::NoAnswer);
    };
    if revealed.is_some() || RoundState::parse(&state) == Some(RoundState::Skipped) {
        return Ok(ShareSet::Revealed);
    }
    if on {
        conn.prepare_cached(
            "INSERT INTO shared_answers (round_id, user_id, at) VALUES (?1, ?2, ?3)
             ON CONFLICT (round_id, user_id) DO NOTHING",
        )?
        .execute(params![round.0, member.sql(), ms(at)])?;
    } else {
        conn.prepare_cached("DELETE FROM shared_answers WHERE round_id = ?1 AND user_id = ?2")?
            .execute(params![round.0, member.sql()])?;
    }
    Ok(ShareSet::Set(on))
}

/// Whether the member agreed to share their answer to the round.
pub fn shares(conn: &dyn Db, round: RoundId, member: UserId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM shared_answers WHERE round_id = ?1 AND user_id = ?2")?
        .exists(params![round.0, member.sql()])?)
}

/// The answers to the round whose authors agreed to share them, with their final grades.
pub fn shared_answers(conn: &dyn Db, round: RoundId) -> Result<Vec<Shared>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.user_id, a.answer, a.score, a.verdict, a.answered_at
         FROM shared_answers AS s
         JOIN answers AS a ON a.round_id = s.round_id AND a.user_id = s.user_id
         WHERE s.round_id = ?1",
    )?;
    let rows = stmt.query_map([round.0], |r| {
        Ok(Shared {
            member: UserId::from_sql(r.get(0)?),
            text: r.get(1)?,
            score: r.get(2)?,
            verdict: verdict(&r.get::<_, String>(3)?),
            at: from_ms(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl ShareStore for Store {
    type Error = StoreError;

    fn set_share(
        &self,
        guild: GuildId,
        round: RoundId,
        member: UserId,
        on: bool,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<ShareSet, StoreError>> + Send {
        self.write(move |c| set_share(c, guild, round, member, on, at))
    }

    fn shares(
        &self,
        round: RoundId,
        member: UserId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.read(move |c| shares(c, round, member))
    }

    fn shared_answers(
        &self,
        round: RoundId,
    ) -> impl Future<Output = Result<Vec<Shared>, StoreError>> + Send {
        self.read(move |c| shared_answers(c, round))
    }
}
