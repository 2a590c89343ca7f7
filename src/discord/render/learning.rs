//! What weak topics look like in `/stats`: accuracy per topic over the last 30 days, weakest
//! first (in the order of the weakest-topic rule), and the weakest topic named, or a friendly line when there is too little history.

use super::clip;
use crate::bank::Bank;
use crate::discord::text::learning as t;
use crate::quiz::topics::{Summary, Weakest};
use serenity::all::CreateEmbed;

/// A field's value at most.
const FIELD: usize = 1024;

/// `embed` (the stats) with the member's last 30 days by topic and their weakest topic.
pub fn weak_topics(embed: CreateEmbed, bank: &Bank, s: &Summary) -> CreateEmbed {
    let title = |topic: &str| {
        bank.topic(topic)
            .map_or(topic.to_string(), |t| t.title.clone())
    };
    let mut e = embed;
    if !s.topics.is_empty() {
        let mut topics: Vec<_> = s.topics.iter().collect();
        topics.sort_by(|a, b| {
            a.accuracy()
                .total_cmp(&b.accuracy())
                .then(b.answers.cmp(&a.answers))
                .then(a.topic.cmp(&b.topic))
        });
        let lines: Vec<String> = topics
            .iter()
            .map(|x| t::topic_line(&title(&x.topic), x.accuracy() * 100.0, x.answers))
            .collect();
        e = e.field(t::by_topic_title(), clip(&lines.join("\n"), FIELD), false);
    }
    let weakest = match s.weakest() {
        Weakest::Topic(x) => {
            t::weakest(&title(&x.topic), &x.topic, x.accuracy() * 100.0, x.answers)
        }
        Weakest::NoneWeak => t::none_weak(),
        Weakest::TooLittle => t::too_little(),
    };
    e.field(t::WEAKEST_TITLE, clip(&weakest, FIELD), false)
}
