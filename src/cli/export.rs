//! `questions export --guild ID DIR`: a server's approved suggestions as a bank folder (the
//! bank's synonyms file and one topic file per topic, in the bank's TOML format), so good ones
//! can be contributed upstream. The folder is written from the questions the server's bank holds,
//! built as the bot builds it, so `questions check DIR` passes on it.

use crate::bank::Bank;
use crate::quiz::suggest::{server, ServerBank, SuggestionStore};
use crate::quiz::GuildId;
use std::io::Write;
use std::path::Path;

/// Writes the guild's approved questions into `dir` (new, or empty); returns how many.
pub fn export(bank: &Bank, db: &Path, guild: u64, dir: &Path) -> anyhow::Result<usize> {
    super::export_paths(db, dir)?;
    let (rt, store) = super::open_store(db)?;
    let approved = rt.block_on(store.approved_suggestions(GuildId(guild)));
    store.close();
    let approved = approved?;
    if approved.is_empty() {
        anyhow::bail!(
            "server {guild} has no approved suggestions in {}",
            db.display()
        );
    }
    let (built, errors) = ServerBank::build(bank, &approved);
    if let Some(errors) = errors {
        // Approved under the rules of their day; the bank's rules or word lists changed since.
        let _ = write!(
            std::io::stderr(),
            "left out, as the bot leaves them out of the server's questions:\n{errors}"
        );
    }
    let kept: Vec<_> = approved
        .into_iter()
        .filter(|a| built.as_ref().is_some_and(|b| b.get(&a.question).is_some()))
        .collect();
    if kept.is_empty() {
        anyhow::bail!("none of server {guild}'s approved suggestions passes the bank's rules now");
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in server::export_files(bank, &kept) {
        let path = dir.join(&name);
        std::fs::write(&path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    Ok(kept.len())
}
