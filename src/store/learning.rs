//! The queries behind weak topics: a member's graded answers in one server (daily and practice)
//! for `/stats`' accuracy per topic, and the questions they have answered, for `/quiz`'s pick.
//! The rules that read them are in `quiz::topics`.
//!
//! A member's daily answers are found through `answers_by_topic`, one seek per topic the server
//! has been asked (as `member_stats` does), so the cost follows the member's own answers, not the
//! server's; practice through `practice_by_member` (member, time).

use super::db::Db;
use super::queries::{from_ms, ms, verdict};
use super::{Store, StoreError};
use crate::quiz::topics::{Attempt, History};
use crate::quiz::{GuildId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::params;

/// The member's daily answers in `guild` and practice answers there (in direct messages when
/// `guild` is `None`) given after `since`.
pub fn attempts_since(
    conn: &dyn Db,
    guild: Option<GuildId>,
    user: UserId,
    since: DateTime<Utc>,
) -> Result<Vec<Attempt>, StoreError> {
    let mut out = Vec::new();
    if let Some(g) = guild {
        let mut stmt = conn.prepare_cached(
            "SELECT r.question_id, a.topic, a.verdict, a.answered_at
             FROM (SELECT DISTINCT topic FROM rounds WHERE guild_id = ?1) AS t
             JOIN answers AS a INDEXED BY answers_by_topic
               ON a.guild_id = ?1 AND a.topic = t.topic AND a.user_id = ?2
             JOIN rounds AS r ON r.round_id = a.round_id
             WHERE a.answered_at > ?3",
        )?;
        let rows = stmt.query_map(params![g.sql(), user.sql(), ms(since)], |r| {
            Ok(Attempt {
                question: r.get(0)?,
                topic: Some(r.get(1)?),
                verdict: verdict(&r.get::<_, String>(2)?),
                at: from_ms(r.get(3)?),
            })
        })?;
        for a in rows {
            out.push(a?);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT question_id, verdict, answered_at FROM practice
         WHERE user_id = ?1 AND answered_at > ?3 AND guild_id IS NOT DISTINCT FROM ?2",
    )?;
    let rows = stmt.query_map(
        params![user.sql(), guild.map(GuildId::sql), ms(since)],
        |r| {
            Ok(Attempt {
                question: r.get(0)?,
                topic: None,
                verdict: verdict(&r.get::<_, String>(1)?),
                at: from_ms(r.get(2)?),
            })
        },
    )?;
    for a in rows {
        out.push(a?);
    }
    Ok(out)
}

/// Every question the member has answered in `guild` (daily or practice; practice in direct
/// messages when `None`), with when they last answered it.
pub fn answered_questions(
    conn: &dyn Db,
    guild: Option<GuildId>,
    user: UserId,
) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
    let mut out = Vec::new();
    let row = |r: &super::db::Row<'_>| Ok((r.get::<_, String>(0)?, from_ms(r.get(1)?)));
    if let Some(g) = guild {
        let mut stmt = conn.prepare_cached(
            "SELECT r.question_id, MAX(a.answered_at)
             FROM (SELECT DISTINCT topic FROM rounds WHERE guild_id = ?1) AS t
             JOIN answers AS a INDEXED BY answers_by_topic
               ON a.guild_id = ?1 AND a.topic = t.topic AND a.user_id = ?2
             JOIN rounds AS r ON r.round_id = a.round_id
             GROUP BY r.question_id",
        )?;
        for q in stmt.query_map(params![g.sql(), user.sql()], row)? {
            out.push(q?);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT question_id, MAX(answered_at) FROM practice
         WHERE user_id = ?1 AND guild_id IS NOT DISTINCT FROM ?2 GROUP BY question_id",
    )?;
    for q in stmt.query_map(params![user.sql(), guild.map(GuildId::sql)], row)? {
        out.push(q?);
    }
    Ok(out)
}

impl Store {
    /// The member's answers in `guild` after `since`, for accuracy per topic.
    pub async fn member_attempts(
        &self,
        guild: GuildId,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Vec<Attempt>, StoreError> {
        self.read(move |c| attempts_since(c, Some(guild), user, since))
            .await
    }

    /// What `/quiz` needs of the member's answers here: those after `since`, and every question
    /// answered, in one read.
    pub async fn member_history(
        &self,
        guild: Option<GuildId>,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<History, StoreError> {
        self.read(move |c| {
            Ok(History {
                recent: attempts_since(c, guild, user, since)?,
                answered: answered_questions(c, guild, user)?,
            })
        })
        .await
    }
}
