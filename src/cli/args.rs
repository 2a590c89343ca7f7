//! The command line as clap reads it: the global options, the subcommands and their
//! arguments, with the help text of each from its doc comment. What they do is in `mod.rs`
//! (`run`) and the files it calls.

use super::LogFormat;
use super::{db_export, grade, import, play};
use crate::discord::shards::ShardRange;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// A Discord bot that posts a daily interview question, grades answers and keeps scores.
#[derive(Parser, Debug)]
#[command(name = "interview-bot", version)]
pub struct Cli {
    /// The question bank folder [default: ./questions, else the bank built into the binary].
    /// Give it several times, or a colon-separated list, to load packs together; `builtin`
    /// names the bank built into the binary.
    #[arg(
        long,
        global = true,
        env = "INTERVIEW_BOT_QUESTIONS",
        value_name = "DIR",
        action = clap::ArgAction::Append
    )]
    pub questions: Vec<PathBuf>,

    /// The database: a SQLite file, or a PostgreSQL URL (`postgres://user:password@host/db`) that
    /// several replicas share; `?connection_limit=N` sets this process's connections (8).
    #[arg(
        long,
        global = true,
        env = "INTERVIEW_BOT_DB",
        value_name = "PATH|URL",
        default_value = "interview-bot.db"
    )]
    pub db: PathBuf,

    /// How the bot writes its logs (on standard error): `text` for people, `json` for log
    /// systems (one object a line, with the interaction, guild, round and member ids as fields).
    #[arg(
        long,
        global = true,
        env = "INTERVIEW_BOT_LOG_FORMAT",
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check, list and show the questions of a bank.
    #[command(subcommand)]
    Questions(QuestionsCommand),
    /// Grade one answer, or a batch of answers from a JSONL file.
    Grade(grade::GradeArgs),
    /// The quiz in a terminal: questions, your answers from standard input, grades and feedback.
    Play(play::PlayArgs),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
    /// Grades set by moderators on appeal.
    #[command(subcommand)]
    Grades(GradesCommand),
    /// Run the bot over the gateway (a classic bot connection; GUILDS intent only).
    Run {
        /// Install the commands in this guild on connect (instant, for development) instead of
        /// globally.
        #[arg(long, value_name = "GUILD_ID")]
        guild: Option<u64>,
        /// Do not install the commands on connect.
        #[arg(long, conflicts_with = "guild")]
        no_register: bool,
        /// Serve Prometheus metrics at http://ADDR/metrics, and the health checks /healthz and
        /// /readyz there (the gateway mode has no other HTTP listener; `serve` has them on its
        /// own).
        #[arg(long, env = "INTERVIEW_BOT_METRICS", value_name = "ADDR")]
        metrics: Option<std::net::SocketAddr>,
        /// The total number of gateway shards of the bot, over every process. Without it, one
        /// shard; alone, this process runs all N. Discord refuses an unsharded connection from
        /// 2,500 guilds on, and recommends a count (about 1,000 guilds a shard).
        #[arg(
            long,
            env = "INTERVIEW_BOT_SHARDS",
            value_name = "N",
            value_parser = clap::value_parser!(u32).range(1..)
        )]
        shards: Option<u32>,
        /// The shards this process runs, inclusive at both ends (as serenity reads a range):
        /// with --shards 4, `0..1` is shards 0 and 1, `2..3` the other two, `3..3` shard 3
        /// alone. Needs --shards. The process running shard 0 installs the commands.
        #[arg(
            long,
            env = "INTERVIEW_BOT_SHARD_RANGE",
            value_name = "FIRST..LAST",
            requires = "shards"
        )]
        shard_range: Option<ShardRange>,
        #[command(flatten)]
        shutdown: Shutdown,
    },
    /// Serve Discord's HTTP interactions endpoint at /interactions (set it as the application's
    /// Interactions Endpoint URL, behind your reverse proxy).
    Serve {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        listen: std::net::SocketAddr,
        /// At most this many open connections; at the cap the oldest idle one is closed.
        #[arg(long, default_value_t = 4096, value_name = "N")]
        max_connections: usize,
        /// Seconds a connection may take to send a request's headers, and may stay idle between
        /// requests, before it is closed.
        #[arg(long, default_value_t = 10, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
        header_timeout: u64,
        /// Accept signed requests whatever their timestamp. By default a request signed more
        /// than 5 minutes from this server's clock is refused (401), so a captured request cannot
        /// be replayed later; turn that off only if this clock cannot be kept right.
        /// The variable takes 1, true, yes or on (0, false, no, off or empty leave the check on).
        #[arg(
            long,
            env = "INTERVIEW_BOT_NO_TIMESTAMP_CHECK",
            value_parser = clap::builder::FalseyValueParser::new()
        )]
        no_timestamp_check: bool,
        #[command(flatten)]
        shutdown: Shutdown,
        /// Tests only: how often the daily clock looks for due work, in milliseconds (15 s by
        /// default), so that tests of several replicas' clocks run in seconds.
        #[arg(long, hide = true, value_name = "MS", value_parser = clap::value_parser!(u64).range(10..))]
        clock_poll_ms: Option<u64>,
    },
    /// Install the slash commands (a bulk overwrite): in one guild for development, else globally.
    Register {
        #[arg(long, value_name = "GUILD_ID")]
        guild: Option<u64>,
    },
    /// Print the application commands as JSON, exactly as `register` sends them.
    Commands,
    /// Print the shell completion script (e.g. `interview-bot completions bash >
    /// /etc/bash_completion.d/interview-bot`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Copy the database to PATH while the bot keeps running (SQLite's online backup).
    Backup {
        /// Where to write the copy.
        path: PathBuf,
    },
    /// Write a server's daily answers, members' totals and audit log into DIR (answers,
    /// members and audit-log, as .csv or .json): what `/export` attaches in Discord.
    Export {
        /// The server (guild) id.
        #[arg(long, value_name = "ID")]
        guild: u64,
        /// The files' format.
        #[arg(long, value_enum, default_value = "csv")]
        format: db_export::FormatArg,
        /// A new (or empty) folder to write into.
        dir: PathBuf,
    },
    /// Copy the --db SQLite file into an empty PostgreSQL database (every table, in one
    /// transaction), verify row counts and a checksum of scores, and print them. Stop the bot
    /// first: rows it writes after the copy starts are not copied. A database that already holds
    /// data is refused; on any failure or mismatch nothing is kept.
    MigrateTo {
        /// The PostgreSQL database: postgres://user:password@host/database.
        #[arg(value_name = "URL")]
        url: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum GradesCommand {
    /// Write every answer whose grade a moderator set to FILE.jsonl, one line each:
    /// {"question", "answer", "label", "style": "appeal", "seed"} (the labelled-data format).
    Export {
        /// Where to write the lines (replaced if it exists).
        #[arg(value_name = "FILE.jsonl")]
        file: PathBuf,
        /// Only answers written in the member's own words (free-text and short questions): the
        /// file is then ready to go into a bank folder as precedents, which teach the grader.
        /// Option answers are graded exactly; a key a moderator overrode means the question
        /// needs fixing.
        #[arg(long)]
        written_only: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum QuestionsCommand {
    /// Validate a bank: print a summary and exit 0, or list every error and exit 1.
    Check {
        /// The folders to check, loaded together [default: --questions, ./questions, or the
        /// built-in bank].
        dirs: Vec<PathBuf>,
    },
    /// List the questions, one a line, or as JSON.
    List(ListArgs),
    /// Convert a Red-DiscordBot trivia list (YAML) or a CSV file into `short` questions in a
    /// topic file written into DIR; what cannot be converted is listed with its line.
    Import(import::ImportArgs),
    /// Write a server's approved suggestions into DIR as a bank folder (the bank's TOML format,
    /// passing `questions check`), to contribute them upstream.
    Export {
        /// The server (guild) id.
        #[arg(long, value_name = "ID")]
        guild: u64,
        /// A new (or empty) folder to write into.
        dir: PathBuf,
    },
    /// Show one question in full: prompt, options, answer, explanation, rubric.
    Show {
        /// The question id.
        id: String,
        /// The seed of the round: it orders the options and makes generated questions.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// How `run` and `serve` stop.
#[derive(Args, Debug, Clone, Copy)]
pub struct Shutdown {
    /// On SIGTERM or SIGINT, at most this many seconds to finish the work in flight before the
    /// bot stops anyway.
    #[arg(
        long = "shutdown-timeout",
        env = "INTERVIEW_BOT_SHUTDOWN_TIMEOUT",
        default_value_t = 10,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(0..=3600)
    )]
    pub seconds: u64,
}

impl Shutdown {
    pub fn timeout(self) -> std::time::Duration {
        std::time::Duration::from_secs(self.seconds)
    }
}
