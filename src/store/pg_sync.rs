//! The connections the store's query functions run on: rust-postgres's blocking client (the
//! `postgres` crate, tokio-postgres under a runtime of its own per connection), used on the
//! blocking pool. Each statement's network work happens on the thread that runs the query
//! function, instead of a hand-off to the runtime and back for every statement, which on a busy
//! machine cost as much as the statement itself.

use super::StoreError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A connection and the statements prepared on it (by their SQL as sent).
pub(super) struct Conn {
    pub(super) client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

impl Conn {
    /// A prepared statement for `sql`, from this connection's cache or prepared now.
    pub(super) fn statement(
        &mut self,
        sql: String,
    ) -> Result<postgres::Statement, postgres::Error> {
        if let Some(s) = self.statements.get(&sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

type Job = Box<dyn FnOnce(&mut Option<Conn>) + Send>;

/// `size` threads of our own, each with its connection (opened when first needed, opened again
/// after it broke), taking the store's calls from one queue. Not tokio's blocking pool: the
/// blocking client runs a small runtime of its own, which tokio refuses to start on its threads.
pub(super) struct Pool {
    queue: Mutex<Option<std::sync::mpsc::Sender<Job>>>,
    url: String,
}

impl Pool {
    pub(super) fn new(config: postgres::Config, size: usize, url: String) -> Pool {
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
                        if conn.as_ref().is_some_and(|c| c.client.is_closed()) {
                            conn = None;
                        }
                        if conn.is_none() {
                            match config.connect(postgres::NoTls) {
                                Ok(client) => {
                                    conn = Some(Conn {
                                        client,
                                        statements: HashMap::new(),
                                    })
                                }
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
