//! What seasons look like: the summary posted when a season ends, and the hall of fame page
//! (with paging buttons, as the boards page).

use super::{clip, no_mentions, Msg, BLUE, TITLE};
use crate::discord::custom_id::Control;
use crate::discord::text::limits::FIELD_VALUE;
use crate::discord::text::season as ts;
use crate::quiz::season::{Champion, Summary};
use crate::quiz::Period;
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter, CreateMessage,
};

/// Champions on one page of the hall of fame.
pub const HALL_PAGE: u32 = 10;
const GOLD: u32 = 0xeab308;

/// The summary's embed: champion, top 5, most improved, longest streak.
pub fn summary(s: &Summary) -> CreateEmbed {
    let top: Vec<String> = s
        .top
        .iter()
        .map(|st| format!("**#{}** <@{}> · {} pts", st.rank, st.user.0, st.points))
        .collect();
    let improved = match &s.improved {
        Some(m) => ts::improved_line(m.user.0, m.before, m.after),
        None => ts::NOBODY_IMPROVED.to_string(),
    };
    let streak = match s.streak {
        Some((user, days)) => ts::streak_line(user.0, days),
        None => ts::NO_STREAK.to_string(),
    };
    let mut e = CreateEmbed::new()
        .title(clip(&ts::summary_title(s.season), TITLE))
        .colour(GOLD)
        .field(ts::TOP, clip(&top.join("\n"), FIELD_VALUE), false)
        .field(ts::MOST_IMPROVED, clip(&improved, FIELD_VALUE), true)
        .field(ts::LONGEST_STREAK, clip(&streak, FIELD_VALUE), true)
        .footer(CreateEmbedFooter::new(ts::SUMMARY_FOOTER));
    if let Some((user, points)) = s.champion {
        e = e.description(ts::champion_line(user.0, points));
    }
    e
}

/// The summary as posted in the daily channel: names shown, nobody pinged. The nonce makes a
/// retry after an unclear answer come back as the message Discord already made.
pub fn summary_message(s: &Summary, nonce: String) -> CreateMessage {
    CreateMessage::new()
        .embed(summary(s))
        .allowed_mentions(no_mentions())
        .nonce(serenity::all::Nonce::String(nonce))
        .enforce_nonce(true)
}

/// One page of past champions, newest first.
pub fn hall_of_fame(champions: &[Champion], total: u64, page: u32) -> Msg {
    let lines: Vec<String> = champions
        .iter()
        .map(|c| {
            format!(
                "**{}** · <@{}> · {} pts",
                c.season.name(),
                c.user.0,
                c.points
            )
        })
        .collect();
    let description = if lines.is_empty() {
        ts::HALL_EMPTY.to_string()
    } else {
        lines.join("\n")
    };
    let pages = total.div_ceil(HALL_PAGE as u64).max(1) as u32;
    let embed = CreateEmbed::new()
        .title("Hall of fame")
        .description(clip(&description, 4096))
        .footer(CreateEmbedFooter::new(format!(
            "page {} of {pages}",
            page + 1
        )))
        .colour(BLUE);
    let nav = |label: &str, to: u32, disabled: bool| {
        CreateButton::new(
            Control::Board {
                period: Period::HallOfFame,
                topic: None,
                page: to,
                track: None,
            }
            .encode(),
        )
        .label(label)
        .style(ButtonStyle::Secondary)
        .disabled(disabled)
    };
    Msg::embed(embed).with_components(vec![CreateActionRow::Buttons(vec![
        nav("◀ Previous", page.saturating_sub(1), page == 0),
        nav("Next ▶", page + 1, page + 1 >= pages),
    ])])
}
