//! When a guild's next daily post is due, in its own time zone.

use super::period::local_midnight;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The instant of `time` on local `day`. A time that does not exist that day (the spring gap)
/// is moved to the first valid minute after it; a time that occurs twice (the autumn overlap)
/// is taken the first time.
pub fn local_instant(tz: Tz, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let mut local = day.and_time(time);
    for _ in 0..(24 * 60) {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(1),
        }
    }
    local_midnight(tz, day)
}

/// The first post at or after `now`: today's if it is still to come, else tomorrow's.
pub fn next_post(tz: Tz, time: NaiveTime, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&tz).date_naive();
    let at = local_instant(tz, today, time);
    if at >= now {
        at
    } else {
        local_instant(tz, today + Duration::days(1), time)
    }
}

/// The guild's local day at `now`.
pub fn local_day(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_to_the_first_valid_minute() {
        // London skips 01:00-02:00 on 2026-03-29.
        let t = local_instant(
            chrono_tz::Europe::London,
            "2026-03-29".parse().unwrap(),
            NaiveTime::from_hms_opt(1, 30, 0).unwrap(),
        );
        assert_eq!(t, utc("2026-03-29T01:00:00Z"), "02:00 BST");
    }

    #[test]
    fn a_time_that_occurs_twice_is_taken_once_the_first_time() {
        // New York repeats 01:00-02:00 on 2026-11-01.
        let t = local_instant(
            chrono_tz::America::New_York,
            "2026-11-01".parse().unwrap(),
            NaiveTime::from_hms_opt(1, 30, 0).unwrap(),
        );
        assert_eq!(t, utc("2026-11-01T05:30:00Z"), "01:30 EDT");
    }

    #[test]
    fn the_next_post_is_today_or_tomorrow() {
        let tz = chrono_tz::Europe::London;
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        assert_eq!(
            next_post(tz, nine, utc("2026-07-01T07:00:00Z")),
            utc("2026-07-01T08:00:00Z")
        );
        assert_eq!(
            next_post(tz, nine, utc("2026-07-01T08:00:01Z")),
            utc("2026-07-02T08:00:00Z")
        );
    }
}
