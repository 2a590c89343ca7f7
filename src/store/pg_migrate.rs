//! PostgreSQL's schema: the files under `migrations/postgres/`, applied in order at start-up and
//! recorded in `schema_migrations` (one row per file). The SQLite files under `migrations/` keep
//! their own numbering; both reach the same tables and columns.
//!
//! Several replicas may start at once on an empty database. Each migration runs in one
//! transaction that first inserts its row: the first replica's insert holds the key, the others
//! wait on it and then fail on the unique key, roll back, and find the migration applied. No
//! advisory locks, so engines that speak PostgreSQL's protocol without them can run it too.

use super::pg::{pg_error, Pg};
use super::StoreError;

/// The PostgreSQL migrations, in order; a database's version is how many it has applied.
pub const PG_MIGRATIONS: &[(&str, &str)] = &[(
    "0001_initial",
    include_str!("../../migrations/postgres/0001_initial.sql"),
)];

const TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)";

/// Brings the database's schema up to date; refuses one newer than this build knows.
pub async fn migrate(pg: &Pg) -> Result<u32, StoreError> {
    let url = pg.url().to_string();
    pg.with_client(move |client, rt| {
        // Two replicas creating the table at once: one of them may fail on the catalog's unique
        // key; the table is there either way.
        if let Err(e) = rt.block_on(client.batch_execute(TABLE)) {
            rt.block_on(client.batch_execute(TABLE))
                .map_err(|_| pg_error(&url, e))?;
        }
        loop {
            let found = applied(client, rt, &url)?;
            let known = PG_MIGRATIONS.len() as u32;
            if found > known {
                return Err(StoreError::NewerSchema { found, known });
            }
            if found == known {
                return Ok(found);
            }
            let (name, sql) = PG_MIGRATIONS[found as usize];
            let tx = rt
                .block_on(client.transaction())
                .map_err(|e| pg_error(&url, e))?;
            let claimed = rt.block_on(tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[&(found as i64 + 1), &name],
            ));
            match claimed {
                Ok(_) => {}
                // Another replica applied it first: read the version again.
                Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
                    continue
                }
                Err(e) => return Err(pg_error(&url, e)),
            }
            rt.block_on(tx.batch_execute(sql))
                .and_then(|()| rt.block_on(tx.commit()))
                .map_err(|e| StoreError::Postgres {
                    what: format!("migration postgres/{name} failed"),
                    detail: e
                        .as_db_error()
                        .map(|d| d.message().to_string())
                        .unwrap_or_else(|| e.to_string()),
                })?;
            tracing::info!(migration = name, "applied a PostgreSQL migration");
        }
    })
    .await
}

fn applied(
    client: &mut deadpool_postgres::Object,
    rt: &tokio::runtime::Handle,
    url: &str,
) -> Result<u32, StoreError> {
    let row = rt
        .block_on(client.query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        ))
        .map_err(|e| pg_error(url, e))?;
    let v: i64 = row.get(0);
    Ok(v as u32)
}
