//! Choosing a guild's next daily question.
//!
//! Among the questions the guild's topic and difficulty filters allow, the ones asked fewest
//! times so far come first, so nothing repeats until every eligible question has been asked;
//! among those, a topic other than the last round's is preferred, so topics rotate.

use super::GuildSettings;
use crate::bank::seeded::SeededRng;
use crate::bank::{Bank, Question};
use std::collections::HashMap;

/// Questions the guild's filters allow.
pub fn eligible<'b>(bank: &'b Bank, s: &GuildSettings) -> Vec<&'b Question> {
    bank.questions()
        .iter()
        .filter(|q| s.topics.is_empty() || s.topics.contains(&q.topic))
        .filter(|q| s.difficulty.is_none_or(|d| q.difficulty == d))
        .collect()
}

/// The next question and its seed. `history` lists the guild's earlier rounds' question ids,
/// newest first. `None` when no question passes the filters.
pub fn pick<'b>(
    bank: &'b Bank,
    s: &GuildSettings,
    history: &[String],
    rng: &mut SeededRng,
) -> Option<(&'b Question, u64)> {
    let pool = eligible(bank, s);
    let mut asked: HashMap<&str, usize> = HashMap::new();
    for id in history {
        *asked.entry(id.as_str()).or_default() += 1;
    }
    let fewest = pool
        .iter()
        .map(|q| asked.get(q.id.0.as_str()).copied().unwrap_or(0))
        .min()?;
    let least: Vec<&Question> = pool
        .into_iter()
        .filter(|q| asked.get(q.id.0.as_str()).copied().unwrap_or(0) == fewest)
        .collect();
    let last_topic = history
        .first()
        .and_then(|id| bank.get(id))
        .map(|q| q.topic.as_str());
    let fresh: Vec<&Question> = least
        .iter()
        .copied()
        .filter(|q| Some(q.topic.as_str()) != last_topic)
        .collect();
    let from = if fresh.is_empty() { &least } else { &fresh };
    let q = from[rng.below(from.len())];
    let seed = u64::from(rng.below(u32::MAX as usize) as u32) << 32
        | u64::from(rng.below(u32::MAX as usize) as u32);
    Some((q, seed))
}
