//! A bank's own tests of its grading: every question's examples must get the verdict written
//! beside them, a free-text question's model answer and explanation must grade correct, and a
//! short question's rivals must grade wrong alone and partial beside the answer.
//! `questions check` runs them and names each mismatch by file, line and question id.

use super::{Grader, Verdict};
use crate::bank::{Bank, BankError, Expect, Kind};

fn verdict_of(e: Expect) -> Verdict {
    Verdict::from(e)
}

/// Every mismatch between an example's expected verdict and its grade, as bank errors.
pub fn check(bank: &Bank, grader: &Grader) -> Vec<BankError> {
    let mut errors = Vec::new();
    for q in bank.questions() {
        let inst = q.instance(0);
        let error = |line: usize, message: String| BankError {
            file: q.file.clone(),
            line: Some(line),
            id: Some(q.id.0.clone()),
            message,
        };
        for e in &q.examples {
            match grader.grade_text(&inst, &e.answer) {
                Ok(g) if g.verdict == verdict_of(e.expect) => {}
                Ok(g) => {
                    let why: Vec<String> = g
                        .evidence
                        .iter()
                        .filter(|ev| ev.outcome != "missed" && ev.outcome != "not stated")
                        .map(|ev| format!("{} `{}`: {}", ev.kind, ev.text, ev.why))
                        .collect();
                    let why = if why.is_empty() {
                        String::from("no key point matched")
                    } else {
                        why.join("; ")
                    };
                    errors.push(error(
                        e.line,
                        format!(
                            "the example {:?} must grade {} but grades {} ({:.2}): {why}. Add the phrasing it uses, or fix the example if it is not {}",
                            e.answer,
                            e.expect.as_str(),
                            g.verdict,
                            g.score,
                            e.expect.as_str()
                        ),
                    ));
                }
                Err(err) => errors.push(error(
                    e.line,
                    format!("the example {:?} cannot be graded: {err}", e.answer),
                )),
            }
        }
        if let Kind::Short { answer, rivals, .. } = &q.kind {
            // A rival is a wrong answer alone, and half beside the right one.
            for rival in rivals {
                for (text, want) in [
                    (rival.clone(), Verdict::Wrong),
                    (format!("{answer}, {rival}"), Verdict::Partial),
                ] {
                    match grader.grade_text(&inst, &text) {
                        Ok(g) if g.verdict == want => {}
                        got => errors.push(error(
                            q.line,
                            format!(
                                "the rival {rival:?} must make {text:?} grade {want}, but it grades {}: a rival is a name that answers another question, never one this one accepts",
                                got.map_or_else(|e| e.to_string(), |g| g.verdict.to_string())
                            ),
                        )),
                    }
                }
            }
        }
        if let Kind::FreeText(r) = &q.kind {
            for (what, text) in [
                ("model answer", &r.model_answer),
                ("explanation", &q.explanation),
            ] {
                if let Ok(g) = grader.grade_text(&inst, text) {
                    if g.verdict != Verdict::Correct {
                        errors.push(error(
                            q.line,
                            format!(
                                "the question's own {what} grades {} ({:.2}), missing: {}. Add the phrasings it uses",
                                g.verdict,
                                g.score,
                                g.missed.join("; ")
                            ),
                        ));
                    }
                }
            }
        }
    }
    errors
}
