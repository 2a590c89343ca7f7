//! Embeds and components: what a member sees. No SQL and no grading rules here.

pub mod admin;
pub mod ask;
mod board;
mod config;
mod follow_up;
pub mod learning;
pub mod past;
pub mod review;
pub mod season;
pub mod share;
pub mod suggest;

pub use board::{leaderboard, leaderboard_of, stats, PAGE_SIZE};
pub use config::config;
pub use follow_up::follow_up_controls;

use super::custom_id::{Control, Target};
use super::text as t;
use crate::bank::{Bank, Instance, Kind};
use crate::grade::{Grade, Verdict};
use crate::quiz::appeal::{AppealState, Case, Decision, Marks};
use crate::quiz::{Round, RoundId, UserId};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInputText, CreateModal, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption, InputTextStyle,
};

const BLUE: u32 = 0x3b82f6;
const GREEN: u32 = 0x22c55e;
const AMBER: u32 = 0xf59e0b;
const RED: u32 = 0xef4444;
const GREY: u32 = 0x6b7280;

/// A message as the handler answers it, before it is sent as a response, an edit or a post.
#[derive(Debug, Clone, Default)]
pub struct Msg {
    pub content: Option<String>,
    pub embeds: Vec<CreateEmbed>,
    pub components: Vec<CreateActionRow>,
    pub ephemeral: bool,
}

impl Msg {
    /// A private message of text alone, clipped to Discord's limit on content.
    pub fn private(content: impl Into<String>) -> Msg {
        Msg {
            content: Some(clip(&content.into(), CONTENT)),
            ephemeral: true,
            ..Msg::default()
        }
    }

    pub fn embed(embed: CreateEmbed) -> Msg {
        Msg {
            embeds: vec![embed],
            ephemeral: true,
            ..Msg::default()
        }
    }

    pub fn with_components(mut self, rows: Vec<CreateActionRow>) -> Msg {
        self.components = rows;
        self
    }
}

/// No pings from anything we echo.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// "1 answer", "3 answers".
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

pub use super::text::limits::clip;
use super::text::limits::{CONTENT, TITLE};

fn topic_title<'b>(bank: &'b Bank, topic: &'b str) -> &'b str {
    bank.topic(topic).map_or(topic, |t| t.title.as_str())
}

/// The question as posted or shown: topic, difficulty, prompt, and (daily) the closing time.
pub fn question_embed(bank: &Bank, inst: &Instance, round: Option<&Round>) -> CreateEmbed {
    let q = inst.question;
    let mut description = inst.prompt.clone();
    if let Kind::Order { .. } = q.kind {
        description.push_str("\n\n");
        for (n, (_, text)) in inst.shown().enumerate() {
            description.push_str(&format!("**{}.** {text}\n", n + 1));
        }
    }
    if let Some(r) = round {
        description.push_str(&format!("\n\nCloses <t:{}:R>.", r.closes_at.timestamp()));
    }
    let title = match round {
        Some(_) => format!("Question of the day · {}", topic_title(bank, &q.topic)),
        None => format!("Practice · {}", topic_title(bank, &q.topic)),
    };
    CreateEmbed::new()
        .title(clip(&title, 256))
        .description(clip(&description, 4096))
        .colour(BLUE)
        .footer(CreateEmbedFooter::new(format!(
            "{} · {} · {}",
            q.difficulty,
            q.kind.name(),
            q.id
        )))
}

/// A server question's credit to the member who suggested it (never a ping: mentions in an
/// embed do not notify, and the message's `allowed_mentions` allow none but the round's role).
pub fn credit(e: CreateEmbed, author: Option<UserId>) -> CreateEmbed {
    match author {
        Some(a) => e.field(t::suggest::CREDIT, format!("<@{}>", a.0), false),
        None => e,
    }
}

/// The controls that answer a question.
pub fn answer_controls(inst: &Instance, target: &Target, disabled: bool) -> Vec<CreateActionRow> {
    let q = inst.question;
    let option = |option: usize| {
        Control::Option {
            target: target.clone(),
            option,
        }
        .encode()
    };
    let open = || {
        CreateButton::new(
            Control::OpenModal {
                target: target.clone(),
            }
            .encode(),
        )
        .label(t::ANSWER_BUTTON)
        .style(ButtonStyle::Primary)
        .disabled(disabled)
    };
    match &q.kind {
        Kind::Choice { .. } => {
            let buttons = inst
                .shown()
                .map(|(i, text)| {
                    CreateButton::new(option(i))
                        .label(clip(text, 80))
                        .style(ButtonStyle::Secondary)
                        .disabled(disabled)
                })
                .collect();
            vec![CreateActionRow::Buttons(buttons)]
        }
        Kind::TrueFalse { .. } => vec![CreateActionRow::Buttons(vec![
            CreateButton::new(option(1))
                .label("True")
                .style(ButtonStyle::Success)
                .disabled(disabled),
            CreateButton::new(option(0))
                .label("False")
                .style(ButtonStyle::Danger)
                .disabled(disabled),
        ])],
        Kind::Multi { options, .. } => {
            let choices = inst
                .shown()
                .map(|(i, text)| CreateSelectMenuOption::new(clip(text, 100), i.to_string()))
                .collect();
            vec![CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    Control::Multi {
                        target: target.clone(),
                    }
                    .encode(),
                    CreateSelectMenuKind::String { options: choices },
                )
                .placeholder(t::MULTI_PLACEHOLDER)
                .min_values(1)
                .max_values(options.len() as u8)
                .disabled(disabled),
            )]
        }
        Kind::Order { .. } | Kind::Short { .. } | Kind::FreeText(_) | Kind::Generated(_) => {
            vec![CreateActionRow::Buttons(vec![open()])]
        }
    }
}

/// The text box that takes a written answer (or an order as item numbers).
pub fn answer_modal(inst: &Instance, target: &Target) -> CreateModal {
    let (style, label, max) = match inst.question.kind {
        Kind::FreeText(_) => (
            InputTextStyle::Paragraph,
            t::MODAL_LABEL_TEXT,
            crate::grade::MAX_ANSWER_CHARS,
        ),
        Kind::Order { .. } => (InputTextStyle::Short, t::MODAL_LABEL_ORDER, 100),
        _ => (InputTextStyle::Short, t::MODAL_LABEL_TEXT, 200),
    };
    let input = CreateInputText::new(style, label, "answer")
        .min_length(1)
        .max_length(max as u16)
        .required(true);
    CreateModal::new(
        Control::Modal {
            target: target.clone(),
        }
        .encode(),
        t::MODAL_TITLE,
    )
    .components(vec![CreateActionRow::InputText(input)])
}

fn verdict_look(v: Verdict) -> (&'static str, u32) {
    match v {
        Verdict::Correct => ("✅ Correct", GREEN),
        Verdict::Partial => ("🟡 Partly right", AMBER),
        Verdict::Wrong => ("❌ Not quite", RED),
    }
}

fn bullet_list(items: &[String]) -> String {
    clip(
        &items
            .iter()
            .map(|s| format!("• {s}"))
            .collect::<Vec<_>>()
            .join("\n"),
        1024,
    )
}

/// A grade, as the member sees it right after answering. A daily grade holds back what was missed
/// and the model answer until the reveal; practice shows everything.
pub fn grade_embed(g: &Grade, daily: Option<(u32, u32)>, explanation: &str) -> CreateEmbed {
    let (title, colour) = verdict_look(g.verdict);
    let mut e = CreateEmbed::new()
        .title(format!("{title} · {:.0}%", g.score * 100.0))
        .colour(colour);
    if !g.hit.is_empty() {
        e = e.field("You made these points", bullet_list(&g.hit), false);
    }
    match daily {
        Some((points, streak)) => {
            let streak = if streak > 1 {
                format!(" · 🔥 {streak}-day streak")
            } else {
                String::new()
            };
            e = e
                .field("Points", format!("+{points}{streak}"), false)
                .footer(CreateEmbedFooter::new(t::HELD_BACK));
        }
        None => {
            if !g.missed.is_empty() {
                e = e.field("Missing", bullet_list(&g.missed), false);
            }
            if !g.misconceptions.is_empty() {
                e = e.field("Careful", bullet_list(&g.misconceptions), false);
            }
            e = e.field("Answer", clip(&g.answer, 1024), false).field(
                "Why",
                clip(explanation, 1024),
                false,
            );
        }
    }
    if !g.notes.is_empty() {
        e = e.description(clip(&g.notes.join("\n"), 4096));
    }
    e
}

/// A stored daily answer, shown again by `/daily`: the final grade, and where its appeal stands.
pub fn stored_grade_embed(
    verdict: Verdict,
    score: f64,
    points: u32,
    appeal: Option<AppealState>,
) -> CreateEmbed {
    let (title, colour) = verdict_look(verdict);
    let mut e = CreateEmbed::new()
        .title(format!(
            "You answered today's question: {title} · {:.0}%",
            score * 100.0
        ))
        .field("Points", format!("+{points}"), false)
        .footer(CreateEmbedFooter::new(t::HELD_BACK))
        .colour(colour);
    match appeal {
        Some(AppealState::Open) => e = e.description(t::UNDER_REVIEW),
        Some(AppealState::Closed) => e = e.description(t::REVIEWED),
        None => {}
    }
    e
}

/// The "Ask for a review" button under a member's daily grade.
pub fn appeal_controls(round: RoundId, member: UserId) -> Vec<CreateActionRow> {
    let button = CreateButton::new(Control::Appeal { round, member }.encode())
        .label(t::APPEAL_BUTTON)
        .style(ButtonStyle::Secondary);
    vec![CreateActionRow::Buttons(vec![button])]
}

/// A grade as a moderator reads it: "✅ Correct · 100%".
pub fn marks(m: Marks) -> String {
    format!("{} · {:.0}%", verdict_look(m.verdict).0, m.score * 100.0)
}

/// The longest text of one feedback field, so that a whole review stays within an embed's
/// 6,000 characters.
const FEEDBACK_FIELD: usize = 600;

/// The grader's feedback on an answer, as a reviewing moderator sees it: for free text the
/// evidence (what each key point and misconception matched, or why not), else the points made
/// and missed; notes, and the right answer. The one place that renders it.
pub fn review_feedback(mut e: CreateEmbed, g: &Grade, free_text: bool) -> CreateEmbed {
    let list = |items: &[String]| clip(&bullet_list(items), FEEDBACK_FIELD);
    if !g.evidence.is_empty() {
        // What each key point and misconception matched, or why not: what a moderator needs.
        let (points, wrongs): (Vec<_>, Vec<_>) =
            g.evidence.iter().partition(|ev| ev.kind == "point");
        let line = |ev: &&crate::grade::evidence::Evidence| {
            format!("{} ({}): {}", ev.text, ev.outcome, ev.why)
        };
        let points: Vec<String> = points.iter().map(line).collect();
        e = e.field("Key points", list(&points), false);
        let stated: Vec<String> = wrongs
            .iter()
            .filter(|ev| ev.outcome != "not stated")
            .map(line)
            .collect();
        if !stated.is_empty() {
            e = e.field("Misconceptions", list(&stated), false);
        }
    } else {
        if !g.hit.is_empty() {
            e = e.field("Key points made", list(&g.hit), false);
        }
        if !g.missed.is_empty() {
            e = e.field("Key points missed", list(&g.missed), false);
        }
        if !g.misconceptions.is_empty() {
            e = e.field("Misconceptions", list(&g.misconceptions), false);
        }
    }
    if !g.notes.is_empty() {
        e = e.field("Notes", list(&g.notes), false);
    }
    let label = if free_text { "Model answer" } else { "Answer" };
    e.field(label, clip(&g.answer, FEEDBACK_FIELD), false)
}

/// An open appeal for `/grades review`: the question, the member's answer (never a ping), its
/// grade and the grader's feedback, and the four decisions. `regrade` is the answer graded
/// again now; `None` when the question or the answer no longer fits the bank.
pub fn review_case(
    bank: &Bank,
    case: &Case,
    inst: Option<&Instance>,
    regrade: Option<&Grade>,
) -> Msg {
    let (title, prompt) = match inst {
        Some(i) => (
            format!("Appeal · {}", topic_title(bank, &i.question.topic)),
            i.prompt.clone(),
        ),
        None => ("Appeal".to_string(), t::QUESTION_GONE.to_string()),
    };
    let description = format!(
        "{}\n\n{}",
        crate::bank::markdown::clip(&prompt, 1000),
        t::asked_for_review(case.member.0, case.asked_at.timestamp())
    );
    let mut e = CreateEmbed::new()
        .title(clip(&title, 256))
        .description(description)
        .field("Their answer", clip(&case.answer, 1024), false)
        .field(
            "Grade",
            format!("{} · +{} points", marks(case.grade), case.points),
            false,
        )
        .colour(AMBER)
        .footer(CreateEmbedFooter::new(t::open_appeals(
            case.appeal.0,
            case.open,
        )));
    if let Some(g) = regrade {
        let now = Marks {
            verdict: g.verdict,
            score: g.score,
        };
        if now.verdict != case.grade.verdict || (now.score - case.grade.score).abs() >= 0.005 {
            e = e.field("Graded again now", marks(now), false);
        }
        let free_text = inst.is_some_and(|i| matches!(i.question.kind, Kind::FreeText(_)));
        e = review_feedback(e, g, free_text);
    }
    let button = |decision: Decision, label: &str, style: ButtonStyle| {
        CreateButton::new(
            Control::Review {
                appeal: case.appeal,
                decision,
            }
            .encode(),
        )
        .label(label)
        .style(style)
    };
    let buttons = vec![
        button(Decision::Keep, t::REVIEW_KEEP, ButtonStyle::Secondary),
        button(Decision::Correct, t::REVIEW_CORRECT, ButtonStyle::Success),
        button(Decision::Partial, t::REVIEW_PARTIAL, ButtonStyle::Primary),
        button(Decision::Wrong, t::REVIEW_WRONG, ButtonStyle::Danger),
    ];
    Msg::embed(e).with_components(vec![CreateActionRow::Buttons(buttons)])
}

/// The right answer of an instance, as the reveal states it.
pub fn right_answer(inst: &Instance) -> String {
    let q = inst.question;
    match &q.kind {
        Kind::Choice { options, answer } => options[*answer].clone(),
        Kind::Multi { options, answers } => answers
            .iter()
            .map(|&i| options[i].as_str())
            .collect::<Vec<_>>()
            .join("; "),
        Kind::TrueFalse { answer } => if *answer { "True" } else { "False" }.to_string(),
        Kind::Order { items } => items.join(" → "),
        Kind::Short { answer, .. } => answer.clone(),
        Kind::Generated(_) => inst
            .generated
            .as_ref()
            .map(|g| g.answer.clone())
            .unwrap_or_default(),
        Kind::FreeText(r) => r.model_answer.clone(),
    }
}

/// The reveal: the answer, why, and how the server did.
pub fn reveal_embed(
    bank: &Bank,
    inst: &Instance,
    results: &crate::quiz::RoundResults,
) -> CreateEmbed {
    let q = inst.question;
    let label = if matches!(q.kind, Kind::FreeText(_)) {
        "Model answer"
    } else {
        "Answer"
    };
    let mut e = CreateEmbed::new()
        .title(clip(
            &format!("The answer · {}", topic_title(bank, &q.topic)),
            256,
        ))
        .field(label, clip(&right_answer(inst), 1024), false)
        .field("Why", clip(&inst.explanation(), 1024), false)
        .field(
            "This round",
            format!(
                "{} · {:.0}% correct",
                count(results.answers, "answer"),
                results.share_correct() * 100.0
            ),
            false,
        )
        .colour(GREEN);
    if !results.top.is_empty() {
        let lines: Vec<String> = results
            .top
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{}. <@{}> · {:.0}%", i + 1, a.user.0, a.score * 100.0))
            .collect();
        e = e.field("Top answers", clip(&lines.join("\n"), 1024), false);
    }
    if !results.milestones.is_empty() {
        let lines: Vec<String> = results
            .milestones
            .iter()
            .map(|(u, n)| format!("🔥 <@{}> reached a {n}-day streak", u.0))
            .collect();
        e = e.field("Streaks", clip(&lines.join("\n"), 1024), false);
    }
    e.footer(CreateEmbedFooter::new(format!(
        "{} · {}",
        q.difficulty, q.id
    )))
}

pub fn help() -> CreateEmbed {
    CreateEmbed::new()
        .title("interview-bot")
        .description(t::HOW_IT_WORKS)
        .field("Scoring", t::SCORING, false)
        .field("Commands", t::COMMANDS_HELP, false)
        .field("Manage Server", t::ADMIN_COMMANDS_HELP, false)
        .field("Streak freezes", t::admin::FREEZES_HELP, false)
        .field("Corrections", t::admin::corrections_help(), false)
        .colour(BLUE)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::quiz::AppealId;

    /// Characters Discord counts towards an embed's 6,000: title, description, field names and
    /// values, footer.
    pub(crate) fn embed_chars(e: &CreateEmbed) -> usize {
        let v = serde_json::to_value(e).unwrap();
        let len = |v: &serde_json::Value| v.as_str().map_or(0, |s| s.chars().count());
        let fields: usize = v["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| len(&f["name"]) + len(&f["value"]))
            .sum();
        len(&v["title"]) + len(&v["description"]) + fields + len(&v["footer"]["text"])
    }

    /// `/help` grows with every command family: each field stays within Discord's 1,024
    /// characters and the whole embed within 6,000.
    #[test]
    fn help_fits_discords_embed_limits() {
        let e = help();
        let v = serde_json::to_value(&e).unwrap();
        for f in v["fields"].as_array().unwrap() {
            let n = f["value"].as_str().unwrap().chars().count();
            assert!(n <= 1024, "{}: {n} characters", f["name"]);
        }
        assert!(embed_chars(&e) <= 6000, "{}", embed_chars(&e));
    }

    #[test]
    fn the_longest_review_fits_in_one_embed() {
        let bank = Bank::load(&crate::bank::BankSource::Builtin).unwrap();
        let q = bank
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::FreeText(_)))
            .unwrap();
        let mut inst = q.instance(0);
        inst.prompt = "p".repeat(4000);
        let long = |n: usize| vec!["x".repeat(300); n];
        let grade = Grade {
            question: q.id.0.clone(),
            score: 0.123,
            verdict: Verdict::Partial,
            hit: long(10),
            missed: long(10),
            misconceptions: long(10),
            answer: "m".repeat(4000),
            notes: long(10),
            similarity: None,
            evidence: (0..10)
                .map(|i| crate::grade::evidence::Evidence {
                    kind: if i < 5 { "point" } else { "misconception" },
                    text: "t".repeat(300),
                    outcome: "wrong subject",
                    phrasing: Some("p".repeat(100)),
                    matched: Some("m".repeat(300)),
                    why: "w".repeat(400),
                })
                .collect(),
            precedents: None,
        };
        let case = Case {
            appeal: AppealId(i64::MAX),
            member: UserId(u64::MAX),
            round: RoundId(1),
            question: q.id.0.clone(),
            seed: 0,
            answer: "a".repeat(4000),
            grade: Marks {
                verdict: Verdict::Wrong,
                score: 0.0,
            },
            points: 30,
            asked_at: chrono::DateTime::UNIX_EPOCH,
            open: 1000,
        };
        let msg = review_case(&bank, &case, Some(&inst), Some(&grade));
        let chars = embed_chars(&msg.embeds[0]);
        assert!(chars <= 6000, "{chars} characters");
    }
}
