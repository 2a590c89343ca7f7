use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The real binary, run from the repository root with a clean environment for our variables.
pub fn bot() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_interview-bot"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("INTERVIEW_BOT_QUESTIONS")
        .env_remove("INTERVIEW_BOT_DB");
    cmd
}

pub fn run(cmd: &mut Command) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the binary runs");
    (
        status.success(),
        String::from_utf8(stdout).expect("stdout is UTF-8"),
        String::from_utf8(stderr).expect("stderr is UTF-8"),
    )
}
