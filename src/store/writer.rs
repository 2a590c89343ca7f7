//! The writer thread, which owns the only write connection. It takes the write requests that
//! are waiting, runs them in one transaction (each in its own savepoint only if one fails),
//! commits, and only then answers them: a member is told "recorded" after the commit, and many
//! concurrent answers share one commit.
//!
//! Around each batch it checks that the database path still names the file it writes to
//! (see `identity`), and between batches it keeps the WAL bounded (see `wal`).

use super::identity::{FileProblem, Watch};
use super::wal::{Checkpointer, Restart, Wal, PAUSE};
use super::StoreError;
use rusqlite::Connection;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;
use tokio::sync::oneshot;

/// The most write requests that share one transaction.
const MAX_BATCH: usize = 512;
/// How long the writer waits for company before a batch, when writes are arriving together.
/// A commit costs about as much as three answers, so under load a short wait that fills the
/// batch buys throughput for at most this much latency. Of 250 µs to 2 ms, 750 µs did best in
/// `cargo bench --bench endpoint` at 32, 64 and 128 requests in flight.
const LINGER: Duration = Duration::from_micros(750);
/// A write request: run in the writer's transaction, answered after the commit.
pub(super) trait WriteJob: Send {
    /// Runs the request and keeps its outcome; returns whether it succeeded. After a rollback
    /// it may run again, and the new outcome replaces the old.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers with the kept outcome, or with `refused` when its writes were not saved.
    fn answer(self: Box<Self>, refused: Option<&Refusal>);
}

pub(super) type Job = Box<dyn WriteJob>;

/// Why the writes of a batch were not saved.
#[derive(Debug, Clone)]
pub(super) enum Refusal {
    /// The transaction failed (the reason, from SQLite).
    NotCommitted(String),
    /// The database path no longer names the file the store writes to.
    FileGone { path: String, problem: FileProblem },
}

impl Refusal {
    fn error(&self) -> StoreError {
        match self {
            Refusal::NotCommitted(why) => StoreError::NotCommitted(why.clone()),
            Refusal::FileGone { path, problem } => StoreError::FileGone {
                path: path.clone(),
                problem: problem.clone(),
            },
        }
    }
}

pub(super) struct Request<T, F> {
    pub(super) f: F,
    pub(super) outcome: Option<Result<T, StoreError>>,
    pub(super) reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> WriteJob for Request<T, F>
where
    T: Send + 'static,
    F: Fn(&dyn super::Db) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let outcome = (self.f)(conn);
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn answer(self: Box<Self>, refused: Option<&Refusal>) {
        let outcome = match (self.outcome, refused) {
            // The file is gone: nothing is saved, whatever the request found.
            (_, Some(r @ Refusal::FileGone { .. })) => Err(r.error()),
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), None) => Ok(v),
            (_, Some(r)) => Err(r.error()),
            (None, None) => Err(StoreError::NotCommitted("the request was not run".into())),
        };
        let _ = self.reply.send(outcome);
    }
}

/// The writer: batches the waiting requests into one transaction, commits, and answers them all.
pub(super) fn writer_loop(
    mut conn: Connection,
    rx: mpsc::Receiver<Job>,
    mut watch: Watch,
    checkpointer: Checkpointer,
) {
    let mut wal = Wal::new(watch.path(), checkpointer);
    let mut last_batch = 0usize;
    while let Some(first) = next_request(&rx, &conn, &mut wal) {
        let mut jobs = vec![first];
        // Under load (the last batch had company, and room) linger a moment for more requests:
        // one commit for many answers writes each touched page once instead of once per answer.
        // Sleeping through it, rather than waking at each arrival, costs one wake per batch.
        if last_batch > 1 && last_batch < MAX_BATCH {
            std::thread::sleep(LINGER);
        }
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        last_batch = jobs.len();
        let started = std::time::Instant::now();
        let refused = saved(&mut conn, &mut jobs, &mut watch).err();
        crate::metrics::commit(started.elapsed(), refused.is_none());
        jobs.into_iter().for_each(|j| j.answer(refused.as_ref()));
        if refused.is_none() {
            wal.committed(&conn);
        }
    }
    // The checkpoint thread first: closing the write connection last lets SQLite fold the WAL in.
    drop(wal);
    super::wal::final_checkpoint(&conn);
    drop(conn);
}

/// The next request, `None` once the store is closed. While the WAL is past its limit, a pause
/// in the requests is used to empty it.
fn next_request(rx: &mpsc::Receiver<Job>, conn: &Connection, wal: &mut Wal) -> Option<Job> {
    while wal.over_limit() {
        match rx.recv_timeout(PAUSE) {
            Ok(j) => return Some(j),
            Err(RecvTimeoutError::Timeout) => {
                // If a reader or the checkpoint thread is in the way: at the next pause.
                wal.start_over(conn, Restart::EmptyFile);
            }
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
    rx.recv().ok()
}

/// Runs a batch and commits it, if the database file is still there before and after.
fn saved(conn: &mut Connection, jobs: &mut [Job], watch: &mut Watch) -> Result<(), Refusal> {
    let gone = |problem, watch: &Watch| Refusal::FileGone {
        path: watch.path().display().to_string(),
        problem,
    };
    // Before: not a write into a file nobody will read again.
    watch.check(jobs.len()).map_err(|p| gone(p, watch))?;
    run_batch(conn, jobs).map_err(Refusal::NotCommitted)?;
    // After: the file may have gone while the batch ran; then its commit went nowhere.
    watch.check(jobs.len()).map_err(|p| gone(p, watch))
}

/// Runs a batch in one transaction and commits it; `Err` says why nothing was committed.
///
/// Nearly every batch succeeds whole, so it first runs without savepoints, which would copy
/// every page each request touches. If a request fails, its writes may be half done: the
/// transaction is rolled back and the batch runs again with each request in its own savepoint,
/// so the failure undoes only its own writes.
fn run_batch(conn: &mut Connection, jobs: &mut [Job]) -> Result<(), String> {
    if !conn.is_autocommit() {
        // Left open by a rollback that failed: start clean rather than fail every batch after.
        let _ = conn.execute_batch("ROLLBACK");
    }
    let begin = |conn: &mut Connection| {
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| e.to_string())
    };
    begin(conn)?;
    if jobs.iter_mut().all(|j| j.run(conn)) {
        return commit(conn);
    }
    conn.execute_batch("ROLLBACK").map_err(|e| e.to_string())?;
    begin(conn)?;
    for job in jobs.iter_mut() {
        let savepoint = conn
            .prepare_cached("SAVEPOINT job")
            .and_then(|mut s| s.execute([]));
        if let Err(e) = savepoint {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e.to_string());
        }
        let end = if job.run(conn) {
            conn.prepare_cached("RELEASE job")
                .and_then(|mut s| s.execute([]))
        } else {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")
                .map(|_| 0)
        };
        if let Err(e) = end {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e.to_string());
        }
    }
    commit(conn)
}

fn commit(conn: &Connection) -> Result<(), String> {
    conn.prepare_cached("COMMIT")
        .and_then(|mut s| s.execute([]))
        .map(|_| ())
        .map_err(|e| {
            // A failed COMMIT can leave the transaction open; end it so the next batch starts clean.
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            e.to_string()
        })
}
