//! The store's side of follow-ups: a member's latest practice answers, which say what the member
//! has just had (`quiz::follow_up`). Served by the `practice_by_member` index.

use super::db::Db;
use super::{Store, StoreError};
use crate::quiz::follow_up::FollowUpStore;
use crate::quiz::{GuildId, UserId};
use rusqlite::params;
use std::future::Future;

/// The questions of the member's latest practice answers in `guild` (`None`: direct messages),
/// newest first, at most `limit`.
pub fn recent_practice(
    conn: &dyn Db,
    guild: Option<GuildId>,
    user: UserId,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT question_id FROM practice
         WHERE user_id = ?1 AND guild_id IS NOT DISTINCT FROM ?2
         ORDER BY answered_at DESC, practice_id DESC
         LIMIT ?3",
    )?;
    let rows = stmt.query_map(
        params![user.sql(), guild.map(GuildId::sql), limit as i64],
        |r| r.get::<_, String>(0),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl FollowUpStore for Store {
    type Error = StoreError;

    fn recent_practice(
        &self,
        guild: Option<GuildId>,
        user: UserId,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send {
        self.read(move |c| recent_practice(c, guild, user, limit))
    }
}

#[cfg(test)]
mod tests {
    use crate::grade::Verdict;
    use crate::quiz::follow_up::FollowUpStore;
    use crate::quiz::{GuildId, Practice, UserId};
    use crate::store::Store;
    use chrono::{DateTime, Duration, Utc};

    #[test]
    fn the_latest_practice_answers_of_the_member_in_the_place_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("bot.db")).unwrap();
        let t0: DateTime<Utc> = "2026-06-10T12:00:00Z".parse().unwrap();
        let here = Some(GuildId(1));
        let practice = |guild, user, question: &str, at| Practice {
            guild,
            user: UserId(user),
            question: question.into(),
            seed: 0,
            answer: "x".into(),
            score: 0.0,
            verdict: Verdict::Wrong,
            at,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            for p in [
                practice(here, 7, "a", t0),
                practice(here, 7, "b", t0 + Duration::minutes(1)),
                // The same millisecond: the later row is the newer.
                practice(here, 7, "c", t0 + Duration::minutes(1)),
                practice(Some(GuildId(2)), 7, "elsewhere", t0 + Duration::minutes(2)),
                practice(None, 7, "in-dm", t0 + Duration::minutes(2)),
                practice(here, 8, "someone-else", t0 + Duration::minutes(3)),
            ] {
                store.record_practice(p).await.unwrap();
            }
            let recent = store.recent_practice(here, UserId(7), 20).await.unwrap();
            assert_eq!(recent, ["c", "b", "a"]);
            let recent = store.recent_practice(here, UserId(7), 2).await.unwrap();
            assert_eq!(recent, ["c", "b"]);
            let recent = store.recent_practice(None, UserId(7), 20).await.unwrap();
            assert_eq!(recent, ["in-dm"]);
        });
        store.close();
    }
}
