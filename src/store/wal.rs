//! Keeping the write-ahead log bounded while commits stay fast.
//!
//! Commits append to the WAL; a checkpoint copies it into the database file (the only step
//! that syncs to disk). A checkpoint thread does that copying after commits, passively, so a
//! commit never waits for it. But a passive checkpoint cannot empty the log while the writer
//! keeps appending: SQLite starts the log over only when a write begins with every frame
//! already copied, and the file never shrinks by itself. Under a long burst it grew past a
//! gigabyte, and stayed that size afterwards.
//!
//! So the writer watches the log's size after each commit:
//! - Past [`WAL_LIMIT`], the first pause in the writes (no request for [`PAUSE`]) is used to
//!   copy what is left and truncate the log to nothing (a TRUNCATE checkpoint). No request is
//!   waiting then, so none waits for it. Meanwhile the checkpoint thread syncs the database
//!   file after each pass, so that little is left to sync then.
//! - Past [`WAL_HARD_LIMIT`], under a burst with no pause at all, the writer starts the log
//!   over (a RESTART checkpoint) right after the checkpoint thread's next pass, when only what
//!   was appended during that pass is left to copy. Requests that arrive meanwhile wait for it
//!   (about 25 ms on the 2-core test machine), once per `WAL_HARD_LIMIT` of log. A smaller
//!   hard limit bounds the file more tightly but makes more answers wait: at 64 MiB the p99 of
//!   the burst in `cargo bench --bench store` rose from about 50 to 90 ms; at 256 MiB it stays
//!   within the noise between runs.
//!
//! Neither ever waits for a reader or for the checkpoint thread: with either in the way, the
//! writer tries again later. `journal_size_limit` (the hard limit, on every connection) cuts
//! the file back whenever SQLite starts the log over by itself.

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// After a pause in the writes the WAL is at most this size (once it passes it, the pause
/// empties it).
pub const WAL_LIMIT: u64 = 64 << 20;
/// Under a burst that never pauses, the WAL is started over once it passes this size (and so
/// stays within it, plus what one checkpoint pass lets through). Also `journal_size_limit`.
pub const WAL_HARD_LIMIT: u64 = 4 * WAL_LIMIT;

/// How long without a write request counts as a pause.
pub const PAUSE: Duration = Duration::from_millis(20);

/// Passes the checkpoint thread makes, back to back, before the writer starts the log over
/// under a burst: the first copies the backlog, the second only what was appended during the
/// first, and the writer then only what was appended during the second.
const FRESH_PASSES: u64 = 2;

/// How often at most the WAL is checkpointed while writes keep coming.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(100);

/// The WAL file of the database at `db`, as SQLite names it.
pub fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// The writer's side of the WAL: asks for checkpoints after commits, watches the log's size,
/// and starts it over when it is due.
pub(super) struct Wal {
    path: PathBuf,
    checkpointer: Checkpointer,
    /// The log is past `WAL_LIMIT`: the next pause empties it.
    over: bool,
    /// The log is past `WAL_HARD_LIMIT`: it is started over after the next checkpoint pass.
    urgent: bool,
}

impl Wal {
    pub(super) fn new(db: &Path, checkpointer: Checkpointer) -> Wal {
        Wal {
            path: wal_path(db),
            checkpointer,
            over: false,
            urgent: false,
        }
    }

    /// The WAL's size on disk (0 when there is no file to look at).
    fn len(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    fn note(&mut self, len: u64) {
        let (over, urgent) = (len > WAL_LIMIT, len > WAL_HARD_LIMIT);
        if (over, urgent) != (self.over, self.urgent) {
            (self.over, self.urgent) = (over, urgent);
            self.checkpointer.set_mode(over, urgent);
        }
    }

    /// After a commit: asks for a checkpoint and notes the log's size; past the hard limit,
    /// starts the log over once a checkpoint pass has just finished.
    pub(super) fn committed(&mut self, conn: &Connection) {
        self.checkpointer.nudge();
        self.note(self.len());
        if self.urgent && self.checkpointer.fresh_pass() && self.start_over(conn, Restart::KeepFile)
        {
            tracing::info!(
                "the WAL passed its hard limit under a burst with no pause, and was started over"
            );
        }
    }

    /// Whether the log is past its limit, so that the next pause is used to empty it.
    pub(super) fn over_limit(&self) -> bool {
        self.over
    }

    /// Copies what is left of the log into the database and starts the log over, without
    /// waiting for anyone; returns whether it did (if not, it stays due).
    pub(super) fn start_over(&mut self, conn: &Connection, how: Restart) -> bool {
        self.checkpointer.attempting();
        // No busy handler: a reader or the checkpoint thread in the way means "later", not a
        // wait that the next commit would share.
        if let Err(e) = conn.busy_timeout(Duration::ZERO) {
            tracing::warn!(error = %e, "cannot start the WAL over now");
            return false;
        }
        let sql = match how {
            Restart::KeepFile => "PRAGMA wal_checkpoint(RESTART)",
            Restart::EmptyFile => "PRAGMA wal_checkpoint(TRUNCATE)",
        };
        let result = conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        if let Err(e) = conn.busy_timeout(super::BUSY_TIMEOUT) {
            tracing::warn!(error = %e, "cannot restore the writer's busy timeout");
        }
        match result {
            Ok(0) => {
                // A file kept at its size is written again from its beginning; the next pause
                // empties it.
                self.note(match how {
                    Restart::KeepFile => WAL_LIMIT + 1,
                    Restart::EmptyFile => self.len(),
                });
                true
            }
            Ok(_) => false,
            Err(e) => {
                tracing::warn!(error = %e, "starting the WAL over failed; it is tried again later");
                false
            }
        }
    }
}

/// How the writer starts the log over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Restart {
    /// Under load: the file keeps its size, and the next commit writes from its beginning
    /// (truncating a large file takes tens of milliseconds, which requests would wait for).
    KeepFile,
    /// At a pause: the file is emptied.
    EmptyFile,
}

#[derive(Default)]
struct CheckpointState {
    /// A commit happened since the last checkpoint began.
    asked: bool,
    /// The thread is waiting for a commit (not resting between checkpoints).
    idle: bool,
    stop: bool,
    /// The log is past its limit: sync the database file after each pass.
    sync: bool,
    /// The log is past its hard limit: rest only until the writer has used the last pass.
    urgent: bool,
    /// Checkpoint passes finished.
    passes: u64,
    /// `passes` when the writer last tried to start the log over.
    attempted: u64,
}

/// A thread that checkpoints the WAL after commits, at most once per `CHECKPOINT_INTERVAL`.
/// A passive checkpoint never blocks the writer. A commit wakes the thread only when it is
/// idle: under load, commits just leave a note, which costs no system call.
pub(super) struct Checkpointer {
    shared: Arc<(Mutex<CheckpointState>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    pub(super) fn start(conn: Connection) -> Checkpointer {
        let shared = Arc::new((Mutex::new(CheckpointState::default()), Condvar::new()));
        let theirs = shared.clone();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(&conn, &theirs))
            .expect("the checkpoint thread starts");
        Checkpointer {
            shared,
            thread: Some(thread),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, CheckpointState> {
        self.shared.0.lock().expect("not poisoned")
    }

    /// Asks for a checkpoint soon.
    fn nudge(&self) {
        let mut s = self.state();
        if !s.asked {
            s.asked = true;
            if s.idle {
                self.shared.1.notify_one();
            }
        }
    }

    /// Whether to sync after each pass, and whether to hurry; only a pass that starts after
    /// this counts as fresh.
    fn set_mode(&self, sync: bool, urgent: bool) {
        let mut s = self.state();
        (s.sync, s.urgent) = (sync, urgent);
        s.attempted = s.passes;
        self.shared.1.notify_one();
    }

    /// Whether a pass finished since the writer last tried to start the log over: then only
    /// what was appended during that pass is left to copy.
    fn fresh_pass(&self) -> bool {
        let s = self.state();
        s.passes >= s.attempted + FRESH_PASSES
    }

    /// The writer is about to try to start the log over: a resting urgent thread goes on.
    fn attempting(&self) {
        let mut s = self.state();
        s.attempted = s.passes;
        self.shared.1.notify_one();
    }
}

fn checkpoint_loop(conn: &Connection, shared: &(Mutex<CheckpointState>, Condvar)) {
    let (state, wake) = shared;
    loop {
        let sync = {
            let mut s = state.lock().expect("not poisoned");
            s.idle = true;
            let mut s = wake
                .wait_while(s, |s| !s.asked && !s.stop)
                .expect("not poisoned");
            s.idle = false;
            if s.stop {
                return;
            }
            s.asked = false;
            s.sync
        };
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "a WAL checkpoint failed; the next commit asks again");
        }
        if sync {
            if let Err(e) = sync_database(conn) {
                tracing::warn!(error = %e, "cannot sync the database file after a checkpoint");
            }
        }
        // Rest, so that commits meanwhile share the next checkpoint; when urgent, only until
        // the writer has used this pass.
        let mut s = state.lock().expect("not poisoned");
        s.passes += 1;
        let (s, _) = wake
            .wait_timeout_while(s, CHECKPOINT_INTERVAL, |s| {
                !s.stop
                    && !(s.urgent
                        && (s.passes < s.attempted + FRESH_PASSES || s.attempted >= s.passes))
            })
            .expect("not poisoned");
        if s.stop {
            return;
        }
    }
}

/// Syncs the database file, so that the pages a passive checkpoint copied are on disk and the
/// truncation that completes the checkpoint (in the writer) has only its last few to sync.
///
/// SQLite syncs the file only after a checkpoint that copied the whole log, which never
/// happens while the writer keeps appending; the truncation then paid for syncing everything
/// copied since (about 100 ms for 64 MiB, while commits waited). The sync goes through the
/// connection's own file object: a file handle of our own is no option, since closing it would
/// drop every lock this process holds on the file (POSIX locks belong to the process).
fn sync_database(conn: &Connection) -> Result<(), String> {
    use rusqlite::ffi;
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: `conn` is open, and used by this thread alone. SQLITE_FCNTL_FILE_POINTER stores
    // a pointer to the main database's file object in `file`; that object lives as long as
    // the connection, and its `xSync` only syncs the file descriptor SQLite holds.
    unsafe {
        let rc = ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            ffi::SQLITE_FCNTL_FILE_POINTER,
            (&mut file as *mut *mut ffi::sqlite3_file).cast(),
        );
        if rc != ffi::SQLITE_OK || file.is_null() || (*file).pMethods.is_null() {
            return Err(format!("no file object (code {rc})"));
        }
        let Some(sync) = (*(*file).pMethods).xSync else {
            return Err("the file object cannot sync".into());
        };
        match sync(file, ffi::SQLITE_SYNC_NORMAL) {
            ffi::SQLITE_OK => Ok(()),
            rc => Err(format!("sync failed (code {rc})")),
        }
    }
}

/// At shutdown, after the last commit: copies the whole log into the database, syncs it, and
/// empties the log (a TRUNCATE checkpoint), so that a stopped bot leaves one complete database
/// file. It waits for readers up to the busy timeout; if one is still in the way, the log stays
/// and SQLite folds it in when the last connection closes, or at the next start.
pub(super) fn final_checkpoint(conn: &Connection) {
    match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    }) {
        Ok((0, frames)) => tracing::info!(frames, "the WAL was checkpointed and emptied"),
        Ok((_, _)) => tracing::warn!("a reader kept the WAL from being emptied at shutdown"),
        Err(e) => tracing::warn!(error = %e, "the WAL could not be checkpointed at shutdown"),
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.state().stop = true;
        self.shared.1.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wal_is_named_as_sqlite_names_it() {
        assert_eq!(
            wal_path(Path::new("/data/bot.db")),
            PathBuf::from("/data/bot.db-wal")
        );
    }
}
