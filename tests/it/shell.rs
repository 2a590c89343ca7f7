//! The operator's shell: completion scripts for bash, zsh and fish name every subcommand, and
//! long command-line work (`db backup`, `questions import`) does its work and shows no progress
//! bar when its output is captured (not a terminal).

use crate::util::{bot, run};

#[test]
fn completions_name_the_subcommands_in_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (ok, out, err) = run(bot().args(["completions", shell]));
        assert!(ok, "{shell}: {err}");
        assert!(err.is_empty(), "{shell}: nothing on stderr: {err}");
        for sub in [
            "questions",
            "grade",
            "play",
            "db",
            "run",
            "serve",
            "register",
            "commands",
            "completions",
        ] {
            assert!(out.contains(sub), "{shell}: the script names `{sub}`");
        }
        // Nested subcommands and flags too (fish writes a long flag as `-l db`).
        let flag = |name: &str| match shell {
            "fish" => format!("-l {name}"),
            _ => format!("--{name}"),
        };
        for word in [
            "backup".to_string(),
            "import".to_string(),
            flag("db"),
            flag("questions"),
        ] {
            assert!(
                out.contains(word.as_str()),
                "{shell}: the script names `{word}`"
            );
        }
    }
    match shell_syntax_check() {
        Some(checked) => assert!(checked, "bash -n accepts the script"),
        None => eprintln!("bash not found; syntax not checked"),
    }
    let (ok, _, err) = run(bot().args(["completions", "tcsh"]));
    assert!(!ok);
    assert!(
        err.contains("bash") && err.contains("zsh") && err.contains("fish"),
        "{err}"
    );
}

/// `bash -n` on the bash script: `None` when there is no bash.
fn shell_syntax_check() -> Option<bool> {
    let (_, script, _) = run(bot().args(["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("interview-bot.bash");
    std::fs::write(&path, script).unwrap();
    std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .ok()
        .map(|s| s.success())
}

/// A database of a few MiB (several backup steps): the store's tables, and filler practice rows.
fn big_db(path: &std::path::Path) -> i64 {
    let store = interview_bot::store::Store::open(path).unwrap();
    store.close();
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO practice (guild_id, user_id, question_id, seed, answer, score, verdict, answered_at)
         SELECT 1, i, 'q', i, printf('%.200c', 'x'), 0.5, 'partial', i FROM n;",
    )
    .unwrap();
    conn.query_row("SELECT COUNT(*) FROM practice", [], |r| r.get(0))
        .unwrap()
}

/// What a drawn bar or spinner would leave in captured output.
fn has_bar(text: &str) -> bool {
    text.contains('\r') || text.contains('\u{1b}') || text.contains("=>") || text.contains('%')
}

#[test]
fn db_backup_copies_everything_and_shows_no_bar_when_captured() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("bot.db");
    let rows = big_db(&src);
    assert!(
        std::fs::metadata(&src).unwrap().len() > 3 * 1024 * 1024,
        "several steps"
    );
    let dest = dir.path().join("copy.db");
    let (ok, out, err) = run(bot()
        .arg("--db")
        .arg(&src)
        .args(["db", "backup"])
        .arg(&dest));
    assert!(ok, "{err}");
    assert!(err.is_empty(), "nothing on a captured stderr: {err:?}");
    assert!(!has_bar(&out), "{out:?}");
    assert_eq!(
        out,
        format!("backed up {} to {}\n", src.display(), dest.display())
    );
    let copy = rusqlite::Connection::open(&dest).unwrap();
    let copied: i64 = copy
        .query_row("SELECT COUNT(*) FROM practice", [], |r| r.get(0))
        .unwrap();
    assert_eq!(copied, rows);
}

#[test]
fn backup_progress_counts_up_to_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("bot.db");
    big_db(&src);
    let store = interview_bot::store::Store::open(&src).unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    crate::util::runtime()
        .block_on(
            store.backup_with_progress(dir.path().join("copy.db"), move |done, all| {
                log.lock().unwrap().push((done, all));
            }),
        )
        .unwrap();
    store.close();
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 2, "a step at a time: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "never goes back");
    let (done, all) = *seen.last().unwrap();
    assert!(all > 0 && done == all, "{done} of {all}");
}

#[test]
fn questions_import_shows_no_spinner_when_captured() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(bot()
        .args(["questions", "import", "--from", "red"])
        .arg(crate::util::data("import/red-trivia.yaml"))
        .arg(dir.path()));
    assert!(ok, "{err}");
    assert!(!has_bar(&err) && !err.contains("converting"), "{err:?}");
    assert!(out.contains("questions check` passes"), "{out}");
}
