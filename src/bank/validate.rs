//! The rules a question must keep: required texts, Discord's limits, the fields of its kind,
//! option numbers in range, a complete rubric and enough examples. Each broken rule is an error
//! located at the question's line, with a hint of how to fix it.

use super::error::BankError;
use super::load::{RawMisconception, RawPoint, RawQuestion};
use super::model::*;
use std::collections::HashSet;

/// Discord's limits that bank texts must fit (see DESIGN.md).
pub const MAX_OPTION_CHARS: usize = 80;
pub const MAX_PROMPT_CHARS: usize = 4096;
pub const MAX_EXPLANATION_CHARS: usize = 1024;
pub const MAX_ID_CHARS: usize = 40;

/// The fewest examples a question carries, by kind and verdict.
pub const MIN_FREE_TEXT_EXAMPLES: [(Expect, usize); 3] = [
    (Expect::Correct, 6),
    (Expect::Partial, 2),
    (Expect::Wrong, 4),
];
pub const MIN_SHORT_EXAMPLES: [(Expect, usize); 3] = [
    (Expect::Correct, 4),
    (Expect::Partial, 0),
    (Expect::Wrong, 3),
];

pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

pub(super) struct Validator<'a> {
    file: &'a str,
    line: usize,
    id: String,
    errors: &'a mut Vec<BankError>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(
        file: &'a str,
        line: usize,
        id: String,
        errors: &'a mut Vec<BankError>,
    ) -> Validator<'a> {
        Validator {
            file,
            line,
            id,
            errors,
        }
    }

    fn err(&mut self, message: impl Into<String>) {
        self.errors.push(BankError {
            file: self.file.to_string(),
            line: Some(self.line),
            id: Some(self.id.clone()),
            message: message.into(),
        });
    }

    fn required_text(
        &mut self,
        field: &str,
        value: Option<String>,
        max: usize,
        what: &str,
    ) -> String {
        match value {
            Some(v) if !v.trim().is_empty() => {
                let n = v.chars().count();
                if n > max {
                    self.err(format!(
                        "`{field}` is {n} characters; {what} holds at most {max}: shorten it"
                    ));
                }
                v.trim().to_string()
            }
            _ => {
                self.err(format!("has no `{field}`: {}", hint_for(field)));
                String::new()
            }
        }
    }

    /// Option or item texts: non-empty, short enough for a button, all different.
    fn labels(&mut self, field: &str, labels: &[String]) {
        let mut seen: Vec<String> = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let n = label.chars().count();
            let what = &field[..field.len() - 1];
            if label.trim().is_empty() {
                self.err(format!("{what} {} is empty: write its text", i + 1));
            } else if n > MAX_OPTION_CHARS {
                self.err(format!(
                    "{what} {} is {n} characters; a button label holds at most {MAX_OPTION_CHARS}: shorten it",
                    i + 1
                ));
            }
            let folded = label.trim().to_lowercase();
            if let Some(j) = seen.iter().position(|s| *s == folded) {
                self.err(format!(
                    "{what} {} repeats {what} {} (`{}`): every {what} must differ",
                    i + 1,
                    j + 1,
                    label.trim()
                ));
            }
            seen.push(folded);
        }
    }

    /// A field whose value must be one of a few words.
    fn one_of<'v>(
        &mut self,
        field: &str,
        value: Option<&'v toml::Value>,
        allowed: &[&str],
    ) -> Option<&'v str> {
        match value {
            Some(toml::Value::String(s)) if allowed.contains(&s.as_str()) => Some(s),
            Some(other) => {
                self.err(format!(
                    "`{field}` is {other}; it must be one of: {}",
                    allowed.join(", ")
                ));
                None
            }
            None => {
                self.err(format!(
                    "has no `{field}`: use one of: {}",
                    allowed.join(", ")
                ));
                None
            }
        }
    }

    fn count(&mut self, field: &str, n: usize, min: usize, max: usize, kind: KindName) -> bool {
        if n < min || n > max {
            let article = if kind == KindName::Order { "an" } else { "a" };
            self.err(format!(
                "has {n} {field}; {article} {kind} question needs {min} to {max}"
            ));
            false
        } else {
            true
        }
    }

    /// A short question's rival names: each a name, none of them an answer it accepts, and only
    /// for names (a version question's wrong versions are told apart without a list).
    fn rivals(&mut self, rivals: &[String], answer: &str, accept: &[String], how: Normaliser) {
        if rivals.is_empty() {
            return;
        }
        if how == Normaliser::Version {
            self.err("`rivals` is for names: remove it from a question normalised as a version");
            return;
        }
        let fold = |s: &str| s.trim().to_lowercase();
        for rival in rivals {
            if rival.trim().is_empty() {
                self.err("`rivals` has an empty entry: remove it");
            } else if std::iter::once(answer)
                .chain(accept.iter().map(String::as_str))
                .any(|a| fold(a) == fold(rival))
            {
                self.err(format!(
                    "`rivals` lists `{}`, which is an accepted answer: a name is either right or a rival",
                    rival.trim()
                ));
            }
        }
    }

    /// A 1-based option number from the file, as a 0-based index.
    fn option_number(&mut self, field: &str, n: i64, len: usize) -> Option<usize> {
        if n >= 1 && (n as usize) <= len {
            Some(n as usize - 1)
        } else {
            self.err(format!(
                "`{field}` {n} is out of range: there are {len} options, so it must be 1 to {len}"
            ));
            None
        }
    }

    pub(super) fn question(
        &mut self,
        mut q: RawQuestion,
        topic: &str,
        examples: Option<Vec<Example>>,
        follow_ups: Vec<FollowUp>,
    ) -> Option<Question> {
        let id_chars = self.id.chars().count();
        if !is_kebab(&self.id) || id_chars > MAX_ID_CHARS {
            self.err(format!(
                "the id is not a kebab-case id of at most {MAX_ID_CHARS} characters: use lower-case letters, digits and single hyphens"
            ));
        }
        let difficulty = self.one_of(
            "difficulty",
            q.difficulty.as_ref(),
            &Difficulty::ALL.map(|d| d.as_str()),
        );
        let kind_name = self.one_of("kind", q.kind.as_ref(), &KindName::ALL.map(|k| k.as_str()));
        let (Some(difficulty), Some(kind_name)) = (
            difficulty.and_then(Difficulty::parse),
            kind_name.and_then(|k| KindName::ALL.into_iter().find(|n| n.as_str() == k)),
        ) else {
            return None;
        };
        let present = present_fields(&q);
        for field in present {
            if !allowed_fields(kind_name).contains(&field) {
                self.err(format!(
                    "`{field}` does not belong to a {kind_name} question: remove it, or change `kind`"
                ));
            }
        }
        let prompt = if kind_name == KindName::Generated {
            q.prompt.take().unwrap_or_default().trim().to_string()
        } else {
            self.required_text(
                "prompt",
                q.prompt.take(),
                MAX_PROMPT_CHARS,
                "an embed description",
            )
        };
        let explanation = self.required_text(
            "explanation",
            q.explanation.take(),
            MAX_EXPLANATION_CHARS,
            "an embed field",
        );
        let source = self.required_text("source", q.source.take(), 100, "a source name");
        for tag in &q.tags {
            if !is_kebab(tag) {
                self.err(format!(
                    "tag `{tag}` is not kebab-case: use lower-case letters, digits and hyphens"
                ));
            }
        }
        let examples = self.examples(kind_name, examples);
        let errors_before = self.errors.len();
        let tags = std::mem::take(&mut q.tags);
        let kind = self.kind(kind_name, &mut q);
        if self.errors.len() > errors_before {
            return None;
        }
        let question = Question {
            id: QuestionId(self.id.clone()),
            topic: topic.to_string(),
            difficulty,
            prompt,
            explanation,
            source,
            tags,
            kind: kind?,
            examples,
            // Checked once the whole bank is read: a follow-up may live in another file.
            follow_ups,
            file: self.file.to_string(),
            line: self.line,
        };
        // Counted as it is sent: the prompt with what the post adds, code blocks closed.
        let problems = super::posted::problems(&question);
        if !problems.is_empty() {
            problems.into_iter().for_each(|p| self.err(p));
            return None;
        }
        Some(question)
    }

    fn kind(&mut self, kind: KindName, q: &mut RawQuestion) -> Option<Kind> {
        let (options, answer, answers, items) = (
            q.options.take(),
            q.answer.take(),
            q.answers.take(),
            q.items.take(),
        );
        let (accept, rivals, normalise, template) = (
            q.accept.take(),
            q.rivals.take(),
            q.normalise.take(),
            q.template.take(),
        );
        match kind {
            KindName::Choice => {
                let options = options.unwrap_or_default();
                self.count("options", options.len(), 2, 5, kind);
                self.labels("options", &options);
                let answer = match answer {
                    Some(toml::Value::Integer(n)) => self.option_number("answer", n, options.len()),
                    _ => {
                        self.err(
                            "`answer` must be the number of the correct option, counting from 1",
                        );
                        None
                    }
                };
                Some(Kind::Choice {
                    options,
                    answer: answer?,
                })
            }
            KindName::Multi => {
                let options = options.unwrap_or_default();
                self.count("options", options.len(), 2, 10, kind);
                self.labels("options", &options);
                let numbers = answers.unwrap_or_default();
                if numbers.is_empty() {
                    self.err("has no `answers`: list the numbers of every correct option, counting from 1");
                }
                let mut picked = Vec::new();
                for n in numbers {
                    if let Some(i) = self.option_number("answers", n, options.len()) {
                        if picked.contains(&i) {
                            self.err(format!("`answers` lists {n} twice"));
                        }
                        picked.push(i);
                    }
                }
                picked.sort_unstable();
                Some(Kind::Multi {
                    options,
                    answers: picked,
                })
            }
            KindName::TrueFalse => match answer {
                Some(toml::Value::Boolean(answer)) => Some(Kind::TrueFalse { answer }),
                _ => {
                    self.err("`answer` must be `true` or `false`");
                    None
                }
            },
            KindName::Order => {
                let items = items.unwrap_or_default();
                self.count("items", items.len(), 3, 6, kind);
                self.labels("items", &items);
                Some(Kind::Order { items })
            }
            KindName::Short => {
                let answer = match answer {
                    Some(toml::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                    _ => {
                        self.err("`answer` must be the expected answer, as a non-empty string");
                        return None;
                    }
                };
                let accept = accept.unwrap_or_default();
                if accept.iter().any(|a| a.trim().is_empty()) {
                    self.err("`accept` has an empty entry: remove it");
                }
                let normalise = normalise.unwrap_or_default();
                let rivals = rivals.unwrap_or_default();
                self.rivals(&rivals, &answer, &accept, normalise);
                Some(Kind::Short {
                    answer,
                    accept,
                    rivals,
                    normalise,
                })
            }
            KindName::FreeText => self
                .rubric(
                    q.points.take(),
                    q.misconceptions.take(),
                    q.model_answer.take(),
                    q.subjects.take(),
                    q.enumerates.take().unwrap_or(false),
                )
                .map(Kind::FreeText),
            KindName::Generated => match template {
                Some(t) => Some(Kind::Generated(t)),
                None => {
                    self.err("has no `template`: name one of semver-bump, semver-precedence");
                    None
                }
            },
        }
    }

    fn rubric(
        &mut self,
        points: Option<Vec<RawPoint>>,
        misconceptions: Option<Vec<RawMisconception>>,
        model_answer: Option<String>,
        subjects: Option<Vec<String>>,
        enumerates: bool,
    ) -> Option<Rubric> {
        let subjects: Vec<Vec<String>> = subjects
            .unwrap_or_default()
            .iter()
            .map(|s| {
                s.split('|')
                    .map(|w| w.trim().to_lowercase())
                    .filter(|w| !w.is_empty())
                    .collect()
            })
            .collect();
        if subjects.len() == 1 || subjects.iter().any(|s: &Vec<String>| s.is_empty()) {
            self.err("`subjects` needs at least two non-empty entries, such as [\"process | processes\", \"thread | threads\"]");
        }
        let raw_points = points.unwrap_or_default();
        if raw_points.is_empty() {
            self.err("the rubric is empty: add 2 to 5 [[question.points]], each with `text` and `phrasings`");
        } else {
            self.count("key points", raw_points.len(), 2, 5, KindName::FreeText);
        }
        let model_answer = self.required_text(
            "model_answer",
            model_answer,
            MAX_EXPLANATION_CHARS,
            "an embed field",
        );
        let mut out = Vec::new();
        for (i, p) in raw_points.into_iter().enumerate() {
            let weight = p.weight.unwrap_or(1.0);
            if p.text.trim().is_empty() {
                self.err(format!(
                    "key point {} has no `text`: say the point in a few words",
                    i + 1
                ));
            }
            if !(weight > 0.0 && weight <= 10.0) {
                self.err(format!(
                    "key point {} has weight {weight}; use a number above 0, at most 10",
                    i + 1
                ));
            }
            self.phrasings(&format!("key point {}", i + 1), &p.phrasings);
            let subject = p.subject.as_ref().and_then(|name| {
                let name = name.trim().to_lowercase();
                let found = subjects.iter().position(|alts| alts.contains(&name));
                if found.is_none() {
                    self.err(format!(
                        "key point {} is about subject `{name}`, which is not one of the question's `subjects`",
                        i + 1
                    ));
                }
                found
            });
            out.push(KeyPoint {
                text: p.text.trim().to_string(),
                weight,
                phrasings: p.phrasings,
                subject,
            });
        }
        let mut wrong = Vec::new();
        for (i, m) in misconceptions.unwrap_or_default().into_iter().enumerate() {
            let penalty = m.penalty.unwrap_or(0.5);
            if m.text.trim().is_empty() {
                self.err(format!("misconception {} has no `text`", i + 1));
            }
            if !(penalty > 0.0 && penalty <= 1.0) {
                self.err(format!(
                    "misconception {} has penalty {penalty}; use a share of the score above 0, at most 1",
                    i + 1
                ));
            }
            self.phrasings(&format!("misconception {}", i + 1), &m.phrasings);
            let subject = m.subject.as_ref().and_then(|name| {
                let name = name.trim().to_lowercase();
                let found = subjects.iter().position(|alts| alts.contains(&name));
                if found.is_none() {
                    self.err(format!(
                        "misconception {} is about subject `{name}`, which is not one of the question's `subjects`",
                        i + 1
                    ));
                }
                found
            });
            wrong.push(Misconception {
                text: m.text.trim().to_string(),
                penalty,
                phrasings: m.phrasings,
                subject,
            });
        }
        Some(Rubric {
            subjects,
            points: out,
            misconceptions: wrong,
            model_answer,
            enumerates,
        })
    }

    /// A free-text or short question carries examples of each verdict; other kinds none.
    fn examples(&mut self, kind: KindName, examples: Option<Vec<Example>>) -> Vec<Example> {
        let min = match kind {
            KindName::FreeText => MIN_FREE_TEXT_EXAMPLES,
            KindName::Short => MIN_SHORT_EXAMPLES,
            _ => {
                if examples.is_some() {
                    self.err(format!(
                        "`examples` do not belong to a {kind} question: they test free-text and short grading; remove them"
                    ));
                }
                return vec![];
            }
        };
        let examples = examples.unwrap_or_default();
        for (expect, n) in min {
            let have = examples.iter().filter(|e| e.expect == expect).count();
            if have < n {
                self.err(format!(
                    "[question.examples] has {have} `{}` answer(s); a {kind} question needs at least {n}: write them before the rubric, in the words of people who never saw it (see questions/README.md)",
                    expect.as_str()
                ));
            }
        }
        if examples.iter().any(|e| e.answer.trim().is_empty()) {
            self.err("an example answer is empty: remove it");
        }
        examples
    }

    fn phrasings(&mut self, what: &str, phrasings: &[String]) {
        if phrasings.is_empty() {
            self.err(format!(
                "{what} has no `phrasings`: list the few words that express it"
            ));
        }
        if phrasings.iter().any(|p| p.trim().is_empty()) {
            self.err(format!("{what} has an empty phrasing: remove it"));
        }
        let distinct: HashSet<&str> = phrasings.iter().map(|p| p.trim()).collect();
        if distinct.len() < phrasings.len() {
            self.err(format!("{what} lists the same phrasing twice"));
        }
    }
}

fn hint_for(field: &str) -> &'static str {
    match field {
        "prompt" => "write the question members will read",
        "explanation" => {
            "add one to three sentences that say why the answer is right (shown after answering)"
        }
        "source" => "name the section of the material it comes from (see questions/README.md)",
        "model_answer" => "write the answer a strong candidate would give (shown at the reveal)",
        _ => "add it",
    }
}

fn present_fields(q: &RawQuestion) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut add = |present: bool, name: &'static str| {
        if present {
            out.push(name)
        }
    };
    add(q.options.is_some(), "options");
    add(q.answer.is_some(), "answer");
    add(q.answers.is_some(), "answers");
    add(q.items.is_some(), "items");
    add(q.accept.is_some(), "accept");
    add(q.rivals.is_some(), "rivals");
    add(q.normalise.is_some(), "normalise");
    add(q.points.is_some(), "points");
    add(q.misconceptions.is_some(), "misconceptions");
    add(q.model_answer.is_some(), "model_answer");
    add(q.subjects.is_some(), "subjects");
    add(q.enumerates.is_some(), "enumerates");
    add(q.template.is_some(), "template");
    out
}

fn allowed_fields(kind: KindName) -> &'static [&'static str] {
    match kind {
        KindName::Choice => &["options", "answer"],
        KindName::Multi => &["options", "answers"],
        KindName::TrueFalse => &["answer"],
        KindName::Order => &["items"],
        KindName::Short => &["answer", "accept", "rivals", "normalise"],
        KindName::FreeText => &[
            "points",
            "misconceptions",
            "model_answer",
            "subjects",
            "enumerates",
        ],
        KindName::Generated => &["template"],
    }
}
