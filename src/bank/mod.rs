//! The question bank: the model, loading and validation with located errors, generated questions.

pub mod bias;
mod error;
mod follow_ups;
pub mod generated;
mod lines;
mod load;
pub mod markdown;
mod model;
pub mod posted;
mod precedents;
pub mod seeded;
mod sources;
mod validate;
mod walk;

pub use error::{BankError, BankErrors};
pub use follow_ups::next as next_follow_up;
pub use model::*;
pub use precedents::{is_precedents_file, Precedent};
pub use sources::{BankSource, BUILTIN_NAME};
pub use validate::{
    is_kebab, MAX_EXPLANATION_CHARS, MAX_ID_CHARS, MAX_OPTION_CHARS, MAX_PROMPT_CHARS,
    MIN_SHORT_EXAMPLES,
};

use std::collections::HashMap;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_bank.rs"));
}

/// A topic id the bank does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no topic `{topic}` in the bank; the topics are: {}", known.join(", "))]
pub struct UnknownTopic {
    pub topic: String,
    pub known: Vec<String>,
}

/// The file of shared synonym groups; every other `*.toml` file is a topic.
pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// A validated bank: every question in it is well-formed and fits Discord's limits.
#[derive(Debug, Clone)]
pub struct Bank {
    topics: Vec<Topic>,
    questions: Vec<Question>,
    index: HashMap<String, usize>,
    vocabulary: Vocabulary,
    precedents: Vec<Precedent>,
}

impl Bank {
    /// Loads the bank, or the banks loaded together, that a source names.
    pub fn load(source: &BankSource) -> Result<Bank, BankErrors> {
        let mut errors = Vec::new();
        let banks = sources::read(source, builtin::FILES, &mut errors);
        Bank::build(banks, errors)
    }

    /// The built-in bank's files, by name, as compiled in.
    pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
        builtin::FILES
    }

    /// Builds a bank from `(file name for messages, contents)` pairs; every error is collected.
    pub fn from_files(files: Vec<(String, String)>) -> Result<Bank, BankErrors> {
        let bank = sources::BankFiles {
            name: "the bank".into(),
            entries: files.into_iter().map(Ok).collect(),
        };
        Bank::build(vec![bank], Vec::new())
    }

    /// Builds one bank from the entries of every bank given, in order: an entry that could not
    /// be read is reported where it stands, and the rest is still checked, so one run shows every
    /// error. Topics and ids are checked across banks; synonyms are pooled.
    fn build(
        banks: Vec<sources::BankFiles>,
        mut errors: Vec<BankError>,
    ) -> Result<Bank, BankErrors> {
        let mut topics: Vec<Topic> = Vec::new();
        // For each topic, the file, line and bank (an index into `banks`) it came from.
        let mut topic_files: HashMap<String, (String, usize, usize)> = HashMap::new();
        let mut questions: Vec<Question> = Vec::new();
        let mut bank_of: Vec<usize> = Vec::new();
        let mut vocabulary = Vocabulary::default();
        let mut precedents: Vec<Precedent> = Vec::new();
        for (b, bank) in banks.iter().enumerate() {
            for entry in &bank.entries {
                let (name, src) = match entry {
                    Ok(file) => file,
                    Err(e) => {
                        errors.push(e.clone());
                        continue;
                    }
                };
                if name.ends_with(SYNONYMS_FILE) {
                    vocabulary.extend(load::parse_synonyms(name, src, &mut errors));
                    continue;
                }
                if is_precedents_file(name) {
                    precedents.extend(precedents::parse(name, src, &mut errors));
                    continue;
                }
                let Some(file) = load::parse_topic_file(name, src, &mut errors) else {
                    continue;
                };
                let topic = file.topic.id.clone();
                if let Some((other, other_line, other_bank)) = topic_files.get(&topic) {
                    let message = if *other_bank == b {
                        format!("topic `{topic}` is also the topic of {other}:{other_line}: keep one file per topic")
                    } else {
                        format!(
                            "topic `{topic}` is also the topic of {other}:{other_line}, in the bank {}: a topic lives in one bank only; rename the topic in one of the two files",
                            banks[*other_bank].name
                        )
                    };
                    errors.push(BankError {
                        file: name.clone(),
                        line: Some(file.line),
                        id: None,
                        message,
                    });
                } else {
                    topic_files.insert(topic, (name.clone(), file.line, b));
                }
                topics.push(file.topic);
                bank_of.extend(std::iter::repeat_n(b, file.questions.len()));
                questions.extend(file.questions);
            }
            // An entry that could not be read was meant as a topic: its error says so already.
            if bank
                .entries
                .iter()
                .all(|e| matches!(e, Ok((name, _)) if name.ends_with(SYNONYMS_FILE) || is_precedents_file(name)))
            {
                errors.push(BankError {
                    file: bank.name.clone(),
                    line: None,
                    id: None,
                    message:
                        "has no topic files: add at least one `*.toml` file (see questions/README.md)"
                            .into(),
                });
            }
        }
        let mut index = HashMap::new();
        for (i, q) in questions.iter().enumerate() {
            if let Some(&first) = index.get(&q.id.0) {
                let (first, first_bank): (&Question, usize) = (&questions[first], bank_of[first]);
                let message = if first_bank == bank_of[i] {
                    format!(
                        "the id is already used at {}:{}: give each question its own id",
                        first.file, first.line
                    )
                } else {
                    format!(
                        "the id is already used at {}:{}, in the bank {}: ids are unique across every bank loaded together; rename one of them",
                        first.file, first.line, banks[first_bank].name
                    )
                };
                errors.push(BankError {
                    file: q.file.clone(),
                    line: Some(q.line),
                    id: Some(q.id.0.clone()),
                    message,
                });
            } else {
                index.insert(q.id.0.clone(), i);
            }
        }
        errors.extend(follow_ups::check(&questions, &index, banks.len()));
        errors.extend(precedents.iter().filter_map(|p| {
            let message = match index.get(&p.question).map(|&i| &questions[i]) {
                None => format!("no question `{}` in the bank: fix the id or remove the line", p.question),
                // Short answers are graded exactly; their precedents are kept as labelled answers.
                Some(q) if q.takes_written_answer() => return None,
                Some(_) => format!("question `{}` takes no written answer: precedents are answers to free-text and short questions; remove the line (`grades export --written-only` leaves such answers out)", p.question),
            };
            Some(BankError { file: p.file.clone(), line: Some(p.line), id: None, message })
        }));
        if !errors.is_empty() {
            return Err(BankErrors(errors));
        }
        Ok(Bank {
            topics,
            questions,
            index,
            vocabulary,
            precedents,
        })
    }

    /// The graded answers of the bank's `*.jsonl` files, to free-text and short questions.
    pub fn precedents(&self) -> &[Precedent] {
        &self.precedents
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    pub fn synonyms(&self) -> &[Vec<String>] {
        &self.vocabulary.groups
    }

    pub fn get(&self, id: &str) -> Option<&Question> {
        self.index.get(id).map(|&i| &self.questions[i])
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The questions of a topic and a difficulty, either left open with `None`.
    pub fn select(
        &self,
        topic: Option<&str>,
        difficulty: Option<Difficulty>,
    ) -> Result<Vec<&Question>, UnknownTopic> {
        if let Some(t) = topic {
            if self.topic(t).is_none() {
                return Err(UnknownTopic {
                    topic: t.to_string(),
                    known: self.topics.iter().map(|t| t.id.clone()).collect(),
                });
            }
        }
        Ok(self
            .questions
            .iter()
            .filter(|q| topic.is_none_or(|t| q.topic == t))
            .filter(|q| difficulty.is_none_or(|d| q.difficulty == d))
            .collect())
    }
}

/// A question as shown in one round: the prompt and the options in the order for this seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance<'q> {
    pub question: &'q Question,
    pub seed: u64,
    pub prompt: String,
    /// For choice, multi and order: indices into the question's options or items, display order.
    pub order: Vec<usize>,
    /// For generated questions: what this seed asks and expects.
    pub generated: Option<generated::Instance>,
}

impl Question {
    pub fn instance(&self, seed: u64) -> Instance<'_> {
        let shuffle = |n: usize| seeded::SeededRng::new(seed).permutation(n);
        let (order, generated) = match &self.kind {
            Kind::Choice { options, .. } | Kind::Multi { options, .. } => {
                (shuffle(options.len()), None)
            }
            Kind::Order { items } => (shuffle(items.len()), None),
            Kind::Generated(t) => (vec![], Some(generated::instance(*t, seed))),
            _ => (vec![], None),
        };
        let prompt = match &generated {
            Some(g) if self.prompt.is_empty() => g.prompt.clone(),
            Some(g) => format!("{}\n\n{}", self.prompt, g.prompt),
            None => self.prompt.clone(),
        };
        Instance {
            question: self,
            seed,
            prompt,
            order,
            generated,
        }
    }

    /// Whether members answer it in their own words (free text, short): only such answers can
    /// be precedents.
    pub fn takes_written_answer(&self) -> bool {
        matches!(self.kind, Kind::FreeText(_) | Kind::Short { .. })
    }

    /// The texts of the options (or order items), in file order.
    pub fn labels(&self) -> &[String] {
        match &self.kind {
            Kind::Choice { options, .. } | Kind::Multi { options, .. } => options,
            Kind::Order { items } => items,
            _ => &[],
        }
    }
}

impl Instance<'_> {
    /// The options or items in display order, as `(index in file order, text)`.
    pub fn shown(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        let labels = self.question.labels();
        self.order.iter().map(move |&i| (i, labels[i].as_str()))
    }

    /// The explanation for this instance: a generated one comes first where there is one.
    pub fn explanation(&self) -> String {
        match &self.generated {
            Some(g) => format!("{} {}", g.explanation, self.question.explanation),
            None => self.question.explanation.clone(),
        }
    }
}
