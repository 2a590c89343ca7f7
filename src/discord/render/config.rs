//! The `/config show` card: every daily-question setting, the next post and any problem.

use super::{clip, GREY};
use crate::quiz::GuildSettings;
use serenity::all::CreateEmbed;

pub fn config(s: &GuildSettings, status: Option<&str>, next_post: Option<i64>) -> CreateEmbed {
    let or = |v: Option<String>, none: &str| v.unwrap_or_else(|| none.to_string());
    let mut e = CreateEmbed::new()
        .title("Daily question settings")
        .field("Posting", if s.enabled { "on" } else { "off" }, true)
        .field(
            "Channel",
            or(s.channel.map(|c| format!("<#{c}>")), "not set"),
            true,
        )
        .field(
            "Time",
            format!("{} ({})", s.post_time.format("%H:%M"), s.timezone.name()),
            true,
        )
        .field(
            "Topics",
            if s.topics.is_empty() {
                "all".to_string()
            } else {
                s.topics.join(", ")
            },
            true,
        )
        .field(
            "Difficulty",
            or(s.difficulty.map(|d| d.to_string()), "any"),
            true,
        )
        .field(
            "Role to ping",
            or(s.role.map(|r| format!("<@&{r}>")), "none"),
            true,
        )
        .field("Days", s.days.as_str(), true)
        .field(
            "Round length",
            s.round_minutes
                .map_or("until the next post".to_string(), |m| {
                    format!("{} hours", m / 60)
                }),
            true,
        )
        .field(
            "Next post",
            next_post.map_or("none scheduled".to_string(), |t| {
                format!("<t:{t}:f> (<t:{t}:R>)")
            }),
            true,
        )
        .colour(GREY);
    if let Some(status) = status {
        e = e.field("Status", clip(status, 1024), false);
    }
    e
}
