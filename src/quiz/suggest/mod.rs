//! Members suggest questions; moderators approve or deny them. A suggestion is checked with the
//! bank's own rules when it is sent (`check`), queued with the existing questions it comes close
//! to (`similar`), and once approved joins its server's bank (`server`), graded like the bank's.
//!
//! The use-cases reach the database through [`SuggestionStore`], which `store::Store` implements.

pub mod check;
pub mod form;
pub mod server;
pub mod similar;

pub use check::Problem;
pub use form::{Field, Form, FormError, SuggestKind};
pub use server::{Approved, ServerBank};
pub use similar::Similar;

use super::{GuildId, UserId};
use crate::bank::Bank;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::future::Future;

/// A suggestion, numbered across every server (so its question id is never reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SuggestionId(pub i64);

impl fmt::Display for SuggestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a suggestion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// In the moderators' queue.
    Pending,
    /// In its server's bank.
    Approved,
    /// Turned down, with a reason the member reads.
    Denied,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Approved => "approved",
            State::Denied => "denied",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        [State::Pending, State::Approved, State::Denied]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A suggestion as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub id: SuggestionId,
    pub guild: GuildId,
    pub author: UserId,
    /// The texts as the member sent them.
    pub form: Form,
    pub at: DateTime<Utc>,
    pub state: State,
}

/// A suggestion about to be queued.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSuggestion {
    pub guild: GuildId,
    pub author: UserId,
    pub form: Form,
    pub at: DateTime<Utc>,
}

/// A page of the moderators' queue: one pending suggestion, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub suggestion: Suggestion,
    /// Its place in the queue, from 0.
    pub position: u32,
    /// How many suggestions are waiting, this one included.
    pub waiting: u64,
}

/// A moderator's decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Into the server's bank, with these texts (the member's, or the moderator's edit).
    Approve { form: Form, edited: bool },
    /// Turned down; the member is told the reason.
    Deny { reason: String },
}

/// A decision about to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDecision {
    pub guild: GuildId,
    pub id: SuggestionId,
    pub moderator: UserId,
    pub at: DateTime<Utc>,
    pub decision: Decision,
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq)]
pub enum Decided {
    /// Approved: the question's id in the server's bank.
    Approved {
        author: UserId,
        question: String,
    },
    Denied {
        author: UserId,
    },
    /// Another moderator decided it first; nothing changed.
    AlreadyDecided,
    /// No suggestion of this server has that id.
    NoSuch,
}

/// A decision its member has not been told of yet (their direct messages were closed).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub id: SuggestionId,
    /// The suggested question, as the member wrote it.
    pub question: String,
    pub approved: bool,
    /// Why it was denied.
    pub reason: Option<String>,
}

/// What the suggestion use-cases need from the database. Each method is one transaction.
pub trait SuggestionStore: Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    fn add_suggestion(
        &self,
        s: NewSuggestion,
    ) -> impl Future<Output = Result<SuggestionId, Self::Error>> + Send;

    /// The pending suggestion at `position` of the guild's queue (oldest first; past the end,
    /// the last one).
    fn queued_suggestion(
        &self,
        guild: GuildId,
        position: u32,
    ) -> impl Future<Output = Result<Option<Queued>, Self::Error>> + Send;

    fn suggestion(
        &self,
        guild: GuildId,
        id: SuggestionId,
    ) -> impl Future<Output = Result<Option<Suggestion>, Self::Error>> + Send;

    /// Records a decision on a pending suggestion of the guild; decided ones are left alone.
    fn decide_suggestion(
        &self,
        d: NewDecision,
    ) -> impl Future<Output = Result<Decided, Self::Error>> + Send;

    /// The guild's approved suggestions, oldest first.
    fn approved_suggestions(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<Vec<Approved>, Self::Error>> + Send;

    /// How many suggestions of the guild are approved, and the newest one's id: what its bank is
    /// built from, read without reading them (see `server::version_of`).
    fn approved_version(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<(u64, i64), Self::Error>> + Send;

    /// The member's decided suggestions in the guild they have not been told of, oldest first.
    fn untold_decisions(
        &self,
        guild: GuildId,
        member: UserId,
    ) -> impl Future<Output = Result<Vec<Notice>, Self::Error>> + Send;

    /// Notes that the member was told of these decisions.
    fn mark_told(
        &self,
        ids: Vec<SuggestionId>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// What sending a suggestion did.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// The form breaks the bank's rules: nothing was stored; what to fix, box by box.
    Refused(Vec<Problem>),
    /// Stored and committed, waiting for a moderator; with the existing questions it resembles.
    Queued {
        id: SuggestionId,
        similar: Vec<Similar>,
    },
}

/// The existing questions closest to a form, among those of `index` (the bank's, and the
/// server's own: see [`ServerBank::index`]).
pub fn duplicates(index: &similar::Index, form: &Form) -> Vec<Similar> {
    index.closest(&form.gist())
}

/// A member sends a suggestion: checked with the bank's rules, then queued with the questions of
/// `index` it comes close to.
pub async fn submit<S: SuggestionStore>(
    store: &S,
    base: &Bank,
    index: &similar::Index,
    s: NewSuggestion,
) -> Result<Submitted, S::Error> {
    if let Err(problems) = check::check(&s.form, base) {
        return Ok(Submitted::Refused(problems));
    }
    let similar = duplicates(index, &s.form);
    let id = store.add_suggestion(s).await?;
    Ok(Submitted::Queued { id, similar })
}

/// What approving did.
#[derive(Debug, Clone, PartialEq)]
pub enum Approval {
    Decided(Decided),
    /// The texts break the bank's rules (alone, or beside the server's other questions):
    /// nothing changed; what to fix, box by box.
    Refused(Vec<Problem>),
}

/// A moderator approves a suggestion, with their edit of its texts or as it is. It is checked
/// again beside the server's approved questions, as the server's bank will hold it.
pub async fn approve<S: SuggestionStore>(
    store: &S,
    base: &Bank,
    guild: GuildId,
    id: SuggestionId,
    edit: Option<Form>,
    moderator: UserId,
    at: DateTime<Utc>,
) -> Result<Approval, S::Error> {
    let Some(s) = store.suggestion(guild, id).await? else {
        return Ok(Approval::Decided(Decided::NoSuch));
    };
    if s.state != State::Pending {
        return Ok(Approval::Decided(Decided::AlreadyDecided));
    }
    // The kind, topic and difficulty stay the member's; the texts may change.
    let form = match edit {
        Some(e) => Form {
            kind: s.form.kind,
            topic: s.form.topic.clone(),
            difficulty: s.form.difficulty,
            ..e
        },
        None => s.form.clone(),
    };
    let edited = form != s.form;
    let question = server::question_id(id);
    let mut all = store.approved_suggestions(guild).await?;
    all.push(Approved {
        suggestion: id,
        question: question.clone(),
        author: s.author,
        moderator,
        edited,
        form: form.clone(),
    });
    let problems = server::problems_of(base, &all, &question);
    if !problems.is_empty() {
        return Ok(Approval::Refused(problems));
    }
    let decided = store
        .decide_suggestion(NewDecision {
            guild,
            id,
            moderator,
            at,
            decision: Decision::Approve { form, edited },
        })
        .await?;
    Ok(Approval::Decided(decided))
}

/// The longest reason a member is sent.
pub const MAX_REASON_CHARS: usize = 1000;

/// A moderator denies a suggestion with a reason the member will read.
pub async fn deny<S: SuggestionStore>(
    store: &S,
    guild: GuildId,
    id: SuggestionId,
    reason: &str,
    moderator: UserId,
    at: DateTime<Utc>,
) -> Result<Decided, S::Error> {
    let reason: String = reason.trim().chars().take(MAX_REASON_CHARS).collect();
    store
        .decide_suggestion(NewDecision {
            guild,
            id,
            moderator,
            at,
            decision: Decision::Deny { reason },
        })
        .await
}

/// The decisions a member has not been told of, marked told: the caller shows them now.
pub async fn take_notices<S: SuggestionStore>(
    store: &S,
    guild: GuildId,
    member: UserId,
) -> Result<Vec<Notice>, S::Error> {
    let notices = store.untold_decisions(guild, member).await?;
    if !notices.is_empty() {
        store
            .mark_told(notices.iter().map(|n| n.id).collect())
            .await?;
    }
    Ok(notices)
}
