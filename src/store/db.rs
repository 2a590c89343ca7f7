//! One SQL interface over both backends: every query function of the store takes `&dyn Db` and
//! runs on SQLite (a rusqlite connection of the writer or a reader) or on PostgreSQL (a pooled
//! client inside its transaction, see `pg`), without knowing which.
//!
//! The methods have rusqlite's names and shapes (`query_row`, `execute`, `prepare_cached`,
//! `query_map`, `optional()` on the result), and values go through rusqlite's `ToSql` and
//! `FromSql`, so one function and one SQL text serve both. The SQL is written in the dialect both
//! engines speak: `?` placeholders (numbered `$1..` for PostgreSQL here), `RETURNING` instead of
//! `last_insert_rowid()`, `ON CONFLICT`, integers for booleans; where the two must differ
//! (`FOR UPDATE SKIP LOCKED`), the query asks `backend()`.

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::ToSql;

pub use rusqlite::Error;
pub type Result<T> = std::result::Result<T, Error>;

/// Which engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection in a transaction: the object-safe core each backend implements. Use the generic
/// methods of `dyn Db` (below) rather than these.
pub trait Db {
    fn backend(&self) -> Backend;
    /// Runs `sql` with `params`, calling `each` for the rows it returns while `each` says `true`.
    fn run_query(
        &self,
        sql: &str,
        params: &dyn Params,
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()>;
    /// Runs a statement that returns no rows; the number of rows it changed.
    fn run_execute(&self, sql: &str, params: &dyn Params) -> Result<usize>;
    /// Runs a write whose result nobody reads. A backend may hold it back and send it with the
    /// next statement or the commit (PostgreSQL, in a transaction), so its error may come from
    /// either of those.
    fn run_write(&self, sql: &str, params: &dyn Params) -> Result<()> {
        self.run_execute(sql, params).map(|_| ())
    }
    /// Runs several statements with no parameters.
    fn run_batch(&self, sql: &str) -> Result<()>;
    /// The rusqlite connection, for what only SQLite has (backups, pragmas).
    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        None
    }
}

impl dyn Db + '_ {
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut f = Some(f);
        let mut out = None;
        self.run_query(sql, &params, &mut |r| {
            if let Some(f) = f.take() {
                out = Some(f(r)?);
            }
            Ok(false)
        })?;
        out.ok_or(Error::QueryReturnedNoRows)
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.run_execute(sql, &params)
    }

    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        self.run_batch(sql)
    }

    /// Runs writes that do not read what the others write (each sees the rows as they were
    /// before all of them) and whose results nobody reads: on SQLite one statement each, in
    /// order; on PostgreSQL as one statement, sent with the transaction's next statement or its
    /// commit, so that its error, if any, comes from there.
    pub fn execute_all(&self, writes: Vec<Write>) -> Result<()> {
        if self.backend() == Backend::Postgres && writes.len() > 1 {
            let (sql, params) = combined(writes);
            return self.run_write(&sql, &params);
        }
        for w in &writes {
            self.run_write(w.sql, &w.params)?;
        }
        Ok(())
    }

    /// A statement to run once or more (prepared and cached per connection by each backend).
    pub fn prepare_cached<'a>(&'a self, sql: &'a str) -> Result<Statement<'a>> {
        Ok(Statement { db: self, sql })
    }

    pub fn prepare<'a>(&'a self, sql: &'a str) -> Result<Statement<'a>> {
        self.prepare_cached(sql)
    }
}

/// A statement of a [`Db`]; its rows are read in full when it runs.
pub struct Statement<'a> {
    db: &'a dyn Db,
    sql: &'a str,
}

impl Statement<'_> {
    pub fn query_map<T, P, F>(&mut self, params: P, mut f: F) -> Result<Mapped<T>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let mut out = Vec::new();
        self.db.run_query(self.sql, &params, &mut |r| {
            out.push(f(r));
            Ok(true)
        })?;
        Ok(Mapped(out.into_iter()))
    }

    pub fn query_row<T, P, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.db.query_row(self.sql, params, f)
    }

    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        self.db.run_execute(self.sql, &params)
    }

    /// Calls `f` for each row while it returns `true`.
    pub fn for_each<P, F>(&mut self, params: P, mut f: F) -> Result<()>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        self.db.run_query(self.sql, &params, &mut f)
    }

    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        let mut any = false;
        self.db.run_query(self.sql, &params, &mut |_| {
            any = true;
            Ok(false)
        })?;
        Ok(any)
    }
}

/// The mapped rows of [`Statement::query_map`].
pub struct Mapped<T>(std::vec::IntoIter<Result<T>>);

impl<T> Iterator for Mapped<T> {
    type Item = Result<T>;
    fn next(&mut self) -> Option<Result<T>> {
        self.0.next()
    }
}

/// One row of a result, from either backend.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a tokio_postgres::Row),
}

impl Row<'_> {
    pub fn get<I: Index, T: rusqlite::types::FromSql>(&self, idx: I) -> Result<T> {
        match self {
            Row::Sqlite(r) => idx.get_sqlite(r),
            Row::Postgres(r) => {
                let i = idx.position(r)?;
                let v = super::pg::value(r, i)?;
                T::column_result(ValueRef::from(&v)).map_err(|e| match e {
                    rusqlite::types::FromSqlError::InvalidType => {
                        Error::InvalidColumnType(i, r.columns()[i].name().into(), v.data_type())
                    }
                    other => Error::FromSqlConversionFailure(i, v.data_type(), Box::new(other)),
                })
            }
        }
    }

    /// The column's value as it is stored (NULL, integer, real, text or bytes).
    pub fn get_value<I: Index>(&self, idx: I) -> Result<Value> {
        self.get::<I, Value>(idx)
    }
}

/// A column position or name.
pub trait Index: Copy {
    fn get_sqlite<T: rusqlite::types::FromSql>(self, r: &rusqlite::Row<'_>) -> Result<T>;
    fn position(self, r: &tokio_postgres::Row) -> Result<usize>;
}

impl Index for usize {
    fn get_sqlite<T: rusqlite::types::FromSql>(self, r: &rusqlite::Row<'_>) -> Result<T> {
        r.get(self)
    }
    fn position(self, r: &tokio_postgres::Row) -> Result<usize> {
        if self < r.len() {
            Ok(self)
        } else {
            Err(Error::InvalidColumnIndex(self))
        }
    }
}

impl Index for &str {
    fn get_sqlite<T: rusqlite::types::FromSql>(self, r: &rusqlite::Row<'_>) -> Result<T> {
        r.get(self)
    }
    fn position(self, r: &tokio_postgres::Row) -> Result<usize> {
        r.columns()
            .iter()
            .position(|c| c.name().eq_ignore_ascii_case(self))
            .ok_or_else(|| Error::InvalidColumnName(self.into()))
    }
}

/// A statement's parameters: what rusqlite takes (`params![..]`, arrays, `()`), read one by one.
pub trait Params {
    fn count(&self) -> usize;
    fn param(&self, i: usize) -> &dyn ToSql;
}

impl Params for &[&dyn ToSql] {
    fn count(&self) -> usize {
        self.len()
    }
    fn param(&self, i: usize) -> &dyn ToSql {
        self[i]
    }
}

impl Params for Vec<Value> {
    fn count(&self) -> usize {
        self.len()
    }
    fn param(&self, i: usize) -> &dyn ToSql {
        &self[i]
    }
}

impl Params for () {
    fn count(&self) -> usize {
        0
    }
    fn param(&self, _: usize) -> &dyn ToSql {
        unreachable!("no parameters")
    }
}

impl Params for [&(dyn ToSql + Send + Sync); 0] {
    fn count(&self) -> usize {
        0
    }
    fn param(&self, _: usize) -> &dyn ToSql {
        unreachable!("no parameters")
    }
}

macro_rules! array_params {
    ($($n:literal)*) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn count(&self) -> usize {
                $n
            }
            fn param(&self, i: usize) -> &dyn ToSql {
                &self[i]
            }
        }
    )*};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// A write and its parameters, owned, to run with others by [`execute_all`](#method.execute_all).
#[derive(Debug, Clone)]
pub struct Write {
    pub sql: &'static str,
    pub params: Vec<Value>,
}

impl Write {
    pub fn new(sql: &'static str, params: &[&dyn ToSql]) -> Result<Write> {
        Ok(Write {
            sql,
            params: params.iter().map(|p| owned(*p)).collect::<Result<_>>()?,
        })
    }
}

/// Several writes as one PostgreSQL statement: all but the last as data-modifying `WITH` parts,
/// their placeholders numbered one after another.
fn combined(writes: Vec<Write>) -> (String, Vec<Value>) {
    let mut sql = String::from("WITH ");
    let mut params: Vec<Value> = Vec::new();
    let last = writes.len().saturating_sub(1);
    for (i, w) in writes.into_iter().enumerate() {
        let part = renumbered(w.sql, params.len() as u32, '?');
        match i {
            _ if i == last => sql.push_str(&format!(" {part}")),
            0 => sql.push_str(&format!("w0 AS ({part})")),
            _ => sql.push_str(&format!(", w{i} AS ({part})")),
        }
        params.extend(w.params);
    }
    (sql, params)
}

/// A parameter's value as rusqlite would bind it.
pub(super) fn owned(p: &dyn ToSql) -> Result<Value> {
    Ok(match p.to_sql()? {
        ToSqlOutput::Borrowed(v) => v.into(),
        ToSqlOutput::Owned(v) => v,
        other => {
            return Err(Error::ToSqlConversionFailure(
                format!("a parameter PostgreSQL cannot take: {other:?}").into(),
            ))
        }
    })
}

impl Db for rusqlite::Connection {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn run_query(
        &self,
        sql: &str,
        params: &dyn Params,
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        let mut stmt = self.prepare_cached(sql)?;
        bind(&mut stmt, params)?;
        let mut rows = stmt.raw_query();
        while let Some(r) = rows.next()? {
            if !each(&Row::Sqlite(r))? {
                break;
            }
        }
        Ok(())
    }

    fn run_execute(&self, sql: &str, params: &dyn Params) -> Result<usize> {
        let mut stmt = self.prepare_cached(sql)?;
        bind(&mut stmt, params)?;
        stmt.raw_execute()
    }

    fn run_batch(&self, sql: &str) -> Result<()> {
        self.execute_batch(sql)
    }

    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        Some(self)
    }
}

fn bind(stmt: &mut rusqlite::CachedStatement<'_>, params: &dyn Params) -> Result<()> {
    let expected = stmt.parameter_count();
    if params.count() != expected {
        return Err(Error::InvalidParameterCount(params.count(), expected));
    }
    for i in 0..params.count() {
        stmt.raw_bind_parameter(i + 1, params.param(i))?;
    }
    Ok(())
}

/// A statement as PostgreSQL takes it: SQLite's index hints (`INDEXED BY name`, which pin a plan
/// SQLite's planner would miss) dropped, since PostgreSQL's planner picks its own; `?` and `?N`
/// placeholders as `$N`.
pub(super) fn for_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut words = sql.split_inclusive(char::is_whitespace).peekable();
    while let Some(w) = words.next() {
        if w.trim_end() == "INDEXED" && words.peek().map(|b| b.trim_end()) == Some("BY") {
            words.next();
            // The index's name, and the space after it.
            words.next();
            continue;
        }
        out.push_str(w);
    }
    numbered(&out)
}

/// `?` and `?N` placeholders as PostgreSQL's `$N` (outside quoted text).
fn numbered(sql: &str) -> String {
    renumbered(sql, 0, '$')
}

/// `?` and `?N` placeholders as `{mark}N`, each number moved up by `offset` (outside quoted text).
fn renumbered(sql: &str, offset: u32, mark: char) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    // SQLite numbers a bare `?` one past the largest number given so far.
    let mut largest = 0u32;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                out.push(mark);
                let n = if digits.is_empty() {
                    largest + 1
                } else {
                    digits.parse().unwrap_or(0)
                };
                largest = largest.max(n);
                out.push_str(&(n + offset).to_string());
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_hints_are_dropped_for_postgres() {
        let words = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            words(for_postgres(
                "SELECT x FROM rounds INDEXED BY rounds_open WHERE a = ?1\n  AND b = ?"
            )),
            "SELECT x FROM rounds WHERE a = $1 AND b = $2"
        );
        assert_eq!(
            words(for_postgres(
                "FROM answers AS a INDEXED BY answers_by_topic\n JOIN t"
            )),
            "FROM answers AS a JOIN t"
        );
    }

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ? AND c = ? AND d = '?'"),
            "SELECT a FROM t WHERE b = $1 AND c = $2 AND d = '?'"
        );
        assert_eq!(
            numbered("UPDATE t SET a = ?2 WHERE id = ?1 AND ?2 > 0"),
            "UPDATE t SET a = $2 WHERE id = $1 AND $2 > 0"
        );
    }

    #[test]
    fn writes_combine_into_one_statement_with_their_placeholders_in_turn() {
        let writes = [
            Write::new("INSERT INTO a (x, y) VALUES (?1, ?2)", &[&1i64, &"one"]).unwrap(),
            Write::new("UPDATE b SET y = ? WHERE x = ?", &[&"two", &2i64]).unwrap(),
            Write::new(
                "INSERT INTO c (x) VALUES (?1) ON CONFLICT (x) DO UPDATE SET n = c.n + ?1",
                &[&3i64],
            )
            .unwrap(),
        ];
        let (sql, params) = combined(Vec::from(writes));
        assert_eq!(
            for_postgres(&sql),
            "WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), w1 AS (UPDATE b SET y = $3 WHERE x = $4) \
             INSERT INTO c (x) VALUES ($5) ON CONFLICT (x) DO UPDATE SET n = c.n + $5"
        );
        assert_eq!(
            params,
            vec![
                Value::Integer(1),
                Value::Text("one".into()),
                Value::Text("two".into()),
                Value::Integer(2),
                Value::Integer(3)
            ]
        );
    }

    #[test]
    fn sqlite_runs_the_generic_methods() {
        use rusqlite::params;
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let db: &dyn Db = &conn;
        db.execute_batch("CREATE TABLE t (a INTEGER, b TEXT)")
            .unwrap();
        db.execute("INSERT INTO t VALUES (?, ?)", params![1i64, "x"])
            .unwrap();
        db.execute("INSERT INTO t VALUES (?1, ?2)", [2i64, 3])
            .unwrap();
        let b: String = db
            .query_row("SELECT b FROM t WHERE a = ?", [1i64], |r| r.get("b"))
            .unwrap();
        assert_eq!(b, "x");
        let all: Vec<i64> = db
            .prepare_cached("SELECT a FROM t ORDER BY a")
            .unwrap()
            .query_map((), |r| r.get(0))
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(all, [1, 2]);
        use rusqlite::OptionalExtension;
        let none: Option<i64> = db
            .query_row("SELECT a FROM t WHERE a = 9", [], |r| r.get(0))
            .optional()
            .unwrap();
        assert_eq!(none, None);
        assert!(matches!(
            db.execute("INSERT INTO t VALUES (?, ?)", [1i64]),
            Err(Error::InvalidParameterCount(1, 2))
        ));
    }
}
