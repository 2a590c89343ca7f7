//! A server's data as files: every daily answer, each member's totals and streaks, and the audit
//! log, written as CSV or JSON. `/export` zips the CSVs into one attachment (`ZipFiles`, capped at
//! Discord's attachment limit); `interview-bot db export` writes them into a folder. Both are fed
//! by the store's one export query, row by row (`ExportSink`), so neither holds a whole table.
//!
//! CSV is for spreadsheets, so a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return gets a leading `'`: a spreadsheet would otherwise run it as a formula (an answer such as
//! `=HYPERLINK(...)` is member-written text). JSON is for programs and keeps every value as it is;
//! its ids are strings, as Discord's are (they exceed what a JSON number holds exactly).

use crate::grade::Verdict;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// One daily answer.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    pub round: i64,
    /// The round's track, by name (its number if the track is gone).
    pub track: String,
    /// The server's local date of the round, `YYYY-MM-DD`.
    pub day: String,
    pub question: String,
    pub topic: String,
    pub member: u64,
    pub verdict: Verdict,
    pub score: f64,
    pub points: u64,
    pub answered_at: DateTime<Utc>,
    pub answer: String,
}

/// One member's totals and streaks.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub member: u64,
    pub points: u64,
    pub answers: u64,
    pub correct: u64,
    /// As `/stats` shows it: 0 once a posted round went by without an answer.
    pub current_streak: u32,
    pub best_streak: u32,
}

/// One audit-log entry, its before and after as the JSON they were stored as.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub entry: i64,
    pub at: DateTime<Utc>,
    /// `None`: the bot made the change itself.
    pub actor: Option<u64>,
    pub action: String,
    pub member: Option<u64>,
    pub reason: String,
    pub before: String,
    pub after: String,
}

/// The export's three tables, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Answers,
    Members,
    AuditLog,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::Answers, Table::Members, Table::AuditLog];

    pub fn stem(self) -> &'static str {
        match self {
            Table::Answers => "answers",
            Table::Members => "members",
            Table::AuditLog => "audit-log",
        }
    }

    /// The CSV header row.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Answers => &[
                "round_id",
                "track",
                "day",
                "question_id",
                "topic",
                "member_id",
                "verdict",
                "score",
                "points",
                "answered_at",
                "answer",
            ],
            Table::Members => &[
                "member_id",
                "points",
                "answers",
                "correct",
                "current_streak",
                "best_streak",
            ],
            Table::AuditLog => &[
                "entry_id",
                "at",
                "actor_id",
                "action",
                "member_id",
                "reason",
                "before",
                "after",
            ],
        }
    }
}

/// A row of one of the tables.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    Answer(&'a AnswerRow),
    Member(&'a MemberRow),
    Audit(&'a AuditRow),
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn opt_id(v: Option<u64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl Row<'_> {
    /// The CSV cells, text cells made safe for spreadsheets.
    fn cells(&self) -> Vec<String> {
        match self {
            Row::Answer(a) => vec![
                a.round.to_string(),
                cell(&a.track),
                a.day.clone(),
                cell(&a.question),
                cell(&a.topic),
                a.member.to_string(),
                a.verdict.as_str().to_string(),
                format!("{:.3}", a.score),
                a.points.to_string(),
                rfc3339(a.answered_at),
                cell(&a.answer),
            ],
            Row::Member(m) => vec![
                m.member.to_string(),
                m.points.to_string(),
                m.answers.to_string(),
                m.correct.to_string(),
                m.current_streak.to_string(),
                m.best_streak.to_string(),
            ],
            Row::Audit(e) => vec![
                e.entry.to_string(),
                rfc3339(e.at),
                opt_id(e.actor),
                cell(&e.action),
                opt_id(e.member),
                cell(&e.reason),
                cell(&e.before),
                cell(&e.after),
            ],
        }
    }

    fn json(&self) -> serde_json::Value {
        let id = |v: Option<u64>| v.map(|v| v.to_string());
        // Stored as JSON; kept as text if it is not (an export never fails on one odd entry).
        let stored = |s: &str| serde_json::from_str(s).unwrap_or_else(|_| json!(s));
        match self {
            Row::Answer(a) => json!({
                "round_id": a.round,
                "track": a.track,
                "day": a.day,
                "question_id": a.question,
                "topic": a.topic,
                "member_id": a.member.to_string(),
                "verdict": a.verdict.as_str(),
                "score": a.score,
                "points": a.points,
                "answered_at": rfc3339(a.answered_at),
                "answer": a.answer,
            }),
            Row::Member(m) => json!({
                "member_id": m.member.to_string(),
                "points": m.points,
                "answers": m.answers,
                "correct": m.correct,
                "current_streak": m.current_streak,
                "best_streak": m.best_streak,
            }),
            Row::Audit(e) => json!({
                "entry_id": e.entry,
                "at": rfc3339(e.at),
                "actor_id": id(e.actor),
                "action": e.action,
                "member_id": id(e.member),
                "reason": e.reason,
                "before": stored(&e.before),
                "after": stored(&e.after),
            }),
        }
    }
}

/// A text cell as a spreadsheet may safely open it: one starting with a formula character gets a
/// leading `'`, which spreadsheets show as text and do not evaluate.
pub fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// What the store's export query feeds, a table at a time, row by row.
pub trait ExportSink {
    /// The rows after this belong to `table` (each table comes once, in `Table::ALL` order).
    fn table(&mut self, table: Table) -> io::Result<()>;
    fn row(&mut self, row: Row<'_>) -> io::Result<()>;
}

/// The export's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// The file a table is written to, e.g. `audit-log.csv`.
    pub fn file_name(self, table: Table) -> String {
        format!("{}.{}", table.stem(), self.extension())
    }
}

/// Where the files go: a folder, or the entries of a zip. Writes go to the file last started.
pub trait Files: Write {
    fn start(&mut self, name: &str) -> io::Result<()>;
}

/// Writes the tables it is fed as files of one format.
pub struct Exporter<F: Files> {
    format: Format,
    /// Between tables, or writing JSON.
    files: Option<F>,
    /// Writing a CSV table.
    csv: Option<csv::Writer<F>>,
    /// JSON: no row written yet in the current table.
    first: bool,
    /// How many rows each table got, in `Table::ALL` order.
    counts: [u64; 3],
    current: Option<Table>,
}

impl<F: Files> Exporter<F> {
    pub fn new(format: Format, files: F) -> Exporter<F> {
        Exporter {
            format,
            files: Some(files),
            csv: None,
            first: true,
            counts: [0; 3],
            current: None,
        }
    }

    /// Closes the last table and hands back the files, with each table's row count.
    pub fn finish(mut self) -> io::Result<(F, [u64; 3])> {
        self.close_table()?;
        let files = self
            .files
            .take()
            .expect("files are back after a table closes");
        Ok((files, self.counts))
    }

    fn close_table(&mut self) -> io::Result<()> {
        if let Some(csv) = self.csv.take() {
            let files = csv.into_inner().map_err(|e| e.into_error())?;
            self.files = Some(files);
        } else if self.current.is_some() && self.format == Format::Json {
            let files = self.files.as_mut().expect("JSON writes to the files");
            files.write_all(if self.first { b"]\n" } else { b"\n]\n" })?;
        }
        if let Some(f) = self.files.as_mut() {
            f.flush()?;
        }
        Ok(())
    }
}

impl<F: Files> ExportSink for Exporter<F> {
    fn table(&mut self, table: Table) -> io::Result<()> {
        self.close_table()?;
        self.current = Some(table);
        let mut files = self
            .files
            .take()
            .expect("files are back after a table closes");
        files.start(&self.format.file_name(table))?;
        match self.format {
            Format::Csv => {
                let mut csv = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(files);
                csv.write_record(table.columns())?;
                self.csv = Some(csv);
            }
            Format::Json => {
                files.write_all(b"[")?;
                self.files = Some(files);
                self.first = true;
            }
        }
        Ok(())
    }

    fn row(&mut self, row: Row<'_>) -> io::Result<()> {
        let Some(table) = self.current else {
            return Err(io::Error::other("a row before its table"));
        };
        let i = Table::ALL.iter().position(|t| *t == table).unwrap_or(0);
        self.counts[i] += 1;
        if let Some(csv) = self.csv.as_mut() {
            csv.write_record(row.cells())?;
            return Ok(());
        }
        let files = self.files.as_mut().expect("JSON writes to the files");
        files.write_all(if self.first { b"\n  " } else { b",\n  " })?;
        self.first = false;
        serde_json::to_writer(&mut *files, &row.json())?;
        Ok(())
    }
}

/// An in-memory buffer that refuses to grow past `cap` bytes: the zip stops as soon as it would
/// not fit in a Discord attachment, instead of being built whole and thrown away. `over` is set
/// when a write was refused (the error itself may come back wrapped by the zip or CSV writer);
/// the buffer is useless from then on.
#[derive(Debug)]
struct Capped {
    cursor: io::Cursor<Vec<u8>>,
    cap: u64,
    over: Arc<AtomicBool>,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.over.load(Ordering::Relaxed) {
            // Once refused, the rest is dropped quietly: the zip writer's own clean-up when it is
            // dropped must not fail (it would print to standard error).
            return Ok(data.len());
        }
        if self.cursor.position() + data.len() as u64 > self.cap {
            self.over.store(true, Ordering::Relaxed);
            return Err(io::Error::other("the export is larger than its cap"));
        }
        self.cursor.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Seek for Capped {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.cursor.seek(pos)
    }
}

/// The entries of one zip, deflated, kept in memory up to a cap.
pub struct ZipFiles {
    zip: zip::ZipWriter<Capped>,
    over: Arc<AtomicBool>,
}

impl ZipFiles {
    pub fn new(cap: u64) -> ZipFiles {
        let over = Arc::new(AtomicBool::new(false));
        ZipFiles {
            zip: zip::ZipWriter::new(Capped {
                cursor: io::Cursor::new(Vec::new()),
                cap,
                over: over.clone(),
            }),
            over,
        }
    }

    /// Set once the zip would be larger than its cap; every later write fails.
    pub fn over_cap(&self) -> Arc<AtomicBool> {
        self.over.clone()
    }

    /// The finished zip, or `None` when it would be larger than the cap.
    pub fn finish(self) -> io::Result<Option<Vec<u8>>> {
        let done = self.zip.finish();
        if self.over.load(Ordering::Relaxed) {
            return Ok(None);
        }
        match done {
            Ok(c) => Ok(Some(c.cursor.into_inner())),
            Err(e) => Err(io::Error::other(e)),
        }
    }
}

impl Write for ZipFiles {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.zip.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.zip.flush()
    }
}

impl Files for ZipFiles {
    fn start(&mut self, name: &str) -> io::Result<()> {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        self.zip.start_file(name, options).map_err(io::Error::other)
    }
}

#[cfg(test)]
mod tests;
