//! The connections the store's query functions run on: tokio-postgres clients, each driven by a
//! small runtime of its own on a thread of our own, so a statement's network work happens on the
//! thread that runs the query function (no hand-off to the bot's runtime and back for every
//! statement, which on a busy machine cost as much as the statement itself).
//!
//! Statements whose answers nobody waits for ride with the next one, in the same round trip
//! (tokio-postgres pipelines requests polled together): a write's `BEGIN`, and writes whose
//! results are not read (`execute_all`), which go with the next statement or the `COMMIT`. A
//! daily answer is then two round trips (`BEGIN` + its read, its write + `COMMIT`) instead of
//! four; on PostgreSQL every round trip costs both sides CPU.

use super::pg::Param;
use super::StoreError;
use futures_util::future::{join, join_all};
use postgres_types::ToSql;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio_postgres::{Client, Error, Row, Statement};

/// A statement sent ahead of the next one.
enum Queued {
    /// A statement with no parameters, by the simple protocol (`BEGIN ...`).
    Simple(&'static str),
    /// A prepared write and its parameters.
    Write(Statement, Vec<Param>),
}

/// A connection, the runtime that drives it, the statements prepared on it (by the store's SQL)
/// and the statements queued to go with the next one.
pub(super) struct Conn {
    rt: tokio::runtime::Runtime,
    client: Client,
    statements: HashMap<String, Statement>,
    queued: Vec<Queued>,
}

type Ahead<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;

impl Conn {
    fn connect(config: &tokio_postgres::Config) -> Result<Conn, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the connection's runtime: {e}"))?;
        let (client, connection) = rt
            .block_on(config.connect(tokio_postgres::NoTls))
            .map_err(|e| e.to_string())?;
        // Driven whenever the thread waits on the client (inside `block_on`), which is whenever
        // there is anything to send or read.
        rt.spawn(connection);
        Ok(Conn {
            rt,
            client,
            statements: HashMap::new(),
            queued: Vec::new(),
        })
    }

    pub(super) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// A prepared statement for `sql` (the store's SQL, as SQLite takes it), from this
    /// connection's cache, or translated (`for_postgres`) and prepared now.
    pub(super) fn statement(&mut self, sql: &str) -> Result<Statement, Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self
            .rt
            .block_on(self.client.prepare(&super::db::for_postgres(sql)))?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// Sends `sql` (no parameters, no rows) with the next statement.
    pub(super) fn queue_simple(&mut self, sql: &'static str) {
        self.queued.push(Queued::Simple(sql));
    }

    /// Sends a write with the next statement; its error, if any, is that statement's.
    pub(super) fn queue_write(&mut self, stmt: Statement, params: Vec<Param>) {
        self.queued.push(Queued::Write(stmt, params));
    }

    /// Forgets what is queued (a transaction given up before anything was sent).
    pub(super) fn drop_queued(&mut self) {
        self.queued.clear();
    }

    pub(super) fn query(&mut self, stmt: &Statement, params: &[Param]) -> Result<Vec<Row>, Error> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        self.pipelined(|c| c.query(stmt, &refs))
    }

    pub(super) fn execute(&mut self, stmt: &Statement, params: &[Param]) -> Result<u64, Error> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        self.pipelined(|c| c.execute(stmt, &refs))
    }

    pub(super) fn batch(&mut self, sql: &str) -> Result<(), Error> {
        self.pipelined(|c| c.batch_execute(sql))
    }

    /// Sends what is queued, then `last`, in one round trip, and waits for every answer. The
    /// first error is the result: after it, the server refuses the rest of a transaction.
    fn pipelined<'a, T, F, Fut>(&'a mut self, last: F) -> Result<T, Error>
    where
        F: FnOnce(&'a Client) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let queued = std::mem::take(&mut self.queued);
        let this: &'a Conn = &*self;
        let client = &this.client;
        let ahead: Vec<Ahead<'_>> = queued
            .iter()
            .map(|q| -> Ahead<'_> {
                match q {
                    Queued::Simple(sql) => Box::pin(client.batch_execute(sql)),
                    Queued::Write(stmt, params) => Box::pin(async move {
                        let refs: Vec<&(dyn ToSql + Sync)> =
                            params.iter().map(|p| p as _).collect();
                        client.execute(stmt, &refs).await.map(|_| ())
                    }),
                }
            })
            .collect();
        // `join` polls its first future first and `join_all` its futures in order, and a
        // request is sent when its future is first polled: so they go out in this order.
        let (ahead, last) = this.rt.block_on(join(join_all(ahead), last(client)));
        ahead.into_iter().collect::<Result<(), Error>>()?;
        last
    }
}

type Job = Box<dyn FnOnce(&mut Option<Conn>) + Send>;

/// `size` threads of our own, each with its connection (opened when first needed, opened again
/// after it broke), taking the store's calls from one queue. Not tokio's blocking pool: each
/// connection runs a small runtime of its own, which tokio refuses to start on its threads.
pub(super) struct Pool {
    queue: Mutex<Option<std::sync::mpsc::Sender<Job>>>,
    url: String,
}

impl Pool {
    pub(super) fn new(config: tokio_postgres::Config, size: usize, url: String) -> Pool {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..size {
            let rx = rx.clone();
            let config = config.clone();
            let url = url.clone();
            std::thread::Builder::new()
                .name(format!("postgres-{n}"))
                .spawn(move || {
                    let mut conn: Option<Conn> = None;
                    loop {
                        let job = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        if conn.as_ref().is_some_and(Conn::is_closed) {
                            conn = None;
                        }
                        if conn.is_none() {
                            match Conn::connect(&config) {
                                Ok(c) => conn = Some(c),
                                Err(e) => tracing::warn!(db = %url, error = %e, "cannot reach the database"),
                            }
                        }
                        job(&mut conn);
                    }
                })
                .expect("a database thread starts");
        }
        Pool {
            queue: Mutex::new(Some(tx)),
            url,
        }
    }

    /// Runs `f` on one of the pool's connections.
    pub(super) async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let url = self.url.clone();
        let job: Job = Box::new(move |conn: &mut Option<Conn>| {
            let out = match conn {
                Some(c) => f(c),
                None => Err(StoreError::Postgres {
                    what: format!("cannot reach the database at {url}"),
                    detail: "no connection could be opened".into(),
                }),
            };
            let _ = tx.send(out);
        });
        super::send_and_wait(&self.queue, job, rx).await
    }

    /// Stops taking calls; the threads end once the queue is empty.
    pub(super) fn close(&self) {
        self.queue.lock().expect("not poisoned").take();
    }
}
