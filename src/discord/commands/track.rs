//! Tracks on Discord: `/config track add|remove|list` (Manage Server), the optional `track`
//! option that `/config`'s other subcommands, `/daily` and `/round` take (autocompleted with the
//! server's track names), and which track or open round a command means when it names none.
//! The rules (names, at most five) are the domain's (`quiz::track`); the store applies them.

use crate::discord::app::App;
use crate::discord::handler::{string_opt, user, Failure, Reply};
use crate::discord::render::Msg;
use crate::discord::text::limits;
use crate::quiz::schedule::next_due;
use crate::quiz::track::{self, TrackError};
use crate::quiz::{ChannelId, GuildId, GuildSettings, Round, TrackId};
use serenity::all::{
    AutocompleteChoice, ChannelType, CommandOptionType, CreateCommandOption, CreateEmbed,
    ResolvedOption, ResolvedValue,
};
use tracing::info;

const TRACK: &str = "Which track (default: the first)";
const GROUP: &str =
    "This server's daily tracks: several drills, each with its own channel and time";
const ADD: &str = "Add a track (at most 5): its own channel, time, topics and streaks";
const REMOVE: &str = "Stop a track's posts (its answers and points are kept)";
const LIST: &str = "List this server's tracks";

/// The optional `track` option (autocompleted with the server's tracks).
pub fn option() -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, "track", TRACK)
        .min_length(1)
        .max_length(track::NAME_MAX as u16)
        .set_autocomplete(true)
}

/// `/config track add|remove|list`.
pub fn group() -> CreateCommandOption {
    let name = || {
        CreateCommandOption::new(
            CommandOptionType::String,
            "name",
            "The track's name, e.g. backend",
        )
        .min_length(1)
        .max_length(track::NAME_MAX as u16)
        .required(true)
    };
    let sub = |n: &str, d: &str| CreateCommandOption::new(CommandOptionType::SubCommand, n, d);
    CreateCommandOption::new(CommandOptionType::SubCommandGroup, "track", GROUP)
        .add_sub_option(
            sub("add", ADD)
                .add_sub_option(name())
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Channel,
                        "channel",
                        "Where its question is posted",
                    )
                    .channel_types(vec![ChannelType::Text, ChannelType::News])
                    .required(true),
                )
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        "time",
                        "HH:MM, 24-hour, in the server's time zone (default: the first track's)",
                    )
                    .min_length(4)
                    .max_length(5),
                ),
        )
        .add_sub_option(sub("remove", REMOVE).add_sub_option(name().set_autocomplete(true)))
        .add_sub_option(sub("list", LIST))
}

fn refused(e: TrackError) -> Failure {
    user(e.to_string())
}

/// The live track a command's `track` option names; `None` when it names none.
pub(in crate::discord) async fn named(
    app: &App,
    guild: GuildId,
    opts: &[ResolvedOption<'_>],
) -> Result<Option<GuildSettings>, Failure> {
    let Some(input) = string_opt(opts, "track") else {
        return Ok(None);
    };
    let name = track::parse_name(input).map_err(|_| refused(TrackError::NotFound(clip(input))))?;
    live(app, guild)
        .await?
        .into_iter()
        .find(|t| t.track_name == name)
        .map(Some)
        .ok_or_else(|| refused(TrackError::NotFound(name)))
}

/// The guild's live tracks; a guild never configured has its first track by default.
async fn live(app: &App, guild: GuildId) -> Result<Vec<GuildSettings>, Failure> {
    let tracks = app.store().tracks(guild).await?;
    Ok(if tracks.is_empty() {
        vec![app.store().settings(guild).await?]
    } else {
        tracks
    })
}

/// The track a subcommand's `track` option names (`None`: the command's default).
pub(in crate::discord) async fn of_sub(
    app: &App,
    guild: GuildId,
    value: &ResolvedValue<'_>,
) -> Result<Option<TrackId>, Failure> {
    match value {
        ResolvedValue::SubCommand(opts) => Ok(named(app, guild, opts).await?.map(|t| t.track)),
        _ => Ok(None),
    }
}

fn clip(input: &str) -> String {
    input.chars().take(track::NAME_MAX).collect()
}

/// Which round `/daily` shows: the named track's; else the only open round; else the first
/// track's (none open). Several open and none named: a friendly list to choose from.
pub(in crate::discord) async fn daily_round(
    app: &App,
    guild: GuildId,
    opts: &[ResolvedOption<'_>],
) -> Result<(Option<Round>, GuildSettings), Failure> {
    if let Some(t) = named(app, guild, opts).await? {
        let open = app.store().open_round_in(guild, t.track).await?;
        return Ok((open, t));
    }
    let mut open = app.store().open_rounds(guild).await?;
    match open.len() {
        0 => Ok((None, app.store().settings(guild).await?)),
        1 => {
            let round = open.remove(0);
            let settings = app.store().settings_of(guild, Some(round.track)).await?;
            Ok((Some(round), settings))
        }
        _ => {
            let mut names = Vec::new();
            for r in &open {
                let name = app
                    .store()
                    .track(guild, r.track)
                    .await?
                    .map_or(format!("track {}", r.track), |t| t.track_name);
                let channel = r.channel.map(|c| format!(" in <#{c}>")).unwrap_or_default();
                names.push(format!("• `/daily track:{name}`{channel}"));
            }
            Err(user(format!(
                "{} rounds are open today. Which one?\n{}",
                open.len(),
                names.join("\n")
            )))
        }
    }
}

/// The server's track names that contain what is typed, for autocomplete.
pub(in crate::discord) async fn choices(
    app: &App,
    guild: Option<GuildId>,
    typed: &str,
) -> Vec<AutocompleteChoice> {
    let Some(guild) = guild else {
        return vec![];
    };
    match app.store().tracks(guild).await {
        Ok(tracks) => tracks
            .iter()
            .filter(|t| t.track_name.contains(typed))
            .filter_map(|t| limits::choice(&t.track_name, t.track_name.clone()))
            .take(25)
            .collect(),
        Err(e) => {
            tracing::warn!(guild = %guild, error = %e, "no track names for autocomplete");
            vec![]
        }
    }
}

/// A suffix naming the track, for a server that runs more than one.
pub(in crate::discord) async fn which(app: &App, s: &GuildSettings) -> Result<String, Failure> {
    let several = app.store().tracks(s.guild).await?.len() > 1;
    Ok(if several {
        format!(" (track `{}`)", s.track_name)
    } else {
        String::new()
    })
}

/// After the server's time zone changed (saved with `s`, one of its tracks): every other track's
/// next post is worked out again in the new zone.
pub(in crate::discord) async fn rezone(app: &App, s: &GuildSettings) -> Result<(), Failure> {
    for mut t in app.store().tracks(s.guild).await? {
        if t.track != s.track {
            t.timezone = s.timezone;
            let next = next_due(&t, app.now());
            app.store().reschedule_any(s.guild, t.track, next).await?;
        }
    }
    Ok(())
}

/// `/config track ...`.
pub(in crate::discord) async fn command(
    app: &App,
    guild: GuildId,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let Some(ResolvedOption {
        name,
        value: ResolvedValue::SubCommand(sub),
        ..
    }) = opts.first()
    else {
        return Err(user(crate::discord::text::UNKNOWN_COMMAND));
    };
    let text = match *name {
        "add" => add(app, guild, sub).await?,
        "remove" => {
            let input = string_opt(sub, "name").unwrap_or_default();
            let name = track::parse_name(input).map_err(refused)?;
            let removed = app
                .store()
                .remove_track(guild, name, app.now())
                .await?
                .map_err(refused)?;
            info!(guild = %guild, track = %removed.track, "track removed");
            format!(
                "Track `{}` is removed: it posts nothing more. Its answers, points and streaks are kept.",
                removed.track_name
            )
        }
        "list" => return Ok(Reply::Message(Msg::embed(list(app, guild).await?))),
        _ => return Err(user(crate::discord::text::UNKNOWN_COMMAND)),
    };
    Ok(Reply::Message(Msg {
        content: Some(text),
        embeds: vec![list(app, guild).await?],
        components: vec![],
        ephemeral: true,
    }))
}

async fn add(app: &App, guild: GuildId, sub: &[ResolvedOption<'_>]) -> Result<String, Failure> {
    let name = track::parse_name(string_opt(sub, "name").unwrap_or_default()).map_err(refused)?;
    let channel = sub
        .iter()
        .find_map(|o| match &o.value {
            ResolvedValue::Channel(c) => Some(c.id.get()),
            ResolvedValue::Unresolved(serenity::all::Unresolved::Channel(id)) => Some(id.get()),
            _ => None,
        })
        .ok_or_else(|| user("Pick a channel."))?;
    // A new track starts from the first track's settings (topics, days, ...), in its own channel.
    let mut s = app.store().settings(guild).await?;
    if let Some(input) = string_opt(sub, "time") {
        s.post_time = super::config::parse_time(input)
            .ok_or_else(|| user(crate::discord::text::bad_time(input)))?;
    }
    s.track_name = name;
    s.channel = Some(ChannelId(channel));
    s.role = None;
    s.enabled = true;
    let now = app.now();
    let added = app
        .store()
        .add_track(s, move |s| next_due(s, now))
        .await?
        .map_err(refused)?;
    info!(guild = %guild, track = %added.track, "track added");
    Ok(format!(
        "Track `{}` posts in <#{channel}> at {} ({}). Change it with `/config` and `track:{}`.",
        added.track_name,
        added.post_time.format("%H:%M"),
        added.timezone.name(),
        added.track_name
    ))
}

/// The card `/config track list` shows: each live track's channel, time, days and next post.
async fn list(app: &App, guild: GuildId) -> Result<CreateEmbed, Failure> {
    let tracks = live(app, guild).await?;
    let mut e = CreateEmbed::new().title("Daily tracks").colour(0x6b7280);
    for t in &tracks {
        let next = next_due(t, app.now()).map_or("none scheduled".to_string(), |at| {
            format!("<t:{}:R>", at.timestamp())
        });
        let channel = t
            .channel
            .map_or("no channel".to_string(), |c| format!("<#{c}>"));
        e = e.field(
            t.track_name.clone(),
            format!(
                "{channel} at {} ({}), {}{}; next post {next}",
                t.post_time.format("%H:%M"),
                t.timezone.name(),
                t.days.as_str(),
                if t.enabled { "" } else { ", off" },
            ),
            false,
        );
    }
    Ok(e.footer(serenity::all::CreateEmbedFooter::new(format!(
        "{} of {} tracks",
        tracks.len(),
        track::MAX_TRACKS
    ))))
}
