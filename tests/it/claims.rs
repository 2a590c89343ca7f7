//! How free text is read: claims bound to subjects, contrasts, synonyms that never make a
//! misconception true, chat shorthand, the scoring floor and cap, and the evidence behind each
//! verdict. Run on a small fixture bank (`tests/data/banks/claims/`) so each test shows one rule.

use crate::util::{bot, data, run};
use interview_bot::bank::{Bank, BankSource};
use interview_bot::grade::evidence::Evidence;
use interview_bot::grade::{self, Grade, Grader, Verdict};
use std::sync::OnceLock;

fn claims() -> &'static (Bank, Grader) {
    static G: OnceLock<(Bank, Grader)> = OnceLock::new();
    G.get_or_init(|| {
        grade::load(&BankSource::Dir(data("banks/claims"))).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn grade(id: &str, answer: &str) -> Grade {
    let (bank, grader) = claims();
    grader
        .grade_text(&bank.get(id).unwrap().instance(0), answer)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn evidence<'a>(g: &'a Grade, starts: &str) -> &'a Evidence {
    g.evidence
        .iter()
        .find(|e| e.text.starts_with(starts))
        .unwrap_or_else(|| panic!("no evidence for {starts:?}: {g:#?}"))
}

#[test]
fn every_example_of_the_fixture_grades_as_written() {
    let (bank, grader) = claims();
    let errors = grade::selftest::check(bank, grader);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn a_misconception_inside_a_contrast_is_not_claimed() {
    let g = grade(
        "process-vs-thread",
        "Rather than threads having their own memory, they share the memory of their process.",
    );
    let m = evidence(&g, "Threads each get their own memory");
    assert_eq!(m.outcome, "in a contrast", "{g:#?}");
    assert!(g.misconceptions.is_empty(), "{g:#?}");
    assert_ne!(g.verdict, Verdict::Wrong, "{g:#?}");
}

#[test]
fn a_synonym_never_turns_a_misconception_into_the_right_answer() {
    // mask = hide in the synonyms; the misconception says "hide earlier".
    let g = grade(
        "masked-attention",
        "A causal mask lets each position attend only to earlier positions.",
    );
    assert_eq!(evidence(&g, "The mask hides").outcome, "not stated");
    assert_eq!(g.verdict, Verdict::Correct, "{g:#?}");
    let g = grade(
        "masked-attention",
        "The mask hides earlier positions so the model looks ahead.",
    );
    assert_eq!(evidence(&g, "The mask hides").outcome, "stated", "{g:#?}");
}

#[test]
fn threads_of_the_same_process_are_the_subject_not_the_process() {
    for answer in [
        "Threads of the same process share memory.",
        "Threads belonging to one process share memory.",
        "Processes don't share memory; threads of one process do share it.",
    ] {
        let g = grade("process-vs-thread", answer);
        let p = evidence(&g, "The threads of one process share");
        assert_eq!(p.outcome, "hit", "{answer}: {g:#?}");
        assert!(g.misconceptions.is_empty(), "{answer}: {g:#?}");
    }
}

#[test]
fn a_pronoun_carries_its_subject_into_the_next_sentence() {
    let g = grade(
        "process-vs-thread",
        "Processes are heavy. They share memory.",
    );
    let p = evidence(&g, "The threads of one process share");
    assert_eq!(p.outcome, "wrong subject", "{g:#?}");
    assert_ne!(g.verdict, Verdict::Correct);
    // Set against one of two subjects, "they" is the other one.
    let g = grade(
        "process-vs-thread",
        "Unlike processes, which have their own memory, they share memory.",
    );
    assert_eq!(
        evidence(&g, "The threads of one process share").outcome,
        "hit",
        "{g:#?}"
    );
}

#[test]
fn a_sentence_without_a_subject_goes_on_about_the_last_one_named() {
    // "Not separate memory" follows a sentence about threads: it denies nothing of processes.
    let g = grade(
        "process-vs-thread",
        "A thread is the light one, cheap to create. Not separate memory but the same memory.",
    );
    assert_ne!(
        evidence(&g, "Each process has its own memory").outcome,
        "negated",
        "{g:#?}"
    );
    assert_ne!(g.verdict, Verdict::Wrong, "{g:#?}");
    // With no sentence before it, the denial stands as said.
    let g = grade("process-vs-thread", "Not separate memory.");
    assert_eq!(
        evidence(&g, "Each process has its own memory").outcome,
        "negated",
        "{g:#?}"
    );
}

#[test]
fn chat_shorthand_is_read_as_words() {
    let g = grade(
        "process-vs-thread",
        "threads r cheaper 2 create b/c they share mem & each process has its own mem",
    );
    assert_eq!(g.verdict, Verdict::Correct, "{g:#?}");
    assert_eq!(evidence(&g, "Threads are cheaper").outcome, "hit");
}

#[test]
fn one_true_fact_alone_is_partial_credit() {
    let g = grade(
        "process-vs-thread",
        "Threads are cheaper to create than processes.",
    );
    assert_eq!(g.verdict, Verdict::Partial, "{g:#?}");
}

#[test]
fn keywords_without_a_claim_are_wrong_unless_they_name_the_point() {
    let g = grade("process-vs-thread", "Memory. Threads.");
    assert_eq!(g.verdict, Verdict::Wrong, "{g:#?}");
    let g = grade(
        "process-vs-thread",
        "own memory, shared memory, cheap creation",
    );
    assert_eq!(g.verdict, Verdict::Partial, "{g:#?}");
    assert!(g.notes.iter().any(|n| n.contains("list of keywords")));
}

#[test]
fn notes_under_headings_are_claims_about_their_headings() {
    // Each note says what is true of its heading: a full answer, not a keyword list.
    let g = grade(
        "process-vs-thread",
        "process: own memory, isolated, costly to create. thread: shared memory, cheap to create",
    );
    assert_eq!(g.verdict, Verdict::Correct, "{g:#?}");
    assert!(g.notes.is_empty(), "{g:#?}");
    // The same notes under swapped headings are said of the wrong one.
    let g = grade(
        "process-vs-thread",
        "process: shared memory, cheap to create. thread: own memory, isolated",
    );
    assert_eq!(g.verdict, Verdict::Wrong, "{g:#?}");
    assert!(
        g.misconceptions
            .iter()
            .any(|m| m.starts_with("You said this of the wrong one")),
        "{g:#?}"
    );
}

#[test]
fn a_negated_point_is_evidence_of_the_opposite() {
    let g = grade("process-vs-thread", "Threads do not share memory.");
    let p = evidence(&g, "The threads of one process share");
    assert_eq!(p.outcome, "negated", "{g:#?}");
    assert_eq!(p.matched.as_deref(), Some("share memory"));
    assert_eq!(g.verdict, Verdict::Wrong);
}

#[test]
fn grade_explain_prints_the_evidence_and_json_carries_it() {
    let answer =
        "Rather than threads having their own memory, they share the memory of their process.";
    let (ok, out, err) = run(bot().arg("--questions").arg(data("banks/claims")).args([
        "grade",
        "process-vs-thread",
        answer,
        "--explain",
    ]));
    assert!(ok, "{err}");
    assert!(out.contains("evidence:"), "{out}");
    assert!(out.contains("point         hit"), "{out}");
    assert!(
        out.contains("misconception in a contrast") && out.contains("not claimed"),
        "{out}"
    );
    let (ok, out, err) = run(bot().arg("--questions").arg(data("banks/claims")).args([
        "grade",
        "process-vs-thread",
        answer,
        "--json",
    ]));
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let ev = v["evidence"].as_array().expect("evidence is an array");
    assert_eq!(ev.len(), 4, "3 key points and 1 misconception: {v}");
    let hit = ev
        .iter()
        .find(|e| e["outcome"] == "hit" && e["phrasing"] == "share memory")
        .unwrap_or_else(|| panic!("share memory is hit: {v}"));
    assert_eq!(hit["kind"], "point");
    assert_eq!(hit["phrasing"], "share memory");
    assert!(hit["matched"].as_str().unwrap().contains("share"), "{hit}");
}

#[test]
fn questions_check_names_the_example_that_grades_otherwise() {
    let (ok, _, err) = run(bot()
        .args(["questions", "check"])
        .arg(data("banks/bad-example")));
    assert!(!ok);
    assert!(
        err.contains("topic.toml:54: question `process-vs-thread`: the example \"Threads do share memory and processes have their own memory.\" must grade wrong but grades correct"),
        "{err}"
    );
    let (ok, _, err) = run(bot()
        .args(["questions", "check"])
        .arg(data("banks/few-examples")));
    assert!(!ok);
    assert!(
        err.contains("question `process-vs-thread`: [question.examples] has 1 `partial` answer(s); a free_text question needs at least 2"),
        "{err}"
    );
}

#[test]
fn one_word_phrasings_are_refused_unless_standalone() {
    let (ok, _, err) = run(bot()
        .args(["questions", "check"])
        .arg(data("banks/one-word")));
    assert!(!ok);
    assert!(
        err.contains("key point 1: the phrasing `isolated` is one word"),
        "{err}"
    );
    assert!(
        err.contains(
            "misconception 1: the phrasing `shared` is one word, and a misconception is a claim"
        ),
        "{err}"
    );
    assert!(
        !err.contains("the phrasing `tlb`"),
        "tlb is standalone: {err}"
    );
}

#[test]
fn questions_list_json_counts_examples_by_verdict() {
    let (ok, out, err) = run(bot().arg("--questions").arg(data("banks/claims")).args([
        "questions",
        "list",
        "--json",
    ]));
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let by_id = |id: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()["examples"]
            .clone()
    };
    assert_eq!(
        by_id("process-vs-thread"),
        serde_json::json!({"correct": 6, "partial": 2, "wrong": 4})
    );
    assert_eq!(
        by_id("list-linux-processes"),
        serde_json::json!({"correct": 4, "partial": 0, "wrong": 3})
    );
}

#[test]
fn a_list_of_the_items_the_prompt_asks_for_is_a_full_answer() {
    // "What does the OS give a process?" asks for items: a list of them is the answer.
    let g = grade(
        "process-start-resources",
        "own address space, process id, file descriptors",
    );
    assert_eq!(g.verdict, Verdict::Correct, "{g:#?}");
    assert!(g.notes.is_empty(), "{g:#?}");
    // Still, a list that misses the central item is not the answer.
    let g = grade("process-start-resources", "process id, file descriptors");
    assert_eq!(g.verdict, Verdict::Wrong, "{g:#?}");
    // A question that asks what and why stays capped: the same kind of list says no claim.
    let g = grade(
        "process-vs-thread",
        "own memory, shared memory, cheap creation",
    );
    assert_eq!(g.verdict, Verdict::Partial, "{g:#?}");
}
