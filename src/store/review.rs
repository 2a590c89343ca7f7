//! The queries of spaced review (`quiz::review`), and the store's side of [`ReviewStore`]: one
//! row per member, server and question in `review_cards`, found by `review_cards_due` (guild,
//! member, due time). Direct messages are guild 0.

use super::db::{Db, Row, Write};
use super::queries::{from_ms, ms};
use super::{Store, StoreError};
use crate::quiz::review::{self, Card, Deck, Phase, Rating, ReviewStore, Status};
use rusqlite::{params, OptionalExtension};
use std::future::Future;

/// The deck's guild as stored: 0 for direct messages.
fn guild_sql(deck: Deck) -> i64 {
    deck.guild.map_or(0, |g| g.sql())
}

fn bad_text(column: usize, s: String) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(column, s, rusqlite::types::Type::Text)
}

/// A card's columns in `review_cards`, in the order [`card_at`] reads them.
macro_rules! card_columns {
    () => {
        "due_at, stability, difficulty, elapsed_days, scheduled_days, reps, lapses, state, \
         last_review_at, last_rating"
    };
}

pub(super) const COLUMNS: &str = card_columns!();

fn card_of(r: &Row) -> rusqlite::Result<Card> {
    card_at(r, 0)?.ok_or(rusqlite::Error::InvalidColumnType(
        0,
        "due_at".into(),
        rusqlite::types::Type::Null,
    ))
}

/// The card in the [`COLUMNS`] of a row from column `base` on; `None` when they are
/// NULL (a left join found no card).
pub(super) fn card_at(r: &Row, base: usize) -> rusqlite::Result<Option<Card>> {
    let Some(due) = r.get::<_, Option<i64>>(base)? else {
        return Ok(None);
    };
    let phase: String = r.get(base + 7)?;
    let rating: String = r.get(base + 9)?;
    Ok(Some(Card {
        due: from_ms(due),
        stability: r.get(base + 1)?,
        difficulty: r.get(base + 2)?,
        elapsed_days: r.get(base + 3)?,
        scheduled_days: r.get(base + 4)?,
        reps: r.get(base + 5)?,
        lapses: r.get(base + 6)?,
        phase: Phase::parse(&phase).ok_or_else(|| bad_text(base + 7, phase))?,
        last_review: from_ms(r.get(base + 8)?),
        last_rating: Rating::parse(&rating).ok_or_else(|| bad_text(base + 9, rating))?,
    }))
}

pub fn card(conn: &dyn Db, deck: Deck, question: &str) -> Result<Option<Card>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM review_cards
             WHERE guild_id = ?1 AND user_id = ?2 AND question_id = ?3"
        ))?
        .query_row(
            params![guild_sql(deck), deck.member.sql(), question],
            card_of,
        )
        .optional()?)
}

/// Rates the deck's card of `question` in the caller's transaction: read, [`review::next`], write.
pub fn rate_card(
    conn: &dyn Db,
    deck: Deck,
    question: &str,
    rating: Rating,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Card, StoreError> {
    let before = card(conn, deck, question)?;
    let c = review::next(before.as_ref(), at, rating);
    conn.execute_all(vec![card_write(deck, question, &c)?])?;
    Ok(c)
}

/// Saving the deck's card of `question`, as a write to run with others (`execute_all` on `dyn Db`).
pub(super) fn card_write(deck: Deck, question: &str, c: &Card) -> Result<Write, StoreError> {
    const SQL: &str = concat!(
        "INSERT INTO review_cards (guild_id, user_id, question_id, ",
        card_columns!(),
        ")
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET due_at = ?4, stability = ?5,
             difficulty = ?6, elapsed_days = ?7, scheduled_days = ?8, reps = ?9, lapses = ?10,
             state = ?11, last_review_at = ?12, last_rating = ?13"
    );
    Ok(Write::new(
        SQL,
        params![
            guild_sql(deck),
            deck.member.sql(),
            question,
            ms(c.due),
            c.stability,
            c.difficulty,
            c.elapsed_days,
            c.scheduled_days,
            c.reps,
            c.lapses,
            c.phase.as_str(),
            ms(c.last_review),
            c.last_rating.as_str(),
        ],
    )?)
}

/// Up to `limit` question ids of the deck due at `at`, most overdue first.
pub fn due_questions(
    conn: &dyn Db,
    deck: Deck,
    at: chrono::DateTime<chrono::Utc>,
    limit: u32,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT question_id FROM review_cards INDEXED BY review_cards_due
         WHERE guild_id = ?1 AND user_id = ?2 AND due_at <= ?3
         ORDER BY due_at, question_id LIMIT ?4",
    )?;
    let ids = stmt
        .query_map(
            params![guild_sql(deck), deck.member.sql(), ms(at), limit],
            |r| r.get(0),
        )?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

/// How many of the deck's cards are due at `at`, and the first due after it.
pub fn review_status(
    conn: &dyn Db,
    deck: Deck,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Status, StoreError> {
    let (due, next): (i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT
               (SELECT COUNT(*) FROM review_cards INDEXED BY review_cards_due
                WHERE guild_id = ?1 AND user_id = ?2 AND due_at <= ?3),
               (SELECT MIN(due_at) FROM review_cards INDEXED BY review_cards_due
                WHERE guild_id = ?1 AND user_id = ?2 AND due_at > ?3)",
        )?
        .query_row(params![guild_sql(deck), deck.member.sql(), ms(at)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(Status {
        due: due as u64,
        next_due: next.map(from_ms),
    })
}

pub fn drop_card(conn: &dyn Db, deck: Deck, question: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM review_cards WHERE guild_id = ?1 AND user_id = ?2 AND question_id = ?3",
        )?
        .execute(params![guild_sql(deck), deck.member.sql(), question])?
        > 0)
}

impl ReviewStore for Store {
    type Error = StoreError;

    fn rate_card(
        &self,
        deck: Deck,
        question: String,
        rating: Rating,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<Card, StoreError>> + Send {
        self.write(move |c| rate_card(c, deck, &question, rating, at))
    }

    fn card(
        &self,
        deck: Deck,
        question: String,
    ) -> impl Future<Output = Result<Option<Card>, StoreError>> + Send {
        self.read(move |c| card(c, deck, &question))
    }

    fn due_questions(
        &self,
        deck: Deck,
        at: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send {
        self.read(move |c| due_questions(c, deck, at, limit))
    }

    fn review_status(
        &self,
        deck: Deck,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<Status, StoreError>> + Send {
        self.read(move |c| review_status(c, deck, at))
    }

    fn drop_card(
        &self,
        deck: Deck,
        question: String,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.write(move |c| drop_card(c, deck, &question))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::Verdict;
    use crate::quiz::review::{record, Answered};
    use crate::quiz::{Clock, GuildId, ManualClock, UserId};
    use chrono::{DateTime, Duration, Utc};
    use rusqlite::Connection;

    fn start() -> DateTime<Utc> {
        "2026-03-02T09:00:00Z".parse().unwrap()
    }

    const ADA: Deck = Deck {
        guild: Some(GuildId(900)),
        member: UserId(7),
    };

    fn answered(deck: Deck, q: &str, verdict: Verdict, at: DateTime<Utc>) -> Answered<'_> {
        Answered {
            deck,
            question: q,
            kind: crate::bank::KindName::Choice,
            verdict,
            answered_in: None,
            at,
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    }

    /// The schedule is in the database: closing the store and opening the file again (a restart)
    /// finds the same cards due at the same times, and rating goes on from the saved memory.
    #[test]
    fn review_state_survives_reopening_the_store() {
        runtime().block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("bot.db");
            let clock = ManualClock::new(start());
            let dm = Deck { guild: None, ..ADA };
            let (wrong, right) = {
                let store = Store::open(&path).unwrap();
                let wrong = record(
                    &store,
                    answered(ADA, "semver-parts", Verdict::Wrong, clock.now()),
                )
                .await
                .unwrap();
                let right = record(
                    &store,
                    answered(ADA, "process-vs-thread", Verdict::Correct, clock.now()),
                )
                .await
                .unwrap();
                record(
                    &store,
                    answered(dm, "semver-parts", Verdict::Correct, clock.now()),
                )
                .await
                .unwrap();
                store.close();
                (wrong, right)
            };
            let store = Store::open(&path).unwrap();
            assert_eq!(
                store.card(ADA, "semver-parts".into()).await.unwrap(),
                Some(wrong.clone())
            );
            assert_eq!(
                store.card(ADA, "process-vs-thread".into()).await.unwrap(),
                Some(right.clone())
            );
            let s = review::status(&store, ADA, clock.now()).await.unwrap();
            assert_eq!(
                s,
                Status {
                    due: 0,
                    next_due: Some(wrong.due)
                }
            );

            clock.advance(Duration::days(1));
            assert_eq!(
                review::due(&store, ADA, clock.now(), 10).await.unwrap(),
                vec!["semver-parts"],
                "the wrong one is due the next day; the direct messages' card is not this server's"
            );
            assert_eq!(
                review::due(&store, dm, clock.now(), 10).await.unwrap(),
                Vec::<String>::new()
            );
            let again = record(
                &store,
                answered(ADA, "semver-parts", Verdict::Correct, clock.now()),
            )
            .await
            .unwrap();
            assert_eq!(again.reps, 2, "rated on from the saved card");
            assert_eq!(again, review::next(Some(&wrong), clock.now(), Rating::Good));
            let s = review::status(&store, ADA, clock.now()).await.unwrap();
            assert_eq!(
                s,
                Status {
                    due: 0,
                    next_due: Some(right.due.min(again.due))
                }
            );

            assert!(store.drop_card(ADA, "semver-parts".into()).await.unwrap());
            assert!(!store.drop_card(ADA, "semver-parts".into()).await.unwrap());
            assert_eq!(store.card(ADA, "semver-parts".into()).await.unwrap(), None);
            store.close();
        });
    }

    #[test]
    fn due_cards_come_most_overdue_first_from_the_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut conn).unwrap();
        let at = start();
        for (q, r, hours) in [
            ("b", Rating::Again, 0),
            ("a", Rating::Again, 5),
            ("c", Rating::Good, 0),
        ] {
            rate_card(&conn, ADA, q, r, at + Duration::hours(hours)).unwrap();
        }
        let later = at + Duration::days(1) + Duration::hours(6);
        assert_eq!(
            due_questions(&conn, ADA, later, 10).unwrap(),
            vec!["b", "a"]
        );
        assert_eq!(due_questions(&conn, ADA, later, 1).unwrap(), vec!["b"]);
        let s = review_status(&conn, ADA, later).unwrap();
        assert_eq!(s.due, 2);
        assert_eq!(s.next_due, card(&conn, ADA, "c").unwrap().map(|c| c.due));
        let other = Deck {
            member: UserId(8),
            ..ADA
        };
        assert_eq!(
            review_status(&conn, other, later).unwrap(),
            Status::default()
        );
        // The planner's own choice (no INDEXED BY) is the due index, read in order: no sort.
        let plan: Vec<String> = conn
            .prepare(
                "EXPLAIN QUERY PLAN SELECT question_id FROM review_cards
                 WHERE guild_id = 1 AND user_id = 2 AND due_at <= 3 ORDER BY due_at, question_id LIMIT 5",
            )
            .unwrap()
            .query_map([], |r| r.get(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let plan = plan.join("; ");
        assert!(plan.contains("COVERING INDEX review_cards_due"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
}
