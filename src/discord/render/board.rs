//! The leaderboard page (with its paging buttons) and a member's `/stats` card.

use super::{clip, count, topic_title, Msg, BLUE, TITLE};
use crate::bank::Bank;
use crate::discord::custom_id::Control;
use crate::quiz::{Leaderboard, MemberStats, Period, TrackId};
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter};

pub const PAGE_SIZE: u32 = 10;

pub fn leaderboard(
    bank: &Bank,
    board: &Leaderboard,
    period: Period,
    topic: Option<&str>,
    track: Option<(TrackId, &str)>,
    page: u32,
) -> Msg {
    let scope = match period {
        Period::All => "All time",
        Period::Month => "This month",
        Period::Week => "This week",
    };
    let mut title = match topic {
        Some(t) => format!("Leaderboard · {scope} · {}", topic_title(bank, t)),
        None => format!("Leaderboard · {scope}"),
    };
    if let Some((_, name)) = track {
        title.push_str(&format!(" · track {name}"));
    }
    let mut lines: Vec<String> = board
        .top
        .iter()
        .map(|s| {
            format!(
                "**#{}** <@{}> · {} pts · {}",
                s.rank,
                s.user.0,
                s.points,
                count(s.answers, "answer")
            )
        })
        .collect();
    if lines.is_empty() {
        lines.push("No points yet. Answer `/daily` to be the first!".into());
    }
    let mine = match &board.me {
        Some(me) => format!("You: #{} of {} · {} pts", me.rank, board.members, me.points),
        None => "You have no points here yet.".into(),
    };
    let pages = board.members.div_ceil(PAGE_SIZE as u64).max(1) as u32;
    let embed = CreateEmbed::new()
        .title(clip(&title, TITLE))
        .description(clip(&lines.join("\n"), 4096))
        .footer(CreateEmbedFooter::new(format!(
            "{mine} · page {} of {pages}",
            page + 1
        )))
        .colour(BLUE);
    let topic = topic.map(String::from);
    let nav = |label: &str, to: u32, disabled: bool| {
        CreateButton::new(
            Control::Board {
                period,
                topic: topic.clone(),
                page: to,
                track: track.map(|(id, _)| id),
            }
            .encode(),
        )
        .label(label)
        .style(ButtonStyle::Secondary)
        .disabled(disabled)
    };
    let buttons = vec![
        nav("◀ Previous", page.saturating_sub(1), page == 0),
        nav("Next ▶", page + 1, page + 1 >= pages),
    ];
    Msg::embed(embed).with_components(vec![CreateActionRow::Buttons(buttons)])
}

pub fn stats(bank: &Bank, user: u64, s: &MemberStats) -> CreateEmbed {
    let mut e = CreateEmbed::new()
        .title("Stats")
        .description(format!("<@{user}>"))
        .field("Answers", s.answers.to_string(), true)
        .field(
            "Accuracy",
            format!("{:.0}% correct", s.accuracy() * 100.0),
            true,
        )
        .field("Points", s.points.to_string(), true)
        .field(
            "Streak",
            format!("{} now · best {}", s.current_streak, s.best_streak),
            true,
        )
        .field("Practice", s.practice.to_string(), true)
        .colour(BLUE);
    if !s.per_topic.is_empty() {
        let lines: Vec<String> = s
            .per_topic
            .iter()
            .map(|t| {
                let pct = if t.answers == 0 {
                    0.0
                } else {
                    t.correct as f64 * 100.0 / t.answers as f64
                };
                format!(
                    "{}: {pct:.0}% of {}",
                    topic_title(bank, &t.topic),
                    t.answers
                )
            })
            .collect();
        e = e.field("Accuracy per topic", clip(&lines.join("\n"), 1024), false);
    }
    e
}
