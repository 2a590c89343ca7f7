//! The words of the archive (`/past`): the command, a past round's page, the member's own answer,
//! and the retry as practice.

use crate::quiz::past::MAX_DAYS;

pub const PAST: &str = "Past daily questions with their answers, and your own answer and grade";
pub const PAST_DAYS: &str = "How many days back (1-365, default 30)";

pub const PREVIOUS_BUTTON: &str = "◀ Previous";
pub const NEXT_BUTTON: &str = "Next ▶";
pub const RETRY_BUTTON: &str = "Retry as practice";

pub const THIS_ROUND: &str = "This round";
pub const YOUR_ANSWER: &str = "Your answer";
pub const OPTIONS: &str = "Options";
pub const DID_NOT_ANSWER: &str = "You did not answer this round.";
pub const CHANGED_ON_REVIEW: &str = "A moderator changed this grade on review.";
pub const UNDER_REVIEW: &str = "Under review: a moderator will look at this grade.";
pub const GONE: &str =
    "This round's question is no longer in the bank, so it can't be shown or retried here.";

/// Above the question a retry asks.
pub const RETRY_ASKED: &str =
    "A past round's question, asked again as practice: graded at once, no points.";
/// A retry of a round whose question has left the bank since the page was shown.
pub const RETRY_GONE: &str =
    "That round's question is no longer in the bank, so it can't be retried.";

/// `days` out of range (a request that did not come through Discord's own checks).
pub fn bad_days() -> String {
    format!("Choose how many days back, from 1 to {MAX_DAYS}.")
}

/// `/past` with no revealed round in the window.
pub fn nothing(days: u32) -> String {
    let span = if days == 1 {
        "today or yesterday".to_string()
    } else {
        format!("in the last {days} days")
    };
    format!("No daily round was revealed here {span}. Once a round closes and its answer is revealed, it shows up in `/past`; `/daily` has today's question.")
}

/// The page's title: the day the round was posted for, and its topic.
pub fn title(day: chrono::NaiveDate, topic: &str) -> String {
    format!("{} · {topic}", day.format("%A %-d %B %Y"))
}

/// The round's results: "12 answers · 58% correct".
pub fn results(answers: &str, share_correct: f64) -> String {
    format!("{answers} · {:.0}% correct", share_correct * 100.0)
}

/// The page's footer: where it stands, and the question.
pub fn footer(index: u32, total: u32, question: &str) -> String {
    format!("Round {} of {total}, newest first · {question}", index + 1)
}
