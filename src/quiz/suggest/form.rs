//! A suggestion's form as a member fills it in, and how it becomes a question of the bank's own
//! format: the TOML of a `[[question]]`, so the bank's loader, linter and self-test judge it with
//! the very rules (and messages) `questions check` uses.
//!
//! The form holds plain texts, one box each: what a Discord modal (at most five text boxes) and
//! a moderator's edit carry. What only the form has (the right option marked with `*`, a key
//! point's phrasings after `|`, an example's verdict as `+`, `~` or `-`) is read here, and a
//! form that cannot be read says so in [`FormError`]s the member can act on.

use crate::bank::{Difficulty, KindName};
use serde::{Deserialize, Serialize};

/// The kinds a member can suggest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestKind {
    Choice,
    TrueFalse,
    Short,
    FreeText,
}

impl SuggestKind {
    pub const ALL: [SuggestKind; 4] = [
        SuggestKind::Choice,
        SuggestKind::TrueFalse,
        SuggestKind::Short,
        SuggestKind::FreeText,
    ];

    pub fn name(self) -> KindName {
        match self {
            SuggestKind::Choice => KindName::Choice,
            SuggestKind::TrueFalse => KindName::TrueFalse,
            SuggestKind::Short => KindName::Short,
            SuggestKind::FreeText => KindName::FreeText,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.name().as_str()
    }

    pub fn parse(s: &str) -> Option<SuggestKind> {
        SuggestKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The boxes of this kind's form, in order (at most five: a modal's limit).
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            SuggestKind::Choice | SuggestKind::TrueFalse => &[Question, Answer, Explanation],
            SuggestKind::Short => &[Question, Answer, Explanation, Examples],
            SuggestKind::FreeText => &[Question, KeyPoints, ModelAnswer, Explanation, Examples],
        }
    }
}

/// One box of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Question,
    /// The options (choice), true or false, or the answer and its accepted variants (short).
    Answer,
    KeyPoints,
    ModelAnswer,
    Explanation,
    Examples,
    /// The kind, topic or difficulty, chosen with the command.
    Setting,
}

impl Field {
    pub const BOXES: [Field; 6] = [
        Field::Question,
        Field::Answer,
        Field::KeyPoints,
        Field::ModelAnswer,
        Field::Explanation,
        Field::Examples,
    ];

    /// The id of its text box in a modal.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Question => "question",
            Field::Answer => "answer",
            Field::KeyPoints => "points",
            Field::ModelAnswer => "model",
            Field::Explanation => "explanation",
            Field::Examples => "examples",
            Field::Setting => "setting",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::BOXES.into_iter().find(|f| f.as_str() == s)
    }
}

/// What a member (or a moderator editing it) wrote, box by box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Form {
    pub kind: SuggestKind,
    pub topic: String,
    pub difficulty: Difficulty,
    pub question: String,
    /// Choice: the options, one a line, the right one marked `*`. True/false: `true` or
    /// `false`. Short: the answer, then other accepted answers, one a line.
    #[serde(default)]
    pub answer: String,
    /// Free text: the key points, one a line: `the point | phrasing, phrasing [| weight]`.
    #[serde(default)]
    pub points: String,
    #[serde(default)]
    pub model_answer: String,
    pub explanation: String,
    /// Short and free text: example answers, one a line, each starting with `+` (right), `~`
    /// (partly right) or `-` (wrong).
    #[serde(default)]
    pub examples: String,
}

impl Form {
    /// An empty form of a kind, topic and difficulty.
    pub fn new(kind: SuggestKind, topic: &str, difficulty: Difficulty) -> Form {
        Form {
            kind,
            topic: topic.to_string(),
            difficulty,
            question: String::new(),
            answer: String::new(),
            points: String::new(),
            model_answer: String::new(),
            explanation: String::new(),
            examples: String::new(),
        }
    }

    pub fn text(&self, field: Field) -> &str {
        match field {
            Field::Question => &self.question,
            Field::Answer => &self.answer,
            Field::KeyPoints => &self.points,
            Field::ModelAnswer => &self.model_answer,
            Field::Explanation => &self.explanation,
            Field::Examples => &self.examples,
            Field::Setting => "",
        }
    }

    pub fn set(&mut self, field: Field, text: String) {
        match field {
            Field::Question => self.question = text,
            Field::Answer => self.answer = text,
            Field::KeyPoints => self.points = text,
            Field::ModelAnswer => self.model_answer = text,
            Field::Explanation => self.explanation = text,
            Field::Examples => self.examples = text,
            Field::Setting => {}
        }
    }

    /// What a duplicate is recognised by: the question and its right answer.
    pub fn gist(&self) -> String {
        let answer = match self.kind {
            SuggestKind::Choice => lines(&self.answer)
                .find(|l| l.starts_with('*'))
                .map(|l| l.trim_start_matches('*').trim().to_string())
                .unwrap_or_default(),
            SuggestKind::TrueFalse => String::new(),
            SuggestKind::Short => lines(&self.answer).next().unwrap_or_default().to_string(),
            SuggestKind::FreeText => self.model_answer.clone(),
        };
        format!("{} {answer}", self.question)
    }
}

/// What keeps a form from being read as a question; each message is written for the member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("Put a * in front of the right option, e.g. `* Threads share memory`.")]
    NoRightOption,
    #[error("Only one option can be right: keep the * on one of them.")]
    SeveralRightOptions,
    #[error("key point {point}: `{weight}` is not a weight; after a second | write a number from 0.1 to 10, e.g. `| 2`.")]
    BadWeight { point: usize, weight: String },
    #[error(
        "key point {point} has more than two |: write `the point | phrasing, phrasing | weight`."
    )]
    TooManyBars { point: usize },
    #[error("Start each example with + (right), ~ (partly right) or - (wrong): `{line}`.")]
    UnmarkedExample { line: String },
}

impl FormError {
    pub fn field(&self) -> Field {
        match self {
            FormError::NoRightOption | FormError::SeveralRightOptions => Field::Answer,
            FormError::BadWeight { .. } | FormError::TooManyBars { .. } => Field::KeyPoints,
            FormError::UnmarkedExample { .. } => Field::Examples,
        }
    }
}

/// A member's text quoted back in a message: at most 100 characters.
fn echo(s: &str) -> String {
    if s.chars().count() <= 100 {
        s.to_string()
    } else {
        s.chars().take(99).chain(['…']).collect()
    }
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The source every suggested question names: `questions check` requires one, and an exported
/// question keeps it until its author upstream names the section of the material.
pub const SOURCE: &str = "member-suggestion";

/// A `[[question]]` as the bank's files write it.
#[derive(Debug, Serialize)]
pub struct QuestionToml {
    id: String,
    kind: &'static str,
    difficulty: &'static str,
    prompt: String,
    explanation: String,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<toml::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accept: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model_answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    points: Option<Vec<PointToml>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    examples: Option<ExamplesToml>,
}

#[derive(Debug, Serialize)]
struct PointToml {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<f64>,
    phrasings: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
struct ExamplesToml {
    correct: Vec<String>,
    partial: Vec<String>,
    wrong: Vec<String>,
}

/// Reads a form as the question `id`: the question's TOML, and what in the form could not be
/// read. What can be read is kept either way, so the bank's rules judge the rest in the same run.
pub fn to_question(form: &Form, id: &str) -> (QuestionToml, Vec<FormError>) {
    let mut errors = Vec::new();
    let mut q = QuestionToml {
        id: id.to_string(),
        kind: form.kind.as_str(),
        difficulty: form.difficulty.as_str(),
        prompt: form.question.trim().to_string(),
        explanation: form.explanation.trim().to_string(),
        source: SOURCE,
        options: None,
        answer: None,
        accept: None,
        model_answer: None,
        points: None,
        examples: None,
    };
    match form.kind {
        SuggestKind::Choice => {
            let mut options = Vec::new();
            let mut right = Vec::new();
            for line in lines(&form.answer) {
                match line.strip_prefix('*') {
                    Some(marked) => {
                        right.push(options.len() + 1);
                        options.push(marked.trim().to_string());
                    }
                    None => options.push(line.to_string()),
                }
            }
            match right.as_slice() {
                [n] => q.answer = Some(toml::Value::Integer(*n as i64)),
                [] if !options.is_empty() => errors.push(FormError::NoRightOption),
                [] => {}
                _ => errors.push(FormError::SeveralRightOptions),
            }
            q.options = Some(options);
        }
        SuggestKind::TrueFalse => {
            let said = form.answer.trim().to_lowercase();
            q.answer = match said.trim_end_matches('.') {
                "true" | "t" | "yes" | "right" | "correct" => Some(toml::Value::Boolean(true)),
                "false" | "f" | "no" | "wrong" | "incorrect" => Some(toml::Value::Boolean(false)),
                // Left out: the bank says what it must be.
                _ => None,
            };
        }
        SuggestKind::Short => {
            let mut all = lines(&form.answer).map(String::from);
            q.answer = all.next().map(toml::Value::String);
            let accept: Vec<String> = all.collect();
            q.accept = (!accept.is_empty()).then_some(accept);
            q.examples = Some(examples(&form.examples, &mut errors));
        }
        SuggestKind::FreeText => {
            q.model_answer = Some(form.model_answer.trim().to_string());
            q.points = Some(points(&form.points, &mut errors));
            q.examples = Some(examples(&form.examples, &mut errors));
        }
    }
    (q, errors)
}

/// Key points, one a line: `the point | phrasing, phrasing [| weight]`.
fn points(text: &str, errors: &mut Vec<FormError>) -> Vec<PointToml> {
    lines(text)
        .enumerate()
        .map(|(i, line)| {
            let mut parts = line.split('|').map(str::trim);
            let point = parts.next().unwrap_or_default().to_string();
            let phrasings = parts
                .next()
                .map(|p| {
                    p.split([',', ';'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            let weight = parts.next().and_then(|w| match w.parse::<f64>() {
                Ok(w) => Some(w),
                Err(_) => {
                    errors.push(FormError::BadWeight {
                        point: i + 1,
                        weight: echo(w),
                    });
                    None
                }
            });
            if parts.next().is_some() {
                errors.push(FormError::TooManyBars { point: i + 1 });
            }
            PointToml {
                text: point,
                weight,
                phrasings,
            }
        })
        .collect()
}

/// Example answers, one a line, each marked `+` (right), `~` (partly right) or `-` (wrong);
/// `right:`, `partial:` and `wrong:` are read too.
fn examples(text: &str, errors: &mut Vec<FormError>) -> ExamplesToml {
    let mut out = ExamplesToml::default();
    for line in lines(text) {
        let lower = line.to_lowercase();
        let marks: [(&[&str], &mut Vec<String>); 3] = [
            (&["+", "right:", "correct:"], &mut out.correct),
            (&["~", "partial:", "partly:"], &mut out.partial),
            (&["-", "wrong:"], &mut out.wrong),
        ];
        let mut found = false;
        for (prefixes, list) in marks {
            if let Some(p) = prefixes.iter().find(|p| lower.starts_with(**p)) {
                list.push(line[p.len()..].trim().to_string());
                found = true;
                break;
            }
        }
        if !found {
            errors.push(FormError::UnmarkedExample { line: echo(line) });
        }
    }
    out
}

/// A topic file of the bank's format holding `questions` (each with the comment above it).
pub fn topic_file(topic: &str, title: &str, questions: &[(String, &QuestionToml)]) -> String {
    #[derive(Serialize)]
    struct Header<'a> {
        topic: &'a str,
        title: &'a str,
    }
    #[derive(Serialize)]
    struct One<'a> {
        question: [&'a QuestionToml; 1],
    }
    let mut out = toml::to_string(&Header { topic, title }).expect("plain strings serialize");
    for (comment, q) in questions {
        out.push('\n');
        for line in comment.lines() {
            out.push_str(&format!("# {line}\n"));
        }
        out.push_str(&toml::to_string(&One { question: [q] }).expect("a question serializes"));
    }
    out
}

/// The bank's synonyms file holding `vocabulary`, so a folder of suggested questions grades (and
/// checks) with the words the bank it came from knows.
pub fn synonyms_file(vocabulary: &crate::bank::Vocabulary) -> String {
    #[derive(Serialize)]
    struct Synonyms<'a> {
        groups: &'a [Vec<String>],
        spellings: &'a [Vec<String>],
        standalone: &'a [String],
    }
    let mut out = String::from(
        "# The synonym lists of the bank these questions were suggested against, so that this\n\
         # folder checks and grades on its own. Leave it out when merging the questions upstream.\n",
    );
    out.push_str(
        &toml::to_string(&Synonyms {
            groups: &vocabulary.groups,
            spellings: &vocabulary.spellings,
            standalone: &vocabulary.standalone,
        })
        .expect("word lists serialize"),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: SuggestKind) -> Form {
        Form::new(kind, "semver", Difficulty::Easy)
    }

    fn toml_of(q: &QuestionToml) -> String {
        topic_file("semver", "SemVer", &[("by someone".into(), q)])
    }

    #[test]
    fn a_choice_reads_its_marked_option_and_refuses_none_or_two() {
        let mut f = form(SuggestKind::Choice);
        f.answer = "MAJOR\n* MINOR\n\n  PATCH  ".into();
        let (q, errors) = to_question(&f, "x");
        assert!(errors.is_empty());
        let text = toml_of(&q);
        assert!(
            text.contains(r#"options = ["MAJOR", "MINOR", "PATCH"]"#),
            "{text}"
        );
        assert!(text.contains("answer = 2"), "{text}");
        assert!(text.contains("# by someone\n[[question]]"), "{text}");
        f.answer = "MAJOR\nMINOR".into();
        assert_eq!(to_question(&f, "x").1, vec![FormError::NoRightOption]);
        f.answer = "*MAJOR\n*MINOR".into();
        assert_eq!(to_question(&f, "x").1, vec![FormError::SeveralRightOptions]);
    }

    #[test]
    fn key_points_carry_phrasings_and_weights_and_examples_their_verdicts() {
        let mut f = form(SuggestKind::FreeText);
        f.points = "Threads share memory | share memory, same memory | 2\nProcesses are isolated | own memory".into();
        f.examples = "+ They share it\npartial: half\nwrong: no\n-nope\nwhat".into();
        let (q, errors) = to_question(&f, "x");
        assert_eq!(
            errors,
            vec![FormError::UnmarkedExample {
                line: "what".into()
            }]
        );
        let text = toml_of(&q);
        assert!(
            text.contains(r#"phrasings = ["share memory", "same memory"]"#),
            "{text}"
        );
        assert!(text.contains("weight = 2.0"), "{text}");
        assert!(
            text.contains(r#"correct = ["They share it"]"#)
                && text.contains(r#"partial = ["half"]"#)
                && text.contains(r#"wrong = ["no", "nope"]"#),
            "{text}"
        );
        f.points = "a | b c | heavy".into();
        f.examples.clear();
        assert!(matches!(
            to_question(&f, "x").1.as_slice(),
            [FormError::BadWeight { point: 1, .. }]
        ));
    }

    #[test]
    fn true_false_and_short_answers() {
        let mut f = form(SuggestKind::TrueFalse);
        f.answer = " True. ".into();
        assert!(toml_of(&to_question(&f, "x").0).contains("answer = true"));
        f.answer = "maybe".into();
        assert!(!toml_of(&to_question(&f, "x").0).contains("answer ="));
        let mut f = form(SuggestKind::Short);
        f.answer = "ps\nps aux\ntop".into();
        let text = toml_of(&to_question(&f, "x").0);
        assert!(text.contains(r#"answer = "ps""#), "{text}");
        assert!(text.contains(r#"accept = ["ps aux", "top"]"#), "{text}");
    }
}
