//! Seasons: a server's board run in calendar months or quarters of its own time zone, so a
//! newcomer can win something and the all-time leaders' lead does not end the competition.
//!
//! Here: which season an instant falls in, its bounds (local midnights, DST included), its key
//! and name, and the figures of a season's summary (most improved, longest streak). The clock
//! that closes seasons is in `discord::seasons`, the queries in `store::seasons`.

use super::period::local_midnight;
use super::scoring::{self, Streak};
use super::track::TrackId;
use super::{Standing, UserId};
use crate::grade::Verdict;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// How long a server's seasons are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cadence {
    Monthly,
    Quarterly,
}

impl Cadence {
    pub fn parse(s: &str) -> Option<Cadence> {
        match s {
            "monthly" => Some(Cadence::Monthly),
            "quarterly" => Some(Cadence::Quarterly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
        }
    }
}

/// One season: a calendar month (`index` 1-12) or quarter (`index` 1-4) of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Season {
    pub cadence: Cadence,
    pub year: i32,
    pub index: u32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Season {
    /// The season a local day falls in.
    pub fn of_day(cadence: Cadence, day: NaiveDate) -> Season {
        let index = match cadence {
            Cadence::Monthly => day.month(),
            Cadence::Quarterly => (day.month() - 1) / 3 + 1,
        };
        Season {
            cadence,
            year: day.year(),
            index,
        }
    }

    /// The season `now` falls in, in the server's time zone.
    pub fn containing(cadence: Cadence, tz: Tz, now: DateTime<Utc>) -> Season {
        Season::of_day(cadence, now.with_timezone(&tz).date_naive())
    }

    fn months(self) -> u32 {
        match self.cadence {
            Cadence::Monthly => 1,
            Cadence::Quarterly => 3,
        }
    }

    fn per_year(self) -> u32 {
        12 / self.months()
    }

    /// The season's first local day.
    pub fn first_day(self) -> NaiveDate {
        let month = (self.index - 1) * self.months() + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("the 1st of a month exists")
    }

    pub fn next(self) -> Season {
        if self.index == self.per_year() {
            Season {
                year: self.year + 1,
                index: 1,
                ..self
            }
        } else {
            Season {
                index: self.index + 1,
                ..self
            }
        }
    }

    pub fn previous(self) -> Season {
        if self.index == 1 {
            Season {
                year: self.year - 1,
                index: self.per_year(),
                ..self
            }
        } else {
            Season {
                index: self.index - 1,
                ..self
            }
        }
    }

    /// `[start, end)`: from the local midnight that starts its first day to the one that starts
    /// the next season, in the server's zone.
    pub fn bounds(self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            local_midnight(tz, self.first_day()),
            local_midnight(tz, self.next().first_day()),
        )
    }

    /// How the database keys it: `2026-11` or `2026-Q4`.
    pub fn key(self) -> String {
        match self.cadence {
            Cadence::Monthly => format!("{:04}-{:02}", self.year, self.index),
            Cadence::Quarterly => format!("{:04}-Q{}", self.year, self.index),
        }
    }

    pub fn parse(key: &str) -> Option<Season> {
        let (year, rest) = key.split_once('-')?;
        let year: i32 = year.parse().ok()?;
        let (cadence, index) = match rest.strip_prefix('Q') {
            Some(q) => (Cadence::Quarterly, q.parse::<u32>().ok()?),
            None => (Cadence::Monthly, rest.parse::<u32>().ok()?),
        };
        let s = Season {
            cadence,
            year,
            index,
        };
        (1..=s.per_year()).contains(&index).then_some(s)
    }

    /// What members read: `November 2026` or `Q4 2026`.
    pub fn name(self) -> String {
        match self.cadence {
            Cadence::Monthly => format!("{} {}", MONTHS[self.index as usize - 1], self.year),
            Cadence::Quarterly => format!("Q{} {}", self.index, self.year),
        }
    }
}

/// The member whose points rose the most from the previous season to this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Improved {
    pub user: UserId,
    pub before: u64,
    pub after: u64,
}

/// Among members with points in both seasons, the largest rise (ties: the lower user id, as the
/// board breaks ties); `None` when nobody played both or nobody rose.
pub fn most_improved(previous: &[(UserId, u64)], current: &[(UserId, u64)]) -> Option<Improved> {
    let before: HashMap<UserId, u64> = previous.iter().copied().collect();
    current
        .iter()
        .filter_map(|&(user, after)| {
            let before = *before.get(&user)?;
            (after > before).then_some(Improved {
                user,
                before,
                after,
            })
        })
        .max_by(|a, b| {
            (a.after - a.before)
                .cmp(&(b.after - b.before))
                .then(b.user.cmp(&a.user))
        })
}

/// One posted round (in posting order) and the answers to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Played {
    pub round: i64,
    /// Streaks are kept per track.
    pub track: TrackId,
    pub answers: Vec<(UserId, Verdict, DateTime<Utc>)>,
}

/// The longest streak reached during `[start, end)`: the guild's posted rounds are replayed
/// with the scoring rules from the first one, each track on its own (as streaks are kept), so
/// a streak begun before the season counts its whole length when it is extended inside it.
/// Ties: the lower user id. `None`: no streak.
pub fn longest_streak(
    rounds: &[Played],
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Option<(UserId, u32)> {
    let mut streaks: HashMap<(UserId, TrackId), Streak> = HashMap::new();
    let mut best: Option<(UserId, u32)> = None;
    let mut previous: HashMap<TrackId, i64> = HashMap::new();
    for r in rounds {
        let before_this = previous.get(&r.track).copied();
        for &(user, verdict, at) in &r.answers {
            let before = streaks.get(&(user, r.track)).cloned().unwrap_or_default();
            let after = scoring::next_streak(before, r.round, before_this, verdict);
            let reached = after.current;
            streaks.insert((user, r.track), after);
            if at >= start && at < end && reached > 0 {
                let better = match best {
                    None => true,
                    Some((u, n)) => reached > n || (reached == n && user < u),
                };
                if better {
                    best = Some((user, reached));
                }
            }
        }
        previous.insert(r.track, r.round);
    }
    best
}

/// What a season's summary shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub season: Season,
    pub ends_at: DateTime<Utc>,
    /// The top of the season's board (at most five), ranked as the board ranks.
    pub top: Vec<Standing>,
    pub champion: Option<(UserId, u64)>,
    pub improved: Option<Improved>,
    pub streak: Option<(UserId, u32)>,
}

/// A past season's champion, for the hall of fame.
#[derive(Debug, Clone, PartialEq)]
pub struct Champion {
    pub season: Season,
    pub user: UserId,
    pub points: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Asia::Tokyo, Pacific::Auckland};

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_november_season_in_new_york_spans_the_dst_change() {
        let s = Season::containing(Cadence::Monthly, New_York, utc("2026-11-15T12:00:00Z"));
        assert_eq!(
            (s.key(), s.name()),
            ("2026-11".into(), "November 2026".into())
        );
        // Midnight on 1 November is still summer time (UTC-4); 1 December is winter (UTC-5).
        assert_eq!(
            s.bounds(New_York),
            (utc("2026-11-01T04:00:00Z"), utc("2026-12-01T05:00:00Z"))
        );
        // 23:59 local on 30 November is still November; a minute later it is December.
        let before = utc("2026-12-01T04:59:00Z");
        let after = utc("2026-12-01T05:00:00Z");
        assert_eq!(Season::containing(Cadence::Monthly, New_York, before), s);
        assert_eq!(
            Season::containing(Cadence::Monthly, New_York, after).key(),
            "2026-12"
        );
        // ... though in UTC both are already December.
        assert_eq!(
            Season::containing(Cadence::Monthly, chrono_tz::UTC, before).key(),
            "2026-12"
        );
    }

    #[test]
    fn a_quarter_in_tokyo_and_auckland_ends_at_their_midnight() {
        let q = Season::containing(Cadence::Quarterly, Tokyo, utc("2026-12-31T14:59:00Z"));
        assert_eq!((q.key(), q.name()), ("2026-Q4".into(), "Q4 2026".into()));
        assert_eq!(
            q.bounds(Tokyo),
            (utc("2026-09-30T15:00:00Z"), utc("2026-12-31T15:00:00Z"))
        );
        // A minute after local midnight on 1 January it is Q1 2027 in Tokyo, but still 2026
        // in UTC.
        let after = utc("2026-12-31T15:01:00Z");
        assert_eq!(
            Season::containing(Cadence::Quarterly, Tokyo, after).key(),
            "2027-Q1"
        );
        assert_eq!(
            Season::containing(Cadence::Quarterly, chrono_tz::UTC, after).key(),
            "2026-Q4"
        );
        // Auckland is on summer time (UTC+13) from late September.
        let (start, end) = q.bounds(Auckland);
        assert_eq!(start, utc("2026-09-30T11:00:00Z"));
        assert_eq!(end, utc("2026-12-31T11:00:00Z"));
    }

    #[test]
    fn keys_round_trip_and_seasons_follow_each_other() {
        for key in ["2026-01", "2026-12", "2026-Q1", "2026-Q4"] {
            assert_eq!(Season::parse(key).unwrap().key(), key);
        }
        for bad in ["2026-13", "2026-00", "2026-Q5", "2026", "x-01", "2026-Qx"] {
            assert!(Season::parse(bad).is_none(), "{bad}");
        }
        let dec = Season::parse("2026-12").unwrap();
        assert_eq!(dec.next().key(), "2027-01");
        assert_eq!(dec.next().previous(), dec);
        let q1 = Season::parse("2027-Q1").unwrap();
        assert_eq!(q1.previous().key(), "2026-Q4");
        assert_eq!(q1.first_day().to_string(), "2027-01-01");
        assert_eq!(q1.previous().first_day().to_string(), "2026-10-01");
    }

    #[test]
    fn the_most_improved_rose_the_most_among_those_who_played_both() {
        let (a, b, c, d) = (UserId(1), UserId(2), UserId(3), UserId(4));
        let prev = [(a, 50), (b, 10), (c, 5)];
        let cur = [(a, 60), (b, 40), (c, 35), (d, 500)];
        let m = most_improved(&prev, &cur).unwrap();
        assert_eq!(
            m,
            Improved {
                user: b,
                before: 10,
                after: 40
            },
            "a tie (+30) goes to the lower id; the newcomer does not count"
        );
        assert_eq!(most_improved(&[], &cur), None);
        assert_eq!(most_improved(&[(a, 50)], &[(a, 20)]), None, "nobody rose");
    }

    #[test]
    fn the_longest_streak_counts_days_before_the_season_when_extended_in_it() {
        let (a, b) = (UserId(1), UserId(2));
        let t = |d: u32| utc(&format!("2026-11-{d:02}T12:00:00Z"));
        let ok = Verdict::Correct;
        let rounds: Vec<Played> = (1..=6)
            .map(|i| Played {
                round: i,
                track: TrackId(1),
                answers: match i {
                    // a: rounds 1-5 in a row (1-3 before the season); b: 4-6 but 5 wrong.
                    1..=3 => vec![(a, ok, t(i as u32))],
                    4 => vec![(a, ok, t(4)), (b, ok, t(4))],
                    5 => vec![(a, ok, t(5)), (b, Verdict::Wrong, t(5))],
                    _ => vec![(b, ok, t(6))],
                },
            })
            .collect();
        let season = (t(4), t(7));
        assert_eq!(longest_streak(&rounds, season), Some((a, 5)));
        assert_eq!(longest_streak(&rounds, (t(6), t(7))), Some((b, 1)));
        assert_eq!(longest_streak(&rounds, (t(8), t(9))), None);
    }

    #[test]
    fn streaks_are_replayed_per_track() {
        let a = UserId(1);
        let at = utc("2026-11-10T12:00:00Z");
        // Track 1 rounds 1 and 3, track 2 round 2 between them: a's track-1 streak goes on.
        let rounds: Vec<Played> = [(1, 1), (2, 2), (3, 1)]
            .into_iter()
            .map(|(round, track)| Played {
                round,
                track: TrackId(track),
                answers: if track == 1 {
                    vec![(a, Verdict::Correct, at)]
                } else {
                    vec![]
                },
            })
            .collect();
        let season = (utc("2026-11-01T00:00:00Z"), utc("2026-12-01T00:00:00Z"));
        assert_eq!(longest_streak(&rounds, season), Some((a, 2)));
    }
}
