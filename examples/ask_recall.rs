//! How well `/ask` finds a question from a member's own words: for every question of the
//! built-in bank, a paraphrase of its prompt written in other words (`tests/data/ask/
//! paraphrases.jsonl`) is asked, and the question should come first. Prints top-1 and top-3
//! recall, the median time of one question asked, how the paraphrases' scores and those of
//! questions from outside the bank (`off_topic.jsonl`) fall either side of the threshold, and
//! the paraphrases that miss.
//!
//!     cargo run --release --example ask_recall             # what /ask uses
//!     cargo run --release --example ask_recall -- recipes  # also other documents, for comparison

use interview_bot::bank::{Bank, BankSource};
use interview_bot::quiz::ask::{Found, Index, Recipe, CLOSE_FROM};
use std::time::{Duration, Instant};

fn lines(name: &str) -> Vec<serde_json::Value> {
    let path = format!("{}/tests/data/ask/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

fn text(v: &serde_json::Value) -> &str {
    v["text"].as_str().expect("a text")
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn measure(bank: &Bank, recipe: Recipe, name: &str, verbose: bool) {
    let started = Instant::now();
    let index = Index::with_recipe(bank.vocabulary(), bank.topics(), bank.questions(), recipe);
    let built = started.elapsed();
    let paraphrases = lines("paraphrases.jsonl");
    let (mut top1, mut top3) = (0, 0);
    let mut times: Vec<Duration> = Vec::new();
    let mut own_best: Vec<f64> = Vec::new();
    let mut misses = Vec::new();
    for p in &paraphrases {
        let id = p["question"].as_str().expect("a question id");
        let started = Instant::now();
        let ranked = index.rank(text(p));
        times.push(started.elapsed());
        let at = ranked.iter().position(|h| h.id == id);
        top1 += usize::from(at == Some(0));
        top3 += usize::from(at.is_some_and(|a| a < 3));
        if at == Some(0) {
            own_best.push(ranked[0].score);
        } else {
            let first = ranked
                .first()
                .map_or("nothing".into(), |h| format!("{} ({:.3})", h.id, h.score));
            let own = at.map_or("not ranked".into(), |a| {
                format!("#{} ({:.3})", a + 1, ranked[a].score)
            });
            misses.push(format!("  {id}: {own}, first {first} <- {}", text(p)));
        }
    }
    let off: Vec<(f64, String)> = lines("off_topic.jsonl")
        .iter()
        .map(|v| {
            let best = index.rank(text(v)).first().map_or(0.0, |h| h.score);
            (best, text(v).to_string())
        })
        .collect();
    let off_close = off
        .iter()
        .filter(|(_, t)| matches!(index.ask(t), Found::Close { .. }))
        .count();
    times.sort();
    own_best.sort_by(f64::total_cmp);
    let n = paraphrases.len();
    let below = own_best.iter().filter(|s| **s < CLOSE_FROM).count();
    println!(
        "{name}: questions={} paraphrases={n} top1={top1} ({:.1}%) top3={top3} ({:.1}%) median_query_us={:.0} index_ms={:.1}",
        index.len(),
        100.0 * top1 as f64 / n as f64,
        100.0 * top3 as f64 / n as f64,
        times[times.len() / 2].as_secs_f64() * 1e6,
        built.as_secs_f64() * 1e3,
    );
    let mut off_scores: Vec<f64> = off.iter().map(|(s, _)| *s).collect();
    off_scores.sort_by(f64::total_cmp);
    println!(
        "  threshold {CLOSE_FROM}: found-first paraphrases below it {below}/{}; their score p10={:.3} median={:.3}; off-topic close {off_close}/{}, off-topic best score median={:.3} max={:.3}",
        own_best.len(),
        quantile(&own_best, 0.1),
        quantile(&own_best, 0.5),
        off.len(),
        quantile(&off_scores, 0.5),
        quantile(&off_scores, 1.0),
    );
    if verbose {
        // Every paraphrase's best score, and whether its best is its own question.
        let best: Vec<(f64, bool)> = paraphrases
            .iter()
            .map(|p| {
                let ranked = index.rank(text(p));
                ranked.first().map_or((0.0, false), |h| {
                    (h.score, Some(h.id.as_str()) == p["question"].as_str())
                })
            })
            .collect();
        println!("by threshold: paraphrases shown their own question as close / another as close / nothing close; off-topic shown something as close");
        for t in [0.15, 0.2, 0.25, 0.3, 0.35] {
            let right = best.iter().filter(|(s, own)| *own && *s >= t).count();
            let wrong = best.iter().filter(|(s, own)| !*own && *s >= t).count();
            let off_close = off.iter().filter(|(s, _)| *s >= t).count();
            println!(
                "  {t:.2}{}: {right} / {wrong} / {} of {n}; off-topic {off_close} of {}",
                if t == CLOSE_FROM { " (/ask)" } else { "" },
                n - right - wrong,
                off.len()
            );
        }
        println!("misses:");
        for m in &misses {
            println!("{m}");
        }
        let mut off = off;
        off.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!("off-topic, highest first:");
        for (s, t) in off.iter().take(8) {
            println!("  {s:.3}  {t}");
        }
    }
}

fn main() {
    // INTERVIEW_BOT_QUESTIONS picks another bank, as it does for the binary.
    let dir = std::env::var("INTERVIEW_BOT_QUESTIONS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/questions").to_string());
    let bank = Bank::load(&BankSource::Dir(dir.into())).unwrap_or_else(|e| panic!("{e}"));
    measure(&bank, Recipe::DEFAULT, "ask", true);
    if std::env::args().any(|a| a == "recipes") {
        let only = |prompt_alone, prompt, answer, labels, explanation| Recipe {
            prompt_alone,
            prompt,
            answer,
            labels,
            explanation,
        };
        for (name, r) in [
            ("prompt alone", only(1.0, 1.0, 0.0, 0.0, 0.0)),
            ("prompt + answer", only(0.0, 1.0, 1.0, 0.0, 0.0)),
            ("prompt + answer + labels", only(0.0, 1.0, 1.0, 1.0, 0.0)),
            (
                "prompt + answer + labels + explanation",
                only(0.0, 1.0, 1.0, 1.0, 1.0),
            ),
            (
                "prompt twice + answer + labels",
                only(0.0, 2.0, 1.0, 1.0, 0.0),
            ),
        ] {
            measure(&bank, r, name, false);
        }
    }
}
