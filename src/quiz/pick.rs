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
    let all: Vec<&Question> = bank.questions().iter().collect();
    eligible_among(&all, s)
}

/// Questions of `all` the guild's filters allow.
pub fn eligible_among<'b>(all: &[&'b Question], s: &GuildSettings) -> Vec<&'b Question> {
    all.iter()
        .copied()
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
    let all: Vec<&Question> = bank.questions().iter().collect();
    pick_among(&all, s, history, rng)
}

/// As [`pick`], among `all`: the bank's questions and the guild's own (its approved
/// suggestions), which thus come first until asked as often as the rest.
pub fn pick_among<'b>(
    all: &[&'b Question],
    s: &GuildSettings,
    history: &[String],
    rng: &mut SeededRng,
) -> Option<(&'b Question, u64)> {
    let pool = eligible_among(all, s);
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
        .and_then(|id| all.iter().find(|q| q.id.0 == *id))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{BankSource, Difficulty};
    use crate::quiz::GuildId;
    use std::collections::HashSet;

    fn bank() -> Bank {
        Bank::load(&BankSource::Dir(
            concat!(env!("CARGO_MANIFEST_DIR"), "/questions").into(),
        ))
        .unwrap()
    }

    #[test]
    fn nothing_repeats_until_every_eligible_question_was_asked_and_topics_rotate() {
        let bank = bank();
        let mut s = GuildSettings::new(GuildId(1));
        s.topics = vec!["semver".into(), "transformers".into()];
        s.difficulty = Some(Difficulty::Easy);
        let pool: HashSet<String> = eligible(&bank, &s).iter().map(|q| q.id.0.clone()).collect();
        assert!(pool.len() > 5);
        let mut rng = SeededRng::new(9);
        let mut history: Vec<String> = Vec::new();
        for _ in 0..pool.len() {
            let (q, _) = pick(&bank, &s, &history, &mut rng).unwrap();
            assert!(pool.contains(&q.id.0), "filters respected");
            assert!(
                !history.contains(&q.id.0),
                "{} repeated before the pool ran out",
                q.id
            );
            history.insert(0, q.id.0.clone());
        }
        let topics: Vec<&str> = history
            .iter()
            .map(|id| bank.get(id).unwrap().topic.as_str())
            .collect();
        let same_in_a_row = topics.windows(2).filter(|w| w[0] == w[1]).count();
        assert!(
            same_in_a_row <= 2,
            "topics rotate while both have questions left: {topics:?}"
        );
        let (again, _) = pick(&bank, &s, &history, &mut rng).unwrap();
        assert!(pool.contains(&again.id.0), "a new cycle starts");
    }

    #[test]
    fn a_servers_own_question_is_drawn_beside_the_banks() {
        let bank = bank();
        let mut own = bank.get("process-vs-thread").unwrap().clone();
        own.id.0 = "suggested-1".into();
        let mut all: Vec<&Question> = bank.questions().iter().collect();
        all.push(&own);
        let s = GuildSettings::new(GuildId(1));
        // Every bank question asked once: the server's, never asked, comes next.
        let history: Vec<String> = bank.questions().iter().map(|q| q.id.0.clone()).collect();
        let (q, _) = pick_among(&all, &s, &history, &mut SeededRng::new(5)).unwrap();
        assert_eq!(q.id.0, "suggested-1");
        // The filters apply to it as to the bank's.
        let mut other = GuildSettings::new(GuildId(1));
        other.topics = vec!["semver".into()];
        assert!(eligible_among(&all, &other)
            .iter()
            .all(|q| q.id.0 != "suggested-1"));
    }

    #[test]
    fn generated_questions_get_a_new_seed_each_time() {
        let bank = bank();
        let mut s = GuildSettings::new(GuildId(1));
        s.topics = vec!["semver".into()];
        let mut rng = SeededRng::new(3);
        let seeds: HashSet<u64> = (0..20)
            .map(|_| pick(&bank, &s, &[], &mut rng).unwrap().1)
            .collect();
        assert_eq!(seeds.len(), 20);
    }
}
