//! A question's texts as the bot sends them to Discord, counted as Discord counts them
//! (characters), so the loader refuses a question that would not fit instead of the bot
//! clipping it (a clipped prompt loses its end, and a code block its closing fence).
//!
//! The question embed's description is the prompt, an order question's items, and on the daily
//! post the closing time (`src/discord/render.rs`, `question_embed`); [`description`] builds the
//! same text, and `tests/it/packs.rs` checks the two agree. The explanation goes in an embed
//! field ("Why"), a free-text question's model answer in another.

use super::markdown;
use super::model::{Kind, Question};
use super::Instance;

/// An embed's description, in characters.
pub const DESCRIPTION_MAX: usize = 4096;
/// An embed field's value, in characters.
pub const FIELD_MAX: usize = 1024;

/// The latest closing time counted for the daily post's last line: the longest timestamp until
/// the year 5138.
const LATEST_CLOSE: i64 = 99_999_999_999;

/// Seeds tried for a generated question, whose prompt and explanation change with the seed.
const GENERATED_SEEDS: u64 = 256;

/// The question embed's description for an instance, as `render::question_embed` builds it;
/// `closes_at` (a Unix time) for the daily post.
pub fn description(inst: &Instance, closes_at: Option<i64>) -> String {
    let mut description = inst.prompt.clone();
    if let Kind::Order { .. } = inst.question.kind {
        description.push_str("\n\n");
        for (n, (_, text)) in inst.shown().enumerate() {
            description.push_str(&format!("**{}.** {text}\n", n + 1));
        }
    }
    if let Some(t) = closes_at {
        description.push_str(&format!("\n\nCloses <t:{t}:R>."));
    }
    description
}

/// The instances whose texts differ in length: one, or a spread of seeds for a generated question.
fn instances(q: &Question) -> Vec<Instance<'_>> {
    match q.kind {
        Kind::Generated(_) => (0..GENERATED_SEEDS).map(|s| q.instance(s)).collect(),
        _ => vec![q.instance(0)],
    }
}

/// What does not fit or would render wrong, as messages for the author; empty when all is well.
/// A text already over its own limit is reported by the validator, not again here.
pub fn problems(q: &Question) -> Vec<String> {
    let mut out = Vec::new();
    let mut texts = vec![
        ("prompt", q.prompt.as_str()),
        ("explanation", &q.explanation),
    ];
    if let Kind::FreeText(r) = &q.kind {
        texts.push(("model_answer", &r.model_answer));
    }
    for (field, text) in texts {
        if let Err(fence) = markdown::code_blocks(text) {
            out.push(format!(
                "`{field}` opens a code block (```) on its line {} that is never closed: end the block with ``` on a line of its own",
                fence.line(text)
            ));
        }
    }
    let chars = |s: &str| s.chars().count();
    let instances = instances(q);
    let posted = instances
        .iter()
        .map(|i| chars(&description(i, Some(LATEST_CLOSE))))
        .max()
        .unwrap_or(0);
    if posted > DESCRIPTION_MAX && chars(&q.prompt) <= DESCRIPTION_MAX {
        let parts = match q.kind {
            Kind::Order { .. } => "the prompt, the numbered items and the closing time",
            Kind::Generated(_) => "the prompt, the generated question and the closing time",
            _ => "the prompt and the closing time",
        };
        out.push(format!(
            "the daily post's text ({parts}) is {posted} characters; an embed description holds at most {DESCRIPTION_MAX}: shorten the prompt by {}",
            posted - DESCRIPTION_MAX
        ));
    }
    let why = instances
        .iter()
        .map(|i| chars(&i.explanation()))
        .max()
        .unwrap_or(0);
    if why > FIELD_MAX && chars(&q.explanation) <= FIELD_MAX {
        out.push(format!(
            "the explanation as shown (with the generated part) is up to {why} characters; an embed field holds at most {FIELD_MAX}: shorten it by {}",
            why - FIELD_MAX
        ));
    }
    out
}
