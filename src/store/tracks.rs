//! Tracks: each guild's daily drills and their settings (`GuildSettings` is one track's), the
//! clock's due posts per (guild, track), and each track's posting status. The guild's time zone
//! is kept in `guilds`, shared by its tracks. A removed track keeps its row (marked removed), so
//! its rounds, answers and points stay and its id is never reused.

use super::db::{Backend, Db, Row};
use super::queries::{from_ms, ms};
use super::{Store, StoreError};
use crate::bank::Difficulty;
use crate::quiz::track::{TrackError, MAX_TRACKS};
use crate::quiz::*;
use chrono::{DateTime, NaiveTime, Utc};
use rusqlite::{params, OptionalExtension};

const COLUMNS: &str = "t.track_id, t.name, t.channel_id, t.post_time, g.timezone, t.topics, t.difficulty, t.role_id, t.enabled, t.days, t.round_minutes";

fn settings_row(guild: GuildId, r: &Row) -> rusqlite::Result<GuildSettings> {
    let default = GuildSettings::new(guild);
    Ok(GuildSettings {
        guild,
        track: TrackId(r.get(0)?),
        track_name: r.get(1)?,
        channel: r.get::<_, Option<i64>>(2)?.map(ChannelId::from_sql),
        post_time: NaiveTime::parse_from_str(&r.get::<_, String>(3)?, "%H:%M")
            .unwrap_or(default.post_time),
        timezone: r.get::<_, String>(4)?.parse().unwrap_or(chrono_tz::UTC),
        topics: r
            .get::<_, String>(5)?
            .split(',')
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        difficulty: r
            .get::<_, Option<String>>(6)?
            .as_deref()
            .and_then(Difficulty::parse),
        role: r.get::<_, Option<i64>>(7)?.map(RoleId::from_sql),
        enabled: r.get(8)?,
        days: Days::parse(&r.get::<_, String>(9)?).unwrap_or(Days::Daily),
        round_minutes: r.get(10)?,
    })
}

/// The guild's live tracks, first (lowest id) first. Empty for a guild never configured.
pub fn tracks(conn: &dyn Db, guild: GuildId) -> Result<Vec<GuildSettings>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM tracks AS t JOIN guilds AS g ON g.guild_id = t.guild_id
         WHERE t.guild_id = ?1 AND t.removed_at IS NULL ORDER BY t.track_id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([guild.sql()], |r| settings_row(guild, r))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One track's settings, removed or not.
pub fn track(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
) -> Result<Option<GuildSettings>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM tracks AS t JOIN guilds AS g ON g.guild_id = t.guild_id
         WHERE t.guild_id = ?1 AND t.track_id = ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![guild.sql(), track.0], |r| settings_row(guild, r))
        .optional()?)
}

/// The settings of the guild's first live track; what a guild has by default when it has none.
pub fn settings(conn: &dyn Db, guild: GuildId) -> Result<GuildSettings, StoreError> {
    if let Some(first) = tracks(conn, guild)?.into_iter().next() {
        return Ok(first);
    }
    let mut s = GuildSettings::new(guild);
    // A guild whose first track was never saved may still have chosen its time zone.
    if let Some(tz) = conn
        .prepare_cached("SELECT timezone FROM guilds WHERE guild_id = ?1")?
        .query_row([guild.sql()], |r| r.get::<_, String>(0))
        .optional()?
    {
        s.timezone = tz.parse().unwrap_or(chrono_tz::UTC);
    }
    Ok(s)
}

/// Saves a track's settings (and the guild's time zone) with its next due post.
pub fn save_settings(
    conn: &dyn Db,
    s: &GuildSettings,
    next_post_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO guilds (guild_id, timezone) VALUES (?1, ?2)
         ON CONFLICT (guild_id) DO UPDATE SET timezone = ?2",
    )?
    .execute(params![s.guild.sql(), s.timezone.name()])?;
    conn.prepare_cached(
        "INSERT INTO tracks (guild_id, track_id, name, channel_id, post_time, topics, difficulty, role_id, enabled, days, round_minutes, next_post_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (guild_id, track_id) DO UPDATE SET channel_id = ?4, post_time = ?5, topics = ?6,
             difficulty = ?7, role_id = ?8, enabled = ?9, days = ?10, round_minutes = ?11,
             next_post_at = CASE WHEN tracks.removed_at IS NULL THEN ?12 END",
    )?
    .execute(params![
        s.guild.sql(),
        s.track.0,
        s.track_name,
        s.channel.map(ChannelId::sql),
        s.post_time.format("%H:%M").to_string(),
        s.topics.join(","),
        s.difficulty.map(Difficulty::as_str),
        s.role.map(RoleId::sql),
        s.enabled,
        s.days.as_str(),
        s.round_minutes,
        next_post_at.map(ms),
    ])?;
    Ok(())
}

/// Adds a live track named `s.track_name` with settings `s` (its id is chosen here: after every
/// id the guild ever used). Refused past `MAX_TRACKS` live tracks or for a name in use, in the
/// same transaction, so two admins racing cannot pass the limit.
pub fn add_track(
    conn: &dyn Db,
    s: &GuildSettings,
    next_post_at: impl Fn(&GuildSettings) -> Option<DateTime<Utc>>,
) -> Result<Result<GuildSettings, TrackError>, StoreError> {
    let live = tracks(conn, s.guild)?;
    if live.iter().any(|t| t.track_name == s.track_name) {
        return Ok(Err(TrackError::Exists(s.track_name.clone())));
    }
    if live.len() >= MAX_TRACKS {
        return Ok(Err(TrackError::TooMany));
    }
    let next_id: i64 = conn
        .prepare_cached("SELECT coalesce(max(track_id), 0) + 1 FROM tracks WHERE guild_id = ?1")?
        .query_row([s.guild.sql()], |r| r.get(0))?;
    let mut added = s.clone();
    added.track = TrackId(next_id);
    save_settings(conn, &added, next_post_at(&added))?;
    Ok(Ok(added))
}

/// Removes a live track by name: its posts stop; its rounds, answers and points stay. A guild
/// keeps at least one live track.
pub fn remove_track(
    conn: &dyn Db,
    guild: GuildId,
    name: &str,
    at: DateTime<Utc>,
) -> Result<Result<GuildSettings, TrackError>, StoreError> {
    let live = tracks(conn, guild)?;
    let Some(found) = live.iter().find(|t| t.track_name == name) else {
        return Ok(Err(TrackError::NotFound(name.to_string())));
    };
    if live.len() == 1 {
        return Ok(Err(TrackError::LastTrack(name.to_string())));
    }
    conn.prepare_cached(
        "UPDATE tracks SET removed_at = ?3, next_post_at = NULL WHERE guild_id = ?1 AND track_id = ?2",
    )?
    .execute(params![guild.sql(), found.track.0, ms(at)])?;
    Ok(Ok(found.clone()))
}

/// Tracks whose next post is due at `now`, with when it was due.
pub fn due_tracks(
    conn: &dyn Db,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<(GuildId, TrackId, DateTime<Utc>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT guild_id, track_id, next_post_at FROM tracks INDEXED BY tracks_due
         WHERE next_post_at IS NOT NULL AND next_post_at <= ?1 AND removed_at IS NULL
         ORDER BY next_post_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ms(now), limit], |r| {
        Ok((
            GuildId::from_sql(r.get(0)?),
            TrackId(r.get(1)?),
            from_ms(r.get(2)?),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A due track a clock has claimed: when its post was due, and the lease its next post time now
/// holds (what `reschedule` moves it from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimedTrack {
    pub guild: GuildId,
    pub track: TrackId,
    pub due: DateTime<Utc>,
    pub lease: DateTime<Utc>,
}

/// Claims up to `limit` due tracks for one clock: their next post time moves to `lease` (a few
/// minutes ahead), so no other clock takes them until then; if this one stops before it posts,
/// another takes them when the lease runs out. On PostgreSQL the rows another clock is claiming
/// at that moment are skipped (`FOR UPDATE SKIP LOCKED`), so several clocks share the due
/// tracks without waiting on each other; SQLite's one writer runs the claims one at a time.
pub fn claim_due_tracks(
    conn: &dyn Db,
    now: DateTime<Utc>,
    lease: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<ClaimedTrack>, StoreError> {
    let claimed = |r: &Row| {
        Ok(ClaimedTrack {
            guild: GuildId::from_sql(r.get(0)?),
            track: TrackId(r.get(1)?),
            due: from_ms(r.get(2)?),
            lease,
        })
    };
    if conn.backend() == Backend::Postgres {
        return Ok(conn
            .prepare_cached(
                "WITH due AS (
                     SELECT guild_id, track_id, next_post_at FROM tracks
                     WHERE next_post_at IS NOT NULL AND next_post_at <= ?1 AND removed_at IS NULL
                     ORDER BY next_post_at LIMIT ?3
                     FOR UPDATE SKIP LOCKED
                 )
                 UPDATE tracks AS t SET next_post_at = ?2 FROM due
                 WHERE t.guild_id = due.guild_id AND t.track_id = due.track_id
                 RETURNING t.guild_id, t.track_id, due.next_post_at",
            )?
            .query_map(params![ms(now), ms(lease), limit], claimed)?
            .collect::<Result<_, _>>()?);
    }
    let due = due_tracks(conn, now, limit)?;
    let mut out = Vec::with_capacity(due.len());
    for (guild, track, was) in due {
        if reschedule(conn, guild, track, Some(was), Some(lease))? {
            out.push(ClaimedTrack {
                guild,
                track,
                due: was,
                lease,
            });
        }
    }
    Ok(out)
}

/// Moves a track's next post, unless another scheduler already moved it past `was` (or the
/// track was removed meanwhile).
pub fn reschedule(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    was: Option<DateTime<Utc>>,
    next: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE tracks SET next_post_at = ?3
             WHERE guild_id = ?1 AND track_id = ?2 AND next_post_at IS NOT DISTINCT FROM ?4 AND removed_at IS NULL",
        )?
        .execute(params![guild.sql(), track.0, next.map(ms), was.map(ms)])?;
    Ok(n == 1)
}

/// Sets a track's next post whatever it was (after a post by hand).
pub fn reschedule_any(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    next: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tracks SET next_post_at = ?3 WHERE guild_id = ?1 AND track_id = ?2 AND removed_at IS NULL",
    )?
    .execute(params![guild.sql(), track.0, next.map(ms)])?;
    Ok(())
}

pub fn set_status(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    status: Option<&str>,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE tracks SET status = ?3 WHERE guild_id = ?1 AND track_id = ?2")?
        .execute(params![guild.sql(), track.0, status])?;
    Ok(())
}

pub fn status(conn: &dyn Db, guild: GuildId, track: TrackId) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT status FROM tracks WHERE guild_id = ?1 AND track_id = ?2")?
        .query_row(params![guild.sql(), track.0], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten())
}

impl Store {
    /// The settings of the guild's first live track (the default where a command names none).
    pub async fn settings(&self, guild: GuildId) -> Result<GuildSettings, StoreError> {
        self.read(move |c| settings(c, guild)).await
    }

    /// A track's settings, or (`None`, or a track the guild never had) its first track's.
    pub async fn settings_of(
        &self,
        guild: GuildId,
        track: Option<TrackId>,
    ) -> Result<GuildSettings, StoreError> {
        self.read(move |c| match track {
            Some(t) => match self::track(c, guild, t)? {
                Some(s) => Ok(s),
                None => settings(c, guild),
            },
            None => settings(c, guild),
        })
        .await
    }

    /// The guild's live tracks, first first.
    pub async fn tracks(&self, guild: GuildId) -> Result<Vec<GuildSettings>, StoreError> {
        self.read(move |c| tracks(c, guild)).await
    }

    /// One track's settings (a removed one too); `None` if the guild never had it.
    pub async fn track(
        &self,
        guild: GuildId,
        track: TrackId,
    ) -> Result<Option<GuildSettings>, StoreError> {
        self.read(move |c| self::track(c, guild, track)).await
    }

    /// Saves a track's settings and when its next post is due (`None`: nothing scheduled).
    pub async fn save_settings(
        &self,
        s: GuildSettings,
        next_post_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.write(move |c| save_settings(c, &s, next_post_at))
            .await
    }

    /// Adds a track (see [`add_track`]); `next_post_at` works out its first post.
    pub async fn add_track<F>(
        &self,
        s: GuildSettings,
        next_post_at: F,
    ) -> Result<Result<GuildSettings, TrackError>, StoreError>
    where
        F: Fn(&GuildSettings) -> Option<DateTime<Utc>> + Send + 'static,
    {
        self.write(move |c| add_track(c, &s, &next_post_at)).await
    }

    pub async fn remove_track(
        &self,
        guild: GuildId,
        name: String,
        at: DateTime<Utc>,
    ) -> Result<Result<GuildSettings, TrackError>, StoreError> {
        self.write(move |c| remove_track(c, guild, &name, at)).await
    }

    /// Claims due tracks for this clock (see `claim_due_tracks`).
    pub async fn claim_due_tracks(
        &self,
        now: DateTime<Utc>,
        lease: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedTrack>, StoreError> {
        self.write(move |c| claim_due_tracks(c, now, lease, limit))
            .await
    }

    pub async fn due_tracks(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(GuildId, TrackId, DateTime<Utc>)>, StoreError> {
        self.read(move |c| due_tracks(c, now, limit)).await
    }

    pub async fn reschedule(
        &self,
        guild: GuildId,
        track: TrackId,
        was: Option<DateTime<Utc>>,
        next: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        self.write(move |c| reschedule(c, guild, track, was, next))
            .await
    }

    /// Sets a track's next post whatever it was (after a post by hand).
    pub async fn reschedule_any(
        &self,
        guild: GuildId,
        track: TrackId,
        next: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.write(move |c| reschedule_any(c, guild, track, next))
            .await
    }

    /// Sets a track's posting status (`None`: all is well).
    pub async fn set_status(
        &self,
        guild: GuildId,
        track: TrackId,
        status: Option<String>,
    ) -> Result<(), StoreError> {
        self.write(move |c| set_status(c, guild, track, status.as_deref()))
            .await
    }

    /// The posting status of the guild's first live track.
    pub async fn status(&self, guild: GuildId) -> Result<Option<String>, StoreError> {
        self.read(move |c| {
            let first = settings(c, guild)?.track;
            status(c, guild, first)
        })
        .await
    }

    /// A track's posting status.
    pub async fn track_status(
        &self,
        guild: GuildId,
        track: TrackId,
    ) -> Result<Option<String>, StoreError> {
        self.read(move |c| status(c, guild, track)).await
    }
}
