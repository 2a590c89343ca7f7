//! The PostgreSQL schema (`migrations/postgres/*.sql`) against SQLite's after every migration
//! in `migrations/`: the same tables, columns in the same order with the same types (mapped),
//! nullability and defaults, primary keys, unique indexes, named indexes (columns, order,
//! partial predicate), foreign keys and number of CHECKs. A migration added to one side alone
//! fails here, which keeps one set of queries and one export valid on both backends.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    /// PostgreSQL's name of the type (SQLite's declared type mapped: INTEGER is bigint).
    ty: String,
    nullable: bool,
    default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    unique: bool,
    /// Key columns in order, `name DESC` for a descending one.
    columns: Vec<String>,
    /// The partial index's WHERE, normalised (lower case, no parentheses or casts).
    predicate: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Table {
    columns: Vec<Column>,
    primary_key: Vec<String>,
    /// Every unique index's (columns, predicate), named or made by a UNIQUE constraint.
    uniques: BTreeSet<(Vec<String>, Option<String>)>,
    /// Indexes made by CREATE INDEX, by name.
    indexes: BTreeMap<String, Index>,
    /// `FOREIGN KEY (a) REFERENCES t(b)`.
    foreign_keys: BTreeSet<String>,
    checks: usize,
}

type Schema = BTreeMap<String, Table>;

/// SQL outside its string literals in lower case, without parentheses, casts to text or bigint
/// and repeated spaces; string literals kept as they are.
fn normalise(sql: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in sql.chars() {
        if c == '\'' {
            quoted = !quoted;
            out.push(c);
        } else if quoted {
            out.push(c);
        } else if c == '(' || c == ')' {
            out.push(' ');
        } else {
            out.extend(c.to_lowercase());
        }
    }
    let out = out
        .replace("::text", "")
        .replace("::bigint", "")
        .replace("::integer", "");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sqlite_type(declared: &str) -> String {
    match declared.to_uppercase().as_str() {
        "INTEGER" => "bigint",
        "REAL" => "double precision",
        "TEXT" => "text",
        "BLOB" => "bytea",
        other => panic!("a SQLite column of type {other:?} has no PostgreSQL mapping yet"),
    }
    .to_string()
}

/// The schema of a migrated SQLite database, from sqlite_schema and the pragmas.
fn sqlite_schema(conn: &rusqlite::Connection) -> Schema {
    let tables: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let index_sql: BTreeMap<String, String> = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut schema = Schema::new();
    for (name, sql) in tables {
        let mut t = Table {
            checks: sql.matches("CHECK (").count(),
            ..Table::default()
        };
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut info = conn
            .prepare(&format!("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{name}') ORDER BY cid"))
            .unwrap();
        let rows = info
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (col, ty, notnull, default, key) = row.unwrap();
            if key > 0 {
                pk.push((key, col.clone()));
            }
            t.columns.push(Column {
                name: col,
                ty: sqlite_type(&ty),
                // A primary key column never holds NULL (a rowid alias is filled in).
                nullable: !notnull && key == 0,
                default: default.map(|d| normalise(&d)),
            });
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();

        let list: Vec<(String, bool, String, bool)> = conn
            .prepare(&format!(
                "SELECT name, \"unique\", origin, partial FROM pragma_index_list('{name}')"
            ))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (index, unique, origin, partial) in list {
            let columns: Vec<String> = conn
                .prepare(&format!(
                    "SELECT name, \"desc\" FROM pragma_index_xinfo('{index}') WHERE key = 1 ORDER BY seqno"
                ))
                .unwrap()
                .query_map([], |r| {
                    let c: String = r.get(0)?;
                    let desc: bool = r.get(1)?;
                    Ok(if desc { format!("{c} DESC") } else { c })
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let predicate = partial.then(|| {
                let sql = &index_sql[&index];
                let at = sql
                    .to_uppercase()
                    .rfind(" WHERE ")
                    .expect("a partial index's WHERE");
                normalise(&sql[at + 7..])
            });
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    t.uniques.insert((columns, None));
                }
                _ => {
                    if unique {
                        t.uniques.insert((columns.clone(), predicate.clone()));
                    }
                    t.indexes.insert(
                        index,
                        Index {
                            unique,
                            columns,
                            predicate,
                        },
                    );
                }
            }
        }

        let mut fks: BTreeMap<i64, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
        let rows: Vec<(i64, String, String, String)> = conn
            .prepare(&format!("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{name}') ORDER BY id, seq"))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (id, target, from, to) in rows {
            let fk = fks.entry(id).or_insert((target, Vec::new(), Vec::new()));
            fk.1.push(from);
            fk.2.push(to);
        }
        t.foreign_keys = fks
            .into_values()
            .map(|(target, from, to)| {
                format!(
                    "FOREIGN KEY ({}) REFERENCES {target}({})",
                    from.join(", "),
                    to.join(", ")
                )
            })
            .collect();
        schema.insert(name, t);
    }
    schema
}

/// The schema of the `public` schema of a PostgreSQL database, from its catalogs.
async fn postgres_schema(client: &tokio_postgres::Client) -> Schema {
    let mut schema = Schema::new();
    for row in client
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            &[],
        )
        .await
        .unwrap()
    {
        schema.insert(row.get(0), Table::default());
    }
    for row in client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text,
                    column_default::text
             FROM information_schema.columns WHERE table_schema = 'public'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .await
        .unwrap()
    {
        let table: String = row.get(0);
        let default: Option<String> = row.get(4);
        schema.entry(table).or_default().columns.push(Column {
            name: row.get(1),
            ty: row.get(2),
            nullable: row.get::<_, String>(3) == "YES",
            default: default.map(|d| normalise(&d)),
        });
    }
    for row in client
        .query(
            "SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indisprimary,
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid
                            AND c.conrelid = ix.indrelid AND c.contype IN ('p', 'u')),
                    pg_get_expr(ix.indpred, ix.indrelid),
                    array(SELECT a.attname::text
                                 || CASE WHEN pg_index_column_has_property(ix.indexrelid, k.n::int, 'desc')
                                         THEN ' DESC' ELSE '' END
                          FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                          ORDER BY k.n)
             FROM pg_index ix
             JOIN pg_class i ON i.oid = ix.indexrelid
             JOIN pg_class t ON t.oid = ix.indrelid
             JOIN pg_namespace ns ON ns.oid = t.relnamespace
             WHERE ns.nspname = 'public'",
            &[],
        )
        .await
        .unwrap()
    {
        let t = schema.entry(row.get(0)).or_default();
        let (unique, primary, constraint): (bool, bool, bool) = (row.get(2), row.get(3), row.get(4));
        let predicate = row.get::<_, Option<String>>(5).map(|p| normalise(&p));
        let columns: Vec<String> = row.get(6);
        if primary {
            t.primary_key = columns;
        } else if constraint {
            t.uniques.insert((columns, predicate));
        } else {
            if unique {
                t.uniques.insert((columns.clone(), predicate.clone()));
            }
            t.indexes.insert(
                row.get(1),
                Index {
                    unique,
                    columns,
                    predicate,
                },
            );
        }
    }
    for row in client
        .query(
            "SELECT c.conrelid::regclass::text, c.contype::text, pg_get_constraintdef(c.oid)
             FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace
             WHERE ns.nspname = 'public' AND c.contype IN ('f', 'c')",
            &[],
        )
        .await
        .unwrap()
    {
        let t = schema.entry(row.get(0)).or_default();
        if row.get::<_, String>(1) == "f" {
            t.foreign_keys.insert(row.get(2));
        } else {
            t.checks += 1;
        }
    }
    schema
}

/// What differs between the two schemas, one line each; empty when they match.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in sqlite.keys().filter(|n| !postgres.contains_key(*n)) {
        out.push(format!("table {name}: in SQLite, missing in PostgreSQL"));
    }
    for name in postgres.keys().filter(|n| !sqlite.contains_key(*n)) {
        out.push(format!("table {name}: in PostgreSQL, missing in SQLite"));
    }
    for (name, s) in sqlite {
        let Some(p) = postgres.get(name) else {
            continue;
        };
        let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        let (sn, pn) = (names(s), names(p));
        for c in sn.iter().filter(|c| !pn.contains(c)) {
            out.push(format!("{name}.{c}: in SQLite, missing in PostgreSQL"));
        }
        for c in pn.iter().filter(|c| !sn.contains(c)) {
            out.push(format!("{name}.{c}: in PostgreSQL, missing in SQLite"));
        }
        if sn != pn {
            out.push(format!(
                "{name}: columns in SQLite {sn:?}, in PostgreSQL {pn:?}"
            ));
        }
        for sc in &s.columns {
            if let Some(pc) = p.columns.iter().find(|c| c.name == sc.name) {
                if sc != pc {
                    out.push(format!(
                        "{name}.{}: SQLite {sc:?}, PostgreSQL {pc:?}",
                        sc.name
                    ));
                }
            }
        }
        let mut field = |what: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{name}: {what} in SQLite {a}, in PostgreSQL {b}"));
            }
        };
        field(
            "primary key",
            format!("{:?}", s.primary_key),
            format!("{:?}", p.primary_key),
        );
        field(
            "unique indexes",
            format!("{:?}", s.uniques),
            format!("{:?}", p.uniques),
        );
        field(
            "indexes",
            format!("{:?}", s.indexes),
            format!("{:?}", p.indexes),
        );
        field(
            "foreign keys",
            format!("{:?}", s.foreign_keys),
            format!("{:?}", p.foreign_keys),
        );
        field("CHECKs", s.checks.to_string(), p.checks.to_string());
    }
    out
}

fn migrated_sqlite() -> rusqlite::Connection {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    interview_bot::store::migrate(&mut conn).unwrap();
    conn
}

/// Applies every file of migrations/postgres in order to a fresh database; `then` runs after.
fn migrated_postgres(hint: &str, then: &str) -> Schema {
    let dir = crate::util::repo("migrations/postgres");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "migrations/postgres has the schema");
    let url = super::fresh_db(hint);
    crate::util::runtime().block_on(async {
        let client = super::connect(&url).await;
        for file in &files {
            let sql = std::fs::read_to_string(file).unwrap();
            client
                .batch_execute(&sql)
                .await
                .unwrap_or_else(|e| panic!("{} applies on PostgreSQL: {e:?}", file.display()));
        }
        client.batch_execute(then).await.unwrap();
        postgres_schema(&client).await
    })
}

#[test]
fn postgres_schema_equals_sqlite_after_every_migration() {
    let sqlite = sqlite_schema(&migrated_sqlite());
    let postgres = migrated_postgres("schema", "");
    assert!(
        sqlite.len() >= 22,
        "the SQLite schema was read: {:?}",
        sqlite.keys()
    );
    assert!(
        sqlite.values().all(|t| !t.columns.is_empty()),
        "every SQLite table has its columns"
    );
    let diff = differences(&sqlite, &postgres);
    assert!(diff.is_empty(), "the schemas differ:\n{}", diff.join("\n"));
}

#[test]
fn a_column_missing_in_postgres_is_reported() {
    let sqlite = sqlite_schema(&migrated_sqlite());
    let postgres = migrated_postgres("schema drop", "ALTER TABLE tracks DROP COLUMN status");
    let diff = differences(&sqlite, &postgres);
    assert!(
        diff.iter()
            .any(|d| d == "tracks.status: in SQLite, missing in PostgreSQL"),
        "{diff:?}"
    );
}

#[test]
fn a_column_missing_in_sqlite_is_reported() {
    let sqlite = sqlite_schema(&migrated_sqlite());
    let postgres = migrated_postgres(
        "schema extra",
        "ALTER TABLE answers ADD COLUMN extra BIGINT",
    );
    let diff = differences(&sqlite, &postgres);
    assert!(
        diff.iter()
            .any(|d| d == "answers.extra: in PostgreSQL, missing in SQLite"),
        "{diff:?}"
    );
}

#[test]
fn an_index_key_or_default_changed_on_one_side_is_reported() {
    let sqlite = sqlite_schema(&migrated_sqlite());
    let postgres = migrated_postgres(
        "schema index",
        "DROP INDEX rounds_unposted;
         CREATE INDEX rounds_unposted ON rounds (opens_at) WHERE state = 'open';
         ALTER TABLE answers DROP CONSTRAINT answers_round_id_user_id_key;
         ALTER TABLE practice ALTER COLUMN guild_id SET NOT NULL;
         ALTER TABLE guilds ALTER COLUMN timezone SET DEFAULT 'utc';
         ALTER TABLE appeals DROP CONSTRAINT appeals_state_check",
    );
    let diff = differences(&sqlite, &postgres);
    for table in [
        "rounds: indexes",
        "answers: unique indexes",
        "practice.guild_id",
    ] {
        assert!(
            diff.iter().any(|d| d.starts_with(table)),
            "{table}: {diff:?}"
        );
    }
}
