//! The store traits that quiz/ use-cases declare, implemented for SQLite: each method is one of
//! the store's committed writes or reads.

use super::{Store, StoreError};
use crate::quiz::answer::AnswerStore;
use crate::quiz::{NewAnswer, Recorded};
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
