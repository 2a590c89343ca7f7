//! `questions check`, `list` and `show`.

use super::ListArgs;
use crate::bank::{Bank, BankSource, Difficulty, Kind, KindName, Question};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

/// Loads the bank, lints its rubrics and grades its examples; every error is printed at once.
/// Output that cannot be written (a reader that stops early, `| head`) is dropped, never a panic.
pub fn check(source: &BankSource) -> ExitCode {
    let bank = match Bank::load(source) {
        Ok(bank) => bank,
        Err(errors) => {
            let _ = write!(std::io::stderr(), "{errors}");
            return ExitCode::FAILURE;
        }
    };
    let grader = crate::grade::Grader::new(&bank);
    let errors = problems(&bank, &grader);
    if !errors.is_empty() {
        let _ = write!(std::io::stderr(), "{}", crate::bank::BankErrors(errors));
        return ExitCode::FAILURE;
    }
    let examples: usize = bank.questions().iter().map(|q| q.examples.len()).sum();
    let _ = write!(
        std::io::stdout(),
        "{}examples: {examples}, each graded as its author expects\n{}\n",
        summary(&bank, source),
        crate::bank::bias::length_bias(&bank).describe()
    );
    ExitCode::SUCCESS
}

/// What `questions check` finds in a bank that loaded: phrasings that could never match,
/// examples graded otherwise than their authors expect, and a choice bias.
pub fn problems(bank: &Bank, grader: &crate::grade::Grader) -> Vec<crate::bank::BankError> {
    let mut errors = crate::grade::lint_errors(bank, grader);
    errors.extend(crate::grade::selftest::check(bank, grader));
    errors.extend(crate::bank::bias::check(bank));
    errors
}

/// Counts per topic and difficulty, and per kind.
pub fn summary(bank: &Bank, source: &BankSource) -> String {
    let mut out = format!(
        "ok: {} questions in {} topics ({})\n\n",
        bank.questions().len(),
        bank.topics().len(),
        source.describe()
    );
    out.push_str(&format!(
        "{:<20} {:>5} {:>7} {:>5} {:>6}\n",
        "topic", "easy", "medium", "hard", "total"
    ));
    for topic in bank.topics() {
        let of = |d: Difficulty| {
            bank.questions()
                .iter()
                .filter(|q| q.topic == topic.id && q.difficulty == d)
                .count()
        };
        let total = bank
            .questions()
            .iter()
            .filter(|q| q.topic == topic.id)
            .count();
        out.push_str(&format!(
            "{:<20} {:>5} {:>7} {:>5} {:>6}\n",
            topic.id,
            of(Difficulty::Easy),
            of(Difficulty::Medium),
            of(Difficulty::Hard),
            total
        ));
    }
    let by_difficulty = |d: Difficulty| {
        bank.questions()
            .iter()
            .filter(|q| q.difficulty == d)
            .count()
    };
    out.push_str(&format!(
        "{:<20} {:>5} {:>7} {:>5} {:>6}\n\n",
        "all",
        by_difficulty(Difficulty::Easy),
        by_difficulty(Difficulty::Medium),
        by_difficulty(Difficulty::Hard),
        bank.questions().len()
    ));
    let mut kinds: BTreeMap<KindName, usize> = KindName::ALL.iter().map(|k| (*k, 0)).collect();
    for q in bank.questions() {
        *kinds.entry(q.kind.name()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    out.push_str(&format!("kinds: {}\n", kinds.join(", ")));
    out
}

#[derive(serde::Serialize)]
struct ListedQuestion<'a> {
    id: &'a str,
    topic: &'a str,
    kind: KindName,
    difficulty: Difficulty,
    prompt: &'a str,
    source: &'a str,
    tags: &'a [String],
    /// For graded free-text and short questions: how many examples of each verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    examples: Option<BTreeMap<&'static str, usize>>,
    /// The ids of the questions that dig deeper, in the order they are asked (often empty).
    follow_ups: Vec<&'a str>,
}

pub fn list(bank: &Bank, args: ListArgs) -> anyhow::Result<ExitCode> {
    let chosen: Vec<&Question> = bank.select(args.topic.as_deref(), None)?;
    if args.json {
        let listed: Vec<ListedQuestion> = chosen
            .iter()
            .map(|q| ListedQuestion {
                id: &q.id.0,
                topic: &q.topic,
                kind: q.kind.name(),
                difficulty: q.difficulty,
                prompt: if q.prompt.is_empty() {
                    q.kind.name().as_str()
                } else {
                    &q.prompt
                },
                source: &q.source,
                tags: &q.tags,
                examples: matches!(q.kind, Kind::FreeText(_) | Kind::Short { .. }).then(|| {
                    crate::bank::Expect::ALL
                        .iter()
                        .map(|e| {
                            let n = q.examples.iter().filter(|x| x.expect == *e).count();
                            (e.as_str(), n)
                        })
                        .collect()
                }),
                follow_ups: q.follow_ups.iter().map(|f| f.id.0.as_str()).collect(),
            })
            .collect();
        writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string_pretty(&listed)?
        )?;
    } else {
        let mut out = std::io::stdout().lock();
        for q in chosen {
            let prompt = one_line(&q.instance(0).prompt);
            let short: String = prompt.chars().take(70).collect();
            let more = if prompt.chars().count() > 70 {
                "…"
            } else {
                ""
            };
            writeln!(
                out,
                "{:<40} {:<18} {:<10} {:<6} {short}{more}",
                q.id.0,
                q.topic,
                q.kind.name().as_str(),
                q.difficulty.as_str()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A prompt on one line of the list: a code block, which cannot be shown whole there, is
/// `[code]`, so the line is never cut inside one.
fn one_line(prompt: &str) -> String {
    let mut text = prompt.to_string();
    if let Ok(blocks) = crate::bank::markdown::code_blocks(prompt) {
        for b in blocks.into_iter().rev() {
            text.replace_range(b, "[code]");
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A question in full, as an author checks it.
pub fn show(q: &Question, seed: u64) -> String {
    let inst = q.instance(seed);
    let mut out = format!(
        "{}  [{} · {} · {}]\nsource: {}{}\n\n{}\n",
        q.id,
        q.topic,
        q.kind.name(),
        q.difficulty,
        q.source,
        if q.tags.is_empty() {
            String::new()
        } else {
            format!("  tags: {}", q.tags.join(", "))
        },
        inst.prompt
    );
    let shown: Vec<(usize, &str)> = inst.shown().collect();
    for (n, (_, text)) in shown.iter().enumerate() {
        out.push_str(&format!("  {}. {text}\n", n + 1));
    }
    let position = |i: usize| shown.iter().position(|(j, _)| *j == i).map_or(0, |p| p + 1);
    out.push('\n');
    match &q.kind {
        Kind::Choice { options, answer } => {
            out.push_str(&format!(
                "answer: {}. {}\n",
                position(*answer),
                options[*answer]
            ));
        }
        Kind::Multi { options, answers } => {
            let picks: Vec<String> = answers
                .iter()
                .map(|&i| format!("{}. {}", position(i), options[i]))
                .collect();
            out.push_str(&format!("answers: {}\n", picks.join("; ")));
        }
        Kind::TrueFalse { answer } => out.push_str(&format!("answer: {answer}\n")),
        Kind::Order { items } => {
            let right: Vec<String> = (0..items.len()).map(|i| position(i).to_string()).collect();
            out.push_str(&format!(
                "answer (as numbered above): {}\n",
                right.join(" ")
            ));
        }
        Kind::Short {
            answer,
            accept,
            rivals,
            normalise,
        } => {
            out.push_str(&format!("answer: {answer}\n"));
            if !accept.is_empty() {
                out.push_str(&format!("also accepted: {}\n", accept.join(" | ")));
            }
            if !rivals.is_empty() {
                out.push_str(&format!(
                    "rivals (half, beside the answer): {}\n",
                    rivals.join(" | ")
                ));
            }
            out.push_str(&format!(
                "normalise: {}\n",
                serde_json::to_value(normalise)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or("text")
            ));
        }
        Kind::FreeText(r) => {
            for p in &r.points {
                out.push_str(&format!(
                    "key point (weight {}): {}\n    phrasings: {}\n",
                    p.weight,
                    p.text,
                    p.phrasings.join(" | ")
                ));
            }
            for m in &r.misconceptions {
                out.push_str(&format!(
                    "misconception (penalty {}): {}\n    phrasings: {}\n",
                    m.penalty,
                    m.text,
                    m.phrasings.join(" | ")
                ));
            }
            out.push_str(&format!("model answer: {}\n", r.model_answer));
        }
        Kind::Generated(t) => {
            let g = inst
                .generated
                .as_ref()
                .expect("a generated question has an instance");
            out.push_str(&format!(
                "template: {} (seed {seed})\nanswer: {}\n",
                t.as_str(),
                g.answer
            ));
            if !g.accept.is_empty() {
                out.push_str(&format!("also accepted: {}\n", g.accept.join(" | ")));
            }
        }
    }
    out.push_str(&format!("\nexplanation: {}\n", inst.explanation()));
    if !q.follow_ups.is_empty() {
        let ids: Vec<&str> = q.follow_ups.iter().map(|f| f.id.0.as_str()).collect();
        out.push_str(&format!("follow-ups: {}\n", ids.join(", ")));
    }
    out
}
