//! `/suggestions` (Manage Server): the moderators' queue of suggested questions, oldest first,
//! paged with buttons; **Approve**, **Edit and approve** (the form again, filled in with the
//! member's texts) and **Deny** (a reason in a modal). The member is told of the decision by
//! direct message; when that fails (their DMs are closed) the decision waits for their next
//! `/suggest`, which shows it. Parsing, permissions and rendering only: the use-cases are
//! `quiz::suggest`.

use super::suggest::{read_form, Control, DraftFor};
use crate::discord::app::App;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::questions;
use crate::discord::render::{self, suggest as view, Msg};
use crate::discord::rest::{self, Call, RestError};
use crate::discord::text::{self as texts, suggest as t};
use crate::quiz::suggest::{self, Approval, Decided, Form, State, SuggestionId, SuggestionStore};
use crate::quiz::{GuildId, UserId};
use serenity::all::{ActionRowComponent, CreateMessage, ModalInteraction};
use serenity::http::{LightMethod, Route};
use tracing::{info, warn};

/// `/suggestions`: the oldest waiting suggestion.
pub(in crate::discord) async fn queue(app: &App, ctx: &Ctx) -> Result<Reply, Failure> {
    let guild = ctx.admin()?;
    match page(app, guild, 0, None).await? {
        Some(msg) => Ok(Reply::Message(msg)),
        None => Err(user(t::QUEUE_EMPTY)),
    }
}

/// The queue's page at `position`, with the questions its suggestion comes close to.
async fn page(
    app: &App,
    guild: GuildId,
    position: u32,
    note: Option<String>,
) -> Result<Option<Msg>, Failure> {
    let Some(q) = app.store().queued_suggestion(guild, position).await? else {
        return Ok(None);
    };
    let index = questions::duplicate_index(app, guild).await?;
    let similar = suggest::duplicates(&index, &q.suggestion.form);
    Ok(Some(view::queue_page(app.bank(), &q, &similar, note)))
}

/// The page at `position` after a decision, or the note and an empty queue.
async fn next_page(
    app: &App,
    guild: GuildId,
    position: u32,
    note: Option<String>,
) -> Result<Reply, Failure> {
    let msg = match page(app, guild, position, note.clone()).await? {
        Some(msg) => msg,
        None => Msg::private(match note {
            Some(n) => format!("{n}\n\n{}", t::QUEUE_EMPTY),
            None => t::QUEUE_EMPTY.to_string(),
        }),
    };
    Ok(Reply::Update(msg))
}

/// A queue button, or a form sent from one (`m`).
pub(in crate::discord) async fn queue_control(
    app: &App,
    ctx: &Ctx,
    control: Control,
    m: Option<&ModalInteraction>,
) -> Result<Reply, Failure> {
    let guild = ctx.admin()?;
    match (control, m) {
        (Control::Page { position }, None) => next_page(app, guild, position, None).await,
        (Control::Approve { id, position }, None) => {
            approve(app, ctx, guild, id, position, None).await
        }
        (Control::Edit { id, position }, None) => {
            let s = pending(app, guild, id).await?;
            // A refused edit comes back as the moderator left it.
            let form = match app.drafts().get(guild, ctx.user) {
                Some((DraftFor::Edit { id: of }, form)) if of == id => form,
                _ => s.form,
            };
            let edited = Control::Edited { id, position }.encode();
            Ok(Reply::Modal(view::form_modal(
                &form,
                edited,
                t::edit_title(id.0),
            )))
        }
        (Control::Edited { id, position }, Some(m)) => {
            let s = pending(app, guild, id).await?;
            let f = &s.form;
            let form = read_form(Form::new(f.kind, &f.topic, f.difficulty), m);
            approve(app, ctx, guild, id, position, Some(form)).await
        }
        (Control::Deny { id, position }, None) => {
            pending(app, guild, id).await?;
            let denied = Control::Denied { id, position }.encode();
            Ok(Reply::Modal(view::reason_modal(
                denied,
                t::deny_title(id.0),
            )))
        }
        (Control::Denied { id, position }, Some(m)) => {
            let reason = reason_of(m);
            if reason.trim().is_empty() {
                return Err(user(t::DENY_LABEL));
            }
            let decided =
                suggest::deny(app.store(), guild, id, &reason, ctx.user, app.now()).await?;
            let note = match decided {
                Decided::Denied { author } => {
                    info!(guild = %guild, suggestion = %id, moderator = %ctx.user, "suggestion denied");
                    let text = t::decision(
                        id.0,
                        &question_of(app, guild, id).await,
                        false,
                        Some(&reason),
                    );
                    let by_dm = tell(app, id, author, &text).await;
                    format!("{} {}", t::denied(id.0), t::told(author.0, by_dm))
                }
                Decided::NoSuch => return Err(user(t::GONE)),
                _ => t::ALREADY_DECIDED.to_string(),
            };
            next_page(app, guild, position, Some(note)).await
        }
        _ => Err(user(texts::UNKNOWN_CONTROL)),
    }
}

/// The guild's suggestion `id`, still waiting for a decision.
async fn pending(
    app: &App,
    guild: GuildId,
    id: SuggestionId,
) -> Result<suggest::Suggestion, Failure> {
    let s = app
        .store()
        .suggestion(guild, id)
        .await?
        .ok_or_else(|| user(t::GONE))?;
    if s.state != State::Pending {
        return Err(user(t::NOT_PENDING));
    }
    Ok(s)
}

async fn question_of(app: &App, guild: GuildId, id: SuggestionId) -> String {
    match app.store().suggestion(guild, id).await {
        Ok(Some(s)) => s.form.question,
        _ => String::new(),
    }
}

fn reason_of(m: &ModalInteraction) -> String {
    m.data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            ActionRowComponent::InputText(i) if i.custom_id == "reason" => i.value.clone(),
            _ => None,
        })
        .unwrap_or_default()
}

/// Approves a suggestion as sent, or with the moderator's edit; a refused edit is kept to be
/// edited again.
async fn approve(
    app: &App,
    ctx: &Ctx,
    guild: GuildId,
    id: SuggestionId,
    position: u32,
    edit: Option<Form>,
) -> Result<Reply, Failure> {
    let approval = suggest::approve(
        app.store(),
        app.bank(),
        guild,
        id,
        edit.clone(),
        ctx.user,
        app.now(),
    )
    .await?;
    let note = match approval {
        Approval::Refused(problems) => {
            let kind = match &edit {
                Some(f) => f.kind,
                None => pending(app, guild, id).await?.form.kind,
            };
            if let Some(form) = edit {
                app.drafts()
                    .keep(guild, ctx.user, DraftFor::Edit { id }, form);
            }
            let list = render::clip(&view::problems(kind, &problems), 1700);
            format!("{}\n{list}", t::CANNOT_APPROVE)
        }
        Approval::Decided(Decided::Approved { author, question }) => {
            if let Some((DraftFor::Edit { id: of }, _)) = app.drafts().get(guild, ctx.user) {
                if of == id {
                    app.drafts().forget(guild, ctx.user);
                }
            }
            info!(guild = %guild, suggestion = %id, question, moderator = %ctx.user, "suggestion approved");
            let text = t::decision(id.0, &question_of(app, guild, id).await, true, None);
            let by_dm = tell(app, id, author, &text).await;
            format!(
                "{} {}",
                t::approved(id.0, &question),
                t::told(author.0, by_dm)
            )
        }
        Approval::Decided(Decided::NoSuch) => return Err(user(t::GONE)),
        Approval::Decided(_) => t::ALREADY_DECIDED.to_string(),
    };
    next_page(app, guild, position, Some(note)).await
}

/// Tells a member of a decision by direct message; `false` when it could not be sent, and the
/// decision then waits for their next `/suggest`.
async fn tell(app: &App, id: SuggestionId, member: UserId, text: &str) -> bool {
    match direct_message(app, member, text).await {
        Ok(()) => {
            if let Err(e) = app.store().mark_told(vec![id]).await {
                warn!(suggestion = %id, error = %e, "could not note that the member was told");
            }
            true
        }
        Err(e) => {
            warn!(suggestion = %id, member = %member, error = %e, "could not send the decision by direct message; it waits for their next /suggest");
            false
        }
    }
}

/// Opens the member's DM channel (`POST /users/@me/channels`) and posts `text` in it.
async fn direct_message(app: &App, member: UserId, text: &str) -> Result<(), RestError> {
    let open = Call::new("open a DM", Route::UserMeDmChannels, LightMethod::Post)
        .json(&serde_json::json!({ "recipient_id": member.0.to_string() }));
    let channel: serde_json::Value = rest::send(app, open).await?;
    let channel = channel["id"]
        .as_str()
        .and_then(|c| c.parse::<u64>().ok())
        .ok_or_else(|| RestError::Unclear("the DM channel came back without an id".into()))?;
    let message = CreateMessage::new()
        .content(render::clip(text, 2000))
        .allowed_mentions(render::no_mentions());
    let post = Call::new(
        "send a DM",
        Route::ChannelMessages {
            channel_id: channel.into(),
        },
        LightMethod::Post,
    )
    .json(&message);
    rest::send_raw(app, &post).await.map(drop)
}
