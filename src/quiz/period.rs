//! Leaderboard periods, bounded in the guild's own time zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    All,
    Month,
    Week,
    /// The server's current season (its bounds depend on its cadence: `quiz::season`).
    Season,
    /// Not a period of answers: the past seasons' champions.
    #[serde(rename = "hall-of-fame")]
    HallOfFame,
}

impl Period {
    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "all" => Some(Period::All),
            "month" => Some(Period::Month),
            "week" => Some(Period::Week),
            "season" => Some(Period::Season),
            "hall-of-fame" => Some(Period::HallOfFame),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::All => "all",
            Period::Month => "month",
            Period::Week => "week",
            Period::Season => "season",
            Period::HallOfFame => "hall-of-fame",
        }
    }

    /// The instants `[start, end)` of the period containing `now`, in the guild's zone; `None`
    /// for all time, and for a season or the hall of fame, whose bounds come from the server's
    /// season setting (`quiz::season`). Weeks start on Monday at midnight, months on the 1st.
    pub fn bounds(self, tz: Tz, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let today = now.with_timezone(&tz).date_naive();
        let (start, end) = match self {
            Period::All | Period::Season | Period::HallOfFame => return None,
            Period::Week => {
                let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
                (monday, monday + Duration::days(7))
            }
            Period::Month => {
                let first = today.with_day(1).expect("every month has a 1st");
                let next = if first.month() == 12 {
                    NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
                }
                .expect("the 1st of a month exists");
                (first, next)
            }
        };
        Some((local_midnight(tz, start), local_midnight(tz, end)))
    }
}

/// The first instant of a local day (a day whose midnight falls in a DST gap starts later).
pub fn local_midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let mut t = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    loop {
        if let Some(at) = tz.from_local_datetime(&t).earliest() {
            return at.with_timezone(&Utc);
        }
        t += Duration::minutes(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_week_starts_on_monday_midnight_in_the_guild_zone() {
        // Sunday 23:30 in New York is already Monday 04:30 UTC.
        let now = utc("2026-03-02T04:30:00Z");
        let (start, end) = Period::Week
            .bounds(chrono_tz::America::New_York, now)
            .unwrap();
        assert_eq!(start, utc("2026-02-23T05:00:00Z"));
        assert_eq!(end, utc("2026-03-02T05:00:00Z"));
        let (start, _) = Period::Week.bounds(chrono_tz::UTC, now).unwrap();
        assert_eq!(start, utc("2026-03-02T00:00:00Z"));
    }

    #[test]
    fn a_month_spans_a_dst_change() {
        let now = utc("2026-03-15T12:00:00Z");
        let (start, end) = Period::Month
            .bounds(chrono_tz::Europe::London, now)
            .unwrap();
        assert_eq!(start, utc("2026-03-01T00:00:00Z"));
        assert_eq!(
            end,
            utc("2026-03-31T23:00:00Z"),
            "April starts in summer time"
        );
    }

    #[test]
    fn a_midnight_in_a_gap_starts_at_the_first_valid_minute() {
        // Santiago moved its clocks from 24:00 to 01:00 on 2026-09-06.
        let t = local_midnight(
            chrono_tz::America::Santiago,
            NaiveDate::from_ymd_opt(2026, 9, 6).unwrap(),
        );
        assert_eq!(t, utc("2026-09-06T04:00:00Z"));
    }
}
