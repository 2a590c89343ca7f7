//! `interview-bot completions bash|zsh|fish`: the shell's completion script for every
//! subcommand and flag, made by clap_complete from the same definition the parser uses, so it
//! never drifts from the real command line.

use super::Cli;
use clap::CommandFactory;
use std::process::ExitCode;

/// Writes the completion script for `shell` to `out`.
pub fn write(
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<ExitCode> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "interview-bot", out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
