//! What `/admin` (corrections and the audit log) and the streak freezes say.

use crate::quiz::admin::{AMOUNT_MAX, REASON_MAX};

pub const ADMIN: &str = "Corrections with a reason, kept in the audit log (Manage Server)";
pub const POINTS: &str = "Add or take away a member's points";
pub const POINTS_AMOUNT: &str =
    "Points to add (negative to take away); the total never goes below 0";
pub const MEMBER: &str = "The member";
pub const REASON: &str = "Why: kept in the audit log";
pub const STREAK: &str = "A member's streak";
pub const STREAK_RESTORE: &str = "Restore the streak a member had before it last broke";
pub const ANSWER: &str = "A member's daily answer";
pub const ANSWER_REMOVE: &str = "Remove a daily answer: its points leave the totals and boards";
pub const ANSWER_ROUND: &str = "The round's day (YYYY-MM-DD, server time) or its number";
pub const LOG: &str = "Page through the audit log, newest first";
pub const LOG_MEMBER: &str = "Only the entries about this member";
pub const LOG_PAGE: &str = "Page number (1 is the newest)";

pub const NO_MEMBER: &str = "Pick a member.";
pub const NOTHING_TO_TAKE: &str =
    "That member has no points to take away, so nothing changed and nothing was logged.";
pub const NOTHING_TO_RESTORE: &str =
    "That member's streak has not broken since it was last restored, so there is nothing to restore.";
pub const NO_ANSWER: &str = "That member has no answer to that round in this server.";
pub const EMPTY_LOG: &str = "The audit log is empty: no corrections or spent freezes yet.";

pub fn bad_round(input: &str) -> String {
    format!(
        "I could not find a round for `{}`: give its day as YYYY-MM-DD (server time) or its number.",
        super::limits::clip(input, 40)
    )
}

pub fn points_done(member: u64, before: u64, after: u64) -> String {
    format!("<@{member}> now has {after} points (was {before}). Written to the audit log.")
}

pub fn streak_done(member: u64, before: u32, after: u32) -> String {
    format!("<@{member}>'s streak is now {after} (was {before}). Written to the audit log.")
}

pub fn removed(member: u64, points: u32, before: u64, after: u64) -> String {
    format!(
        "Removed <@{member}>'s answer ({points} points): their total is now {after} (was {before}). \
         Their streak is unchanged (`/admin streak restore` can mend a break). Written to the audit log."
    )
}

pub fn log_title(page: u32, pages: u32, total: u64) -> String {
    format!("Audit log · page {} of {pages} · {total} entries", page + 1)
}

pub const BOT: &str = "the bot";

/// `/help`: the streak freezes.
pub const FREEZES_HELP: &str = "\
Every 7 days of streak (7, 14, 21, ...) earns a freeze; you hold at most 2. When a posted day \
passes without your answer, a freeze is spent for you and your streak goes on (it does not grow \
that day). A wrong answer still ends a streak; a skipped day never costs a freeze. `/stats` shows \
your freezes.";

/// `/help`: the corrections.
pub fn corrections_help() -> String {
    format!(
        "`/admin points member amount reason` add or take away points (±{AMOUNT_MAX}; a total never \
         goes below 0)\n\
         `/admin streak restore member reason` the streak a member had before it last broke\n\
         `/admin answer remove member round reason` remove a daily answer and its points\n\
         `/admin log [member] [page]` the audit log, newest first\n\
         Manage Server only; each change is logged with who, when, why (at most {REASON_MAX} \
         characters), before and after."
    )
}
