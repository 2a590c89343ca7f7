//! Discord's ids as distinct types, so a user id is never passed where a guild id belongs.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl $name {
            /// As SQLite stores it (snowflakes are below 2^63).
            pub fn sql(self) -> i64 {
                self.0 as i64
            }

            pub fn from_sql(v: i64) -> Self {
                $name(v as u64)
            }
        }
    };
}

id!(
    /// A Discord server.
    GuildId
);
id!(
    /// A Discord user.
    UserId
);
id!(
    /// A Discord channel.
    ChannelId
);
id!(
    /// A Discord message.
    MessageId
);
id!(
    /// A Discord role.
    RoleId
);

/// A round: one question posted in one guild for one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoundId(pub i64);

impl fmt::Display for RoundId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An appeal: a member's request that a moderator review the grade of one daily answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AppealId(pub i64);

impl fmt::Display for AppealId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
