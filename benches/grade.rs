//! Grading speed and bank loading time, printed as medians.
//!
//!     cargo bench --bench grade
//!
//! Targets: a free-text answer graded in at most 50 µs (median, release build); the bank loaded and
//! validated, grader included, in at most 50 ms.

use interview_bot::bank::{Bank, BankSource, Kind};
use interview_bot::grade::eval::read_jsonl;
use interview_bot::grade::Grader;
use std::hint::black_box;
use std::time::Instant;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/questions");
    let source = BankSource::Dir(dir.into());

    let mut load_ms = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let bank = Bank::load(&source).expect("the bank is valid");
        let grader = Grader::new(&bank);
        black_box(&grader);
        load_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let builtin_ms = median(
        (0..30)
            .map(|_| {
                let t = Instant::now();
                let bank = Bank::load(&BankSource::Builtin).expect("the built-in bank is valid");
                black_box(Grader::new(&bank));
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    );

    let bank = Bank::load(&source).expect("the bank is valid");
    let grader = Grader::new(&bank);
    let mut answers = Vec::new();
    for f in ["answers-a.jsonl", "answers-b.jsonl"] {
        let path = format!("{}/tests/data/labelled/{f}", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).expect("labelled answers exist");
        answers.extend(read_jsonl(&path, &src).expect("valid JSONL"));
    }
    let free_text: Vec<_> = answers
        .iter()
        .filter(|a| {
            matches!(
                bank.get(&a.question).map(|q| &q.kind),
                Some(Kind::FreeText(_))
            )
        })
        .collect();
    // Warm up, then time each answer many times and take the median per answer.
    let mut per_answer_us = Vec::new();
    for a in &free_text {
        let inst = bank.get(&a.question).unwrap().instance(0);
        let rounds = 50;
        let t = Instant::now();
        for _ in 0..rounds {
            black_box(grader.grade_text(&inst, black_box(&a.answer)).ok());
        }
        per_answer_us.push(t.elapsed().as_secs_f64() * 1e6 / rounds as f64);
    }
    let max = per_answer_us.iter().copied().fold(0.0, f64::max);
    println!(
        "bank load+validate+grader: median {:.2} ms (folder), {:.2} ms (built-in) over 30 runs",
        median(load_ms.clone()),
        builtin_ms
    );
    println!(
        "free-text grading: {} answers, median {:.1} µs, slowest answer {:.1} µs",
        per_answer_us.len(),
        median(per_answer_us.clone()),
        max
    );
    println!(
        "grade_median_us={:.1} load_median_ms={:.2}",
        median(per_answer_us),
        median(load_ms)
    );
}
