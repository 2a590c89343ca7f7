//! The queries of appeals and grade overrides, and re-scoring a member from their stored answers.
//! Each runs in the caller's transaction; the rules come from `quiz::appeal` and `quiz::scoring`.

use super::db::Db;
use super::queries::{from_ms, ms, verdict};
use super::StoreError;
use crate::bank::Difficulty;
use crate::grade::Verdict;
use crate::quiz::appeal::{
    self, AppealState, Asked, Case, Decided, Marks, NewAppeal, NewDecision, Relabelled,
};
use crate::quiz::scoring::{self, Played};
use crate::quiz::{AppealId, GuildId, RoundId, UserId};
use rusqlite::{params, OptionalExtension};

/// Opens an appeal on the member's answer to a round of `guild`; once per answer.
pub fn open_appeal(conn: &dyn Db, a: &NewAppeal) -> Result<Asked, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT a.answer_id, a.guild_id, ap.state FROM answers AS a
             LEFT JOIN appeals AS ap ON ap.answer_id = a.answer_id
             WHERE a.round_id = ?1 AND a.user_id = ?2",
        )?
        .query_row(params![a.round.0, a.member.sql()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                GuildId::from_sql(r.get(1)?),
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .optional()?;
    let Some((answer, guild, state)) = found.filter(|(_, g, _)| *g == a.guild) else {
        return Ok(Asked::NoAnswer);
    };
    match state.as_deref().map(AppealState::parse) {
        Some(AppealState::Open) => return Ok(Asked::UnderReview),
        Some(AppealState::Closed) => return Ok(Asked::Reviewed),
        None => {}
    }
    conn.prepare_cached(
        "INSERT INTO appeals (answer_id, guild_id, user_id, created_at) VALUES (?1, ?2, ?3, ?4)
         RETURNING appeal_id",
    )?
    .query_row(
        params![answer, guild.sql(), a.member.sql(), ms(a.at)],
        |r| r.get(0).map(|id| Asked::Opened(AppealId(id))),
    )
    .map_err(Into::into)
}

/// The guild's oldest open appeal, with how many are open.
pub fn oldest_open_appeal(conn: &dyn Db, guild: GuildId) -> Result<Option<Case>, StoreError> {
    let open = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM appeals INDEXED BY appeals_open WHERE guild_id = ?1 AND state = 'open'",
        )?
        .query_row([guild.sql()], |r| r.get::<_, i64>(0))? as u64;
    if open == 0 {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached(
            "SELECT ap.appeal_id, ap.user_id, ap.created_at, a.round_id, r.question_id, r.seed,
                    a.answer, a.verdict, a.score, a.points
             FROM appeals AS ap INDEXED BY appeals_open
             JOIN answers AS a ON a.answer_id = ap.answer_id
             JOIN rounds AS r ON r.round_id = a.round_id
             WHERE ap.guild_id = ?1 AND ap.state = 'open'
             ORDER BY ap.created_at, ap.appeal_id LIMIT 1",
        )?
        .query_row([guild.sql()], |r| {
            Ok(Case {
                appeal: AppealId(r.get(0)?),
                member: UserId::from_sql(r.get(1)?),
                asked_at: from_ms(r.get(2)?),
                round: RoundId(r.get(3)?),
                question: r.get(4)?,
                seed: r.get::<_, i64>(5)? as u64,
                answer: r.get(6)?,
                grade: Marks {
                    verdict: verdict(&r.get::<_, String>(7)?),
                    score: r.get(8)?,
                },
                points: r.get(9)?,
                open,
            })
        })
        .optional()?)
}

/// Closes an open appeal of the guild; unless the grade is kept, sets the new grade, audits it
/// and re-scores the member.
pub fn decide_appeal(conn: &dyn Db, d: &NewDecision) -> Result<Decided, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT ap.state, ap.guild_id, ap.user_id, a.answer_id, a.verdict, a.score, a.points
             FROM appeals AS ap JOIN answers AS a ON a.answer_id = ap.answer_id
             WHERE ap.appeal_id = ?1",
        )?
        .query_row([d.appeal.0], |r| {
            Ok((
                AppealState::parse(&r.get::<_, String>(0)?),
                GuildId::from_sql(r.get(1)?),
                UserId::from_sql(r.get(2)?),
                r.get::<_, i64>(3)?,
                Marks {
                    verdict: verdict(&r.get::<_, String>(4)?),
                    score: r.get(5)?,
                },
                r.get::<_, u32>(6)?,
            ))
        })
        .optional()?;
    let Some((state, guild, member, answer, before, points_before)) =
        found.filter(|f| f.1 == d.guild)
    else {
        return Ok(Decided::NoSuchAppeal);
    };
    if state == AppealState::Closed {
        return Ok(Decided::AlreadyClosed);
    }
    conn.prepare_cached(
        "UPDATE appeals SET state = 'closed', closed_at = ?2, closed_by = ?3, decision = ?4
         WHERE appeal_id = ?1",
    )?
    .execute(params![
        d.appeal.0,
        ms(d.at),
        d.moderator.sql(),
        d.decision.as_str()
    ])?;
    let after = appeal::overridden(before, d.decision);
    let mut points_after = points_before;
    if let Some(after) = after {
        conn.prepare_cached(
            "INSERT INTO grade_overrides (answer_id, appeal_id, moderator_id, at,
                 before_verdict, before_score, after_verdict, after_score)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            answer,
            d.appeal.0,
            d.moderator.sql(),
            ms(d.at),
            before.verdict.as_str(),
            before.score,
            after.verdict.as_str(),
            after.score,
        ])?;
        conn.prepare_cached("UPDATE answers SET verdict = ?2, score = ?3 WHERE answer_id = ?1")?
            .execute(params![answer, after.verdict.as_str(), after.score])?;
        rescore_member(conn, guild, member)?;
        points_after = conn
            .prepare_cached("SELECT points FROM answers WHERE answer_id = ?1")?
            .query_row([answer], |r| r.get(0))?;
    }
    Ok(Decided::Closed {
        member,
        before,
        after,
        points_before,
        points_after,
    })
}

/// Scores a member's answers in a guild again from what is stored (`scoring::replay`): each
/// answer's points, the streak, and the running totals the all-time board and `/stats` read.
pub fn rescore_member(conn: &dyn Db, guild: GuildId, user: UserId) -> Result<(), StoreError> {
    // The guild's posted rounds in the order they opened, each with the member's answer; by
    // track (tracks: a streak, and so the points it brings, is per track).
    let mut stmt = conn.prepare_cached(
        "SELECT r.round_id, r.difficulty, a.answer_id, a.score, a.verdict, a.points, r.track_id
         FROM rounds AS r INDEXED BY rounds_by_guild
         LEFT JOIN answers AS a ON a.round_id = r.round_id AND a.user_id = ?2
         WHERE r.guild_id = ?1 AND r.state != 'skipped'
         ORDER BY r.opens_at, r.round_id",
    )?;
    type Stored = Option<(i64, Verdict, u32)>;
    let mut tracks: Vec<(i64, Vec<Played>, Vec<Stored>)> = Vec::new();
    for row in stmt.query_map(params![guild.sql(), user.sql()], |r| {
        let difficulty = r.get::<_, String>(1)?;
        let answer = match r.get::<_, Option<i64>>(2)? {
            Some(id) => Some((
                id,
                r.get::<_, f64>(3)?,
                verdict(&r.get::<_, String>(4)?),
                r.get::<_, u32>(5)?,
            )),
            None => None,
        };
        Ok((r.get::<_, i64>(0)?, difficulty, answer, r.get::<_, i64>(6)?))
    })? {
        let (round, difficulty, answer, track) = row?;
        let difficulty = Difficulty::parse(&difficulty).unwrap_or(Difficulty::Easy);
        let at = match tracks.iter().position(|(t, _, _)| *t == track) {
            Some(i) => i,
            None => {
                tracks.push((track, Vec::new(), Vec::new()));
                tracks.len() - 1
            }
        };
        let (_, played, stored) = &mut tracks[at];
        played.push(Played {
            round,
            difficulty,
            answer: answer.map(|(_, score, v, _)| (score, v)),
        });
        stored.push(answer.map(|(id, _, v, points)| (id, v, points)));
    }
    let (mut points, mut answers, mut correct) = (0u64, 0u64, 0u64);
    for (track, played, stored) in &tracks {
        let replayed = scoring::replay(played);
        for (now, before) in replayed.points.iter().zip(stored) {
            let (Some(now), Some((id, v, was))) = (now, before) else {
                continue;
            };
            if now != was {
                conn.prepare_cached("UPDATE answers SET points = ?2 WHERE answer_id = ?1")?
                    .execute(params![id, now])?;
            }
            points += u64::from(*now);
            answers += 1;
            correct += u64::from(*v == Verdict::Correct);
        }
        let guarded = crate::quiz::freeze::Guarded {
            streak: replayed.streak,
            freezes: replayed.freezes,
            lost: replayed.lost,
        };
        super::freezes::save(conn, guild, crate::quiz::TrackId(*track), user, &guarded)?;
    }
    // An admin's point corrections stay in the total (which never goes below 0).
    let points = (points as i64 + super::admin::adjusted(conn, guild, user)?).max(0);
    conn.prepare_cached(
        "INSERT INTO totals (guild_id, user_id, points, answers, correct) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (guild_id, user_id) DO UPDATE SET points = ?3, answers = ?4, correct = ?5",
    )?
    .execute(params![
        guild.sql(),
        user.sql(),
        points,
        answers as i64,
        correct as i64
    ])?;
    Ok(())
}

/// Every answer a moderator set the grade of, with the verdict last set, oldest override first.
pub fn overridden_answers(conn: &dyn Db) -> Result<Vec<Relabelled>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.question_id, a.answer, o.after_verdict, r.seed
         FROM grade_overrides AS o
         JOIN answers AS a ON a.answer_id = o.answer_id
         JOIN rounds AS r ON r.round_id = a.round_id
         WHERE o.override_id = (SELECT MAX(override_id) FROM grade_overrides WHERE answer_id = o.answer_id)
         ORDER BY o.override_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Relabelled {
            question: r.get(0)?,
            answer: r.get(1)?,
            verdict: verdict(&r.get::<_, String>(2)?),
            seed: r.get::<_, i64>(3)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
