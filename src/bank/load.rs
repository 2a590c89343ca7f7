//! Reading topic and synonym files: the TOML shapes, located by line, handed to the validator;
//! every error is collected, so one run shows them all.

use super::error::BankError;
use super::lines::Lines;
use super::model::*;
use super::validate::{is_kebab, Validator};
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    topic: Spanned<String>,
    title: String,
    #[serde(default)]
    question: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    id: Spanned<String>,
    pub(super) kind: Option<toml::Value>,
    pub(super) difficulty: Option<toml::Value>,
    pub(super) prompt: Option<String>,
    pub(super) explanation: Option<String>,
    pub(super) source: Option<String>,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    pub(super) options: Option<Vec<String>>,
    pub(super) answer: Option<toml::Value>,
    pub(super) answers: Option<Vec<i64>>,
    pub(super) items: Option<Vec<String>>,
    pub(super) accept: Option<Vec<String>>,
    pub(super) rivals: Option<Vec<String>>,
    pub(super) normalise: Option<Normaliser>,
    pub(super) points: Option<Vec<RawPoint>>,
    pub(super) misconceptions: Option<Vec<RawMisconception>>,
    pub(super) model_answer: Option<String>,
    pub(super) subjects: Option<Vec<String>>,
    pub(super) enumerates: Option<bool>,
    pub(super) template: Option<Template>,
    examples: Option<RawExamples>,
    follow_ups: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExamples {
    #[serde(default)]
    correct: Vec<Spanned<String>>,
    #[serde(default)]
    partial: Vec<Spanned<String>>,
    #[serde(default)]
    wrong: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPoint {
    pub(super) text: String,
    pub(super) weight: Option<f64>,
    pub(super) subject: Option<String>,
    #[serde(default)]
    pub(super) phrasings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMisconception {
    pub(super) text: String,
    pub(super) penalty: Option<f64>,
    pub(super) subject: Option<String>,
    #[serde(default)]
    pub(super) phrasings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSynonyms {
    #[serde(default)]
    groups: Vec<Vec<String>>,
    #[serde(default)]
    spellings: Vec<Vec<String>>,
    #[serde(default)]
    standalone: Vec<String>,
}

fn syntax_error(file: &str, src: &str, e: toml::de::Error) -> BankError {
    BankError {
        file: file.to_string(),
        line: e.span().map(|s| Lines::new(src).line_of(s.start)),
        id: None,
        message: format!(
            "{} (see questions/README.md for the format)",
            e.message().trim_end()
        ),
    }
}

/// A parsed topic file: its topic and questions, or the errors that stopped it.
pub struct TopicFile {
    pub topic: Topic,
    /// The line of `topic = ...`.
    pub line: usize,
    pub questions: Vec<Question>,
}

pub fn parse_topic_file(file: &str, src: &str, errors: &mut Vec<BankError>) -> Option<TopicFile> {
    let raw: RawFile = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            errors.push(syntax_error(file, src, e));
            return None;
        }
    };
    // Found once: every question and example below is located by a binary search.
    let lines = Lines::new(src);
    let topic_line = lines.line_of(raw.topic.span().start);
    let topic = raw.topic.into_inner();
    let file_error = |line: usize, message: String| BankError {
        file: file.to_string(),
        line: Some(line),
        id: None,
        message,
    };
    if !is_kebab(&topic) {
        errors.push(file_error(
            topic_line,
            format!("topic `{topic}` is not a kebab-case id: use lower-case letters, digits and single hyphens"),
        ));
    }
    if raw.title.trim().is_empty() {
        errors.push(file_error(
            topic_line,
            "the `title` is empty: give the topic a name members will read".into(),
        ));
    }
    if raw.question.is_empty() {
        errors.push(file_error(
            topic_line,
            "the file has no questions: add [[question]] tables (see questions/README.md)".into(),
        ));
    }
    let questions = raw
        .question
        .into_iter()
        .filter_map(|mut q| {
            let line = lines.line_of(q.id.span().start);
            let examples = q.examples.take().map(|e| {
                [
                    (Expect::Correct, e.correct),
                    (Expect::Partial, e.partial),
                    (Expect::Wrong, e.wrong),
                ]
                .into_iter()
                .flat_map(|(expect, list)| list.into_iter().map(move |a| (expect, a)))
                .map(|(expect, a)| Example {
                    line: lines.line_of(a.span().start),
                    answer: a.into_inner(),
                    expect,
                })
                .collect::<Vec<_>>()
            });
            let follow_ups = q
                .follow_ups
                .take()
                .unwrap_or_default()
                .into_iter()
                .map(|f| FollowUp {
                    line: lines.line_of(f.span().start),
                    id: QuestionId(f.into_inner()),
                })
                .collect();
            let id = q.id.get_ref().clone();
            Validator::new(file, line, id, errors).question(q, &topic, examples, follow_ups)
        })
        .collect();
    Some(TopicFile {
        line: topic_line,
        topic: Topic {
            id: topic,
            title: raw.title,
        },
        questions,
    })
}

pub fn parse_synonyms(file: &str, src: &str, errors: &mut Vec<BankError>) -> Vocabulary {
    let raw = match toml::from_str::<RawSynonyms>(src) {
        Ok(raw) => raw,
        Err(e) => {
            errors.push(syntax_error(file, src, e));
            return Vocabulary::default();
        }
    };
    let mut checked = |what: &str, groups: Vec<Vec<String>>| -> Vec<Vec<String>> {
        groups
            .into_iter()
            .enumerate()
            .filter_map(|(i, g)| {
                if g.len() < 2 || g.iter().any(|w| w.trim().is_empty()) {
                    errors.push(BankError {
                        file: file.to_string(),
                        line: None,
                        id: None,
                        message: format!(
                            "{what} group {} needs at least two non-empty entries",
                            i + 1
                        ),
                    });
                    None
                } else {
                    Some(g)
                }
            })
            .collect()
    };
    let groups = checked("synonym", raw.groups);
    let spellings = checked("spelling", raw.spellings);
    for w in &raw.standalone {
        if w.trim().is_empty() {
            errors.push(BankError {
                file: file.to_string(),
                line: None,
                id: None,
                message: "a `standalone` entry is empty: list words (or synonym phrases) that name a point on their own, such as `tlb`".to_string(),
            });
        }
    }
    Vocabulary {
        groups,
        spellings,
        standalone: raw.standalone,
    }
}
