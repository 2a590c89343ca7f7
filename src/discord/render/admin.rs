//! What `/admin log` looks like: one page of the audit log, newest first, an entry per field
//! (who, when, about whom, why, before and after), within Discord's embed limits.

use super::{clip, BLUE};
use crate::discord::text::admin as t;
use crate::quiz::admin::{AuditEntry, LogPage};
use serenity::all::CreateEmbed;

pub fn log(page: &LogPage) -> CreateEmbed {
    let mut e = CreateEmbed::new()
        .title(t::log_title(page.page, page.pages, page.total))
        .colour(BLUE);
    if page.entries.is_empty() {
        return e.description(t::EMPTY_LOG);
    }
    if page.page + 1 < page.pages {
        e = e.footer(serenity::all::CreateEmbedFooter::new(format!(
            "More: /admin log page:{}",
            page.page + 2
        )));
    }
    for entry in &page.entries {
        e = e.field(
            clip(&format!("#{} · {}", entry.id, entry.action), 256),
            clip(&value(entry), 1024),
            false,
        );
    }
    e
}

fn value(entry: &AuditEntry) -> String {
    let actor = entry
        .actor
        .map_or(t::BOT.to_string(), |a| format!("<@{}>", a.0));
    let member = entry
        .member
        .map_or(String::new(), |m| format!(" · member <@{}>", m.0));
    let why = if entry.reason.is_empty() {
        String::new()
    } else {
        format!("\nWhy: {}", clip(&entry.reason, 200))
    };
    format!(
        "<t:{}:f> by {actor}{member}{why}\nBefore: `{}`\nAfter: `{}`",
        entry.at.timestamp(),
        clip(&entry.before.replace('`', "'"), 300),
        clip(&entry.after.replace('`', "'"), 300),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::render::tests::embed_chars;
    use crate::quiz::admin::LOG_PAGE;
    use crate::quiz::UserId;

    #[test]
    fn a_full_page_of_the_longest_entries_fits_in_one_embed() {
        let entry = AuditEntry {
            id: i64::MAX,
            actor: Some(UserId(u64::MAX)),
            action: "x".repeat(300),
            member: Some(UserId(u64::MAX)),
            reason: "r".repeat(2000),
            before: "b".repeat(5000),
            after: "a".repeat(5000),
            at: chrono::Utc::now(),
        };
        let page = LogPage {
            entries: vec![entry; LOG_PAGE as usize],
            page: 0,
            pages: 9,
            total: 45,
        };
        assert!(embed_chars(&log(&page)) <= 6000);
    }
}
