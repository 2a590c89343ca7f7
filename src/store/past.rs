//! The queries of the archive (`quiz::past`), and the store's side of [`PastStore`].
//!
//! A window's past rounds are one range of `rounds`' unique (guild_id, day) index, read newest
//! day first in index order (no sort); only the closed and revealed rows of it count. Each round
//! shown brings the member's own answer (the `(round_id, user_id)` unique index), whether a
//! moderator changed its grade (`grade_overrides_by_answer`) or is yet to decide its appeal (the
//! appeal's unique `answer_id`), and the round's counts (`answers_by_round`). A window is at most
//! a year of days, so a count or an offset reads at most 366 index entries.

use super::db::{Db, Row};
use super::queries::{from_ms, verdict};
use super::{Store, StoreError};
use crate::quiz::past::{MyAnswer, PastRound, PastStore, Window};
use crate::quiz::{GuildId, RoundId, UserId};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use std::future::Future;

/// A round counts as past once it is closed and its reveal went out.
const PAST: &str = "r.state = 'closed' AND r.revealed_at IS NOT NULL";

/// The columns of a past round and the member's answer (`?member` is the member's id).
const COLUMNS: &str = "r.round_id, r.day, r.question_id, r.topic, r.seed, r.closes_at,
    (SELECT COUNT(*) FROM answers AS n WHERE n.round_id = r.round_id),
    (SELECT COUNT(*) FROM answers AS n WHERE n.round_id = r.round_id AND n.verdict = 'correct'),
    a.answer, a.score, a.verdict, a.points,
    EXISTS (SELECT 1 FROM grade_overrides AS o WHERE o.answer_id = a.answer_id),
    EXISTS (SELECT 1 FROM appeals AS ap WHERE ap.answer_id = a.answer_id AND ap.state = 'open')";

fn day_sql(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn past_row(r: &Row) -> rusqlite::Result<PastRound> {
    let day: String = r.get(1)?;
    let answer: Option<String> = r.get(8)?;
    let mine = match answer {
        Some(text) => Some(MyAnswer {
            text,
            score: r.get(9)?,
            verdict: verdict(&r.get::<_, String>(10)?),
            points: r.get(11)?,
            overridden: r.get(12)?,
            under_review: r.get(13)?,
        }),
        None => None,
    };
    Ok(PastRound {
        id: RoundId(r.get(0)?),
        day: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map_err(|_| rusqlite::Error::InvalidColumnType(1, day, rusqlite::types::Type::Text))?,
        question: r.get(2)?,
        topic: r.get(3)?,
        seed: r.get::<_, i64>(4)? as u64,
        closed_at: from_ms(r.get(5)?),
        answers: r.get::<_, i64>(6)? as u64,
        correct: r.get::<_, i64>(7)? as u64,
        mine,
    })
}

/// The statement of [`past_round_at`], for `EXPLAIN QUERY PLAN`.
fn round_at_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM rounds AS r
         LEFT JOIN answers AS a ON a.round_id = r.round_id AND a.user_id = ?3
         WHERE r.guild_id = ?1 AND r.day >= ?2 AND {PAST}
         ORDER BY r.day DESC LIMIT 1 OFFSET ?4"
    )
}

const COUNT_SQL: &str = "SELECT COUNT(*) FROM rounds AS r
     WHERE r.guild_id = ?1 AND r.day >= ?2 AND r.state = 'closed' AND r.revealed_at IS NOT NULL";

pub fn past_count(conn: &dyn Db, w: Window) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached(COUNT_SQL)?
        .query_row(params![w.guild.sql(), day_sql(w.since)], |r| {
            r.get::<_, i64>(0)
        })? as u32)
}

/// The window's past round at `offset`, newest first, with the member's answer.
pub fn past_round_at(
    conn: &dyn Db,
    w: Window,
    member: UserId,
    offset: u32,
) -> Result<Option<PastRound>, StoreError> {
    Ok(conn
        .prepare_cached(&round_at_sql())?
        .query_row(
            params![w.guild.sql(), day_sql(w.since), member.sql(), offset],
            past_row,
        )
        .optional()?)
}

/// Round `round` if it is a past round of `guild`, with the member's answer.
pub fn past_round(
    conn: &dyn Db,
    guild: GuildId,
    round: RoundId,
    member: UserId,
) -> Result<Option<PastRound>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM rounds AS r
             LEFT JOIN answers AS a ON a.round_id = r.round_id AND a.user_id = ?3
             WHERE r.round_id = ?1 AND r.guild_id = ?2 AND {PAST}"
        ))?
        .query_row(params![round.0, guild.sql(), member.sql()], past_row)
        .optional()?)
}

impl PastStore for Store {
    type Error = StoreError;

    fn past_count(&self, w: Window) -> impl Future<Output = Result<u32, StoreError>> + Send {
        self.read(move |c| past_count(c, w))
    }

    fn past_round_at(
        &self,
        w: Window,
        member: UserId,
        offset: u32,
    ) -> impl Future<Output = Result<Option<PastRound>, StoreError>> + Send {
        self.read(move |c| past_round_at(c, w, member, offset))
    }

    fn past_round(
        &self,
        guild: GuildId,
        round: RoundId,
        member: UserId,
    ) -> impl Future<Output = Result<Option<PastRound>, StoreError>> + Send {
        self.read(move |c| past_round(c, guild, round, member))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::Verdict;
    use crate::quiz::{NewAnswer, NewRound, RoundState};
    use chrono::{DateTime, Duration, Utc};
    use rusqlite::Connection;

    const HERE: GuildId = GuildId(1);
    const ADA: UserId = UserId(7);
    const BOB: UserId = UserId(8);

    /// How SQLite runs a statement: the plan's lines, as `EXPLAIN QUERY PLAN` prints them.
    fn plan(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let params: Vec<i64> = (0..stmt.parameter_count()).map(|_| 1).collect();
        stmt.query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    #[test]
    fn the_archive_reads_ranges_of_indexes_and_never_sorts() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("bot.db")).unwrap();
        crate::store::migrate(&mut conn).unwrap();
        conn.execute_batch("ANALYZE").unwrap();
        for sql in [round_at_sql(), COUNT_SQL.to_string()] {
            let plan = plan(&conn, &sql);
            println!(
                "{}\n  {}",
                sql.split_whitespace().collect::<Vec<_>>().join(" "),
                plan.join("\n  ")
            );
            assert!(
                plan.iter().any(
                    |l| l.contains("SEARCH r USING INDEX rounds_by_day (guild_id=? AND day>?)")
                ),
                "{plan:?}"
            );
            assert!(
                !plan
                    .iter()
                    .any(|l| l.starts_with("SCAN") || l.contains("TEMP B-TREE")),
                "{plan:?}"
            );
        }
    }

    #[test]
    fn past_rounds_are_closed_and_revealed_newest_first_with_the_members_final_grade() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("bot.db")).unwrap();
        let t0: DateTime<Utc> = "2026-06-01T09:00:00Z".parse().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut ids = vec![];
            for d in 0..4 {
                let opens = t0 + Duration::days(d);
                let r = store
                    .create_round(NewRound {
                        guild: HERE,
                        day: opens.date_naive(),
                        question: format!("q{d}"),
                        topic: "semver".into(),
                        difficulty: crate::bank::Difficulty::Easy,
                        seed: d as u64 + 100,
                        opens_at: opens,
                        closes_at: opens + Duration::hours(20),
                        channel: None,
                    })
                    .await
                    .unwrap()
                    .unwrap();
                for (who, v) in [(ADA, Verdict::Correct), (BOB, Verdict::Wrong)] {
                    if d == 1 && who == ADA {
                        continue;
                    }
                    store
                        .record_answer(NewAnswer {
                            round: r.id,
                            user: who,
                            answer: format!("answer {d}"),
                            score: if v == Verdict::Correct { 1.0 } else { 0.0 },
                            verdict: v,
                            at: opens + Duration::minutes(5),
                            review: None,
                        })
                        .await
                        .unwrap();
                }
                ids.push(r.id);
            }
            // Day 0..2 closed; 0 and 1 revealed, 2 not yet; 3 still open.
            for (i, id) in ids.iter().enumerate().take(3) {
                store.end_round(*id, RoundState::Closed).await.unwrap();
                if i < 2 {
                    store
                        .mark_revealed(*id, t0 + Duration::days(3))
                        .await
                        .unwrap();
                }
            }
            let w = Window {
                guild: HERE,
                since: "2026-05-01".parse().unwrap(),
            };
            assert_eq!(store.past_count(w).await.unwrap(), 2);
            let newest = store.past_round_at(w, ADA, 0).await.unwrap().unwrap();
            assert_eq!(
                (newest.id, newest.seed, newest.question.as_str()),
                (ids[1], 101, "q1")
            );
            assert_eq!((newest.answers, newest.correct), (1, 0));
            assert_eq!(newest.mine, None, "Ada did not answer day 1");
            let oldest = store.past_round_at(w, ADA, 1).await.unwrap().unwrap();
            assert_eq!(oldest.id, ids[0]);
            assert_eq!((oldest.answers, oldest.correct), (2, 1));
            let mine = oldest.mine.unwrap();
            assert_eq!(
                (
                    mine.text.as_str(),
                    mine.verdict,
                    mine.overridden,
                    mine.under_review
                ),
                ("answer 0", Verdict::Correct, false, false)
            );
            assert_eq!(store.past_round_at(w, ADA, 2).await.unwrap(), None);
            // Bob's grade of day 0 changed on appeal (wrong to partial); day 1 under review.
            use crate::quiz::appeal::{AppealStore, Asked, Decision, NewAppeal, NewDecision};
            let mut appeals = vec![];
            for id in &ids[..2] {
                let asked = store
                    .open_appeal(NewAppeal {
                        guild: HERE,
                        round: *id,
                        member: BOB,
                        at: t0 + Duration::days(3),
                    })
                    .await
                    .unwrap();
                let Asked::Opened(appeal) = asked else {
                    panic!("{asked:?}")
                };
                appeals.push(appeal);
            }
            store
                .decide_appeal(NewDecision {
                    guild: HERE,
                    appeal: appeals[0],
                    decision: Decision::Partial,
                    moderator: UserId(1),
                    at: t0 + Duration::days(3),
                })
                .await
                .unwrap();
            let bob = store
                .past_round_at(w, BOB, 1)
                .await
                .unwrap()
                .unwrap()
                .mine
                .unwrap();
            assert_eq!(
                (bob.verdict, bob.overridden, bob.under_review),
                (Verdict::Partial, true, false)
            );
            let bob = store
                .past_round_at(w, BOB, 0)
                .await
                .unwrap()
                .unwrap()
                .mine
                .unwrap();
            assert_eq!(
                (bob.verdict, bob.overridden, bob.under_review),
                (Verdict::Wrong, false, true)
            );
            // Only from `since` on.
            let later = Window {
                since: "2026-06-02".parse().unwrap(),
                ..w
            };
            assert_eq!(store.past_count(later).await.unwrap(), 1);
            // A single round: past, of this server only.
            assert!(store.past_round(HERE, ids[0], BOB).await.unwrap().is_some());
            for id in &ids[2..] {
                assert_eq!(store.past_round(HERE, *id, BOB).await.unwrap(), None);
            }
            assert_eq!(
                store.past_round(GuildId(2), ids[0], BOB).await.unwrap(),
                None
            );
        });
        store.close();
    }
}
