//! Autocomplete: the topics, time zones and the server's track names offered while an option is
//! typed. A choice's value
//! is what the option will hold, so a value too long for Discord is skipped, never clipped.

use super::Reply;
use crate::discord::app::App;
use crate::discord::text::limits;
use serenity::all::{AutocompleteChoice, CommandInteraction};

/// The choices for the option being typed: at most 25, each within Discord's 100 characters.
pub(super) async fn choices(app: &App, c: &CommandInteraction) -> Reply {
    let Some(focused) = c.data.autocomplete() else {
        return Reply::Choices(vec![]);
    };
    let typed = focused.value.trim().to_lowercase();
    let choices: Vec<AutocompleteChoice> = match focused.name {
        "topic" => app
            .bank()
            .topics()
            .iter()
            .filter(|t| t.id.contains(&typed) || t.title.to_lowercase().contains(&typed))
            .filter_map(|t| limits::choice(&format!("{} ({})", t.title, t.id), t.id.clone()))
            .collect(),
        "topics" => {
            // Complete the last item of a comma-separated list.
            let (done, last) = match typed.rsplit_once(',') {
                Some((done, last)) => (format!("{},", done.trim()), last.trim().to_string()),
                None => (String::new(), typed.clone()),
            };
            let mut out = vec![AutocompleteChoice::new("all topics", "all")];
            out.extend(
                app.bank()
                    .topics()
                    .iter()
                    .filter(|t| t.id.starts_with(&last) || t.id.contains(&last))
                    // A list grown past a choice's 100 characters is offered nothing more.
                    .filter_map(|t| {
                        let value = format!("{done}{}", t.id);
                        limits::choice(&value, value.clone())
                    }),
            );
            out
        }
        "timezone" => chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|name| name.to_lowercase().contains(&typed))
            .filter_map(|name| limits::choice(name, name))
            .take(25)
            .collect(),
        "track" | "name" if c.data.name == "config" || focused.name == "track" => {
            let guild = c.guild_id.map(|g| crate::quiz::GuildId(g.get()));
            crate::discord::commands::track::choices(app, guild, &typed).await
        }
        _ => vec![],
    };
    Reply::Choices(choices.into_iter().take(25).collect())
}
