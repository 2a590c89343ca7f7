//! `grades export FILE.jsonl`: the answers whose grade a moderator set on review, as labelled
//! data in the format of `tests/data/labelled/*.jsonl`, for measuring and improving the grader.
//! Each answer is written as `grade` reads it for the round's seed (an option as its number as
//! shown), so `grade --batch` and the agreement example take the file as it is. With
//! `--written-only` it keeps the answers to free-text and short questions, and the file goes into a
//! bank folder as it is, as precedents (see `bank::precedents`).

use crate::bank::Bank;
use crate::quiz::answer;
use crate::quiz::appeal::{self, Relabelled};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// One line: `{"question", "answer", "label", "style": "appeal", "seed"}`.
#[derive(Serialize)]
struct LabelledLine<'a> {
    question: &'a str,
    answer: &'a str,
    label: crate::grade::Verdict,
    style: &'static str,
    seed: u64,
}

/// The `style` of an answer relabelled on appeal.
pub const STYLE: &str = "appeal";

/// How many answers an export wrote, and how many option answers `--written-only` left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    pub written: usize,
    pub left_out: usize,
}

/// Writes every overridden answer in `db` to `out`, one JSON object a line, or with
/// `written_only` those to questions answered in words (an answer whose question left the bank is
/// kept: the bank that loads the file says so, with its line).
pub fn export(bank: &Bank, db: &Path, out: &Path, written_only: bool) -> anyhow::Result<Exported> {
    if !super::is_url(db) && !db.exists() {
        anyhow::bail!(
            "there is no database at {}: pass the bot's file with --db",
            db.display()
        );
    }
    let (rt, store) = super::open_store(db)?;
    let rows = rt.block_on(appeal::relabelled(&store));
    store.close();
    let mut rows = rows?;
    let all = rows.len();
    if written_only {
        rows.retain(|r| {
            bank.get(&r.question)
                .is_none_or(|q| q.takes_written_answer())
        });
    }
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(out)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?,
    );
    for r in &rows {
        let typed = as_typed(bank, r);
        let line = LabelledLine {
            question: &r.question,
            answer: &typed,
            label: r.verdict,
            style: STYLE,
            seed: r.seed,
        };
        writeln!(file, "{}", serde_json::to_string(&line)?)?;
    }
    file.flush()?;
    Ok(Exported {
        written: rows.len(),
        left_out: all - rows.len(),
    })
}

/// The answer as `grade` reads it; as kept when the bank no longer has its question.
fn as_typed(bank: &Bank, r: &Relabelled) -> String {
    bank.get(&r.question)
        .map(|q| q.instance(r.seed))
        .and_then(|inst| answer::reread(&inst, &r.answer).map(|a| answer::typed(&inst, &a)))
        .unwrap_or_else(|| r.answer.clone())
}
