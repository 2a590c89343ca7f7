//! The use-case "ask the follow-up": after a member answers a question that names follow-ups in
//! the bank, the **Follow-up** button asks the next one, the way an interviewer digs deeper.
//!
//! Which one is next depends on what the member has just had (`bank::next_follow_up`): the first
//! follow-up, or, when they have just practised it (pressing the button again under the same
//! grade), the next in the list. The member's latest practice answers come from the store through
//! [`FollowUpStore`], which `store::Store` implements. A follow-up is always practice: it never
//! counts as a daily answer.

use super::{GuildId, UserId};
use crate::bank::{self, Bank, Question};
use std::future::Future;

/// How many of a member's latest practice answers count as "just had".
pub const RECENT: usize = 20;

/// What choosing a follow-up needs from the database.
pub trait FollowUpStore: Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    /// The questions of the member's latest practice answers in `guild` (`None`: in direct
    /// messages), newest first, at most `limit`.
    fn recent_practice(
        &self,
        guild: Option<GuildId>,
        user: UserId,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<String>, Self::Error>> + Send;
}

/// The follow-up to ask `user` after they answered the bank's question `answered`; `None` when
/// the bank has no such question or it names no follow-ups (a server's own questions name none).
pub async fn next<'b, S: FollowUpStore>(
    store: &S,
    bank: &'b Bank,
    guild: Option<GuildId>,
    user: UserId,
    answered: &str,
) -> Result<Option<&'b Question>, S::Error> {
    let Some(question) = bank.get(answered) else {
        return Ok(None);
    };
    if question.follow_ups.is_empty() {
        return Ok(None);
    }
    let recent = store.recent_practice(guild, user, RECENT).await?;
    // The bank checked at load that every follow-up is one of its questions.
    Ok(bank::next_follow_up(question, &recent).and_then(|id| bank.get(&id.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::BankSource;
    use std::sync::Mutex;

    /// The practice answers of one member, newest last, as a store would keep them.
    #[derive(Default)]
    struct Practised(Mutex<Vec<(Option<GuildId>, String)>>);

    impl Practised {
        fn answer(&self, guild: Option<GuildId>, question: &str) {
            self.0.lock().unwrap().push((guild, question.to_string()));
        }
    }

    impl FollowUpStore for Practised {
        type Error = std::convert::Infallible;

        fn recent_practice(
            &self,
            guild: Option<GuildId>,
            _user: UserId,
            limit: usize,
        ) -> impl Future<Output = Result<Vec<String>, Self::Error>> + Send {
            let recent: Vec<String> = self
                .0
                .lock()
                .unwrap()
                .iter()
                .rev()
                .filter(|(g, _)| *g == guild)
                .take(limit)
                .map(|(_, q)| q.clone())
                .collect();
            async move { Ok(recent) }
        }
    }

    const HERE: Option<GuildId> = Some(GuildId(1));
    const ADA: UserId = UserId(7);

    fn asked(
        store: &Practised,
        bank: &Bank,
        guild: Option<GuildId>,
        answered: &str,
    ) -> Option<String> {
        let next = next(store, bank, guild, ADA, answered);
        // The fake store answers at once: a runtime on this thread is enough.
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(next)
            .unwrap()
            .map(|q| q.id.0.clone())
    }

    #[test]
    fn pressing_again_after_practising_a_follow_up_asks_the_next_one() {
        let bank = Bank::load(&BankSource::Builtin).unwrap();
        let store = Practised::default();
        store.answer(HERE, "process-vs-thread");
        let first = "thread-shared-memory-hazards";
        assert_eq!(
            asked(&store, &bank, HERE, "process-vs-thread").as_deref(),
            Some(first)
        );
        // Asked but not answered: still the first.
        assert_eq!(
            asked(&store, &bank, HERE, "process-vs-thread").as_deref(),
            Some(first)
        );
        store.answer(HERE, first);
        assert_eq!(
            asked(&store, &bank, HERE, "process-vs-thread").as_deref(),
            Some("thread-communication-speed")
        );
        // The chain goes on from the follow-up itself.
        assert_eq!(
            asked(&store, &bank, HERE, first).as_deref(),
            Some("race-condition-name")
        );
        // What was practised in another server is not what this member just had here.
        assert_eq!(
            asked(&store, &bank, Some(GuildId(2)), "process-vs-thread").as_deref(),
            Some(first)
        );
    }

    #[test]
    fn no_follow_up_for_a_question_without_any_or_not_in_the_bank() {
        let bank = Bank::load(&BankSource::Builtin).unwrap();
        let store = Practised::default();
        let without = bank
            .questions()
            .iter()
            .find(|q| q.follow_ups.is_empty())
            .unwrap();
        assert_eq!(asked(&store, &bank, HERE, &without.id.0), None);
        assert_eq!(asked(&store, &bank, HERE, "suggested-3"), None);
    }
}
