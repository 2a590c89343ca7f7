//! The command line: subcommands over the library.

mod args;
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

pub use args::*;
pub use service::{init_logging, LogFormat};

use crate::bank::{Bank, BankSource, Question};
use crate::discord::gateway::Scope;
use crate::discord::shards::Shards;
use crate::grade::Grader;
use clap::{CommandFactory, Parser};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
            shutdown,
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
            let timeout = shutdown.timeout();
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
            shutdown,
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
            let timeout = shutdown.timeout();
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
        Command::Grades(GradesCommand::Export { file, written_only }) => {
            let bank = load_bank(&cli.questions)?;
            let n = grades::export(&bank, &cli.db, &file, written_only)?;
            let noun = |n: usize| if n == 1 { "answer" } else { "answers" };
            print!(
                "wrote {} labelled {} to {}",
                n.written,
                noun(n.written),
                file.display()
            );
            if n.left_out > 0 {
                print!(
                    "; left out {} option {} (graded exactly, not by precedent)",
                    n.left_out,
                    noun(n.left_out)
                );
            }
            println!();
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
