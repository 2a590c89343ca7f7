//! `/config`: the server's daily-question settings (Manage Server). Each subcommand changes one
//! setting, saves it with the next due post, and answers with the whole configuration.

use crate::bank::Difficulty;
use crate::discord::app::App;
use crate::discord::handler::{check_topic, string_opt, user, Ctx, Failure, Reply};
use crate::discord::render::{self, Msg};
use crate::discord::text as t;
use crate::quiz;
use serenity::all::{ResolvedOption, ResolvedValue};
use tracing::{info, warn};

pub(in crate::discord) async fn command(
    app: &App,
    ctx: &Ctx,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let guild = ctx.admin()?;
    if let Some(ResolvedOption {
        value: ResolvedValue::SubCommandGroup(group),
        ..
    }) = opts.first()
    {
        return super::track::command(app, guild, group).await;
    }
    let Some(ResolvedOption {
        name,
        value: ResolvedValue::SubCommand(sub),
        ..
    }) = opts.first()
    else {
        return Err(user(t::UNKNOWN_COMMAND));
    };
    // Tracks: the track named by the `track` option, else the first.
    let mut s = match super::track::named(app, guild, sub).await? {
        Some(t) => t,
        None => app.store().settings(guild).await?,
    };
    let done = match *name {
        "show" => {
            let status = status(app, &s).await?;
            let next = crate::quiz::schedule::next_due(&s, app.now()).map(|t| t.timestamp());
            return Ok(Reply::Message(Msg {
                content: Some(format!("Track `{}`", s.track_name)),
                ..Msg::embed(render::config(&s, status.as_deref(), next))
            }));
        }
        "days" => {
            let input = string_opt(sub, "days").unwrap_or("daily");
            s.days =
                crate::quiz::Days::parse(input).ok_or_else(|| user("Choose daily or weekdays."))?;
            format!(
                "Questions are posted {}.",
                if s.days == crate::quiz::Days::Daily {
                    "every day"
                } else {
                    "Monday to Friday"
                }
            )
        }
        "length" => {
            // A whole number of hours only: anything else (a fraction, a missing value) is
            // refused rather than read as "until the next post".
            let hours = sub.iter().find(|o| o.name == "hours").map(|o| &o.value);
            s.round_minutes = match hours {
                Some(ResolvedValue::Integer(0)) => None,
                Some(ResolvedValue::Integer(h)) if (1..=168).contains(h) => Some(*h as u32 * 60),
                other => {
                    warn!(guild = %guild, hours = ?other, "a round length that is not 0 to 168 whole hours");
                    return Err(user(t::BAD_LENGTH));
                }
            };
            match s.round_minutes {
                Some(m) => format!("Rounds stay open {} hours.", m / 60),
                None => "Rounds stay open until the next post.".to_string(),
            }
        }
        "channel" => {
            let channel = sub.iter().find_map(|o| match &o.value {
                ResolvedValue::Channel(c) => Some(c.id.get()),
                ResolvedValue::Unresolved(serenity::all::Unresolved::Channel(id)) => Some(id.get()),
                _ => None,
            });
            let channel = channel.ok_or_else(|| user("Pick a channel."))?;
            s.channel = Some(quiz::ChannelId(channel));
            format!("The daily question will be posted in <#{channel}>.")
        }
        "time" => {
            let input = string_opt(sub, "time").unwrap_or_default();
            s.post_time = parse_time(input).ok_or_else(|| user(t::bad_time(input)))?;
            format!(
                "The daily question will be posted at {} ({}).",
                s.post_time.format("%H:%M"),
                s.timezone.name()
            )
        }
        "timezone" => {
            let input = string_opt(sub, "timezone").unwrap_or_default();
            s.timezone = input
                .trim()
                .parse()
                .map_err(|_| user(t::bad_timezone(input)))?;
            format!("Times are now in {}.", s.timezone.name())
        }
        "topics" => {
            let input = string_opt(sub, "topics").unwrap_or_default();
            s.topics = parse_topics(app, input)?;
            if s.topics.is_empty() {
                "Daily questions come from every topic.".to_string()
            } else {
                format!("Daily questions come from: {}.", s.topics.join(", "))
            }
        }
        "difficulty" => {
            let input = string_opt(sub, "difficulty").unwrap_or("any");
            s.difficulty = if input == "any" {
                None
            } else {
                Some(
                    Difficulty::parse(input)
                        .ok_or_else(|| user("Choose easy, medium, hard or any."))?,
                )
            };
            format!(
                "Daily questions are {}.",
                s.difficulty
                    .map_or("of any difficulty".to_string(), |d| d.to_string())
            )
        }
        "role" => {
            let role = sub.iter().find_map(|o| match &o.value {
                ResolvedValue::Role(r) => Some(r.id.get()),
                ResolvedValue::Unresolved(serenity::all::Unresolved::RoleId(id)) => Some(id.get()),
                _ => None,
            });
            s.role = role.map(quiz::RoleId);
            match role {
                Some(r) => format!("<@&{r}> will be pinged with each question."),
                None => "No role will be pinged.".to_string(),
            }
        }
        "enable" => {
            s.enabled = true;
            "The daily question is on.".to_string()
        }
        "disable" => {
            s.enabled = false;
            "The daily question is off. Scores and streaks are kept.".to_string()
        }
        _ => return Err(user(t::UNKNOWN_COMMAND)),
    };
    let next = crate::quiz::schedule::next_due(&s, app.now());
    app.store().save_settings(s.clone(), next).await?;
    if *name == "timezone" {
        super::track::rezone(app, &s).await?;
    }
    info!(guild = %guild, track = %s.track, setting = *name, "settings changed");
    let status = status(app, &s).await?;
    let embed = render::config(&s, status.as_deref(), next.map(|t| t.timestamp()));
    Ok(Reply::Message(Msg {
        content: Some(done + &super::track::which(app, &s).await?),
        embeds: vec![embed],
        components: vec![],
        ephemeral: true,
    }))
}

/// What `/config show` reports for a track: the first track's posting status with any thread
/// problem (as before tracks), another track's own posting status.
async fn status(app: &App, s: &quiz::GuildSettings) -> Result<Option<String>, Failure> {
    let first = app.store().settings(s.guild).await?.track;
    Ok(if s.track == first {
        crate::discord::threads::status(app, s.guild).await?
    } else {
        app.store().track_status(s.guild, s.track).await?
    })
}

/// `HH:MM` in 24-hour time (also `H:MM`).
pub fn parse_time(input: &str) -> Option<chrono::NaiveTime> {
    let (h, m) = input.trim().split_once(':')?;
    let valid = |s: &str, max: u32| {
        (1..=2).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|v| v <= max)
    };
    if !valid(h, 23) || m.len() != 2 || !valid(m, 59) {
        return None;
    }
    chrono::NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

fn parse_topics(app: &App, input: &str) -> Result<Vec<String>, Failure> {
    let input = input.trim();
    if input.eq_ignore_ascii_case("all") || input.is_empty() {
        return Ok(vec![]);
    }
    let mut out: Vec<String> = Vec::new();
    for t in input
        .split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let t = check_topic(app, &t.to_lowercase())?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn times_are_24_hour_hh_mm() {
        assert_eq!(parse_time("09:00").unwrap().to_string(), "09:00:00");
        assert_eq!(parse_time("9:05").unwrap().to_string(), "09:05:00");
        assert_eq!(parse_time("23:59").unwrap().to_string(), "23:59:00");
        for bad in [
            "25:99", "24:00", "12:60", "12", "12:5", "-1:00", "ab:cd", "12:00pm", "",
        ] {
            assert!(parse_time(bad).is_none(), "{bad}");
        }
    }
}
