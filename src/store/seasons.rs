//! The queries of seasons: a server's season setting, closing a season that ended (its champion
//! recorded once, with an audit entry), its summary post claimed per attempt like a round's
//! thread, and the hall of fame.
//!
//! Exactly once across restarts and instances: a season is closed in one write transaction that
//! inserts its row under PRIMARY KEY (guild, season) and moves the server's current season on
//! only from the one it read; its summary is claimed by one scheduler per attempt.

use super::boards::{self, BoardQuery};
use super::db::Db;
use super::queries::{from_ms, ms};
use super::{Store, StoreError};
use crate::grade::Verdict;
use crate::quiz::season::{Cadence, Champion, Played, Season};
use crate::quiz::track::TrackId;
use crate::quiz::{GuildId, Leaderboard, MessageId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// A server's season setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeasonSetting {
    pub cadence: Cadence,
    /// The season the clock will close next.
    pub season: Season,
    pub ends_at: DateTime<Utc>,
}

/// What closing a season did.
#[derive(Debug, Clone, PartialEq)]
pub struct Closed {
    pub season: Season,
    /// Rank 1 of the season's board, with points; `None` when nobody scored.
    pub champion: Option<(UserId, u64)>,
}

/// An ended season as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonRow {
    pub season: Season,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub champion: Option<(UserId, u64)>,
    pub attempts: u32,
}

/// The server's time zone (UTC until it picks one).
fn zone(conn: &dyn Db, guild: GuildId) -> Result<chrono_tz::Tz, StoreError> {
    let tz: Option<String> = conn
        .prepare_cached("SELECT timezone FROM guilds WHERE guild_id = ?1")?
        .query_row([guild.sql()], |r| r.get(0))
        .optional()?;
    Ok(tz.and_then(|t| t.parse().ok()).unwrap_or(chrono_tz::UTC))
}

pub fn season_setting(conn: &dyn Db, guild: GuildId) -> Result<Option<SeasonSetting>, StoreError> {
    let row = conn
        .prepare_cached("SELECT cadence, season, ends_at FROM guild_seasons WHERE guild_id = ?1")?
        .query_row([guild.sql()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    Ok(row.and_then(|(cadence, season, ends_at)| {
        Some(SeasonSetting {
            cadence: Cadence::parse(&cadence)?,
            season: Season::parse(&season)?,
            ends_at: from_ms(ends_at),
        })
    }))
}

/// Sets a server's seasons (`None`: no seasons). Picking the cadence it has already changes
/// nothing; a new one starts with the season `now` falls in, in the server's zone.
pub fn set_cadence(
    conn: &dyn Db,
    guild: GuildId,
    cadence: Option<Cadence>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(cadence) = cadence else {
        conn.prepare_cached("DELETE FROM guild_seasons WHERE guild_id = ?1")?
            .execute([guild.sql()])?;
        return Ok(());
    };
    if season_setting(conn, guild)?.is_some_and(|s| s.cadence == cadence) {
        return Ok(());
    }
    let tz = zone(conn, guild)?;
    let season = Season::containing(cadence, tz, now);
    conn.prepare_cached(
        "INSERT INTO guild_seasons (guild_id, cadence, season, ends_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (guild_id) DO UPDATE SET cadence = ?2, season = ?3, ends_at = ?4",
    )?
    .execute(params![
        guild.sql(),
        cadence.as_str(),
        season.key(),
        ms(season.bounds(tz).1)
    ])?;
    Ok(())
}

/// Servers whose current season has ended (through `guild_seasons_due`).
pub fn due_season_ends(
    conn: &dyn Db,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<GuildId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT guild_id FROM guild_seasons INDEXED BY guild_seasons_due
         WHERE ends_at <= ?1 ORDER BY ends_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ms(now), limit], |r| {
        Ok(GuildId::from_sql(r.get(0)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Closes the server's current season if it has ended: records it with its champion (and the
/// audit entry) and moves the server on to the next season, in the caller's transaction.
/// `Some` for exactly one caller per season; `None` when nothing was due or another closed it.
/// Bounds are worked out in the server's zone now (it may have changed since the season began).
pub fn close_season(
    conn: &dyn Db,
    guild: GuildId,
    now: DateTime<Utc>,
) -> Result<Option<Closed>, StoreError> {
    let Some(setting) = season_setting(conn, guild)? else {
        return Ok(None);
    };
    let tz = zone(conn, guild)?;
    let season = setting.season;
    let (start, end) = season.bounds(tz);
    if end > now {
        // The zone changed: the season ends later than was stored.
        conn.prepare_cached("UPDATE guild_seasons SET ends_at = ?2 WHERE guild_id = ?1")?
            .execute(params![guild.sql(), ms(end)])?;
        return Ok(None);
    }
    let next = season.next();
    let moved = conn
        .prepare_cached(
            "UPDATE guild_seasons SET season = ?3, ends_at = ?4 WHERE guild_id = ?1 AND season = ?2",
        )?
        .execute(params![
            guild.sql(),
            season.key(),
            next.key(),
            ms(next.bounds(tz).1)
        ])?;
    if moved == 0 {
        return Ok(None);
    }
    let board = boards::leaderboard(
        conn,
        &BoardQuery {
            guild,
            between: Some((start, end)),
            topic: None,
            track: None,
            user: UserId(0),
            limit: 1,
            offset: 0,
        },
    )?;
    let champion = board.top.first().map(|s| (s.user, s.points));
    // Nobody scored: nothing to announce.
    let state = if champion.is_some() {
        "pending"
    } else {
        "posted"
    };
    let inserted = conn
        .prepare_cached(
            "INSERT INTO seasons (guild_id, season, starts_at, ends_at, champion_id, champion_points, state, due_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (guild_id, season) DO NOTHING",
        )?
        .execute(params![
            guild.sql(),
            season.key(),
            ms(start),
            ms(end),
            champion.map(|c| c.0.sql()),
            champion.map(|c| c.1 as i64),
            state,
            ms(now)
        ])?;
    if inserted == 0 {
        return Ok(None);
    }
    if let Some((user, points)) = champion {
        let after = serde_json::json!({"season": season.key(), "champion": user.0.to_string(), "points": points});
        conn.prepare_cached(
            "INSERT INTO audit_log (guild_id, actor_id, action, member_id, reason, after, at)
             VALUES (?1, NULL, 'season-champion', ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            guild.sql(),
            user.sql(),
            format!("champion of {}", season.name()),
            after.to_string(),
            ms(now)
        ])?;
    }
    Ok(Some(Closed { season, champion }))
}

/// Ended seasons whose summary waits for an attempt that is due (through `seasons_due`).
pub fn due_summaries(
    conn: &dyn Db,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<(GuildId, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT guild_id, season FROM seasons INDEXED BY seasons_due
         WHERE state = 'pending' AND due_at <= ?1 ORDER BY due_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ms(now), limit], |r| {
        Ok((GuildId::from_sql(r.get(0)?), r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Claims a pending, due summary for one attempt: the attempt's number (from 1) for exactly one
/// caller until the claim goes stale (its holder stopped), else `None`.
pub fn claim_summary(
    conn: &dyn Db,
    guild: GuildId,
    season: &str,
    now: DateTime<Utc>,
    stale: chrono::Duration,
) -> Result<Option<u32>, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE seasons SET claimed_at = ?3, attempts = attempts + 1
             WHERE guild_id = ?1 AND season = ?2 AND state = 'pending' AND due_at <= ?3
               AND (claimed_at IS NULL OR claimed_at < ?4)
             RETURNING attempts",
        )?
        .query_row(
            params![guild.sql(), season, ms(now), ms(now - stale)],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn season_row(
    conn: &dyn Db,
    guild: GuildId,
    season: &str,
) -> Result<Option<SeasonRow>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT season, starts_at, ends_at, champion_id, champion_points, attempts
             FROM seasons WHERE guild_id = ?1 AND season = ?2",
        )?
        .query_row(params![guild.sql(), season], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, u32>(5)?,
            ))
        })
        .optional()?;
    Ok(
        row.and_then(|(key, start, end, champion, points, attempts)| {
            Some(SeasonRow {
                season: Season::parse(&key)?,
                starts_at: from_ms(start),
                ends_at: from_ms(end),
                champion: champion
                    .zip(points)
                    .map(|(c, p)| (UserId::from_sql(c), p as u64)),
                attempts,
            })
        }),
    )
}

/// Each member's points in `[start, end)`.
pub fn points_between(
    conn: &dyn Db,
    guild: GuildId,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<(UserId, u64)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, SUM(points) FROM answers INDEXED BY answers_by_time
         WHERE guild_id = ?1 AND answered_at >= ?2 AND answered_at < ?3 GROUP BY user_id",
    )?;
    let rows = stmt.query_map(params![guild.sql(), ms(start), ms(end)], |r| {
        Ok((UserId::from_sql(r.get(0)?), r.get::<_, i64>(1)? as u64))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The server's posted rounds that opened before `end`, in posting order, with their answers
/// (for replaying streaks).
pub fn plays_until(
    conn: &dyn Db,
    guild: GuildId,
    end: DateTime<Utc>,
) -> Result<Vec<Played>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.round_id, r.track_id, a.user_id, a.verdict, a.answered_at
         FROM rounds AS r LEFT JOIN answers AS a ON a.round_id = r.round_id
         WHERE r.guild_id = ?1 AND r.opens_at < ?2 AND r.state != 'skipped'
         ORDER BY r.opens_at, r.round_id, a.answered_at, a.user_id",
    )?;
    let mut out: Vec<Played> = Vec::new();
    let rows = stmt.query_map(params![guild.sql(), ms(end)], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<i64>>(4)?,
        ))
    })?;
    for row in rows {
        let (round, track, user, verdict, at) = row?;
        if out.last().map(|p| p.round) != Some(round) {
            out.push(Played {
                round,
                track: TrackId(track),
                answers: vec![],
            });
        }
        if let (Some(user), Some(verdict), Some(at)) = (user, verdict, at) {
            let verdict = Verdict::parse(&verdict).unwrap_or(Verdict::Wrong);
            if let Some(last) = out.last_mut() {
                last.answers
                    .push((UserId::from_sql(user), verdict, from_ms(at)));
            }
        }
    }
    Ok(out)
}

pub fn summary_posted(
    conn: &dyn Db,
    guild: GuildId,
    season: &str,
    message: Option<MessageId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE seasons SET state = 'posted', message_id = ?3, problem = NULL, done_at = ?4, claimed_at = NULL
         WHERE guild_id = ?1 AND season = ?2",
    )?
    .execute(params![guild.sql(), season, message.map(|m| m.0 as i64), ms(now)])?;
    Ok(())
}

/// Leaves the summary for another attempt, not before `at`, and lets go of its claim.
pub fn summary_retry_at(
    conn: &dyn Db,
    guild: GuildId,
    season: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE seasons SET due_at = ?3, claimed_at = NULL WHERE guild_id = ?1 AND season = ?2 AND state = 'pending'",
    )?
    .execute(params![guild.sql(), season, ms(at)])?;
    Ok(())
}

/// Ends the summary's attempts: refused or given up, with what went wrong.
pub fn summary_failed(
    conn: &dyn Db,
    guild: GuildId,
    season: &str,
    problem: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE seasons SET state = 'failed', problem = ?3, done_at = ?4, claimed_at = NULL
         WHERE guild_id = ?1 AND season = ?2",
    )?
    .execute(params![guild.sql(), season, problem, ms(now)])?;
    Ok(())
}

/// The server's latest summary that ended, if it failed: its season and what went wrong.
pub fn summary_problem(
    conn: &dyn Db,
    guild: GuildId,
) -> Result<Option<(Season, String)>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT season, state, problem FROM seasons INDEXED BY seasons_by_end
             WHERE guild_id = ?1 AND state != 'pending' AND champion_id IS NOT NULL
             ORDER BY ends_at DESC LIMIT 1",
        )?
        .query_row([guild.sql()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .optional()?;
    Ok(row.and_then(|(key, state, problem)| {
        (state == "failed").then_some((Season::parse(&key)?, problem.unwrap_or_default()))
    }))
}

/// One page of past champions, newest first, and how many there are.
pub fn hall_of_fame(
    conn: &dyn Db,
    guild: GuildId,
    limit: u32,
    offset: u32,
) -> Result<(Vec<Champion>, u64), StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT season, champion_id, champion_points FROM seasons INDEXED BY seasons_by_end
         WHERE guild_id = ?1 AND champion_id IS NOT NULL
         ORDER BY ends_at DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![guild.sql(), limit, offset], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut page = Vec::new();
    for row in rows {
        let (key, user, points) = row?;
        if let Some(season) = Season::parse(&key) {
            page.push(Champion {
                season,
                user: UserId::from_sql(user),
                points: points as u64,
            });
        }
    }
    let total: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM seasons INDEXED BY seasons_by_end
             WHERE guild_id = ?1 AND champion_id IS NOT NULL",
        )?
        .query_row([guild.sql()], |r| r.get(0))?;
    Ok((page, total as u64))
}

impl Store {
    pub async fn season_setting(
        &self,
        guild: GuildId,
    ) -> Result<Option<SeasonSetting>, StoreError> {
        self.read(move |c| season_setting(c, guild)).await
    }

    pub async fn set_cadence(
        &self,
        guild: GuildId,
        cadence: Option<Cadence>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| set_cadence(c, guild, cadence, now))
            .await
    }

    pub async fn due_season_ends(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<GuildId>, StoreError> {
        self.read(move |c| due_season_ends(c, now, limit)).await
    }

    pub async fn close_season(
        &self,
        guild: GuildId,
        now: DateTime<Utc>,
    ) -> Result<Option<Closed>, StoreError> {
        self.write(move |c| close_season(c, guild, now)).await
    }

    pub async fn due_summaries(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(GuildId, String)>, StoreError> {
        self.read(move |c| due_summaries(c, now, limit)).await
    }

    pub async fn claim_summary(
        &self,
        guild: GuildId,
        season: String,
        now: DateTime<Utc>,
        stale: chrono::Duration,
    ) -> Result<Option<u32>, StoreError> {
        self.write(move |c| claim_summary(c, guild, &season, now, stale))
            .await
    }

    pub async fn season_row(
        &self,
        guild: GuildId,
        season: String,
    ) -> Result<Option<SeasonRow>, StoreError> {
        self.read(move |c| season_row(c, guild, &season)).await
    }

    /// The top of a season's board, ranked as the board ranks.
    pub async fn season_top(
        &self,
        guild: GuildId,
        between: (DateTime<Utc>, DateTime<Utc>),
        limit: u32,
    ) -> Result<Leaderboard, StoreError> {
        self.leaderboard(BoardQuery {
            guild,
            between: Some(between),
            topic: None,
            track: None,
            user: UserId(0),
            limit,
            offset: 0,
        })
        .await
    }

    pub async fn points_between(
        &self,
        guild: GuildId,
        between: (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Vec<(UserId, u64)>, StoreError> {
        self.read(move |c| points_between(c, guild, between)).await
    }

    pub async fn plays_until(
        &self,
        guild: GuildId,
        end: DateTime<Utc>,
    ) -> Result<Vec<Played>, StoreError> {
        self.read(move |c| plays_until(c, guild, end)).await
    }

    pub async fn summary_posted(
        &self,
        guild: GuildId,
        season: String,
        message: Option<MessageId>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| summary_posted(c, guild, &season, message, now))
            .await
    }

    pub async fn summary_retry_at(
        &self,
        guild: GuildId,
        season: String,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| summary_retry_at(c, guild, &season, at))
            .await
    }

    pub async fn summary_failed(
        &self,
        guild: GuildId,
        season: String,
        problem: String,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| summary_failed(c, guild, &season, &problem, now))
            .await
    }

    pub async fn summary_problem(
        &self,
        guild: GuildId,
    ) -> Result<Option<(Season, String)>, StoreError> {
        self.read(move |c| summary_problem(c, guild)).await
    }

    pub async fn hall_of_fame(
        &self,
        guild: GuildId,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<Champion>, u64), StoreError> {
        self.read(move |c| hall_of_fame(c, guild, limit, offset))
            .await
    }
}

#[cfg(test)]
mod tests;
