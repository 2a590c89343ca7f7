//! The operator's shell: completion scripts for bash, zsh and fish name every subcommand, and
//! long command-line work shows no progress bar when its output is captured (not a terminal).

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
