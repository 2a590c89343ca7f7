//! The words of weak topics: `/stats`' accuracy per topic over 30 days and weakest topic, and
//! the line above a `/quiz` question that says why it was chosen.

use crate::quiz::topics::{MIN_ANSWERS, WINDOW_DAYS};

pub fn by_topic_title() -> String {
    format!("Last {WINDOW_DAYS} days by topic")
}

pub const WEAKEST_TITLE: &str = "Weakest topic";

/// "Semantic Versioning: 25% of 4 answers".
pub fn topic_line(title: &str, percent: f64, answers: u32) -> String {
    let noun = if answers == 1 { "answer" } else { "answers" };
    format!("{title}: {percent:.0}% of {answers} {noun}")
}

pub fn weakest(title: &str, topic: &str, percent: f64, answers: u32) -> String {
    format!(
        "**{title}**: {percent:.0}% over the last {WINDOW_DAYS} days ({answers} answers). Practise it with `/quiz topic:{topic}`."
    )
}

pub fn none_weak() -> String {
    format!("None: every topic with {MIN_ANSWERS} or more answers in the last {WINDOW_DAYS} days is at 100%. Nice work!")
}

pub fn too_little() -> String {
    format!("Not enough answers yet to name one: a topic needs {MIN_ANSWERS} answers (daily or `/quiz`) in the last {WINDOW_DAYS} days. Keep going!")
}

/// Above a `/quiz` question picked because it is due for spaced review.
pub const DUE: &str = "Due for review: you've met this one before.";

/// Above a `/quiz` question picked from one of the member's weak topics.
pub fn from_weak_topic(title: &str) -> String {
    format!("From one of your weaker topics: **{title}**.")
}
