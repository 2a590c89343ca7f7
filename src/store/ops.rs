//! What the operator's gauges read (`metrics`): counts the clock refreshes on each pass. Both
//! queries are cheap: the open rounds through their partial index, the tracks a small table.
//! And what a load balancer's readiness check (`GET /readyz`) asks: does the database answer,
//! with the schema this build knows.

use super::db::Db;
use super::{Store, StoreError};

/// The guilds with a live track whose daily post is on and has a channel, and the rounds open
/// now (of every track).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpsCounts {
    pub guilds_enabled: u64,
    pub open_rounds: u64,
}

fn counts(conn: &dyn Db) -> Result<OpsCounts, StoreError> {
    let guilds_enabled: i64 = conn
        .prepare_cached(
            "SELECT count(DISTINCT guild_id) FROM tracks
             WHERE removed_at IS NULL AND enabled = 1 AND channel_id IS NOT NULL",
        )?
        .query_row([], |r| r.get(0))?;
    let open_rounds: i64 = conn
        .prepare_cached("SELECT count(*) FROM rounds WHERE state = 'open'")?
        .query_row([], |r| r.get(0))?;
    Ok(OpsCounts {
        guilds_enabled: guilds_enabled.max(0) as u64,
        open_rounds: open_rounds.max(0) as u64,
    })
}

impl Store {
    /// The counts behind the `guilds_enabled` and `open_rounds` gauges.
    pub async fn ops_counts(&self) -> Result<OpsCounts, StoreError> {
        self.read(counts).await
    }

    /// Whether the database can serve: its file is still the one opened (a pooled read
    /// connection would go on reading a deleted or replaced file), it answers a query, and its
    /// schema is the one this build knows. Reads only; cheap enough for a probe every second.
    pub async fn ready(&self) -> Result<(), StoreError> {
        if let super::Engine::Sqlite(inner) = &self.engine {
            inner
                .file
                .check(&inner.path)
                .map_err(|problem| StoreError::FileGone {
                    path: inner.path.display().to_string(),
                    problem,
                })?;
        }
        self.read(|c| {
            c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
            let (found, known) = match c.sqlite() {
                Some(c) => (
                    super::migrate::version(c)?,
                    super::migrate::MIGRATIONS.len() as u32,
                ),
                None => (
                    c.query_row(
                        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                        [],
                        |r| r.get::<_, i64>(0),
                    )? as u32,
                    super::pg_migrate::PG_MIGRATIONS.len() as u32,
                ),
            };
            if found > known {
                return Err(StoreError::NewerSchema { found, known });
            }
            if found < known {
                return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_SCHEMA),
                    Some(format!(
                        "the schema is version {found}, older than the {known} this build needs"
                    )),
                )));
            }
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_the_guilds_with_a_live_posting_track_and_the_open_rounds() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("ops.db")).unwrap();
        assert_eq!(store.ops_counts().await.unwrap(), OpsCounts::default());
        store
            .write(|c| {
                c.execute_batch(
                    "INSERT INTO guilds (guild_id) VALUES (1), (2), (3), (4);
                     INSERT INTO tracks (guild_id, track_id, name, channel_id, enabled, removed_at)
                     VALUES (1, 1, 'main', 10, 1, NULL), (1, 2, 'rust', 11, 1, NULL),
                            (2, 1, 'main', NULL, 1, NULL), (3, 1, 'main', 30, 0, NULL),
                            (4, 1, 'main', 40, 1, 5);
                     INSERT INTO rounds (guild_id, day, question_id, topic, difficulty, seed, opens_at, closes_at, state)
                     VALUES (1, '2026-01-01', 'q', 't', 'easy', 0, 0, 1, 'closed'),
                            (1, '2026-01-02', 'q', 't', 'easy', 0, 0, 1, 'open'),
                            (3, '2026-01-02', 'q', 't', 'easy', 0, 0, 1, 'open');",
                )?;
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(
            store.ops_counts().await.unwrap(),
            OpsCounts {
                guilds_enabled: 1,
                open_rounds: 2
            }
        );
        store.close();
    }

    #[tokio::test]
    async fn ready_while_the_file_is_in_place_with_this_builds_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ready.db");
        let store = Store::open(&path).unwrap();
        store.ready().await.unwrap();
        // Twice: the second check runs on the pooled read connection.
        store.ready().await.unwrap();

        let other = rusqlite::Connection::open(&path).unwrap();
        other.pragma_update(None, "user_version", 999).unwrap();
        let err = store.ready().await.unwrap_err();
        assert!(
            matches!(err, StoreError::NewerSchema { found: 999, .. }),
            "{err}"
        );
        other.pragma_update(None, "user_version", 1).unwrap();
        let err = store.ready().await.unwrap_err().to_string();
        assert!(err.contains("older"), "{err}");

        std::fs::remove_file(&path).unwrap();
        let err = store.ready().await.unwrap_err();
        assert!(matches!(err, StoreError::FileGone { .. }), "{err}");
        store.close();
    }
}
