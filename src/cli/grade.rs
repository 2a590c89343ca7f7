//! `grade ID ANSWER` and `grade --batch FILE.jsonl`.

use crate::bank::Bank;
use crate::grade::{Grade, Grader};
use clap::Args;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct GradeArgs {
    /// The question id.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    id: Option<String>,
    /// The answer: text, an option number as `questions show` numbers it, `true`/`false`, or
    /// item numbers in order.
    #[arg(required_unless_present = "batch")]
    answer: Option<String>,
    /// The seed of the round (orders options, makes generated questions).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print the grade as one JSON object.
    #[arg(long)]
    json: bool,
    /// Show the evidence: for each key point and misconception, the phrasing and the words of
    /// the answer that matched it, or why it did not count.
    #[arg(long)]
    explain: bool,
    /// Grade every line of a JSONL file: {"question": ID, "answer": TEXT, "seed": N?}.
    #[arg(long, value_name = "FILE.jsonl")]
    batch: Option<PathBuf>,
}

/// One output line of `grade --json` and `grade --batch`.
#[derive(Serialize)]
struct GradeLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    seed: u64,
    #[serde(flatten)]
    grade: &'a Grade,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchLine {
    question: String,
    answer: String,
    #[serde(default)]
    seed: u64,
    /// Labelled sets carry their label; the grader ignores it.
    #[serde(default)]
    #[allow(dead_code)]
    label: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    style: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    label_a: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    label_b: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    writer: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    key: Option<String>,
}

pub fn run(bank: &Bank, grader: &Grader, args: GradeArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.batch {
        return batch(bank, grader, path);
    }
    let (Some(id), Some(answer)) = (args.id, args.answer) else {
        anyhow::bail!("give a question id and an answer, or --batch FILE.jsonl");
    };
    let grade = grade_one(bank, grader, &id, &answer, args.seed)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let line = GradeLine {
            line: None,
            seed: args.seed,
            grade: &grade,
        };
        writeln!(out, "{}", serde_json::to_string(&line)?)?;
    } else {
        let q = bank.get(&id).expect("graded, so it exists");
        write!(
            out,
            "{}",
            render(&grade, &q.instance(args.seed).explanation())
        )?;
        if args.explain {
            write!(out, "{}", render_evidence(&grade))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn grade_one(
    bank: &Bank,
    grader: &Grader,
    id: &str,
    answer: &str,
    seed: u64,
) -> anyhow::Result<Grade> {
    let q = bank.get(id).ok_or_else(|| {
        anyhow::anyhow!(
            "no question has the id `{id}`: `interview-bot questions list` shows the ids"
        )
    })?;
    Ok(grader.grade_text(&q.instance(seed), answer)?)
}

fn batch(bank: &Bank, grader: &Grader, path: &PathBuf) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let n = n + 1;
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let result = serde_json::from_str::<BatchLine>(&line)
            .map_err(|e| anyhow::anyhow!("not a valid answer line ({e}); expected {{\"question\": ID, \"answer\": TEXT, \"seed\": N}}"))
            .and_then(|b| grade_one(bank, grader, &b.question, &b.answer, b.seed).map(|g| (g, b.seed)));
        match result {
            Ok((grade, seed)) => {
                let line = GradeLine {
                    line: Some(n),
                    seed,
                    grade: &grade,
                };
                writeln!(out, "{}", serde_json::to_string(&line)?)?;
            }
            Err(e) => {
                failed += 1;
                eprintln!("{}:{n}: {e}", path.display());
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} line(s) could not be graded; the others were");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// A grade as the terminal shows it.
pub fn render(g: &Grade, explanation: &str) -> String {
    let mut out = format!(
        "{} ({:.0}%)\n",
        g.verdict.as_str().to_uppercase(),
        g.score * 100.0
    );
    for h in &g.hit {
        out.push_str(&format!("  ✓ {h}\n"));
    }
    for m in &g.missed {
        out.push_str(&format!("  ✗ {m}\n"));
    }
    for m in &g.misconceptions {
        out.push_str(&format!("  ! {m}\n"));
    }
    for n in &g.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    out.push_str(&format!("answer: {}\nwhy: {explanation}\n", g.answer));
    out
}

/// The evidence of a free-text grade, one line per key point and misconception.
pub fn render_evidence(g: &Grade) -> String {
    if g.evidence.is_empty() {
        return "evidence: this kind is graded exactly, with no rubric\n".into();
    }
    let mut out = String::from("evidence:\n");
    for e in &g.evidence {
        out.push_str(&format!(
            "  {:<13} {:<14} {}\n  {:<28} {}\n",
            e.kind, e.outcome, e.text, "", e.why
        ));
    }
    if let Some(v) = &g.precedents {
        let outcome = if v.overruled {
            format!("the rubric said {}; they overruled it", v.rubric)
        } else {
            format!("the rubric's {} holds", v.rubric)
        };
        out.push_str(&format!(
            "  precedents: {outcome}; the nearest graded answers:\n"
        ));
        for n in &v.nearest {
            let text: String = n.answer.chars().take(90).collect();
            let more = if n.answer.chars().count() > 90 {
                "..."
            } else {
                ""
            };
            out.push_str(&format!(
                "    {:.2} {:<8} {text}{more}\n",
                n.similarity, n.verdict
            ));
        }
    }
    for n in &g.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    out
}
