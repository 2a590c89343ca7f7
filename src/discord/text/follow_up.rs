//! The words of follow-ups: the **Follow-up** button under a grade, and the question it asks.

pub const BUTTON: &str = "Follow-up";
/// Above the follow-up question: what it is, and that it is practice.
pub const ASKED: &str =
    "A follow-up, one step deeper into the question you just answered. Practice: no points.";
