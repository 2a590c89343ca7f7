//! The long-running modes (`serve`, `run`) as services: started with the clock beside them,
//! stopped cleanly on SIGTERM or SIGINT within `--shutdown-timeout`, and their logs in the
//! format an operator's log system reads (`--log-format text|json`).

use crate::discord::shutdown::{self, Signals, Stop};
use crate::discord::App;
use std::future::Future;
use std::time::Duration;
use tracing::{info, warn};

/// How the logs are written on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for people: time, level, message, fields.
    #[default]
    Text,
    /// One JSON object a line, with the span's fields (interaction, guild, member, round).
    Json,
}

/// Runs `work` (the endpoint, or the gateway) and the clock until a signal; then stops them in
/// order within `timeout`, closes the database (its last checkpoint empties the WAL), and
/// returns. `work` ends early only on an error, which is returned.
pub async fn run_service<W, F>(
    app: App,
    clock_poll: Duration,
    timeout: Duration,
    work: W,
) -> anyhow::Result<()>
where
    W: FnOnce(Stop) -> F,
    F: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    // Before anything listens: a signal from now on starts a clean stop.
    let mut signals = Signals::new()?;
    let (trigger, stop) = shutdown::channel();
    let clock = tokio::spawn(crate::discord::scheduler::run_until(
        app.clone(),
        clock_poll,
        stop.clone().wait(),
    ));
    let mut work = tokio::spawn(work(stop));
    let ended_early = tokio::select! {
        signal = signals.recv() => {
            info!(signal, timeout_s = timeout.as_secs_f64(), "stopping: no new work; finishing what is in flight");
            None
        }
        ended = &mut work => Some(ended),
    };
    trigger.stop();
    let result = match ended_early {
        Some(ended) => {
            clock.abort();
            ended.map_err(anyhow::Error::from).and_then(|r| r)
        }
        None => {
            let drained = tokio::time::timeout(timeout, async {
                let work = work.await;
                let _ = clock.await;
                work
            })
            .await;
            match drained {
                Ok(work) => work.map_err(anyhow::Error::from).and_then(|r| r),
                Err(_) => {
                    warn!(
                        timeout_s = timeout.as_secs_f64(),
                        "the work in flight did not finish in time; stopping anyway"
                    );
                    Ok(())
                }
            }
        }
    };
    // The writer commits what it was given, checkpoints the WAL, and stops.
    let store = app.store().clone();
    let _ = tokio::task::spawn_blocking(move || store.close()).await;
    info!("stopped");
    result
}

/// Structured logs on standard error in `format`; `RUST_LOG` filters them (default `info`).
/// Text is coloured only on a terminal, and never with `NO_COLOR` set (no-color.org): a log
/// file or a collector gets plain lines, not escape codes.
///
/// Logging never panics and never stops the bot: a line that cannot be written (standard error
/// closed, on a full disk, `/dev/full`) is dropped, and tracing's own report of that failure,
/// which would go to the same broken standard error with `eprintln!` and panic, is off.
pub fn init_logging(format: LogFormat) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| DropOnError(std::io::stderr()))
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .log_internal_errors(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// A writer that reports every write as done: a log line lost is better than a bot stopped.
struct DropOnError<W>(W);

impl<W: std::io::Write> std::io::Write for DropOnError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}
