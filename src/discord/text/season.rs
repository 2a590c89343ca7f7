//! The words of seasons: `/config season`, the season board and the hall of fame, the season
//! summary posted when a season ends, and what `/config show` says about them.

use crate::quiz::season::{Cadence, Season};

pub const CONFIG_SEASON: &str = "Run the board in seasons: monthly, quarterly or none";
pub const CONFIG_SEASON_LENGTH: &str = "How long each season lasts";
pub const NO_SEASONS: &str =
    "This server has no seasons. An admin can start them with `/config season`.";
pub const BAD_PERIOD: &str = "Choose all, month, week, season or hall-of-fame.";
pub const BAD_CADENCE: &str = "Choose monthly, quarterly or none.";
pub const HALL_EMPTY: &str = "No champions yet: the first is crowned when the current season ends.";
pub const NOBODY_IMPROVED: &str = "Nobody who played last season scored more this season.";
pub const NO_STREAK: &str = "No streaks this season.";

/// What `/config season` answers.
pub fn cadence_set(cadence: Option<Cadence>, current: Option<Season>) -> String {
    match (cadence, current) {
        (Some(_), Some(s)) => format!(
            "The board now runs in {} seasons: this one is {}. When it ends, its summary and champion are posted in the daily channel.",
            cadence.map_or("", Cadence::as_str),
            s.name()
        ),
        _ => "No seasons: the board counts all time, as before. Past champions stay in the hall of fame.".to_string(),
    }
}

/// The "Season" field of `/config show`.
pub fn config_field(current: Option<(Season, i64)>, problem: Option<&(Season, String)>) -> String {
    let mut out = match current {
        Some((s, ends)) => format!(
            "{} · {} ends <t:{ends}:f>",
            match s.cadence {
                Cadence::Monthly => "monthly",
                Cadence::Quarterly => "quarterly",
            },
            s.name()
        ),
        None => "none".to_string(),
    };
    if let Some((season, why)) = problem {
        out.push_str(&format!(
            "\n⚠️ The summary of {} could not be posted: {why}. Check the daily channel and my permissions there (View Channel, Send Messages, Embed Links).",
            season.name()
        ));
    }
    out
}

/// The first line of a season board: when it ends.
pub fn board_note(ends: i64) -> String {
    format!("Ends <t:{ends}:F> (<t:{ends}:R>)")
}

pub fn summary_title(season: Season) -> String {
    format!("Season over · {}", season.name())
}

pub fn champion_line(user: u64, points: u64) -> String {
    format!("🏆 <@{user}> is the champion of the season with {points} pts!")
}

pub fn improved_line(user: u64, before: u64, after: u64) -> String {
    format!(
        "<@{user}>: {after} pts, up {} from {before} last season",
        after - before
    )
}

pub fn streak_line(user: u64, days: u32) -> String {
    format!(
        "<@{user}>: {days} {} in a row",
        if days == 1 { "day" } else { "days" }
    )
}

pub const TOP: &str = "Top 5";
pub const MOST_IMPROVED: &str = "Most improved";
pub const LONGEST_STREAK: &str = "Longest streak";
pub const SUMMARY_FOOTER: &str =
    "A new season has begun: everyone starts from zero. /leaderboard shows it.";
