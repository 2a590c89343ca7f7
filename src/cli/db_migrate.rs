//! `db migrate-to postgres://...`: copies the `--db` SQLite file into an empty PostgreSQL
//! database (see `store::pg_copy`), with a progress bar by rows, then prints each table's rows on
//! both sides and the score checksums. Exits non-zero when anything differs (nothing is kept).

use crate::store::pg_copy::{self, Report};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Runs the copy and prints its report on `out`.
pub fn run(db: &Path, url: &str, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    if super::is_url(db) {
        anyhow::bail!(
            "--db names the SQLite file to copy from, and {} is a URL: pass the file, e.g. \
             `interview-bot --db interview-bot.db db migrate-to {}`",
            crate::store::pg::redacted(&db.to_string_lossy()),
            crate::store::pg::redacted(url)
        );
    }
    if !crate::store::pg::is_url(url) {
        anyhow::bail!(
            "{url} is not a PostgreSQL URL: give one like postgres://user:password@host/database"
        );
    }
    let rt = super::runtime()?;
    let bar = super::progress::bar(0, "copying");
    let (sized, moved) = (bar.clone(), bar.clone());
    let report = rt.block_on(pg_copy::migrate_to(
        db,
        url,
        &move |rows| sized.set_length(rows),
        &move |table, rows| {
            moved.set_message(format!("copying {table}"));
            moved.inc(rows);
        },
    ));
    bar.finish_and_clear();
    let report = report?;
    print(&report, db, url, out)?;
    Ok(if report.committed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print(report: &Report, db: &Path, url: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let width = report
        .tables
        .iter()
        .map(|t| t.table.len())
        .chain(report.checksums.iter().map(|(c, _)| c.label.len()))
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:<width$}  {:>10}  {:>10}",
        "table", "sqlite", "postgres"
    )?;
    for t in &report.tables {
        let mark = if t.sqlite == t.postgres {
            ""
        } else {
            "  MISMATCH"
        };
        writeln!(
            out,
            "{:<width$}  {:>10}  {:>10}{mark}",
            t.table, t.sqlite, t.postgres
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<width$}  {:>22}  {:>22}",
        "checksum (count/sum)", "sqlite", "postgres"
    )?;
    for (a, b) in &report.checksums {
        let mark = if a == b { "" } else { "  MISMATCH" };
        writeln!(
            out,
            "{:<width$}  {:>22}  {:>22}{mark}",
            a.label,
            format!("{}/{}", a.count, a.sum),
            format!("{}/{}", b.count, b.sum)
        )?;
    }
    writeln!(out)?;
    let nuls = report.nuls();
    if nuls > 0 {
        let places: Vec<String> = report
            .tables
            .iter()
            .filter(|t| t.nuls > 0)
            .map(|t| format!("{} {}", t.table, t.nuls))
            .collect();
        writeln!(
            out,
            "{nuls} NUL characters (which PostgreSQL text cannot hold) were replaced with U+FFFD: {}",
            places.join(", ")
        )?;
    }
    let secs = report.elapsed.as_secs_f64();
    let rows = report.rows();
    let url = crate::store::pg::redacted(url);
    if report.committed {
        writeln!(
            out,
            "copied {rows} rows from {} to {url} in {secs:.1} s ({:.0} rows/s); counts and checksums match",
            db.display(),
            rows as f64 / secs.max(1e-9)
        )?;
        writeln!(
            out,
            "start the bot with --db '{url}' (the SQLite file is unchanged; keep it as a backup)"
        )?;
    } else {
        writeln!(
            out,
            "the copy does not match the SQLite file (see MISMATCH above), so nothing was kept in {url}"
        )?;
    }
    Ok(())
}
