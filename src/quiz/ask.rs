//! Ask the bank: the questions closest to an interview question a member types, by reference
//! similarity (the tf-idf cosine of `grade::reference`, over the lexicon the grader uses: stems,
//! the bank's synonym groups, typos forgiven). No Discord here: `/ask` renders what this finds.
//!
//! A question is matched twice: by its prompt alone, and by its whole document (the prompt
//! weighed twice, its right answer, its tags and its topic's title). Its score is the mean of
//! the two cosines, so a question worded like the prompt comes first, and the answer's words
//! still count for one that names what the answer says. Both are analysed once into an
//! [`Index`] (inverted lists of weighted terms), so a question asked costs a look-up of its own
//! words, not a pass over the bank.
//!
//! The words of what a member types count once each, and a word the bank does not know is read
//! as one it does where that is plain: `vs` and `diff` as `difference`, a comparison as its
//! adjective (`quicker`, `heaviest`), the start of a single known word (`mongo`). A word still
//! unknown matches nothing but weighs in the question, so a question mostly about something
//! else scores low.
//!
//! The score is 0 to 1. At [`CLOSE_FROM`] or more the best question is taken as the one asked
//! about; below it the bank has nothing close, and the nearest topics and questions are shown
//! only as pointers. `cargo run --release --example ask_recall` measures both sides: a
//! paraphrase of every built-in question (`tests/data/ask/paraphrases.jsonl`), which should
//! find its question first, and questions from outside the bank (`off_topic.jsonl`).

use crate::bank::{Kind, Question, Topic, Vocabulary};
use crate::grade::reference::Idf;
use crate::grade::text::{Analysis, Lexicon, Term};
use rustc_hash::FxHashMap as HashMap;
use words::Words;

mod words;

/// The lowest score at which the best question is shown as the answer to what was asked.
pub const CLOSE_FROM: f64 = 0.25;

/// How many other questions are listed under the best one, at most: the next closest, each
/// scoring [`RELATED_FROM`] or more.
pub const ALSO: usize = 4;

/// The lowest score of a question listed under the best one: below [`CLOSE_FROM`], a question
/// of the same subject still reaches it; one from outside the bank seldom does.
pub const RELATED_FROM: f64 = 0.15;

/// How many nearest topics and questions are shown when nothing is close, at most.
pub const NEAREST: usize = 3;

/// How a question's score is made: the share of it that comes from the prompt alone (the rest
/// from the whole document), and how much each part weighs in the document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recipe {
    pub prompt_alone: f64,
    pub prompt: f64,
    /// The right answer: a free-text question's model answer, the right option or options, the
    /// items of an order question, a short question's answer.
    pub answer: f64,
    /// Its tags and its topic's title.
    pub labels: f64,
    pub explanation: f64,
}

impl Recipe {
    /// What `/ask` uses.
    pub const DEFAULT: Recipe = Recipe {
        prompt_alone: 0.5,
        prompt: 2.0,
        answer: 1.0,
        labels: 1.0,
        explanation: 0.0,
    };
}

/// A question of the bank, as close as it came to what was asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub topic: String,
    /// The prompt, as a list shows it (a generated question's first instance).
    pub prompt: String,
    /// 0 to 1, rounded to three places.
    pub score: f64,
}

/// What the bank has for a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The best question scores [`CLOSE_FROM`] or more; `also` are the next closest, at most
    /// [`ALSO`], each scoring [`RELATED_FROM`] or more.
    Close { best: Hit, also: Vec<Hit> },
    /// Nothing scores [`CLOSE_FROM`]: the topics of the nearest questions, nearest first, and
    /// those questions (every one below the threshold), at most [`NEAREST`] of each. Both are
    /// empty when no word of the question is in the bank.
    Nothing {
        topics: Vec<String>,
        nearest: Vec<Hit>,
    },
}

/// The right answer of a question, as text to match (none for true/false, whose answer is a
/// word any question could have, nor for a generated one, whose answer changes with the seed).
pub fn answer_text(q: &Question) -> String {
    match &q.kind {
        Kind::Choice { options, answer } => options[*answer].clone(),
        Kind::Multi { options, answers } => answers
            .iter()
            .map(|&i| options[i].as_str())
            .collect::<Vec<_>>()
            .join(". "),
        Kind::Order { items } => items.join(". "),
        Kind::Short { answer, .. } => answer.clone(),
        Kind::FreeText(r) => r.model_answer.clone(),
        Kind::TrueFalse { .. } | Kind::Generated(_) => String::new(),
    }
}

/// The prompt a question is shown by: a generated question's first instance's.
pub fn prompt_text(q: &Question) -> String {
    match q.kind {
        Kind::Generated(_) => q.instance(0).prompt,
        _ => q.prompt.clone(),
    }
}

/// How many instances of a generated question it is matched by: each seed may ask another case
/// of the same thing (a fix, a feature, a breaking change).
const GENERATED_INSTANCES: u64 = 8;

/// The prompt a question is matched by.
fn matched_prompt(q: &Question) -> String {
    match q.kind {
        Kind::Generated(_) => (0..GENERATED_INSTANCES)
            .map(|seed| q.instance(seed).prompt)
            .collect::<Vec<_>>()
            .join("\n"),
        _ => q.prompt.clone(),
    }
}

/// Documents as unit vectors of tf-idf weights, in inverted lists.
struct Space {
    idf: Idf,
    /// For each term, the documents that have it and its weight there, over the document's norm.
    postings: HashMap<Term, Vec<(u32, f64)>>,
}

impl Space {
    /// Each document is its parts' analyses, each with its weight.
    fn new(docs: &[Vec<(&Analysis, f64)>]) -> Space {
        let merged: Vec<Analysis> = docs
            .iter()
            .map(|parts| Analysis {
                tokens: parts
                    .iter()
                    .filter(|(_, w)| *w > 0.0)
                    .flat_map(|(a, _)| a.tokens.iter().cloned())
                    .collect(),
                ..Analysis::default()
            })
            .collect();
        let idf = Idf::from_documents(merged.iter());
        let mut postings: HashMap<Term, Vec<(u32, f64)>> = HashMap::default();
        for (d, parts) in docs.iter().enumerate() {
            let mut weights: HashMap<Term, f64> = HashMap::default();
            for (analysis, weight) in parts {
                for t in &analysis.tokens {
                    *weights.entry(t.term).or_default() += weight;
                }
            }
            let mut vector: Vec<(Term, f64)> = weights
                .into_iter()
                .filter(|(_, w)| *w > 0.0)
                .map(|(t, w)| (t, w * idf.of(t)))
                .collect();
            vector.sort_unstable_by_key(|(t, _)| *t);
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm == 0.0 {
                continue;
            }
            for (t, w) in vector {
                postings.entry(t).or_default().push((d as u32, w / norm));
            }
        }
        Space { idf, postings }
    }

    /// Adds `share` of each document's cosine with `terms` (each counted once) to `scores`.
    fn add(&self, terms: &[Term], share: f64, scores: &mut HashMap<u32, f64>) {
        let norm = terms
            .iter()
            .map(|t| self.idf.of(*t).powi(2))
            .sum::<f64>()
            .sqrt();
        if norm == 0.0 || share == 0.0 {
            return;
        }
        for t in terms {
            let q = share * self.idf.of(*t) / norm;
            for (d, w) in self.postings.get(t).into_iter().flatten() {
                *scores.entry(*d).or_default() += q * w;
            }
        }
    }
}

struct Entry {
    id: String,
    topic: String,
    prompt: String,
}

/// The bank's questions, analysed once.
pub struct Index {
    lexicon: Lexicon,
    entries: Vec<Entry>,
    /// The prompts alone.
    prompts: Space,
    /// The whole documents.
    documents: Space,
    prompt_alone: f64,
    /// Every word of the documents: what a member's word the bank does not know may stand for.
    words: Words,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("questions", &self.entries.len())
            .finish()
    }
}

impl Index {
    /// The index of `questions`, with the bank's vocabulary and topic titles.
    pub fn new<'q>(
        vocabulary: &Vocabulary,
        topics: &[Topic],
        questions: impl IntoIterator<Item = &'q Question>,
    ) -> Index {
        Index::with_recipe(vocabulary, topics, questions, Recipe::DEFAULT)
    }

    /// As `new`, scored by another recipe (to measure it beside the default).
    pub fn with_recipe<'q>(
        vocabulary: &Vocabulary,
        topics: &[Topic],
        questions: impl IntoIterator<Item = &'q Question>,
        recipe: Recipe,
    ) -> Index {
        let mut lexicon = Lexicon::new(&vocabulary.groups, &vocabulary.spellings);
        let title = |id: &str| {
            topics
                .iter()
                .find(|t| t.id == id)
                .map_or(id.replace('-', " "), |t| t.title.clone())
        };
        let mut entries = Vec::new();
        let mut words: Vec<String> = Vec::new();
        // Each question's prompt, right answer, labels and explanation, analysed.
        let mut analysed: Vec<[Analysis; 4]> = Vec::new();
        for q in questions {
            let labels = format!("{}. {}", q.tags.join(". "), title(&q.topic));
            let texts = [
                matched_prompt(q),
                answer_text(q),
                labels,
                q.explanation.clone(),
            ];
            // The prompt is always matched alone; the other parts only when they weigh.
            let weights = [1.0, recipe.answer, recipe.labels, recipe.explanation];
            let mut parts: [Analysis; 4] = Default::default();
            for ((text, weight), part) in texts.iter().zip(weights).zip(parts.iter_mut()) {
                if weight > 0.0 {
                    words.extend(words::words_of(text));
                    *part = lexicon.learn(text);
                }
            }
            analysed.push(parts);
            entries.push(Entry {
                id: q.id.0.clone(),
                topic: q.topic.clone(),
                prompt: prompt_text(q),
            });
        }
        let prompts: Vec<Vec<(&Analysis, f64)>> =
            analysed.iter().map(|[p, ..]| vec![(p, 1.0)]).collect();
        let documents: Vec<Vec<(&Analysis, f64)>> = analysed
            .iter()
            .map(|[p, a, l, e]| {
                vec![
                    (p, recipe.prompt),
                    (a, recipe.answer),
                    (l, recipe.labels),
                    (e, recipe.explanation),
                ]
            })
            .collect();
        Index {
            prompts: Space::new(&prompts),
            documents: Space::new(&documents),
            lexicon,
            entries,
            prompt_alone: recipe.prompt_alone,
            words: Words::new(words),
        }
    }

    /// How many questions it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn knows(&self, word: &str) -> bool {
        self.lexicon
            .analyse(word)
            .tokens
            .first()
            .is_some_and(|t| Analysis::is_known(t.term))
    }

    /// A word of a question as the bank would word it, if it does not know the word itself.
    fn rewrite(&self, word: &str) -> Option<String> {
        self.words.rewrite(word, |w| self.knows(w))
    }

    /// The terms of what a member typed, each once.
    fn terms(&self, text: &str) -> Vec<Term> {
        let reworded = words::reword(text, |w| self.rewrite(w));
        let mut terms: Vec<Term> = self
            .lexicon
            .analyse(&reworded)
            .tokens
            .iter()
            .map(|t| t.term)
            .collect();
        terms.sort_unstable();
        terms.dedup();
        terms
    }

    /// Every question that shares a word with `text`, best first (ties by id).
    pub fn rank(&self, text: &str) -> Vec<Hit> {
        let terms = self.terms(text);
        let mut scores: HashMap<u32, f64> = HashMap::default();
        self.prompts.add(&terms, self.prompt_alone, &mut scores);
        self.documents
            .add(&terms, 1.0 - self.prompt_alone, &mut scores);
        let mut hits: Vec<Hit> = scores
            .into_iter()
            .map(|(d, s)| {
                let e = &self.entries[d as usize];
                Hit {
                    id: e.id.clone(),
                    topic: e.topic.clone(),
                    prompt: e.prompt.clone(),
                    score: (s * 1000.0).round() / 1000.0,
                }
            })
            .filter(|h| h.score > 0.0)
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits
    }

    /// What the bank has for `text`: the closest question and the next close ones, or the
    /// nearest topics and questions when nothing is close.
    pub fn ask(&self, text: &str) -> Found {
        found(self.rank(text))
    }
}

/// What the bank has, from a ranking (best first).
pub fn found(mut ranked: Vec<Hit>) -> Found {
    if ranked.first().is_some_and(|h| h.score >= CLOSE_FROM) {
        let best = ranked.remove(0);
        let also = ranked
            .into_iter()
            .take_while(|h| h.score >= RELATED_FROM)
            .take(ALSO)
            .collect();
        return Found::Close { best, also };
    }
    let mut topics: Vec<String> = Vec::new();
    for h in &ranked {
        if topics.len() == NEAREST {
            break;
        }
        if !topics.contains(&h.topic) {
            topics.push(h.topic.clone());
        }
    }
    ranked.truncate(NEAREST);
    Found::Nothing {
        topics,
        nearest: ranked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Bank, BankSource};

    fn bank() -> Bank {
        Bank::load(&BankSource::Dir(
            concat!(env!("CARGO_MANIFEST_DIR"), "/questions").into(),
        ))
        .unwrap()
    }

    fn index(bank: &Bank) -> Index {
        Index::new(bank.vocabulary(), bank.topics(), bank.questions())
    }

    fn hit(id: &str, topic: &str, score: f64) -> Hit {
        Hit {
            id: id.into(),
            topic: topic.into(),
            prompt: format!("the prompt of {id}"),
            score,
        }
    }

    #[test]
    fn a_question_in_chat_words_finds_its_question_first_and_close() {
        let bank = bank();
        let index = index(&bank);
        for (asked, id) in [
            (
                "whats the diff between a process and a thread",
                "process-vs-thread",
            ),
            ("npm caret vs tilde ranges?", "semver-caret-vs-tilde"),
            (
                "why does the decoder need a mask in attention",
                "masked-attention",
            ),
            (
                "wat is a deadlok and how do u prevent it",
                "thread-deadlock",
            ),
        ] {
            let Found::Close { best, also } = index.ask(asked) else {
                panic!("{asked}: nothing close: {:?}", index.rank(asked).first());
            };
            assert_eq!(best.id, id, "{asked}");
            assert!(best.score >= CLOSE_FROM && best.score <= 1.0, "{best:?}");
            assert!(also.len() <= ALSO);
            assert!(also.iter().all(|h| h.score <= best.score && h.id != id));
        }
    }

    #[test]
    fn a_generated_question_is_matched_by_the_cases_its_instances_ask() {
        let bank = bank();
        let q = bank.get("semver-bump").unwrap();
        let matched = matched_prompt(q);
        let shown = prompt_text(q);
        assert!(matched.starts_with(&shown), "the first instance is shown");
        let cases = (0..GENERATED_INSTANCES)
            .map(|seed| q.instance(seed).prompt)
            .collect::<std::collections::HashSet<_>>();
        assert!(cases.len() > 1 && cases.iter().all(|c| matched.contains(c.as_str())));
        let index = index(&bank);
        let asked = "library is at 2.3.1 and the next release is only a bugfix, whats the new version number";
        assert_eq!(index.rank(asked)[0].id, "semver-bump");
    }

    #[test]
    fn words_the_bank_does_not_have_find_nothing_and_no_topic() {
        let bank = bank();
        let index = index(&bank);
        for asked in ["asdf qwerty zxcv", "lol", "???", ""] {
            assert_eq!(
                index.ask(asked),
                Found::Nothing {
                    topics: vec![],
                    nearest: vec![]
                },
                "{asked}"
            );
        }
    }

    #[test]
    fn a_question_from_outside_the_bank_is_not_close_and_points_to_the_nearest_topics() {
        let bank = bank();
        let index = index(&bank);
        for asked in [
            "how does garbage collection work in go",
            "explain the virtual dom in react",
            "what is the cap theorem",
        ] {
            let Found::Nothing { topics, nearest } = index.ask(asked) else {
                panic!("{asked}: {:?}", index.rank(asked).first());
            };
            assert!(!topics.is_empty() && !nearest.is_empty(), "{asked}");
            assert!(nearest.iter().all(|h| h.score < CLOSE_FROM), "{nearest:?}");
            assert!(topics.iter().all(|t| bank.topic(t).is_some()), "{topics:?}");
            assert_eq!(topics[0], nearest[0].topic);
        }
    }

    #[test]
    fn the_threshold_decides_close_and_the_lists_keep_their_limits() {
        let ranked = vec![
            hit("a", "t1", CLOSE_FROM),
            hit("b", "t1", 0.2),
            hit("c", "t2", RELATED_FROM),
            hit("d", "t2", RELATED_FROM - 0.001),
        ];
        let Found::Close { best, also } = found(ranked.clone()) else {
            panic!("a score of exactly CLOSE_FROM is close");
        };
        assert_eq!(best.id, "a");
        let also: Vec<&str> = also.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(also, ["b", "c"], "only the related ones are listed");

        let many: Vec<Hit> = (0..10).map(|i| hit(&format!("q{i}"), "t", 0.9)).collect();
        let Found::Close { also, .. } = found(many) else {
            panic!()
        };
        assert_eq!(also.len(), ALSO);

        let below: Vec<Hit> = [
            ("a", "t1"),
            ("b", "t1"),
            ("c", "t2"),
            ("d", "t3"),
            ("e", "t4"),
        ]
        .iter()
        .map(|(id, t)| hit(id, t, CLOSE_FROM - 0.001))
        .collect();
        let Found::Nothing { topics, nearest } = found(below) else {
            panic!("just under the threshold is not close");
        };
        assert_eq!(topics, ["t1", "t2", "t3"], "each topic once, nearest first");
        let nearest: Vec<&str> = nearest.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(nearest, ["a", "b", "c"]);
    }

    #[test]
    fn the_ranking_is_best_first_ties_by_id_and_each_word_counts_once() {
        let bank = bank();
        let index = index(&bank);
        let ranked = index.rank("kafka partition consumer offset");
        assert!(ranked.len() > 3);
        for pair in ranked.windows(2) {
            assert!(
                pair[0].score > pair[1].score
                    || (pair[0].score == pair[1].score && pair[0].id < pair[1].id),
                "{pair:?}"
            );
        }
        // Saying a word again does not make a question about it closer.
        assert_eq!(
            index.rank("kafka kafka kafka partition consumer offset"),
            index.rank("kafka partition consumer offset")
        );
    }

    #[test]
    fn shorthand_and_comparisons_read_as_the_banks_words_and_plain_words_stay() {
        let bank = bank();
        let index = index(&bank);
        assert_eq!(index.rewrite("vs").as_deref(), Some("difference"));
        assert_eq!(index.rewrite("diff").as_deref(), Some("difference"));
        assert_eq!(index.rewrite("heaviest").as_deref(), Some("heavy"));
        assert_eq!(index.rewrite("quicker").as_deref(), Some("quick"));
        assert_eq!(index.rewrite("mongo").as_deref(), Some("mongodb"));
        // Known words, words too short to be a start, and starts of several words stay.
        for word in ["process", "offer", "book", "proc", "thr"] {
            assert_eq!(index.rewrite(word), None, "{word}");
        }
    }

    #[test]
    fn a_servers_own_question_is_found_in_an_index_that_holds_it() {
        let base = bank();
        let own = Bank::from_files(vec![(
            "own.toml".into(),
            r#"
topic = "processes-threads-extra"
title = "More on processes"

[[question]]
id = "suggested-1"
kind = "true_false"
difficulty = "easy"
prompt = "A process with a seccomp filter can only make the system calls the filter allows."
answer = true
explanation = "seccomp filters the system calls a process may make."
source = "member-suggestion"
"#
            .into(),
        )])
        .unwrap();
        let asked = "what does a seccomp filter do to system calls";
        let with = Index::new(
            base.vocabulary(),
            base.topics(),
            base.questions().iter().chain(own.questions()),
        );
        let Found::Close { best, .. } = with.ask(asked) else {
            panic!("{:?}", with.rank(asked).first());
        };
        assert_eq!(best.id, "suggested-1");
        let without = index(&base);
        assert!(without.rank(asked).iter().all(|h| h.id != "suggested-1"));
        assert!(matches!(without.ask(asked), Found::Nothing { .. }));
    }
}
