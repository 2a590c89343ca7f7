//! `play`: the quiz in a terminal, reading answers from standard input (a pipe works too).

use super::grade::render;
use crate::bank::seeded::SeededRng;
use crate::bank::{Bank, Difficulty, Kind, Question};
use crate::grade::{Grader, Verdict};
use clap::Args;
use std::io::{BufRead, Write};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct PlayArgs {
    /// Only questions of this topic.
    #[arg(long)]
    topic: Option<String>,
    /// Only questions of this difficulty (easy, medium, hard).
    #[arg(long, value_parser = parse_difficulty)]
    difficulty: Option<Difficulty>,
    /// How many questions.
    #[arg(long, default_value_t = 5)]
    count: usize,
    /// Seed for the choice of questions, so a session can be replayed [default: random].
    #[arg(long)]
    seed: Option<u64>,
}

fn parse_difficulty(s: &str) -> Result<Difficulty, String> {
    Difficulty::parse(s)
        .ok_or_else(|| format!("`{s}` is not a difficulty: use easy, medium or hard"))
}

fn how_to_answer(q: &Question) -> &'static str {
    match q.kind {
        Kind::Choice { .. } => "answer with the number of an option",
        Kind::Multi { .. } => "answer with the numbers of every right option, e.g. 1 3",
        Kind::TrueFalse { .. } => "answer true or false",
        Kind::Order { .. } => "answer with the numbers in the right order, e.g. 3 1 2",
        Kind::Short { .. } | Kind::Generated(_) => "answer in a word or two",
        Kind::FreeText(_) => "answer in a sentence or a few, on one line",
    }
}

pub fn run(
    bank: &Bank,
    grader: &Grader,
    args: PlayArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let pool: Vec<&Question> = bank.select(args.topic.as_deref(), args.difficulty)?;
    if pool.is_empty() {
        anyhow::bail!("no question matches that topic and difficulty");
    }
    let seed = args.seed.unwrap_or_else(rand::random);
    let mut rng = SeededRng::new(seed);
    let order = rng.permutation(pool.len());
    let count = args.count.min(pool.len());
    let mut total = 0.0;
    let mut asked = 0;
    'questions: for (n, &i) in order.iter().take(count).enumerate() {
        let q = pool[i];
        let inst = q.instance(rng.below(u32::MAX as usize) as u64);
        writeln!(
            out,
            "\nQuestion {} of {count} · {} · {} · {}",
            n + 1,
            q.topic,
            q.difficulty,
            q.kind.name()
        )?;
        writeln!(out, "{}", inst.prompt)?;
        for (k, (_, text)) in inst.shown().enumerate() {
            writeln!(out, "  {}. {text}", k + 1)?;
        }
        writeln!(out, "({})", how_to_answer(q))?;
        let grade = loop {
            write!(out, "> ")?;
            out.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                writeln!(out)?;
                break 'questions;
            }
            match grader.grade_text(&inst, line.trim_end_matches(['\n', '\r'])) {
                Ok(g) => break g,
                Err(e) => writeln!(out, "{e}")?,
            }
        };
        asked += 1;
        total += grade.score;
        write!(out, "{}", render(&grade, &inst.explanation()))?;
    }
    let verdict = if asked == 0 {
        Verdict::Wrong
    } else {
        Verdict::of_score(total / asked as f64)
    };
    writeln!(
        out,
        "\nDone: {total:.1} out of {asked} ({verdict}). Replay this set with --seed {seed}."
    )?;
    Ok(ExitCode::SUCCESS)
}
