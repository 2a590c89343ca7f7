//! What the bank offers a member who drills it: fair options (no answer given away by its
//! length), and enough questions.

use crate::util::{bot, data, repo, run};

#[test]
fn a_bank_whose_right_options_are_the_longest_is_refused() {
    let (ok, _, err) = run(bot().args(["questions", "check"]).arg(data("banks/biased")));
    assert!(!ok, "{err}");
    assert!(
        err.contains("strictly the longest in 2 of 2 choice questions (100%")
            && err.contains("semver-minor-biased, semver-patch-biased"),
        "{err}"
    );
}

#[test]
fn the_real_bank_gives_no_answer_away_by_its_length() {
    let (ok, out, err) = run(bot().args(["questions", "check"]).arg(repo("questions")));
    assert!(ok, "{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("length bias:"))
        .expect("check prints the length bias");
    let share: f64 = line
        .split(" choice questions (")
        .nth(1)
        .and_then(|s| s.split('%').next())
        .and_then(|s| s.parse().ok())
        .expect("a percentage");
    assert!(share <= 35.0, "{line}");
}
