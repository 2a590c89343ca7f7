//! Checks outgoing Discord JSON bodies against Discord's published API spec.
//!
//! The check is `tests/spec/validate.mjs` (a copy of the team's validator), run with Node on the
//! project's own pinned dev dependencies `discord-api-spec` and `zod` (`tests/spec/package.json`).
//! Install them once with `npm ci --prefix tests/spec`; `.ci/run` does so before `cargo test`.

use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec")
}

/// Panics with the fix when the npm dependencies are not installed: without them node fails to load
/// the script, which must never be mistaken for a verdict on a body.
fn ensure_installed() {
    let modules = spec_dir().join("node_modules");
    if !modules.is_dir() {
        panic!(
            "{} is missing: run `npm ci --prefix tests/spec` first (.ci/run does)",
            modules.display()
        );
    }
}

/// `node tests/spec/validate.mjs KIND FILES...`, with node's temp files kept inside `tmp`.
fn node(kind: &str, files: &[PathBuf], tmp: &Path) -> Output {
    ensure_installed();
    let script = spec_dir().join("validate.mjs");
    Command::new("node")
        .arg(&script)
        .arg(kind)
        .args(files)
        .current_dir(spec_dir())
        // The script writes a strict copy of the schemas to the OS temp dir; keep it in ours so it
        // is removed with it.
        .env("TMPDIR", tmp)
        .env("TMP", tmp)
        .env("TEMP", tmp)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `node {}` (is Node.js 20+ on PATH?): {e}",
                script.display()
            )
        })
}

/// Writes each body to its own file in a fresh temp dir; returns the dir and the files in order.
fn write_bodies(kind: &str, bodies: &[Value]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let files = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let path = dir.path().join(format!("{kind}-{i}.json"));
            fs::write(
                &path,
                serde_json::to_vec_pretty(body).expect("a JSON value serializes"),
            )
            .expect("write a body to the temp dir");
            path
        })
        .collect();
    (dir, files)
}

/// Validates every body as a Discord request body of `kind` (see `tests/spec/validate.mjs`:
/// `callback`, `command`, `commands`, `message`, `message-edit`, `followup`, `followup-edit`,
/// `thread`),
/// with one node run for the whole batch. Panics with node's full output and the rejected bodies
/// when any body is invalid.
pub fn validate(kind: &str, bodies: &[Value]) {
    if bodies.is_empty() {
        return;
    }
    let (dir, files) = write_bodies(kind, bodies);
    let out = node(kind, &files, dir.path());
    if out.status.success() {
        return;
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // node prints "<file>: valid <kind>" for each good file; show every other body (all of them if
    // node failed before judging any, e.g. on a usage error).
    let rejected: Vec<(&PathBuf, &Value)> = files
        .iter()
        .zip(bodies)
        .filter(|(f, _)| {
            let ok = format!("{}: valid {kind}", f.display());
            !stdout.lines().any(|l| l == ok)
        })
        .collect();
    let shown: String = rejected
        .iter()
        .map(|(f, b)| {
            let pretty = serde_json::to_string_pretty(b).expect("a JSON value serializes");
            format!("--- {}\n{pretty}\n", f.display())
        })
        .collect();
    panic!(
        "{} of {} `{kind}` bodies fail Discord's API spec (node exited with {}):\n\
         {stdout}{stderr}\nrejected bodies:\n{shown}",
        rejected.len(),
        files.len(),
        out.status,
    );
}

#[test]
fn the_validator_rejects_a_bad_body() {
    // Called directly (not through `validate`, which panics) so that a harness which accepted
    // everything would fail here.
    let bad = json!({"type": 4, "data": {"content": "x", "bogus": 1}});
    let (dir, files) = write_bodies("callback", &[bad]);
    let out = node("callback", &files, dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the validator accepted a body with an unknown field:\n{stdout}{stderr}"
    );
    // Exit 1 is "a body is invalid"; anything else (2 = usage, a crash) is the harness failing.
    assert_eq!(
        out.status.code(),
        Some(1),
        "the validator failed for another reason:\n{stdout}{stderr}"
    );
    assert!(
        stdout.contains("INVALID callback") && stdout.contains("bogus"),
        "the rejection does not name the unknown field:\n{stdout}{stderr}"
    );
}

#[test]
fn a_pong_is_valid() {
    validate("callback", &[json!({"type": 1})]);
}
