//! What suggesting and moderating questions look like: the form, what to fix, the thanks with
//! its duplicate warning, and a page of the moderators' queue.

use super::{clip, Msg};
use crate::bank::Bank;
use crate::discord::commands::suggest::Control;
use crate::discord::text::suggest as t;
use crate::quiz::suggest::{Field, Form, Notice, Problem, Queued, Similar, SuggestKind};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter, CreateInputText,
    CreateModal, InputTextStyle,
};

const AMBER: u32 = 0xf59e0b;
const BLUE: u32 = 0x3b82f6;

/// The form of a kind, filled in with `form`'s texts (empty boxes show their placeholder).
pub fn form_modal(form: &Form, custom_id: String, title: String) -> CreateModal {
    let rows = form
        .kind
        .fields()
        .iter()
        .map(|&field| {
            let (label, placeholder) = t::field_box(form.kind, field);
            let max = t::field_max(form.kind, field);
            let style = if form.kind == SuggestKind::TrueFalse && field == Field::Answer {
                InputTextStyle::Short
            } else {
                InputTextStyle::Paragraph
            };
            let mut input = CreateInputText::new(style, label, field.as_str())
                .placeholder(placeholder)
                .max_length(max)
                .required(true);
            let value = form.text(field);
            if !value.is_empty() {
                input = input.value(clip(value, max as usize));
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    CreateModal::new(custom_id, clip(&title, 45)).components(rows)
}

/// A one-line reason a modal asks for.
pub fn reason_modal(custom_id: String, title: String) -> CreateModal {
    let input = CreateInputText::new(InputTextStyle::Paragraph, t::DENY_LABEL, "reason")
        .placeholder(t::DENY_PLACEHOLDER)
        .min_length(1)
        .max_length(crate::quiz::suggest::MAX_REASON_CHARS as u16)
        .required(true);
    CreateModal::new(custom_id, title).components(vec![CreateActionRow::InputText(input)])
}

/// What to fix, box by box, in the bank's own words.
pub fn problems(kind: SuggestKind, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let mut message = p.message.clone();
            if let Some(first) = message.get(..1) {
                message.replace_range(..1, &first.to_uppercase());
            }
            format!("• **{}**: {message}", t::field_name(kind, p.field))
        })
        .collect();
    clip(&lines.join("\n"), 4000)
}

fn button(control: Control, label: &str, style: ButtonStyle) -> CreateButton {
    CreateButton::new(control.encode())
        .label(label)
        .style(style)
}

/// A form the bank's rules refused: what to fix, and a button that reopens it as it was.
pub fn refused(kind: SuggestKind, found: &[Problem], notices: &[Notice]) -> Msg {
    let embed = CreateEmbed::new()
        .description(problems(kind, found))
        .colour(AMBER);
    Msg {
        content: Some(with_notices(t::REFUSED.into(), notices)),
        embeds: vec![embed],
        components: vec![CreateActionRow::Buttons(vec![button(
            Control::Fix,
            t::EDIT_BUTTON,
            ButtonStyle::Primary,
        )])],
        ephemeral: true,
    }
}

/// The lines of possible duplicates: id, closeness and prompt.
fn similar_lines(similar: &[Similar]) -> String {
    let lines: Vec<String> = similar
        .iter()
        .map(|s| {
            let prompt = s.prompt.lines().next().unwrap_or_default();
            format!(
                "`{}` · {:.0}% alike: {}",
                s.id,
                s.score * 100.0,
                clip(prompt, 200)
            )
        })
        .collect();
    clip(&lines.join("\n"), 1024)
}

/// A suggestion queued: the thanks, and the questions it comes close to.
pub fn queued(id: i64, similar: &[Similar], notices: &[Notice]) -> Msg {
    let mut msg = Msg::private(with_notices(t::queued(id), notices));
    if !similar.is_empty() {
        msg.embeds.push(
            CreateEmbed::new()
                .field(t::DUPLICATES, similar_lines(similar), false)
                .colour(AMBER),
        );
    }
    msg
}

/// Decisions the member had not heard of, before `text`.
pub fn with_notices(text: String, notices: &[Notice]) -> String {
    let mut lines: Vec<String> = notices
        .iter()
        .map(|n| t::decision(n.id.0, &n.question, n.approved, n.reason.as_deref()))
        .collect();
    lines.push(text);
    clip(&lines.join("\n\n"), super::CONTENT)
}

/// Decisions the member had not heard of, with a button to go on to the form.
pub fn notices(notices: &[Notice], write: Control) -> Msg {
    let text = notices
        .iter()
        .map(|n| t::decision(n.id.0, &n.question, n.approved, n.reason.as_deref()))
        .collect::<Vec<_>>()
        .join("\n\n");
    Msg::private(text).with_components(vec![CreateActionRow::Buttons(vec![button(
        write,
        t::WRITE_BUTTON,
        ButtonStyle::Primary,
    )])])
}

/// A page of the moderators' queue: the suggestion as sent, the questions it comes close to,
/// paging and the decisions.
pub fn queue_page(bank: &Bank, q: &Queued, similar: &[Similar], note: Option<String>) -> Msg {
    let s = &q.suggestion;
    let f = &s.form;
    let topic = bank
        .topic(&f.topic)
        .map_or(f.topic.as_str(), |t| t.title.as_str());
    let title = format!(
        "Suggestion #{} · {topic} · {} · {}",
        s.id.0,
        t::kind_name(f.kind),
        f.difficulty
    );
    let description = format!(
        "{}\n\n{}",
        clip(&f.question, 1500),
        t::suggested_by(s.author.0, s.at.timestamp())
    );
    let mut e = CreateEmbed::new()
        .title(clip(&title, 256))
        .description(description)
        .colour(BLUE)
        .footer(CreateEmbedFooter::new(t::queue_footer(
            q.position, q.waiting,
        )));
    for &field in f.kind.fields().iter().filter(|&&x| x != Field::Question) {
        let text = f.text(field).trim();
        let text = if text.is_empty() { "—" } else { text };
        e = e.field(t::field_name(f.kind, field), clip(text, 800), false);
    }
    if !similar.is_empty() {
        e = e.field(t::DUPLICATES, clip(&similar_lines(similar), 600), false);
    }
    let (id, position) = (s.id, q.position);
    let nav = vec![
        button(
            Control::Page {
                position: position.saturating_sub(1),
            },
            t::PREVIOUS,
            ButtonStyle::Secondary,
        )
        .disabled(position == 0),
        button(
            Control::Page {
                position: position + 1,
            },
            t::NEXT,
            ButtonStyle::Secondary,
        )
        .disabled(u64::from(position) + 1 >= q.waiting),
    ];
    let decide = vec![
        button(
            Control::Approve { id, position },
            t::APPROVE,
            ButtonStyle::Success,
        ),
        button(
            Control::Edit { id, position },
            t::EDIT_AND_APPROVE,
            ButtonStyle::Primary,
        ),
        button(Control::Deny { id, position }, t::DENY, ButtonStyle::Danger),
    ];
    Msg {
        content: note.map(|n| clip(&n, super::CONTENT)),
        embeds: vec![e],
        components: vec![
            CreateActionRow::Buttons(nav),
            CreateActionRow::Buttons(decide),
        ],
        ephemeral: true,
    }
}
