//! The `suggest` family: `/suggest`, a member's form for a new question, checked with the bank's
//! own rules; and its controls, shared with the moderators' queue (`suggestions.rs`). Parsing,
//! permissions and rendering only: the use-cases are `quiz::suggest`.
//!
//! The form is a modal: the kind, topic and difficulty come with the command (the topic
//! autocompleted), the texts in at most five boxes. A form the rules refuse is kept in memory (not
//! in the database: nothing is stored) so that **Edit my suggestion** reopens it as it was.
//!
//! Custom ids, `1:s<x>:...` (see `custom_id.rs` for the others):
//! - `1:sw:<kind>:<topic>:<difficulty>`  open the form (after the member read their notices)
//! - `1:sg:<kind>:<topic>:<difficulty>`  the form, sent
//! - `1:sf`                              reopen the member's refused form
//! - `1:sq:<position>`                   a page of the queue
//! - `1:sa:<id>:<position>`              approve; `1:sy:` open the edit form, `1:se:` it sent
//! - `1:sd:<id>:<position>`              deny: ask the reason; `1:sr:` the reason sent

use super::{admin, string};
use crate::bank::Difficulty;
use crate::discord::app::App;
use crate::discord::handler::{user, Ctx, Failure, Reply};
use crate::discord::questions;
use crate::discord::render::{suggest as render, Msg};
use crate::discord::text::{self as texts, suggest as t};
use crate::quiz::suggest::{
    self, Field, Form, NewSuggestion, Submitted, SuggestKind, SuggestionId,
};
use crate::quiz::{GuildId, UserId};
use serenity::all::{
    ActionRowComponent, CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext,
    ModalInteraction, ResolvedOption, ResolvedValue,
};
use std::collections::HashMap;
use std::sync::Mutex;
use tracing::info;

pub(in crate::discord) use super::suggestions::{queue, queue_control};

/// A control of the suggestion family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Write {
        kind: SuggestKind,
        topic: String,
        difficulty: Difficulty,
    },
    Submit {
        kind: SuggestKind,
        topic: String,
        difficulty: Difficulty,
    },
    Fix,
    Page {
        position: u32,
    },
    Approve {
        id: SuggestionId,
        position: u32,
    },
    Edit {
        id: SuggestionId,
        position: u32,
    },
    Edited {
        id: SuggestionId,
        position: u32,
    },
    Deny {
        id: SuggestionId,
        position: u32,
    },
    Denied {
        id: SuggestionId,
        position: u32,
    },
}

impl Control {
    pub fn encode(&self) -> String {
        let form = |tag: &str, k: &SuggestKind, topic: &str, d: &Difficulty| {
            format!("1:{tag}:{}:{topic}:{}", k.as_str(), d.as_str())
        };
        match self {
            Control::Write {
                kind,
                topic,
                difficulty,
            } => form("sw", kind, topic, difficulty),
            Control::Submit {
                kind,
                topic,
                difficulty,
            } => form("sg", kind, topic, difficulty),
            Control::Fix => "1:sf".into(),
            Control::Page { position } => format!("1:sq:{position}"),
            Control::Approve { id, position } => format!("1:sa:{}:{position}", id.0),
            Control::Edit { id, position } => format!("1:sy:{}:{position}", id.0),
            Control::Edited { id, position } => format!("1:se:{}:{position}", id.0),
            Control::Deny { id, position } => format!("1:sd:{}:{position}", id.0),
            Control::Denied { id, position } => format!("1:sr:{}:{position}", id.0),
        }
    }

    /// Parses a custom_id of this family; anything else (another family's, a forgery) is `None`.
    pub fn parse(id: &str) -> Option<Control> {
        if id.len() > crate::discord::custom_id::MAX_LEN {
            return None;
        }
        let parts: Vec<&str> = id.split(':').collect();
        let number = |s: &str| -> Option<u64> {
            (!s.is_empty()
                && s.len() <= 19
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0')))
            .then(|| s.parse().ok())
            .flatten()
        };
        let id = |s: &str| {
            number(s)
                .filter(|n| *n <= i64::MAX as u64)
                .map(|n| SuggestionId(n as i64))
        };
        let position = |s: &str| number(s).filter(|n| *n < 100_000).map(|n| n as u32);
        let form = |k: &str, topic: &str, d: &str| {
            // A bank's topic id: kebab-case (the whole id keeps within 100 characters).
            let topic_ok = crate::bank::is_kebab(topic);
            Some((
                SuggestKind::parse(k)?,
                topic_ok.then(|| topic.to_string())?,
                Difficulty::parse(d)?,
            ))
        };
        match parts.as_slice() {
            ["1", "sw", k, topic, d] => {
                form(k, topic, d).map(|(kind, topic, difficulty)| Control::Write {
                    kind,
                    topic,
                    difficulty,
                })
            }
            ["1", "sg", k, topic, d] => {
                form(k, topic, d).map(|(kind, topic, difficulty)| Control::Submit {
                    kind,
                    topic,
                    difficulty,
                })
            }
            ["1", "sf"] => Some(Control::Fix),
            ["1", "sq", p] => Some(Control::Page {
                position: position(p)?,
            }),
            ["1", tag, i, p] => {
                let (id, position) = (id(i)?, position(p)?);
                match *tag {
                    "sa" => Some(Control::Approve { id, position }),
                    "sy" => Some(Control::Edit { id, position }),
                    "se" => Some(Control::Edited { id, position }),
                    "sd" => Some(Control::Deny { id, position }),
                    "sr" => Some(Control::Denied { id, position }),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// What a kept form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftFor {
    /// A member's new suggestion.
    New,
    /// A moderator's edit of a queued suggestion.
    Edit { id: SuggestionId },
}

/// Forms the bank's rules refused, by guild and member, to be edited and sent again. In memory
/// only: after a restart (or on another instance) the member is told to start again.
#[derive(Default)]
pub struct Drafts {
    map: Mutex<HashMap<(GuildId, UserId), (DraftFor, Form)>>,
}

/// Drafts kept at most; beyond it the oldest are not told apart from the rest: all go.
const DRAFTS: usize = 4096;

impl Drafts {
    pub fn keep(&self, guild: GuildId, member: UserId, what: DraftFor, form: Form) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= DRAFTS {
            map.clear();
        }
        map.insert((guild, member), (what, form));
    }

    pub fn get(&self, guild: GuildId, member: UserId) -> Option<(DraftFor, Form)> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(guild, member)).cloned()
    }

    pub fn forget(&self, guild: GuildId, member: UserId) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&(guild, member));
    }
}

/// `/suggest` and `/suggestions`, as `register` sends them.
pub fn definitions() -> Vec<CreateCommand> {
    let mut kind = string("kind", t::SUGGEST_KIND, 1, 10).required(true);
    for k in SuggestKind::ALL {
        kind = kind.add_string_choice(t::kind_name(k), k.as_str());
    }
    let mut difficulty = string("difficulty", t::SUGGEST_DIFFICULTY, 1, 6).required(true);
    for d in Difficulty::ALL {
        difficulty = difficulty.add_string_choice(d.as_str(), d.as_str());
    }
    let topic = CreateCommandOption::new(CommandOptionType::String, "topic", t::SUGGEST_TOPIC)
        .min_length(1)
        .max_length(super::TOPIC_MAX)
        .set_autocomplete(true)
        .required(true);
    vec![
        CreateCommand::new("suggest")
            .description(t::SUGGEST)
            .add_option(kind)
            .add_option(topic)
            .add_option(difficulty)
            .contexts(vec![InteractionContext::Guild]),
        admin(CreateCommand::new("suggestions").description(t::SUGGESTIONS))
            .contexts(vec![InteractionContext::Guild]),
    ]
}

fn option<'a>(opts: &'a [ResolvedOption<'a>], name: &str) -> Option<&'a str> {
    opts.iter()
        .find(|o| o.name == name)
        .and_then(|o| match o.value {
            ResolvedValue::String(s) => Some(s),
            _ => None,
        })
}

/// `/suggest kind topic difficulty`: the form, or first the decisions the member missed.
pub(in crate::discord) async fn command(
    app: &App,
    ctx: &Ctx,
    opts: &[ResolvedOption<'_>],
) -> Result<Reply, Failure> {
    let guild = ctx.guild()?;
    let kind = option(opts, "kind")
        .and_then(SuggestKind::parse)
        .ok_or_else(|| user(t::BAD_KIND))?;
    let difficulty = option(opts, "difficulty")
        .and_then(Difficulty::parse)
        .ok_or_else(|| user(t::BAD_DIFFICULTY))?;
    let topic = option(opts, "topic").unwrap_or_default().trim();
    if app.bank().topic(topic).is_none() {
        let ids: Vec<&str> = app.bank().topics().iter().map(|t| t.id.as_str()).collect();
        return Err(user(texts::unknown_topic(topic, &ids)));
    }
    let notices = suggest::take_notices(app.store(), guild, ctx.user).await?;
    if !notices.is_empty() {
        let write = Control::Write {
            kind,
            topic: topic.to_string(),
            difficulty,
        };
        return Ok(Reply::Message(render::notices(&notices, write)));
    }
    Ok(Reply::Modal(new_form(&Form::new(kind, topic, difficulty))))
}

/// The form for a new suggestion, filled in with `form`'s texts.
fn new_form(form: &Form) -> serenity::all::CreateModal {
    let submit = Control::Submit {
        kind: form.kind,
        topic: form.topic.clone(),
        difficulty: form.difficulty,
    };
    render::form_modal(form, submit.encode(), t::form_title(form.kind))
}

/// The texts of a sent form, box by box, over `form`'s kind, topic and difficulty.
pub(super) fn read_form(mut form: Form, m: &ModalInteraction) -> Form {
    for input in m.data.components.iter().flat_map(|row| &row.components) {
        if let ActionRowComponent::InputText(input) = input {
            if let (Some(field), Some(value)) = (Field::parse(&input.custom_id), &input.value) {
                if form.kind.fields().contains(&field) {
                    form.set(field, value.clone());
                }
            }
        }
    }
    form
}

/// A button of the family.
pub(in crate::discord) async fn component(
    app: &App,
    ctx: &Ctx,
    control: Control,
) -> Result<Reply, Failure> {
    match control {
        Control::Write {
            kind,
            topic,
            difficulty,
        } => {
            ctx.guild()?;
            Ok(Reply::Modal(new_form(&Form::new(kind, &topic, difficulty))))
        }
        Control::Fix => {
            let guild = ctx.guild()?;
            match app.drafts().get(guild, ctx.user) {
                Some((DraftFor::New, form)) => Ok(Reply::Modal(new_form(&form))),
                _ => Err(user(t::NO_DRAFT)),
            }
        }
        other => queue_control(app, ctx, other, None).await,
    }
}

/// A sent form of the family.
pub(in crate::discord) async fn modal(
    app: &App,
    ctx: &Ctx,
    control: Control,
    m: &ModalInteraction,
) -> Result<Reply, Failure> {
    let Control::Submit {
        kind,
        topic,
        difficulty,
    } = control
    else {
        return queue_control(app, ctx, control, Some(m)).await;
    };
    let guild = ctx.guild()?;
    let form = read_form(Form::new(kind, &topic, difficulty), m);
    let index = questions::duplicate_index(app, guild).await?;
    let new = NewSuggestion {
        guild,
        author: ctx.user,
        form: form.clone(),
        at: app.now(),
    };
    let submitted = suggest::submit(app.store(), app.bank(), &index, new).await?;
    let notices = suggest::take_notices(app.store(), guild, ctx.user).await?;
    let msg: Msg = match submitted {
        Submitted::Refused(problems) => {
            info!(guild = %guild, user = %ctx.user, problems = problems.len(), "a suggestion refused by the bank's rules");
            app.drafts().keep(guild, ctx.user, DraftFor::New, form);
            render::refused(kind, &problems, &notices)
        }
        Submitted::Queued { id, similar } => {
            info!(guild = %guild, user = %ctx.user, suggestion = %id, similar = similar.len(), "a suggestion queued");
            app.drafts().forget(guild, ctx.user);
            render::queued(id.0, &similar, &notices)
        }
    };
    // Sent from "Edit my suggestion": the message with that button gives way to the outcome.
    Ok(match m.message {
        Some(_) => Reply::Update(msg),
        None => Reply::Message(msg),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_round_trips_and_forgeries_are_refused() {
        let id = SuggestionId(i64::MAX);
        let controls = [
            Control::Write {
                kind: SuggestKind::FreeText,
                topic: "a".repeat(40),
                difficulty: Difficulty::Medium,
            },
            Control::Submit {
                kind: SuggestKind::TrueFalse,
                topic: "processes-threads".into(),
                difficulty: Difficulty::Hard,
            },
            Control::Fix,
            Control::Page { position: 99_999 },
            Control::Approve { id, position: 0 },
            Control::Edit { id, position: 3 },
            Control::Edited { id, position: 3 },
            Control::Deny { id, position: 1 },
            Control::Denied { id, position: 1 },
        ];
        for c in controls {
            let s = c.encode();
            assert!(s.len() <= 100, "{s}");
            assert_eq!(Control::parse(&s), Some(c), "{s}");
        }
        for bad in [
            "1:sg:multi:semver:easy",
            "1:sg:choice:Semver:easy",
            "1:sg:choice:semver:extreme",
            "1:sg:choice:semver",
            "1:sa:1",
            "1:sa:-1:0",
            "1:sa:01:0",
            "1:sx:1:0",
            "1:sq:100000",
            "1:sf:1",
            "2:sf",
            "1:a:1:1",
        ] {
            assert_eq!(Control::parse(bad), None, "{bad}");
        }
    }
}
