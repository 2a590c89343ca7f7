//! The domain of the daily drill: ids, the clock, scoring and streaks, leaderboard periods,
//! guild settings and rounds, and the use-cases that record answers. No Discord types and no SQL
//! here: a use-case that needs the database declares a trait that `store` implements.

pub mod admin;
pub mod answer;
pub mod appeal;
pub mod ask;
pub mod clock;
pub mod export;
pub mod follow_up;
pub mod freeze;
pub mod ids;
pub mod past;
pub mod period;
pub mod pick;
pub mod progress;
pub mod review;
pub mod roles;
pub mod schedule;
pub mod scoring;
pub mod season;
pub mod share;
pub mod suggest;
pub mod thread;
pub mod topics;
pub mod track;

pub use clock::{Clock, ManualClock, SystemClock};
pub use ids::*;
pub use period::Period;
pub use track::TrackId;

use crate::bank::Difficulty;
use crate::grade::Verdict;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

/// The settings of one of a guild's daily tracks (track 1 unless said otherwise), with the
/// guild's time zone, which all its tracks share.
#[derive(Debug, Clone, PartialEq)]
pub struct GuildSettings {
    pub guild: GuildId,
    /// Tracks: which of the guild's drills these settings are for.
    pub track: TrackId,
    /// Tracks: its name, as `/config track` and the `track` options take it.
    pub track_name: String,
    pub channel: Option<ChannelId>,
    pub post_time: NaiveTime,
    pub timezone: Tz,
    /// Topic ids to draw from; empty means every topic.
    pub topics: Vec<String>,
    pub difficulty: Option<Difficulty>,
    pub role: Option<RoleId>,
    pub enabled: bool,
    pub days: Days,
    /// How long a round stays open; `None` until the next post (at least an hour either way).
    pub round_minutes: Option<u32>,
}

/// Which days have a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    Daily,
    /// Monday to Friday, in the guild's time zone.
    Weekdays,
}

impl Days {
    pub fn as_str(self) -> &'static str {
        match self {
            Days::Daily => "daily",
            Days::Weekdays => "weekdays",
        }
    }

    pub fn parse(s: &str) -> Option<Days> {
        match s {
            "daily" => Some(Days::Daily),
            "weekdays" => Some(Days::Weekdays),
            _ => None,
        }
    }
}

impl GuildSettings {
    /// What a guild has before an admin configures anything.
    pub fn new(guild: GuildId) -> Self {
        GuildSettings {
            guild,
            track: TrackId::FIRST,
            track_name: track::FIRST_NAME.to_string(),
            channel: None,
            post_time: NaiveTime::from_hms_opt(9, 0, 0).expect("09:00 is a time"),
            timezone: chrono_tz::UTC,
            topics: vec![],
            difficulty: None,
            role: None,
            enabled: true,
            days: Days::Daily,
            round_minutes: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundState {
    Open,
    Closed,
    Skipped,
}

impl RoundState {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Open => "open",
            RoundState::Closed => "closed",
            RoundState::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [RoundState::Open, RoundState::Closed, RoundState::Skipped]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A question posted in a guild for a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub id: RoundId,
    pub guild: GuildId,
    /// Tracks: the guild's drill it belongs to.
    pub track: TrackId,
    /// The guild's local day it belongs to.
    pub day: NaiveDate,
    pub question: String,
    pub topic: String,
    pub difficulty: Difficulty,
    pub seed: u64,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub channel: Option<ChannelId>,
    pub message: Option<MessageId>,
    pub state: RoundState,
}

/// A round about to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRound {
    pub guild: GuildId,
    pub day: NaiveDate,
    pub question: String,
    pub topic: String,
    pub difficulty: Difficulty,
    pub seed: u64,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub channel: Option<ChannelId>,
}

/// A graded daily answer, about to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAnswer {
    pub round: RoundId,
    pub user: UserId,
    pub answer: String,
    pub score: f64,
    pub verdict: Verdict,
    pub at: DateTime<Utc>,
    /// How the answer rates the round's question for the member's spaced review: the card is
    /// saved with the answer, in its transaction. `None` leaves the member's review as it is.
    pub review: Option<review::Rating>,
}

/// What recording a daily answer did.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// Stored and committed: the member may be told.
    Accepted {
        points: u32,
        streak: u32,
        /// The server gives roles for streaks or points (`/config roles`): see whether the
        /// member reached one. Read with the answer, so most answers need no second look.
        rewards: bool,
    },
    /// The member had answered this round already; the first answer stands.
    AlreadyAnswered,
    /// The round is closed (or skipped): nothing was recorded.
    Closed,
    NoSuchRound,
}

/// A practice attempt from `/quiz`, kept apart from daily points.
#[derive(Debug, Clone, PartialEq)]
pub struct Practice {
    pub guild: Option<GuildId>,
    pub user: UserId,
    pub question: String,
    pub seed: u64,
    pub answer: String,
    pub score: f64,
    pub verdict: Verdict,
    pub at: DateTime<Utc>,
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Competition ranking: members with equal points share a rank (1, 2, 2, 4).
    pub rank: u32,
    pub user: UserId,
    pub points: u64,
    pub answers: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Leaderboard {
    pub top: Vec<Standing>,
    /// The asking member, also when outside the top; `None` if they have no points in it.
    pub me: Option<Standing>,
    /// How many members have points in it.
    pub members: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopicAccuracy {
    pub topic: String,
    pub answers: u64,
    pub correct: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberStats {
    pub answers: u64,
    pub correct: u64,
    pub partial: u64,
    pub points: u64,
    pub current_streak: u32,
    pub best_streak: u32,
    /// Streak freezes held now (see `freeze`).
    pub freezes: u32,
    pub per_topic: Vec<TopicAccuracy>,
    pub practice: u64,
}

impl MemberStats {
    /// Share of answers graded correct, 0 to 1.
    pub fn accuracy(&self) -> f64 {
        if self.answers == 0 {
            0.0
        } else {
            self.correct as f64 / self.answers as f64
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopAnswer {
    pub user: UserId,
    pub score: f64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoundResults {
    pub answers: u64,
    pub correct: u64,
    /// By score, then by time.
    pub top: Vec<TopAnswer>,
    /// Members whose streak reached a milestone with this round.
    pub milestones: Vec<(UserId, u32)>,
}

impl RoundResults {
    pub fn share_correct(&self) -> f64 {
        if self.answers == 0 {
            0.0
        } else {
            self.correct as f64 / self.answers as f64
        }
    }
}
