//! `questions import`: a Red trivia list and a CSV file (tests/data/import/) become topic files
//! whose every question passes `questions check`; what cannot be converted is listed by line.

use crate::util::{bot, data, run};
use serde_json::Value;
use std::path::Path;

fn import(from: &str, file: &str, dir: &Path, extra: &[&str]) -> (bool, String, String) {
    run(bot()
        .args(["questions", "import", "--from", from])
        .arg(data(&format!("import/{file}")))
        .arg(dir)
        .args(extra))
}

/// `questions list --json` of a folder alone.
fn listed(dir: &Path) -> Vec<Value> {
    let (ok, out, err) = run(bot()
        .args(["questions", "list", "--json", "--questions"])
        .arg(dir));
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn check(dir: &Path) -> (bool, String, String) {
    run(bot().args(["questions", "check"]).arg(dir))
}

fn grade(dir: &Path, id: &str, answer: &str) -> String {
    let (ok, out, err) = run(bot()
        .args(["grade", id, answer, "--json", "--questions"])
        .arg(dir));
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["verdict"].as_str().unwrap().to_string()
}

#[test]
fn a_red_list_becomes_short_questions_that_pass_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pack");
    let (ok, out, err) = import("red", "red-trivia.yaml", &dir, &[]);
    assert!(ok, "{out}{err}");
    let file = dir.join("red-trivia.toml");
    assert!(
        out.contains(&format!(
            "wrote 6 questions to {} (topic `red-trivia`)",
            file.display()
        )),
        "{out}"
    );
    // AUTHOR, DESCRIPTION and CONFIG are not questions: ten entries, six converted.
    assert!(out.contains("converted 6 of 10 questions"), "{out}");
    for line in [
        "not converted (4):",
        "red-trivia.yaml:25: only 2 of the 5 other answers in the file are wrong here (it accepts the rest)",
        "red-trivia.yaml:34: has no answers",
        "red-trivia.yaml:36: its answers are a mapping, not a list",
        "red-trivia.yaml:38: does not pass `questions check`: `prompt` opens a code block (```) on its line 1 that is never closed",
    ] {
        assert!(out.contains(line), "no {line:?} in:\n{out}");
    }
    assert!(
        out.contains("`questions check` passes (6 questions in 1 topic)"),
        "{out}"
    );
    let (ok, out, err) = check(&dir);
    assert!(
        ok && out.starts_with("ok: 6 questions in 1 topics"),
        "{out}{err}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("# Author: interview-bot tests"), "{text}");
    assert!(!text.contains("max_score"), "CONFIG is not carried over");
    let questions = listed(&dir);
    assert_eq!(questions.len(), 6);
    for q in &questions {
        let id = q["id"].as_str().unwrap();
        assert!(id.starts_with("red-trivia-") && id.len() <= 40, "{id}");
        assert_eq!(
            (q["kind"].as_str(), q["difficulty"].as_str()),
            (Some("short"), Some("medium"))
        );
        assert!(q["examples"]["correct"].as_u64().unwrap() >= 4, "{q}");
        assert!(q["examples"]["wrong"].as_u64().unwrap() >= 3, "{q}");
    }
    let fork = questions
        .iter()
        .find(|q| q["prompt"] == "Which system call creates a new process on Unix?")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (ok, shown, _) = run(bot()
        .args(["questions", "show", &fork, "--questions"])
        .arg(&dir));
    assert!(ok);
    assert!(
        shown.contains("answer: fork\nalso accepted: fork()\n"),
        "{shown}"
    );
    assert!(
        shown.contains("explanation: Imported from a Red trivia list; no explanation was given."),
        "{shown}"
    );
    // Graded like any short question.
    assert_eq!(grade(&dir, &fork, "I'd call fork() for that"), "correct");
    assert_eq!(grade(&dir, &fork, "exec"), "wrong");
    // The pack loads beside the built-in bank.
    let (ok, out, err) = run(bot()
        .args(["questions", "check", "--questions"])
        .arg(format!("builtin:{}", dir.display())));
    assert!(ok, "{out}{err}");
}

#[test]
fn a_csv_file_with_quoted_fields_becomes_its_topics() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (ok, out, err) = import("csv", "interview-basics.csv", dir, &[]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("wrote 1 question to"), "{out}");
    assert!(out.contains("(topic `linux-tools`)"), "{out}");
    assert!(out.contains("wrote 4 questions to"), "{out}");
    assert!(out.contains("(topic `interview-basics`)"), "{out}");
    assert!(out.contains("converted 5 of 6 questions"), "{out}");
    // The quoted explanation over lines 4-5 puts the bad row on line 7.
    assert!(
        out.contains("interview-basics.csv:7: difficulty `extreme` is not easy, medium or hard"),
        "{out}"
    );
    let (ok, out, err) = check(dir);
    assert!(
        ok && out.starts_with("ok: 5 questions in 2 topics"),
        "{out}{err}"
    );
    assert!(out.contains("linux-tools"), "{out}");
    let questions = listed(dir);
    let by_prompt = |start: &str| {
        questions
            .iter()
            .find(|q| q["prompt"].as_str().unwrap().starts_with(start))
            .unwrap_or_else(|| panic!("no question starting {start:?}"))
            .clone()
    };
    let tree = by_prompt("Which command shows processes as a tree, parents above");
    assert_eq!(tree["topic"], "linux-tools");
    assert_eq!(tree["difficulty"], "easy");
    assert_eq!(
        by_prompt("In SemVer")["difficulty"],
        "medium",
        "empty means medium"
    );
    assert_eq!(by_prompt("Which tool schedules")["difficulty"], "medium");
    let parquet = by_prompt("Which columnar file format, named after");
    assert_eq!(parquet["difficulty"], "hard");
    let (_, shown, _) = run(bot()
        .args([
            "questions",
            "show",
            parquet["id"].as_str().unwrap(),
            "--questions",
        ])
        .arg(dir));
    assert!(
        shown.contains("reads only the columns it needs.\nCSV stores it row by row."),
        "{shown}"
    );
    let (_, shown, _) = run(bot()
        .args([
            "questions",
            "show",
            by_prompt("What does the K")["id"].as_str().unwrap(),
            "--questions",
        ])
        .arg(dir));
    assert!(
        shown.contains("explanation: Imported from a CSV file; no explanation was given."),
        "{shown}"
    );
    let linux = std::fs::read_to_string(dir.join("linux-tools.toml")).unwrap();
    assert!(linux.contains("title = \"Linux Tools\""), "{linux}");
}

#[test]
fn an_import_never_overwrites_a_file_or_a_topic() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert!(import("red", "red-trivia.yaml", dir, &[]).0);
    let first = std::fs::read_to_string(dir.join("red-trivia.toml")).unwrap();
    let (ok, _, err) = import("red", "red-trivia.yaml", dir, &[]);
    assert!(!ok);
    assert!(
        err.contains("red-trivia.toml already exists: pass --topic"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("red-trivia.toml")).unwrap(),
        first
    );
    // A topic another file of the folder holds is refused too, before anything is written.
    std::fs::write(
        dir.join("hand-written.toml"),
        "topic = \"mine\"\ntitle = \"Mine\"\n",
    )
    .unwrap();
    let (ok, _, err) = import("red", "red-trivia.yaml", dir, &["--topic", "mine"]);
    assert!(!ok);
    assert!(
        err.contains("topic `mine` is already the topic of"),
        "{err}"
    );
    assert!(!dir.join("mine.toml").exists());
}

#[test]
fn a_second_import_into_the_same_folder_gets_its_own_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert!(import("red", "red-trivia.yaml", dir, &[]).0);
    let (ok, out, err) = import(
        "red",
        "red-trivia.yaml",
        dir,
        &[
            "--topic",
            "red-again",
            "--title",
            "Red, again",
            "--difficulty",
            "hard",
        ],
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("(12 questions in 2 topics)"), "{out}");
    let questions = listed(dir);
    let again: Vec<&Value> = questions
        .iter()
        .filter(|q| q["topic"] == "red-again")
        .collect();
    assert_eq!(again.len(), 6);
    assert!(again.iter().all(|q| q["difficulty"] == "hard"));
    let text = std::fs::read_to_string(dir.join("red-again.toml")).unwrap();
    assert!(text.contains("title = \"Red, again\""), "{text}");
}

#[test]
fn what_is_not_a_list_or_gives_nothing_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let yaml = tmp.path().join("list.yaml");
    std::fs::write(&yaml, "- just\n- a list\n").unwrap();
    let out_dir = tmp.path().join("out");
    let (ok, _, err) = run(bot()
        .args(["questions", "import", "--from", "red"])
        .arg(&yaml)
        .arg(&out_dir));
    assert!(!ok);
    assert!(
        err.contains("list.yaml: this is not a Red trivia list"),
        "{err}"
    );
    let csv = tmp.path().join("few.csv");
    std::fs::write(&csv, "Only one?,yes\nAnd a bad row\n").unwrap();
    let (ok, out, err) = run(bot()
        .args(["questions", "import", "--from", "csv"])
        .arg(&csv)
        .arg(&out_dir));
    assert!(!ok);
    assert!(
        out.contains("few.csv:1: only 0 other answer(s) in the file"),
        "{out}"
    );
    assert!(out.contains("few.csv:2: has 1 field(s)"), "{out}");
    assert!(
        err.contains("nothing was converted, so nothing was written"),
        "{err}"
    );
    assert!(!out_dir.exists());
    let (ok, _, err) = run(bot()
        .args([
            "questions",
            "import",
            "--from",
            "csv",
            "--topic",
            "Bad Topic",
        ])
        .arg(&csv)
        .arg(&out_dir));
    assert!(!ok);
    assert!(
        err.contains("use lower-case letters") && err.contains("`bad-topic`"),
        "{err}"
    );
}
