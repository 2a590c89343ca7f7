//! The questions a guild is asked: the bank's, and its own approved suggestions (its server bank,
//! `quiz::suggest::ServerBank`). A question id is looked up in the bank first, so the common case
//! costs no database read; a server question is looked up in its guild's server bank, kept in
//! memory and rebuilt when the database says the guild's approvals changed (another instance
//! sharing the database may have approved one).

use super::app::App;
use crate::bank::Question;
use crate::grade::Grader;
use crate::quiz::suggest::similar::Index;
use crate::quiz::suggest::{ServerBank, SuggestionStore};
use crate::quiz::{GuildId, UserId};
use crate::store::StoreError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tracing::warn;

/// Each guild's server bank, as last built, with the approvals it was built from; and the
/// bank's own duplicate index, for guilds with no questions of their own.
#[derive(Default)]
pub struct ServerBanks {
    map: Mutex<HashMap<GuildId, Built>>,
    base_index: OnceLock<Arc<Index>>,
}

#[derive(Clone)]
struct Built {
    version: (u64, i64),
    /// `None`: no approved question could be used.
    bank: Option<Arc<ServerBank>>,
}

/// Server banks kept at most; the cache starts over beyond it (each rebuilds on its next use).
const CACHED: usize = 1024;

impl ServerBanks {
    fn cached(&self, guild: GuildId) -> Option<Built> {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&guild)
            .cloned()
    }

    fn keep(&self, guild: GuildId, built: Built) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= CACHED {
            map.clear();
        }
        map.insert(guild, built);
    }
}

/// A guild's server bank, as its approvals now stand; `None` when it has no usable question.
pub async fn server_bank(app: &App, guild: GuildId) -> Result<Option<Arc<ServerBank>>, StoreError> {
    let version = app.store().approved_version(guild).await?;
    if version.0 == 0 {
        return Ok(None);
    }
    if let Some(built) = app.server_banks().cached(guild) {
        if built.version == version {
            return Ok(built.bank);
        }
    }
    let approved = app.store().approved_suggestions(guild).await?;
    // Building grades every example: off the async workers.
    let base = app.clone();
    let (bank, errors) =
        tokio::task::spawn_blocking(move || ServerBank::build(base.bank(), &approved))
            .await
            .map_err(|_| StoreError::Closed)?;
    if let Some(errors) = errors {
        warn!(guild = %guild, errors = %errors, "approved questions left out of the server's bank");
    }
    let built = Built {
        version,
        bank: bank.map(Arc::new),
    };
    app.server_banks().keep(guild, built.clone());
    Ok(built.bank)
}

/// The questions a suggestion in `guild` is compared with: the bank's, and the guild's own.
pub async fn duplicate_index(app: &App, guild: GuildId) -> Result<Arc<Index>, StoreError> {
    if let Some(server) = server_bank(app, guild).await? {
        return Ok(server.index().clone());
    }
    if let Some(index) = app.server_banks().base_index.get() {
        return Ok(index.clone());
    }
    // Built once, off the async workers: it analyses every question of the bank.
    let base = app.clone();
    let index = tokio::task::spawn_blocking(move || {
        Arc::new(Index::new(
            base.bank().vocabulary(),
            base.bank().questions(),
        ))
    })
    .await
    .map_err(|_| StoreError::Closed)?;
    Ok(app.server_banks().base_index.get_or_init(|| index).clone())
}

/// One question, with what grades it and who suggested it; owned, so a reply can keep it.
#[derive(Clone)]
pub struct Held {
    app: App,
    server: Option<Arc<ServerBank>>,
    id: String,
}

impl Held {
    pub fn question(&self) -> &Question {
        let found = match &self.server {
            Some(s) => s.get(&self.id),
            None => self.app.bank().get(&self.id),
        };
        found.expect("a held question is in its bank")
    }

    /// The grader of the question's bank: the bank's, or its server bank's, built alike.
    pub fn grader(&self) -> &Grader {
        match &self.server {
            Some(s) => s.grader(),
            None => self.app.grader(),
        }
    }

    /// The member who suggested it, for a server question.
    pub fn author(&self) -> Option<UserId> {
        self.server.as_ref().and_then(|s| s.author(&self.id))
    }
}

/// The bank's question `id`.
pub fn in_bank(app: &App, id: &str) -> Option<Held> {
    app.bank().get(id).map(|_| Held {
        app: app.clone(),
        server: None,
        id: id.to_string(),
    })
}

/// The question `id` as `guild` knows it: the bank's, else the guild's own.
pub async fn find(app: &App, guild: Option<GuildId>, id: &str) -> Result<Option<Held>, StoreError> {
    let held = |server| Held {
        app: app.clone(),
        server,
        id: id.to_string(),
    };
    if let Some(held) = in_bank(app, id) {
        return Ok(Some(held));
    }
    let Some(guild) = guild else {
        return Ok(None);
    };
    // An approved question stays approved: a server bank that has it will do as it is.
    if let Some(bank) = app.server_banks().cached(guild).and_then(|b| b.bank) {
        if bank.get(id).is_some() {
            return Ok(Some(held(Some(bank))));
        }
    }
    let bank = server_bank(app, guild).await?;
    Ok(bank.filter(|b| b.get(id).is_some()).map(|b| held(Some(b))))
}

/// Every question a guild may be asked: the bank's, then its own.
pub fn all<'a>(app: &'a App, server: Option<&'a ServerBank>) -> Vec<&'a Question> {
    app.bank()
        .questions()
        .iter()
        .chain(server.map(|s| s.questions()).unwrap_or_default())
        .collect()
}
