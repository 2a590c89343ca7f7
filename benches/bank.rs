//! Loading a big question bank: the same questions in one file and split over 20 files.
//!
//!     cargo bench --bench bank
//!
//! Generates banks of 20,000 and 100,000 questions (a mix of every hand-written kind, free-text
//! ones with their rubric and examples) into a temporary folder and prints the median time of
//! `Bank::load` over a few runs. Target: 100,000 questions in one file load in under 2 s, and one
//! file costs about what 20 files do (a loader that locates errors by counting lines from the
//! start of the file for every question was quadratic: 20,000 questions in one file took 15.8 s).

use interview_bot::bank::{Bank, BankSource};
use std::path::Path;
use std::time::Instant;

const RUNS: usize = 5;

/// One question of a kind that follows from `i`, valid as the loader wants it.
fn question(i: usize) -> String {
    let head = |kind: &str| {
        format!(
            "[[question]]\nid = \"q-{i}\"\nkind = \"{kind}\"\ndifficulty = \"medium\"\n\
             source = \"bench\"\nexplanation = \"Question {i} is right for a reason.\"\n"
        )
    };
    match i % 5 {
        0 => head("choice")
            + &format!(
                "prompt = \"Which option is number {i}?\"\n\
                 options = [\"first {i}\", \"second {i}\", \"third {i}\"]\nanswer = 2\n\n"
            ),
        1 => head("multi")
            + &format!(
                "prompt = \"Which options hold {i}?\"\n\
                 options = [\"a {i}\", \"b {i}\", \"c\", \"d\"]\nanswers = [1, 2]\n\n"
            ),
        2 => head("true_false") + &format!("prompt = \"{i} is a number.\"\nanswer = true\n\n"),
        3 => head("order")
            + &format!("prompt = \"Order these ({i}).\"\nitems = [\"one\", \"two\", \"three\"]\n\n"),
        _ => {
            head("free_text")
                + &format!(
                    "prompt = \"Explain thing {i}.\"\n\
                     model_answer = \"Thing {i} keeps its own state and shares nothing.\"\n\n\
                     [[question.points]]\ntext = \"It keeps its own state\"\n\
                     phrasings = [\"own state\", \"private state\"]\n\n\
                     [[question.points]]\ntext = \"It shares nothing\"\n\
                     phrasings = [\"shares nothing\", \"no sharing\"]\n\n\
                     [question.examples]\n\
                     correct = [\"own state, shares nothing\", \"private state and no sharing\", \
                     \"it has its own state and shares nothing\", \"no sharing; own state\", \
                     \"keeps a private state, shares nothing\", \"own state and no sharing at all\"]\n\
                     partial = [\"own state\", \"shares nothing\"]\n\
                     wrong = [\"it is fast\", \"no idea\", \"a thing\", \"it shares everything\"]\n\n"
                )
        }
    }
}

/// Writes `n` questions into `files` topic files under `dir`.
fn generate(dir: &Path, n: usize, files: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let per_file = n.div_ceil(files);
    for f in 0..files {
        let mut src = format!("topic = \"bench-{f}\"\ntitle = \"Bench {f}\"\n\n");
        for i in f * per_file..((f + 1) * per_file).min(n) {
            src.push_str(&question(i));
        }
        std::fs::write(dir.join(format!("bench-{f}.toml")), src).unwrap();
    }
}

/// Seconds this thread has run on a CPU (Linux), so a figure taken on a busy shared machine
/// still says what the load itself costs; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    for n in [20_000, 100_000] {
        for files in [1, 20] {
            let dir = tmp.path().join(format!("{n}-{files}"));
            generate(&dir, n, files);
            let source = BankSource::Dir(dir.clone());
            let (mut wall, mut cpu) = (Vec::new(), Vec::new());
            for _ in 0..RUNS {
                let (t, c) = (Instant::now(), cpu_seconds());
                let bank = Bank::load(&source).unwrap_or_else(|e| panic!("{e}"));
                wall.push(t.elapsed().as_secs_f64());
                cpu.extend(c.zip(cpu_seconds()).map(|(a, b)| b - a));
                assert_eq!(bank.questions().len(), n);
            }
            let cpu = if cpu.len() == RUNS {
                format!(", cpu {:.3} s", median(cpu))
            } else {
                String::new()
            };
            let bytes: u64 = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().metadata().unwrap().len())
                .sum();
            println!(
                "{n:>7} questions in {files:>2} file{}: median {:.3} s{cpu} over {RUNS} runs \
                 ({:.1} MB; target for 100,000 in one file: < 2 s)",
                if files == 1 { " " } else { "s" },
                median(wall),
                bytes as f64 / 1e6,
            );
        }
    }
}
