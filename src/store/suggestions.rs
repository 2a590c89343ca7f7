//! The queries of members' suggested questions (`quiz::suggest`), and the store's side of
//! [`SuggestionStore`]. A form is kept as the JSON of its texts, as the member sent it, and as a
//! moderator approved it.

use super::db::{Db, Row};
use super::queries::{from_ms, ms};
use super::{Store, StoreError};
use crate::quiz::suggest::{
    server, Approved, Decided, Decision, Form, NewDecision, NewSuggestion, Notice, Queued, State,
    Suggestion, SuggestionId, SuggestionStore,
};
use crate::quiz::{GuildId, UserId};
use rusqlite::{params, OptionalExtension};
use std::future::Future;

fn form_json(f: &Form) -> String {
    serde_json::to_string(f).expect("a form serializes")
}

fn form_of(json: &str, column: usize) -> rusqlite::Result<Form> {
    serde_json::from_str(json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

const COLUMNS: &str = "suggestion_id, guild_id, author_id, form, created_at, state";

fn suggestion_of(r: &Row) -> rusqlite::Result<Suggestion> {
    Ok(Suggestion {
        id: SuggestionId(r.get(0)?),
        guild: GuildId::from_sql(r.get(1)?),
        author: UserId::from_sql(r.get(2)?),
        form: form_of(&r.get::<_, String>(3)?, 3)?,
        at: from_ms(r.get(4)?),
        state: State::parse(&r.get::<_, String>(5)?).unwrap_or(State::Denied),
    })
}

pub fn add(conn: &dyn Db, s: &NewSuggestion) -> Result<SuggestionId, StoreError> {
    conn.prepare_cached(
        "INSERT INTO suggestions (guild_id, author_id, form, created_at) VALUES (?1, ?2, ?3, ?4)
         RETURNING suggestion_id",
    )?
    .query_row(
        params![s.guild.sql(), s.author.sql(), form_json(&s.form), ms(s.at)],
        |r| r.get(0).map(SuggestionId),
    )
    .map_err(Into::into)
}

pub fn queued(conn: &dyn Db, guild: GuildId, position: u32) -> Result<Option<Queued>, StoreError> {
    let waiting = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM suggestions INDEXED BY suggestions_queue
             WHERE guild_id = ?1 AND state = 'pending'",
        )?
        .query_row([guild.sql()], |r| r.get::<_, i64>(0))? as u64;
    if waiting == 0 {
        return Ok(None);
    }
    let position = position.min(waiting as u32 - 1);
    let sql = format!(
        "SELECT {COLUMNS} FROM suggestions INDEXED BY suggestions_queue
         WHERE guild_id = ?1 AND state = 'pending'
         ORDER BY created_at, suggestion_id LIMIT 1 OFFSET ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![guild.sql(), position], suggestion_of)
        .optional()?
        .map(|suggestion| Queued {
            suggestion,
            position,
            waiting,
        }))
}

pub fn get(
    conn: &dyn Db,
    guild: GuildId,
    id: SuggestionId,
) -> Result<Option<Suggestion>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM suggestions WHERE suggestion_id = ?1 AND guild_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, guild.sql()], suggestion_of)
        .optional()?)
}

pub fn decide(conn: &dyn Db, d: &NewDecision) -> Result<Decided, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT author_id, state FROM suggestions WHERE suggestion_id = ?1 AND guild_id = ?2",
        )?
        .query_row(params![d.id.0, d.guild.sql()], |r| {
            Ok((UserId::from_sql(r.get(0)?), r.get::<_, String>(1)?))
        })
        .optional()?;
    let Some((author, state)) = found else {
        return Ok(Decided::NoSuch);
    };
    if State::parse(&state) != Some(State::Pending) {
        return Ok(Decided::AlreadyDecided);
    }
    let (state, approved, edited, reason) = match &d.decision {
        Decision::Approve { form, edited } => {
            (State::Approved, Some(form_json(form)), *edited, None)
        }
        Decision::Deny { reason } => (State::Denied, None, false, Some(reason.as_str())),
    };
    conn.prepare_cached(
        "UPDATE suggestions SET state = ?2, decided_at = ?3, decided_by = ?4, approved_form = ?5,
             edited = ?6, reason = ?7
         WHERE suggestion_id = ?1 AND state = 'pending'",
    )?
    .execute(params![
        d.id.0,
        state.as_str(),
        ms(d.at),
        d.moderator.sql(),
        approved,
        edited,
        reason
    ])?;
    Ok(match state {
        State::Approved => Decided::Approved {
            author,
            question: server::question_id(d.id),
        },
        _ => Decided::Denied { author },
    })
}

pub fn approved(conn: &dyn Db, guild: GuildId) -> Result<Vec<Approved>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT suggestion_id, author_id, decided_by, edited, approved_form
         FROM suggestions INDEXED BY suggestions_approved
         WHERE guild_id = ?1 AND state = 'approved' ORDER BY suggestion_id",
    )?;
    let rows = stmt.query_map([guild.sql()], |r| {
        let id = SuggestionId(r.get(0)?);
        Ok(Approved {
            suggestion: id,
            question: server::question_id(id),
            author: UserId::from_sql(r.get(1)?),
            moderator: UserId::from_sql(r.get::<_, Option<i64>>(2)?.unwrap_or(0)),
            edited: r.get(3)?,
            form: form_of(&r.get::<_, String>(4)?, 4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn approved_version(conn: &dyn Db, guild: GuildId) -> Result<(u64, i64), StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(MAX(suggestion_id), 0)
             FROM suggestions INDEXED BY suggestions_approved
             WHERE guild_id = ?1 AND state = 'approved'",
        )?
        .query_row([guild.sql()], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })?)
}

pub fn untold(conn: &dyn Db, guild: GuildId, member: UserId) -> Result<Vec<Notice>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT suggestion_id, form, state, reason FROM suggestions INDEXED BY suggestions_untold
         WHERE guild_id = ?1 AND author_id = ?2 AND state <> 'pending' AND member_told = 0
         ORDER BY suggestion_id",
    )?;
    let rows = stmt.query_map(params![guild.sql(), member.sql()], |r| {
        Ok(Notice {
            id: SuggestionId(r.get(0)?),
            question: form_of(&r.get::<_, String>(1)?, 1)?.question,
            approved: r.get::<_, String>(2)? == State::Approved.as_str(),
            reason: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn mark_told(conn: &dyn Db, ids: &[SuggestionId]) -> Result<(), StoreError> {
    let mut stmt =
        conn.prepare_cached("UPDATE suggestions SET member_told = 1 WHERE suggestion_id = ?1")?;
    for id in ids {
        stmt.execute([id.0])?;
    }
    Ok(())
}

impl SuggestionStore for Store {
    type Error = StoreError;

    fn add_suggestion(
        &self,
        s: NewSuggestion,
    ) -> impl Future<Output = Result<SuggestionId, StoreError>> + Send {
        self.write(move |c| add(c, &s))
    }

    fn queued_suggestion(
        &self,
        guild: GuildId,
        position: u32,
    ) -> impl Future<Output = Result<Option<Queued>, StoreError>> + Send {
        self.read(move |c| queued(c, guild, position))
    }

    fn suggestion(
        &self,
        guild: GuildId,
        id: SuggestionId,
    ) -> impl Future<Output = Result<Option<Suggestion>, StoreError>> + Send {
        self.read(move |c| get(c, guild, id))
    }

    fn decide_suggestion(
        &self,
        d: NewDecision,
    ) -> impl Future<Output = Result<Decided, StoreError>> + Send {
        self.write(move |c| decide(c, &d))
    }

    fn approved_suggestions(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<Vec<Approved>, StoreError>> + Send {
        self.read(move |c| approved(c, guild))
    }

    fn approved_version(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<(u64, i64), StoreError>> + Send {
        self.read(move |c| approved_version(c, guild))
    }

    fn untold_decisions(
        &self,
        guild: GuildId,
        member: UserId,
    ) -> impl Future<Output = Result<Vec<Notice>, StoreError>> + Send {
        self.read(move |c| untold(c, guild, member))
    }

    fn mark_told(
        &self,
        ids: Vec<SuggestionId>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.write(move |c| mark_told(c, &ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::Difficulty;
    use crate::quiz::suggest::SuggestKind;
    use rusqlite::Connection;

    fn conn() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut c).unwrap();
        c
    }

    fn new(guild: u64, author: u64, at: i64) -> NewSuggestion {
        let mut form = Form::new(SuggestKind::TrueFalse, "semver", Difficulty::Easy);
        form.question = format!("statement {at}");
        NewSuggestion {
            guild: GuildId(guild),
            author: UserId(author),
            form,
            at: from_ms(at),
        }
    }

    fn decision(id: SuggestionId, decision: Decision) -> NewDecision {
        NewDecision {
            guild: GuildId(1),
            id,
            moderator: UserId(9),
            at: from_ms(50),
            decision,
        }
    }

    #[test]
    fn the_queue_pages_oldest_first_and_a_decision_is_made_once() {
        let c = conn();
        let a = add(&c, &new(1, 5, 10)).unwrap();
        let b = add(&c, &new(1, 6, 20)).unwrap();
        add(&c, &new(2, 5, 5)).unwrap();
        let page = |p| queued(&c, GuildId(1), p).unwrap().unwrap();
        assert_eq!((page(0).suggestion.id, page(0).waiting), (a, 2));
        assert_eq!(page(1).suggestion.id, b);
        assert_eq!(page(7).position, 1, "past the end: the last one");
        let form = page(0).suggestion.form;
        let approve = Decision::Approve {
            form: form.clone(),
            edited: false,
        };
        assert_eq!(
            decide(&c, &decision(a, approve.clone())).unwrap(),
            Decided::Approved {
                author: UserId(5),
                question: format!("suggested-{}", a.0)
            }
        );
        assert_eq!(
            decide(&c, &decision(a, approve)).unwrap(),
            Decided::AlreadyDecided
        );
        let deny = Decision::Deny {
            reason: "too vague".into(),
        };
        let mut elsewhere = decision(b, deny.clone());
        elsewhere.guild = GuildId(2);
        assert_eq!(decide(&c, &elsewhere).unwrap(), Decided::NoSuch);
        assert_eq!(
            decide(&c, &decision(b, deny)).unwrap(),
            Decided::Denied { author: UserId(6) }
        );
        assert!(queued(&c, GuildId(1), 0).unwrap().is_none());
        let approved = approved(&c, GuildId(1)).unwrap();
        assert_eq!(approved.len(), 1);
        assert_eq!(
            (approved[0].form.clone(), approved[0].moderator),
            (form, UserId(9))
        );
        assert_eq!(approved_version(&c, GuildId(1)).unwrap(), (1, a.0));
        let told = untold(&c, GuildId(1), UserId(6)).unwrap();
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].reason.as_deref(), Some("too vague"));
        mark_told(&c, &[b]).unwrap();
        assert!(untold(&c, GuildId(1), UserId(6)).unwrap().is_empty());
    }
}
