//! Judging suggested questions with the bank's own rules: they are written as a bank folder (a
//! synonyms file and topic files, as `questions export` writes them), loaded by the bank's loader,
//! their rubrics linted and their examples graded as `questions check` does, so a member reads the
//! same message an author of the bank would, placed in the box of the form it is about.

use super::form::{self, Field, Form, FormError, QuestionToml};
use crate::bank::{Bank, BankError, Question};
use crate::grade::Grader;
use std::collections::BTreeMap;

/// One thing to fix, in the box of the form it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub message: String,
}

/// The id a suggestion is judged under before it has its own.
pub const DRAFT_ID: &str = "suggestion";

/// Files of a bank folder: (name, contents).
pub type Files = Vec<(String, String)>;

/// What in each form could not be read, by question id.
pub type FormErrors = Vec<(String, FormError)>;

/// A question to write into a folder: its id, the comment above it and its form.
pub struct Entry<'a> {
    pub id: String,
    pub comment: String,
    pub form: &'a Form,
}

/// The files of a bank folder holding `entries`, named `{prefix}synonyms.toml` and
/// `{prefix}<topic>.toml`, with what in each form could not be read (by question id).
pub fn folder(base: &Bank, entries: &[Entry], prefix: &str) -> (Files, FormErrors) {
    let mut errors = Vec::new();
    let mut by_topic: BTreeMap<&str, Vec<(String, QuestionToml)>> = BTreeMap::new();
    for e in entries {
        let (q, form_errors) = form::to_question(e.form, &e.id);
        errors.extend(form_errors.into_iter().map(|f| (e.id.clone(), f)));
        by_topic
            .entry(e.form.topic.as_str())
            .or_default()
            .push((e.comment.clone(), q));
    }
    let mut files = vec![(
        format!("{prefix}{}", crate::bank::SYNONYMS_FILE),
        form::synonyms_file(base.vocabulary()),
    )];
    for (topic, questions) in by_topic {
        let title = base.topic(topic).map_or(topic, |t| t.title.as_str());
        let refs: Vec<(String, &QuestionToml)> =
            questions.iter().map(|(c, q)| (c.clone(), q)).collect();
        files.push((
            format!("{prefix}{topic}.toml"),
            form::topic_file(topic, title, &refs),
        ));
    }
    (files, errors)
}

/// A folder of suggested questions, judged.
pub struct Judged {
    /// The bank and its grader, when the folder loads.
    pub built: Option<(Bank, Grader)>,
    /// The loader's, the linter's and the examples' errors, as `questions check` reports them.
    pub errors: Vec<BankError>,
    pub form_errors: FormErrors,
}

/// The bank, the grader and every error of a folder of suggested questions: the loader's, the
/// linter's, the examples' (as `questions check`), and a choice whose right option is the longest.
pub fn judge(base: &Bank, entries: &[Entry]) -> Judged {
    let (files, form_errors) = folder(base, entries, "(suggested)/");
    let mut errors = Vec::new();
    for e in entries {
        if base.topic(&e.form.topic).is_none() {
            errors.push(BankError {
                file: String::new(),
                line: None,
                id: Some(e.id.clone()),
                message: format!("there is no topic `{}` in the bank", e.form.topic),
            });
        }
        if base.get(&e.id).is_some() {
            errors.push(BankError {
                file: String::new(),
                line: None,
                id: Some(e.id.clone()),
                message: "the id is already used by the bank".into(),
            });
        }
    }
    let bank = match Bank::from_files(files) {
        Ok(bank) => bank,
        Err(e) => {
            errors.extend(e.0);
            return Judged {
                built: None,
                errors,
                form_errors,
            };
        }
    };
    let grader = Grader::new(&bank);
    errors.extend(crate::grade::lint_errors(&bank, &grader));
    errors.extend(crate::grade::selftest::check(&bank, &grader));
    for id in crate::bank::bias::length_bias(&bank).longest {
        errors.push(BankError {
            file: String::new(),
            line: None,
            id: Some(id),
            message: GIVES_IT_AWAY.into(),
        });
    }
    Judged {
        built: Some((bank, grader)),
        errors,
        form_errors,
    }
}

/// A choice whose right option is strictly the longest: the bank allows that in at most 35% of
/// its choice questions, and a suggestion never, so a folder of them always passes.
pub const GIVES_IT_AWAY: &str =
    "the right option is the longest, which gives it away: make a wrong option at least as long";

/// Checks a form on its own, as a member sends it: the question it makes, or what to fix.
pub fn check(form: &Form, base: &Bank) -> Result<Question, Vec<Problem>> {
    let entry = Entry {
        id: DRAFT_ID.into(),
        comment: String::new(),
        form,
    };
    let judged = judge(base, &[entry]);
    let problems = problems(DRAFT_ID, &judged.errors, &judged.form_errors);
    match judged.built.and_then(|(b, _)| b.get(DRAFT_ID).cloned()) {
        Some(q) if problems.is_empty() => Ok(q),
        _ if problems.is_empty() => Err(vec![Problem {
            field: Field::Setting,
            message: "it could not be read as a question".into(),
        }]),
        _ => Err(problems),
    }
}

/// The problems of question `id` among a folder's errors, in the order of the form's boxes. A box
/// the form could not read gets only that message: the bank's about it would repeat it.
pub fn problems(
    id: &str,
    errors: &[BankError],
    form_errors: &[(String, FormError)],
) -> Vec<Problem> {
    let mut out: Vec<Problem> = form_errors
        .iter()
        .filter(|(of, _)| of == id)
        .map(|(_, e)| Problem {
            field: e.field(),
            message: e.to_string(),
        })
        .collect();
    let unread: Vec<Field> = out.iter().map(|p| p.field).collect();
    for e in errors.iter().filter(|e| e.id.as_deref() == Some(id)) {
        let field = field_of(&e.message);
        let p = Problem {
            field,
            message: e.message.clone(),
        };
        if !unread.contains(&field) && !out.contains(&p) {
            out.push(p);
        }
    }
    out.sort_by_key(|p| p.field);
    out
}

/// The box of the form a bank message is about.
fn field_of(message: &str) -> Field {
    let m = message.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if has(&["example"]) {
        Field::Examples
    } else if has(&[
        "the question's own",
        "key point",
        "phrasing",
        "rubric",
        "`points`",
    ]) {
        Field::KeyPoints
    } else if has(&["model_answer", "model answer"]) {
        Field::ModelAnswer
    } else if has(&["`prompt`"]) {
        Field::Question
    } else if has(&["`explanation`"]) {
        Field::Explanation
    } else if has(&["option", "`answer`", "`accept`", "true` or `false"]) {
        Field::Answer
    } else {
        Field::Setting
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{BankSource, Difficulty};
    use crate::quiz::suggest::form::SuggestKind;

    fn base() -> Bank {
        Bank::load(&BankSource::Builtin).unwrap()
    }

    fn choice(answer: &str) -> Form {
        let mut f = Form::new(SuggestKind::Choice, "semver", Difficulty::Easy);
        f.question = "Which part of 2.4.1 goes up when a bug is fixed and nothing else?".into();
        f.answer = answer.into();
        f.explanation = "A compatible fix bumps PATCH.".into();
        f
    }

    #[test]
    fn a_good_choice_passes_and_becomes_a_bank_question() {
        let q = check(&choice("MAJOR\nMINOR\n* PATCH"), &base()).unwrap();
        assert_eq!(q.id.0, DRAFT_ID);
        assert_eq!(q.topic, "semver");
        assert_eq!(q.labels(), ["MAJOR", "MINOR", "PATCH"]);
    }

    #[test]
    fn broken_rules_come_back_with_the_banks_own_messages_in_their_boxes() {
        let mut f = choice("* Only one option");
        f.explanation.clear();
        let problems = check(&f, &base()).unwrap_err();
        assert_eq!(
            problems,
            vec![
                Problem {
                    field: Field::Answer,
                    message: "has 1 options; a choice question needs 2 to 5".into()
                },
                Problem {
                    field: Field::Explanation,
                    message: "has no `explanation`: add one to three sentences that say why the answer is right (shown after answering)".into()
                },
            ]
        );
    }

    #[test]
    fn an_option_that_gives_the_answer_away_is_refused() {
        let f = choice("MAJOR\nMINOR\n* PATCH, the last of the three numbers");
        let problems = check(&f, &base()).unwrap_err();
        assert_eq!(problems[0].field, Field::Answer);
        assert_eq!(problems[0].message, GIVES_IT_AWAY);
    }

    #[test]
    fn a_form_error_hides_the_banks_message_about_the_same_box() {
        let problems = check(&choice("MAJOR\nMINOR\nPATCH"), &base()).unwrap_err();
        assert_eq!(
            problems,
            vec![Problem {
                field: Field::Answer,
                message: FormError::NoRightOption.to_string()
            }]
        );
    }
}
