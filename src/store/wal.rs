//! The checkpoint thread, which copies the write-ahead log into the database file after
//! commits (the only step that syncs to disk), so that no commit waits for a checkpoint.

use rusqlite::Connection;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often at most the WAL is checkpointed while writes keep coming.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(100);

#[derive(Default)]
struct CheckpointState {
    /// A commit happened since the last checkpoint began.
    asked: bool,
    /// The thread is waiting for a commit (not resting between checkpoints).
    idle: bool,
    stop: bool,
}

/// A thread that checkpoints the WAL after commits, at most once per `CHECKPOINT_INTERVAL`.
/// A passive checkpoint never blocks the writer. A commit wakes the thread only when it is
/// idle: under load, commits just leave a note, which costs no system call.
pub(super) struct Checkpointer {
    shared: Arc<(Mutex<CheckpointState>, std::sync::Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    pub(super) fn start(conn: Connection) -> Checkpointer {
        let shared = Arc::new((
            Mutex::new(CheckpointState::default()),
            std::sync::Condvar::new(),
        ));
        let theirs = shared.clone();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                let (state, wake) = &*theirs;
                loop {
                    {
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
                    }
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        tracing::warn!(error = %e, "a WAL checkpoint failed; the next commit asks again");
                    }
                    // Rest, so that commits meanwhile share the next checkpoint.
                    let s = state.lock().expect("not poisoned");
                    let (s, _) = wake
                        .wait_timeout_while(s, CHECKPOINT_INTERVAL, |s| !s.stop)
                        .expect("not poisoned");
                    if s.stop {
                        return;
                    }
                }
            })
            .expect("the checkpoint thread starts");
        Checkpointer {
            shared,
            thread: Some(thread),
        }
    }

    /// Asks for a checkpoint soon.
    pub(super) fn nudge(&self) {
        let (state, wake) = &*self.shared;
        let mut s = state.lock().expect("not poisoned");
        if !s.asked {
            s.asked = true;
            if s.idle {
                wake.notify_one();
            }
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (state, wake) = &*self.shared;
        state.lock().expect("not poisoned").stop = true;
        wake.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
