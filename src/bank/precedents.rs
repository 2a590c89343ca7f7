//! Precedents: answers to free-text and short questions that people have already graded, one
//! JSON object per line in a `*.jsonl` file of the bank (the labelled-set format of
//! `tests/data/blind/`, which `interview-bot grades export --written-only` also writes). The grader lets an answer that reads like several
//! of them take their verdict (see `grade::precedent`), so a grade a reviewer corrected teaches
//! the grader, and answers written as analogies or examples, which no rubric phrasing foresees,
//! are graded like the answers they resemble.

use super::error::BankError;
use super::model::Expect;
use serde::Deserialize;

/// One graded answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Precedent {
    pub question: String,
    pub answer: String,
    pub verdict: Expect,
    /// Who wrote it, where known: a writer's own precedents are set aside when the grader is
    /// measured on that writer's answers.
    pub writer: String,
    pub file: String,
    pub line: usize,
}

/// Whether a bank entry is a precedents file rather than a topic.
pub fn is_precedents_file(name: &str) -> bool {
    name.ends_with(".jsonl")
}

#[derive(Deserialize)]
struct Raw {
    question: String,
    answer: String,
    label: Expect,
    #[serde(default)]
    writer: String,
}

/// Parses one precedents file; a bad line is an error naming the file and line, and the other
/// lines are still read.
pub fn parse(file: &str, src: &str, errors: &mut Vec<BankError>) -> Vec<Precedent> {
    let mut out = Vec::new();
    for (n, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let error = |message: String| BankError {
            file: file.to_string(),
            line: Some(n + 1),
            id: None,
            message,
        };
        match serde_json::from_str::<Raw>(line) {
            Ok(r) if r.answer.trim().is_empty() => {
                errors.push(error("the answer is empty: remove the line".into()))
            }
            Ok(r) => out.push(Precedent {
                question: r.question,
                answer: r.answer,
                verdict: r.label,
                writer: r.writer,
                file: file.to_string(),
                line: n + 1,
            }),
            Err(e) => errors.push(error(format!(
                "{e}: each line is one graded answer, {{\"question\": ID, \"answer\": TEXT, \"label\": \"correct\" | \"partial\" | \"wrong\"}}"
            ))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_line_names_its_file_and_line_and_the_rest_is_read() {
        let src = concat!(
            r#"{"question": "q", "answer": "threads share memory", "label": "correct", "writer": "A-junior"}"#,
            "\n\n",
            r#"{"question": "q", "answer": "x", "label": "maybe"}"#,
            "\n",
            r#"{"question": "q", "answer": "  ", "label": "wrong"}"#,
            "\n",
            r#"{"question": "q", "answer": "processes share memory", "label": "wrong"}"#,
        );
        let mut errors = Vec::new();
        let got = parse("p.jsonl", src, &mut errors);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].verdict, Expect::Correct);
        assert_eq!(got[0].writer, "A-junior");
        assert_eq!((got[1].line, got[1].verdict), (5, Expect::Wrong));
        let lines: Vec<_> = errors.iter().map(|e| (e.file.as_str(), e.line)).collect();
        assert_eq!(lines, [("p.jsonl", Some(3)), ("p.jsonl", Some(4))]);
        assert!(errors[0].message.contains("\"label\""), "{}", errors[0]);
        assert!(errors[1].message.contains("empty"), "{}", errors[1]);
    }
}
