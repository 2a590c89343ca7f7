//! Which file the store opened, and whether its path still names that file.
//!
//! SQLite keeps writing through the file descriptors it opened. If the database folder is
//! deleted, or the file is replaced by another one, while the bot runs, every commit still
//! succeeds (in WAL mode SQLite does not look), into a file that nobody can reach any more: the
//! answers are acknowledged and gone at the next start. So the writer compares the path's
//! (device, inode) with the one it opened around every commit (a `stat`, about a microsecond),
//! and refuses the writes when they differ.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What became of the database file since it was opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("was deleted")]
    Deleted,
    #[error("was replaced by another file")]
    Replaced,
    #[error("can no longer be reached ({0})")]
    Unreachable(String),
}

/// The identity of the file a path named when the store opened it; `None` for a database that
/// is not a plain file (`:memory:`), which is not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileId(Option<(u64, u64)>);

#[cfg(unix)]
fn id_of(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Elsewhere only a deleted file is noticed.
#[cfg(not(unix))]
fn id_of(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl FileId {
    /// The file `path` names now.
    pub(super) fn of(path: &Path) -> FileId {
        FileId(std::fs::metadata(path).ok().map(|m| id_of(&m)))
    }

    /// Whether `path` still names this file.
    pub(super) fn check(&self, path: &Path) -> Result<(), FileProblem> {
        let Some(opened) = self.0 else {
            return Ok(());
        };
        match std::fs::metadata(path) {
            Ok(m) if id_of(&m) == opened => Ok(()),
            Ok(_) => Err(FileProblem::Replaced),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FileProblem::Deleted),
            Err(e) => Err(FileProblem::Unreachable(e.to_string())),
        }
    }
}

/// How often at most the writer logs that it refuses writes (with a count of those refused).
const LOG_EVERY: Duration = Duration::from_secs(10);

/// The writer's watch on its file: checks it, and logs refusals loudly but not at every batch.
pub(super) struct Watch {
    path: PathBuf,
    id: FileId,
    last_log: Option<Instant>,
    refused: u64,
}

impl Watch {
    pub(super) fn new(path: PathBuf, id: FileId) -> Watch {
        Watch {
            path,
            id,
            last_log: None,
            refused: 0,
        }
    }

    /// Whether the path still names the opened file; a refusal of `writes` writes is logged.
    pub(super) fn check(&mut self, writes: usize) -> Result<(), FileProblem> {
        let problem = match self.id.check(&self.path) {
            Ok(()) => {
                if self.last_log.take().is_some() {
                    tracing::warn!(path = %self.path.display(), "the database file is back; writes are saved again");
                }
                return Ok(());
            }
            Err(p) => p,
        };
        self.refused += writes as u64;
        if self.last_log.is_none_or(|t| t.elapsed() >= LOG_EVERY) {
            tracing::error!(
                path = %self.path.display(),
                problem = %problem,
                refused_writes = self.refused,
                "the database file {} {problem} while interview-bot was running: every write is \
                 refused, and members are told nothing was saved. Restore the file and restart \
                 interview-bot (this is logged again every {} s while it lasts)",
                self.path.display(),
                LOG_EVERY.as_secs()
            );
            self.last_log = Some(Instant::now());
            self.refused = 0;
        }
        Err(problem)
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_or_replaced_file_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bot.db");
        std::fs::write(&path, b"x").unwrap();
        let id = FileId::of(&path);
        assert_eq!(id.check(&path), Ok(()));
        // Keep the first file alive, as an open connection does, so its inode is not reused.
        let _held = std::fs::File::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(id.check(&path), Err(FileProblem::Deleted));
        std::fs::write(&path, b"").unwrap();
        if cfg!(unix) {
            assert_eq!(id.check(&path), Err(FileProblem::Replaced));
        }
    }

    #[test]
    fn a_database_that_is_not_a_file_is_not_checked() {
        let id = FileId::of(Path::new(":memory:"));
        assert_eq!(id.check(Path::new(":memory:")), Ok(()));
    }
}
