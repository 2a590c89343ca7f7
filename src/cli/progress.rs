//! Progress on long command-line work (`db backup` of a large file, `questions import`, `db
//! export`, the benches' database build): a bar on stderr when stderr is a terminal, nothing at
//! all when it is not (a pipe, a file, a test capturing output, a service's log), so logs and
//! scripts never see bar characters. indicatif's stderr target checks for a terminal itself.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// A bar for work of `len` steps (set or change the length later with `set_length`).
pub fn bar(len: u64, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:40}] {percent:>3}% ({elapsed}, {eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what);
    bar
}

/// A spinner for work whose size is not known ahead, ticking on its own.
pub fn spinner(what: String) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_when_stderr_is_not_a_terminal() {
        // `cargo test` captures stderr through a pipe: not a terminal.
        use std::io::IsTerminal;
        if std::io::stderr().is_terminal() {
            return;
        }
        assert!(bar(10, "x").is_hidden());
        assert!(spinner("x".into()).is_hidden());
    }
}
