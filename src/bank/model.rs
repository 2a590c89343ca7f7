//! The question model: what a validated bank holds.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A question's stable id, as written in the bank (kebab-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct QuestionId(pub String);

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of a question, without its data: what `questions list` shows and filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindName {
    Choice,
    Multi,
    TrueFalse,
    Order,
    Short,
    FreeText,
    Generated,
}

impl KindName {
    pub const ALL: [KindName; 7] = [
        KindName::Choice,
        KindName::Multi,
        KindName::TrueFalse,
        KindName::Order,
        KindName::Short,
        KindName::FreeText,
        KindName::Generated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KindName::Choice => "choice",
            KindName::Multi => "multi",
            KindName::TrueFalse => "true_false",
            KindName::Order => "order",
            KindName::Short => "short",
            KindName::FreeText => "free_text",
            KindName::Generated => "generated",
        }
    }
}

impl fmt::Display for KindName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a `short` answer is folded before comparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Normaliser {
    /// Case, spaces, punctuation and quotes.
    #[default]
    Text,
    /// As `Text`, and a leading `v` is dropped (`v1.2.3` is `1.2.3`).
    Version,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Template {
    SemverBump,
    SemverPrecedence,
}

impl Template {
    pub fn as_str(self) -> &'static str {
        match self {
            Template::SemverBump => "semver-bump",
            Template::SemverPrecedence => "semver-precedence",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyPoint {
    pub text: String,
    pub weight: f64,
    pub phrasings: Vec<String>,
    /// Which of the rubric's subjects the point is about (an index into `Rubric::subjects`).
    pub subject: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Misconception {
    pub text: String,
    pub penalty: f64,
    pub phrasings: Vec<String>,
    /// The subject it is wrongly said of: it fires only when said of that subject (or of none).
    pub subject: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rubric {
    /// The things a comparison question contrasts, each as its alternative words
    /// (`["process", "processes"]`): a point said of the wrong one is a swap, not a hit.
    pub subjects: Vec<Vec<String>>,
    pub points: Vec<KeyPoint>,
    pub misconceptions: Vec<Misconception>,
    pub model_answer: String,
    /// The prompt asks for concrete items (what a process is given, what to check): a list of
    /// them that names a central point is a full answer, not notes capped at partial.
    pub enumerates: bool,
}

/// What is asked and what is right. Option and item indices are 0-based, in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Choice {
        options: Vec<String>,
        answer: usize,
    },
    Multi {
        options: Vec<String>,
        answers: Vec<usize>,
    },
    TrueFalse {
        answer: bool,
    },
    Order {
        items: Vec<String>,
    },
    Short {
        answer: String,
        accept: Vec<String>,
        /// Names that answer a neighbouring question ("Avro" beside "Parquet"): offered beside
        /// the right name, they make the answer a hedge, worth half.
        rivals: Vec<String>,
        normalise: Normaliser,
    },
    FreeText(Rubric),
    Generated(Template),
}

impl Kind {
    pub fn name(&self) -> KindName {
        match self {
            Kind::Choice { .. } => KindName::Choice,
            Kind::Multi { .. } => KindName::Multi,
            Kind::TrueFalse { .. } => KindName::TrueFalse,
            Kind::Order { .. } => KindName::Order,
            Kind::Short { .. } => KindName::Short,
            Kind::FreeText(_) => KindName::FreeText,
            Kind::Generated(_) => KindName::Generated,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: QuestionId,
    pub topic: String,
    pub difficulty: Difficulty,
    /// For a generated question, an optional line shown above the generated prompt.
    pub prompt: String,
    pub explanation: String,
    pub source: String,
    pub tags: Vec<String>,
    pub kind: Kind,
    /// Answers with the verdict each must get (free-text and short questions).
    pub examples: Vec<Example>,
    /// The questions an interviewer would ask next, digging deeper, in the order they come.
    pub follow_ups: Vec<FollowUp>,
    /// Where it was written, for messages to authors.
    pub file: String,
    pub line: usize,
}

/// A follow-up a question names: the id of the question that digs deeper into the same idea.
/// Every id is a question of the bank (or of a bank loaded with it), and no chain of follow-ups
/// leads back to where it started: both are checked when the bank is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: QuestionId,
    /// Where it is written, for messages to authors.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    pub id: String,
    pub title: String,
}

/// The bank's shared word lists (`synonyms.toml`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary {
    /// Words and phrases of one meaning, for key points: the first entry names the group.
    pub groups: Vec<Vec<String>>,
    /// Spellings of one word (`normalise`, `normalize`), for key points and misconceptions.
    pub spellings: Vec<Vec<String>>,
    /// Words that name a point on their own (`tlb`, `mutex`), so a phrasing may be just that
    /// word; any other phrasing must say a claim in two words or more.
    pub standalone: Vec<String>,
}

impl Vocabulary {
    pub fn extend(&mut self, other: Vocabulary) {
        self.groups.extend(other.groups);
        self.spellings.extend(other.spellings);
        self.standalone.extend(other.standalone);
    }
}

/// The verdict an example answer must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Wrong,
    Partial,
    Correct,
}

impl Expect {
    pub const ALL: [Expect; 3] = [Expect::Correct, Expect::Partial, Expect::Wrong];

    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Wrong => "wrong",
            Expect::Partial => "partial",
            Expect::Correct => "correct",
        }
    }
}

/// An answer written for a question with the verdict it must get: the question's own tests,
/// graded by `questions check`.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub answer: String,
    pub expect: Expect,
    /// Where it is written, for messages to authors.
    pub line: usize,
}
