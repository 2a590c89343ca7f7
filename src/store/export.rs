//! The export's one query: a server's daily answers, members' totals and streaks, and audit log,
//! fed to an `ExportSink` row by row from one read transaction (one snapshot of all three
//! tables), so a large server is never held in memory whole. `/export` and `db export` both
//! read through here.

use super::db::Db;
use super::queries::{from_ms, verdict};
use super::{Store, StoreError};
use crate::quiz::export::{AnswerRow, AuditRow, ExportSink, MemberRow, Row, Table};
use crate::quiz::{GuildId, TrackId, UserId};
use rusqlite::params;
use std::collections::BTreeMap;
use std::io;

/// Why feeding the sink stopped.
enum Stop {
    Store(StoreError),
    Sink(io::Error),
}

impl From<rusqlite::Error> for Stop {
    fn from(e: rusqlite::Error) -> Self {
        Stop::Store(e.into())
    }
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Stop::Store(e)
    }
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Sink(e)
    }
}

/// Feeds every table of `guild` to `sink`, in `Table::ALL` order. The outer error is the
/// database's; the inner one is the sink's (a full disk, an export over its cap), which stops the
/// export where it happened.
pub fn export(
    conn: &dyn Db,
    guild: GuildId,
    sink: &mut dyn ExportSink,
) -> Result<io::Result<()>, StoreError> {
    // A read transaction: the three tables as they were at one moment (on PostgreSQL the store's
    // read is one already).
    let result = match conn.sqlite() {
        Some(c) => {
            let tx = c.unchecked_transaction()?;
            let result = feed(&*tx, guild, sink);
            tx.finish()?;
            result
        }
        None => {
            // PostgreSQL reads outside a transaction: this one needs a snapshot of its own, and
            // ends it whatever happens, so the pooled connection goes back out of it.
            conn.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
            let result = feed(conn, guild, sink);
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            conn.execute_batch(end)?;
            result
        }
    };
    match result {
        Ok(()) => Ok(Ok(())),
        Err(Stop::Sink(e)) => Ok(Err(e)),
        Err(Stop::Store(e)) => Err(e),
    }
}

fn feed(conn: &dyn Db, guild: GuildId, sink: &mut dyn ExportSink) -> Result<(), Stop> {
    sink.table(Table::Answers)?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.round_id, r.day, r.question_id, a.topic, a.user_id, a.verdict, a.score,
                a.points, a.answered_at, a.answer, COALESCE(t.name, CAST(r.track_id AS TEXT))
         FROM answers AS a JOIN rounds AS r ON r.round_id = a.round_id
         LEFT JOIN tracks AS t ON t.guild_id = r.guild_id AND t.track_id = r.track_id
         WHERE a.guild_id = ?1 ORDER BY a.answered_at, a.answer_id",
    )?;
    let mut sunk = Ok(());
    stmt.for_each([guild.sql()], |r| {
        let row = AnswerRow {
            round: r.get(0)?,
            day: r.get(1)?,
            question: r.get(2)?,
            topic: r.get(3)?,
            member: r.get::<_, i64>(4)? as u64,
            verdict: verdict(&r.get::<_, String>(5)?),
            score: r.get(6)?,
            points: r.get::<_, i64>(7)? as u64,
            answered_at: from_ms(r.get(8)?),
            answer: r.get(9)?,
            track: match r.get_value(10)? {
                rusqlite::types::Value::Integer(id) => id.to_string(),
                rusqlite::types::Value::Text(s) => s,
                _ => String::new(),
            },
        };
        sunk = sink.row(Row::Answer(&row));
        Ok(sunk.is_ok())
    })?;
    sunk?;

    sink.table(Table::Members)?;
    for row in members(conn, guild)? {
        sink.row(Row::Member(&row))?;
    }

    sink.table(Table::AuditLog)?;
    let mut stmt = conn.prepare_cached(
        "SELECT entry_id, at, actor_id, action, member_id, reason, before, after
         FROM audit_log WHERE guild_id = ?1 ORDER BY entry_id",
    )?;
    let mut sunk = Ok(());
    stmt.for_each(params![guild.sql()], |r| {
        let row = AuditRow {
            entry: r.get(0)?,
            at: from_ms(r.get(1)?),
            actor: r.get::<_, Option<i64>>(2)?.map(|v| v as u64),
            action: r.get(3)?,
            member: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
            reason: r.get(5)?,
            before: r.get(6)?,
            after: r.get(7)?,
        };
        sunk = sink.row(Row::Audit(&row));
        Ok(sunk.is_ok())
    })?;
    sunk?;
    Ok(())
}

/// Every member with totals or a streak, most points first. Streaks are per track: a member's
/// current streak is their longest current one in any track, as `/stats` shows it (ended once a
/// posted round of that track went by unanswered), and their best the best in any track. Members
/// are a server's smallest table, so they are gathered before they are fed.
fn members(conn: &dyn Db, guild: GuildId) -> Result<Vec<MemberRow>, StoreError> {
    let mut by_member: BTreeMap<u64, MemberRow> = BTreeMap::new();
    let blank = |member| MemberRow {
        member,
        points: 0,
        answers: 0,
        correct: 0,
        current_streak: 0,
        best_streak: 0,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, points, answers, correct FROM totals WHERE guild_id = ?1",
    )?;
    stmt.for_each([guild.sql()], |r| {
        let member = r.get::<_, i64>(0)? as u64;
        let m = by_member.entry(member).or_insert_with(|| blank(member));
        m.points = r.get::<_, i64>(1)? as u64;
        m.answers = r.get::<_, i64>(2)? as u64;
        m.correct = r.get::<_, i64>(3)? as u64;
        Ok(true)
    })?;
    // The streaks as `/stats` shows them (freezes spent on rounds that closed unanswered): the
    // longest current one in any track and the best in any track.
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, track_id FROM streaks WHERE guild_id = ?1 ORDER BY user_id, track_id",
    )?;
    let pairs: Vec<(i64, i64)> = stmt
        .query_map([guild.sql()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (member, track) in pairs {
        let now =
            super::freezes::standing_now(conn, guild, TrackId(track), UserId::from_sql(member))?;
        let m = by_member
            .entry(member as u64)
            .or_insert_with(|| blank(member as u64));
        m.current_streak = m.current_streak.max(now.streak.current);
        m.best_streak = m.best_streak.max(now.streak.best);
    }
    let mut members: Vec<MemberRow> = by_member.into_values().collect();
    members.sort_by(|a, b| b.points.cmp(&a.points).then(a.member.cmp(&b.member)));
    Ok(members)
}

impl Store {
    /// Feeds the guild's export to `sink` on a read connection; hands the sink back with what
    /// it said (its own error stops the export, see `export`).
    pub async fn export<S>(
        &self,
        guild: GuildId,
        mut sink: S,
    ) -> Result<(S, io::Result<()>), StoreError>
    where
        S: ExportSink + Send + 'static,
    {
        self.read(move |c| {
            let said = export(c, guild, &mut sink)?;
            Ok((sink, said))
        })
        .await
    }
}
