//! The export's one query: a server's daily answers, members' totals and streaks, and audit log,
//! fed to an `ExportSink` row by row from one read transaction (one snapshot of all three
//! tables), so a large server is never held in memory whole. `/export` and `db export` both
//! read through here.

use super::queries::{from_ms, latest_round_posted, verdict};
use super::{Store, StoreError};
use crate::quiz::export::{AnswerRow, AuditRow, ExportSink, MemberRow, Row, Table};
use crate::quiz::scoring::{self, Streak};
use crate::quiz::{GuildId, RoundState};
use rusqlite::{params, Connection};
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
    conn: &Connection,
    guild: GuildId,
    sink: &mut dyn ExportSink,
) -> Result<io::Result<()>, StoreError> {
    // A read transaction: the three tables as they were at one moment.
    let tx = conn.unchecked_transaction()?;
    let result = feed(&tx, guild, sink);
    tx.finish()?;
    match result {
        Ok(()) => Ok(Ok(())),
        Err(Stop::Sink(e)) => Ok(Err(e)),
        Err(Stop::Store(e)) => Err(e),
    }
}

fn feed(conn: &Connection, guild: GuildId, sink: &mut dyn ExportSink) -> Result<(), Stop> {
    sink.table(Table::Answers)?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.round_id, r.day, r.question_id, a.topic, a.user_id, a.verdict, a.score,
                a.points, a.answered_at, a.answer
         FROM answers AS a JOIN rounds AS r ON r.round_id = a.round_id
         WHERE a.guild_id = ?1 ORDER BY a.answered_at, a.answer_id",
    )?;
    let mut rows = stmt.query([guild.sql()])?;
    while let Some(r) = rows.next()? {
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
        };
        sink.row(Row::Answer(&row))?;
    }

    sink.table(Table::Members)?;
    // A current streak as `/stats` shows it: ended once a posted round went by unanswered.
    let latest = latest_round_posted(conn, guild)?;
    let current = |s: Streak| match latest {
        Some((id, state, previous)) => {
            scoring::current_streak(s, Some(id), previous, state == RoundState::Open)
        }
        None => 0,
    };
    // Every member with totals or a streak (one without the other only in an edited database).
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, SUM(points) AS points, SUM(answers), SUM(correct), SUM(current),
                SUM(best), MAX(last_round_id)
         FROM (SELECT user_id, points, answers, correct, 0 AS current, 0 AS best,
                      NULL AS last_round_id
               FROM totals WHERE guild_id = ?1
               UNION ALL
               SELECT user_id, 0, 0, 0, current, best, last_round_id
               FROM streaks WHERE guild_id = ?1)
         GROUP BY user_id ORDER BY points DESC, user_id",
    )?;
    let mut rows = stmt.query([guild.sql()])?;
    while let Some(r) = rows.next()? {
        let streak = Streak {
            current: r.get(4)?,
            best: r.get(5)?,
            last_round: r.get(6)?,
        };
        let row = MemberRow {
            member: r.get::<_, i64>(0)? as u64,
            points: r.get::<_, i64>(1)? as u64,
            answers: r.get::<_, i64>(2)? as u64,
            correct: r.get::<_, i64>(3)? as u64,
            current_streak: current(streak),
            best_streak: streak.best,
        };
        sink.row(Row::Member(&row))?;
    }

    sink.table(Table::AuditLog)?;
    let mut stmt = conn.prepare_cached(
        "SELECT entry_id, at, actor_id, action, member_id, reason, before, after
         FROM audit_log WHERE guild_id = ?1 ORDER BY entry_id",
    )?;
    let mut rows = stmt.query(params![guild.sql()])?;
    while let Some(r) = rows.next()? {
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
        sink.row(Row::Audit(&row))?;
    }
    Ok(())
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
