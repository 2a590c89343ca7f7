//! The archive (`/past`): a server's past daily rounds, newest first, one at a time, each with the
//! member's own answer and its final grade; and which past round a member may retry as practice.
//!
//! A past round is one that is closed **and** revealed: an open round is never shown (its answer
//! would spoil it), nor a skipped day, nor a round whose reveal has not gone out yet (the channel
//! has not seen its answer). How far back is counted in the server's own days: `days` back from
//! today, today included, so `days: 1` is yesterday's round and today's once it is revealed.
//!
//! The store is reached through [`PastStore`]. Paging is by position (page 0 is the newest
//! round); a page past the end, because rounds aged out of the window between two clicks, shows
//! the oldest round left.

use super::{GuildId, RoundId, UserId};
use crate::grade::Verdict;
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use std::future::Future;

/// How far back `/past` looks when not told.
pub const DEFAULT_DAYS: u32 = 30;
/// The furthest back `/past` looks: a year.
pub const MAX_DAYS: u32 = 365;

/// A member's answer to a past round, with its final grade (a moderator's, when an appeal
/// changed it: the answer row carries the final grade).
#[derive(Debug, Clone, PartialEq)]
pub struct MyAnswer {
    /// As the member gave it: the option's text, or what they typed.
    pub text: String,
    pub verdict: Verdict,
    pub score: f64,
    pub points: u32,
    /// A moderator changed the grade on appeal.
    pub overridden: bool,
    /// The member asked for a review that is not decided yet.
    pub under_review: bool,
}

/// A past round as the archive shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PastRound {
    pub id: RoundId,
    /// The server's local day it was posted for.
    pub day: NaiveDate,
    pub question: String,
    pub topic: String,
    /// The instance the round asked (option order, a generated question's numbers).
    pub seed: u64,
    pub closed_at: DateTime<Utc>,
    /// How many members answered, and how many of them were graded correct.
    pub answers: u64,
    pub correct: u64,
    /// The asking member's answer; `None` when they did not answer.
    pub mine: Option<MyAnswer>,
}

impl PastRound {
    /// Share of the answers graded correct, 0 to 1.
    pub fn share_correct(&self) -> f64 {
        if self.answers == 0 {
            0.0
        } else {
            self.correct as f64 / self.answers as f64
        }
    }
}

/// Which past rounds: a server's, posted for `since` or a later day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub guild: GuildId,
    pub since: NaiveDate,
}

/// What the archive needs from the database. Each method is one read.
pub trait PastStore: Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    /// How many past rounds (closed and revealed) the window holds.
    fn past_count(&self, window: Window) -> impl Future<Output = Result<u32, Self::Error>> + Send;

    /// The window's past round at `offset` (0: the newest), with `member`'s answer to it.
    fn past_round_at(
        &self,
        window: Window,
        member: UserId,
        offset: u32,
    ) -> impl Future<Output = Result<Option<PastRound>, Self::Error>> + Send;

    /// Round `round`, if it is a past round (closed and revealed) of `guild`, with `member`'s
    /// answer to it.
    fn past_round(
        &self,
        guild: GuildId,
        round: RoundId,
        member: UserId,
    ) -> impl Future<Output = Result<Option<PastRound>, Self::Error>> + Send;
}

/// `days` as asked (`None`: the default), if within 1 to [`MAX_DAYS`].
pub fn days(asked: Option<i64>) -> Option<u32> {
    match asked {
        None => Some(DEFAULT_DAYS),
        Some(d) if (1..=i64::from(MAX_DAYS)).contains(&d) => Some(d as u32),
        Some(_) => None,
    }
}

/// The first day of a window reaching `days` back from today in the server's time zone.
pub fn since(tz: Tz, now: DateTime<Utc>, days: u32) -> NaiveDate {
    let today = super::schedule::local_day(tz, now);
    today
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN)
}

/// One page of the archive: a past round and where it stands among the window's.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub round: PastRound,
    /// 0 for the newest.
    pub index: u32,
    pub total: u32,
}

impl Page {
    /// The page of the next newer round, if there is one.
    pub fn newer(&self) -> Option<u32> {
        self.index.checked_sub(1)
    }

    /// The page of the next older round, if there is one.
    pub fn older(&self) -> Option<u32> {
        (self.index + 1 < self.total).then_some(self.index + 1)
    }
}

/// Page `page` of the window for `member`: its round, or the oldest when the window has fewer
/// rounds now; `None` when it has none.
pub async fn page<S: PastStore>(
    store: &S,
    window: Window,
    member: UserId,
    page: u32,
) -> Result<Option<Page>, S::Error> {
    let total = store.past_count(window).await?;
    if total == 0 {
        return Ok(None);
    }
    let index = page.min(total - 1);
    // The window's start is fixed, so rounds are only ever added to it between the two reads:
    // the round at `index` is there.
    let round = store.past_round_at(window, member, index).await?;
    Ok(round.map(|round| Page {
        round,
        index,
        total,
    }))
}

/// The question and instance to ask again as practice from round `round`, if it is a past round
/// of `guild`: an open round is never retried (its grade would show the answer before the
/// reveal), nor another server's.
pub async fn retry<S: PastStore>(
    store: &S,
    guild: GuildId,
    round: RoundId,
    member: UserId,
) -> Result<Option<(String, u64)>, S::Error> {
    Ok(store
        .past_round(guild, round, member)
        .await?
        .map(|r| (r.question, r.seed)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    /// Past rounds as a store keeps them: (guild, round, revealed), newest first per guild.
    struct Rounds(Vec<(GuildId, PastRound, bool)>);

    fn round(id: i64, day: &str) -> PastRound {
        PastRound {
            id: RoundId(id),
            day: day.parse().unwrap(),
            question: format!("q-{id}"),
            topic: "semver".into(),
            seed: id as u64 * 10,
            closed_at: DateTime::UNIX_EPOCH,
            answers: 4,
            correct: 1,
            mine: None,
        }
    }

    impl Rounds {
        fn window(&self, w: Window) -> Vec<PastRound> {
            let mut v: Vec<PastRound> = self
                .0
                .iter()
                .filter(|(g, r, revealed)| *g == w.guild && *revealed && r.day >= w.since)
                .map(|(_, r, _)| r.clone())
                .collect();
            v.sort_by_key(|r| std::cmp::Reverse(r.day));
            v
        }
    }

    impl PastStore for Rounds {
        type Error = Infallible;

        fn past_count(&self, w: Window) -> impl Future<Output = Result<u32, Infallible>> + Send {
            let n = self.window(w).len() as u32;
            async move { Ok(n) }
        }

        fn past_round_at(
            &self,
            w: Window,
            _member: UserId,
            offset: u32,
        ) -> impl Future<Output = Result<Option<PastRound>, Infallible>> + Send {
            let r = self.window(w).into_iter().nth(offset as usize);
            async move { Ok(r) }
        }

        fn past_round(
            &self,
            guild: GuildId,
            round: RoundId,
            _member: UserId,
        ) -> impl Future<Output = Result<Option<PastRound>, Infallible>> + Send {
            let r = self
                .0
                .iter()
                .find(|(g, r, revealed)| *g == guild && r.id == round && *revealed)
                .map(|(_, r, _)| r.clone());
            async move { Ok(r) }
        }
    }

    const HERE: GuildId = GuildId(1);
    const ADA: UserId = UserId(7);

    fn block_on<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn store() -> Rounds {
        Rounds(vec![
            (HERE, round(1, "2026-06-01"), true),
            (HERE, round(3, "2026-06-03"), true),
            (HERE, round(2, "2026-06-02"), true),
            // Closed but its reveal has not gone out: not past yet.
            (HERE, round(4, "2026-06-04"), false),
            (GuildId(2), round(5, "2026-06-03"), true),
        ])
    }

    fn window(since: &str) -> Window {
        Window {
            guild: HERE,
            since: since.parse().unwrap(),
        }
    }

    #[test]
    fn pages_go_from_the_newest_revealed_round_to_the_oldest() {
        let s = store();
        let w = window("2026-05-01");
        let ids: Vec<i64> = (0..3)
            .map(|p| block_on(page(&s, w, ADA, p)).unwrap().unwrap().round.id.0)
            .collect();
        assert_eq!(ids, [3, 2, 1]);
        let first = block_on(page(&s, w, ADA, 0)).unwrap().unwrap();
        assert_eq!((first.index, first.total), (0, 3));
        assert_eq!((first.newer(), first.older()), (None, Some(1)));
        let middle = block_on(page(&s, w, ADA, 1)).unwrap().unwrap();
        assert_eq!((middle.newer(), middle.older()), (Some(0), Some(2)));
        let last = block_on(page(&s, w, ADA, 2)).unwrap().unwrap();
        assert_eq!((last.newer(), last.older()), (Some(1), None));
    }

    #[test]
    fn a_page_past_the_end_shows_the_oldest_and_an_empty_window_none() {
        let s = store();
        let p = block_on(page(&s, window("2026-06-02"), ADA, 9))
            .unwrap()
            .unwrap();
        assert_eq!((p.round.id.0, p.index, p.total), (2, 1, 2));
        assert_eq!(
            block_on(page(&s, window("2026-06-05"), ADA, 0)).unwrap(),
            None
        );
        let elsewhere = Window {
            guild: GuildId(3),
            since: "2020-01-01".parse().unwrap(),
        };
        assert_eq!(block_on(page(&s, elsewhere, ADA, 0)).unwrap(), None);
    }

    #[test]
    fn only_a_revealed_round_of_the_server_is_retried_with_its_own_instance() {
        let s = store();
        assert_eq!(
            block_on(retry(&s, HERE, RoundId(2), ADA)).unwrap(),
            Some(("q-2".to_string(), 20))
        );
        assert_eq!(block_on(retry(&s, HERE, RoundId(4), ADA)).unwrap(), None);
        assert_eq!(block_on(retry(&s, HERE, RoundId(5), ADA)).unwrap(), None);
        assert_eq!(block_on(retry(&s, HERE, RoundId(99), ADA)).unwrap(), None);
    }

    #[test]
    fn days_default_to_thirty_and_stay_within_a_year() {
        assert_eq!(days(None), Some(DEFAULT_DAYS));
        assert_eq!(days(Some(1)), Some(1));
        assert_eq!(days(Some(365)), Some(MAX_DAYS));
        for bad in [0, -1, 366, i64::MAX, i64::MIN] {
            assert_eq!(days(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn the_window_counts_days_in_the_servers_time_zone() {
        // 02:00 UTC on 10 June is still 9 June in New York.
        let now: DateTime<Utc> = "2026-06-10T02:00:00Z".parse().unwrap();
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(since(chrono_tz::UTC, now, 1), "2026-06-09".parse().unwrap());
        assert_eq!(since(ny, now, 1), "2026-06-08".parse().unwrap());
        assert_eq!(
            since(chrono_tz::UTC, now, 30),
            "2026-05-11".parse().unwrap()
        );
    }

    #[test]
    fn the_share_correct_of_a_round_nobody_answered_is_zero() {
        let mut r = round(1, "2026-06-01");
        assert_eq!(r.share_correct(), 0.25);
        r.answers = 0;
        r.correct = 0;
        assert_eq!(r.share_correct(), 0.0);
    }
}
