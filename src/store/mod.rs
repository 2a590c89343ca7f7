//! SQLite: opening, migrations, and every query, reached from async code without blocking it.
//!
//! One writer thread owns the only write connection. It takes the write requests that are
//! waiting, runs them in one transaction (each in its own savepoint only if one fails), commits,
//! and only then answers them: a member is told "recorded" after the commit, and many concurrent
//! answers share one commit. Reads run on a small pool of read connections under
//! `spawn_blocking`; WAL lets them read while the writer writes. A third thread checkpoints the
//! WAL into the database file (the only step that syncs to disk), so no commit waits for one.

pub mod appeals;
mod attempts;
mod migrate;
mod ports;
pub mod queries;

pub use migrate::{migrate, migrate_to, version, MIGRATIONS};
pub use queries::{BoardQuery, StoredAnswer};

use crate::quiz::*;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the database was written by a newer version of interview-bot (schema {found}; this build knows up to {known}): upgrade interview-bot, or point --db at another file"
    )]
    NewerSchema { found: u32, known: u32 },
    #[error("migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error("the database is shutting down")]
    Closed,
    #[error("the write was not committed: {0}")]
    NotCommitted(String),
    #[error("cannot open the database at {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
}

/// How long a connection waits on a lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// The most write requests that share one transaction.
const MAX_BATCH: usize = 512;
const READERS: usize = 4;
/// How long the writer waits for company before a batch, when writes are arriving together.
/// A commit costs about as much as three answers, so under load a short wait that fills the
/// batch buys throughput for at most this much latency. Of 250 µs to 2 ms, 750 µs did best in
/// `cargo bench --bench endpoint` at 32, 64 and 128 requests in flight.
const LINGER: Duration = Duration::from_micros(750);

/// A write request: run in the writer's transaction, answered after the commit.
trait WriteJob: Send {
    /// Runs the request and keeps its outcome; returns whether it succeeded. After a rollback
    /// it may run again, and the new outcome replaces the old.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers with the kept outcome, or with `commit_error` when its writes were not committed.
    fn answer(self: Box<Self>, commit_error: Option<&str>);
}

struct Request<T, F> {
    f: F,
    outcome: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> WriteJob for Request<T, F>
where
    T: Send + 'static,
    F: Fn(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let outcome = (self.f)(conn);
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn answer(self: Box<Self>, commit_error: Option<&str>) {
        let outcome = match (self.outcome, commit_error) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), None) => Ok(v),
            (_, Some(why)) => Err(StoreError::NotCommitted(why.to_string())),
            (None, None) => Err(StoreError::NotCommitted("the request was not run".into())),
        };
        let _ = self.reply.send(outcome);
    }
}

type Job = Box<dyn WriteJob>;

/// The store handle: cheap to clone, shared by every task.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<Job>>>,
    readers: Mutex<Vec<Connection>>,
    writer_thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "journal_mode", "wal")?;
    // In WAL mode NORMAL syncs at checkpoints, not at every commit: a committed transaction
    // survives the process being killed at any moment, though not a power cut.
    conn.pragma_update(None, "synchronous", "normal")?;
    // A savepoint (the writer's retry after a failed request) copies the pages it changes to a
    // sub-journal: in memory, not a temporary file.
    conn.pragma_update(None, "temp_store", "memory")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn open_conn(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
        path: path.display().to_string(),
        source,
    })?;
    configure(&conn)?;
    Ok(conn)
}

impl Store {
    /// Opens (or creates) the database and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut conn = open_conn(&path, OpenFlags::default())?;
        migrate(&mut conn)?;
        // Checkpoints copy the WAL into the database and sync it: on their own thread, so that
        // a commit (and the members waiting for it) never waits for one.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpointer = Checkpointer::start(open_conn(&path, OpenFlags::default())?);
        let (tx, rx) = mpsc::channel::<Job>();
        let handle = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx, checkpointer))
            .expect("the writer thread starts");
        Ok(Store {
            inner: Arc::new(Inner {
                path,
                writer: Mutex::new(Some(tx)),
                readers: Mutex::new(Vec::new()),
                writer_thread: Mutex::new(Some(handle)),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` in the writer's transaction; resolves once it is committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(Request {
            f,
            outcome: None,
            reply: tx,
        });
        let sender = self
            .inner
            .writer
            .lock()
            .expect("not poisoned")
            .clone()
            .ok_or(StoreError::Closed)?;
        sender.send(job).map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs `f` on a read connection on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner.readers.lock().expect("not poisoned").pop();
            let conn = match conn {
                Some(c) => c,
                None => open_conn(
                    &inner.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?,
            };
            let result = f(&conn);
            let mut pool = inner.readers.lock().expect("not poisoned");
            if pool.len() < READERS {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }

    /// Stops the writer after the requests already sent; later writes get `Closed`.
    pub fn close(&self) {
        self.inner.writer.lock().expect("not poisoned").take();
        if let Some(h) = self
            .inner
            .writer_thread
            .lock()
            .expect("not poisoned")
            .take()
        {
            let _ = h.join();
        }
    }

    pub async fn settings(&self, guild: GuildId) -> Result<GuildSettings, StoreError> {
        self.read(move |c| {
            Ok(queries::settings(c, guild)?.unwrap_or_else(|| GuildSettings::new(guild)))
        })
        .await
    }

    /// Saves a guild's settings and when its next post is due (`None`: nothing scheduled).
    pub async fn save_settings(
        &self,
        s: GuildSettings,
        next_post_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<(), StoreError> {
        self.write(move |c| queries::save_settings(c, &s, next_post_at))
            .await
    }

    pub async fn due_guilds(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<(GuildId, chrono::DateTime<chrono::Utc>)>, StoreError> {
        self.read(move |c| queries::due_guilds(c, now, limit)).await
    }

    pub async fn reschedule(
        &self,
        guild: GuildId,
        was: Option<chrono::DateTime<chrono::Utc>>,
        next: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<bool, StoreError> {
        self.write(move |c| queries::reschedule(c, guild, was, next))
            .await
    }

    /// Sets a guild's next post whatever it was (after a post by hand).
    pub async fn reschedule_any(
        &self,
        guild: GuildId,
        next: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<(), StoreError> {
        self.write(move |c| {
            c.prepare_cached("UPDATE guilds SET next_post_at = ?2 WHERE guild_id = ?1")?
                .execute(rusqlite::params![guild.sql(), next.map(queries::ms)])?;
            Ok(())
        })
        .await
    }

    pub async fn set_status(
        &self,
        guild: GuildId,
        status: Option<String>,
    ) -> Result<(), StoreError> {
        self.write(move |c| queries::set_status(c, guild, status.as_deref()))
            .await
    }

    pub async fn status(&self, guild: GuildId) -> Result<Option<String>, StoreError> {
        self.read(move |c| queries::status(c, guild)).await
    }

    pub async fn due_reveals(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<RoundId>, StoreError> {
        self.read(move |c| queries::due_reveals(c, now, limit))
            .await
    }

    pub async fn unrevealed(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<RoundId>, StoreError> {
        self.read(move |c| queries::unrevealed(c, now, limit)).await
    }

    pub async fn unposted(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<RoundId>, StoreError> {
        self.read(move |c| queries::unposted(c, now, limit)).await
    }

    pub async fn claim_round(
        &self,
        id: RoundId,
        now: chrono::DateTime<chrono::Utc>,
        stale: chrono::Duration,
    ) -> Result<bool, StoreError> {
        self.write(move |c| queries::claim_round(c, id, now, stale))
            .await
    }

    pub async fn release_claim(&self, id: RoundId) -> Result<(), StoreError> {
        self.write(move |c| queries::release_claim(c, id)).await
    }

    pub async fn mark_revealed(
        &self,
        id: RoundId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |c| queries::mark_revealed(c, id, at)).await
    }

    pub async fn create_round(&self, r: NewRound) -> Result<Option<Round>, StoreError> {
        self.write(move |c| queries::create_round(c, &r)).await
    }

    pub async fn round(&self, id: RoundId) -> Result<Option<Round>, StoreError> {
        self.read(move |c| queries::round(c, id)).await
    }

    pub async fn open_round(&self, guild: GuildId) -> Result<Option<Round>, StoreError> {
        self.read(move |c| queries::open_round(c, guild)).await
    }

    pub async fn set_round_message(
        &self,
        id: RoundId,
        channel: ChannelId,
        message: MessageId,
    ) -> Result<(), StoreError> {
        self.write(move |c| queries::set_round_message(c, id, channel, message))
            .await
    }

    pub async fn end_round(&self, id: RoundId, state: RoundState) -> Result<bool, StoreError> {
        self.write(move |c| queries::end_round(c, id, state)).await
    }

    /// Records a daily answer; `Accepted` means it is committed.
    pub async fn record_answer(&self, a: NewAnswer) -> Result<Recorded, StoreError> {
        self.write(move |c| queries::record_answer(c, &a)).await
    }

    pub async fn member_answer(
        &self,
        round: RoundId,
        user: UserId,
    ) -> Result<Option<StoredAnswer>, StoreError> {
        self.read(move |c| queries::member_answer(c, round, user))
            .await
    }

    pub async fn record_practice(&self, p: Practice) -> Result<(), StoreError> {
        self.write(move |c| queries::record_practice(c, &p)).await
    }

    pub async fn leaderboard(&self, q: BoardQuery) -> Result<Leaderboard, StoreError> {
        self.read(move |c| queries::leaderboard(c, &q)).await
    }

    /// One member's place on a board.
    pub async fn rank(&self, q: BoardQuery) -> Result<Option<Standing>, StoreError> {
        self.read(move |c| queries::rank(c, &q)).await
    }

    pub async fn member_stats(
        &self,
        guild: GuildId,
        user: UserId,
    ) -> Result<MemberStats, StoreError> {
        self.read(move |c| queries::member_stats(c, guild, user))
            .await
    }

    pub async fn round_results(
        &self,
        round: RoundId,
        top_n: u32,
    ) -> Result<RoundResults, StoreError> {
        self.read(move |c| queries::round_results(c, round, top_n))
            .await
    }

    pub async fn asked_questions(&self, guild: GuildId) -> Result<Vec<String>, StoreError> {
        self.read(move |c| queries::asked_questions(c, guild)).await
    }

    pub async fn skip_day(
        &self,
        guild: GuildId,
        day: chrono::NaiveDate,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        self.write(move |c| queries::skip_day(c, guild, day, at))
            .await
    }

    pub async fn round_on_day(
        &self,
        guild: GuildId,
        day: chrono::NaiveDate,
    ) -> Result<Option<Round>, StoreError> {
        self.read(move |c| queries::round_on_day(c, guild, day))
            .await
    }

    /// An online backup to `dest` with SQLite's backup API, while the bot keeps running.
    pub async fn backup(&self, dest: PathBuf) -> Result<(), StoreError> {
        self.read(move |c| {
            c.backup(rusqlite::DatabaseName::Main, &dest, None)?;
            Ok(())
        })
        .await
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.writer.lock().map(|mut w| w.take()).ok();
        if let Ok(mut h) = self.writer_thread.lock() {
            if let Some(h) = h.take() {
                let _ = h.join();
            }
        }
    }
}

/// The writer: batches the waiting requests into one transaction, commits, and answers them all.
fn writer_loop(mut conn: Connection, rx: mpsc::Receiver<Job>, checkpointer: Checkpointer) {
    let mut last_batch = 0usize;
    while let Ok(first) = rx.recv() {
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
        let committed = run_batch(&mut conn, &mut jobs);
        if committed.is_ok() {
            checkpointer.nudge();
        }
        let why = committed.err();
        jobs.into_iter().for_each(|j| j.answer(why.as_deref()));
    }
    // The checkpointer first: closing the write connection last lets SQLite fold the WAL in.
    drop(checkpointer);
    drop(conn);
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
struct Checkpointer {
    shared: Arc<(Mutex<CheckpointState>, std::sync::Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    fn start(conn: Connection) -> Checkpointer {
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
    fn nudge(&self) {
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
