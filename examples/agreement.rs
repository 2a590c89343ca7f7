//! How well the grader agrees with the labelled answers in `tests/data/labelled/`:
//! band agreement, the confusion matrix and the count of severe errors; with `ERRORS=1` every
//! severe error, with `VERBOSE=1` every disagreement.
//!
//!     cargo run --release --example agreement [-- FILE.jsonl ...]

use interview_bot::bank::{Bank, BankSource};
use interview_bot::grade::eval::{evaluate_apart, labeller_agreement, read_jsonl};
use std::collections::BTreeMap;

fn main() {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/labelled");
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .expect("tests/data/labelled exists")
            .filter_map(|e| e.ok().map(|e| e.path().display().to_string()))
            .filter(|p| p.ends_with(".jsonl"))
            .collect();
        found.sort();
        files = found;
    }
    // INTERVIEW_BOT_QUESTIONS picks another bank, as it does for the binary.
    let dir = std::env::var("INTERVIEW_BOT_QUESTIONS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/questions").to_string());
    let bank = Bank::load(&BankSource::Dir(dir.into())).unwrap_or_else(|e| panic!("{e}"));
    let mut items = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        items.extend(read_jsonl(f, &src).unwrap_or_else(|e| panic!("{e}")));
    }
    // No answer is graded with its own writer's precedents (the dev split is the bank's
    // precedents, `questions/precedents.jsonl`).
    let report = evaluate_apart(&bank, &items).unwrap_or_else(|e| panic!("{e}"));
    let questions: std::collections::HashSet<&str> =
        items.iter().map(|i| i.question.as_str()).collect();
    println!(
        "{} labelled answers to {} questions",
        report.total(),
        questions.len()
    );
    if let Some((n, raw, kappa)) = labeller_agreement(&items) {
        println!(
            "labellers (the ceiling): {n} answers labelled twice, raw agreement {raw:.3}, Cohen's kappa {kappa:.3}"
        );
    }
    println!("\n{}", report.confusion_table());
    let mut by_style: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in &report.outcomes {
        let e = by_style.entry(o.item.style.as_str()).or_default();
        e.1 += 1;
        if o.verdict == o.item.label {
            e.0 += 1;
        }
    }
    println!("agreement by style:");
    for (style, (ok, n)) in &by_style {
        println!("  {style:<16} {ok:>3}/{n:<3}");
    }
    let verbose = std::env::var("VERBOSE").is_ok();
    if let Ok(path) = std::env::var("SCORES") {
        let rows: Vec<String> = report
            .outcomes
            .iter()
            .map(|o| {
                format!(
                    "{}\t{}\t{}\t{}",
                    o.item.question, o.item.style, o.item.label, o.score
                )
            })
            .collect();
        std::fs::write(&path, rows.join("\n")).expect("SCORES is a writable path");
    }
    // A test split stays blind only while its answers go unread: they are listed only when
    // asked for (ERRORS=1, or VERBOSE=1 for every disagreement).
    let errors = verbose || std::env::var("ERRORS").is_ok();
    if errors {
        println!("\nsevere errors:");
    } else {
        println!("\nsevere errors: listed with ERRORS=1 (read them on the dev split only)");
    }
    for o in report.severe().into_iter().filter(|_| errors) {
        println!(
            "  [{}] {} graded {} ({:.2}): {}",
            o.item.question, o.item.label, o.verdict, o.score, o.item.answer
        );
    }
    if verbose {
        println!("\nother disagreements:");
        for o in report.outcomes.iter().filter(|o| o.verdict != o.item.label) {
            println!(
                "  [{}] {} {} graded {} ({:.2}): {}",
                o.item.question, o.item.style, o.item.label, o.verdict, o.score, o.item.answer
            );
        }
    }
    println!(
        "\nagreement={:.3} severe={:.3} ({} of {})",
        report.agreement(),
        report.severe_rate(),
        report.severe().len(),
        report.total()
    );
}
