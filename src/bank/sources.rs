//! Where a bank comes from: a folder, the bank built into the binary, or several of them loaded
//! together (`--questions A --questions B`, or `A:B`), so packs can sit beside the built-in bank.
//!
//! Several banks make one: their topics, questions and synonyms are pooled. A topic lives in one
//! bank only and an id is unique across all of them; a clash is an error that names both places,
//! so a pack can never silently replace a question of another bank.

use super::error::BankError;
use super::walk;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The word that names the built-in bank in `--questions` (a folder of that name is `./builtin`).
pub const BUILTIN_NAME: &str = "builtin";

/// Where a bank comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankSource {
    Dir(PathBuf),
    Builtin,
    /// Several banks loaded together, in the order given.
    Many(Vec<BankSource>),
}

impl BankSource {
    /// The folder given, else `./questions` where it exists, else the built-in bank.
    pub fn resolve(dir: Option<PathBuf>) -> BankSource {
        BankSource::resolve_all(dir.into_iter().collect())
    }

    /// The banks named by `--questions`, each value a folder or a list of them joined like `PATH`
    /// (`a:b` on Unix); the word `builtin` names the built-in bank. Nothing named: `./questions`
    /// where it exists, else the built-in bank.
    pub fn resolve_all(values: Vec<PathBuf>) -> BankSource {
        let mut parts: Vec<BankSource> = values
            .iter()
            .flat_map(|v| std::env::split_paths(v).collect::<Vec<_>>())
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| {
                if p.as_os_str() == OsStr::new(BUILTIN_NAME) {
                    BankSource::Builtin
                } else {
                    BankSource::Dir(p)
                }
            })
            .collect();
        match parts.len() {
            0 if Path::new("questions").is_dir() => BankSource::Dir("questions".into()),
            0 => BankSource::Builtin,
            1 => parts.remove(0),
            _ => BankSource::Many(parts),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            BankSource::Dir(d) => d.display().to_string(),
            BankSource::Builtin => "the built-in bank".into(),
            BankSource::Many(parts) => parts
                .iter()
                .map(BankSource::describe)
                .collect::<Vec<_>>()
                .join(" + "),
        }
    }

    /// The single banks this source names, in order.
    pub fn parts(&self) -> Vec<&BankSource> {
        match self {
            BankSource::Many(parts) => parts.iter().flat_map(BankSource::parts).collect(),
            one => vec![one],
        }
    }
}

/// The `*.toml` entries of one bank, read, with the name messages give the bank.
pub struct BankFiles {
    pub name: String,
    pub entries: Vec<walk::Entry>,
}

/// Reads every bank a source names. A bank that cannot be read, or is named twice, is an error in
/// `errors`; the others are still read, so one run shows every problem.
pub fn read(
    source: &BankSource,
    builtin: &[(&str, &str)],
    errors: &mut Vec<BankError>,
) -> Vec<BankFiles> {
    let mut banks: Vec<BankFiles> = Vec::new();
    let mut seen: Vec<(PathBuf, String)> = Vec::new();
    for part in source.parts() {
        let name = part.describe();
        // The same folder twice would make every id a duplicate; say it once instead.
        let key = match part {
            BankSource::Dir(d) => d.canonicalize().unwrap_or_else(|_| d.clone()),
            _ => PathBuf::from(format!("\0{name}")),
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            let also = if *first == name {
                String::new()
            } else {
                format!(" (also as {first})")
            };
            errors.push(BankError {
                file: name.clone(),
                line: None,
                id: None,
                message: format!("is named twice in --questions{also}: name each bank once"),
            });
            continue;
        }
        seen.push((key, name.clone()));
        let entries = match part {
            BankSource::Builtin => builtin
                .iter()
                .map(|(file, src)| Ok((format!("(built-in)/{file}"), src.to_string())))
                .collect(),
            BankSource::Dir(dir) => match walk::read_dir(dir) {
                Ok(entries) => entries,
                Err(e) => {
                    errors.extend(e.0);
                    continue;
                }
            },
            BankSource::Many(_) => unreachable!("parts() flattens every list"),
        };
        banks.push(BankFiles { name, entries });
    }
    banks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(values: &[&str]) -> BankSource {
        BankSource::resolve_all(values.iter().map(PathBuf::from).collect())
    }

    #[test]
    fn a_colon_list_and_repeated_flags_name_the_same_banks() {
        let expected = BankSource::Many(vec![
            BankSource::Dir("a".into()),
            BankSource::Dir("b/c".into()),
            BankSource::Builtin,
        ]);
        assert_eq!(dirs(&["a:b/c:builtin"]), expected);
        assert_eq!(dirs(&["a", "b/c", "builtin"]), expected);
        assert_eq!(
            dirs(&["a:", "b/c::builtin"]),
            expected,
            "empty entries are skipped"
        );
        assert_eq!(dirs(&["a"]), BankSource::Dir("a".into()));
        assert_eq!(dirs(&["./builtin"]), BankSource::Dir("./builtin".into()));
    }

    #[test]
    fn several_banks_are_described_in_order() {
        assert_eq!(dirs(&["a", "builtin"]).describe(), "a + the built-in bank");
    }
}
