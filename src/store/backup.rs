//! `db backup` with progress: SQLite's online backup API, copied a slice of pages at a time
//! (the bot keeps writing between slices), telling the caller how far it is after each.

use super::{Store, StoreError};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use std::path::PathBuf;

/// Pages copied per step (4 KiB each by default: 1 MiB a step).
const PAGES: i32 = 256;

impl Store {
    /// An online backup to `dest`, calling `progress(pages done, pages in all)` after every step.
    pub async fn backup_with_progress(
        &self,
        dest: PathBuf,
        progress: impl Fn(u64, u64) + Send + 'static,
    ) -> Result<(), StoreError> {
        self.read(move |c| {
            let mut dst = Connection::open(&dest)?;
            let backup = Backup::new(super::sqlite_only(c, "db backup")?, &mut dst)?;
            loop {
                let step = backup.step(PAGES)?;
                let p = backup.progress();
                let total = p.pagecount.max(0) as u64;
                progress(total.saturating_sub(p.remaining.max(0) as u64), total);
                match step {
                    StepResult::Done => return Ok(()),
                    StepResult::More => {}
                    // Another connection holds the file: what `Connection::backup` reports too.
                    _ => {
                        return Err(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("the database stayed busy during the backup".into()),
                        )
                        .into())
                    }
                }
            }
        })
        .await
    }
}
