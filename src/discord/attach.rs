//! Messages that carry a picture: `/stats`' chart and the reveal's histogram.
//!
//! Replies (`/stats`' chart). An interaction's first response cannot carry
//! a file through the HTTP endpoint (it is the JSON body of Discord's POST), so such a reply is
//! always a deferral followed by an edit of the original response sent as multipart: the embed
//! shows the file as `attachment://NAME`. The same path serves the gateway, so both transports
//! send the picture the same way.
//!
//! The edit can reach Discord a moment before the deferral it edits (the deferral is still on
//! its way as the HTTP answer or the callback), so "unknown" answers are tried again a few times.
//! If the picture is refused, or never goes, the text goes alone: the member always gets their
//! numbers.

use super::app::App;
use super::render::{self, Msg};
use super::rest::{self, Call, RestError};
use serenity::all::{CreateAttachment, CreateEmbed, CreateMessage, EditInteractionResponse};
use serenity::http::{LightMethod, Route};
use std::time::Duration;
use tracing::{debug, warn};

/// A PNG to attach, with its file name (what the embed's `attachment://` URL names).
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub name: &'static str,
    pub png: Vec<u8>,
}

impl Image {
    pub fn url(&self) -> String {
        format!("attachment://{}", self.name)
    }

    pub fn attachment(&self) -> CreateAttachment {
        CreateAttachment::bytes(self.png.clone(), self.name)
    }

    /// A message body (JSON) with this image as its one attachment. Discord's spec has the
    /// attachment's id as a string (the id of the `files[0]` part); serenity's builders write a
    /// number, so it is set here.
    pub fn body_with(&self, body: &impl serde::Serialize) -> serde_json::Value {
        let mut v = serde_json::to_value(body).unwrap_or_else(|_| serde_json::json!({}));
        v["attachments"] = serde_json::json!([{ "id": "0", "filename": self.name }]);
        v
    }
}

/// `embeds` with the first one showing `image` (a message with no embed gets one).
pub fn illustrated(mut embeds: Vec<CreateEmbed>, image: &Image) -> Vec<CreateEmbed> {
    match embeds.first_mut() {
        Some(first) => *first = first.clone().image(image.url()),
        None => embeds.push(CreateEmbed::new().image(image.url())),
    }
    embeds
}

/// How many times an edit Discord does not know yet is tried, and the first wait between.
const TRIES: u32 = 4;
const FIRST_WAIT: Duration = Duration::from_millis(300);

fn edit_of(msg: &Msg, embeds: Vec<CreateEmbed>) -> EditInteractionResponse {
    let mut edit = EditInteractionResponse::new()
        .embeds(embeds)
        .components(msg.components.clone())
        .allowed_mentions(render::no_mentions());
    if let Some(c) = &msg.content {
        edit = edit.content(c.clone());
    }
    edit
}

/// Whether Discord answered that it does not know the interaction's response (yet).
fn unknown(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) if r.status_code.as_u16() == 404)
}

/// Edits the original response of `token`, with `files` attached (multipart) when there are any.
async fn edit(
    app: &App,
    token: &str,
    edit: &impl serde::Serialize,
    files: Vec<CreateAttachment>,
) -> Result<(), serenity::Error> {
    let mut wait = FIRST_WAIT;
    let mut tried = 1;
    loop {
        match app
            .http()
            .edit_original_interaction_response(token, edit, files.clone())
            .await
        {
            Ok(_) => return Ok(()),
            Err(e) if unknown(&e) && tried < TRIES => {
                debug!(tried, "the deferral is not known yet; editing again");
                tokio::time::sleep(wait).await;
                wait *= 2;
                tried += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Finishes a deferred interaction with `msg` and `image`; the text alone when the image
/// cannot go.
pub async fn finish(app: &App, token: &str, msg: Msg, image: Image) {
    let with = image.body_with(&edit_of(&msg, illustrated(msg.embeds.clone(), &image)));
    let Err(e) = edit(app, token, &with, vec![image.attachment()]).await else {
        return;
    };
    warn!(error = %e, image = image.name, bytes = image.png.len(), "could not send the chart; sending the text alone");
    let plain = edit_of(&msg, msg.embeds.clone());
    if let Err(e) = edit(app, token, &plain, vec![]).await {
        warn!(error = %e, "could not send a deferred reply");
    }
}

/// Posts `msg` to `channel` as the bot (the raw REST path, `rest`), with `image` shown in its
/// first embed and attached (multipart). If Discord refuses the message with the image, it is
/// posted without it: the picture is never why a message is missing.
pub async fn post(
    app: &App,
    what: &'static str,
    channel: u64,
    msg: &CreateMessage,
    image: Option<&Image>,
) -> Result<bytes::Bytes, RestError> {
    let call = || {
        Call::new(
            what,
            Route::ChannelMessages {
                channel_id: channel.into(),
            },
            LightMethod::Post,
        )
    };
    if let Some(image) = image {
        let mut body = image.body_with(msg);
        if let Some(first) = body["embeds"].get_mut(0) {
            first["image"] = serde_json::json!({ "url": image.url() });
        }
        match rest::send_raw(app, &call().files(&body, vec![image.attachment()])).await {
            Err(e @ RestError::Refused { .. }) => {
                warn!(what, error = %e, image = image.name, bytes = image.png.len(), "Discord refused the message with its chart; posting it without");
            }
            sent => return sent,
        }
    }
    rest::send_raw(app, &call().json(msg)).await
}
