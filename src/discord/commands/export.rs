//! `/export` (Manage Server): the server's daily answers, members' totals and audit log as three
//! CSV files in one zip, attached to the reply. A reply with a file can only be an edit of a
//! deferred response (the HTTP endpoint answers with JSON alone), so `/export` always defers
//! (`defers`, used by `respond`). A zip over Discord's attachment limit is never sent: the admin
//! is told how to write the files with `interview-bot db export` instead. The tables come from
//! `quiz::export`, fed by the store; this file only checks, names and attaches.

use super::admin;
use crate::discord::app::App;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::render::Msg;
use crate::discord::text as t;
use crate::quiz::export::{Exporter, Format, ZipFiles};
use crate::quiz::GuildId;
use serenity::all::{CreateAttachment, CreateCommand, Interaction, InteractionContext};
use std::sync::atomic::Ordering;
use tracing::{error, info, warn};

/// Discord's attachment limit for a server without boosts (boosted servers allow more; this is
/// the size every server accepts).
pub const ATTACHMENT_LIMIT: u64 = 10 * 1024 * 1024;

/// The command as `register` sends it: Manage Server only (the handler checks again).
pub fn definition() -> CreateCommand {
    admin(CreateCommand::new("export").description(t::export::EXPORT))
        .contexts(vec![InteractionContext::Guild])
}

/// Whether the interaction is `/export`, which is always deferred: its reply carries a file.
pub fn defers(i: &Interaction) -> bool {
    matches!(i, Interaction::Command(c) if c.data.name == "export")
}

/// `/export`
pub(in crate::discord) async fn command(app: &App, ctx: &Ctx) -> Result<Reply, Failure> {
    let guild = ctx.admin()?;
    // Boxed: the zip writer is held across awaits, and every command's future is as large as
    // the largest arm of the handler's match.
    Box::pin(export(app, guild, ATTACHMENT_LIMIT)).await
}

/// The guild's export as a zip of at most `limit` bytes, or the message saying how to get it
/// when it is larger.
pub(in crate::discord) async fn export(
    app: &App,
    guild: GuildId,
    limit: u64,
) -> Result<Reply, Failure> {
    let files = ZipFiles::new(limit);
    let over = files.over_cap();
    let (exporter, said) = app
        .store()
        .export(guild, Exporter::new(Format::Csv, files))
        .await?;
    let finished = said.and_then(|()| exporter.finish());
    let zipped = match finished {
        Ok((files, counts)) => files.finish().map(|zip| zip.map(|z| (z, counts))),
        Err(_) if over.load(Ordering::Relaxed) => Ok(None),
        Err(e) => Err(e),
    };
    let (zip, [answers, members, audit]) = match zipped {
        Ok(Some(done)) => done,
        Ok(None) => {
            warn!(guild = %guild, limit, "the export is over the attachment limit");
            let text = t::export::too_large(guild.0, limit / (1024 * 1024));
            return Ok(Reply::Message(Msg::private(text)));
        }
        Err(e) => {
            error!(guild = %guild, error = %e, "the export could not be written");
            return Err(user(t::SOMETHING_WENT_WRONG));
        }
    };
    let tz = app.store().settings(guild).await?.timezone;
    let date = app.now().with_timezone(&tz).date_naive();
    let name = format!("interview-bot-export-{}-{date}.zip", guild.0);
    info!(guild = %guild, bytes = zip.len(), answers, members, audit, "export attached");
    let msg = Msg::private(t::export::attached(answers, members, audit));
    Ok(Reply::File(msg, CreateAttachment::bytes(zip, name)))
}
