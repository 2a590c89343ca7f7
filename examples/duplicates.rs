//! How the duplicate warning of `/suggest` sees the bank: for every question, the closest other
//! one (the tf-idf cosine of the reference-similarity model, over prompt and right answer, as
//! `quiz::suggest::similar` scores a suggestion), the closest pairs, and how many questions
//! would be warned about at the threshold.
//!
//!     cargo run --release --example duplicates

use interview_bot::bank::{Bank, BankSource};
use interview_bot::quiz::suggest::similar::{gist, Index, DUPLICATE_FROM};
use std::collections::HashSet;

fn main() {
    // INTERVIEW_BOT_QUESTIONS picks another bank, as it does for the binary.
    let dir = std::env::var("INTERVIEW_BOT_QUESTIONS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/questions").to_string());
    let bank = Bank::load(&BankSource::Dir(dir.into())).unwrap_or_else(|e| panic!("{e}"));
    let started = std::time::Instant::now();
    let index = Index::new(bank.vocabulary(), bank.questions());
    let built = started.elapsed();
    let started = std::time::Instant::now();
    let mut nearest: Vec<(f64, String, String)> = bank
        .questions()
        .iter()
        .map(|q| {
            let others = index.scores(&gist(q));
            let other = others
                .into_iter()
                .find(|s| s.id != q.id.0)
                .expect("the bank has two questions");
            (other.score, q.id.0.clone(), other.id)
        })
        .collect();
    let per_check = started.elapsed() / bank.questions().len() as u32;
    nearest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("closest pairs:");
    let mut shown = HashSet::new();
    for (score, a, b) in &nearest {
        let pair = if a < b { (a, b) } else { (b, a) };
        if shown.len() < 10 && shown.insert(pair) {
            println!("  {score:.3}  {a} ~ {b}");
        }
    }
    let n = nearest.len();
    let warned = nearest.iter().filter(|s| s.0 >= DUPLICATE_FROM).count();
    println!(
        "questions={n} median_nearest={:.3} warned_at_{DUPLICATE_FROM}={warned} index_ms={:.1} one_check_ms={:.2}",
        nearest[n / 2].0,
        built.as_secs_f64() * 1000.0,
        per_check.as_secs_f64() * 1000.0
    );
}
