//! When a guild's next daily post is due, in its own time zone.

use super::period::local_midnight;
use super::{Days, GuildSettings};
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
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

/// Whether a local day has a post.
pub fn is_posting_day(s: &GuildSettings, day: NaiveDate) -> bool {
    match s.days {
        Days::Daily => true,
        Days::Weekdays => day.weekday().num_days_from_monday() < 5,
    }
}

/// The first post due at or after `now`; `None` when the guild posts nothing (switched off, or no
/// channel). Changing the settings never posts at once: a time already past today means tomorrow.
pub fn next_due(s: &GuildSettings, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !s.enabled || s.channel.is_none() {
        return None;
    }
    let today = local_day(s.timezone, now);
    (0..8)
        .map(|d| today + Duration::days(d))
        .filter(|day| is_posting_day(s, *day))
        .map(|day| local_instant(s.timezone, day, s.post_time))
        .find(|at| *at >= now)
}

/// The first post due on a local day after `day` (after posting `day`'s round).
pub fn next_due_after_day(s: &GuildSettings, day: NaiveDate) -> Option<DateTime<Utc>> {
    if !s.enabled || s.channel.is_none() {
        return None;
    }
    (1..9)
        .map(|d| day + Duration::days(d))
        .find(|d| is_posting_day(s, *d))
        .map(|d| local_instant(s.timezone, d, s.post_time))
}

/// When a round opened at `opens` for `day` closes: after its length, or at the next post, and
/// never within the first hour.
pub fn closes_at(s: &GuildSettings, day: NaiveDate, opens: DateTime<Utc>) -> DateTime<Utc> {
    let min = opens + Duration::hours(1);
    let end = match s.round_minutes {
        Some(m) => opens + Duration::minutes(m as i64),
        None => {
            let mut next = next_due_after_day(
                &GuildSettings {
                    enabled: true,
                    channel: s.channel.or(Some(super::ChannelId(0))),
                    ..s.clone()
                },
                day,
            )
            .unwrap_or(opens + Duration::days(1));
            // A post made late in the day must still give members its hour.
            while next < min {
                next += Duration::days(1);
            }
            next
        }
    };
    end.max(min)
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

    fn settings() -> GuildSettings {
        let mut s = GuildSettings::new(crate::quiz::GuildId(1));
        s.channel = Some(crate::quiz::ChannelId(2));
        s.timezone = chrono_tz::Europe::London;
        s
    }

    #[test]
    fn weekdays_skip_the_weekend_and_nothing_is_due_without_a_channel() {
        let mut s = settings();
        s.days = Days::Weekdays;
        // Friday 2026-07-03 after 09:00 London: next is Monday.
        assert_eq!(
            next_due(&s, utc("2026-07-03T09:00:00Z")),
            Some(utc("2026-07-06T08:00:00Z"))
        );
        assert_eq!(
            next_due_after_day(&s, "2026-07-03".parse().unwrap()),
            Some(utc("2026-07-06T08:00:00Z"))
        );
        s.channel = None;
        assert_eq!(next_due(&s, utc("2026-07-03T09:00:00Z")), None);
    }

    #[test]
    fn a_round_closes_at_the_next_post_or_after_its_length_never_within_an_hour() {
        let mut s = settings();
        let day = "2026-07-01".parse().unwrap();
        assert_eq!(
            closes_at(&s, day, utc("2026-07-01T08:00:00Z")),
            utc("2026-07-02T08:00:00Z")
        );
        s.round_minutes = Some(30);
        assert_eq!(
            closes_at(&s, day, utc("2026-07-01T08:00:00Z")),
            utc("2026-07-01T09:00:00Z")
        );
        s.round_minutes = Some(600);
        assert_eq!(
            closes_at(&s, day, utc("2026-07-01T08:00:00Z")),
            utc("2026-07-01T18:00:00Z")
        );
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
