//! Recording a daily answer: the store's half of `quiz::answer`. It reads what it needs in one
//! statement (the round, whether the member answered it, the track's round before it, the
//! member's streak and review card, whether the server gives roles for streaks or points) and writes the answer, the streak, the totals and the review
//! card together (`execute_all`: one statement on PostgreSQL), all in the caller's transaction.
//! On PostgreSQL every statement is a round trip to the server, and the answer path is the
//! busiest there is: it was nine statements and a second transaction for the review card.

use super::db::{Backend, Db, Row, Write};
use super::freezes::{self, STREAK_COLUMNS};
use super::queries::{ms, qualified, round_row, width, ROUND_COLUMNS};
use super::review::{card_at, card_write, COLUMNS as CARD_COLUMNS};
use super::StoreError;
use crate::grade::Verdict;
use crate::quiz::freeze::Guarded;
use crate::quiz::review::{self, Card, Deck};
use crate::quiz::{scoring, NewAnswer, Recorded, Round, RoundState};
use rusqlite::{params, OptionalExtension};
use std::sync::LazyLock;

/// What recording an answer reads before it writes.
struct Before {
    round: Round,
    /// The member answered this round already.
    answered: bool,
    /// The track's last posted (not skipped) round before this one.
    previous: Option<i64>,
    /// The member's streak on the round's track, as stored.
    guarded: Guarded,
    /// The member's review card of the round's question.
    card: Option<Card>,
    /// The server gives roles for streaks or points (with no problem keeping it from it).
    rewards: bool,
}

/// The read, as one backend takes it, and where each part of its row starts.
struct Query {
    sql: String,
    answered: usize,
    streak: usize,
    card: usize,
    rewards: usize,
}

impl Query {
    /// `lock`: on PostgreSQL, the round's row is share-locked until the answer commits, so a
    /// replica that closes, skips or reveals the round meanwhile either waits for the answer, or
    /// (having changed it first) makes this transaction fail as a serialization failure, which
    /// is run again and then finds the round closed. Without it, a snapshot taken just before
    /// the skip would record an answer to a skipped round (write skew). SQLite's one writer
    /// orders them.
    fn new(lock: &str) -> Query {
        let sql = format!(
            "SELECT r.*,
                 EXISTS (SELECT 1 FROM answers WHERE round_id = r.round_id AND user_id = ?2),
                 (SELECT p.round_id FROM rounds AS p
                   WHERE p.guild_id = r.guild_id AND p.track_id = r.track_id
                     AND p.opens_at < r.opens_at AND p.state != 'skipped'
                   ORDER BY p.opens_at DESC LIMIT 1),
                 {streak}, {card},
                 EXISTS (SELECT 1 FROM role_rewards
                   WHERE guild_id = r.guild_id AND kind != 'champion' AND problem IS NULL)
             FROM (SELECT {ROUND_COLUMNS} FROM rounds WHERE round_id = ?1) AS r
             LEFT JOIN streaks AS s
               ON s.guild_id = r.guild_id AND s.user_id = ?2 AND s.track_id = r.track_id
             LEFT JOIN review_cards AS c
               ON c.guild_id = r.guild_id AND c.user_id = ?2 AND c.question_id = r.question_id
             {lock}",
            streak = qualified("s", STREAK_COLUMNS),
            card = qualified("c", CARD_COLUMNS),
        );
        let answered = width(ROUND_COLUMNS);
        let streak = answered + 2;
        let card = streak + width(STREAK_COLUMNS);
        Query {
            sql,
            answered,
            streak,
            card,
            rewards: card + width(CARD_COLUMNS),
        }
    }

    /// Built once per backend: the answer path is the busiest there is.
    fn of(backend: Backend) -> &'static Query {
        static SQLITE: LazyLock<Query> = LazyLock::new(|| Query::new(""));
        static POSTGRES: LazyLock<Query> = LazyLock::new(|| Query::new("FOR SHARE OF r"));
        match backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        }
    }
}

fn before(conn: &dyn Db, a: &NewAnswer) -> Result<Option<Before>, StoreError> {
    let q = Query::of(conn.backend());
    Ok(conn
        .prepare_cached(&q.sql)?
        .query_row(params![a.round.0, a.user.sql()], |r: &Row| {
            Ok(Before {
                round: round_row(r)?,
                answered: r.get(q.answered)?,
                previous: r.get(q.answered + 1)?,
                guarded: freezes::guarded_at(r, q.streak)?.unwrap_or_default(),
                card: card_at(r, q.card)?,
                rewards: r.get(q.rewards)?,
            })
        })
        .optional()?)
}

/// Records a graded daily answer with its points, the member's streak and (with `a.review`) the
/// question's next review, in the caller's transaction. The first answer counts; a closed round
/// records nothing.
pub fn record_answer(conn: &dyn Db, a: &NewAnswer) -> Result<Recorded, StoreError> {
    let Some(b) = before(conn, a)? else {
        return Ok(Recorded::NoSuchRound);
    };
    let round = &b.round;
    if round.state != RoundState::Open || a.at >= round.closes_at {
        return Ok(Recorded::Closed);
    }
    if b.answered {
        return Ok(Recorded::AlreadyAnswered);
    }
    // The rounds missed since the streak last grew spend freezes (once) or end it; then this one.
    // Tracks: the streak and the round before are the round's own track's.
    let settled = freezes::settle(
        conn,
        b.guarded,
        round.guild,
        round.track,
        a.user,
        Some(round.opens_at),
        a.at,
    )?;
    let guarded =
        crate::quiz::freeze::answer(settled, &[], round.id.0, b.previous, a.verdict).after;
    let streak = guarded.streak.current;
    let points = scoring::points(round.difficulty, a.score, a.verdict, streak);
    let mut writes = vec![
        Write::new(
            "INSERT INTO answers (round_id, guild_id, user_id, topic, answer, score, verdict, points, answered_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                a.round.0,
                round.guild.sql(),
                a.user.sql(),
                round.topic,
                a.answer,
                a.score,
                a.verdict.as_str(),
                points,
                ms(a.at)
            ],
        )?,
        // Tracks: the streak row is the round's track's.
        freezes::save_write(round.guild, round.track, a.user, &guarded)?,
        Write::new(
            "INSERT INTO totals (guild_id, user_id, points, answers, correct) VALUES (?1, ?2, ?3, 1, ?4)
             ON CONFLICT (guild_id, user_id) DO UPDATE SET points = totals.points + ?3,
                 answers = totals.answers + 1, correct = totals.correct + ?4",
            params![round.guild.sql(), a.user.sql(), points, a.verdict == Verdict::Correct],
        )?,
    ];
    if let Some(rating) = a.review {
        let deck = Deck {
            guild: Some(round.guild),
            member: a.user,
        };
        let card = review::next(b.card.as_ref(), a.at, rating);
        writes.push(card_write(deck, &round.question, &card)?);
    }
    conn.execute_all(writes)?;
    Ok(Recorded::Accepted {
        points,
        streak,
        rewards: b.rewards,
    })
}
