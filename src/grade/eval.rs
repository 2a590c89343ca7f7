//! Measuring the grader against labelled answers: band agreement, confusion and severe errors.

use super::{Grader, Verdict};
use crate::bank::Bank;
use serde::Deserialize;

/// One labelled answer, as stored in `tests/data/labelled/*.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct Labelled {
    pub question: String,
    pub answer: String,
    pub label: Verdict,
    #[serde(default)]
    pub style: String,
    #[serde(default)]
    pub seed: u64,
    /// In a set labelled twice: each labeller's own label (`label` is the settled one).
    #[serde(default)]
    pub label_a: Option<Verdict>,
    #[serde(default)]
    pub label_b: Option<Verdict>,
    #[serde(default)]
    pub writer: String,
}

/// Reads JSONL; a bad line is an error naming the file and line.
pub fn read_jsonl(name: &str, src: &str) -> Result<Vec<Labelled>, String> {
    src.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).map_err(|e| format!("{name}:{}: {e}", n + 1)))
        .collect()
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub item: Labelled,
    pub verdict: Verdict,
    pub score: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    /// `confusion[label][verdict]`, in the order wrong, partial, correct.
    pub confusion: [[usize; 3]; 3],
}

impl Report {
    pub fn total(&self) -> usize {
        self.outcomes.len()
    }

    pub fn agreement(&self) -> f64 {
        let same: usize = (0..3).map(|i| self.confusion[i][i]).sum();
        same as f64 / self.total().max(1) as f64
    }

    /// A correct answer graded wrong, or a wrong one graded correct.
    pub fn severe(&self) -> Vec<&Outcome> {
        self.outcomes
            .iter()
            .filter(|o| {
                matches!(
                    (o.item.label, o.verdict),
                    (Verdict::Correct, Verdict::Wrong) | (Verdict::Wrong, Verdict::Correct)
                )
            })
            .collect()
    }

    pub fn severe_rate(&self) -> f64 {
        self.severe().len() as f64 / self.total().max(1) as f64
    }

    pub fn confusion_table(&self) -> String {
        let mut out = String::from("label \\ graded    wrong  partial  correct\n");
        for (i, name) in ["wrong", "partial", "correct"].iter().enumerate() {
            let row = self.confusion[i];
            out.push_str(&format!(
                "{name:<16} {:>6} {:>8} {:>8}\n",
                row[0], row[1], row[2]
            ));
        }
        out
    }
}

/// Grades every labelled answer; an unknown question id is an error.
pub fn evaluate(bank: &Bank, grader: &Grader, items: &[Labelled]) -> Result<Report, String> {
    let mut report = Report::default();
    for item in items {
        let q = bank
            .get(&item.question)
            .ok_or_else(|| format!("no question `{}`", item.question))?;
        let g = grader
            .grade_text(&q.instance(item.seed), &item.answer)
            .map_err(|e| format!("{}: {e}", item.question))?;
        report.confusion[item.label.index()][g.verdict.index()] += 1;
        report.outcomes.push(Outcome {
            item: item.clone(),
            verdict: g.verdict,
            score: g.score,
        });
    }
    Ok(report)
}

/// The person behind a writer id: `K-junior` and `K-texter` are writer K in two personas.
pub fn writer_group(writer: &str) -> &str {
    writer.split('-').next().unwrap_or(writer)
}

/// Like [`evaluate`], but no answer is graded with precedents by its own writer: each writer's
/// answers get a grader that sets that writer's precedents aside, so a split the precedents come
/// from is measured as if its writer were new.
pub fn evaluate_apart(bank: &Bank, items: &[Labelled]) -> Result<Report, String> {
    let mut groups: Vec<&str> = items.iter().map(|i| writer_group(&i.writer)).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut slots: Vec<Option<Outcome>> = vec![None; items.len()];
    let mut report = Report::default();
    for group in groups {
        let grader = Grader::keeping(bank, |p| {
            group.is_empty() || writer_group(&p.writer) != group
        });
        let mine: Vec<usize> = (0..items.len())
            .filter(|&n| writer_group(&items[n].writer) == group)
            .collect();
        let list: Vec<Labelled> = mine.iter().map(|&n| items[n].clone()).collect();
        let r = evaluate(bank, &grader, &list)?;
        for (n, o) in mine.into_iter().zip(r.outcomes) {
            report.confusion[o.item.label.index()][o.verdict.index()] += 1;
            slots[n] = Some(o);
        }
    }
    report.outcomes = slots.into_iter().flatten().collect();
    Ok(report)
}

/// How far two labellers agree on the items labelled twice: (items, raw agreement, Cohen's
/// kappa). `None` when no item carries both labels.
pub fn labeller_agreement(items: &[Labelled]) -> Option<(usize, f64, f64)> {
    let pairs: Vec<(Verdict, Verdict)> = items
        .iter()
        .filter_map(|i| Some((i.label_a?, i.label_b?)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let observed = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let share = |v: Verdict, first: bool| {
        pairs
            .iter()
            .filter(|(a, b)| if first { *a == v } else { *b == v })
            .count() as f64
            / n
    };
    let expected: f64 = [Verdict::Wrong, Verdict::Partial, Verdict::Correct]
        .into_iter()
        .map(|v| share(v, true) * share(v, false))
        .sum();
    let kappa = if expected < 1.0 {
        (observed - expected) / (1.0 - expected)
    } else {
        1.0
    };
    Some((pairs.len(), observed, kappa))
}
