//! The numbers behind the charts: a member's points per week over the last weeks (weeks start on
//! Monday in the server's own time zone, so a week means what the server's calendar says, DST
//! included) and the spread of scores in one round. Pure functions of what the store returns;
//! the drawing is `discord::charts`.

use crate::grade::Verdict;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// How many weeks `/stats`' chart shows, the current one last.
pub const WEEKS: usize = 12;

/// Points a member earned in one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekPoints {
    /// The Monday the week starts on, in the server's time zone.
    pub start: NaiveDate,
    pub points: u64,
}

/// The earliest instant whose answers can fall in the last `WEEKS` weeks in any zone: a day more
/// than the weeks themselves, so a zone far from UTC loses nothing (the bucketing filters).
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::weeks(WEEKS as i64) - Duration::days(8)
}

/// The last `WEEKS` weeks in `tz` (the week holding `now` last), each with the points of the
/// `answers` (answered at, points) given in it. Answers outside those weeks are left out.
pub fn points_per_week(
    answers: &[(DateTime<Utc>, u64)],
    now: DateTime<Utc>,
    tz: Tz,
) -> Vec<WeekPoints> {
    let today = now.with_timezone(&tz).date_naive();
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first = this_monday - Duration::weeks(WEEKS as i64 - 1);
    let mut weeks: Vec<WeekPoints> = (0..WEEKS)
        .map(|i| WeekPoints {
            start: first + Duration::weeks(i as i64),
            points: 0,
        })
        .collect();
    for (at, points) in answers {
        let day = at.with_timezone(&tz).date_naive();
        let offset = (day - first).num_days();
        if offset < 0 {
            continue;
        }
        if let Some(w) = weeks.get_mut((offset / 7) as usize) {
            w.points += points;
        }
    }
    weeks
}

/// How a round's answers scored: counts in five bands of score (0-19%, 20-39%, ... 80-100%) and
/// by verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreDistribution {
    pub bands: [u64; 5],
    pub correct: u64,
    pub partial: u64,
    pub wrong: u64,
}

impl ScoreDistribution {
    /// The distribution of `answers` (score 0.0-1.0, verdict).
    pub fn of(answers: &[(f64, Verdict)]) -> ScoreDistribution {
        let mut d = ScoreDistribution::default();
        for (score, verdict) in answers {
            let band = ((score.clamp(0.0, 1.0) * 5.0).floor() as usize).min(4);
            d.bands[band] += 1;
            match verdict {
                Verdict::Correct => d.correct += 1,
                Verdict::Partial => d.partial += 1,
                Verdict::Wrong => d.wrong += 1,
            }
        }
        d
    }

    pub fn answers(&self) -> u64 {
        self.correct + self.partial + self.wrong
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn twelve_weeks_from_monday_the_current_one_last() {
        // Wednesday 2026-11-25.
        let weeks = points_per_week(&[], utc(2026, 11, 25, 12), chrono_tz::UTC);
        assert_eq!(weeks.len(), WEEKS);
        assert_eq!(weeks[11].start, day(2026, 11, 23));
        assert_eq!(weeks[0].start, day(2026, 9, 7));
        assert!(weeks.iter().all(|w| w.points == 0));
    }

    #[test]
    fn a_week_is_the_servers_week_across_a_dst_change() {
        // New York leaves DST on Sunday 2026-11-01. 04:30 UTC on Monday 2026-11-02 is still
        // Sunday evening there (UTC-5), so it counts in the week of 2026-10-26; in UTC (and in
        // Tokyo, UTC+9) it is Monday, the next week.
        let now = utc(2026, 11, 25, 12);
        let answers = [
            (utc(2026, 11, 2, 4), 10),
            // Saturday 2026-10-31 23:30 in New York (UTC-4, still DST): the week of 10-26.
            (Utc.with_ymd_and_hms(2026, 11, 1, 3, 30, 0).unwrap(), 5),
            // Monday 2026-11-02 05:30 UTC is 00:30 Monday in New York: the week of 11-02.
            (Utc.with_ymd_and_hms(2026, 11, 2, 5, 30, 0).unwrap(), 7),
            // Long before the window.
            (utc(2026, 1, 5, 12), 100),
        ];
        let ny = points_per_week(&answers, now, chrono_tz::America::New_York);
        let of =
            |weeks: &[WeekPoints], start| weeks.iter().find(|w| w.start == start).unwrap().points;
        assert_eq!(of(&ny, day(2026, 10, 26)), 15);
        assert_eq!(of(&ny, day(2026, 11, 2)), 7);
        assert_eq!(ny.iter().map(|w| w.points).sum::<u64>(), 22);

        let tokyo = points_per_week(&answers, now, chrono_tz::Asia::Tokyo);
        // 2026-11-01 03:30 UTC is 12:30 on Sunday in Tokyo: the week of 10-26.
        assert_eq!(of(&tokyo, day(2026, 10, 26)), 5);
        assert_eq!(of(&tokyo, day(2026, 11, 2)), 17);
    }

    #[test]
    fn the_current_week_depends_on_the_zone() {
        // 23:00 UTC on Sunday 2026-11-29 is already Monday 11-30 in Tokyo.
        let now = utc(2026, 11, 29, 23);
        let tokyo = points_per_week(&[(now, 3)], now, chrono_tz::Asia::Tokyo);
        assert_eq!(tokyo[11].start, day(2026, 11, 30));
        assert_eq!(tokyo[11].points, 3);
        let utc_weeks = points_per_week(&[(now, 3)], now, chrono_tz::UTC);
        assert_eq!(utc_weeks[11].start, day(2026, 11, 23));
        assert_eq!(utc_weeks[11].points, 3);
        assert!(window_start(now) < utc(2026, 9, 7, 0));
    }

    #[test]
    fn scores_fall_in_five_bands_and_verdicts_are_counted() {
        let d = ScoreDistribution::of(&[
            (0.0, Verdict::Wrong),
            (0.19, Verdict::Wrong),
            (0.2, Verdict::Wrong),
            (0.5, Verdict::Partial),
            (0.8, Verdict::Correct),
            (1.0, Verdict::Correct),
        ]);
        assert_eq!(d.bands, [2, 1, 1, 0, 2]);
        assert_eq!((d.correct, d.partial, d.wrong), (2, 1, 3));
        assert_eq!(d.answers(), 6);
        assert_eq!(ScoreDistribution::of(&[]).answers(), 0);
    }
}
