//! What `/past` looks like: one past round a page, its question, its reveal (the answer, why,
//! and how the server did) and the member's own answer and final grade, with **Previous** and
//! **Next** to page and **Retry as practice**; and the question a retry asks.
//!
//! A page is one embed, and every part of it that can grow is clipped to its share of Discord's
//! 6,000 characters (the test below builds the longest page there can be).

use super::{answer_controls, clip, credit, marks, question_embed, right_answer, topic_title, Msg};
use super::{BLUE, GREY};
use crate::bank::{markdown, Bank, Instance, Kind};
use crate::discord::custom_id::{Control, PastControl, Target};
use crate::discord::text::past as t;
use crate::quiz::appeal::Marks;
use crate::quiz::past::{MyAnswer, Page};
use crate::quiz::UserId;
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter};

/// The most of the prompt a page shows (the bank allows 4,096).
const PROMPT: usize = 1500;
/// The most of the member's own answer a page quotes (an answer may be 4,000 characters).
const MINE: usize = 700;
/// Every other field: Discord's limit on a field's value.
const FIELD: usize = 1024;

/// A past round's page. `inst` is the round's instance of its question, `None` when the question
/// is no longer in the bank; `author` the member who suggested a server question.
pub fn page(
    bank: &Bank,
    page: &Page,
    days: u32,
    inst: Option<&Instance>,
    author: Option<UserId>,
) -> Msg {
    let r = &page.round;
    let mut e = CreateEmbed::new().title(clip(
        &t::title(r.day, topic_title(bank, &r.topic)),
        super::TITLE,
    ));
    e = match inst {
        Some(inst) => reveal(e, inst).colour(BLUE),
        None => e.description(t::GONE).colour(GREY),
    };
    let results = t::results(&super::count(r.answers, "answer"), r.share_correct());
    e = credit(e, author)
        .field(t::THIS_ROUND, results, false)
        .field(t::YOUR_ANSWER, mine(r.mine.as_ref()), false)
        .footer(CreateEmbedFooter::new(clip(
            &t::footer(page.index, page.total, &r.question),
            super::TITLE,
        )));
    let mut buttons = vec![];
    if page.total > 1 {
        let nav = |label: &str, to: Option<u32>, fallback: u32| {
            CreateButton::new(
                Control::Past(PastControl::Page {
                    days,
                    page: to.unwrap_or(fallback),
                })
                .encode(),
            )
            .label(label)
            .style(ButtonStyle::Secondary)
            .disabled(to.is_none())
        };
        // At either end the button is greyed out; its id still differs from the other's.
        buttons.push(nav(t::PREVIOUS_BUTTON, page.newer(), 0));
        buttons.push(nav(t::NEXT_BUTTON, page.older(), page.total - 1));
    }
    if inst.is_some() {
        buttons.push(
            CreateButton::new(Control::Past(PastControl::Retry { round: r.id }).encode())
                .label(t::RETRY_BUTTON)
                .style(ButtonStyle::Primary),
        );
    }
    let rows = match buttons.is_empty() {
        true => vec![],
        false => vec![CreateActionRow::Buttons(buttons)],
    };
    Msg::embed(e).with_components(rows)
}

/// The question as the round asked it (its options, in the round's order), then the reveal's
/// answer and explanation.
fn reveal(e: CreateEmbed, inst: &Instance) -> CreateEmbed {
    let q = inst.question;
    let shown: Vec<String> = match q.kind {
        Kind::Choice { .. } | Kind::Multi { .. } => {
            inst.shown().map(|(_, o)| format!("• {o}")).collect()
        }
        Kind::Order { .. } => inst
            .shown()
            .enumerate()
            .map(|(n, (_, item))| format!("**{}.** {item}", n + 1))
            .collect(),
        _ => vec![],
    };
    let mut e = e.description(markdown::clip(&inst.prompt, PROMPT));
    if !shown.is_empty() {
        e = e.field(t::OPTIONS, clip(&shown.join("\n"), FIELD), false);
    }
    let label = match q.kind {
        Kind::FreeText(_) => "Model answer",
        _ => "Answer",
    };
    e.field(label, clip(&right_answer(inst), FIELD), false)
        .field("Why", markdown::clip(&inst.explanation(), FIELD), false)
}

/// The member's answer and its final grade, or that they did not answer.
fn mine(answer: Option<&MyAnswer>) -> String {
    let Some(a) = answer else {
        return t::DID_NOT_ANSWER.to_string();
    };
    let grade = marks(Marks {
        verdict: a.verdict,
        score: a.score,
    });
    let mut out = format!("{}\n{grade} · +{} points", clip(&a.text, MINE), a.points);
    if a.overridden {
        out.push_str(&format!("\n{}", t::CHANGED_ON_REVIEW));
    }
    if a.under_review {
        out.push_str(&format!("\n{}", t::UNDER_REVIEW));
    }
    clip(&out, FIELD)
}

/// A past round's question asked again as practice: the round's own instance, with the answer
/// controls of `/quiz`.
pub fn retry(bank: &Bank, inst: &Instance, author: Option<UserId>) -> Msg {
    let target = Target::Practice {
        question: inst.question.id.0.clone(),
        seed: inst.seed,
    };
    Msg {
        content: Some(t::RETRY_ASKED.into()),
        embeds: vec![credit(question_embed(bank, inst, None), author)],
        components: answer_controls(inst, &target, false),
        ephemeral: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::render::tests::embed_chars;
    use crate::grade::Verdict;
    use crate::quiz::past::PastRound;
    use crate::quiz::RoundId;

    #[test]
    fn the_longest_page_fits_in_one_embed() {
        let bank = Bank::load(&crate::bank::BankSource::Builtin).unwrap();
        let mut q = bank
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::Choice { .. }))
            .unwrap()
            .clone();
        q.kind = Kind::Choice {
            options: vec!["o".repeat(100); 25],
            answer: 0,
        };
        q.explanation = "e".repeat(1024);
        q.topic = "t".repeat(100);
        let mut inst = q.instance(0);
        inst.prompt = "p".repeat(4096);
        let page = Page {
            round: PastRound {
                id: RoundId(i64::MAX),
                day: "2026-09-30".parse().unwrap(),
                question: "q".repeat(crate::bank::MAX_ID_CHARS),
                topic: "t".repeat(100),
                seed: 0,
                closed_at: chrono::DateTime::UNIX_EPOCH,
                answers: u64::MAX,
                correct: u64::MAX,
                mine: Some(MyAnswer {
                    text: "a".repeat(4000),
                    verdict: Verdict::Partial,
                    score: 0.5,
                    points: 30,
                    overridden: true,
                    under_review: true,
                }),
            },
            index: 364,
            total: 366,
        };
        let msg = page_of(&bank, &page, &inst);
        let chars = embed_chars(&msg.embeds[0]);
        assert!(chars <= 6000, "{chars} characters");
        let v = serde_json::to_value(&msg.embeds[0]).unwrap();
        for f in v["fields"].as_array().unwrap() {
            assert!(f["value"].as_str().unwrap().chars().count() <= 1024, "{f}");
        }
    }

    fn page_of(bank: &Bank, page: &Page, inst: &Instance) -> Msg {
        super::page(bank, page, 365, Some(inst), Some(UserId(u64::MAX)))
    }
}
