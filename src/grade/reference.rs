//! Reference similarity: how close an answer comes to a model answer, from 0 to 1, for questions
//! without a rubric and as a second signal beside one.
//!
//! Features: the tf-idf cosine of answer and reference, the idf-weighted recall of the
//! reference's content words (typos forgiven by the lexicon), their precision, and the answer's
//! length against the reference's. Words of the question are demoted (left out) in the first
//! three, so restating the question earns nothing. The weights that combine them were fitted on
//! the tuning part of a public data set of graded short answers (`examples/asag.rs`).

use super::text::{Analysis, Term};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Inverse document frequency of terms, from a corpus of texts.
#[derive(Debug, Clone, Default)]
pub struct Idf {
    map: HashMap<Term, f64>,
    default: f64,
}

impl Idf {
    pub fn from_documents<'a>(docs: impl IntoIterator<Item = &'a Analysis>) -> Idf {
        let mut df: HashMap<Term, usize> = HashMap::default();
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

fn counts(a: &Analysis, skip: &HashSet<Term>) -> HashMap<Term, f64> {
    let mut m = HashMap::default();
    for t in &a.tokens {
        if !skip.contains(&t.term) {
            *m.entry(t.term).or_insert(0.0) += 1.0;
        }
    }
    m
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

/// The side of the comparison that belongs to the question (its prompt and model answer),
/// worked out once per question rather than once per answer.
#[derive(Debug, Clone, Default)]
pub struct Reference {
    /// The prompt's terms: left out of the cosine, recall and precision.
    prompt: HashSet<Term>,
    counts: HashMap<Term, f64>,
    counts_all: HashMap<Term, f64>,
    weight: f64,
    weight_all: f64,
    norm: f64,
    /// Adjacent pairs of the model answer's terms, for `bigram_recall`.
    pairs: Vec<(Term, Term)>,
    len: f64,
}

fn weight(idf: &Idf, m: &HashMap<Term, f64>) -> f64 {
    m.keys().map(|t| idf.of(*t)).sum()
}

fn norm(idf: &Idf, m: &HashMap<Term, f64>) -> f64 {
    m.iter()
        .map(|(t, c)| (c * idf.of(*t)).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The idf weight of the terms of `x` that `y` has too.
fn shared(idf: &Idf, x: &HashMap<Term, f64>, y: &HashMap<Term, f64>) -> f64 {
    x.keys()
        .filter(|t| y.contains_key(t))
        .map(|t| idf.of(*t))
        .sum()
}

impl Reference {
    pub fn new(idf: &Idf, question: &Analysis, reference: &Analysis) -> Reference {
        let prompt: HashSet<Term> = question.tokens.iter().map(|t| t.term).collect();
        let counts = counts(reference, &prompt);
        let counts_all = counts_all(reference);
        let r: Vec<Term> = reference.tokens.iter().map(|t| t.term).collect();
        let pairs = r
            .windows(2)
            .filter(|w| w[0] != w[1] && !(prompt.contains(&w[0]) && prompt.contains(&w[1])))
            .map(|w| (w[0], w[1]))
            .collect();
        Reference {
            weight: weight(idf, &counts),
            weight_all: weight(idf, &counts_all),
            norm: norm(idf, &counts),
            len: reference.tokens.len().max(1) as f64,
            prompt,
            counts,
            counts_all,
            pairs,
        }
    }

    /// The terms of the question's prompt.
    pub fn prompt_terms(&self) -> &HashSet<Term> {
        &self.prompt
    }

    /// Share of the model answer's adjacent word pairs that stand close together in the answer.
    fn bigram_recall(&self, answer: &Analysis) -> f64 {
        if self.pairs.is_empty() {
            return 0.0;
        }
        let mut at: HashMap<Term, Vec<u32>> = HashMap::default();
        for t in &answer.tokens {
            at.entry(t.term).or_default().push(t.pos);
        }
        let found = self
            .pairs
            .iter()
            .filter(|(x, y)| {
                let (Some(px), Some(py)) = (at.get(x), at.get(y)) else {
                    return false;
                };
                px.iter().any(|a| py.iter().any(|b| a.abs_diff(*b) <= 2))
            })
            .count();
        found as f64 / self.pairs.len() as f64
    }

    pub fn features(&self, idf: &Idf, answer: &Analysis) -> Features {
        let a = counts(answer, &self.prompt);
        let a_all = counts_all(answer);
        let dot: f64 = a
            .iter()
            .filter_map(|(t, ca)| self.counts.get(t).map(|cr| ca * cr * idf.of(*t).powi(2)))
            .sum();
        let cosine = ratio(dot, norm(idf, &a) * self.norm);
        let len_a = answer.tokens.len() as f64;
        let recall = ratio(shared(idf, &self.counts, &a), self.weight);
        let precision = ratio(shared(idf, &a, &self.counts), weight(idf, &a));
        Features {
            cosine,
            recall,
            bigram_recall: self.bigram_recall(answer),
            recall_sqrt: recall.sqrt(),
            log_length: (1.0 + len_a).ln(),
            precision,
            length: (len_a / self.len).min(1.5),
            recall_all: ratio(shared(idf, &self.counts_all, &a_all), self.weight_all),
        }
    }
}

fn counts_all(a: &Analysis) -> HashMap<Term, f64> {
    counts(a, &HashSet::default())
}

/// The features of one answer against one model answer (for one-off comparisons; a grader keeps
/// a [`Reference`] per question).
pub fn features(
    idf: &Idf,
    question: &Analysis,
    reference: &Analysis,
    answer: &Analysis,
) -> Features {
    Reference::new(idf, question, reference).features(idf, answer)
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
