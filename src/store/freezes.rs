//! Streak freezes in the database: a member's streak with its freezes, and settling the posted
//! rounds they missed (the rules are `quiz::freeze`). Spending happens when the member's next
//! answer is recorded (or an admin restores their streak), in that write's transaction: each
//! spent freeze gets a `freeze_spends` row, whose primary key makes it happen once, and an
//! audit_log row. `/stats` applies the same rules on read, so it shows the streak as it stands.
//! Tracks: a streak, and so its freezes, is per track; missed rounds are the track's own.

use super::db::{Db, Row, Write};
use super::queries::ms;
use super::StoreError;
use crate::quiz::freeze::{self, Guarded};
use crate::quiz::scoring::Streak;
use crate::quiz::{GuildId, TrackId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// The columns of a streak row that [`guarded_at`] reads.
pub const STREAK_COLUMNS: &str = "current, best, last_round_id, freezes, lost";

/// A member's streak and freezes as stored (before any missed rounds are settled).
pub fn guarded(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    user: UserId,
) -> Result<Guarded, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {STREAK_COLUMNS} FROM streaks WHERE guild_id = ?1 AND user_id = ?2 AND track_id = ?3"
        ))?
        .query_row(params![guild.sql(), user.sql(), track.0], |r| {
            guarded_at(r, 0)
        })
        .optional()?
        .flatten()
        .unwrap_or_default())
}

/// The [`STREAK_COLUMNS`] of a row, from column `base` on; `None` when they are NULL (a left
/// join found no streak row).
pub fn guarded_at(r: &Row, base: usize) -> rusqlite::Result<Option<Guarded>> {
    let Some(current) = r.get::<_, Option<u32>>(base)? else {
        return Ok(None);
    };
    Ok(Some(Guarded {
        streak: Streak {
            current,
            best: r.get(base + 1)?,
            last_round: r.get(base + 2)?,
        },
        freezes: r.get(base + 3)?,
        lost: r.get(base + 4)?,
    }))
}

/// Saves the member's streak and freezes on the track.
pub fn save(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    user: UserId,
    g: &Guarded,
) -> Result<(), StoreError> {
    conn.execute_all(vec![save_write(guild, track, user, g)?])?;
    Ok(())
}

/// [`save`] as a write to run with others (`execute_all` on `dyn Db`).
pub fn save_write(
    guild: GuildId,
    track: TrackId,
    user: UserId,
    g: &Guarded,
) -> Result<Write, StoreError> {
    Ok(Write::new(
        "INSERT INTO streaks (guild_id, user_id, track_id, current, best, last_round_id, freezes, lost)
         VALUES (?1, ?2, ?8, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (guild_id, user_id, track_id) DO UPDATE SET current = ?3, best = ?4, last_round_id = ?5,
             freezes = ?6, lost = ?7",
        params![
            guild.sql(),
            user.sql(),
            g.streak.current,
            g.streak.best,
            g.streak.last_round,
            g.freezes,
            g.lost,
            track.0
        ],
    )?)
}

/// Which of the guild's posted rounds after `last_round` count as missed: those that opened
/// before `before` (the round being answered), or, with `None`, those no longer open.
fn missed(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    last_round: Option<i64>,
    before: Option<i64>,
) -> Result<Vec<i64>, StoreError> {
    let Some(last) = last_round else {
        return Ok(vec![]);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT round_id FROM rounds INDEXED BY rounds_by_track
         WHERE guild_id = ?1 AND track_id = ?4 AND state != 'skipped'
           AND opens_at > (SELECT opens_at FROM rounds WHERE round_id = ?2)
           AND CASE WHEN CAST(?3 AS BIGINT) IS NULL THEN state != 'open' ELSE opens_at < ?3 END
         ORDER BY opens_at, round_id",
    )?;
    let rows = stmt.query_map(params![guild.sql(), last, before, track.0], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The member's streak and freezes as they stand now, without writing anything (`/stats`).
pub fn standing_now(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    user: UserId,
) -> Result<Guarded, StoreError> {
    let g = guarded(conn, guild, track, user)?;
    if g.streak.current == 0 {
        return Ok(g);
    }
    let missed = missed(conn, guild, track, g.streak.last_round, None)?;
    Ok(freeze::lapse(g, &missed).after)
}

/// Settles the rounds the member missed since their streak last grew, from `g`, their streak
/// and freezes as stored ([`guarded`]): spends a freeze on each it covers (once: a
/// freeze_spends row and an audit_log row each), or ends the streak, and saves the result.
/// `before`: the opening time of the round being answered (`None`: every round no longer
/// open). Returns the streak and freezes as settled.
pub fn settle(
    conn: &dyn Db,
    g: Guarded,
    guild: GuildId,
    track: TrackId,
    user: UserId,
    before: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<Guarded, StoreError> {
    if g.streak.current == 0 {
        return Ok(g);
    }
    let missed = missed(conn, guild, track, g.streak.last_round, before.map(ms))?;
    if missed.is_empty() {
        return Ok(g);
    }
    let lapsed = freeze::lapse(g, &missed);
    let mut held = g.freezes;
    for round in &lapsed.spent {
        let new = conn
            .prepare_cached(
                "INSERT INTO freeze_spends (guild_id, user_id, round_id, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![guild.sql(), user.sql(), round, ms(at)])?;
        if new == 0 {
            continue;
        }
        let before = serde_json::json!({"streak": g.streak.current, "freezes": held});
        held -= 1;
        let after = serde_json::json!({"streak": g.streak.current, "freezes": held, "round": round, "track": track.0});
        super::admin::audit(
            conn,
            &super::admin::Entry {
                guild,
                actor: None,
                action: "freeze-spent",
                member: Some(user),
                reason: "",
                before,
                after,
                at,
            },
        )?;
    }
    save(conn, guild, track, user, &lapsed.after)?;
    Ok(lapsed.after)
}
