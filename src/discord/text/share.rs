//! The words of what happens after the reveal: sharing an answer (the toggle under a daily
//! grade, the quote in the reveal) and the discussion thread, with what `/config show` says when
//! a thread could not be opened.

use crate::quiz::thread::{LastThread, ThreadState};

/// The toggle under a daily free-text grade, as it stands (the button shows the current state).
pub fn toggle_label(on: bool) -> &'static str {
    if on {
        "Share my answer if it is among the best: on"
    } else {
        "Share my answer if it is among the best: off"
    }
}

/// Under the grade, once the member changed it.
pub fn sharing_note(on: bool) -> &'static str {
    if on {
        "On: if yours is the best correct answer when the round is revealed, the reveal quotes it with your name (pinging nobody). You can turn it off until the reveal."
    } else {
        "Off: your answer stays private. Turn it on to let the reveal quote it, with your name, if it is the best correct answer."
    }
}

pub const SHARING: &str = "Sharing";
pub const REVEALED: &str =
    "This round has been revealed, so sharing can no longer be changed for it.";
pub const NOT_YOURS: &str = "Only the member who answered can choose to share their answer.";
pub const NO_ANSWER: &str = "I can't find that answer any more. Try `/daily`.";

/// The reveal's field that quotes the best shared answer.
pub const BEST_ANSWER: &str = "Best answer, shared by its author";

/// The credit under the quote: a mention shows the member's name and pings nobody (a mention
/// in an embed never notifies, and the reveal allows no mentions).
pub fn credit(member: u64, score: f64) -> String {
    format!("— <@{member}> · {:.0}%", score * 100.0)
}

/// The thread's name when the question is no longer in the bank.
pub const THREAD_FALLBACK: &str = "Discuss the question of the day";
/// Before the question's words in a thread's name.
pub const THREAD_PREFIX: &str = "Discuss: ";

/// What `/config show` says of a thread that could not be opened.
pub fn thread_problem(t: &LastThread) -> Option<String> {
    let channel = t
        .channel
        .map_or("the question's channel".to_string(), |c| format!("<#{c}>"));
    let at = t.at.timestamp();
    let detail = t.detail.as_deref().unwrap_or("no reason given");
    Some(match t.state {
        ThreadState::NoPermission => format!(
            "Discussion threads: missing the Create Public Threads permission in {channel} (Discord refused the thread of the reveal at <t:{at}:f>). Grant it, and the next reveal opens its thread."
        ),
        ThreadState::Refused => format!(
            "Discussion threads: Discord refused the thread of the reveal in {channel} at <t:{at}:f>: {detail}."
        ),
        ThreadState::Failed => format!(
            "Discussion threads: Discord did not confirm the thread of the reveal in {channel}, so I gave up at <t:{at}:f>: {detail}."
        ),
        ThreadState::Open | ThreadState::Pending => return None,
    })
}
