//! The slash commands, defined in one place; `register` sends exactly this list. A family that
//! grows has its own file under `commands/`, with its handling.

pub mod grades;

use super::text as t;
use serenity::all::{
    ChannelType, CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext,
    Permissions,
};

fn difficulty_option(description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, "difficulty", description)
        .add_string_choice("easy", "easy")
        .add_string_choice("medium", "medium")
        .add_string_choice("hard", "hard")
}

fn topic_option(description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, "topic", description).set_autocomplete(true)
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
        guild_only(CreateCommand::new("daily").description(t::DAILY)),
        CreateCommand::new("quiz")
            .description(t::QUIZ)
            .add_option(topic_option(t::QUIZ_TOPIC))
            .add_option(difficulty_option(t::QUIZ_DIFFICULTY)),
        guild_only(
            CreateCommand::new("leaderboard")
                .description(t::LEADERBOARD)
                .add_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        "period",
                        t::LEADERBOARD_PERIOD,
                    )
                    .add_string_choice("all time", "all")
                    .add_string_choice("this month", "month")
                    .add_string_choice("this week", "week"),
                )
                .add_option(topic_option(t::LEADERBOARD_TOPIC)),
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
                .add_option(sub("show", t::CONFIG_SHOW))
                .add_option(
                    sub("channel", t::CONFIG_CHANNEL).add_sub_option(
                        CreateCommandOption::new(
                            CommandOptionType::Channel,
                            "channel",
                            t::CONFIG_CHANNEL,
                        )
                        .channel_types(vec![ChannelType::Text, ChannelType::News])
                        .required(true),
                    ),
                )
                .add_option(
                    sub("time", t::CONFIG_TIME).add_sub_option(
                        CreateCommandOption::new(CommandOptionType::String, "time", t::CONFIG_TIME)
                            .min_length(4)
                            .max_length(5)
                            .required(true),
                    ),
                )
                .add_option(
                    sub("timezone", t::CONFIG_TIMEZONE).add_sub_option(
                        CreateCommandOption::new(
                            CommandOptionType::String,
                            "timezone",
                            t::CONFIG_TIMEZONE,
                        )
                        .set_autocomplete(true)
                        .max_length(64)
                        .required(true),
                    ),
                )
                .add_option(
                    sub("topics", t::CONFIG_TOPICS).add_sub_option(
                        CreateCommandOption::new(
                            CommandOptionType::String,
                            "topics",
                            t::CONFIG_TOPICS,
                        )
                        .set_autocomplete(true)
                        .max_length(200)
                        .required(true),
                    ),
                )
                .add_option(
                    sub("difficulty", t::CONFIG_DIFFICULTY).add_sub_option(
                        difficulty_option(t::CONFIG_DIFFICULTY)
                            .add_string_choice("any", "any")
                            .required(true),
                    ),
                )
                .add_option(
                    sub("role", t::CONFIG_ROLE).add_sub_option(CreateCommandOption::new(
                        CommandOptionType::Role,
                        "role",
                        t::CONFIG_ROLE,
                    )),
                )
                .add_option(
                    sub("days", t::CONFIG_DAYS).add_sub_option(
                        CreateCommandOption::new(CommandOptionType::String, "days", t::CONFIG_DAYS)
                            .add_string_choice("every day", "daily")
                            .add_string_choice("weekdays (Monday to Friday)", "weekdays")
                            .required(true),
                    ),
                )
                .add_option(
                    sub("length", t::CONFIG_LENGTH).add_sub_option(
                        CreateCommandOption::new(
                            CommandOptionType::Integer,
                            "hours",
                            t::CONFIG_LENGTH_HOURS,
                        )
                        .min_int_value(0)
                        .max_int_value(168)
                        .required(true),
                    ),
                )
                .add_option(sub("enable", t::CONFIG_ENABLE))
                .add_option(sub("disable", t::CONFIG_DISABLE)),
        )),
        guild_only(admin(
            CreateCommand::new("round")
                .description(t::ROUND)
                .add_option(sub("post-now", t::ROUND_POST_NOW))
                .add_option(sub("skip", t::ROUND_SKIP))
                .add_option(sub("reveal", t::ROUND_REVEAL)),
        )),
        grades::definition(),
        CreateCommand::new("help").description(t::HELP),
    ]
}
