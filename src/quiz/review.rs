//! Spaced review across days: every daily or practice answer schedules its question again for
//! the member, with FSRS (the open-spaced-repetition scheduler, crate `rs-fsrs`), and `/review`
//! asks the questions that have fallen due, most overdue first.
//!
//! A member's cards are kept per server ([`Deck`]; direct messages are a deck of their own), one
//! card per question. The grade becomes FSRS's rating ([`rating`]): wrong is Again, partial is
//! Hard, correct is Good, and a correct answer to an exact kind given quickly is Easy. FSRS runs
//! in its long-term mode (no same-day learning steps of minutes): the drill's rhythm is days, and
//! a question asked again minutes after its model answer was shown tests short-term memory only.
//! So a wrong answer comes back the next day (also after a long interval: a relearning step of a
//! day, with the memory state FSRS gives the lapse), a right one in a few days, then further out.
//!
//! The store is reached through [`ReviewStore`]; rating a card reads it, applies [`next`] and
//! writes it in one transaction, so two answers at once never lose one another.

use super::{GuildId, UserId};
use crate::bank::KindName;
use crate::grade::Verdict;
use chrono::{DateTime, Duration, Utc};
use std::future::Future;

/// A member's cards in one server; `guild` is `None` for direct messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Deck {
    pub guild: Option<GuildId>,
    pub member: UserId,
}

/// FSRS's rating of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rating {
    Again,
    Hard,
    Good,
    Easy,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }

    pub fn parse(s: &str) -> Option<Rating> {
        Rating::ALL.into_iter().find(|r| r.as_str() == s)
    }

    fn fsrs(self) -> rs_fsrs::Rating {
        match self {
            Rating::Again => rs_fsrs::Rating::Again,
            Rating::Hard => rs_fsrs::Rating::Hard,
            Rating::Good => rs_fsrs::Rating::Good,
            Rating::Easy => rs_fsrs::Rating::Easy,
        }
    }
}

/// Where a card stands in FSRS's terms (the long-term mode puts every rated card in `Review`;
/// the others are kept so a stored card is FSRS's card whatever the mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    New,
    Learning,
    Review,
    Relearning,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::New => "new",
            Phase::Learning => "learning",
            Phase::Review => "review",
            Phase::Relearning => "relearning",
        }
    }

    pub fn parse(s: &str) -> Option<Phase> {
        [
            Phase::New,
            Phase::Learning,
            Phase::Review,
            Phase::Relearning,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// One question's card in a deck: FSRS's memory state and when it falls due.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub due: DateTime<Utc>,
    /// Days until recall falls to 90%.
    pub stability: f64,
    /// 1 (easy) to 10 (hard).
    pub difficulty: f64,
    pub elapsed_days: i64,
    pub scheduled_days: i64,
    /// Answers rated so far.
    pub reps: u32,
    /// Times it was forgotten (rated Again) after being learnt.
    pub lapses: u32,
    pub phase: Phase,
    pub last_review: DateTime<Utc>,
    pub last_rating: Rating,
}

/// How many cards of a deck are due now, and when the next one that is not falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    pub due: u64,
    /// The earliest card due after now; `None` with `due == 0` means the deck is empty.
    pub next_due: Option<DateTime<Utc>>,
}

/// What review needs from the database. Each method is one transaction.
pub trait ReviewStore: Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Rates the deck's card of `question` (a new card when there is none) with [`next`], and
    /// returns it as saved.
    fn rate_card(
        &self,
        deck: Deck,
        question: String,
        rating: Rating,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Card, Self::Error>> + Send;

    /// The deck's card of `question`, if it has one.
    fn card(
        &self,
        deck: Deck,
        question: String,
    ) -> impl Future<Output = Result<Option<Card>, Self::Error>> + Send;

    /// Up to `limit` question ids due at `at`, most overdue first.
    fn due_questions(
        &self,
        deck: Deck,
        at: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<String>, Self::Error>> + Send;

    fn review_status(
        &self,
        deck: Deck,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Status, Self::Error>> + Send;

    /// Removes the deck's card of `question` (a question no longer in the bank); whether it had one.
    fn drop_card(
        &self,
        deck: Deck,
        question: String,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;
}

/// The longest an answer to an exact kind may take, from the question being shown, to count as
/// effortless recall (Easy): a click for a choice or true/false, a few picks for a multi, a short
/// typed answer for an order, short or generated question. A free-text answer is never Easy: its
/// grade says how much of the explanation was there, not how readily.
pub fn fast_within(kind: KindName) -> Option<Duration> {
    match kind {
        KindName::Choice | KindName::TrueFalse => Some(Duration::seconds(15)),
        KindName::Multi => Some(Duration::seconds(20)),
        KindName::Order | KindName::Short | KindName::Generated => Some(Duration::seconds(30)),
        KindName::FreeText => None,
    }
}

/// FSRS's rating of a graded answer. `answered_in` is the time from the question being shown to
/// the answer, when known; without it a correct answer is Good.
pub fn rating(verdict: Verdict, kind: KindName, answered_in: Option<Duration>) -> Rating {
    match verdict {
        Verdict::Wrong => Rating::Again,
        Verdict::Partial => Rating::Hard,
        Verdict::Correct => {
            let fast = match (fast_within(kind), answered_in) {
                (Some(limit), Some(took)) => took >= Duration::zero() && took <= limit,
                _ => false,
            };
            if fast {
                Rating::Easy
            } else {
                Rating::Good
            }
        }
    }
}

/// The scheduler: FSRS's default weights, 90% retention wanted, long-term mode, no fuzz (so a
/// schedule is the same on every run and in every test).
fn scheduler() -> rs_fsrs::FSRS {
    rs_fsrs::FSRS::new(rs_fsrs::Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..rs_fsrs::Parameters::default()
    })
}

/// How soon a forgotten question is asked again.
pub const RELEARN: Duration = Duration::days(1);

/// The card after an answer rated `rating` at `at`; `None` is a question never answered before.
pub fn next(card: Option<&Card>, at: DateTime<Utc>, rating: Rating) -> Card {
    let before = match card {
        Some(c) => rs_fsrs::Card {
            due: c.due,
            stability: c.stability,
            difficulty: c.difficulty,
            elapsed_days: c.elapsed_days,
            scheduled_days: c.scheduled_days,
            reps: c.reps.min(i32::MAX as u32) as i32,
            lapses: c.lapses.min(i32::MAX as u32) as i32,
            state: match c.phase {
                Phase::New => rs_fsrs::State::New,
                Phase::Learning => rs_fsrs::State::Learning,
                Phase::Review => rs_fsrs::State::Review,
                Phase::Relearning => rs_fsrs::State::Relearning,
            },
            last_review: c.last_review,
        },
        None => rs_fsrs::Card {
            due: at,
            last_review: at,
            ..rs_fsrs::Card::default()
        },
    };
    // A clock set back (or two instances a little apart) must not make the time since the last
    // review negative: FSRS's forgetting curve is not defined there.
    let at = at.max(before.last_review);
    let after = scheduler().next(before, at, rating.fsrs()).card;
    // Forgotten: asked again the next day, whatever interval FSRS gives the memory left (a
    // relearning step, as FSRS's own short-term mode takes one in minutes). The memory state is
    // FSRS's, so the right answer after it is scheduled from that.
    let (due, scheduled_days) = match rating {
        Rating::Again => (
            after.due.min(at + RELEARN),
            after.scheduled_days.min(RELEARN.num_days()),
        ),
        _ => (after.due, after.scheduled_days),
    };
    Card {
        due,
        stability: after.stability,
        difficulty: after.difficulty,
        elapsed_days: after.elapsed_days,
        scheduled_days,
        reps: after.reps.max(0) as u32,
        lapses: after.lapses.max(0) as u32,
        phase: match after.state {
            rs_fsrs::State::New => Phase::New,
            rs_fsrs::State::Learning => Phase::Learning,
            rs_fsrs::State::Review => Phase::Review,
            rs_fsrs::State::Relearning => Phase::Relearning,
        },
        last_review: after.last_review,
        last_rating: rating,
    }
}

/// A graded daily or practice answer, to schedule.
#[derive(Debug, Clone)]
pub struct Answered<'a> {
    pub deck: Deck,
    pub question: &'a str,
    pub kind: KindName,
    pub verdict: Verdict,
    /// From the question being shown to the answer, when known.
    pub answered_in: Option<Duration>,
    pub at: DateTime<Utc>,
}

/// Schedules the answered question again for the member; the card as saved (its `due` is when
/// the question comes back).
pub async fn record<S: ReviewStore>(store: &S, a: Answered<'_>) -> Result<Card, S::Error> {
    let rating = rating(a.verdict, a.kind, a.answered_in);
    store
        .rate_card(a.deck, a.question.to_string(), rating, a.at)
        .await
}

/// Up to `limit` questions of the deck due at `at`, most overdue first (ids; the caller finds
/// them in its bank).
pub async fn due<S: ReviewStore>(
    store: &S,
    deck: Deck,
    at: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<String>, S::Error> {
    store.due_questions(deck, at, limit).await
}

/// How many of the deck's questions are due at `at`, and when the next one falls due.
pub async fn status<S: ReviewStore>(
    store: &S,
    deck: Deck,
    at: DateTime<Utc>,
) -> Result<Status, S::Error> {
    store.review_status(deck, at).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::{Clock, ManualClock};
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// The store's contract over a map, so the schedule is tested without a database (the
    /// SQLite side has its own tests in `store::review`).
    #[derive(Default)]
    struct Fake {
        cards: Mutex<HashMap<(Deck, String), Card>>,
    }

    impl ReviewStore for Fake {
        type Error = std::convert::Infallible;

        async fn rate_card(
            &self,
            deck: Deck,
            question: String,
            rating: Rating,
            at: DateTime<Utc>,
        ) -> Result<Card, Self::Error> {
            let mut cards = self.cards.lock().unwrap();
            let key = (deck, question);
            let card = next(cards.get(&key), at, rating);
            cards.insert(key, card.clone());
            Ok(card)
        }

        async fn card(&self, deck: Deck, question: String) -> Result<Option<Card>, Self::Error> {
            Ok(self.cards.lock().unwrap().get(&(deck, question)).cloned())
        }

        async fn due_questions(
            &self,
            deck: Deck,
            at: DateTime<Utc>,
            limit: u32,
        ) -> Result<Vec<String>, Self::Error> {
            let cards = self.cards.lock().unwrap();
            let mut due: Vec<(DateTime<Utc>, String)> = cards
                .iter()
                .filter(|((d, _), c)| *d == deck && c.due <= at)
                .map(|((_, q), c)| (c.due, q.clone()))
                .collect();
            due.sort();
            Ok(due
                .into_iter()
                .take(limit as usize)
                .map(|(_, q)| q)
                .collect())
        }

        async fn review_status(
            &self,
            deck: Deck,
            at: DateTime<Utc>,
        ) -> Result<Status, Self::Error> {
            let cards = self.cards.lock().unwrap();
            let mine = cards.iter().filter(|((d, _), _)| *d == deck);
            Ok(Status {
                due: mine.clone().filter(|(_, c)| c.due <= at).count() as u64,
                next_due: mine.map(|(_, c)| c.due).filter(|d| *d > at).min(),
            })
        }

        async fn drop_card(&self, deck: Deck, question: String) -> Result<bool, Self::Error> {
            Ok(self
                .cards
                .lock()
                .unwrap()
                .remove(&(deck, question))
                .is_some())
        }
    }

    fn start() -> DateTime<Utc> {
        "2026-03-02T09:00:00Z".parse().unwrap()
    }

    const ADA: Deck = Deck {
        guild: Some(GuildId(1)),
        member: UserId(7),
    };

    fn answer(q: &str, verdict: Verdict, at: DateTime<Utc>) -> Answered<'_> {
        Answered {
            deck: ADA,
            question: q,
            kind: KindName::FreeText,
            verdict,
            answered_in: None,
            at,
        }
    }

    #[test]
    fn grades_map_to_ratings() {
        let secs = |s| Some(Duration::seconds(s));
        assert_eq!(
            rating(Verdict::Wrong, KindName::Choice, secs(2)),
            Rating::Again
        );
        assert_eq!(
            rating(Verdict::Partial, KindName::Multi, secs(2)),
            Rating::Hard
        );
        assert_eq!(
            rating(Verdict::Correct, KindName::FreeText, secs(2)),
            Rating::Good
        );
        // A quick correct answer to an exact kind is Easy; a slow one, or one whose time is not
        // known, is Good.
        for kind in [
            KindName::Choice,
            KindName::Multi,
            KindName::TrueFalse,
            KindName::Order,
            KindName::Short,
            KindName::Generated,
        ] {
            assert_eq!(
                rating(Verdict::Correct, kind, secs(5)),
                Rating::Easy,
                "{kind:?}"
            );
            assert_eq!(
                rating(Verdict::Correct, kind, secs(600)),
                Rating::Good,
                "{kind:?}"
            );
            assert_eq!(
                rating(Verdict::Correct, kind, None),
                Rating::Good,
                "{kind:?}"
            );
        }
        assert_eq!(
            rating(Verdict::Correct, KindName::Choice, secs(15)),
            Rating::Easy
        );
        assert_eq!(
            rating(Verdict::Correct, KindName::Choice, secs(16)),
            Rating::Good
        );
        assert_eq!(
            rating(Verdict::Correct, KindName::Short, secs(30)),
            Rating::Easy
        );
        // A message from the future (clocks apart) says nothing about speed.
        assert_eq!(
            rating(Verdict::Correct, KindName::Choice, secs(-3)),
            Rating::Good
        );
        for r in Rating::ALL {
            assert_eq!(Rating::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn a_first_answer_schedules_by_its_rating() {
        let at = start();
        let days = |r| (next(None, at, r).due - at).num_days();
        assert_eq!(
            days(Rating::Again),
            1,
            "a wrong answer comes back the next day"
        );
        assert!(days(Rating::Again) < days(Rating::Hard));
        assert!(days(Rating::Hard) < days(Rating::Good));
        assert!(days(Rating::Good) < days(Rating::Easy));
        let card = next(None, at, Rating::Good);
        assert_eq!((card.reps, card.lapses, card.phase), (1, 0, Phase::Review));
        assert_eq!(card.last_review, at);
    }

    /// Weeks of answers on a settable clock: a question answered wrong comes back within a day;
    /// each correct answer pushes it further out; a wrong one after a long interval brings it
    /// back within a day again, and the right answers after that build up more slowly.
    #[test]
    fn intervals_grow_with_right_answers_and_shrink_after_a_lapse() {
        tokio_test(async {
            let store = Fake::default();
            let clock = ManualClock::new(start());
            let q = "process-vs-thread";
            let card = record(&store, answer(q, Verdict::Wrong, clock.now()))
                .await
                .unwrap();
            assert!(card.due - clock.now() <= Duration::days(1), "{card:?}");
            assert!(due(&store, ADA, clock.now(), 10).await.unwrap().is_empty());
            clock.advance(Duration::days(1));
            assert_eq!(due(&store, ADA, clock.now(), 10).await.unwrap(), vec![q]);

            // Right every time it falls due: each interval longer than the one before.
            let mut intervals = vec![];
            for _ in 0..5 {
                let card = record(&store, answer(q, Verdict::Correct, clock.now()))
                    .await
                    .unwrap();
                intervals.push(card.due - clock.now());
                clock.set(card.due);
                assert_eq!(due(&store, ADA, clock.now(), 10).await.unwrap(), vec![q]);
            }
            for w in intervals.windows(2) {
                assert!(w[1] > w[0], "{intervals:?}");
            }
            let long = *intervals.last().unwrap();
            assert!(long >= Duration::days(21), "{intervals:?}");
            assert!(clock.now() - start() >= Duration::weeks(6));

            // Forgotten after that long interval: back within a day, and counted as a lapse.
            let card = record(&store, answer(q, Verdict::Wrong, clock.now()))
                .await
                .unwrap();
            assert!(card.due - clock.now() <= Duration::days(1), "{card:?}");
            assert_eq!(card.lapses, 1);
            clock.set(card.due);
            let card = record(&store, answer(q, Verdict::Correct, clock.now()))
                .await
                .unwrap();
            assert!(card.due - clock.now() < long, "{card:?} after {long:?}");
        });
    }

    #[test]
    fn a_partial_answer_comes_back_sooner_than_a_right_one_and_later_than_a_wrong_one() {
        tokio_test(async {
            let store = Fake::default();
            let at = start();
            let mut due_in = vec![];
            for (q, v) in [
                ("a", Verdict::Wrong),
                ("b", Verdict::Partial),
                ("c", Verdict::Correct),
            ] {
                let card = record(&store, answer(q, v, at)).await.unwrap();
                due_in.push(card.due - at);
            }
            assert!(due_in[0] < due_in[1] && due_in[1] < due_in[2], "{due_in:?}");
        });
    }

    #[test]
    fn due_questions_come_most_overdue_first_and_the_status_counts_them() {
        tokio_test(async {
            let store = Fake::default();
            let clock = ManualClock::new(start());
            assert_eq!(
                status(&store, ADA, clock.now()).await.unwrap(),
                Status::default(),
                "nothing yet"
            );
            record(&store, answer("later", Verdict::Correct, clock.now()))
                .await
                .unwrap();
            record(&store, answer("first", Verdict::Wrong, clock.now()))
                .await
                .unwrap();
            clock.advance(Duration::hours(2));
            record(&store, answer("second", Verdict::Wrong, clock.now()))
                .await
                .unwrap();
            // Another member's and another server's cards are theirs.
            let other = Deck { guild: None, ..ADA };
            store
                .rate_card(other, "first".into(), Rating::Again, start())
                .await
                .unwrap();

            let s = status(&store, ADA, clock.now()).await.unwrap();
            assert_eq!(s.due, 0);
            assert_eq!(s.next_due, Some(start() + Duration::days(1)));

            clock.advance(Duration::days(2));
            assert_eq!(
                due(&store, ADA, clock.now(), 10).await.unwrap(),
                vec!["first", "second"]
            );
            assert_eq!(
                due(&store, ADA, clock.now(), 1).await.unwrap(),
                vec!["first"]
            );
            let s = status(&store, ADA, clock.now()).await.unwrap();
            assert_eq!(s.due, 2);
            let later = store.card(ADA, "later".into()).await.unwrap().unwrap();
            assert_eq!(s.next_due, Some(later.due));
        });
    }

    #[test]
    fn a_clock_set_back_never_breaks_the_schedule() {
        let at = start();
        let card = next(None, at, Rating::Good);
        let again = next(Some(&card), at - Duration::days(3), Rating::Good);
        assert!(again.stability.is_finite() && again.due >= at, "{again:?}");
    }

    fn tokio_test(f: impl std::future::Future<Output = ()>) {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f);
    }
}
