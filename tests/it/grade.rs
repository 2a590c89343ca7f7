use crate::util::{bot, data, repo, run};
use interview_bot::bank::{BankSource, Kind};
use interview_bot::grade::{self, Answer, AnswerError, Grade, Grader, Verdict};
use std::io::Write;
use std::sync::OnceLock;

fn graded() -> &'static (interview_bot::bank::Bank, Grader) {
    static G: OnceLock<(interview_bot::bank::Bank, Grader)> = OnceLock::new();
    G.get_or_init(|| {
        grade::load(&BankSource::Dir(repo("questions"))).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn grade_text(id: &str, answer: &str) -> Grade {
    let (bank, grader) = graded();
    let q = bank.get(id).unwrap_or_else(|| panic!("no {id}"));
    grader
        .grade_text(&q.instance(0), answer)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_correct_explanation_in_other_words_with_typos_is_correct() {
    let g = grade_text(
        "process-vs-thread",
        "Each proccess gets its own seperate memory space from the OS, while the threads inside one process all share that memory, so threads are much cheaper to create and switch.",
    );
    assert_eq!(g.verdict, Verdict::Correct, "{g:?}");
    assert!(g.score >= 0.65);
    assert!(!g.hit.is_empty() && g.misconceptions.is_empty(), "{g:?}");
}

#[test]
fn a_negated_key_point_is_a_miss_and_said_back_to_the_member() {
    let g = grade_text(
        "process-vs-thread",
        "Threads do not share memory with each other.",
    );
    assert_ne!(g.verdict, Verdict::Correct, "{g:?}");
    assert!(
        g.hit.iter().all(|h| !h.to_lowercase().contains("share")),
        "{g:?}"
    );
    assert!(
        g.misconceptions
            .iter()
            .any(|m| m.starts_with("You said the opposite of")),
        "{g:?}"
    );
}

#[test]
fn swapped_concepts_are_wrong() {
    let g = grade_text(
        "process-vs-thread",
        "Threads each get their own separate memory space, while processes share one memory space.",
    );
    assert_eq!(g.verdict, Verdict::Wrong, "{g:?}");
    assert!(
        g.misconceptions
            .iter()
            .any(|m| m.contains("wrong one") || m.contains("own separate")),
        "{g:?}"
    );
}

#[test]
fn the_prompt_copied_back_earns_nothing() {
    let (bank, _) = graded();
    for q in bank
        .questions()
        .iter()
        .filter(|q| matches!(q.kind, Kind::FreeText(_)))
    {
        let g = grade_text(&q.id.0, &q.prompt);
        assert_eq!(g.verdict, Verdict::Wrong, "{}: {g:?}", q.id);
        assert!(g.hit.is_empty(), "{}: {g:?}", q.id);
    }
}

#[test]
fn every_model_answer_is_graded_correct() {
    let (bank, grader) = graded();
    for q in bank.questions() {
        if let Kind::FreeText(r) = &q.kind {
            let g = grader.grade_text(&q.instance(0), &r.model_answer).unwrap();
            assert_eq!(g.verdict, Verdict::Correct, "{}: {g:?}", q.id);
        }
    }
}

#[test]
fn a_bare_keyword_list_is_capped_at_partial() {
    let g = grade_text("process-vs-thread", "separate memory, shared memory, lightweight, cheap context switch, smallest unit of execution");
    assert_eq!(g.verdict, Verdict::Partial, "{g:?}");
    assert!(
        g.notes.iter().any(|n| n.contains("list of keywords")),
        "{g:?}"
    );
}

#[test]
fn empty_and_overlong_answers_are_refused_before_grading() {
    let (bank, grader) = graded();
    let inst = bank.get("process-vs-thread").unwrap().instance(0);
    assert_eq!(grader.grade_text(&inst, "  \n"), Err(AnswerError::Empty));
    let long = "word ".repeat(801);
    let err = grader.grade_text(&inst, &long).unwrap_err();
    assert_eq!(err, AnswerError::TooLong { chars: 4005 });
    assert!(err.to_string().contains("the limit is 4,000"));
}

#[test]
fn exact_kinds_follow_their_rules() {
    let (bank, grader) = graded();
    let short = bank.get("list-linux-processes").unwrap().instance(0);
    for a in ["ps", "PS AUX", "`ps -ef`", "htop", "pgrep"] {
        assert_eq!(
            grader.grade_text(&short, a).unwrap().verdict,
            Verdict::Correct,
            "{a}"
        );
    }
    assert_eq!(
        grader.grade_text(&short, "kill").unwrap().verdict,
        Verdict::Wrong
    );

    let bump = bank.get("semver-bump").unwrap().instance(7);
    let right = bump.generated.as_ref().unwrap().answer.clone();
    assert_eq!(
        grader
            .grade_text(&bump, &format!("v{right}"))
            .unwrap()
            .verdict,
        Verdict::Correct
    );
    assert_eq!(
        grader.grade_text(&bump, "0.0.1").unwrap().verdict,
        Verdict::Wrong
    );

    let q = bank
        .questions()
        .iter()
        .find(|q| matches!(&q.kind, Kind::Multi { answers, .. } if answers.len() >= 2))
        .unwrap();
    let Kind::Multi { answers, .. } = &q.kind else {
        unreachable!()
    };
    let inst = q.instance(0);
    let half = grader
        .grade(&inst, &Answer::Multi(vec![answers[0]]))
        .unwrap();
    assert!((half.score - 1.0 / answers.len() as f64).abs() < 1e-9);
    assert_eq!(
        half.verdict,
        if answers.len() == 2 {
            Verdict::Partial
        } else {
            half.verdict
        }
    );
    let all = grader
        .grade(&inst, &Answer::Multi(answers.clone()))
        .unwrap();
    assert_eq!(all.verdict, Verdict::Correct);

    let q = bank
        .questions()
        .iter()
        .find(|q| matches!(&q.kind, Kind::Order { items } if items.len() >= 4))
        .unwrap();
    let Kind::Order { items } = &q.kind else {
        unreachable!()
    };
    let n = items.len();
    let mut nearly: Vec<usize> = (0..n).collect();
    nearly.swap(0, 1);
    let g = grader
        .grade(&q.instance(0), &Answer::Order(nearly))
        .unwrap();
    assert_eq!(g.verdict, Verdict::Partial);
    assert!((g.score - (1.0 - 1.0 / (n * (n - 1) / 2) as f64)).abs() < 1e-9);
}

#[test]
fn choice_answers_are_numbered_as_shown() {
    let (bank, grader) = graded();
    let q = bank
        .questions()
        .iter()
        .find(|q| matches!(q.kind, Kind::Choice { .. }))
        .unwrap();
    let Kind::Choice { answer, .. } = &q.kind else {
        unreachable!()
    };
    for seed in 0..10 {
        let inst = q.instance(seed);
        let shown = inst.order.iter().position(|i| i == answer).unwrap() + 1;
        let g = grader.grade_text(&inst, &shown.to_string()).unwrap();
        assert_eq!(g.verdict, Verdict::Correct, "seed {seed}");
        let other = if shown == 1 { 2 } else { 1 };
        assert_eq!(
            grader
                .grade_text(&inst, &other.to_string())
                .unwrap()
                .verdict,
            Verdict::Wrong
        );
    }
    let err = grader.grade_text(&q.instance(0), "9").unwrap_err();
    assert!(
        err.to_string().starts_with("Pick one of the options"),
        "{err}"
    );
}

#[test]
fn grade_json_has_the_contract_fields() {
    let (ok, out, _) = run(bot().args(["grade", "semver-parts", "The first is for breaking changes, the second for new compatible features, the third for bug fixes.", "--json"]));
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["question"], "semver-parts");
    assert!(v["score"]
        .as_f64()
        .is_some_and(|s| (0.0..=1.0).contains(&s)));
    assert!(["correct", "partial", "wrong"].contains(&v["verdict"].as_str().unwrap()));
    assert!(v["hit"].is_array() && v["missed"].is_array());
}

#[test]
fn grade_batch_reports_bad_lines_and_grades_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(
        f,
        r#"{{"question": "list-linux-processes", "answer": "top"}}"#
    )
    .unwrap();
    writeln!(f, r#"{{"question": "no-such-question", "answer": "x"}}"#).unwrap();
    writeln!(f, "this is not json").unwrap();
    writeln!(
        f,
        r#"{{"question": "semver-bump", "answer": "1.0.0", "seed": 7}}"#
    )
    .unwrap();
    drop(f);
    let (ok, out, err) = run(bot().args(["grade", "--batch"]).arg(&path));
    assert!(!ok, "a batch with bad lines exits non-zero");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        (lines[0]["line"].as_u64(), lines[0]["verdict"].as_str()),
        (Some(1), Some("correct"))
    );
    assert_eq!(
        (lines[1]["line"].as_u64(), lines[1]["seed"].as_u64()),
        (Some(4), Some(7))
    );
    assert!(
        err.contains("batch.jsonl:2: no question has the id `no-such-question`"),
        "{err}"
    );
    assert!(
        err.contains("batch.jsonl:3: not a valid answer line"),
        "{err}"
    );
}

#[test]
fn play_reads_answers_from_a_pipe_and_ends_at_end_of_input() {
    let mut child = bot()
        .args(["play", "--topic", "semver", "--count", "3", "--seed", "5"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Three answers, one of them not an option at all (asked again), then the input ends.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"1\n2.0.0\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Question 1 of 3 · semver"), "{text}");
    assert!(
        text.contains("answer: "),
        "a grade and the right answer are shown: {text}"
    );
    assert!(
        text.contains("Done: "),
        "it ends cleanly at the end of input: {text}"
    );
}

#[test]
fn play_refuses_an_unknown_topic() {
    let (ok, _, err) = run(bot().args(["play", "--topic", "cooking"]));
    assert!(!ok);
    assert!(err.contains("no topic `cooking`"), "{err}");
}

#[test]
fn a_phrasing_made_only_of_prompt_words_is_a_bank_error() {
    let (ok, _, err) = run(bot()
        .args(["questions", "check"])
        .arg(data("banks/prompt-words")));
    assert!(!ok);
    assert!(
        err.contains("rubric.toml:5: question `echo-rubric`: key point 2: the phrasing `process thread` uses only words of the prompt"),
        "{err}"
    );
}

/// Grades labelled answers as `--example agreement` does: no answer with its own writer's
/// precedents. A path under `questions/` is the bank's own file.
fn agreement_of(files: &[&str]) -> interview_bot::grade::eval::Report {
    let (bank, _) = graded();
    let mut items = Vec::new();
    for f in files {
        let path = if f.starts_with("questions/") {
            repo(f)
        } else {
            data(f)
        };
        let src = std::fs::read_to_string(&path).unwrap();
        items.extend(interview_bot::grade::eval::read_jsonl(f, &src).unwrap());
    }
    interview_bot::grade::eval::evaluate_apart(bank, &items).unwrap()
}

/// Asserts a report's band agreement and severe-error rate, printing the confusion matrix when
/// agreement falls short.
fn holds(r: &interview_bot::grade::eval::Report, set: &str, agreement: f64, severe: f64) {
    assert!(
        r.agreement() >= agreement,
        "{set}: agreement {:.3}\n{}",
        r.agreement(),
        r.confusion_table()
    );
    assert!(
        r.severe_rate() <= severe,
        "{set}: severe {:.3}",
        r.severe_rate()
    );
}

/// Regression guards at the figures reached (see `cargo run --release --example agreement`):
/// they fail when a change to the grader or a rubric makes grading worse. The first labelled
/// set was the old rubrics' tuning set; the rubrics are now tuned on the blind dev split.
#[test]
fn agreement_with_the_labelled_answers_holds() {
    let r = agreement_of(&["labelled/answers-a.jsonl", "labelled/answers-b.jsonl"]);
    assert!(r.total() >= 300);
    holds(&r, "first labelled set", 0.92, 0.01);
}

#[test]
fn agreement_with_the_held_out_answers_holds() {
    let r = agreement_of(&["labelled-heldout/answers-c.jsonl"]);
    holds(&r, "held-out set", 0.92, 0.01);
}

#[test]
fn agreement_on_the_blind_dev_split_holds() {
    // The dev split is the bank's precedents; each writer is graded without their own.
    let r = agreement_of(&["questions/precedents.jsonl"]);
    assert_eq!(r.total(), 7452);
    holds(&r, "dev split", 0.93, 0.005);
}

/// The blind test splits: file, who wrote it, answers, writers (a writer is a person in one
/// persona), and the floors that keep its figure from sliding back (agreement, severe rate).
const TEST_SPLITS: [(&str, &str, usize, usize, f64, f64); 9] = [
    ("blind/test.jsonl", "test split", 432, 9, 0.89, 0.02),
    ("blind/test-fresh.jsonl", "writer F", 432, 9, 0.87, 0.01),
    // Writer M answered all 74 graded questions, the ones added with the bank rewrite too.
    ("blind/test-m.jsonl", "writer M", 666, 9, 0.90, 0.02),
    // Written after every earlier split's errors were read.
    (
        "blind/test-st.jsonl",
        "writers S and T",
        1332,
        18,
        0.90,
        0.01,
    ),
    // Written and labelled after S and T's severe errors had been seen.
    (
        "blind/test-uv.jsonl",
        "writers U and V",
        1332,
        18,
        0.88,
        0.01,
    ),
    // Written and labelled at the start of the ninth round.
    (
        "blind/test-wx.jsonl",
        "writers W and X",
        1332,
        18,
        0.90,
        0.01,
    ),
    // No longer a test split: the precedents' weights were chosen on it.
    (
        "blind/test-yz.jsonl",
        "writers Y and Z",
        1332,
        18,
        0.88,
        0.015,
    ),
    // Written and labelled in the twelfth round, each read once, grading unchanged since.
    (
        "blind/test-raa.jsonl",
        "writers R and AA",
        1332,
        18,
        0.93,
        0.012,
    ),
    (
        "blind/test-abc.jsonl",
        "writers AB and AC",
        1332,
        18,
        0.93,
        0.01,
    ),
];

/// The test splits are never tuned on; this only keeps their figures from sliding back unnoticed.
#[test]
fn agreement_on_the_blind_test_split_does_not_slide_back() {
    for (file, set, answers, _, agreement, severe) in TEST_SPLITS {
        let r = agreement_of(&[file]);
        assert_eq!(r.total(), answers, "{set}");
        holds(&r, set, agreement, severe);
    }
}

#[test]
fn every_example_model_answer_and_explanation_of_the_bank_grades_as_written() {
    let (bank, grader) = graded();
    let errors = grade::selftest::check(bank, grader);
    assert!(errors.is_empty(), "{errors:#?}");
    for q in bank.questions() {
        let want = match q.kind {
            Kind::FreeText(_) => (6, 2, 4),
            Kind::Short { .. } => (4, 0, 3),
            _ => continue,
        };
        let n =
            |e: interview_bot::bank::Expect| q.examples.iter().filter(|x| x.expect == e).count();
        use interview_bot::bank::Expect::*;
        assert!(
            n(Correct) >= want.0 && n(Partial) >= want.1 && n(Wrong) >= want.2,
            "{}: {:?}",
            q.id,
            (n(Correct), n(Partial), n(Wrong))
        );
    }
}

/// The blind corpus is split by writer: no writer has answers in two splits.
#[test]
fn the_blind_splits_share_no_writer() {
    let writers = |path: std::path::PathBuf| -> std::collections::HashSet<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["writer"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let dev = writers(repo("questions/precedents.jsonl"));
    assert_eq!(dev.len(), 126);
    let mut splits = vec![dev];
    for (file, set, _, n, _, _) in TEST_SPLITS {
        let w = writers(data(file));
        assert_eq!(w.len(), n, "{set}");
        splits.push(w);
    }
    for (i, a) in splits.iter().enumerate() {
        for b in &splits[i + 1..] {
            assert!(a.is_disjoint(b));
        }
    }
}
