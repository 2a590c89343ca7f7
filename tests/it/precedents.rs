//! Grading by precedent: an answer that reads like answers reviewers already graded takes their
//! verdict, within the limits that keep words from overruling what the rubric found. Run on a
//! small fixture bank (`tests/data/banks/precedents/`): one question, a few graded analogies.

use crate::util::{bot, data, run};
use std::fs;

/// `grade --json` on a bank: (verdict, the precedents' vote as JSON).
fn graded(bank: &str, answer: &str) -> (String, serde_json::Value) {
    let (ok, out, err) = run(bot().arg("--questions").arg(data(bank)).args([
        "grade",
        "process-vs-thread",
        answer,
        "--json",
    ]));
    assert!(ok, "{err}");
    let g: serde_json::Value = serde_json::from_str(&out).unwrap();
    (
        g["verdict"].as_str().unwrap().to_string(),
        g["precedents"].clone(),
    )
}

const ANALOGY: &str = "A process is like a house with its own kitchen, and its threads are the \
people living there: they all cook in that one kitchen and use the same fridge, while a \
neighbour's house has its own kitchen, and letting one more person move in is much cheaper than \
building a house.";

#[test]
fn an_analogy_the_rubric_cannot_read_is_graded_like_the_analogies_reviewers_accepted() {
    // Without precedents, no phrasing of the rubric is in it.
    let (verdict, vote) = graded("banks/claims", ANALOGY);
    assert_eq!((verdict.as_str(), vote.is_null()), ("wrong", true));
    let (verdict, vote) = graded("banks/precedents", ANALOGY);
    assert_eq!(verdict, "correct");
    assert_eq!(vote["rubric"], "wrong");
    assert_eq!(vote["overruled"], true);
    assert_eq!(vote["nearest"][0]["verdict"], "correct");
    assert!(vote["nearest"][0]["answer"]
        .as_str()
        .unwrap()
        .contains("kitchen"));
}

#[test]
fn explain_shows_the_nearest_graded_answers_and_whether_they_overruled_the_rubric() {
    let (ok, out, err) = run(bot()
        .arg("--questions")
        .arg(data("banks/precedents"))
        .args(["grade", "process-vs-thread", ANALOGY, "--explain"]));
    assert!(ok, "{err}");
    assert!(out.starts_with("CORRECT"), "{out}");
    assert!(
        out.contains("precedents: the rubric said wrong; they overruled it"),
        "{out}"
    );
    assert!(
        out.contains("Graded correct like the most similar answers"),
        "{out}"
    );
}

#[test]
fn a_short_answer_is_not_lifted_by_looking_like_full_ones() {
    // One image in a few words shares its words with the full analogies: the precedents lean to
    // correct, but a short answer keeps the rubric's verdict.
    let (verdict, vote) = graded(
        "banks/precedents",
        "A process is a house and the threads share its kitchen.",
    );
    assert!(vote["shares"][2].as_f64().unwrap() > 0.5, "{vote}");
    assert_eq!(verdict, "wrong");
    assert_eq!(vote["overruled"], false);
}

#[test]
fn an_answer_that_states_a_misconception_is_not_lifted() {
    let answer = "Threads each have their own memory, like people who each live in a house with \
their own kitchen and fridge, while the process is the street they live on, and moving a new \
person in is much cheaper than building a new house for them.";
    let (verdict, vote) = graded("banks/precedents", answer);
    assert_ne!(verdict, "correct");
    assert_eq!(vote["overruled"], false);
}

#[test]
fn a_broken_precedents_line_names_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["processes.toml", "synonyms.toml"] {
        fs::copy(data("banks/precedents").join(f), dir.path().join(f)).unwrap();
    }
    fs::write(
        dir.path().join("appeals.jsonl"),
        concat!(
            r#"{"question": "process-vs-thread", "answer": "threads share memory", "label": "partial"}"#,
            "\n",
            r#"{"question": "no-such-question", "answer": "x", "label": "wrong"}"#,
            "\n",
            r#"{"question": "process-vs-thread", "answer": "x"}"#,
            "\n",
        ),
    )
    .unwrap();
    let (ok, out, err) = run(bot()
        .arg("--questions")
        .arg(dir.path())
        .args(["questions", "check"]));
    assert!(!ok, "{out}");
    let file = dir.path().join("appeals.jsonl").display().to_string();
    assert!(
        err.contains(&format!("{file}:2: no question `no-such-question`")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:3: missing field `label`")),
        "{err}"
    );
}
