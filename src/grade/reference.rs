//! Reference similarity: how close an answer comes to a model answer, from 0 to 1, for questions
//! without a rubric and as a second signal beside one.
//!
//! Features: the tf-idf cosine of answer and reference, the idf-weighted recall of the
//! reference's content words (typos forgiven by the lexicon), their precision, and the answer's
//! length against the reference's. Words of the question are demoted (left out) in the first
//! three, so restating the question earns nothing. The weights that combine them were fitted on
//! the tuning part of a public data set of graded short answers (`examples/asag.rs`).

use super::text::{Analysis, Term};
use std::collections::{HashMap, HashSet};

/// Inverse document frequency of terms, from a corpus of texts.
#[derive(Debug, Clone, Default)]
pub struct Idf {
    map: HashMap<Term, f64>,
    default: f64,
}

impl Idf {
    pub fn from_documents<'a>(docs: impl IntoIterator<Item = &'a Analysis>) -> Idf {
        let mut df: HashMap<Term, usize> = HashMap::new();
        let mut n = 0usize;
        for d in docs {
            n += 1;
            let terms: HashSet<Term> = d
                .tokens
                .iter()
                .map(|t| t.term)
                .filter(|t| Analysis::is_known(*t))
                .collect();
            for t in terms {
                *df.entry(t).or_default() += 1;
            }
        }
        let idf = |df: usize| ((n as f64 + 1.0) / (df as f64 + 1.0)).ln() + 1.0;
        Idf {
            map: df.into_iter().map(|(t, d)| (t, idf(d))).collect(),
            default: idf(0),
        }
    }

    pub fn of(&self, t: Term) -> f64 {
        self.map.get(&t).copied().unwrap_or(if self.default > 0.0 {
            self.default
        } else {
            1.0
        })
    }
}

/// The measured features of one answer against one reference.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features {
    pub cosine: f64,
    pub recall: f64,
    pub precision: f64,
    pub length: f64,
    /// Recall of the reference's words with the question's words kept in.
    pub recall_all: f64,
    /// Share of the reference's adjacent word pairs that stand close together in the answer.
    pub bigram_recall: f64,
    /// The square root of `recall`: the first words found matter most.
    pub recall_sqrt: f64,
    /// log(1 + content words of the answer).
    pub log_length: f64,
}

/// How many features a [`Features`] holds.
pub const FEATURES: usize = 8;

impl Features {
    pub fn as_array(&self) -> [f64; FEATURES] {
        [
            self.cosine,
            self.recall,
            self.precision,
            self.length,
            self.recall_all,
            self.bigram_recall,
            self.recall_sqrt,
            self.log_length,
        ]
    }
}

fn bigram_recall(reference: &Analysis, answer: &Analysis, skip: &HashSet<Term>) -> f64 {
    let r: Vec<Term> = reference.tokens.iter().map(|t| t.term).collect();
    let pairs: Vec<(Term, Term)> = r
        .windows(2)
        .filter(|w| w[0] != w[1] && !(skip.contains(&w[0]) && skip.contains(&w[1])))
        .map(|w| (w[0], w[1]))
        .collect();
    if pairs.is_empty() {
        return 0.0;
    }
    let mut at: HashMap<Term, Vec<u32>> = HashMap::new();
    for t in &answer.tokens {
        at.entry(t.term).or_default().push(t.pos);
    }
    let found = pairs
        .iter()
        .filter(|(x, y)| {
            let (Some(px), Some(py)) = (at.get(x), at.get(y)) else {
                return false;
            };
            px.iter().any(|a| py.iter().any(|b| a.abs_diff(*b) <= 2))
        })
        .count();
    found as f64 / pairs.len() as f64
}

fn counts(a: &Analysis, skip: &HashSet<Term>) -> HashMap<Term, f64> {
    let mut m = HashMap::new();
    for t in &a.tokens {
        if !skip.contains(&t.term) {
            *m.entry(t.term).or_insert(0.0) += 1.0;
        }
    }
    m
}

pub fn features(
    idf: &Idf,
    question: &Analysis,
    reference: &Analysis,
    answer: &Analysis,
) -> Features {
    let q: HashSet<Term> = question.tokens.iter().map(|t| t.term).collect();
    let none = HashSet::new();
    let r = counts(reference, &q);
    let a = counts(answer, &q);
    let r_all = counts(reference, &none);
    let a_all = counts(answer, &none);

    let weight = |m: &HashMap<Term, f64>| -> f64 { m.keys().map(|t| idf.of(*t)).sum() };
    let shared = |x: &HashMap<Term, f64>, y: &HashMap<Term, f64>| -> f64 {
        x.keys()
            .filter(|t| y.contains_key(t))
            .map(|t| idf.of(*t))
            .sum()
    };
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };

    let dot: f64 = a
        .iter()
        .filter_map(|(t, ca)| r.get(t).map(|cr| ca * cr * idf.of(*t).powi(2)))
        .sum();
    let norm = |m: &HashMap<Term, f64>| {
        m.iter()
            .map(|(t, c)| (c * idf.of(*t)).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let cosine = ratio(dot, norm(&a) * norm(&r));

    let len_a = answer.tokens.len() as f64;
    let len_r = reference.tokens.len().max(1) as f64;
    let recall = ratio(shared(&r, &a), weight(&r));
    let precision = ratio(shared(&a, &r), weight(&a));
    Features {
        cosine,
        recall,
        bigram_recall: bigram_recall(reference, answer, &q),
        recall_sqrt: recall.sqrt(),
        log_length: (1.0 + len_a).ln(),
        precision,
        length: (len_a / len_r).min(1.5),
        recall_all: ratio(shared(&r_all, &a_all), weight(&r_all)),
    }
}

/// A linear model over the features, predicting a grade on a 0-5 scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub bias: f64,
    pub features: [f64; FEATURES],
}

/// Fitted by `cargo run --release --example asag` on assignments 1-8 of the Mohler data set.
pub const DEFAULT_WEIGHTS: Weights = Weights {
    bias: 2.660,
    features: [0.331, -1.457, 0.582, 0.509, 0.600, -0.080, 1.777, 0.080],
};

impl Weights {
    /// The predicted grade on the 0-5 scale, clamped.
    pub fn predict(&self, f: &Features) -> f64 {
        let x = f.as_array();
        (self.bias + self.features.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()).clamp(0.0, 5.0)
    }

    /// The similarity as a score from 0 to 1.
    pub fn score(&self, f: &Features) -> f64 {
        self.predict(f) / 5.0
    }
}
