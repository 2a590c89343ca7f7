//! The `ask` family: `/ask question:` answers an interview question a member types with the
//! closest question of the bank (the built-in bank and packs, and in a server its own approved
//! questions), privately; **Practise it** under the answer asks that question as practice, graded
//! and recorded like `/quiz` (its controls are `/quiz`'s, `Target::Practice`). Parsing and
//! rendering only: the ranking is `quiz::ask`.
//!
//! The index a question is looked up in is built once per bank, off the async workers: the
//! bank's on first use, and a server's (the bank's questions and its own) when its approvals
//! change, kept by the version its server bank was built from.

use crate::discord::app::App;
use crate::discord::custom_id::Target;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::questions;
use crate::discord::render::ask as look;
use crate::discord::text::{self as text, ask as t};
use crate::quiz::ask::{Found, Index};
use crate::quiz::suggest::ServerBank;
use crate::quiz::GuildId;
use crate::store::StoreError;
use serenity::all::{CreateCommand, ResolvedOption, ResolvedValue};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tracing::{info, warn};

/// The shortest and longest question the option takes (Discord refuses others).
pub const QUESTION_MIN: u16 = 3;
pub const QUESTION_MAX: u16 = 300;

/// The command as `register` sends it: in servers and in direct messages, like `/quiz`.
pub fn definition() -> CreateCommand {
    CreateCommand::new("ask").description(t::ASK).add_option(
        super::string("question", t::ASK_QUESTION, QUESTION_MIN, QUESTION_MAX).required(true),
    )
}

/// The indexes questions are looked up in: the bank's, and each server's with its own questions.
#[derive(Default)]
pub struct Indexes {
    bank: OnceLock<Arc<Index>>,
    servers: Mutex<HashMap<GuildId, Kept>>,
}

/// A server's index, and the version of its server bank it was built from.
struct Kept {
    version: (u64, i64),
    index: Arc<Index>,
}

/// Server indexes kept at most; the cache starts over beyond it (each rebuilds on its next use).
const CACHED: usize = 256;

async fn built(app: &App, server: Option<Arc<ServerBank>>) -> Result<Arc<Index>, StoreError> {
    let app = app.clone();
    // Building analyses every question: off the async workers.
    tokio::task::spawn_blocking(move || {
        let bank = app.bank();
        let own = server.iter().flat_map(|s| s.questions());
        Arc::new(Index::new(
            bank.vocabulary(),
            bank.topics(),
            bank.questions().iter().chain(own),
        ))
    })
    .await
    .map_err(|_| StoreError::Closed)
}

/// The index of what may be asked where the member is: the bank's, and the server's own.
async fn index(app: &App, guild: Option<GuildId>) -> Result<Arc<Index>, StoreError> {
    let indexes = app.asks();
    let server = match guild {
        Some(g) => questions::server_bank(app, g).await?.map(|s| (g, s)),
        None => None,
    };
    let Some((guild, server)) = server else {
        if let Some(index) = indexes.bank.get() {
            return Ok(index.clone());
        }
        let index = built(app, None).await?;
        return Ok(indexes.bank.get_or_init(|| index).clone());
    };
    let cached = {
        let map = indexes.servers.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&guild)
            .filter(|k| k.version == server.version)
            .map(|k| k.index.clone())
    };
    if let Some(index) = cached {
        return Ok(index);
    }
    let version = server.version;
    let index = built(app, Some(server)).await?;
    let mut map = indexes.servers.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= CACHED {
        map.clear();
    }
    map.insert(
        guild,
        Kept {
            version,
            index: index.clone(),
        },
    );
    Ok(index)
}

fn question_opt<'a>(opts: &'a [ResolvedOption<'a>]) -> &'a str {
    opts.iter()
        .find(|o| o.name == "question")
        .and_then(|o| match o.value {
            ResolvedValue::String(s) => Some(s),
            _ => None,
        })
        .unwrap_or_default()
}

/// `/ask question:`: the closest question and its answer, or the nearest topics.
pub(in crate::discord) async fn command(
    app: &App,
    ctx: &Ctx,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let asked = question_opt(opts).trim();
    let length = asked.chars().count();
    if length < QUESTION_MIN as usize || !asked.chars().any(char::is_alphanumeric) {
        return Err(user(t::TOO_SHORT));
    }
    if length > QUESTION_MAX as usize {
        return Err(user(t::too_long(QUESTION_MAX)));
    }
    let index = index(app, ctx.guild).await?;
    match index.ask(asked) {
        Found::Close { best, also } => {
            info!(guild = ?ctx.guild, user = %ctx.user, question = %best.id, score = best.score, "asked the bank: close");
            let Some(held) = questions::find(app, ctx.guild, &best.id).await? else {
                // The index and the banks are built from the same questions.
                warn!(question = %best.id, "an asked question is not in its bank");
                return Err(user(text::QUESTION_GONE));
            };
            // A generated question is shown by its first instance, as the index knows it.
            let inst = held.question().instance(0);
            Ok(Reply::Message(look::close(
                app.bank(),
                &inst,
                &best,
                &also,
                asked,
                held.author(),
            )))
        }
        Found::Nothing { topics, nearest } => {
            info!(guild = ?ctx.guild, user = %ctx.user, nearest = nearest.first().map_or(0.0, |h| h.score), "asked the bank: nothing close");
            Ok(Reply::Message(look::nothing(
                app.bank(),
                &topics,
                &nearest,
                asked,
            )))
        }
    }
}

/// **Practise it**: the question `/ask` found, asked privately with `/quiz`'s controls, so its
/// answer is graded and recorded as practice.
pub(in crate::discord) async fn practise(
    app: &App,
    ctx: &Ctx,
    question: &str,
) -> Result<Reply, Failure> {
    let Some(held) = questions::find(app, ctx.guild, question).await? else {
        // Removed from the bank since, or a server question pressed from elsewhere.
        warn!(question, guild = ?ctx.guild, "practise: a question not in this bank");
        return Err(user(text::QUESTION_GONE));
    };
    info!(guild = ?ctx.guild, user = %ctx.user, question, "practise an asked question");
    let seed: u64 = rand::random();
    let inst = held.question().instance(seed);
    let target = Target::Practice {
        question: question.to_string(),
        seed,
    };
    Ok(Reply::Message(look::practise(
        app.bank(),
        &inst,
        &target,
        held.author(),
    )))
}
