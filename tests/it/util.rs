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

use chrono::{DateTime, Utc};
use interview_bot::discord::App;
use interview_bot::quiz::ManualClock;
use std::sync::Arc;

pub const APP_ID: u64 = 1_100_000_000_000_000_001;

/// A real App: the repository's bank, a fresh SQLite file in `dir`, a clock the test sets, and a
/// REST client pointed at `rest_base` (a fake Discord on 127.0.0.1).
pub fn test_app(dir: &Path, rest_base: &str, now: DateTime<Utc>) -> (App, ManualClock) {
    let (bank, grader) =
        interview_bot::grade::load(&interview_bot::bank::BankSource::Dir(repo("questions")))
            .unwrap();
    let store = test_store(dir);
    let clock = ManualClock::new(now);
    let http = interview_bot::discord::app::rest_client("test-token", APP_ID, Some(rest_base));
    (
        App::new(bank, grader, store, Arc::new(clock.clone()), Arc::new(http)),
        clock,
    )
}

/// The store of a test app: a fresh SQLite file in `dir`; or, with
/// `INTERVIEW_BOT_TEST_BACKEND=postgres`, a fresh PostgreSQL database (see `pg`), so that the whole
/// suite can be run over PostgreSQL as well (`.ci/run` skips the tests that work on the SQLite
/// file itself there).
pub fn test_store(dir: &Path) -> interview_bot::store::Store {
    if std::env::var("INTERVIEW_BOT_TEST_BACKEND").as_deref() != Ok("postgres") {
        return interview_bot::store::Store::open(dir.join("bot.db")).unwrap();
    }
    // One database per test folder, as one SQLite file per folder: a test that restarts its
    // app, or runs two instances, on one folder gets the same database again.
    static BY_DIR: std::sync::Mutex<Vec<(std::path::PathBuf, String)>> =
        std::sync::Mutex::new(Vec::new());
    let url = {
        let mut known = BY_DIR.lock().unwrap();
        match known.iter().find(|(d, _)| d == dir) {
            Some((_, url)) => url.clone(),
            None => {
                let url = crate::pg::fresh_db("app");
                known.push((dir.to_path_buf(), url.clone()));
                url
            }
        }
    };
    // Connected on a runtime of its own (a test may call this inside its runtime); the pool
    // drops the connection that runtime drove and opens new ones where the store is used.
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(interview_bot::store::Store::connect(&url))
            .unwrap()
    })
    .join()
    .unwrap()
}

/// The runtime the async tests share: two workers, like the machines the bot runs on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
