//! The command line: subcommands over the library.

mod completions;
mod db_export;
mod db_migrate;
mod export;
mod grade;
mod grades;
mod import;
mod play;
pub mod progress;
mod questions;
mod service;

pub use service::{init_logging, LogFormat};

use crate::bank::{Bank, BankSource, Question};
use crate::discord::gateway::Scope;
use crate::discord::shards::{ShardRange, Shards};
use crate::grade::Grader;
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// several replicas share.
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
        /// On SIGTERM or SIGINT, at most this many seconds to finish the work in flight before
        /// the bot stops anyway.
        #[arg(
            long,
            env = "INTERVIEW_BOT_SHUTDOWN_TIMEOUT",
            default_value_t = 10,
            value_name = "SECONDS",
            value_parser = clap::value_parser!(u64).range(0..=3600)
        )]
        shutdown_timeout: u64,
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
        /// On SIGTERM or SIGINT, at most this many seconds to finish the work in flight before
        /// the bot stops anyway.
        #[arg(
            long,
            env = "INTERVIEW_BOT_SHUTDOWN_TIMEOUT",
            default_value_t = 10,
            value_name = "SECONDS",
            value_parser = clap::value_parser!(u64).range(0..=3600)
        )]
        shutdown_timeout: u64,
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

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Run {
        shards,
        shard_range,
        ..
    } = &cli.command
    {
        // A check across two flags, refused as clap refuses one: usage error, exit 2.
        if let Err(msg) = Shards::new(*shards, *shard_range) {
            let mut cli = Cli::command();
            cli.build();
            let run = cli
                .find_subcommand_mut("run")
                .expect("`run` is a subcommand");
            run.error(clap::error::ErrorKind::ArgumentConflict, msg)
                .exit();
        }
    }
    match run(cli) {
        Ok(code) => code,
        // A reader that stops early (`| head`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Never `eprintln!`: it panics when standard error is closed or full.
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Questions(QuestionsCommand::Check { dirs }) => {
            let dirs = if dirs.is_empty() { cli.questions } else { dirs };
            Ok(questions::check(&BankSource::resolve_all(dirs)))
        }
        Command::Questions(QuestionsCommand::Import(args)) => import::run(args),
        Command::Questions(QuestionsCommand::List(args)) => {
            let bank = load_bank(&cli.questions)?;
            questions::list(&bank, args)
        }
        Command::Grade(args) => {
            let (bank, grader) = load(&cli.questions)?;
            grade::run(&bank, &grader, args)
        }
        Command::Play(args) => {
            let (bank, grader) = load(&cli.questions)?;
            play::run(
                &bank,
                &grader,
                args,
                &mut std::io::stdin().lock(),
                &mut std::io::stdout().lock(),
            )
        }
        Command::Completions { shell } => completions::write(shell, &mut std::io::stdout().lock()),
        Command::Commands => {
            let list = crate::discord::commands::all();
            writeln!(
                std::io::stdout(),
                "{}",
                serde_json::to_string_pretty(&list)?
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Register { guild } => {
            init_logging(cli.log_format);
            let config = crate::config::DiscordConfig::from_env(false)?;
            let http = crate::discord::app::rest_client(
                &config.token,
                config.application_id,
                config.proxy.as_deref(),
            );
            let scope = guild.map_or(Scope::Global, Scope::Guild);
            let n = runtime()?.block_on(crate::discord::gateway::register(&http, scope))?;
            match guild {
                Some(g) => println!("registered {n} commands in guild {g}"),
                None => println!(
                    "registered {n} commands globally (they can take up to an hour to appear)"
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            guild,
            no_register,
            metrics,
            shards,
            shard_range,
            shutdown_timeout,
        } => {
            let shards = Shards::new(shards, shard_range).map_err(anyhow::Error::msg)?;
            init_logging(cli.log_format);
            let config = crate::config::DiscordConfig::from_env(false)?;
            let (rt, app) = start_app(&cli.questions, &cli.db, &config)?;
            let http = crate::discord::app::rest_client(
                &config.token,
                config.application_id,
                config.proxy.as_deref(),
            );
            let scope = if no_register {
                None
            } else {
                Some(guild.map_or(Scope::Global, Scope::Guild))
            };
            let timeout = std::time::Duration::from_secs(shutdown_timeout);
            let result = rt.block_on(service::run_service(
                app.clone(),
                CLOCK_POLL,
                timeout,
                move |stop| async move {
                    if let Some(addr) = metrics {
                        let stop = stop.clone().wait();
                        let store = app.store().clone();
                        tokio::spawn(async move {
                            if let Err(e) =
                                crate::discord::metrics_http::serve_until(addr, store, stop).await
                            {
                                tracing::error!(error = %e, "the metrics listener stopped");
                            }
                        });
                    }
                    crate::discord::gateway::run_shards_until(app, http, scope, shards, stop.wait())
                        .await
                },
            ));
            rt.shutdown_timeout(RUNTIME_GRACE);
            result?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            listen,
            max_connections,
            header_timeout,
            no_timestamp_check,
            shutdown_timeout,
            clock_poll_ms,
        } => {
            init_logging(cli.log_format);
            let config = crate::config::DiscordConfig::from_env(true)?;
            let key = config
                .public_key
                .expect("from_env(true) requires the public key");
            let (rt, app) = start_app(&cli.questions, &cli.db, &config)?;
            let verification = crate::discord::endpoint::Verification {
                public_key: key,
                check_timestamp: !no_timestamp_check,
            };
            let limits = crate::discord::listener::Limits {
                max_connections: max_connections.max(1),
                header_timeout: std::time::Duration::from_secs(header_timeout),
            };
            let timeout = std::time::Duration::from_secs(shutdown_timeout);
            let poll = clock_poll_ms.map_or(CLOCK_POLL, std::time::Duration::from_millis);
            let result = rt.block_on(service::run_service(
                app.clone(),
                poll,
                timeout,
                move |stop| {
                    crate::discord::endpoint::serve_until(
                        app,
                        verification,
                        listen,
                        limits,
                        stop.wait(),
                    )
                },
            ));
            rt.shutdown_timeout(RUNTIME_GRACE);
            result?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Db(DbCommand::Backup { path: _ }) if is_url(&cli.db) => {
            anyhow::bail!(
                "db backup copies a SQLite file; for PostgreSQL use its own tool while the bot runs: \
                 pg_dump --format=custom --file=interview-bot.dump '{}' (restore with pg_restore \
                 into an empty database)",
                crate::store::pg::redacted(&cli.db.to_string_lossy())
            )
        }
        Command::Db(DbCommand::Backup { path }) => {
            if !cli.db.exists() {
                anyhow::bail!(
                    "there is no database at {}: pass the bot's file with --db",
                    cli.db.display()
                );
            }
            let store = crate::store::Store::open(&cli.db)?;
            let bar = progress::bar(0, "backup");
            let shown = bar.clone();
            let copied =
                runtime()?.block_on(store.backup_with_progress(path.clone(), move |done, all| {
                    shown.set_length(all);
                    shown.set_position(done);
                }));
            bar.finish_and_clear();
            copied?;
            store.close();
            println!("backed up {} to {}", cli.db.display(), path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Db(DbCommand::Export { guild, format, dir }) => {
            let written = db_export::export(&cli.db, guild, format.into(), &dir)?;
            let mut out = std::io::stdout().lock();
            for (path, rows) in written {
                let noun = if rows == 1 { "row" } else { "rows" };
                writeln!(out, "wrote {} ({rows} {noun})", path.display())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Db(DbCommand::MigrateTo { url }) => {
            db_migrate::run(&cli.db, &url, &mut std::io::stdout().lock())
        }
        Command::Grades(GradesCommand::Export { file }) => {
            let bank = load_bank(&cli.questions)?;
            let n = grades::export(&bank, &cli.db, &file)?;
            let noun = if n == 1 { "answer" } else { "answers" };
            println!("wrote {n} labelled {noun} to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Questions(QuestionsCommand::Export { guild, dir }) => {
            let bank = load_bank(&cli.questions)?;
            let n = export::export(&bank, &cli.db, guild, &dir)?;
            let noun = if n == 1 { "question" } else { "questions" };
            println!(
                "wrote {n} {noun} of server {guild} to {}; `interview-bot questions check {}` checks them",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Questions(QuestionsCommand::Show { id, seed }) => {
            let bank = load_bank(&cli.questions)?;
            let q = find(&bank, &id)?;
            write!(std::io::stdout(), "{}", questions::show(q, seed))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The bank, its grader, the store and the REST client: what both transports run on.
fn start_app(
    questions: &[PathBuf],
    db: &std::path::Path,
    config: &crate::config::DiscordConfig,
) -> anyhow::Result<(tokio::runtime::Runtime, crate::discord::App)> {
    let (bank, grader) = load(questions)?;
    let (rt, store) = open_store(db)?;
    tracing::info!(questions = bank.questions().len(), db = %store.location(), "bank and database ready");
    let http = crate::discord::app::rest_client(
        &config.token,
        config.application_id,
        config.proxy.as_deref(),
    );
    let app = crate::discord::App::new(
        bank,
        grader,
        store,
        std::sync::Arc::new(crate::quiz::SystemClock),
        std::sync::Arc::new(http),
    );
    if let Some(secs) = config.claim_timeout_secs {
        app.set_stale_claim(std::time::Duration::from_secs(secs));
    }
    Ok((rt, app))
}

/// How long, after a stop, tasks still running (a deferred reply) get before the runtime ends.
const RUNTIME_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// How often the daily clock looks for due posts and reveals.
const CLOCK_POLL: std::time::Duration = std::time::Duration::from_secs(15);

/// The checks of a command that writes files from the database into a folder: the database
/// exists (a mistyped `--db` would otherwise create an empty one), and the folder is new or
/// empty, so nothing in it is overwritten.
fn export_paths(db: &std::path::Path, dir: &std::path::Path) -> anyhow::Result<()> {
    if !is_url(db) && !db.exists() {
        anyhow::bail!(
            "there is no database at {}: pass the bot's file with --db",
            db.display()
        );
    }
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        anyhow::bail!(
            "{} is not empty: give a new folder, so that nothing in it is overwritten",
            dir.display()
        );
    }
    Ok(())
}

/// Whether `--db` names a PostgreSQL database.
fn is_url(db: &std::path::Path) -> bool {
    db.to_str().is_some_and(crate::store::pg::is_url)
}

/// Opens the database `--db` names, with the runtime its work runs on (a PostgreSQL pool's
/// connections live on the runtime that opened them).
fn open_store(
    db: &std::path::Path,
) -> anyhow::Result<(tokio::runtime::Runtime, crate::store::Store)> {
    let rt = runtime()?;
    let store = match db.to_str() {
        Some(url) if crate::store::pg::is_url(url) => {
            rt.block_on(crate::store::Store::connect(url))?
        }
        _ => crate::store::Store::open(db)?,
    };
    Ok((rt, store))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Loads the bank that every command uses; a broken bank stops the command with its errors.
pub fn load_bank(dirs: &[PathBuf]) -> anyhow::Result<Bank> {
    load(dirs).map(|(bank, _)| bank)
}

/// The bank and its grader, as every command that grades needs them.
pub fn load(dirs: &[PathBuf]) -> anyhow::Result<(Bank, Grader)> {
    let source = BankSource::resolve_all(dirs.to_vec());
    crate::grade::load(&source)
        .map_err(|e| anyhow::anyhow!("cannot use {}: {e}", source.describe()))
}

fn find<'b>(bank: &'b Bank, id: &str) -> anyhow::Result<&'b Question> {
    bank.get(id).ok_or_else(|| {
        anyhow::anyhow!(
            "no question has the id `{id}`: `interview-bot questions list` shows the ids"
        )
    })
}
