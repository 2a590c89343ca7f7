//! Why a free-text answer got its grade: for each key point and misconception, the phrasing and
//! the words of the answer that matched it, or why it did not count (negated, said of the other
//! subject, inside a contrast). `grade --explain` prints it; `--json` carries it as `evidence`;
//! a moderator reviewing an appeal reads it.

use super::rubric::{CompiledRubric, Finding, Found, Marking};
use super::text::Analysis;
use serde::Serialize;

/// One key point's or misconception's part in a grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// `point` or `misconception`.
    pub kind: &'static str,
    /// The key point or misconception, as the rubric states it.
    pub text: String,
    /// `hit`, `missed`, `negated`, `wrong subject` (key points); `stated`, `not stated`,
    /// `in a contrast`, `negated`, `other subject` (misconceptions).
    pub outcome: &'static str,
    /// The rubric's phrasing that matched, if any did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrasing: Option<String>,
    /// The answer's words that matched it, from the first to the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// The same in a sentence, for a person.
    pub why: String,
}

/// The stretch of the answer that a finding covers, as the member wrote it (folded).
fn stretch(text: &[char], a: &Analysis, f: &Finding) -> Option<String> {
    let lo = f.tokens.iter().map(|&i| a.tokens[i].span.0).min()?;
    let hi = f.tokens.iter().map(|&i| a.tokens[i].span.1).max()?;
    let s: String = text
        .get(lo as usize..hi as usize)?
        .iter()
        .collect::<String>();
    Some(s.split_whitespace().collect::<Vec<_>>().join(" "))
}

pub fn collect(r: &CompiledRubric, a: &Analysis, text: &[char], m: &Marking) -> Vec<Evidence> {
    let mut out = Vec::with_capacity(m.points.len() + m.wrongs.len());
    for (p, f) in r.points.iter().zip(&m.points) {
        let phrasing = (f.found != Found::No).then(|| p.phrasings[f.phrasing].text.clone());
        let matched = stretch(text, a, f);
        let said = |m: &Option<String>| m.clone().unwrap_or_default();
        let (outcome, why) = match f.found {
            Found::Yes => (
                "hit",
                format!(
                    "\"{}\" matches `{}`",
                    said(&matched),
                    phrasing.clone().unwrap_or_default()
                ),
            ),
            Found::Negated => (
                "negated",
                format!(
                    "\"{}\" denies it (a negation stands before `{}`)",
                    said(&matched),
                    phrasing.clone().unwrap_or_default()
                ),
            ),
            Found::Swapped => (
                "wrong subject",
                format!(
                    "\"{}\" says `{}` of the wrong subject",
                    said(&matched),
                    phrasing.clone().unwrap_or_default()
                ),
            ),
            _ => ("missed", "no phrasing of it was found".to_string()),
        };
        out.push(Evidence {
            kind: "point",
            text: p.text.clone(),
            outcome,
            phrasing,
            matched,
            why,
        });
    }
    for (w, f) in r.misconceptions.iter().zip(&m.wrongs) {
        let phrasing = (f.found != Found::No).then(|| w.phrasings[f.phrasing].text.clone());
        let matched = stretch(text, a, f);
        let said = matched.clone().unwrap_or_default();
        let ph = phrasing.clone().unwrap_or_default();
        let (outcome, why) = match f.found {
            Found::Yes => ("stated", format!("\"{said}\" states `{ph}`")),
            Found::Contrast => (
                "in a contrast",
                format!("\"{said}\" stands inside a contrast or concession, so it is not claimed"),
            ),
            Found::Negated => ("negated", format!("\"{said}\" is denied, not claimed")),
            Found::OtherSubject | Found::Swapped => (
                "other subject",
                format!("\"{said}\" is said of another subject than `{ph}` is about"),
            ),
            Found::No => ("not stated", "no phrasing of it was found".to_string()),
        };
        out.push(Evidence {
            kind: "misconception",
            text: w.text.clone(),
            outcome,
            phrasing,
            matched,
            why,
        });
    }
    out
}
