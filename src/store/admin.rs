//! Admin corrections and the audit log in the database. Each correction runs in one write
//! transaction with its audit_log row (who, when, why, before and after as JSON); the rules come
//! from `quiz::admin`. Point corrections are also kept in `adjustments` with their time, so the
//! period boards (`boards`) count them where the all-time board reads the running totals.

use super::db::Db;
use super::queries::{from_ms, ms, verdict};
use super::{Store, StoreError};
use crate::grade::Verdict;
use crate::quiz::admin::{
    self, AuditEntry, Change, Corrected, Correction, CorrectionStore, LogPage, LOG_PAGE,
};
use crate::quiz::freeze::Guarded;
use crate::quiz::{GuildId, RoundId, TrackId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};
use std::future::Future;

/// An audit_log row to write.
pub struct Entry<'a> {
    pub guild: GuildId,
    /// `None`: the bot itself.
    pub actor: Option<UserId>,
    pub action: &'a str,
    pub member: Option<UserId>,
    pub reason: &'a str,
    pub before: Value,
    pub after: Value,
    pub at: DateTime<Utc>,
}

/// Writes an audit_log row in the caller's transaction; returns its id.
pub fn audit(conn: &dyn Db, e: &Entry) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO audit_log (guild_id, actor_id, action, member_id, reason, before, after, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         RETURNING entry_id",
    )?
    .query_row(
        params![
            e.guild.sql(),
            e.actor.map(UserId::sql),
            e.action,
            e.member.map(UserId::sql),
            e.reason,
            e.before.to_string(),
            e.after.to_string(),
            ms(e.at)
        ],
        |r| r.get(0),
    )
    .map_err(Into::into)
}

/// The sum of an admin's point corrections to a member (as applied).
pub fn adjusted(conn: &dyn Db, guild: GuildId, user: UserId) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(SUM(points), 0) FROM adjustments INDEXED BY adjustments_by_member
             WHERE guild_id = ?1 AND user_id = ?2",
        )?
        .query_row(params![guild.sql(), user.sql()], |r| r.get(0))?)
}

fn total(conn: &dyn Db, guild: GuildId, user: UserId) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT points FROM totals WHERE guild_id = ?1 AND user_id = ?2")?
        .query_row(params![guild.sql(), user.sql()], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0)
        .max(0) as u64)
}

/// Applies a correction and writes its audit row, in the caller's transaction.
pub fn correct(conn: &dyn Db, c: &Correction) -> Result<Corrected, StoreError> {
    let entry = |before: Value, after: Value| Entry {
        guild: c.guild,
        actor: Some(c.actor),
        action: c.change.action(),
        member: Some(c.member),
        reason: &c.reason,
        before,
        after,
        at: c.at,
    };
    match c.change {
        Change::Points(amount) => {
            let before = total(conn, c.guild, c.member)?;
            let (after, applied) = admin::apply_points(before, amount);
            if applied == 0 {
                return Ok(Corrected::NothingToTake);
            }
            let id = audit(
                conn,
                &entry(
                    json!({"points": before}),
                    json!({"points": after, "change": applied, "asked": amount}),
                ),
            )?;
            conn.prepare_cached(
                "INSERT INTO adjustments (guild_id, user_id, points, at, entry_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![c.guild.sql(), c.member.sql(), applied, ms(c.at), id])?;
            conn.prepare_cached(
                "INSERT INTO totals (guild_id, user_id, points, answers, correct) VALUES (?1, ?2, ?3, 0, 0)
                 ON CONFLICT (guild_id, user_id) DO UPDATE SET points = ?3",
            )?
            .execute(params![c.guild.sql(), c.member.sql(), after as i64])?;
            Ok(Corrected::Points { before, after })
        }
        Change::RestoreStreak => {
            // Missed rounds are settled first (spending freezes, logged), so the restore starts
            // from the streak as it stands. Tracks: the track whose break lost the longest
            // streak (the first such track on a tie).
            let mut found: Option<(TrackId, Guarded)> = None;
            for track in streak_tracks(conn, c.guild, c.member)? {
                let now = {
                    let g = super::freezes::guarded(conn, c.guild, track, c.member)?;
                    super::freezes::settle(conn, g, c.guild, track, c.member, None, c.at)?
                };
                if now.lost > found.map_or(0, |(_, g)| g.lost) {
                    found = Some((track, now));
                }
            }
            let restored = found.and_then(|(track, now)| {
                anchor(conn, c.guild, track, c.member)
                    .map(|a| admin::restore(now, a).map(|r| (track, now, r)))
                    .transpose()
            });
            let Some((track, now, restored)) = restored.transpose()? else {
                return Ok(Corrected::NothingToRestore);
            };
            let snap = |g: &Guarded| {
                json!({"streak": g.streak.current, "best": g.streak.best, "lost": g.lost,
                       "track": track.0})
            };
            audit(conn, &entry(snap(&now), snap(&restored)))?;
            super::freezes::save(conn, c.guild, track, c.member, &restored)?;
            Ok(Corrected::Streak {
                before: now.streak.current,
                after: restored.streak.current,
            })
        }
        Change::RemoveAnswer(round) => remove_answer(conn, c, round, entry),
    }
}

/// The tracks in which a member has a streak row, in order.
fn streak_tracks(conn: &dyn Db, guild: GuildId, user: UserId) -> Result<Vec<TrackId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT track_id FROM streaks WHERE guild_id = ?1 AND user_id = ?2 ORDER BY track_id",
    )?;
    let rows = stmt.query_map(params![guild.sql(), user.sql()], |r| Ok(TrackId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The round a restored streak stands on: the track's latest posted round that has closed or
/// that the member answered.
fn anchor(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    user: UserId,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT r.round_id FROM rounds AS r INDEXED BY rounds_by_track
             WHERE r.guild_id = ?1 AND r.track_id = ?3 AND r.state != 'skipped'
               AND (r.state = 'closed'
                    OR EXISTS (SELECT 1 FROM answers AS a WHERE a.round_id = r.round_id AND a.user_id = ?2))
             ORDER BY r.opens_at DESC, r.round_id DESC LIMIT 1",
        )?
        .query_row(params![guild.sql(), user.sql(), track.0], |r| r.get(0))
        .optional()?)
}

fn remove_answer<'a>(
    conn: &dyn Db,
    c: &'a Correction,
    round: RoundId,
    entry: impl Fn(Value, Value) -> Entry<'a>,
) -> Result<Corrected, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT answer_id, verdict, score, points, topic FROM answers
             WHERE round_id = ?1 AND user_id = ?2 AND guild_id = ?3",
        )?
        .query_row(params![round.0, c.member.sql(), c.guild.sql()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                verdict(&r.get::<_, String>(1)?),
                r.get::<_, f64>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .optional()?;
    let Some((answer, v, score, points, topic)) = found else {
        return Ok(Corrected::NoAnswer);
    };
    let before = total(conn, c.guild, c.member)?;
    let after = before.saturating_sub(u64::from(points));
    audit(
        conn,
        &entry(
            json!({"round": round.0, "topic": topic, "verdict": v.as_str(), "score": score,
                   "points": points, "total": before}),
            json!({"total": after}),
        ),
    )?;
    // What hangs on the answer goes with it: its share consent, its appeal and grade overrides
    // (the audit row keeps the grade it had).
    conn.prepare_cached("DELETE FROM shared_answers WHERE round_id = ?1 AND user_id = ?2")?
        .execute(params![round.0, c.member.sql()])?;
    conn.prepare_cached("DELETE FROM grade_overrides WHERE answer_id = ?1")?
        .execute([answer])?;
    conn.prepare_cached("DELETE FROM appeals WHERE answer_id = ?1")?
        .execute([answer])?;
    conn.prepare_cached("DELETE FROM answers WHERE answer_id = ?1")?
        .execute([answer])?;
    conn.prepare_cached(
        "UPDATE totals SET points = ?3, answers = CASE WHEN answers > 0 THEN answers - 1 ELSE 0 END,
             correct = CASE WHEN correct > ?4 THEN correct - ?4 ELSE 0 END
         WHERE guild_id = ?1 AND user_id = ?2",
    )?
    .execute(params![
        c.guild.sql(),
        c.member.sql(),
        after as i64,
        v == Verdict::Correct
    ])?;
    // A member left with nothing on the board leaves it, as if they had never answered.
    conn.prepare_cached(
        "DELETE FROM totals WHERE guild_id = ?1 AND user_id = ?2 AND answers = 0 AND points = 0
         AND NOT EXISTS (SELECT 1 FROM adjustments WHERE guild_id = ?1 AND user_id = ?2)",
    )?
    .execute(params![c.guild.sql(), c.member.sql()])?;
    Ok(Corrected::Removed {
        points,
        before,
        after,
    })
}

/// A page of the guild's audit log (or one member's part of it), newest first; a page past the
/// end shows the last one.
pub fn audit_page(
    conn: &dyn Db,
    guild: GuildId,
    member: Option<UserId>,
    page: u32,
) -> Result<LogPage, StoreError> {
    let member = member.map(UserId::sql);
    let total = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM audit_log WHERE guild_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR member_id = ?2)",
        )?
        .query_row(params![guild.sql(), member], |r| r.get::<_, i64>(0))? as u64;
    let pages = admin::pages(total);
    let page = page.min(pages - 1);
    let mut stmt = conn.prepare_cached(
        "SELECT entry_id, actor_id, action, member_id, reason, before, after, at FROM audit_log
         WHERE guild_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR member_id = ?2)
         ORDER BY entry_id DESC LIMIT ?3 OFFSET ?4",
    )?;
    let entries = stmt
        .query_map(
            params![guild.sql(), member, LOG_PAGE, page * LOG_PAGE],
            |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    actor: r.get::<_, Option<i64>>(1)?.map(UserId::from_sql),
                    action: r.get(2)?,
                    member: r.get::<_, Option<i64>>(3)?.map(UserId::from_sql),
                    reason: r.get(4)?,
                    before: r.get(5)?,
                    after: r.get(6)?,
                    at: from_ms(r.get(7)?),
                })
            },
        )?
        .collect::<Result<_, _>>()?;
    Ok(LogPage {
        entries,
        page,
        pages,
        total,
    })
}

impl CorrectionStore for Store {
    type Error = StoreError;

    fn correct(&self, c: Correction) -> impl Future<Output = Result<Corrected, StoreError>> + Send {
        self.write(move |conn| correct(conn, &c))
    }

    fn audit_page(
        &self,
        guild: GuildId,
        member: Option<UserId>,
        page: u32,
    ) -> impl Future<Output = Result<LogPage, StoreError>> + Send {
        self.read(move |conn| audit_page(conn, guild, member, page))
    }
}

impl Store {
    /// The round of a local day that the member answered (tracks: the first track's, when they
    /// answered in several that day).
    pub async fn answered_round_on_day(
        &self,
        guild: GuildId,
        user: UserId,
        day: chrono::NaiveDate,
    ) -> Result<Option<RoundId>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT r.round_id FROM rounds AS r JOIN answers AS a
                       ON a.round_id = r.round_id AND a.user_id = ?2
                     WHERE r.guild_id = ?1 AND r.day = ?3
                     ORDER BY r.track_id LIMIT 1",
                )?
                .query_row(
                    params![guild.sql(), user.sql(), day.format("%Y-%m-%d").to_string()],
                    |r| Ok(RoundId(r.get(0)?)),
                )
                .optional()?)
        })
        .await
    }
}
