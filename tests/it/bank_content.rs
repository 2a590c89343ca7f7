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

/// Enough to drill for months, and the README's table says what is really there.
#[test]
fn the_bank_has_200_questions_and_the_readme_counts_them_right() {
    use interview_bot::bank::{Bank, BankSource, Difficulty};
    let bank = Bank::load(&BankSource::Dir(repo("questions"))).unwrap_or_else(|e| panic!("{e}"));
    assert!(bank.questions().len() >= 200, "{}", bank.questions().len());
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    for topic in bank.topics() {
        let of = |d: Option<Difficulty>| {
            bank.questions()
                .iter()
                .filter(|q| q.topic == topic.id && d.is_none_or(|d| q.difficulty == d))
                .count()
        };
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}`", topic.id)))
            .unwrap_or_else(|| panic!("README has no row for {}", topic.id));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let counts: Vec<usize> = cells[2..6].iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(
            counts,
            vec![
                of(Some(Difficulty::Easy)),
                of(Some(Difficulty::Medium)),
                of(Some(Difficulty::Hard)),
                of(None)
            ],
            "{row}"
        );
    }
    assert!(readme.contains(&format!("{} questions.", bank.questions().len())));
}
