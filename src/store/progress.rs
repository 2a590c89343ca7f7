//! The queries behind the charts: a member's daily points with their times (for `/stats`'
//! points per week) and a round's scores (for the reveal's histogram). The bucketing is
//! `quiz::progress`.
//!
//! A member's points are found through `answers_by_topic`, one seek per topic the server has
//! been asked (as `member_stats` does): the cost follows the member's own answers, not the
//! server's. A round's scores through
//! `answers_by_round`.

use super::db::Db;
use super::queries::{from_ms, ms, verdict};
use super::{Store, StoreError};
use crate::grade::Verdict;
use crate::quiz::progress::ScoreDistribution;
use crate::quiz::{GuildId, RoundId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::params;

/// The member's daily answers in `guild` after `since`: when, and the points each earned.
pub fn points_since(
    conn: &dyn Db,
    guild: GuildId,
    user: UserId,
    since: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, u64)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.answered_at, a.points
         FROM (SELECT DISTINCT topic FROM rounds WHERE guild_id = ?1) AS t
         JOIN answers AS a INDEXED BY answers_by_topic
           ON a.guild_id = ?1 AND a.topic = t.topic AND a.user_id = ?2
         WHERE a.answered_at > ?3",
    )?;
    let rows = stmt.query_map(params![guild.sql(), user.sql(), ms(since)], |r| {
        Ok((from_ms(r.get(0)?), r.get::<_, i64>(1)?.max(0) as u64))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every answer's score and verdict in a round.
pub fn round_scores(conn: &dyn Db, round: RoundId) -> Result<Vec<(f64, Verdict)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT score, verdict FROM answers INDEXED BY answers_by_round WHERE round_id = ?1",
    )?;
    let rows = stmt.query_map([round.0], |r| {
        Ok((r.get::<_, f64>(0)?, verdict(&r.get::<_, String>(1)?)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// The member's daily points in `guild` after `since`, with when each was earned.
    pub async fn member_points_since(
        &self,
        guild: GuildId,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, u64)>, StoreError> {
        self.read(move |c| points_since(c, guild, user, since))
            .await
    }

    /// How a round's answers scored.
    pub async fn score_distribution(
        &self,
        round: RoundId,
    ) -> Result<ScoreDistribution, StoreError> {
        self.read(move |c| Ok(ScoreDistribution::of(&round_scores(c, round)?)))
            .await
    }
}
