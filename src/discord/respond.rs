//! Answering within Discord's 3 seconds: the handler gets a budget; past it the interaction is
//! deferred and the reply is sent later as an edit of the original response.

use super::app::App;
use super::handler::{handle, Failure, Reply};
use super::render::{self, Msg};
use super::text as t;
use futures_util::FutureExt;
use serenity::all::{
    CreateInteractionResponse, CreateInteractionResponseMessage, EditInteractionResponse,
    Interaction,
};
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use tracing::{error, warn, Instrument};

/// The handler's reply, or its panic.
type Work = std::pin::Pin<Box<dyn std::future::Future<Output = std::thread::Result<Reply>> + Send>>;

/// Leaves half a second of Discord's three for the network.
pub const BUDGET: Duration = Duration::from_millis(2500);

fn token_of(i: &Interaction) -> Option<&str> {
    match i {
        Interaction::Command(c) | Interaction::Autocomplete(c) => Some(&c.token),
        Interaction::Component(c) => Some(&c.token),
        Interaction::Modal(m) => Some(&m.token),
        _ => None,
    }
}

/// How an interaction ended, for the metrics: the usual reply, a short private refusal (the
/// member's mistake, or a closed round's reveal), or a failure that is in the log.
pub(super) fn outcome(result: &Result<Reply, Failure>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(Failure::User(_) | Failure::Reply(_)) => "refused",
        Err(Failure::Store(_)) => "error",
    }
}

/// The interaction's kind, for the metrics' labels.
fn kind_of(i: &Interaction) -> &'static str {
    match i {
        Interaction::Ping(_) => "ping",
        Interaction::Command(_) => "command",
        Interaction::Autocomplete(_) => "autocomplete",
        Interaction::Component(_) => "component",
        Interaction::Modal(_) => "modal",
        _ => "other",
    }
}

/// The span every log line of an interaction carries: its id, guild and member, and the round
/// once the handler knows it (`round`, recorded by the handler).
fn span_of(i: &Interaction) -> tracing::Span {
    let (id, guild, member) = match i {
        Interaction::Command(c) | Interaction::Autocomplete(c) => {
            (c.id.get(), c.guild_id, c.user.id)
        }
        Interaction::Component(c) => (c.id.get(), c.guild_id, c.user.id),
        Interaction::Modal(m) => (m.id.get(), m.guild_id, m.user.id),
        _ => return tracing::Span::none(),
    };
    tracing::info_span!(
        "interaction",
        interaction = id,
        guild = guild.map(|g| g.get()),
        member = member.get(),
        round = tracing::field::Empty,
    )
}

/// The response to send now; when the handler runs past `budget`, a deferral, with the real
/// reply sent as an edit once it is ready. The time to it goes to the metrics.
pub async fn respond(
    app: &App,
    interaction: Interaction,
    budget: Duration,
) -> CreateInteractionResponse {
    let started = std::time::Instant::now();
    let kind = kind_of(&interaction);
    let span = span_of(&interaction);
    let response = respond_in(app, interaction, budget, span.clone())
        .instrument(span)
        .await;
    crate::metrics::interaction_latency(kind, started.elapsed());
    response
}

async fn respond_in(
    app: &App,
    interaction: Interaction,
    budget: Duration,
    span: tracing::Span,
) -> CreateInteractionResponse {
    // Autocomplete cannot be deferred, and a ping needs no work.
    if matches!(
        interaction,
        Interaction::Autocomplete(_) | Interaction::Ping(_)
    ) {
        return handle(app, &interaction).await.into_response();
    }
    // A reply with a file can only be an edit of a deferred response.
    let budget = if super::commands::export::defers(&interaction) {
        Duration::ZERO
    } else {
        budget
    };
    let token = token_of(&interaction).map(String::from);
    let task_app = app.clone();
    // The handler runs in this task; only when it outlives the budget is it moved to its own,
    // so the common case costs no extra task. A panic becomes an apology, not a dropped request.
    // The work carries the interaction's span, also when it moves to its own task.
    let mut work = Box::pin(
        AssertUnwindSafe(async move { handle(&task_app, &interaction).await }.instrument(span))
            .catch_unwind(),
    );
    let defer = |work: Work| {
        let app = app.clone();
        tokio::spawn(async move {
            let reply = work
                .await
                .unwrap_or_else(|_| Reply::Message(Msg::private(t::SOMETHING_WENT_WRONG)));
            let Some(token) = token else { return };
            finish(&app, &token, reply).await;
        });
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true))
    };
    // A budget of zero defers everything (all replies then arrive as edits).
    if budget.is_zero() {
        return defer(work);
    }
    let late = tokio::time::sleep(budget);
    tokio::pin!(late);
    tokio::select! {
        // Once the budget is spent, defer, even if the reply would be ready a moment later.
        biased;
        _ = &mut late => defer(work),
        done = &mut work => match done {
            // A picture cannot ride in a response body: defer, and send it as an edit.
            Ok(reply @ Reply::WithImage(..)) => defer(Box::pin(futures_util::future::ready(Ok(reply)))),
            Ok(reply) => reply.into_response(),
            Err(_) => {
                error!("the handler panicked");
                Reply::Message(Msg::private(t::SOMETHING_WENT_WRONG)).into_response()
            }
        },
    }
}

/// Sends a late reply as an edit of the deferred response.
async fn finish(app: &App, token: &str, reply: Reply) {
    let (msg, file) = match reply {
        Reply::WithImage(m, image) => return super::attach::finish(app, token, m, image).await,
        Reply::Message(m) | Reply::Update(m) => (m, None),
        Reply::File(m, file) => (m, Some(file)),
        other => {
            warn!(?other, "a reply that cannot follow a deferral");
            (Msg::private(t::SOMETHING_WENT_WRONG), None)
        }
    };
    let mut edit = EditInteractionResponse::new()
        .embeds(msg.embeds)
        .components(msg.components)
        .allowed_mentions(render::no_mentions());
    if let Some(c) = msg.content {
        edit = edit.content(c);
    }
    let sent = match file {
        None => {
            app.http()
                .edit_original_interaction_response(token, &edit, vec![])
                .await
        }
        Some(file) => {
            // Multipart: `payload_json` lists the file as attachment "0", sent as `files[0]`
            // (serenity's own attachment list writes that id as a number; Discord's spec has a
            // snowflake string).
            let mut payload = serde_json::to_value(&edit).unwrap_or_default();
            payload["attachments"] =
                serde_json::json!([{"id": "0", "filename": file.filename.clone()}]);
            app.http()
                .edit_original_interaction_response(token, &payload, vec![file])
                .await
        }
    };
    if let Err(e) = sent {
        error!(error = %e, "could not send a deferred reply");
    }
}
