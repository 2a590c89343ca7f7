//! The discussion thread a revealed round opens on its question message, as the domain sees
//! it: its states, and what a guild's latest thread tells an admin. No thread before the
//! reveal, so nobody spoils the answer; one per round, kept in the database so a restart or a
//! retry never opens a second one. (The Discord calls are `discord::threads`.)

use super::ChannelId;
use chrono::{DateTime, Utc};

/// Where a round's thread stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadState {
    /// To be opened (again, after a failed attempt) once its time comes.
    Pending,
    Open,
    /// The bot lacks Create Public Threads (or cannot see the channel): not retried.
    NoPermission,
    /// Discord refused it for another reason: not retried.
    Refused,
    /// Discord kept failing: given up after the last attempt.
    Failed,
}

impl ThreadState {
    pub fn as_str(self) -> &'static str {
        match self {
            ThreadState::Pending => "pending",
            ThreadState::Open => "open",
            ThreadState::NoPermission => "no_permission",
            ThreadState::Refused => "refused",
            ThreadState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<ThreadState> {
        [
            ThreadState::Pending,
            ThreadState::Open,
            ThreadState::NoPermission,
            ThreadState::Refused,
            ThreadState::Failed,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    /// Whether an admin should hear of it: a thread that could not be opened.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            ThreadState::NoPermission | ThreadState::Refused | ThreadState::Failed
        )
    }
}

/// A guild's latest thread that is no longer pending; a problem until a later one opens.
#[derive(Debug, Clone, PartialEq)]
pub struct LastThread {
    pub state: ThreadState,
    /// The channel of the round's question.
    pub channel: Option<ChannelId>,
    pub at: DateTime<Utc>,
    /// What Discord said, when it refused or failed.
    pub detail: Option<String>,
}

/// A round's thread as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundThread {
    pub state: ThreadState,
    /// Attempts made so far.
    pub attempts: u32,
    /// The thread, once open (a thread is a channel).
    pub thread: Option<ChannelId>,
    /// No attempt before this.
    pub due_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_only_failures_are_problems() {
        for s in [
            ThreadState::Pending,
            ThreadState::Open,
            ThreadState::NoPermission,
            ThreadState::Refused,
            ThreadState::Failed,
        ] {
            assert_eq!(ThreadState::parse(s.as_str()), Some(s));
        }
        assert_eq!(ThreadState::parse("archived"), None);
        assert!(!ThreadState::Open.is_problem() && !ThreadState::Pending.is_problem());
        assert!(ThreadState::NoPermission.is_problem() && ThreadState::Failed.is_problem());
    }
}
