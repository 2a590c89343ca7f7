//! What `/review` looks like: a due question with the answer controls of `/quiz`, the grade of a
//! review answer with when the question comes back and **Next review** while more are due, and
//! the message for nothing due.

use super::{answer_controls, clip, credit, question_embed, Msg};
use crate::bank::{Bank, Instance};
use crate::discord::custom_id::{Control, Target};
use crate::discord::text::review as t;
use crate::quiz::review::{Card, Status};
use crate::quiz::UserId;
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton};

/// A due question, asked as `/quiz` asks one, under what is due.
pub fn question(
    bank: &Bank,
    inst: &Instance,
    target: &Target,
    author: Option<UserId>,
    status: Status,
) -> Msg {
    let q = inst.question;
    let topic = bank
        .topic(&q.topic)
        .map_or(q.topic.as_str(), |t| t.title.as_str());
    let embed =
        question_embed(bank, inst, None).title(clip(&format!("{} · {topic}", t::TITLE), 256));
    Msg {
        content: Some(t::due_now(
            status.due,
            status.next_due.map(|d| d.timestamp()),
        )),
        embeds: vec![credit(embed, author)],
        components: answer_controls(inst, target, false),
        ephemeral: true,
    }
}

/// A review answer's grade (`grade`, as `/quiz` shows it), with when the question comes back
/// (`card`, `None` when it could not be rescheduled) and what else is due.
pub fn graded(mut grade: Msg, card: Option<&Card>, status: Status) -> Msg {
    let next = status.next_due.map(|d| d.timestamp());
    let content = match card {
        Some(card) => t::after_answer(card.due.timestamp(), status.due, next),
        None => t::NOT_RESCHEDULED.to_string(),
    };
    // The grade's own rows (its Follow-up), then Next review while more are due.
    let mut components = std::mem::take(&mut grade.components);
    if status.due > 0 {
        components.push(CreateActionRow::Buttons(vec![CreateButton::new(
            Control::NextReview.encode(),
        )
        .label(t::NEXT_BUTTON)
        .style(ButtonStyle::Primary)]));
    }
    Msg {
        content: Some(content),
        components,
        ..grade
    }
}

/// `/review` with no question due: when the next falls due, or how to get some.
pub fn nothing_due(status: Status) -> Msg {
    match status.next_due {
        Some(at) => Msg::private(t::nothing_due(at.timestamp())),
        None => Msg::private(t::NONE_YET),
    }
}
