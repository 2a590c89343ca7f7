//! What `/ask` looks like: the closest question of the bank with its answer, why, and where it
//! comes from, the next closest under it and **Practise it**; or, when nothing is close, the
//! nearest topics and questions, marked as not close; and the question **Practise it** asks.

use super::{answer_controls, credit, question_embed, right_answer, topic_title, Msg};
use super::{BLUE, GREY};
use crate::bank::markdown;
use crate::bank::{Bank, Instance, Kind};
use crate::discord::custom_id::{Control, Target};
use crate::discord::text::ask as t;
use crate::discord::text::limits::{clip, DESCRIPTION, FIELD_VALUE, TITLE};
use crate::quiz::ask::{Hit, CLOSE_FROM};
use crate::quiz::UserId;
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter};

/// How much of a listed question's prompt is shown.
const LISTED: usize = 100;

/// A prompt on one line of a list: a code block, which cannot be shown whole there, is
/// `[code]`, so the line is never cut inside one.
fn one_line(prompt: &str) -> String {
    let mut text = prompt.to_string();
    if let Ok(blocks) = markdown::code_blocks(prompt) {
        for b in blocks.into_iter().rev() {
            text.replace_range(b, "[code]");
        }
    }
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    clip(&line, LISTED)
}

fn list(hits: &[Hit]) -> String {
    let lines: Vec<String> = hits
        .iter()
        .map(|h| format!("• {} ({})", one_line(&h.prompt), t::similar(h.score)))
        .collect();
    clip(&lines.join("\n"), FIELD_VALUE)
}

/// The closest question (`inst`, as `best` found it), with its answer, why and its source, the
/// next closest, and the button that asks it as practice.
pub fn close(
    bank: &Bank,
    inst: &Instance,
    best: &Hit,
    also: &[Hit],
    asked: &str,
    author: Option<UserId>,
) -> Msg {
    let q = inst.question;
    let topic = topic_title(bank, &q.topic);
    let label = if matches!(q.kind, Kind::FreeText(_)) {
        t::MODEL_ANSWER
    } else {
        t::ANSWER
    };
    let description = format!("{}\n\n{}", t::asked(asked), inst.prompt);
    let mut e = CreateEmbed::new()
        .title(clip(&format!("{} · {topic}", t::CLOSEST), TITLE))
        .description(markdown::clip(&description, DESCRIPTION))
        .field(label, clip(&right_answer(inst), FIELD_VALUE), false)
        .field(
            t::WHY,
            markdown::clip(&inst.explanation(), FIELD_VALUE),
            false,
        )
        .field(
            t::SOURCE,
            clip(&t::source(topic, &q.source), FIELD_VALUE),
            false,
        )
        .colour(BLUE)
        .footer(CreateEmbedFooter::new(format!(
            "{} · {} · {} · {}",
            q.difficulty,
            q.kind.name(),
            q.id,
            t::similar(best.score)
        )));
    if !also.is_empty() {
        e = e.field(t::ALSO, list(also), false);
    }
    let button = CreateButton::new(
        Control::Practise {
            question: q.id.0.clone(),
        }
        .encode(),
    )
    .label(t::PRACTISE_BUTTON)
    .style(ButtonStyle::Primary);
    Msg::embed(credit(e, author)).with_components(vec![CreateActionRow::Buttons(vec![button])])
}

/// Nothing close: the nearest topics and questions, marked as not close; every topic when no
/// word of the question is in the bank.
pub fn nothing(bank: &Bank, topics: &[String], nearest: &[Hit], asked: &str) -> Msg {
    let mut e = CreateEmbed::new().title(t::NOTHING_CLOSE).colour(GREY);
    let titles = |ids: &mut dyn Iterator<Item = &str>| {
        let names: Vec<String> = ids
            .map(|id| format!("• {}", topic_title(bank, id)))
            .collect();
        clip(&names.join("\n"), FIELD_VALUE)
    };
    if topics.is_empty() {
        e = e
            .description(format!("{}\n\n{}", t::asked(asked), t::NO_WORD_KNOWN))
            .field(
                t::BANK_COVERS,
                titles(&mut bank.topics().iter().map(|t| t.id.as_str())),
                false,
            );
    } else {
        e = e
            .description(format!(
                "{}\n\n{}",
                t::asked(asked),
                t::nothing_close(CLOSE_FROM)
            ))
            .field(
                t::NEAREST_TOPICS,
                titles(&mut topics.iter().map(String::as_str)),
                false,
            );
        if !nearest.is_empty() {
            e = e.field(t::NEAREST_QUESTIONS, list(nearest), false);
        }
    }
    Msg::embed(e)
}

/// The question **Practise it** asks, with the answer controls of `/quiz`.
pub fn practise(bank: &Bank, inst: &Instance, target: &Target, author: Option<UserId>) -> Msg {
    Msg {
        content: Some(t::PRACTISE.into()),
        embeds: vec![credit(question_embed(bank, inst, None), author)],
        components: answer_controls(inst, target, false),
        ephemeral: true,
    }
}
