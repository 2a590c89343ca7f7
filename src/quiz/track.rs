//! Tracks: the several daily drills a server may run, each with its own channel, time, days,
//! topics, difficulty, role and round length (its `GuildSettings`). Track 1 is the one every
//! server had before tracks existed. The rules on names and on how many a server may run live
//! here; the store applies them in the write transaction that adds a track.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A track within its guild: 1, 2, ... in the order they were added, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TrackId(pub i64);

impl TrackId {
    /// The track every server has from the start (and had before tracks existed).
    pub const FIRST: TrackId = TrackId(1);
}

impl fmt::Display for TrackId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// At most this many live tracks per server.
pub const MAX_TRACKS: usize = 5;
/// The name of track 1 until an admin renames it by adding tracks of their own.
pub const FIRST_NAME: &str = "main";
/// The longest name: it is an autocomplete value and shows in embeds' titles.
pub const NAME_MAX: usize = 32;

/// Why a track could not be added or removed; each is said to the admin as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackError {
    #[error("A track name is 1 to 32 lower-case letters, digits or dashes, such as `backend`.")]
    BadName,
    #[error("This server already runs {MAX_TRACKS} tracks, the most it can. Remove one with `/config track remove` first.")]
    TooMany,
    #[error("There is already a track named `{0}`.")]
    Exists(String),
    #[error("There is no track named `{0}`. `/config track list` shows this server's tracks.")]
    NotFound(String),
    #[error("`{0}` is this server's only track; a server keeps one. Use `/config disable` to stop posting.")]
    LastTrack(String),
}

/// A track name as typed, checked and lower-cased.
pub fn parse_name(input: &str) -> Result<String, TrackError> {
    let name = input.trim().to_lowercase();
    let ok = !name.is_empty()
        && name.chars().count() <= NAME_MAX
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(name)
    } else {
        Err(TrackError::BadName)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_lower_case_words_with_dashes() {
        assert_eq!(parse_name(" Backend ").unwrap(), "backend");
        assert_eq!(parse_name("sys-design-2").unwrap(), "sys-design-2");
        for bad in ["", "   ", "two words", "<@123>", "ünï", &"x".repeat(33)] {
            assert_eq!(parse_name(bad), Err(TrackError::BadName), "{bad:?}");
        }
    }

    #[test]
    fn refusals_say_what_to_do_next() {
        assert!(TrackError::TooMany.to_string().contains("5 tracks"));
        assert!(TrackError::NotFound("x".into())
            .to_string()
            .contains("/config track list"));
    }
}
