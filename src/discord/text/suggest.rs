//! The words of suggesting questions (`/suggest`) and moderating them (`/suggestions`).

use super::limits::{clip, echo};
use crate::quiz::suggest::{Field, SuggestKind};

pub const SUGGEST: &str = "Suggest a question for this server's daily drill";
pub const SUGGEST_KIND: &str = "What kind of question";
pub const SUGGEST_TOPIC: &str = "The topic it belongs to";
pub const SUGGEST_DIFFICULTY: &str = "How hard it is";
pub const SUGGESTIONS: &str = "Review the questions members suggested";

pub const WRITE_BUTTON: &str = "Write my suggestion";
pub const EDIT_BUTTON: &str = "Edit my suggestion";
pub const NO_DRAFT: &str =
    "I no longer have that draft (I restarted, or it was a while ago). Run `/suggest` again.";
pub const BAD_KIND: &str = "Choose a kind: choice, true/false, short answer or free text.";
pub const BAD_DIFFICULTY: &str = "Choose easy, medium or hard.";
pub const REFUSED: &str = "Almost there: nothing was saved yet. Fix these and send it again.";
pub const QUEUE_EMPTY: &str = "No suggestions are waiting.";
pub const PREVIOUS: &str = "◀ Previous";
pub const NEXT: &str = "Next ▶";
pub const APPROVE: &str = "Approve";
pub const EDIT_AND_APPROVE: &str = "Edit and approve";
pub const DENY: &str = "Deny";
pub const DENY_LABEL: &str = "Why not? The member will read this";
pub const DENY_PLACEHOLDER: &str =
    "e.g. We already ask this as `process-vs-thread`; a question on the TLB would be welcome.";
pub const ALREADY_DECIDED: &str = "Another moderator decided that suggestion first.";
pub const GONE: &str = "I can't find that suggestion.";
pub const NOT_PENDING: &str = "That suggestion was already decided.";
pub const CANNOT_APPROVE: &str =
    "It can't be approved as it is, so nothing changed. Fix these with **Edit and approve**:";
/// The field that credits a server question's author, in the post and in practice.
pub const CREDIT: &str = "Suggested by";
pub const DUPLICATES: &str = "Close to questions already asked here";

pub fn kind_name(kind: SuggestKind) -> &'static str {
    match kind {
        SuggestKind::Choice => "multiple choice",
        SuggestKind::TrueFalse => "true or false",
        SuggestKind::Short => "short answer",
        SuggestKind::FreeText => "free text",
    }
}

/// The title of the form (at most 45 characters).
pub fn form_title(kind: SuggestKind) -> String {
    format!("Suggest a question: {}", kind_name(kind))
}

/// The title of a moderator's edit (at most 45 characters).
pub fn edit_title(id: i64) -> String {
    clip(&format!("Edit suggestion #{id}, then approve"), 45)
}

pub fn deny_title(id: i64) -> String {
    clip(&format!("Deny suggestion #{id}"), 45)
}

/// A box's name where a member reads what to fix in it.
pub fn field_name(kind: SuggestKind, field: Field) -> &'static str {
    match field {
        Field::Question => "Question",
        Field::Answer if kind == SuggestKind::Choice => "Options",
        Field::Answer => "Answer",
        Field::KeyPoints => "Key points",
        Field::ModelAnswer => "Model answer",
        Field::Explanation => "Explanation",
        Field::Examples => "Example answers",
        Field::Setting => "The suggestion",
    }
}

/// A box of the form: its label (at most 45 characters) and placeholder (at most 100).
pub fn field_box(kind: SuggestKind, field: Field) -> (&'static str, &'static str) {
    use SuggestKind::*;
    match (field, kind) {
        (Field::Question, TrueFalse) => (
            "Statement: true or false?",
            "e.g. Threads of one process share its heap.",
        ),
        (Field::Question, _) => (
            "Question",
            "What members will read, e.g. What is the difference between a process and a thread?",
        ),
        (Field::Answer, Choice) => (
            "Options, one a line; * before the right one",
            "MAJOR\nMINOR\n* PATCH\nNone of them",
        ),
        (Field::Answer, TrueFalse) => ("Answer: true or false", "true"),
        (Field::Answer, _) => (
            "Answer; other accepted answers below it",
            "ps\nps aux\ntop",
        ),
        (Field::KeyPoints, _) => (
            "Key points: point | phrasing, phrasing",
            "Threads share their process's memory | share memory, same heap\n2 to 5 points, one a line",
        ),
        (Field::ModelAnswer, _) => (
            "Model answer",
            "The answer a strong candidate would give (shown at the reveal)",
        ),
        (Field::Explanation, _) => (
            "Explanation: why the answer is right",
            "One to three sentences, shown after answering",
        ),
        (Field::Examples, FreeText) => (
            "Example answers: + right, ~ partly, - wrong",
            "+ Threads share memory; processes don't\n~ Threads share memory.\n6+ right, 2+ partly, 4+ wrong",
        ),
        (Field::Examples, _) => (
            "Example answers: + right, - wrong",
            "+ ps aux\n+ I'd run top\n- kill\nAt least 4 right and 3 wrong, one a line",
        ),
        (Field::Setting, _) => ("", ""),
    }
}

/// The longest text each box takes: Discord's limit on a text box, or the bank's on the field.
pub fn field_max(kind: SuggestKind, field: Field) -> u16 {
    match (field, kind) {
        (Field::Question, _) => 4000,
        (Field::Answer, SuggestKind::TrueFalse) => 10,
        (Field::Answer, _) | (Field::KeyPoints, _) => 2000,
        (Field::ModelAnswer, _) | (Field::Explanation, _) => 1024,
        (Field::Examples, _) => 4000,
        (Field::Setting, _) => 1,
    }
}

pub fn queued(id: i64) -> String {
    format!(
        "Thanks! Suggestion #{id} is waiting for a moderator. You'll get a direct message when they decide (or, if your direct messages are closed, a note here the next time you use `/suggest`)."
    )
}

/// A decision as the member reads it, by direct message or on their next `/suggest`.
pub fn decision(id: i64, question: &str, approved: bool, reason: Option<&str>) -> String {
    let question = echo(question.lines().next().unwrap_or_default());
    match (approved, reason) {
        (true, _) => format!(
            "Your suggestion #{id} (\"{question}\") was approved: it is now one of the server's questions, and the post credits you when it is asked."
        ),
        (false, Some(r)) => format!(
            "Your suggestion #{id} (\"{question}\") was not added. The moderator's reason: {}",
            clip(r, 1000)
        ),
        (false, None) => {
            format!("Your suggestion #{id} (\"{question}\") was not added.")
        }
    }
}

pub fn approved(id: i64, question: &str) -> String {
    format!("Approved #{id}: it joins this server's questions as `{question}`.")
}

pub fn denied(id: i64) -> String {
    format!("Denied #{id}.")
}

pub fn told(member: u64, by_dm: bool) -> String {
    if by_dm {
        format!("<@{member}> got a direct message.")
    } else {
        format!("I couldn't send <@{member}> a direct message; they'll see it the next time they use `/suggest`.")
    }
}

pub fn queue_footer(position: u32, waiting: u64) -> String {
    format!("{} of {waiting} waiting, oldest first", position + 1)
}

pub fn suggested_by(member: u64, at: i64) -> String {
    format!("Suggested by <@{member}> <t:{at}:R>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_box_fits_discords_limits() {
        for kind in SuggestKind::ALL {
            assert!(form_title(kind).chars().count() <= 45, "{kind:?}");
            for &field in kind.fields() {
                let (label, placeholder) = field_box(kind, field);
                assert!(
                    (1..=45).contains(&label.chars().count()),
                    "{kind:?} {field:?}: {label}"
                );
                assert!(
                    placeholder.chars().count() <= 100,
                    "{kind:?} {field:?}: {placeholder}"
                );
            }
        }
        assert!(edit_title(i64::MAX).chars().count() <= 45);
        assert!(DENY_LABEL.chars().count() <= 45);
        assert!(DENY_PLACEHOLDER.chars().count() <= 100);
    }
}
