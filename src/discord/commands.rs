//! The slash commands, defined in one place; `register` sends exactly this list. A family that
//! grows has its own file under `commands/`, with its handling.
//!
//! Every string option has a `max_length`, so Discord itself refuses an oversized value before
//! it reaches the bot (the handler still clips whatever it quotes back: a forged request to the
//! HTTP endpoint skips Discord's checks).

pub mod admin;
pub mod ask;
pub mod board;
pub mod charts;
pub mod config;
pub mod export;
pub mod follow_up;
pub mod grades;
pub mod learning;
pub mod past;
pub mod review;
pub mod roles;
pub mod share;
pub mod suggest;
mod suggestions;
pub mod track;

use super::text as t;
use serenity::all::{
    ChannelType, CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext,
    Permissions,
};

/// The longest topic id an option takes: the longest value an autocomplete choice can carry.
pub const TOPIC_MAX: u16 = super::text::limits::CHOICE as u16;
/// The longest time zone (IANA names reach 32 characters).
pub const TIMEZONE_MAX: u16 = 64;
/// The longest comma-separated list of topics.
pub const TOPICS_MAX: u16 = 200;

/// A string option of `min..=max` characters.
fn string(name: &str, description: &str, min: u16, max: u16) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, name, description)
        .min_length(min)
        .max_length(max)
}

fn difficulty_option(description: &str) -> CreateCommandOption {
    // "medium" is the longest choice.
    string("difficulty", description, 1, 6)
        .add_string_choice("easy", "easy")
        .add_string_choice("medium", "medium")
        .add_string_choice("hard", "hard")
}

fn topic_option(description: &str) -> CreateCommandOption {
    string("topic", description, 1, TOPIC_MAX).set_autocomplete(true)
}

fn sub(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
}

/// Admin commands are hidden from members who lack Manage Server (the handler checks again).
fn admin(cmd: CreateCommand) -> CreateCommand {
    cmd.default_member_permissions(Permissions::MANAGE_GUILD)
}

pub fn all() -> Vec<CreateCommand> {
    let guild_only = |c: CreateCommand| c.contexts(vec![InteractionContext::Guild]);
    vec![
        guild_only(
            CreateCommand::new("daily")
                .description(t::DAILY)
                .add_option(track::option()),
        ),
        CreateCommand::new("quiz")
            .description(t::QUIZ)
            .add_option(topic_option(t::QUIZ_TOPIC))
            .add_option(difficulty_option(t::QUIZ_DIFFICULTY)),
        review::definition(),
        past::definition(),
        ask::definition(),
        guild_only(
            CreateCommand::new("leaderboard")
                .description(t::LEADERBOARD)
                .add_option(
                    string("period", t::LEADERBOARD_PERIOD, 1, 12)
                        .add_string_choice("all time", "all")
                        .add_string_choice("this month", "month")
                        .add_string_choice("this week", "week")
                        .add_string_choice("this season", "season")
                        .add_string_choice("hall of fame (past champions)", "hall-of-fame"),
                )
                .add_option(topic_option(t::LEADERBOARD_TOPIC))
                .add_option(track::option()),
        ),
        guild_only(
            CreateCommand::new("stats")
                .description(t::STATS)
                .add_option(CreateCommandOption::new(
                    CommandOptionType::User,
                    "member",
                    t::STATS_MEMBER,
                )),
        ),
        guild_only(admin(
            CreateCommand::new("config")
                .description(t::CONFIG)
                .add_option(sub("show", t::CONFIG_SHOW).add_sub_option(track::option()))
                .add_option(
                    sub("channel", t::CONFIG_CHANNEL)
                        .add_sub_option(
                            CreateCommandOption::new(
                                CommandOptionType::Channel,
                                "channel",
                                t::CONFIG_CHANNEL,
                            )
                            .channel_types(vec![ChannelType::Text, ChannelType::News])
                            .required(true),
                        )
                        .add_sub_option(track::option()),
                )
                .add_option(
                    sub("time", t::CONFIG_TIME)
                        .add_sub_option(string("time", t::CONFIG_TIME, 4, 5).required(true))
                        .add_sub_option(track::option()),
                )
                .add_option(
                    sub("timezone", t::CONFIG_TIMEZONE).add_sub_option(
                        string("timezone", t::CONFIG_TIMEZONE, 1, TIMEZONE_MAX)
                            .set_autocomplete(true)
                            .required(true),
                    ),
                )
                .add_option(
                    sub("topics", t::CONFIG_TOPICS)
                        .add_sub_option(
                            string("topics", t::CONFIG_TOPICS, 1, TOPICS_MAX)
                                .set_autocomplete(true)
                                .required(true),
                        )
                        .add_sub_option(track::option()),
                )
                .add_option(
                    sub("difficulty", t::CONFIG_DIFFICULTY)
                        .add_sub_option(
                            difficulty_option(t::CONFIG_DIFFICULTY)
                                .add_string_choice("any", "any")
                                .required(true),
                        )
                        .add_sub_option(track::option()),
                )
                .add_option(
                    sub("role", t::CONFIG_ROLE)
                        .add_sub_option(CreateCommandOption::new(
                            CommandOptionType::Role,
                            "role",
                            t::CONFIG_ROLE,
                        ))
                        .add_sub_option(track::option()),
                )
                .add_option(
                    sub("days", t::CONFIG_DAYS)
                        .add_sub_option(
                            string("days", t::CONFIG_DAYS, 1, 8)
                                .add_string_choice("every day", "daily")
                                .add_string_choice("weekdays (Monday to Friday)", "weekdays")
                                .required(true),
                        )
                        .add_sub_option(track::option()),
                )
                .add_option(
                    sub("length", t::CONFIG_LENGTH)
                        .add_sub_option(
                            CreateCommandOption::new(
                                CommandOptionType::Integer,
                                "hours",
                                t::CONFIG_LENGTH_HOURS,
                            )
                            .min_int_value(0)
                            .max_int_value(168)
                            .required(true),
                        )
                        .add_sub_option(track::option()),
                )
                .add_option(
                    sub("season", t::season::CONFIG_SEASON).add_sub_option(
                        string("length", t::season::CONFIG_SEASON_LENGTH, 4, 9)
                            .add_string_choice("monthly", "monthly")
                            .add_string_choice("quarterly", "quarterly")
                            .add_string_choice("none", "none")
                            .required(true),
                    ),
                )
                .add_option(roles::group())
                .add_option(sub("enable", t::CONFIG_ENABLE).add_sub_option(track::option()))
                .add_option(sub("disable", t::CONFIG_DISABLE).add_sub_option(track::option()))
                .add_option(track::group()),
        )),
        guild_only(admin(
            CreateCommand::new("round")
                .description(t::ROUND)
                .add_option(sub("post-now", t::ROUND_POST_NOW).add_sub_option(track::option()))
                .add_option(sub("skip", t::ROUND_SKIP).add_sub_option(track::option()))
                .add_option(sub("reveal", t::ROUND_REVEAL).add_sub_option(track::option())),
        )),
        grades::definition(),
        admin::definition(),
        export::definition(),
    ]
    .into_iter()
    .chain(suggest::definitions())
    .chain([CreateCommand::new("help").description(t::HELP)])
    .collect()
}
