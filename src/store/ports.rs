//! The store traits that quiz/ use-cases declare, implemented for SQLite: each method is one of
//! the store's committed writes or reads.

use super::{appeals, Store, StoreError};
use crate::quiz::answer::AnswerStore;
use crate::quiz::appeal::{AppealStore, Asked, Case, Decided, NewAppeal, NewDecision, Relabelled};
use crate::quiz::{GuildId, NewAnswer, Recorded};
use std::future::Future;

impl AnswerStore for Store {
    type Error = StoreError;

    fn record_answer(
        &self,
        a: NewAnswer,
    ) -> impl Future<Output = Result<Recorded, StoreError>> + Send {
        Store::record_answer(self, a)
    }
}

impl AppealStore for Store {
    type Error = StoreError;

    fn open_appeal(&self, a: NewAppeal) -> impl Future<Output = Result<Asked, StoreError>> + Send {
        self.write(move |c| appeals::open_appeal(c, &a))
    }

    fn oldest_open_appeal(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<Option<Case>, StoreError>> + Send {
        self.read(move |c| appeals::oldest_open_appeal(c, guild))
    }

    fn decide_appeal(
        &self,
        d: NewDecision,
    ) -> impl Future<Output = Result<Decided, StoreError>> + Send {
        self.write(move |c| appeals::decide_appeal(c, &d))
    }

    fn overridden_answers(
        &self,
    ) -> impl Future<Output = Result<Vec<Relabelled>, StoreError>> + Send {
        self.read(appeals::overridden_answers)
    }
}
