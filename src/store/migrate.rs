//! Numbered migrations from `migrations/`, applied in order in one transaction and tracked by
//! `PRAGMA user_version`. A landed migration is never edited; a new one is appended here.
//!
//! Foreign keys are off while migrations run (a pragma that cannot change inside a transaction,
//! so it is set around it) and checked with `PRAGMA foreign_key_check` before the commit: SQLite's
//! documented procedure for rebuilding a table that others reference (0013 rebuilds `rounds`).

use super::StoreError;
use rusqlite::{Connection, OptionalExtension};

/// Every migration, in order: `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        "0002_schedule.sql",
        include_str!("../../migrations/0002_schedule.sql"),
    ),
    (
        "0003_lighter_answers.sql",
        include_str!("../../migrations/0003_lighter_answers.sql"),
    ),
    (
        "0004_appeals.sql",
        include_str!("../../migrations/0004_appeals.sql"),
    ),
    (
        "0005_round_attempts.sql",
        include_str!("../../migrations/0005_round_attempts.sql"),
    ),
    (
        "0006_suggestions.sql",
        include_str!("../../migrations/0006_suggestions.sql"),
    ),
    (
        "0007_review.sql",
        include_str!("../../migrations/0007_review.sql"),
    ),
    (
        "0008_share.sql",
        include_str!("../../migrations/0008_share.sql"),
    ),
    (
        "0009_audit.sql",
        include_str!("../../migrations/0009_audit.sql"),
    ),
    (
        "0010_seasons.sql",
        include_str!("../../migrations/0010_seasons.sql"),
    ),
    (
        "0011_tracks.sql",
        include_str!("../../migrations/0011_tracks.sql"),
    ),
    (
        "0012_roles.sql",
        include_str!("../../migrations/0012_roles.sql"),
    ),
    (
        // After 0011: it adds columns to the streaks table 0011 rebuilds.
        "0013_freezes.sql",
        include_str!("../../migrations/0013_freezes.sql"),
    ),
];

pub fn version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Brings the schema up to date; refuses a database written by a newer version of the bot.
pub fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    migrate_to(conn, MIGRATIONS.len() as u32)
}

/// Applies migrations up to `target` (tests use it to build each earlier version).
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32, StoreError> {
    let known = MIGRATIONS.len() as u32;
    let found = version(conn)?;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    if found >= target {
        return Ok(found);
    }
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    if enforced {
        conn.pragma_update(None, "foreign_keys", false)?;
    }
    let applied = apply(conn, found, target);
    if enforced {
        conn.pragma_update(None, "foreign_keys", true)?;
    }
    applied
}

/// Runs migrations `found..target` in one transaction, with foreign keys checked at its end.
/// The version is read again once the transaction holds the file: another process starting on
/// the same new file at the same moment may have migrated it while this one waited.
fn apply(conn: &mut Connection, found: u32, target: u32) -> Result<u32, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
    let now = version(&tx)?;
    if now != found {
        let known = MIGRATIONS.len() as u32;
        if now > known {
            return Err(StoreError::NewerSchema { found: now, known });
        }
        if now >= target {
            return Ok(now);
        }
    }
    for (name, sql) in &MIGRATIONS[now as usize..target as usize] {
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Migration { name, source: e })?;
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(StoreError::Migration {
                name,
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                    Some(format!("a row of {table} refers to a row that is missing")),
                ),
            });
        }
    }
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn an_empty_database_gets_every_migration() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() as u32);
        let t = tables(&conn);
        for table in [
            "answers",
            "appeals",
            "grade_overrides",
            "guilds",
            "practice",
            "rounds",
            "streaks",
            "totals",
        ] {
            assert!(t.contains(&table.to_string()), "{table} in {t:?}");
        }
        assert_eq!(
            migrate(&mut conn).unwrap(),
            MIGRATIONS.len() as u32,
            "a second run changes nothing"
        );
    }

    #[test]
    fn every_earlier_version_migrates_to_the_latest() {
        for start in 0..MIGRATIONS.len() as u32 {
            let mut conn = Connection::open_in_memory().unwrap();
            migrate_to(&mut conn, start).unwrap();
            assert_eq!(version(&conn).unwrap(), start);
            assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() as u32);
        }
    }

    /// Answers recorded under every earlier schema survive the migration and can be appealed
    /// and overridden under the latest one.
    #[test]
    fn answers_from_every_earlier_version_can_be_appealed_after_migrating() {
        for start in 1..MIGRATIONS.len() as u32 {
            let mut conn = Connection::open_in_memory().unwrap();
            conn.pragma_update(None, "foreign_keys", true).unwrap();
            migrate_to(&mut conn, start).unwrap();
            conn.execute_batch(
                "INSERT INTO guilds (guild_id) VALUES (1);
                 INSERT INTO rounds (round_id, guild_id, day, question_id, topic, difficulty, seed,
                     opens_at, closes_at, state)
                 VALUES (10, 1, '2026-01-01', 'process-vs-thread', 'processes-threads', 'easy', 7,
                     0, 1000, 'closed');
                 INSERT INTO answers (answer_id, round_id, guild_id, user_id, topic, answer, score,
                     verdict, points, answered_at)
                 VALUES (100, 10, 1, 5, 'processes-threads', 'threads share memory', 0.2,
                     'wrong', 2, 500);",
            )
            .unwrap();
            migrate(&mut conn).unwrap();
            conn.execute_batch(
                "INSERT INTO appeals (answer_id, guild_id, user_id, created_at) VALUES (100, 1, 5, 900);
                 INSERT INTO grade_overrides (answer_id, appeal_id, moderator_id, at, before_verdict,
                     before_score, after_verdict, after_score)
                 VALUES (100, 1, 9, 950, 'wrong', 0.2, 'correct', 1.0);",
            )
            .unwrap_or_else(|e| panic!("from version {start}: {e}"));
            let twice = conn.execute(
                "INSERT INTO appeals (answer_id, guild_id, user_id, created_at) VALUES (100, 1, 5, 901)",
                [],
            );
            assert!(twice.is_err(), "an answer is appealed once");
        }
    }

    #[test]
    fn processes_starting_at_once_on_a_new_file_both_migrate_it() {
        // Two connections (as two processes would) migrating one new file at the same moment:
        // the one that waited for the lock finds the schema in place instead of applying it
        // again ("table guilds already exists").
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("bot-{round}.db"));
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(3));
            let workers: Vec<_> = (0..3)
                .map(|_| {
                    let (path, barrier) = (path.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        let mut conn = Connection::open(&path).unwrap();
                        conn.busy_timeout(std::time::Duration::from_secs(10))
                            .unwrap();
                        barrier.wait();
                        migrate(&mut conn)
                    })
                })
                .collect();
            for w in workers {
                let done = w.join().unwrap();
                assert_eq!(done.unwrap(), MIGRATIONS.len() as u32, "round {round}");
            }
        }
    }

    #[test]
    fn a_newer_database_is_refused_and_left_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(
            err.to_string().contains("newer version of interview-bot"),
            "{err}"
        );
        assert_eq!(version(&conn).unwrap(), 99);
        assert!(tables(&conn).is_empty());
    }

    #[test]
    fn a_failing_migration_leaves_the_database_as_it_was() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE guilds (x INTEGER)")
            .unwrap();
        assert!(migrate(&mut conn).is_err());
        assert_eq!(version(&conn).unwrap(), 0);
        assert_eq!(tables(&conn), vec!["guilds".to_string()]);
    }
}
