//! The SQLite side of `db migrate-to`: the file opened read-only, one read transaction (a
//! consistent snapshot even if the bot were still writing), the tables found in its schema in an
//! order that satisfies their foreign keys, their row counts and score checksums, and then their
//! rows, streamed in batches to the PostgreSQL side from the same snapshot.

use super::value::{convert, PgValue};
use super::{Checksum, CopyError, CHECKSUMS};
use crate::store::MIGRATIONS;
use rusqlite::{Connection, OpenFlags};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Rows sent to PostgreSQL at a time.
pub const BATCH: usize = 2000;

/// A table to copy: its name and its columns, in SQLite's order.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
}

/// What the snapshot holds, read before any row is copied.
#[derive(Debug)]
pub struct Plan {
    /// Parents before children.
    pub tables: Vec<Table>,
    pub checksums: Vec<Checksum>,
    /// `sqlite_sequence`: the highest id each AUTOINCREMENT table ever gave (ids of deleted rows
    /// included), so PostgreSQL's identities do not give them again.
    pub sequences: BTreeMap<String, i64>,
}

/// An open snapshot of the SQLite file.
pub struct Source {
    conn: Connection,
}

/// `name` quoted as an SQL identifier (the same syntax on both engines).
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Source {
    /// Opens `path` read-only and starts the read transaction; refuses a missing file, a file
    /// that is not the bot's database, or one of another schema version than this build's.
    pub fn open(path: &Path) -> Result<Source, CopyError> {
        if !path.is_file() {
            return Err(CopyError::NoFile(path.display().to_string()));
        }
        let open = |e: rusqlite::Error| CopyError::Sqlite {
            what: format!("cannot read {}", path.display()),
            detail: e.to_string(),
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open)?;
        conn.busy_timeout(crate::store::BUSY_TIMEOUT)
            .map_err(open)?;
        // Deferred: the snapshot is taken by the first read below and kept to the end.
        conn.execute_batch("BEGIN").map_err(open)?;
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(open)?;
        let known = MIGRATIONS.len() as u32;
        if version == 0 {
            return Err(CopyError::NotTheBots(path.display().to_string()));
        }
        if version != known {
            return Err(CopyError::Version {
                path: path.display().to_string(),
                found: version,
                known,
            });
        }
        Ok(Source { conn })
    }

    fn sqlite(&self, what: &str, e: rusqlite::Error) -> CopyError {
        CopyError::Sqlite {
            what: what.to_string(),
            detail: e.to_string(),
        }
    }

    /// The tables (without SQLite's own and any migration bookkeeping), in foreign-key order,
    /// with their counts and the score checksums.
    pub fn plan(&self) -> Result<Plan, CopyError> {
        let err = |e| self.sqlite("cannot read the SQLite schema", e);
        let names: Vec<String> = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table'
                   AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations'
                 ORDER BY name",
            )
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(err)?;
        let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut tables = BTreeMap::new();
        for name in &names {
            let columns: Vec<String> = self
                .conn
                .prepare(&format!("PRAGMA table_info({})", ident(name)))
                .and_then(|mut s| s.query_map([], |r| r.get(1))?.collect())
                .map_err(err)?;
            let refs: BTreeSet<String> = self
                .conn
                .prepare(&format!("PRAGMA foreign_key_list({})", ident(name)))
                .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(2))?.collect())
                .map_err(err)?;
            let rows: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {}", ident(name)), [], |r| {
                    r.get(0)
                })
                .map_err(|e| self.sqlite(&format!("cannot count the rows of {name}"), e))?;
            parents.insert(
                name.clone(),
                refs.into_iter().filter(|p| p != name).collect(),
            );
            tables.insert(
                name.clone(),
                Table {
                    name: name.clone(),
                    columns,
                    rows: rows as u64,
                },
            );
        }
        let tables = ordered(tables, &parents)?;
        let checksums = CHECKSUMS
            .iter()
            .filter(|c| names.iter().any(|n| n == c.table))
            .map(|c| {
                self.conn
                    .query_row(c.sqlite, [], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map(|(count, sum)| Checksum {
                        label: c.label,
                        count,
                        sum,
                    })
                    .map_err(|e| self.sqlite(&format!("cannot sum {}", c.label), e))
            })
            .collect::<Result<_, _>>()?;
        let sequences = if self.has_table("sqlite_sequence")? {
            self.conn
                .prepare("SELECT name, seq FROM sqlite_sequence")
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .map_err(err)?
        } else {
            BTreeMap::new()
        };
        Ok(Plan {
            tables,
            checksums,
            sequences,
        })
    }

    fn has_table(&self, name: &str) -> Result<bool, CopyError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [name],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| self.sqlite("cannot read the SQLite schema", e))
    }

    /// Reads `table`'s rows (by rowid, so ids arrive in order), converted to the PostgreSQL
    /// types `types` gives for its columns, and hands them to `send` in batches of `BATCH`.
    /// Returns how many NUL characters were replaced. Stops when `send` says `false` (the
    /// PostgreSQL side gave up).
    pub fn stream(
        &self,
        table: &Table,
        types: &[postgres_types::Type],
        send: &mut dyn FnMut(Vec<Vec<PgValue>>) -> bool,
    ) -> Result<u64, CopyError> {
        let cols: Vec<String> = table.columns.iter().map(|c| ident(c)).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY rowid",
            cols.join(", "),
            ident(&table.name)
        );
        let err = |e| self.sqlite(&format!("cannot read the rows of {}", table.name), e);
        // WITHOUT ROWID tables have no rowid: read them in their key's order.
        let mut stmt = match self.conn.prepare(&sql) {
            Ok(s) => s,
            Err(_) => self
                .conn
                .prepare(&format!(
                    "SELECT {} FROM {}",
                    cols.join(", "),
                    ident(&table.name)
                ))
                .map_err(err)?,
        };
        let mut rows = stmt.query([]).map_err(err)?;
        let mut batch = Vec::with_capacity(BATCH);
        let mut nuls = 0u64;
        let mut n = 0u64;
        while let Some(row) = rows.next().map_err(err)? {
            n += 1;
            let mut out = Vec::with_capacity(types.len());
            for (i, ty) in types.iter().enumerate() {
                let raw = row.get_ref(i).map_err(err)?;
                let (v, replaced) = convert(raw, ty).map_err(|detail| CopyError::Value {
                    table: table.name.clone(),
                    column: table.columns[i].clone(),
                    row: n,
                    detail,
                })?;
                nuls += replaced;
                out.push(v);
            }
            batch.push(out);
            if batch.len() == BATCH
                && !send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
            {
                return Ok(nuls);
            }
        }
        if !batch.is_empty() {
            send(batch);
        }
        Ok(nuls)
    }
}

/// The tables with each one after the tables its foreign keys reference (Kahn's algorithm, by
/// name among equals, so the order is the same every run).
fn ordered(
    mut tables: BTreeMap<String, Table>,
    parents: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Vec<Table>, CopyError> {
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let ready: Vec<String> = tables
            .keys()
            .filter(|t| {
                parents.get(*t).is_none_or(|ps| {
                    ps.iter()
                        .all(|p| done.contains(p) || !parents.contains_key(p))
                })
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(CopyError::Cycle(tables.keys().cloned().collect()));
        }
        for t in ready {
            if let Some(table) = tables.remove(&t) {
                out.push(table);
            }
            done.insert(t);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        Table {
            name: name.into(),
            columns: vec![],
            rows: 0,
        }
    }

    #[test]
    fn parents_come_before_children() {
        let tables: BTreeMap<String, Table> =
            ["adjustments", "answers", "audit_log", "guilds", "rounds"]
                .into_iter()
                .map(|n| (n.to_string(), table(n)))
                .collect();
        let mut parents = BTreeMap::new();
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        parents.insert("adjustments".to_string(), set(&["audit_log"]));
        parents.insert("answers".to_string(), set(&["rounds"]));
        parents.insert("rounds".to_string(), set(&["guilds"]));
        parents.insert("audit_log".to_string(), set(&[]));
        parents.insert("guilds".to_string(), set(&[]));
        let order: Vec<String> = ordered(tables, &parents)
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        let at = |n: &str| order.iter().position(|t| t == n).unwrap();
        assert!(at("guilds") < at("rounds") && at("rounds") < at("answers"));
        assert!(at("audit_log") < at("adjustments"));
    }

    #[test]
    fn a_cycle_is_refused_by_name() {
        let tables: BTreeMap<String, Table> = ["a", "b"]
            .into_iter()
            .map(|n| (n.to_string(), table(n)))
            .collect();
        let mut parents = BTreeMap::new();
        parents.insert("a".to_string(), ["b".to_string()].into());
        parents.insert("b".to_string(), ["a".to_string()].into());
        match ordered(tables, &parents) {
            Err(CopyError::Cycle(names)) => assert_eq!(names, vec!["a", "b"]),
            other => panic!("{other:?}"),
        }
    }
}
