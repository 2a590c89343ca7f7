//! PostgreSQL: the second backend of the store, for several replicas over one shared database.
//!
//! The store's query functions are the same as on SQLite (see `db`); here they run on one of a
//! fixed set of connections, each on a thread of its own (`pg_sync`): a read
//! outside any transaction (each statement its own snapshot, as on SQLite), a write in one
//! transaction per store call. A write runs at REPEATABLE READ (snapshot isolation, what
//! PostgreSQL, CockroachDB and YugabyteDB all provide): the rules that must hold across replicas
//! rest on unique keys and conditional updates, and a transaction that loses a race on one row
//! (SQLSTATE 40001, a deadlock, 40P01, or a unique key taken since it looked, 23505) is run again
//! from the start, as SQLite's single writer would have run it after the other.

use super::db::{self, Backend, Db, Params, Row};
use super::StoreError;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use postgres_types::{to_sql_checked, FromSql, IsNull, ToSql, Type};
use rusqlite::types::Value;
use std::cell::{Cell, RefCell};
use std::error::Error as StdError;
use std::time::Duration;
use tokio::runtime::Handle;
use tokio_postgres::error::SqlState;

/// How many times a transaction that lost a race is run again before its caller is told.
const RETRIES: u32 = 12;
/// Connections per process for the store's calls, unless the URL's `connection_limit` says
/// otherwise. On the bench's 2-core machine, 8 to 12 connections in all (over every replica)
/// answered fastest; 48 (16 for each of 3 replicas) tripled the p99 (`cargo bench --bench
/// endpoint`): the server's cores, not its connections, are what answers run on.
pub const POOL_SIZE: usize = 8;
/// The most `connection_limit` may ask for.
const MAX_POOL_SIZE: usize = 256;
/// Connections for start-up (migrations) and bulk work (`db migrate-to`), opened as needed.
const BULK_POOL_SIZE: usize = 4;

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The URL without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The URL without our own `connection_limit=N` parameter (PostgreSQL's drivers refuse
/// parameters they do not know), and the connections it asks for ([`POOL_SIZE`] without it).
/// The name is the one Prisma's URLs use for the same thing.
fn connection_limit(url: &str) -> Result<(String, usize), StoreError> {
    let Some((head, query)) = url.split_once('?') else {
        return Ok((url.to_string(), POOL_SIZE));
    };
    let mut size = POOL_SIZE;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.strip_prefix("connection_limit=") {
            Some(n) => {
                size = n
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_POOL_SIZE).contains(n))
                    .ok_or_else(|| StoreError::Postgres {
                        what: format!("the database URL {} is not valid", redacted(url)),
                        detail: format!(
                            "connection_limit must be a whole number from 1 to {MAX_POOL_SIZE}, not {n:?}"
                        ),
                    })?
            }
            None => kept.push(pair),
        }
    }
    let url = match kept.is_empty() {
        true => head.to_string(),
        false => format!("{head}?{}", kept.join("&")),
    };
    Ok((url, size))
}

/// The pool of one PostgreSQL database.
pub struct Pg {
    /// For migrations and bulk work (`with_client`).
    pool: Pool,
    /// For the store's query functions.
    conns: super::pg_sync::Pool,
    url: String,
}

impl Pg {
    /// Connects (the pool opens connections as they are needed; one is opened now, to fail early).
    pub async fn connect(url: &str) -> Result<Pg, StoreError> {
        let (url, size) = &connection_limit(url)?;
        let url = url.as_str();
        let config: tokio_postgres::Config = url.parse().map_err(|e| StoreError::Postgres {
            what: format!("the database URL {} is not valid", redacted(url)),
            detail: format!("{e}"),
        })?;
        let mut conn_config = config.clone();
        if conn_config.get_connect_timeout().is_none() {
            conn_config.connect_timeout(Duration::from_secs(10));
        }
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(BULK_POOL_SIZE)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(10)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Postgres {
                what: "cannot build the database pool".into(),
                detail: e.to_string(),
            })?;
        let pg = Pg {
            pool,
            conns: super::pg_sync::Pool::new(conn_config, *size, redacted(url)),
            url: redacted(url),
        };
        drop(pg.client().await?);
        Ok(pg)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(|e| StoreError::Postgres {
            what: format!("cannot reach the database at {}", self.url),
            detail: e.to_string(),
        })
    }

    /// Runs `f` in a transaction of its own and commits it; runs it again if it lost a race.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(&dyn Db) -> Result<T, StoreError> + Send + 'static,
    {
        self.transaction(f).await
    }

    /// Runs `f` outside a transaction: each statement sees what was committed when it started,
    /// as a read on SQLite does (a read that needs one snapshot, the export, opens a transaction
    /// itself). No BEGIN and COMMIT: two fewer round trips for the common one-statement read.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Db) -> Result<T, StoreError> + Send + 'static,
    {
        self.conns
            .run(move |conn| {
                let conn = RefCell::new(conn);
                let db = PgDb {
                    conn: &conn,
                    failure: Cell::new(None),
                    in_transaction: false,
                };
                f(&db)
            })
            .await
    }

    async fn transaction<T, F>(&self, mut f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&dyn Db) -> Result<T, StoreError> + Send + 'static,
    {
        let url = self.url.clone();
        self.conns
            .run(move |conn| {
                let conn = RefCell::new(conn);
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    // Sent with the transaction's first statement.
                    conn.borrow_mut()
                        .queue_simple("BEGIN ISOLATION LEVEL REPEATABLE READ");
                    let started = std::time::Instant::now();
                    let db = PgDb {
                        conn: &conn,
                        failure: Cell::new(None),
                        in_transaction: true,
                    };
                    let outcome = f(&db);
                    let failure = db.failure.take();
                    let raced = match outcome {
                        Ok(v) => {
                            // With the writes still queued: one of them failing is the commit's
                            // failure (the server then rolls the transaction back).
                            let committed = conn.borrow_mut().batch("COMMIT");
                            crate::metrics::commit(started.elapsed(), committed.is_ok());
                            match committed {
                                Ok(()) => return Ok(v),
                                Err(e) if retryable(e.code()) => true,
                                Err(e) => return Err(pg_error(&url, e)),
                            }
                        }
                        Err(e) => {
                            // A broken connection is not used again (the pool drops it).
                            conn.borrow_mut().drop_queued();
                            let _ = conn.borrow_mut().batch("ROLLBACK");
                            if !retryable(failure.as_ref()) {
                                return Err(e);
                            }
                            true
                        }
                    };
                    if raced && attempt > RETRIES {
                        return Err(StoreError::NotCommitted(format!(
                            "the transaction lost a race with another writer {RETRIES} times"
                        )));
                    }
                    // Lost a race: wait a little, more each time, with jitter, and run it again.
                    let base = 1u64 << attempt.min(6);
                    let jitter = rand::random::<u64>() % (base * 500);
                    std::thread::sleep(Duration::from_micros(base * 500 + jitter));
                }
            })
            .await
    }

    /// Runs `f` on a client outside the store's transactions (migrations, checks).
    pub async fn with_client<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut deadpool_postgres::Object, &Handle) -> Result<T, StoreError>
            + Send
            + 'static,
    {
        let mut client = self.client().await?;
        let rt = Handle::current();
        tokio::task::spawn_blocking(move || f(&mut client, &rt))
            .await
            .map_err(|_| StoreError::Closed)?
    }

    pub fn close(&self) {
        self.conns.close();
        self.pool.close();
    }
}

/// A transaction that failed on one of these lost a race with a concurrent one: a serialization
/// failure or a deadlock, or a unique key another transaction took after this one looked (the
/// store checks before it inserts, as SQLite's one writer allows): run again, it sees the row.
fn retryable(code: Option<&SqlState>) -> bool {
    matches!(
        code,
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::UNIQUE_VIOLATION
    )
}

pub(super) fn pg_error(url: &str, e: tokio_postgres::Error) -> StoreError {
    StoreError::Postgres {
        what: format!("database error at {url}"),
        detail: detail(&e),
    }
}

/// The server's message with its SQLSTATE, or the client's error.
fn detail(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} ({})", d.message(), d.code().code()),
        None => match e.source() {
            Some(s) => format!("{e}: {s}"),
            None => e.to_string(),
        },
    }
}

/// A connection, in a write's transaction or not, as the store's query functions see it.
struct PgDb<'a, 'c> {
    conn: &'a RefCell<&'c mut super::pg_sync::Conn>,
    /// The SQLSTATE of the last statement that failed, for the retry.
    failure: Cell<Option<SqlState>>,
    /// In a write's transaction: writes nobody reads the results of wait for the next
    /// statement or the commit, and go in its round trip.
    in_transaction: bool,
}

impl PgDb<'_, '_> {
    fn fail(&self, e: tokio_postgres::Error) -> db::Error {
        self.failure.set(e.code().cloned());
        as_sqlite_error(e)
    }

    fn statement(&self, sql: &str) -> db::Result<tokio_postgres::Statement> {
        self.conn
            .borrow_mut()
            .statement(sql)
            .map_err(|e| self.fail(e))
    }
}

/// A PostgreSQL error in rusqlite's terms, so the store's error handling serves both backends:
/// an integrity violation is a constraint failure; the rest keep PostgreSQL's message.
fn as_sqlite_error(e: tokio_postgres::Error) -> db::Error {
    use rusqlite::ffi;
    let constraint = match e.code() {
        Some(c) if *c == SqlState::UNIQUE_VIOLATION => Some(ffi::SQLITE_CONSTRAINT_UNIQUE),
        Some(c) if *c == SqlState::FOREIGN_KEY_VIOLATION => Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
        Some(c) if *c == SqlState::NOT_NULL_VIOLATION => Some(ffi::SQLITE_CONSTRAINT_NOTNULL),
        Some(c) if *c == SqlState::CHECK_VIOLATION => Some(ffi::SQLITE_CONSTRAINT_CHECK),
        _ => None,
    };
    match constraint {
        Some(code) => db::Error::SqliteFailure(ffi::Error::new(code), Some(detail(&e))),
        None => db::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_ERROR), Some(detail(&e))),
    }
}

impl Db for PgDb<'_, '_> {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn run_query(
        &self,
        sql: &str,
        params: &dyn Params,
        each: &mut dyn FnMut(&Row<'_>) -> db::Result<bool>,
    ) -> db::Result<()> {
        let stmt = self.statement(sql)?;
        let values = values(params)?;
        let rows = self
            .conn
            .borrow_mut()
            .query(&stmt, &values)
            .map_err(|e| self.fail(e))?;
        for r in &rows {
            if !each(&Row::Postgres(r))? {
                break;
            }
        }
        Ok(())
    }

    fn run_execute(&self, sql: &str, params: &dyn Params) -> db::Result<usize> {
        let stmt = self.statement(sql)?;
        let values = values(params)?;
        let n = self
            .conn
            .borrow_mut()
            .execute(&stmt, &values)
            .map_err(|e| self.fail(e))?;
        Ok(n as usize)
    }

    fn run_write(&self, sql: &str, params: &dyn Params) -> db::Result<()> {
        if !self.in_transaction {
            return self.run_execute(sql, params).map(|_| ());
        }
        let stmt = self.statement(sql)?;
        let values = values(params)?;
        self.conn.borrow_mut().queue_write(stmt, values);
        Ok(())
    }

    fn run_batch(&self, sql: &str) -> db::Result<()> {
        self.conn.borrow_mut().batch(sql).map_err(|e| self.fail(e))
    }
}

fn values(params: &dyn Params) -> db::Result<Vec<Param>> {
    (0..params.count())
        .map(|i| db::owned(params.param(i)).map(Param))
        .collect()
}

/// A parameter, bound as the type PostgreSQL inferred for its place.
#[derive(Debug)]
pub(super) struct Param(Value);

type BoxError = Box<dyn StdError + Sync + Send>;

fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}

impl ToSql for Param {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        match (&self.0, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Integer(v), &Type::INT8) => v.to_sql(ty, out),
            (Value::Integer(v), &Type::INT4) => i32::try_from(*v)?.to_sql(ty, out),
            (Value::Integer(v), &Type::INT2) => i16::try_from(*v)?.to_sql(ty, out),
            (Value::Integer(v), &Type::BOOL) => (*v != 0).to_sql(ty, out),
            (Value::Integer(v), &Type::FLOAT8) => (*v as f64).to_sql(ty, out),
            (Value::Integer(v), &Type::FLOAT4) => (*v as f32).to_sql(ty, out),
            (Value::Integer(v), t) if is_text(t) => v.to_string().to_sql(&Type::TEXT, out),
            (Value::Real(v), &Type::FLOAT8) => v.to_sql(ty, out),
            (Value::Real(v), &Type::FLOAT4) => (*v as f32).to_sql(ty, out),
            (Value::Real(v), t) if is_text(t) => v.to_string().to_sql(&Type::TEXT, out),
            // PostgreSQL's text holds no NUL character (SQLite's does): shown as U+FFFD.
            (Value::Text(s), t) if is_text(t) && s.contains('\0') => {
                s.replace('\0', "\u{fffd}").to_sql(&Type::TEXT, out)
            }
            (Value::Text(s), t) if is_text(t) => s.to_sql(&Type::TEXT, out),
            (Value::Blob(b), &Type::BYTEA) => b.to_sql(ty, out),
            (v, ty) => Err(format!(
                "a {} parameter where PostgreSQL expects {ty}: cast the parameter in the SQL",
                v.data_type()
            )
            .into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column's value, as SQLite would hold it.
struct Column(Value);

impl<'a> FromSql<'a> for Column {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Column(match *ty {
            Type::BOOL => Value::Integer(bool::from_sql(ty, raw)? as i64),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)? as i64),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)? as i64),
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)? as i64),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)? as f64),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            _ if is_text(ty) => Value::Text(String::from_sql(&Type::TEXT, raw)?),
            _ => {
                return Err(format!("a column of type {ty}, which the store does not read").into())
            }
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Column(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A NUMERIC (what PostgreSQL's SUM and AVG of integers give): an integer when it has no
/// fraction and fits, a real otherwise. Binary form: digit count, weight, sign, scale, then
/// base-10000 digits.
fn numeric(raw: &[u8]) -> Result<Value, BoxError> {
    let word = |i: usize| -> Result<u16, BoxError> {
        raw.get(i * 2..i * 2 + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "a NUMERIC value cut short".into())
    };
    let (ndigits, weight, sign, scale) = (word(0)?, word(1)? as i16, word(2)?, word(3)?);
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let negative = sign == 0x4000;
    let mut int: Option<i64> = Some(0);
    let mut real = 0f64;
    for k in 0..ndigits as usize {
        let d = word(4 + k)? as i64;
        let power = weight as i32 - k as i32;
        real += d as f64 * 10000f64.powi(power);
        int = match int {
            Some(acc) if power >= 0 => 10000i64
                .checked_pow(power as u32)
                .and_then(|p| d.checked_mul(p))
                .and_then(|x| acc.checked_add(x)),
            Some(acc) if d == 0 => Some(acc),
            _ => None,
        };
    }
    Ok(match int {
        Some(v) if scale == 0 => Value::Integer(if negative { -v } else { v }),
        _ => Value::Real(if negative { -real } else { real }),
    })
}

/// Column `i` of a PostgreSQL row as the value SQLite would give.
pub(super) fn value(row: &tokio_postgres::Row, i: usize) -> db::Result<Value> {
    row.try_get::<_, Column>(i)
        .map(|c| c.0)
        .map_err(|e| db::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Null, e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_may_say_how_many_connections_and_keeps_its_other_parameters() {
        let plain = "postgres://bot@db:5432/quiz";
        assert_eq!(
            connection_limit(plain).unwrap(),
            (plain.to_string(), POOL_SIZE)
        );
        assert_eq!(
            connection_limit("postgres://bot@db/quiz?connection_limit=4").unwrap(),
            ("postgres://bot@db/quiz".to_string(), 4)
        );
        assert_eq!(
            connection_limit(
                "postgres://bot@db/quiz?sslmode=disable&connection_limit=12&application_name=x"
            )
            .unwrap(),
            (
                "postgres://bot@db/quiz?sslmode=disable&application_name=x".to_string(),
                12
            )
        );
        for bad in ["0", "-1", "lots", "100000", ""] {
            let e = connection_limit(&format!(
                "postgres://bot:secret@db/quiz?connection_limit={bad}"
            ))
            .unwrap_err()
            .to_string();
            assert!(
                e.contains("connection_limit must be a whole number from 1 to 256"),
                "{e}"
            );
            assert!(!e.contains("secret"), "{e}");
        }
    }

    fn numeric_bytes(ndigits: u16, weight: i16, sign: u16, scale: u16, digits: &[u16]) -> Vec<u8> {
        let mut v = Vec::new();
        for w in [ndigits, weight as u16, sign, scale]
            .iter()
            .chain(digits.iter())
        {
            v.extend_from_slice(&w.to_be_bytes());
        }
        v
    }

    #[test]
    fn numerics_read_as_integers_or_reals() {
        // 123456789 = 1|2345|6789, weight 2
        let n = numeric(&numeric_bytes(3, 2, 0, 0, &[1, 2345, 6789])).unwrap();
        assert_eq!(n, Value::Integer(123_456_789));
        let n = numeric(&numeric_bytes(1, 0, 0x4000, 0, &[42])).unwrap();
        assert_eq!(n, Value::Integer(-42));
        // 2.5 = 2 | 5000 (weight 0), scale 1
        let n = numeric(&numeric_bytes(2, 0, 0, 1, &[2, 5000])).unwrap();
        assert_eq!(n, Value::Real(2.5));
        // 0: no digits
        assert_eq!(
            numeric(&numeric_bytes(0, 0, 0, 0, &[])).unwrap(),
            Value::Integer(0)
        );
        // 20000 = 2 with weight 1
        assert_eq!(
            numeric(&numeric_bytes(1, 1, 0, 0, &[2])).unwrap(),
            Value::Integer(20000)
        );
    }

    #[test]
    fn urls_lose_their_password_in_messages() {
        assert_eq!(
            redacted("postgres://bot:secret@db.example/quiz"),
            "postgres://bot:***@db.example/quiz"
        );
        assert_eq!(redacted("postgres://bot@db/quiz"), "postgres://bot@db/quiz");
        assert!(is_url("postgresql://x/y") && !is_url("bot.db"));
    }
}
