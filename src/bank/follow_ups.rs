//! Follow-ups: a question may name the questions an interviewer would ask next, each digging one
//! step deeper into the same idea (`follow_ups = ["id", ...]`).
//!
//! They are checked once every file of every bank loaded together has been read, since a
//! follow-up may live in another topic file or in another bank (a pack may dig deeper into a
//! built-in question): every id is a question that was loaded, a question never names itself or
//! the same follow-up twice, and no chain leads back to a question already on it, so following
//! the button always ends. Each error names the file and line of the `follow_ups` entry at fault.
//!
//! [`next`] says which follow-up comes next for a member, from what they have just had.

use super::error::BankError;
use super::model::{FollowUp, Question, QuestionId};
use std::collections::HashMap;

/// Every problem with the follow-ups of `questions`; `index` maps an id to its (first) question.
/// `banks` is how many banks were loaded together, for the wording of a missing id.
pub(super) fn check(
    questions: &[Question],
    index: &HashMap<String, usize>,
    banks: usize,
) -> Vec<BankError> {
    let mut errors = Vec::new();
    let error = |q: &Question, f: &FollowUp, message: String| BankError {
        file: q.file.clone(),
        line: Some(f.line),
        id: Some(q.id.0.clone()),
        message,
    };
    let loaded = if banks > 1 {
        "of the banks loaded together"
    } else {
        "of this bank"
    };
    // For each question, the follow-ups that lead to a question: (its index, which entry).
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); questions.len()];
    for (i, q) in questions.iter().enumerate() {
        for (k, f) in q.follow_ups.iter().enumerate() {
            if f.id == q.id {
                errors.push(error(
                    q,
                    f,
                    format!(
                        "names itself as a follow-up: a follow-up is another question that digs deeper; remove `{}` from `follow_ups`",
                        f.id
                    ),
                ));
            } else if q.follow_ups[..k].iter().any(|g| g.id == f.id) {
                errors.push(error(
                    q,
                    f,
                    format!("lists the follow-up `{}` twice: keep it once", f.id),
                ));
            } else if let Some(&to) = index.get(&f.id.0) {
                edges[i].push((to, k));
            } else {
                errors.push(error(
                    q,
                    f,
                    format!(
                        "the follow-up `{}` is not a question {loaded}: use the id of an existing question (`interview-bot questions list` shows them), or load the bank that has it together with this one",
                        f.id
                    ),
                ));
            }
        }
    }
    errors.extend(cycles(questions, &edges).into_iter().map(|(from, k, chain)| {
        let q = &questions[from];
        let f = &q.follow_ups[k];
        error(
            q,
            f,
            format!(
                "the follow-up `{}` leads back round a loop ({}): a chain of follow-ups must end; remove one of these links",
                f.id,
                chain.join(" -> ")
            ),
        )
    }));
    errors
}

/// Each loop of follow-ups once, as the link that closes it (the question, which of its entries)
/// and the chain of ids round it (`a -> b -> a`). A depth-first walk without recursion, so a long
/// chain in a big bank cannot overflow the stack.
fn cycles(
    questions: &[Question],
    edges: &[Vec<(usize, usize)>],
) -> Vec<(usize, usize, Vec<String>)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut mark = vec![Mark::New; questions.len()];
    let mut found = Vec::new();
    for start in 0..questions.len() {
        if mark[start] != Mark::New {
            continue;
        }
        // The path walked so far: each question with the next of its links to follow.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::OnPath;
        while let Some(top) = path.len().checked_sub(1) {
            let (node, next) = path[top];
            let Some(&(to, k)) = edges[node].get(next) else {
                mark[node] = Mark::Done;
                path.pop();
                continue;
            };
            path[top].1 += 1;
            match mark[to] {
                Mark::New => {
                    mark[to] = Mark::OnPath;
                    path.push((to, 0));
                }
                Mark::OnPath => {
                    let from = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let chain = path[from..]
                        .iter()
                        .map(|(n, _)| n)
                        .chain([&to])
                        .map(|&n| questions[n].id.0.clone())
                        .collect();
                    found.push((node, k, chain));
                }
                Mark::Done => {}
            }
        }
    }
    found
}

/// The follow-up to ask after `question`, given the questions the member has answered most
/// recently, newest first: the first of its follow-ups they have not just had; when they have
/// just had every one, the one they had longest ago (so pressing again goes round the list).
/// `None` when the question names no follow-ups.
pub fn next<'q>(question: &'q Question, recent: &[String]) -> Option<&'q QuestionId> {
    // How long ago the member had it: its place in `recent`, or never.
    let age = |id: &QuestionId| recent.iter().position(|r| *r == id.0).unwrap_or(usize::MAX);
    let mut best: Option<(&QuestionId, usize)> = None;
    for f in &question.follow_ups {
        let a = age(&f.id);
        // Strictly older only: of several never had, the first in the list.
        if best.is_none_or(|(_, b)| a > b) {
            best = Some((&f.id, a));
        }
    }
    best.map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use crate::bank::{Bank, BankErrors};

    /// A true/false question, with follow-ups where given.
    fn question(id: &str, follow_ups: &[&str]) -> String {
        let mut q = format!(
            "\n[[question]]\nid = \"{id}\"\nkind = \"true_false\"\ndifficulty = \"easy\"\nprompt = \"Is {id} true?\"\nanswer = true\nexplanation = \"Because it is.\"\nsource = \"semver\"\n"
        );
        if !follow_ups.is_empty() {
            let ids: Vec<String> = follow_ups.iter().map(|f| format!("\"{f}\"")).collect();
            q.push_str(&format!("follow_ups = [{}]\n", ids.join(", ")));
        }
        q
    }

    fn topic(name: &str, questions: &[(&str, &[&str])]) -> (String, String) {
        let mut src = format!("topic = \"{name}\"\ntitle = \"{name}\"\n");
        for (id, follow_ups) in questions {
            src.push_str(&question(id, follow_ups));
        }
        (format!("{name}.toml"), src)
    }

    /// The line of `needle` in a file (1-based), to check that an error points at it.
    fn line_of(file: &(String, String), needle: &str) -> usize {
        file.1
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("{needle} in {}", file.1))
    }

    fn errors(files: Vec<(String, String)>) -> Vec<String> {
        match Bank::from_files(files) {
            Ok(_) => panic!("the bank should be refused"),
            Err(BankErrors(e)) => e.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn follow_ups_are_read_in_order_with_their_lines() {
        let file = topic("a", &[("q1", &["q2", "q3"]), ("q2", &["q3"]), ("q3", &[])]);
        let line = line_of(&file, "follow_ups = [\"q2\"");
        let bank = Bank::from_files(vec![file]).unwrap();
        let q1 = bank.get("q1").unwrap();
        let ids: Vec<&str> = q1.follow_ups.iter().map(|f| f.id.0.as_str()).collect();
        assert_eq!(ids, ["q2", "q3"]);
        assert!(q1.follow_ups.iter().all(|f| f.line == line));
        assert!(bank.get("q3").unwrap().follow_ups.is_empty());
    }

    #[test]
    fn a_missing_follow_up_names_the_file_line_question_and_fix() {
        let file = topic("a", &[("q1", &["q2", "nowhere"]), ("q2", &[])]);
        let line = line_of(&file, "\"nowhere\"");
        let errors = errors(vec![file]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0],
            format!("a.toml:{line}: question `q1`: the follow-up `nowhere` is not a question of this bank: use the id of an existing question (`interview-bot questions list` shows them), or load the bank that has it together with this one")
        );
    }

    #[test]
    fn a_follow_up_may_live_in_another_topic_file() {
        let a = topic("a", &[("q1", &["q2"])]);
        let b = topic("b", &[("q2", &[])]);
        let bank = Bank::from_files(vec![a, b]).unwrap();
        assert_eq!(bank.get("q1").unwrap().follow_ups[0].id.0, "q2");
    }

    #[test]
    fn a_loop_is_refused_once_at_the_link_that_closes_it() {
        let a = topic("a", &[("q1", &["q2"]), ("q3", &[])]);
        let b = topic("b", &[("q2", &["q3", "q1"])]);
        let line = line_of(&b, "follow_ups");
        let errors = errors(vec![a, b]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(&format!("b.toml:{line}: question `q2`: the follow-up `q1` leads back round a loop (q1 -> q2 -> q1)")),
            "{}",
            errors[0]
        );
        assert!(
            errors[0].contains("remove one of these links"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_longer_loop_is_named_in_full() {
        let file = topic("a", &[("q1", &["q2"]), ("q2", &["q3"]), ("q3", &["q1"])]);
        let errors = errors(vec![file]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("(q1 -> q2 -> q3 -> q1)"),
            "{}",
            errors[0]
        );
        assert!(errors[0].contains("question `q3`"), "{}", errors[0]);
    }

    #[test]
    fn a_shared_follow_up_is_no_loop() {
        // Two questions digging into the same deeper one: a diamond, not a loop.
        let file = topic(
            "a",
            &[
                ("q1", &["q2", "q3"]),
                ("q2", &["q4"]),
                ("q3", &["q4"]),
                ("q4", &[]),
            ],
        );
        assert!(Bank::from_files(vec![file]).is_ok());
    }

    #[test]
    fn a_question_naming_itself_is_refused() {
        let file = topic("a", &[("q1", &["q1"])]);
        let line = line_of(&file, "follow_ups");
        let errors = errors(vec![file]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0],
            format!("a.toml:{line}: question `q1`: names itself as a follow-up: a follow-up is another question that digs deeper; remove `q1` from `follow_ups`")
        );
    }

    #[test]
    fn a_follow_up_listed_twice_is_refused() {
        let file = topic("a", &[("q1", &["q2", "q2"]), ("q2", &[])]);
        let errors = errors(vec![file]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("question `q1`: lists the follow-up `q2` twice"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn follow_ups_must_be_a_list_of_ids() {
        let (name, src) = topic("a", &[("q1", &[])]);
        let src = src.replace(
            "source = \"semver\"\n",
            "source = \"semver\"\nfollow_ups = \"q2\"\n",
        );
        let errors = errors(vec![(name, src)]);
        assert!(errors[0].starts_with("a.toml:"), "{}", errors[0]);
    }

    fn asked(follow_ups: &[&str], recent: &[&str]) -> Option<String> {
        let file = topic(
            "a",
            &[("q", follow_ups), ("b", &[]), ("c", &[]), ("d", &[])],
        );
        let bank = Bank::from_files(vec![file]).unwrap();
        let recent: Vec<String> = recent.iter().map(|s| s.to_string()).collect();
        super::next(bank.get("q").unwrap(), &recent).map(|id| id.0.clone())
    }

    #[test]
    fn the_next_follow_up_is_the_first_not_just_had() {
        assert_eq!(asked(&[], &[]), None);
        assert_eq!(asked(&["b", "c", "d"], &[]).as_deref(), Some("b"));
        assert_eq!(asked(&["b", "c", "d"], &["q"]).as_deref(), Some("b"));
        assert_eq!(asked(&["b", "c", "d"], &["b", "q"]).as_deref(), Some("c"));
        assert_eq!(
            asked(&["b", "c", "d"], &["c", "b", "q"]).as_deref(),
            Some("d")
        );
        // Every one just had: the one had longest ago, so the list goes round.
        assert_eq!(
            asked(&["b", "c", "d"], &["d", "c", "b"]).as_deref(),
            Some("b")
        );
        assert_eq!(
            asked(&["b", "c", "d"], &["b", "d", "c"]).as_deref(),
            Some("c")
        );
        assert_eq!(asked(&["b"], &["b"]).as_deref(), Some("b"));
    }
}
