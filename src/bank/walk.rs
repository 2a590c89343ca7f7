//! Reading the question folder: every `*.toml` entry in it is a topic file (or the synonyms file),
//! every `*.jsonl` entry a file of precedents (graded answers).
//!
//! An entry named `*.toml` that is not a readable file is an error naming its path, never skipped:
//! a topic whose file became a dangling link, a loop of links, a named pipe or a folder would
//! otherwise vanish from the bank while `questions check` said ok. A special file is never opened
//! (opening a named pipe waits for a writer, so the bot would hang at start-up).

use super::error::{BankError, BankErrors};
use std::fs::Metadata;
use std::io::ErrorKind;
use std::path::Path;

/// One `*.toml` entry of the folder: its path (as messages name it) and its text, or the error
/// that says why it cannot be used.
pub type Entry = Result<(String, String), BankError>;

/// The folder's `*.toml` entries in path order; `Err` only when the folder itself cannot be read.
pub fn read_dir(dir: &Path) -> Result<Vec<Entry>, BankErrors> {
    let error = |file: &Path, message: String| BankError {
        file: file.display().to_string(),
        line: None,
        id: None,
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        BankErrors(vec![error(
            dir,
            format!(
                "cannot read the question folder ({e}): pass an existing folder with --questions"
            ),
        )])
    })?;
    let mut out = Vec::new();
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(e) => out.push(Err(error(
                dir,
                format!("an entry of the question folder cannot be read ({e}): check the folder and its permissions"),
            ))),
        }
    }
    // An editor's lock file (Emacs leaves a dangling `.#topic.toml` link while one is edited)
    // is not a topic file.
    let lock_file = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(".#"))
    };
    paths.retain(|p| p.extension().is_some_and(|x| x == "toml" || x == "jsonl") && !lock_file(p));
    paths.sort();
    out.extend(paths.into_iter().map(|path| {
        read_entry(&path)
            .map(|src| (path.display().to_string(), src))
            .map_err(|message| error(&path, message))
    }));
    Ok(out)
}

/// The text of a topic file, or what is wrong with the entry and what to do about it.
fn read_entry(path: &Path) -> Result<String, String> {
    // `metadata` follows links, so a link to a topic file elsewhere is a topic file.
    let meta = std::fs::metadata(path).map_err(|e| unreachable_entry(path, &e))?;
    if meta.is_dir() {
        return Err(
            "is a folder, not a topic file: topic files sit directly in the question folder; \
                    move its files up, or rename the folder so its name does not end in `.toml`"
                .into(),
        );
    }
    if !meta.is_file() {
        return Err(format!(
            "is {}, not a topic file: replace it with a topic file, or remove it",
            special_kind(&meta)
        ));
    }
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        ErrorKind::InvalidData => "is not UTF-8 text: save it as UTF-8".to_string(),
        _ => format!("cannot be read ({e}): check that the bot's user may read it"),
    })
}

/// Why an entry cannot be reached: a link to nothing, a link that cannot be followed, or else.
fn unreachable_entry(path: &Path, e: &std::io::Error) -> String {
    match std::fs::read_link(path) {
        Ok(target) if e.kind() == ErrorKind::NotFound => format!(
            "is a symbolic link to `{}`, where there is no file: point the link at a topic file, or remove it",
            target.display()
        ),
        Ok(target) => format!(
            "is a symbolic link to `{}` that cannot be followed ({e}): point the link at a topic \
             file (not back at itself through other links), or remove it",
            target.display()
        ),
        Err(_) => format!("cannot be opened ({e}): check that the bot's user may read it"),
    }
}

#[cfg(unix)]
fn special_kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &Metadata) -> &'static str {
    "a special file"
}
