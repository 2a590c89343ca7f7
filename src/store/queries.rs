//! One function per query, on a connection or transaction, returning domain types.

use super::db::{Backend, Db, Row};
use super::StoreError;
use crate::bank::Difficulty;
use crate::grade::Verdict;
use crate::quiz::*;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(v).unwrap_or_default()
}

fn difficulty(s: &str) -> rusqlite::Result<Difficulty> {
    Difficulty::parse(s)
        .ok_or_else(|| rusqlite::Error::InvalidColumnType(0, s.into(), rusqlite::types::Type::Text))
}

pub(super) fn verdict(s: &str) -> Verdict {
    Verdict::parse(s).unwrap_or(Verdict::Wrong)
}

/// Open rounds whose closing time has come.
pub fn due_reveals(
    conn: &dyn Db,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<RoundId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT round_id FROM rounds INDEXED BY rounds_open_by_close WHERE state = 'open' AND closes_at <= ?1 ORDER BY closes_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ms(now), limit], |r| Ok(RoundId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Closed rounds whose reveal has not gone out (a reveal interrupted by a restart, or one that
/// failed and waits for its retry time).
pub fn unrevealed(
    conn: &dyn Db,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<RoundId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT round_id FROM rounds INDEXED BY rounds_unrevealed WHERE state = 'closed' AND revealed_at IS NULL
         AND coalesce(retry_at, closes_at) <= ?1 ORDER BY closes_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ms(now), limit], |r| Ok(RoundId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Open rounds created but not posted (their scheduler stopped between the two, or Discord's
/// answer was unclear), whose retry time has come.
pub fn unposted(conn: &dyn Db, now: DateTime<Utc>, limit: u32) -> Result<Vec<RoundId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT round_id FROM rounds INDEXED BY rounds_unposted WHERE state = 'open' AND message_id IS NULL
         AND (retry_at IS NULL OR retry_at <= ?1) ORDER BY opens_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ms(now), limit], |r| Ok(RoundId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Claims a round for posting or revealing: `true` for exactly one caller until the claim goes
/// stale (its holder stopped). A revealed round is never claimed again: a scheduler that read it
/// as due just before another revealed it (and let go of its claim) must not reveal it twice.
pub fn claim_round(
    conn: &dyn Db,
    id: RoundId,
    now: DateTime<Utc>,
    stale: chrono::Duration,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached("UPDATE rounds SET claimed_at = ?2 WHERE round_id = ?1 AND revealed_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?3)")?
        .execute(params![id.0, ms(now), ms(now - stale)])?;
    Ok(n == 1)
}

pub fn release_claim(conn: &dyn Db, id: RoundId) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE rounds SET claimed_at = NULL WHERE round_id = ?1")?
        .execute([id.0])?;
    Ok(())
}

pub fn mark_revealed(conn: &dyn Db, id: RoundId, at: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE rounds SET revealed_at = ?2, claimed_at = NULL, retry_at = NULL WHERE round_id = ?1",
    )?
    .execute(params![id.0, ms(at)])?;
    Ok(())
}

/// A column list (`"a, b"`) with each column qualified by `alias` (`"t.a, t.b"`), for a query
/// that joins its table under that name.
pub(super) fn qualified(alias: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many columns a column list names.
pub(super) fn width(columns: &str) -> usize {
    columns.split(',').count()
}

pub(super) const ROUND_COLUMNS: &str = "round_id, guild_id, day, question_id, topic, difficulty, seed, opens_at, closes_at, channel_id, message_id, state, track_id";

pub(super) fn round_row(r: &Row) -> rusqlite::Result<Round> {
    let day: String = r.get(2)?;
    let state: String = r.get(11)?;
    Ok(Round {
        id: RoundId(r.get(0)?),
        guild: GuildId::from_sql(r.get(1)?),
        day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap_or_default(),
        question: r.get(3)?,
        topic: r.get(4)?,
        difficulty: difficulty(&r.get::<_, String>(5)?)?,
        seed: r.get::<_, i64>(6)? as u64,
        opens_at: from_ms(r.get(7)?),
        closes_at: from_ms(r.get(8)?),
        channel: r.get::<_, Option<i64>>(9)?.map(ChannelId::from_sql),
        message: r.get::<_, Option<i64>>(10)?.map(MessageId::from_sql),
        state: RoundState::parse(&state).unwrap_or(RoundState::Closed),
        track: TrackId(r.get(12)?),
    })
}

/// Creates a track's round for a day, unless that day has one already or the track was removed
/// (then `None`): a track's day is posted at most once, however many schedulers race.
pub fn create_round(
    conn: &dyn Db,
    track: TrackId,
    r: &NewRound,
) -> Result<Option<Round>, StoreError> {
    conn.prepare_cached("INSERT INTO guilds (guild_id) VALUES (?1) ON CONFLICT DO NOTHING")?
        .execute([r.guild.sql()])?;
    // Numbered after every id ever used, retired ones included: an id is never reused. SQLite
    // numbers it here (its one writer makes that safe); PostgreSQL's identity column numbers it,
    // so that replicas creating rounds at once never race for the same id.
    let id = match conn.backend() {
        Backend::Sqlite => "1 + (SELECT coalesce(max(id), 0) FROM (SELECT max(round_id) AS id FROM rounds UNION ALL SELECT max(round_id) FROM retired_rounds) AS ids),",
        Backend::Postgres => "",
    };
    let column = match conn.backend() {
        Backend::Sqlite => "round_id, ",
        Backend::Postgres => "",
    };
    // Tracks: a removed track gets no new round, even from a post that raced its removal.
    let sql = format!(
        "INSERT INTO rounds ({column}guild_id, day, question_id, topic, difficulty, seed, opens_at, closes_at, channel_id, state, claimed_at, track_id)
         SELECT {id} ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open', ?7, ?10
         WHERE NOT EXISTS (SELECT 1 FROM tracks WHERE guild_id = ?1 AND track_id = ?10 AND removed_at IS NOT NULL)
         ON CONFLICT (guild_id, track_id, day) DO NOTHING
         RETURNING round_id"
    );
    let inserted = conn
        .prepare_cached(&sql)?
        .query_row(
            params![
                r.guild.sql(),
                r.day.format("%Y-%m-%d").to_string(),
                r.question,
                r.topic,
                r.difficulty.as_str(),
                r.seed as i64,
                ms(r.opens_at),
                ms(r.closes_at),
                r.channel.map(ChannelId::sql),
                track.0,
            ],
            |row| row.get::<_, i64>(0),
        )
        .optional()?;
    match inserted {
        Some(id) => round(conn, RoundId(id)),
        None => Ok(None),
    }
}

pub fn round(conn: &dyn Db, id: RoundId) -> Result<Option<Round>, StoreError> {
    let sql = format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE round_id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id.0], round_row)
        .optional()?)
}

/// The guild's latest round that is still open, in `track` or (`None`) in any track.
pub fn open_round(
    conn: &dyn Db,
    guild: GuildId,
    track: Option<TrackId>,
) -> Result<Option<Round>, StoreError> {
    let sql = format!(
        "SELECT {ROUND_COLUMNS} FROM rounds WHERE guild_id = ?1 AND state = 'open' AND (CAST(?2 AS BIGINT) IS NULL OR track_id = ?2)
         ORDER BY opens_at DESC LIMIT 1"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![guild.sql(), track.map(|t| t.0)], round_row)
        .optional()?)
}

/// Tracks: each track's latest open round, by track.
pub fn open_rounds(conn: &dyn Db, guild: GuildId) -> Result<Vec<Round>, StoreError> {
    let sql = format!(
        "SELECT {ROUND_COLUMNS} FROM rounds WHERE guild_id = ?1 AND state = 'open' ORDER BY track_id, opens_at DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut out: Vec<Round> = Vec::new();
    for r in stmt.query_map([guild.sql()], round_row)? {
        let r = r?;
        if out.last().is_none_or(|l| l.track != r.track) {
            out.push(r);
        }
    }
    Ok(out)
}

pub fn set_round_message(
    conn: &dyn Db,
    id: RoundId,
    channel: ChannelId,
    message: MessageId,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE rounds SET channel_id = ?2, message_id = ?3, claimed_at = NULL, retry_at = NULL WHERE round_id = ?1",
    )?
    .execute(params![id.0, channel.sql(), message.sql()])?;
    Ok(())
}

/// Moves an open round to `state`; `false` when it was not open (someone else closed it).
pub fn end_round(conn: &dyn Db, id: RoundId, state: RoundState) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached("UPDATE rounds SET state = ?2 WHERE round_id = ?1 AND state = 'open'")?
        .execute(params![id.0, state.as_str()])?;
    Ok(n == 1)
}

/// A member's recorded answer to a round, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAnswer {
    pub answer: String,
    pub score: f64,
    pub verdict: Verdict,
    pub points: u32,
    pub at: DateTime<Utc>,
    /// Its appeal, if the member asked for a review.
    pub appeal: Option<crate::quiz::appeal::AppealState>,
}

pub fn member_answer(
    conn: &dyn Db,
    round: RoundId,
    user: UserId,
) -> Result<Option<StoredAnswer>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT a.answer, a.score, a.verdict, a.points, a.answered_at, ap.state FROM answers AS a
             LEFT JOIN appeals AS ap ON ap.answer_id = a.answer_id
             WHERE a.round_id = ?1 AND a.user_id = ?2",
        )?
        .query_row(params![round.0, user.sql()], |r| {
            Ok(StoredAnswer {
                answer: r.get(0)?,
                score: r.get(1)?,
                verdict: verdict(&r.get::<_, String>(2)?),
                points: r.get(3)?,
                at: from_ms(r.get(4)?),
                appeal: r
                    .get::<_, Option<String>>(5)?
                    .map(|s| crate::quiz::appeal::AppealState::parse(&s)),
            })
        })
        .optional()?)
}

pub fn record_practice(conn: &dyn Db, p: &Practice) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO practice (guild_id, user_id, question_id, seed, answer, score, verdict, answered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        p.guild.map(GuildId::sql),
        p.user.sql(),
        p.question,
        p.seed as i64,
        p.answer,
        p.score,
        p.verdict.as_str(),
        ms(p.at)
    ])?;
    Ok(())
}

pub fn member_stats(
    conn: &dyn Db,
    guild: GuildId,
    user: UserId,
) -> Result<MemberStats, StoreError> {
    let (points, answers, correct) = conn
        .prepare_cached(
            "SELECT points, answers, correct FROM totals WHERE guild_id = ?1 AND user_id = ?2",
        )?
        .query_row(params![guild.sql(), user.sql()], |r| {
            Ok((
                r.get::<_, i64>(0)? as u64,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? as u64,
            ))
        })
        .optional()?
        .unwrap_or((0, 0, 0));
    // One seek per topic the guild has been asked (a handful), through the topic board's index.
    let mut stmt = conn.prepare_cached(
        "SELECT t.topic, COUNT(*), SUM(CASE WHEN a.verdict = 'correct' THEN 1 ELSE 0 END), SUM(CASE WHEN a.verdict = 'partial' THEN 1 ELSE 0 END)
         FROM (SELECT DISTINCT topic FROM rounds WHERE guild_id = ?1) AS t
         JOIN answers AS a INDEXED BY answers_by_topic
           ON a.guild_id = ?1 AND a.topic = t.topic AND a.user_id = ?2
         GROUP BY t.topic ORDER BY t.topic",
    )?;
    let mut partial = 0;
    let mut per_topic = Vec::new();
    for row in stmt.query_map(params![guild.sql(), user.sql()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })? {
        let (topic, n, c, p) = row?;
        partial += p as u64;
        per_topic.push(TopicAccuracy {
            topic,
            answers: n as u64,
            correct: c as u64,
        });
    }
    // Tracks: the member's best streak in any track, and their longest current one with the
    // freezes that guard it, as they stand now (rounds that closed unanswered spend freezes or
    // end the streak).
    let (mut current, mut best, mut freezes) = (0, 0, 0);
    for track in member_tracks(conn, guild, user)? {
        let now = super::freezes::standing_now(conn, guild, track, user)?;
        best = best.max(now.streak.best);
        if (now.streak.current, now.freezes) > (current, freezes) {
            (current, freezes) = (now.streak.current, now.freezes);
        }
    }
    let practice = conn
        .prepare_cached("SELECT COUNT(*) FROM practice WHERE user_id = ?1 AND (guild_id = ?2 OR guild_id IS NULL)")?
        .query_row(params![user.sql(), guild.sql()], |r| r.get::<_, i64>(0))? as u64;
    Ok(MemberStats {
        answers,
        correct,
        partial,
        points,
        current_streak: current,
        best_streak: best,
        freezes,
        per_topic,
        practice,
    })
}

/// Tracks: the tracks in which a member has a streak.
fn member_tracks(conn: &dyn Db, guild: GuildId, user: UserId) -> Result<Vec<TrackId>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT track_id FROM streaks WHERE guild_id = ?1 AND user_id = ?2")?;
    let rows = stmt.query_map(params![guild.sql(), user.sql()], |r| Ok(TrackId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Streak lengths worth announcing at the reveal.
pub const STREAK_MILESTONES: &[u32] = &[3, 7, 14, 30, 50, 100, 365];

pub fn round_results(
    conn: &dyn Db,
    round: RoundId,
    top_n: u32,
) -> Result<RoundResults, StoreError> {
    let (answers, correct) = conn
        .prepare_cached("SELECT COUNT(*), COALESCE(SUM(CASE WHEN verdict = 'correct' THEN 1 ELSE 0 END), 0) FROM answers WHERE round_id = ?1")?
        .query_row([round.0], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)))?;
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, score, answered_at FROM answers WHERE round_id = ?1
         ORDER BY score DESC, answered_at ASC LIMIT ?2",
    )?;
    let top = stmt
        .query_map(params![round.0, top_n], |r| {
            Ok(TopAnswer {
                user: UserId::from_sql(r.get(0)?),
                score: r.get(1)?,
                at: from_ms(r.get(2)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    // The members whose streak this round extended: those who answered it.
    let mut stmt = conn.prepare_cached(
        "SELECT s.user_id, s.current FROM answers AS a
         JOIN streaks AS s ON s.guild_id = a.guild_id AND s.user_id = a.user_id
         WHERE a.round_id = ?1 AND s.last_round_id = ?1
         ORDER BY s.current DESC, s.user_id",
    )?;
    let milestones = stmt
        .query_map([round.0], |r| {
            Ok((UserId::from_sql(r.get(0)?), r.get::<_, u32>(1)?))
        })?
        .filter_map(|r| r.ok())
        .filter(|(_, n)| STREAK_MILESTONES.contains(n))
        .collect();
    Ok(RoundResults {
        answers,
        correct,
        top,
        milestones,
    })
}

/// The question ids of the guild's posted rounds, newest first.
pub fn asked_questions(conn: &dyn Db, guild: GuildId) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT question_id FROM rounds WHERE guild_id = ?1 AND state != 'skipped' ORDER BY opens_at DESC",
    )?;
    let ids = stmt
        .query_map([guild.sql()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Removes a round that was never seen (its post failed); `false` if anyone answered it.
/// Marks a local day as skipped before anything was posted, so nothing will be.
pub fn skip_day(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    day: NaiveDate,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    conn.prepare_cached("INSERT INTO guilds (guild_id) VALUES (?1) ON CONFLICT DO NOTHING")?
        .execute([guild.sql()])?;
    let n = conn
        .prepare_cached(
            "INSERT INTO rounds (guild_id, day, question_id, topic, difficulty, seed, opens_at, closes_at, state, track_id)
             VALUES (?1, ?2, '', '', 'easy', 0, ?3, ?3, 'skipped', ?4) ON CONFLICT (guild_id, track_id, day) DO NOTHING",
        )?
        .execute(params![guild.sql(), day.format("%Y-%m-%d").to_string(), ms(at), track.0])?;
    Ok(n == 1)
}

/// A track's round for a local day, if any.
pub fn round_on_day(
    conn: &dyn Db,
    guild: GuildId,
    track: TrackId,
    day: NaiveDate,
) -> Result<Option<Round>, StoreError> {
    let sql = format!(
        "SELECT {ROUND_COLUMNS} FROM rounds WHERE guild_id = ?1 AND track_id = ?3 AND day = ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(
            params![guild.sql(), day.format("%Y-%m-%d").to_string(), track.0],
            round_row,
        )
        .optional()?)
}
