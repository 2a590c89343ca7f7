//! The store: opening, migrations, and every query, reached from async code without blocking it,
//! over SQLite (the default: a file) or PostgreSQL (a `postgres://` URL, see `pg`). The query
//! functions are the same for both (see `db`); this file runs them.
//!
//! On SQLite:
//! One writer thread owns the only write connection and commits batches of requests before it
//! answers them (`writer`). Reads run on a small pool of read connections under
//! `spawn_blocking`; WAL lets them read while the writer writes. A third thread checkpoints the
//! WAL into the database file (the only step that syncs to disk), so no commit waits for one,
//! and the writer keeps the WAL bounded (`wal`). A database file deleted or replaced under the
//! running bot is noticed, and writes are refused rather than lost (`identity`).

mod admin;
mod answers;
pub mod appeals;
mod attempts;
mod backup;
mod boards;
pub mod db;
mod export;
mod follow_ups;
mod freezes;
mod identity;
mod learning;
mod migrate;
mod ops;
mod past;
pub mod pg;
pub mod pg_copy;
mod pg_migrate;
mod pg_sync;
mod ports;
mod progress;
pub mod queries;
pub mod review;
pub mod roles;
pub mod seasons;
mod shares;
pub mod suggestions;
mod threads;
mod tracks;
mod wal;
mod writer;

pub use boards::BoardQuery;
pub use identity::FileProblem;
pub use migrate::{migrate, migrate_to, version, MIGRATIONS};
pub use ops::OpsCounts;
pub use queries::StoredAnswer;
pub use tracks::ClaimedTrack;
pub use wal::{wal_path, PAUSE, WAL_HARD_LIMIT, WAL_LIMIT};

use crate::quiz::*;
pub use db::{Backend, Db};
use identity::{FileId, Watch};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use wal::Checkpointer;
use writer::{Job, Request};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL could not be reached, or refused a statement outside a query function.
    #[error("{what}: {detail}")]
    Postgres { what: String, detail: String },
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
    /// The database file was deleted or replaced while the bot ran: writes are refused, since
    /// they would go to a file nobody reads again. Members are told nothing was saved.
    #[error(
        "the database file {path} {problem} while interview-bot was running, so nothing is saved: restore the file and restart interview-bot"
    )]
    FileGone { path: String, problem: FileProblem },
}

/// How long a connection waits on a lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const READERS: usize = 4;

/// The store handle: cheap to clone, shared by every task.
#[derive(Clone)]
pub struct Store {
    engine: Engine,
}

#[derive(Clone)]
enum Engine {
    Sqlite(Arc<Inner>),
    Postgres(Arc<pg::Pg>),
}

struct Inner {
    path: PathBuf,
    /// The file the store opened at `path`.
    file: FileId,
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
    // When SQLite starts the WAL over by itself, it cuts the file back to this size (see `wal`).
    conn.pragma_update(None, "journal_size_limit", WAL_HARD_LIMIT as i64)?;
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
        let file = FileId::of(&path);
        let watch = Watch::new(path.clone(), file);
        let (tx, rx) = mpsc::channel::<Job>();
        let handle = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer::writer_loop(conn, rx, watch, checkpointer))
            .expect("the writer thread starts");
        Ok(Store {
            engine: Engine::Sqlite(Arc::new(Inner {
                path,
                file,
                writer: Mutex::new(Some(tx)),
                readers: Mutex::new(Vec::new()),
                writer_thread: Mutex::new(Some(handle)),
            })),
        })
    }

    /// Opens the database `db` names: a `postgres://` (or `postgresql://`) URL connects to
    /// PostgreSQL, anything else is a SQLite file. Either way the schema is brought up to date.
    pub async fn connect(db: &str) -> Result<Store, StoreError> {
        if pg::is_url(db) {
            let pg = pg::Pg::connect(db).await?;
            pg_migrate::migrate(&pg).await?;
            Ok(Store {
                engine: Engine::Postgres(Arc::new(pg)),
            })
        } else {
            let path = PathBuf::from(db);
            tokio::task::spawn_blocking(move || Store::open(path))
                .await
                .map_err(|_| StoreError::Closed)?
        }
    }

    pub fn backend(&self) -> Backend {
        match &self.engine {
            Engine::Sqlite(_) => Backend::Sqlite,
            Engine::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite file, or `None` on PostgreSQL.
    pub fn path(&self) -> Option<&Path> {
        match &self.engine {
            Engine::Sqlite(inner) => Some(&inner.path),
            Engine::Postgres(_) => None,
        }
    }

    /// Where the data lives, for messages: the file, or the URL without its password.
    pub fn location(&self) -> String {
        match &self.engine {
            Engine::Sqlite(inner) => inner.path.display().to_string(),
            Engine::Postgres(pg) => pg.url().to_string(),
        }
    }

    /// Runs `f` in a write transaction; resolves once it is committed. On SQLite the writer runs
    /// it (perhaps again, after another request of its batch failed); on PostgreSQL it runs again
    /// if it lost a race with another writer. Either way it must be safe to run twice.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(&dyn Db) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = match &self.engine {
            Engine::Sqlite(inner) => inner,
            Engine::Postgres(pg) => return pg.write(f).await,
        };
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(Request {
            f,
            outcome: None,
            reply: tx,
        });
        send_and_wait(&inner.writer, job, rx).await
    }

    /// Runs `f` on a read connection on the blocking pool; on either backend each statement sees
    /// what was committed when it started.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Db) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = match &self.engine {
            Engine::Sqlite(inner) => inner.clone(),
            Engine::Postgres(pg) => return pg.read(f).await,
        };
        tokio::task::spawn_blocking(move || {
            let conn = inner.readers.lock().expect("not poisoned").pop();
            let conn = match conn {
                Some(c) => c,
                None => {
                    // Not a new connection to another file at the same path.
                    inner
                        .file
                        .check(&inner.path)
                        .map_err(|problem| StoreError::FileGone {
                            path: inner.path.display().to_string(),
                            problem,
                        })?;
                    open_conn(
                        &inner.path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?
                }
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
        let inner = match &self.engine {
            Engine::Sqlite(inner) => inner,
            Engine::Postgres(pg) => return pg.close(),
        };
        // Idle read connections go first, so that the writer's last checkpoint finds no reader.
        inner.readers.lock().expect("not poisoned").clear();
        inner.writer.lock().expect("not poisoned").take();
        if let Some(h) = inner.writer_thread.lock().expect("not poisoned").take() {
            let _ = h.join();
        }
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

    /// Creates a round in the guild's track 1 (see `create_round_in`).
    pub async fn create_round(&self, r: NewRound) -> Result<Option<Round>, StoreError> {
        self.write(move |c| queries::create_round(c, TrackId::FIRST, &r))
            .await
    }

    /// Tracks: creates the round of a track's day, unless that day has one already.
    pub async fn create_round_in(
        &self,
        track: TrackId,
        r: NewRound,
    ) -> Result<Option<Round>, StoreError> {
        self.write(move |c| queries::create_round(c, track, &r))
            .await
    }

    pub async fn round(&self, id: RoundId) -> Result<Option<Round>, StoreError> {
        self.read(move |c| queries::round(c, id)).await
    }

    /// The guild's latest open round, in any track.
    pub async fn open_round(&self, guild: GuildId) -> Result<Option<Round>, StoreError> {
        self.read(move |c| queries::open_round(c, guild, None))
            .await
    }

    /// Tracks: a track's latest open round.
    pub async fn open_round_in(
        &self,
        guild: GuildId,
        track: TrackId,
    ) -> Result<Option<Round>, StoreError> {
        self.read(move |c| queries::open_round(c, guild, Some(track)))
            .await
    }

    /// Tracks: the guild's open rounds, one per track at most, by track.
    pub async fn open_rounds(&self, guild: GuildId) -> Result<Vec<Round>, StoreError> {
        self.read(move |c| queries::open_rounds(c, guild)).await
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
        self.write(move |c| answers::record_answer(c, &a)).await
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
        self.read(move |c| boards::leaderboard(c, &q)).await
    }

    /// One member's place on a board.
    pub async fn rank(&self, q: BoardQuery) -> Result<Option<Standing>, StoreError> {
        self.read(move |c| boards::rank(c, &q)).await
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
        track: TrackId,
        day: chrono::NaiveDate,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        self.write(move |c| queries::skip_day(c, guild, track, day, at))
            .await
    }

    pub async fn round_on_day(
        &self,
        guild: GuildId,
        track: TrackId,
        day: chrono::NaiveDate,
    ) -> Result<Option<Round>, StoreError> {
        self.read(move |c| queries::round_on_day(c, guild, track, day))
            .await
    }

    /// An online backup to `dest` with SQLite's backup API, while the bot keeps running.
    pub async fn backup(&self, dest: PathBuf) -> Result<(), StoreError> {
        self.read(move |c| {
            sqlite_only(c, "backup")?.backup(rusqlite::DatabaseName::Main, &dest, None)?;
            Ok(())
        })
        .await
    }
}

/// Hands `job` to the thread(s) behind `queue` (the SQLite writer, PostgreSQL's connections) and
/// waits for its answer; a queue that was closed, or a job dropped unanswered, is `Closed`.
pub(crate) async fn send_and_wait<J, T>(
    queue: &Mutex<Option<mpsc::Sender<J>>>,
    job: J,
    answer: oneshot::Receiver<Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let sender = queue
        .lock()
        .expect("not poisoned")
        .clone()
        .ok_or(StoreError::Closed)?;
    sender.send(job).map_err(|_| StoreError::Closed)?;
    answer.await.map_err(|_| StoreError::Closed)?
}

/// The SQLite connection under `c`, for what only SQLite does; on PostgreSQL, an error that
/// says which tool does it there.
pub(crate) fn sqlite_only<'a>(c: &'a dyn Db, what: &str) -> Result<&'a Connection, StoreError> {
    c.sqlite().ok_or_else(|| StoreError::Postgres {
        what: format!("{what} works on a SQLite file"),
        detail: "on PostgreSQL use the server's own tools (pg_dump for a backup)".into(),
    })
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
