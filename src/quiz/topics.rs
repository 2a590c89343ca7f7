//! Weak topics: a member's accuracy per topic over the last 30 days, the topic `/stats` names as
//! their weakest, and the order in which `/quiz` picks a practice question.
//!
//! Everything here is a pure function of what the handler gathers (the member's attempts, the
//! questions the filters allow, the questions due for review, the clock's `now` and a seeded
//! random stream), so it is tested without Discord or a database.
//!
//! The rules, as the README states them:
//! - **Accuracy** counts the member's daily and practice answers in this server over the last
//!   [`WINDOW_DAYS`] days (an answer counts while it is younger than 30 × 24 hours): a correct
//!   answer is worth 1, a partial one 0.5, a wrong one 0; a topic's accuracy is its worth over
//!   its answers.
//! - **Weakest topic**: only a topic with at least [`MIN_ANSWERS`] answers in the window is
//!   ranked, so one wrong answer never names a topic. The weakest is the ranked topic with the
//!   lowest accuracy; on a tie, the one with more answers (more evidence), then by name. A member
//!   whose ranked topics are all at 100% has no weak topic; one with no ranked topic has too
//!   little history yet.
//! - **Weak topics** (what `/quiz` leans toward): the ranked topics whose accuracy is below the
//!   member's own average over the window.
//! - **Pick order** (within the questions the filters allow, never the question the member just
//!   had unless it is the only one allowed): (a) questions due for spaced review, in the order
//!   given; (b) with a probability of [`WEAK_PERCENT`]%, a question of a weak topic, the topic
//!   drawn with weight its distance below the average and an unseen question of it preferred;
//!   (c) a question the member has never answered here; (d) any question.

use crate::bank::seeded::SeededRng;
use crate::bank::{Question, QuestionId};
use crate::grade::Verdict;
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashSet};

/// How far back accuracy looks, in days.
pub const WINDOW_DAYS: i64 = 30;
/// Answers a topic needs in the window before it can be named weakest or counted as weak.
pub const MIN_ANSWERS: u32 = 3;
/// How often, in percent, `/quiz` draws from a weak topic when the member has one (the rest of
/// the time it goes on to unseen questions, so other topics still come up).
pub const WEAK_PERCENT: usize = 70;

/// One graded answer of the member, daily or practice.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub question: String,
    /// The topic as stored with a daily answer; `None` for practice, whose topic is the
    /// question's in the bank (or the server's own questions).
    pub topic: Option<String>,
    pub verdict: Verdict,
    pub at: DateTime<Utc>,
}

/// What an answer is worth towards accuracy: correct 1, partial 0.5, wrong 0.
pub fn credit(v: Verdict) -> f64 {
    match v {
        Verdict::Correct => 1.0,
        Verdict::Partial => 0.5,
        Verdict::Wrong => 0.0,
    }
}

/// The start of the window ending at `now`: answers after it count.
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(WINDOW_DAYS)
}

/// A topic's answers and worth in the window.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicScore {
    pub topic: String,
    pub answers: u32,
    /// The sum of [`credit`] over the answers.
    pub credit: f64,
}

impl TopicScore {
    /// 0 to 1.
    pub fn accuracy(&self) -> f64 {
        if self.answers == 0 {
            0.0
        } else {
            self.credit / f64::from(self.answers)
        }
    }

    /// Whether it has answers enough to be ranked.
    pub fn ranked(&self) -> bool {
        self.answers >= MIN_ANSWERS
    }
}

/// The member's accuracy per topic over the window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// By topic id.
    pub topics: Vec<TopicScore>,
}

/// What `/stats` says of the member's weakest topic.
#[derive(Debug, Clone, PartialEq)]
pub enum Weakest<'a> {
    /// No topic has [`MIN_ANSWERS`] answers in the window yet.
    TooLittle,
    /// Every ranked topic is at 100%.
    NoneWeak,
    Topic(&'a TopicScore),
}

impl Summary {
    /// Accuracy per topic of `attempts` in the window ending at `now`. A practice answer's topic
    /// is `topic_of(question)`; one whose question is no longer known is left out.
    pub fn of<'t>(
        attempts: &[Attempt],
        topic_of: impl Fn(&str) -> Option<&'t str>,
        now: DateTime<Utc>,
    ) -> Summary {
        let start = window_start(now);
        let mut by: BTreeMap<String, TopicScore> = BTreeMap::new();
        for a in attempts.iter().filter(|a| a.at > start) {
            let Some(topic) = a.topic.as_deref().or_else(|| topic_of(&a.question)) else {
                continue;
            };
            let t = by.entry(topic.to_string()).or_insert_with(|| TopicScore {
                topic: topic.to_string(),
                answers: 0,
                credit: 0.0,
            });
            t.answers += 1;
            t.credit += credit(a.verdict);
        }
        Summary {
            topics: by.into_values().collect(),
        }
    }

    /// Answers in the window.
    pub fn answers(&self) -> u32 {
        self.topics.iter().map(|t| t.answers).sum()
    }

    /// The member's accuracy over every answer in the window; `None` with none.
    pub fn average(&self) -> Option<f64> {
        let n = self.answers();
        (n > 0).then(|| self.topics.iter().map(|t| t.credit).sum::<f64>() / f64::from(n))
    }

    /// The weakest ranked topic (see the module's rules).
    pub fn weakest(&self) -> Weakest<'_> {
        let worst = self.topics.iter().filter(|t| t.ranked()).min_by(|a, b| {
            a.accuracy()
                .total_cmp(&b.accuracy())
                .then(b.answers.cmp(&a.answers))
                .then(a.topic.cmp(&b.topic))
        });
        match worst {
            None => Weakest::TooLittle,
            Some(t) if t.accuracy() >= 1.0 => Weakest::NoneWeak,
            Some(t) => Weakest::Topic(t),
        }
    }

    /// Ranked topics below the member's average, each with how far below it (its weight in
    /// `/quiz`'s draw), weakest first.
    pub fn weak_topics(&self) -> Vec<(&str, f64)> {
        let Some(avg) = self.average() else {
            return vec![];
        };
        let mut weak: Vec<(&str, f64)> = self
            .topics
            .iter()
            .filter(|t| t.ranked() && t.accuracy() < avg)
            .map(|t| (t.topic.as_str(), avg - t.accuracy()))
            .collect();
        weak.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        weak
    }
}

/// What the store holds of a member's answers here, for `/quiz`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Answers in the window (see [`window_start`]).
    pub recent: Vec<Attempt>,
    /// Every question answered here at any time, with when it was last answered.
    pub answered: Vec<(String, DateTime<Utc>)>,
}

impl History {
    /// The questions answered here at any time.
    pub fn seen(&self) -> HashSet<String> {
        self.answered.iter().map(|(q, _)| q.clone()).collect()
    }

    /// The question answered last; `None` before the first answer.
    pub fn last(&self) -> Option<&str> {
        self.answered
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(q, _)| q.as_str())
    }
}

/// Why a practice question was picked (the reply says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Due for spaced review.
    Due,
    /// From one of the member's weak topics.
    WeakTopic,
    /// One the member has not answered here.
    Unseen,
    /// Anything the filters allow (the member has seen them all).
    Any,
}

/// What `/quiz` picks from.
pub struct PickInput<'a, 'b> {
    /// The questions the command's filters allow (the bank's and the server's own).
    pub pool: &'a [&'b Question],
    /// Questions due for spaced review, most urgent first (empty until review exists).
    pub due: &'a [QuestionId],
    pub summary: &'a Summary,
    /// Questions the member has answered here, at any time.
    pub seen: &'a HashSet<String>,
    /// The question(s) the member just had: the last one answered, and the last one `/quiz`
    /// showed them. Never picked while the pool holds anything else.
    pub just_had: &'a [String],
}

/// The practice question to ask, and why; `None` when the pool is empty.
pub fn pick<'b>(input: &PickInput<'_, 'b>, rng: &mut SeededRng) -> Option<(&'b Question, Why)> {
    let fresh: Vec<&'b Question> = input
        .pool
        .iter()
        .copied()
        .filter(|q| !input.just_had.contains(&q.id.0))
        .collect();
    if fresh.is_empty() {
        // The only questions allowed are the ones just had: better again than nothing.
        return input.pool.first().map(|q| (*q, Why::Any));
    }
    // (a) Due for review, in the order given.
    if let Some(q) = input
        .due
        .iter()
        .find_map(|id| fresh.iter().find(|q| q.id == *id))
    {
        return Some((q, Why::Due));
    }
    let unseen = |q: &&Question| !input.seen.contains(&q.id.0);
    // (b) A weak topic, most of the time.
    let weak: Vec<(&str, f64)> = input
        .summary
        .weak_topics()
        .into_iter()
        .filter(|(t, _)| fresh.iter().any(|q| q.topic == *t))
        .collect();
    if !weak.is_empty() && rng.below(100) < WEAK_PERCENT {
        let topic = weighted(&weak, rng);
        let of_topic: Vec<&'b Question> =
            fresh.iter().copied().filter(|q| q.topic == topic).collect();
        let new: Vec<&'b Question> = of_topic.iter().copied().filter(unseen).collect();
        let from = if new.is_empty() { &of_topic } else { &new };
        return Some((*rng.pick(from), Why::WeakTopic));
    }
    // (c) Unseen, then (d) anything.
    let new: Vec<&'b Question> = fresh.iter().copied().filter(unseen).collect();
    if !new.is_empty() {
        return Some((*rng.pick(&new), Why::Unseen));
    }
    Some((*rng.pick(&fresh), Why::Any))
}

/// A topic drawn with probability proportional to its weight (all weights are above zero).
fn weighted<'t>(topics: &[(&'t str, f64)], rng: &mut SeededRng) -> &'t str {
    const STEPS: usize = 1 << 20;
    let total: f64 = topics.iter().map(|(_, w)| w).sum();
    let mut x = rng.below(STEPS) as f64 / STEPS as f64 * total;
    for (t, w) in topics {
        if x < *w {
            return t;
        }
        x -= w;
    }
    topics.last().map(|(t, _)| *t).unwrap_or_default()
}

#[cfg(test)]
mod tests;
