//! The leaderboards: which answers a board counts, its ranking (competition ranking: ties share
//! a rank), and one member's place on it without the rest. The all-time board reads the running
//! totals through their index; a period or topic board aggregates the answers it counts.

use super::db::{Db, Row};
use super::queries::ms;
use super::StoreError;
use crate::quiz::*;
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

/// Which answers a leaderboard counts.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardQuery {
    pub guild: GuildId,
    /// `[start, end)`; `None` for all time.
    pub between: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub topic: Option<String>,
    /// Tracks: only the answers to this track's rounds; `None`: the whole server.
    pub track: Option<TrackId>,
    pub user: UserId,
    pub limit: u32,
    pub offset: u32,
}

/// The grouped query of a board (user_id, points, answers) and its parameters. The all-time
/// board reads the running totals; the others aggregate the answers they count.
fn board_source(q: &BoardQuery) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut args: Vec<Value> = vec![Value::Integer(q.guild.sql())];
    let grouped = if totals(q) {
        "SELECT user_id, points, answers FROM totals WHERE guild_id = ?".to_string()
    } else {
        let mut filter = String::new();
        if let Some((start, end)) = q.between {
            filter.push_str(" AND answered_at >= ? AND answered_at < ?");
            args.push(Value::Integer(ms(start)));
            args.push(Value::Integer(ms(end)));
        }
        if let Some(topic) = &q.topic {
            filter.push_str(" AND topic = ?");
            args.push(Value::Text(topic.clone()));
        }
        if let Some(track) = q.track {
            filter.push_str(
                " AND round_id IN (SELECT round_id FROM rounds WHERE guild_id = ? AND track_id = ?)",
            );
            args.push(Value::Integer(q.guild.sql()));
            args.push(Value::Integer(track.0));
        }
        // With the period's bounds as parameters the planner cannot see how narrow the range is
        // and may walk the guild's answers by member instead; the covering index is the plan.
        let index = if q.between.is_some() {
            "answers_by_time"
        } else {
            "answers_by_topic"
        };
        let answers = format!(
            "SELECT user_id, SUM(points) AS points, COUNT(*) AS answers FROM answers INDEXED BY {index}
             WHERE guild_id = ?{filter} GROUP BY user_id"
        );
        match (q.between, &q.topic) {
            // An admin's point corrections count in the period they were made (not in a topic's
            // board: they belong to no topic); a period never totals below 0.
            (Some((start, end)), None) => {
                args.extend([
                    Value::Integer(q.guild.sql()),
                    Value::Integer(ms(start)),
                    Value::Integer(ms(end)),
                ]);
                format!(
                    "SELECT user_id, CASE WHEN SUM(points) > 0 THEN SUM(points) ELSE 0 END AS points, SUM(answers) AS answers FROM (
                         {answers}
                         UNION ALL
                         SELECT user_id, points, 0 FROM adjustments INDEXED BY adjustments_by_time
                         WHERE guild_id = ? AND at >= ? AND at < ?
                     ) AS period GROUP BY user_id"
                )
            }
            _ => answers,
        }
    };
    (grouped, args)
}

/// Whether a board is the server's all time, which the running totals answer.
fn totals(q: &BoardQuery) -> bool {
    q.between.is_none() && q.topic.is_none() && q.track.is_none()
}

/// A (user, points, answers) row of a board's grouped query.
fn board_row(r: &Row) -> rusqlite::Result<(UserId, u64, u64)> {
    Ok((
        UserId::from_sql(r.get(0)?),
        r.get::<_, i64>(1)? as u64,
        r.get::<_, i64>(2)? as u64,
    ))
}

/// Ranks by competition ranking: a member's rank is one more than the members with more points.
/// The all-time board reads the running totals through their index; a period or topic board
/// aggregates its answers once and ranks them here.
pub fn leaderboard(conn: &dyn Db, q: &BoardQuery) -> Result<Leaderboard, StoreError> {
    let (grouped, args) = board_source(q);
    if totals(q) {
        return totals_board(conn, q, &grouped, &args);
    }
    let mut rows: Vec<(UserId, u64, u64)> = conn
        .prepare_cached(&grouped)?
        .query_map(args.to_vec(), board_row)?
        .collect::<Result<_, _>>()?;
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut ranked = Vec::with_capacity(rows.len());
    for (i, (user, points, answers)) in rows.into_iter().enumerate() {
        let rank = match ranked.last() {
            Some(prev @ Standing { .. }) if prev.points == points => prev.rank,
            _ => i as u32 + 1,
        };
        ranked.push(Standing {
            rank,
            user,
            points,
            answers,
        });
    }
    let members = ranked.len() as u64;
    let me = ranked.iter().find(|s| s.user == q.user).cloned();
    let top = ranked
        .into_iter()
        .skip(q.offset as usize)
        .take(q.limit as usize)
        .collect();
    Ok(Leaderboard { top, me, members })
}

fn totals_board(
    conn: &dyn Db,
    q: &BoardQuery,
    grouped: &str,
    args: &[rusqlite::types::Value],
) -> Result<Leaderboard, StoreError> {
    use rusqlite::types::Value;
    let with = |extra: Option<i64>| -> Vec<Value> {
        args.iter()
            .cloned()
            .chain(extra.map(Value::Integer))
            .collect()
    };
    let top_sql = format!(
        "{grouped} ORDER BY points DESC, user_id LIMIT {} OFFSET {}",
        q.limit, q.offset
    );
    let rows: Vec<(UserId, u64, u64)> = conn
        .prepare_cached(&top_sql)?
        .query_map(with(None), board_row)?
        .collect::<Result<_, _>>()?;
    let above_sql = format!("SELECT COUNT(*) FROM ({grouped}) AS board WHERE points > ?");
    let rank_of = |points: u64| -> Result<u32, StoreError> {
        let above = conn
            .prepare_cached(&above_sql)?
            .query_row(with(Some(points as i64)), |r| r.get::<_, i64>(0))?;
        Ok(above as u32 + 1)
    };
    let members = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM ({grouped}) AS board"))?
        .query_row(with(None), |r| r.get::<_, i64>(0))? as u64;
    let mut top: Vec<Standing> = Vec::with_capacity(rows.len());
    for (user, points, answers) in rows {
        let rank = match top.last() {
            Some(prev) if prev.points == points => prev.rank,
            _ => rank_of(points)?,
        };
        top.push(Standing {
            rank,
            user,
            points,
            answers,
        });
    }
    let me = match top.iter().find(|s| s.user == q.user) {
        Some(s) => Some(s.clone()),
        None => standing_in(conn, grouped, args, q.user)?,
    };
    Ok(Leaderboard { top, me, members })
}

/// One member's place on a board, without the rest of it.
pub fn rank(conn: &dyn Db, q: &BoardQuery) -> Result<Option<Standing>, StoreError> {
    let (grouped, args) = board_source(q);
    standing_in(conn, &grouped, &args, q.user)
}

fn standing_in(
    conn: &dyn Db,
    grouped: &str,
    args: &[rusqlite::types::Value],
    user: UserId,
) -> Result<Option<Standing>, StoreError> {
    use rusqlite::types::Value;
    let with = |extra: i64| -> Vec<Value> {
        args.iter()
            .cloned()
            .chain(std::iter::once(Value::Integer(extra)))
            .collect()
    };
    let mine = conn
        .prepare_cached(&format!(
            "SELECT points, answers FROM ({grouped}) AS board WHERE user_id = ?"
        ))?
        .query_row(with(user.sql()), |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
        })
        .optional()?;
    let Some((points, answers)) = mine else {
        return Ok(None);
    };
    let above = conn
        .prepare_cached(&format!(
            // A cast: on PostgreSQL a grouped board's points are a SUM, a NUMERIC, which an
            // integer parameter is not bound as.
            "SELECT COUNT(*) FROM ({grouped}) AS board WHERE points > CAST(? AS BIGINT)"
        ))?
        .query_row(with(points as i64), |r| r.get::<_, i64>(0))?;
    Ok(Some(Standing {
        rank: above as u32 + 1,
        user,
        points,
        answers,
    }))
}
