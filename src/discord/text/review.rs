//! The words of spaced review (`/review`): what is due, when the next question falls due, and
//! when an answered question comes back. Times are Discord timestamps, shown in each member's
//! own time zone.

pub const REVIEW: &str = "Your questions due for review, privately, one after another";
pub const NEXT_BUTTON: &str = "Next review";
pub const TITLE: &str = "Review";

/// A relative and a full time, `<t:..:R> (<t:..:f>)`.
fn when(at: i64) -> String {
    format!("<t:{at}:R> (<t:{at}:f>)")
}

/// Above a question `/review` asks: how many are due, this one included, and when the next
/// after them falls due.
pub fn due_now(due: u64, next: Option<i64>) -> String {
    let due = match due {
        0 | 1 => "1 question is due for review: this one.".to_string(),
        n => format!("{n} questions are due for review; this one is the most overdue."),
    };
    match next {
        Some(at) => format!("{due} The next one after them falls due {}.", when(at)),
        None => due,
    }
}

/// Under a review's grade: when this question comes back, and what else is due.
pub fn after_answer(back: i64, more: u64, next: Option<i64>) -> String {
    let back = format!("This question comes back for review {}.", when(back));
    match (more, next) {
        (0, Some(at)) => format!(
            "{back}\nNothing else is due now; the next question falls due {}.",
            when(at)
        ),
        (0, None) => format!("{back}\nNothing else is due now."),
        (1, _) => format!("{back}\n1 more question is due: press **{NEXT_BUTTON}**."),
        (n, _) => format!("{back}\n{n} more questions are due: press **{NEXT_BUTTON}**."),
    }
}

/// `/review` with nothing due.
pub fn nothing_due(next: i64) -> String {
    format!(
        "Nothing is due for review right now. Your next question falls due {}; run `/review` then.",
        when(next)
    )
}

/// `/review` by a member who has answered nothing here yet.
pub const NONE_YET: &str = "You have no questions to review here yet. Answer the daily question (`/daily`) or practise with `/quiz`: every question you answer comes back in `/review` when it is due, one you missed the next day, one you got right days or weeks later.";

/// A review answer was graded and recorded, but its next review could not be saved.
pub const NOT_RESCHEDULED: &str =
    "Your answer is recorded, but I could not schedule its next review; it stays due.";
