//! `db migrate-to postgres://...`: a SQLite database copied into an empty PostgreSQL one, so a
//! server moves to PostgreSQL without losing its history.
//!
//! The SQLite file is read in one read transaction (`source`), so the copy is one consistent
//! snapshot. PostgreSQL's schema is brought up to date by `Store::connect`, then every row goes
//! in inside ONE PostgreSQL transaction: a database that already holds data is refused, each
//! table is copied (parents before children, every column by name) with `COPY ... FROM STDIN
//! (FORMAT binary)`, identity columns are moved past the copied ids, and the counts and score
//! checksums of both sides are compared before the commit. A failure or a mismatch rolls back,
//! so PostgreSQL is left as empty as it was found.
//!
//! Why binary COPY rather than multi-row INSERTs: one statement streams a whole table (no
//! 65,535-parameter cap per statement, no statement per batch to plan), and the binary format
//! carries text as it is (no escaping of the tabs, newlines and backslashes members write) and
//! doubles bit for bit, so the checksums compare exactly. Rows are read from SQLite on a thread
//! of their own and handed over in batches of `source::BATCH`, so reading and sending overlap.

mod source;
mod value;

use super::pg::redacted;
use super::{Store, StoreError};
use source::{ident, Source};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use value::PgValue;

/// Why the copy did not happen. Nothing was committed to PostgreSQL in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("there is no SQLite database at {0}: pass the bot's file with --db")]
    NoFile(String),
    #[error("{0} is not an interview-bot database (it has no schema version)")]
    NotTheBots(String),
    #[error(
        "{path} has schema {found} and this build of interview-bot has {known}: {}",
        if found < known {
            "start this interview-bot on it once (it upgrades the file), stop it, and run migrate-to again"
        } else {
            "migrate it with the newer interview-bot that wrote it"
        }
    )]
    Version {
        path: String,
        found: u32,
        known: u32,
    },
    #[error("{what}: {detail}")]
    Sqlite { what: String, detail: String },
    #[error("{what}: {detail}")]
    Postgres { what: String, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the PostgreSQL database {url} already holds data (in {}): migrate-to copies only into an \
         empty database, so nothing was copied; create a new one (CREATE DATABASE ...) and give its URL",
        tables.join(", ")
    )]
    NotEmpty { url: String, tables: Vec<String> },
    #[error(
        "the SQLite table {table} (column {column}) has no place in the PostgreSQL schema: is this \
         interview-bot the same version on both sides?"
    )]
    NoPlace { table: String, column: String },
    #[error("cannot copy row {row} of {table}, column {column}: {detail}; nothing was kept")]
    Value {
        table: String,
        column: String,
        row: u64,
        detail: String,
    },
    #[error("the foreign keys of these tables form a cycle, so no copy order exists: {}", .0.join(", "))]
    Cycle(Vec<String>),
}

/// A checksum of one column, the same query on both sides (each in its own dialect).
struct ChecksumSql {
    label: &'static str,
    table: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// A column's count and sum, as one side computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checksum {
    pub label: &'static str,
    pub count: i64,
    pub sum: i64,
}

/// The scores: points as they are, scores (0..1) rounded to six decimals (half away from zero on
/// both sides: SQLite's round(), PostgreSQL's round() of a numeric).
const CHECKSUMS: &[ChecksumSql] = &[
    ChecksumSql {
        label: "answers.points",
        table: "answers",
        sqlite: "SELECT count(points), coalesce(sum(points), 0) FROM answers",
        postgres: "SELECT count(points), CAST(coalesce(sum(points), 0) AS BIGINT) FROM answers",
    },
    ChecksumSql {
        label: "answers.score",
        table: "answers",
        sqlite: "SELECT count(score), coalesce(sum(CAST(round(score * 1000000) AS INTEGER)), 0) FROM answers",
        postgres: "SELECT count(score), CAST(coalesce(sum(round(CAST(score AS NUMERIC) * 1000000)), 0) AS BIGINT) FROM answers",
    },
    ChecksumSql {
        label: "totals.points",
        table: "totals",
        sqlite: "SELECT count(points), coalesce(sum(points), 0) FROM totals",
        postgres: "SELECT count(points), CAST(coalesce(sum(points), 0) AS BIGINT) FROM totals",
    },
    ChecksumSql {
        label: "adjustments.points",
        table: "adjustments",
        sqlite: "SELECT count(points), coalesce(sum(points), 0) FROM adjustments",
        postgres: "SELECT count(points), CAST(coalesce(sum(points), 0) AS BIGINT) FROM adjustments",
    },
    ChecksumSql {
        label: "streaks.best",
        table: "streaks",
        sqlite: "SELECT count(best), coalesce(sum(best), 0) FROM streaks",
        postgres: "SELECT count(best), CAST(coalesce(sum(best), 0) AS BIGINT) FROM streaks",
    },
    ChecksumSql {
        label: "practice.score",
        table: "practice",
        sqlite: "SELECT count(score), coalesce(sum(CAST(round(score * 1000000) AS INTEGER)), 0) FROM practice",
        postgres: "SELECT count(score), CAST(coalesce(sum(round(CAST(score AS NUMERIC) * 1000000)), 0) AS BIGINT) FROM practice",
    },
];

/// Ids that must not be given again though no row of their table holds them any more: a round
/// discarded before anyone saw it keeps its id in `retired_rounds` (see queries::create_round).
const RETIRED: &[(&str, &str, &str)] = &[("rounds", "retired_rounds", "round_id")];

/// One table's rows on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub table: String,
    pub sqlite: u64,
    pub postgres: u64,
    /// NUL characters replaced with U+FFFD in its text.
    pub nuls: u64,
}

/// What the copy did and what the verification found.
#[derive(Debug, Clone)]
pub struct Report {
    pub tables: Vec<Counted>,
    /// (SQLite's, PostgreSQL's), by column.
    pub checksums: Vec<(Checksum, Checksum)>,
    /// Identity columns moved past the copied ids: (table, column, the next id).
    pub identities: Vec<(String, String, i64)>,
    /// Whether the transaction was committed (every count and checksum equal).
    pub committed: bool,
    pub elapsed: Duration,
}

impl Report {
    pub fn matches(&self) -> bool {
        self.tables.iter().all(|t| t.sqlite == t.postgres)
            && self.checksums.iter().all(|(a, b)| a == b)
    }

    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.sqlite).sum()
    }

    pub fn nuls(&self) -> u64 {
        self.tables.iter().map(|t| t.nuls).sum()
    }
}

/// What the SQLite reader hands the PostgreSQL side: rows of the current table, then its end.
enum Chunk {
    Rows(Vec<Vec<PgValue>>),
    End { nuls: u64 },
    Failed(CopyError),
}

fn pg(what: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> CopyError {
    let what = what.into();
    move |e| CopyError::Postgres {
        what,
        detail: match e.as_db_error() {
            Some(d) => format!("{} ({})", d.message(), d.code().code()),
            None => match std::error::Error::source(&e) {
                Some(s) => format!("{e}: {s}"),
                None => e.to_string(),
            },
        },
    }
}

/// Copies the SQLite database at `sqlite` into the empty PostgreSQL database at `url`.
/// `total` is told the number of rows to copy once it is known, `copied` each batch's size.
/// `Ok` with `committed: false` is a verification mismatch (rolled back).
pub async fn migrate_to(
    sqlite: &Path,
    url: &str,
    total: &(dyn Fn(u64) + Sync),
    copied: &(dyn Fn(&str, u64) + Sync),
) -> Result<Report, CopyError> {
    let started = Instant::now();
    let path = sqlite.to_path_buf();
    let (source, plan) = tokio::task::spawn_blocking(move || {
        let source = Source::open(&path)?;
        let plan = source.plan()?;
        Ok::<_, CopyError>((source, plan))
    })
    .await
    .map_err(|_| StoreError::Closed)??;

    // The schema, as the bot itself would create it.
    let store = Store::connect(url).await?;
    store.close();
    let shown = redacted(url);
    let (mut client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(pg(format!("cannot reach the database at {shown}")))?;
    let driver = tokio::spawn(connection);
    let failed = pg(format!(
        "the copy into {shown} failed, and nothing was kept"
    ));
    let tx = client
        .transaction()
        .await
        .map_err(pg(format!("cannot start a transaction on {shown}")))?;

    // Its tables and their columns; every one empty.
    let mut pg_tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in tx
        .query(
            "SELECT c.table_name::text, c.column_name::text FROM information_schema.columns AS c
               JOIN information_schema.tables AS t
                 ON t.table_schema = c.table_schema AND t.table_name = c.table_name
              WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              ORDER BY c.table_name, c.ordinal_position",
            &[],
        )
        .await
        .map_err(pg(format!("cannot read the schema of {shown}")))?
    {
        pg_tables.entry(r.get(0)).or_default().push(r.get(1));
    }
    pg_tables.remove("schema_migrations");
    let mut holding = Vec::new();
    for t in pg_tables.keys() {
        let any: bool = tx
            .query_one(&format!("SELECT EXISTS (SELECT 1 FROM {})", ident(t)), &[])
            .await
            .map_err(pg(format!("cannot read {t} in {shown}")))?
            .get(0);
        if any {
            holding.push(t.clone());
        }
    }
    if !holding.is_empty() {
        return Err(CopyError::NotEmpty {
            url: shown,
            tables: holding,
        });
    }
    for t in &plan.tables {
        let theirs = pg_tables.get(&t.name);
        if let Some(c) = t
            .columns
            .iter()
            .find(|c| theirs.is_none_or(|cols| !cols.contains(c)))
        {
            return Err(CopyError::NoPlace {
                table: t.name.clone(),
                column: c.clone(),
            });
        }
    }
    let mut types: Vec<Vec<Type>> = Vec::with_capacity(plan.tables.len());
    for t in &plan.tables {
        let cols: Vec<String> = t.columns.iter().map(|c| ident(c)).collect();
        let stmt = tx
            .prepare(&format!(
                "SELECT {} FROM {}",
                cols.join(", "),
                ident(&t.name)
            ))
            .await
            .map_err(pg(format!(
                "cannot read the columns of {} in {shown}",
                t.name
            )))?;
        types.push(stmt.columns().iter().map(|c| c.type_().clone()).collect());
    }
    total(plan.tables.iter().map(|t| t.rows).sum());

    // The rows: read on a thread of their own, written here as they come.
    let (send, mut receive) = tokio::sync::mpsc::channel::<Chunk>(4);
    let tables = plan.tables.clone();
    let reader_types = types.clone();
    let reader = std::thread::Builder::new()
        .name("migrate-reader".into())
        .spawn(move || {
            for (t, ty) in tables.iter().zip(&reader_types) {
                let chunk = match source.stream(t, ty, &mut |rows| {
                    send.blocking_send(Chunk::Rows(rows)).is_ok()
                }) {
                    Ok(nuls) => Chunk::End { nuls },
                    Err(e) => Chunk::Failed(e),
                };
                let stop = matches!(chunk, Chunk::Failed(_));
                if send.blocking_send(chunk).is_err() || stop {
                    return;
                }
            }
        })
        .map_err(|e| CopyError::Sqlite {
            what: "cannot start the reader thread".into(),
            detail: e.to_string(),
        })?;
    let mut counted = Vec::with_capacity(plan.tables.len());
    for (t, ty) in plan.tables.iter().zip(&types) {
        let cols: Vec<String> = t.columns.iter().map(|c| ident(c)).collect();
        let sink = tx
            .copy_in(&format!(
                "COPY {} ({}) FROM STDIN (FORMAT binary)",
                ident(&t.name),
                cols.join(", ")
            ))
            .await
            .map_err(failed_at(&shown, &t.name))?;
        let writer = BinaryCopyInWriter::new(sink, ty);
        let mut writer = std::pin::pin!(writer);
        let nuls = loop {
            match receive.recv().await {
                Some(Chunk::Rows(rows)) => {
                    let n = rows.len() as u64;
                    for row in &rows {
                        let refs: Vec<&(dyn ToSql + Sync)> =
                            row.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                        writer
                            .as_mut()
                            .write(&refs)
                            .await
                            .map_err(failed_at(&shown, &t.name))?;
                    }
                    copied(&t.name, n);
                }
                Some(Chunk::End { nuls }) => break nuls,
                Some(Chunk::Failed(e)) => return Err(e),
                None => {
                    return Err(CopyError::Sqlite {
                        what: "the SQLite reader stopped".into(),
                        detail: format!("while reading {}", t.name),
                    })
                }
            }
        };
        writer.finish().await.map_err(failed_at(&shown, &t.name))?;
        counted.push(Counted {
            table: t.name.clone(),
            sqlite: t.rows,
            postgres: 0,
            nuls,
        });
    }
    drop(receive);
    let _ = reader.join();

    // New rows must not collide with the copied ids (nor reuse ids SQLite gave once).
    let mut identities = Vec::new();
    for r in tx
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
              WHERE table_schema = current_schema() AND is_identity = 'YES'
              ORDER BY table_name",
            &[],
        )
        .await
        .map_err(pg(format!("cannot read the identity columns of {shown}")))?
    {
        let (table, column): (String, String) = (r.get(0), r.get(1));
        let mut high: i64 = tx
            .query_one(
                &format!(
                    "SELECT CAST(coalesce(max({}), 0) AS BIGINT) FROM {}",
                    ident(&column),
                    ident(&table)
                ),
                &[],
            )
            .await
            .map_err(failed_at(&shown, &table))?
            .get(0);
        high = high.max(plan.sequences.get(&table).copied().unwrap_or(0));
        for (of, retired, col) in RETIRED {
            if *of == table && pg_tables.contains_key(*retired) {
                let r: i64 = tx
                    .query_one(
                        &format!(
                            "SELECT CAST(coalesce(max({}), 0) AS BIGINT) FROM {}",
                            ident(col),
                            ident(retired)
                        ),
                        &[],
                    )
                    .await
                    .map_err(failed_at(&shown, retired))?
                    .get(0);
                high = high.max(r);
            }
        }
        if high > 0 {
            tx.batch_execute(&format!(
                "ALTER TABLE {} ALTER COLUMN {} RESTART WITH {}",
                ident(&table),
                ident(&column),
                high + 1
            ))
            .await
            .map_err(failed_at(&shown, &table))?;
            identities.push((table, column, high + 1));
        }
    }

    // Verification, inside the transaction: what would be committed.
    for c in &mut counted {
        let n: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {}", ident(&c.table)), &[])
            .await
            .map_err(failed_at(&shown, &c.table))?
            .get(0);
        c.postgres = n as u64;
    }
    let mut checksums = Vec::with_capacity(plan.checksums.len());
    for ours in &plan.checksums {
        let Some(sql) = CHECKSUMS.iter().find(|c| c.label == ours.label) else {
            continue;
        };
        let r = tx
            .query_one(sql.postgres, &[])
            .await
            .map_err(failed_at(&shown, sql.table))?;
        checksums.push((
            *ours,
            Checksum {
                label: ours.label,
                count: r.get(0),
                sum: r.get(1),
            },
        ));
    }
    let mut report = Report {
        tables: counted,
        checksums,
        identities,
        committed: false,
        elapsed: Duration::ZERO,
    };
    if report.matches() {
        tx.commit().await.map_err(failed)?;
        report.committed = true;
    } else {
        tx.rollback().await.map_err(failed)?;
    }
    drop(client);
    let _ = driver.await;
    report.elapsed = started.elapsed();
    Ok(report)
}

fn failed_at(url: &str, table: &str) -> impl FnOnce(tokio_postgres::Error) -> CopyError {
    pg(format!(
        "the copy into {url} failed at {table}, and nothing was kept"
    ))
}
