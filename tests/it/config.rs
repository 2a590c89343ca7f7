//! Settings from the environment: a missing or malformed variable is named, with where to find it.

use crate::util::{bot, run};

fn discord_bot() -> std::process::Command {
    let mut cmd = bot();
    for var in [
        "DISCORD_TOKEN",
        "DISCORD_APPLICATION_ID",
        "DISCORD_PUBLIC_KEY",
        "DISCORD_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn a_missing_token_is_named() {
    let (ok, _, err) = run(discord_bot().arg("run"));
    assert!(!ok);
    assert!(
        err.contains("DISCORD_TOKEN is not set") && err.contains("developer portal"),
        "{err}"
    );
}

#[test]
fn a_malformed_application_id_or_public_key_is_named() {
    let (ok, _, err) = run(discord_bot()
        .arg("register")
        .env("DISCORD_TOKEN", "t")
        .env("DISCORD_APPLICATION_ID", "not-a-number"));
    assert!(!ok);
    assert!(err.contains("DISCORD_APPLICATION_ID is malformed"), "{err}");
    let (ok, _, err) = run(discord_bot()
        .arg("serve")
        .env("DISCORD_TOKEN", "t")
        .env("DISCORD_APPLICATION_ID", "12"));
    assert!(!ok);
    assert!(err.contains("DISCORD_PUBLIC_KEY is not set"), "{err}");
    let (ok, _, err) = run(discord_bot()
        .arg("serve")
        .env("DISCORD_TOKEN", "t")
        .env("DISCORD_APPLICATION_ID", "12")
        .env("DISCORD_PUBLIC_KEY", "abcd"));
    assert!(!ok);
    assert!(
        err.contains("DISCORD_PUBLIC_KEY is malformed") && err.contains("64 hex characters"),
        "{err}"
    );
    let (ok, _, err) = run(discord_bot()
        .arg("register")
        .env("DISCORD_TOKEN", "t")
        .env("DISCORD_APPLICATION_ID", "12")
        .env("DISCORD_PROXY", "localhost:3000"));
    assert!(!ok);
    assert!(
        err.contains("DISCORD_PROXY is malformed") && err.contains("http://"),
        "{err}"
    );
}

#[test]
fn the_command_list_is_what_register_sends_and_valid() {
    let (ok, out, _) = run(discord_bot().arg("commands"));
    assert!(ok);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "daily",
            "quiz",
            "review",
            "past",
            "ask",
            "leaderboard",
            "stats",
            "config",
            "round",
            "grades",
            "admin",
            "export",
            "suggest",
            "suggestions",
            "help"
        ]
    );
    let admin: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["default_member_permissions"] == "32")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        admin,
        [
            "config",
            "round",
            "grades",
            "admin",
            "export",
            "suggestions"
        ],
        "hidden from members without Manage Server"
    );
    crate::spec::validate("commands", &[list]);
}
