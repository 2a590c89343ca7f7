//! Grading by precedent: an answer that reads like answers people have already graded leans
//! toward their verdict.
//!
//! A rubric knows the claims a right answer makes, but not every way people make them: an
//! analogy ("two cooks in one kitchen"), a worked example, a list of terms under headings. The
//! bank's precedents (see `bank::Precedent`) are answers to the same question that reviewers
//! graded. Each is a TF-IDF vector of the answer's own words and word pairs (before synonym
//! groups, so wording counts); an answer's [`NEAREST`] precedents by cosine similarity vote for
//! their verdicts, each with the weight of its similarity. The rubric's verdict holds unless
//! another verdict's share of the vote beats its own share plus [`RUBRIC_WEIGHT`]: precedents
//! must agree with each other, and clearly, to overrule the rubric.
//!
//! [`NEAREST`] and [`RUBRIC_WEIGHT`] were chosen on the blind split of writers Y and Z, which is
//! no longer a test split for that reason; the limits of [`may_overrule`] on the dev split and the
//! bank's examples.

use super::rubric::Marking;
use super::text::{normalised, stem, Analysis};
use super::Verdict;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// How many precedents vote.
pub const NEAREST: usize = 7;
/// The rubric's verdict counts as this share of a vote on top of its precedents' share.
pub const RUBRIC_WEIGHT: f64 = 0.3;
/// Precedents lift an answer to correct, or out of wrong, only when it has at least this many
/// words.
pub const MIN_WORDS_TO_LIFT: usize = 30;
/// An answer whose content words are at least this share the prompt's echoes it.
pub const ECHO_SHARE: f64 = 0.8;
/// Precedents never lower an answer that makes this share of the rubric's points (by weight).
pub const KEEPS_CREDIT_FROM: f64 = 0.75;
/// How many of the nearest precedents a grade shows.
const SHOWN: usize = 3;

/// A precedent as the grade shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Near {
    pub similarity: f64,
    pub verdict: Verdict,
    pub answer: String,
}

/// What the nearest precedents say of an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vote {
    /// The rubric's verdict, before the vote.
    pub rubric: Verdict,
    /// The verdict after the vote: the rubric's, unless the precedents overruled it.
    pub verdict: Verdict,
    /// Whether the precedents overruled the rubric.
    pub overruled: bool,
    /// The share of the vote for wrong, partial and correct (the rubric's weight aside).
    pub shares: [f64; 3],
    /// The nearest precedents, most similar first.
    pub nearest: Vec<Near>,
}

struct Doc {
    verdict: Verdict,
    answer: String,
}

/// The precedents of one question, indexed by feature.
pub struct Index {
    idf: HashMap<u64, f64>,
    /// For each feature, the documents that have it and its weight there.
    postings: HashMap<u64, Vec<(u32, f64)>>,
    docs: Vec<Doc>,
}

/// The words of an analysis (their own terms) and each pair of neighbours. A word the lexicon
/// does not know ("kitchen") is its stem, read from `text`, the [`normalised`] answer.
fn features(a: &Analysis, text: &[char]) -> HashMap<u64, f64> {
    let mut counts: HashMap<u64, f64> = HashMap::default();
    let words: Vec<u64> = a
        .tokens
        .iter()
        .map(|t| {
            let word = if Analysis::is_known(t.literal) {
                u64::from(t.literal)
            } else {
                let (from, to) = (t.span.0 as usize, (t.span.1 as usize).min(text.len()));
                let raw: String = text.get(from..to).unwrap_or_default().iter().collect();
                let mut h = rustc_hash::FxHasher::default();
                stem(&raw).hash(&mut h);
                (1 << 41) | (h.finish() & 0xFFFF_FFFF)
            };
            // A negated word is another feature: "not bidirectional" is not "bidirectional".
            word | (u64::from(t.negated) << 40)
        })
        .collect();
    for &w in &words {
        *counts.entry(w).or_default() += 1.0;
    }
    for w in words.windows(2) {
        let pair = (1 << 63) | (w[0].wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ w[1]) >> 1;
        *counts.entry(pair).or_default() += 1.0;
    }
    counts
}

/// A unit vector of TF-IDF weights.
fn weigh(counts: HashMap<u64, f64>, idf: &HashMap<u64, f64>) -> Vec<(u64, f64)> {
    let mut v: Vec<(u64, f64)> = counts
        .into_iter()
        .filter_map(|(f, c)| {
            let w = (1.0 + c.ln()) * idf.get(&f).copied()?;
            (w > 0.0).then_some((f, w))
        })
        .collect();
    let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    v
}

impl Index {
    /// Indexes a question's precedents: each answer's analysis, its verdict and its text.
    pub fn new(precedents: Vec<(Analysis, Verdict, String)>) -> Index {
        let counts: Vec<HashMap<u64, f64>> = precedents
            .iter()
            .map(|(a, _, t)| features(a, &normalised(t)))
            .collect();
        let mut df: HashMap<u64, f64> = HashMap::default();
        for c in &counts {
            for f in c.keys() {
                *df.entry(*f).or_default() += 1.0;
            }
        }
        let n = counts.len() as f64;
        let idf: HashMap<u64, f64> = df.into_iter().map(|(f, d)| (f, (n / d).ln())).collect();
        let mut postings: HashMap<u64, Vec<(u32, f64)>> = HashMap::default();
        for (i, c) in counts.into_iter().enumerate() {
            for (f, w) in weigh(c, &idf) {
                postings.entry(f).or_default().push((i as u32, w));
            }
        }
        let docs = precedents
            .into_iter()
            .map(|(_, verdict, answer)| Doc { verdict, answer })
            .collect();
        Index {
            idf,
            postings,
            docs,
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The vote of the nearest precedents on an answer, `text`, analysed as `a`, that the
    /// rubric graded `rubric`.
    pub fn vote(&self, text: &str, a: &Analysis, rubric: Verdict) -> Vote {
        let mut sims = vec![0.0f64; self.docs.len()];
        for (f, w) in weigh(features(a, &normalised(text)), &self.idf) {
            for &(d, dw) in self.postings.get(&f).map_or(&[][..], Vec::as_slice) {
                sims[d as usize] += w * dw;
            }
        }
        let mut order: Vec<usize> = (0..self.docs.len()).filter(|&d| sims[d] > 0.0).collect();
        order.sort_by(|&x, &y| sims[y].total_cmp(&sims[x]).then(x.cmp(&y)));
        order.truncate(NEAREST);
        let mut shares = [0.0; 3];
        for &d in &order {
            shares[self.docs[d].verdict.index()] += sims[d];
        }
        let total: f64 = shares.iter().sum();
        if total > 0.0 {
            shares.iter_mut().for_each(|s| *s /= total);
        }
        let mut weighted = shares;
        weighted[rubric.index()] += RUBRIC_WEIGHT;
        // The first best in the order wrong, partial, correct: a tie never lifts a grade.
        let best = (0..3).fold(0, |b, i| if weighted[i] > weighted[b] { i } else { b });
        let verdict = Verdict::ALL[best];
        Vote {
            rubric,
            verdict,
            overruled: verdict != rubric,
            shares,
            nearest: order
                .iter()
                .take(SHOWN)
                .map(|&d| Near {
                    similarity: (sims[d] * 1000.0).round() / 1000.0,
                    verdict: self.docs[d].verdict,
                    answer: self.docs[d].answer.clone(),
                })
                .collect(),
        }
    }
}

/// Whether a vote may overrule the rubric's marking of an answer of `words` words; `plain` is
/// false when the rubric found a misconception, a denied or misplaced point, or only keywords,
/// and `echo` is true when the answer is mostly the prompt's own words.
/// Precedents weigh words, so they must not overrule what words cannot tell:
/// - an answer that says something false, denies a point or lists keywords is not lifted by the
///   answers it shares words with, which use the same words to say the right thing;
/// - a short answer is not lifted to correct, nor out of wrong: a one-fact sentence shares its
///   words with full answers too; nor is an answer that echoes the prompt, however long;
/// - a key point made with nothing false beside it keeps its partial credit;
/// - an answer that makes most of the rubric's points keeps its credit, however unusual its
///   vocabulary among the precedents.
pub fn may_overrule(vote: &Vote, m: &Marking, plain: bool, echo: bool, words: usize) -> bool {
    if !vote.overruled {
        return false;
    }
    if vote.verdict > vote.rubric {
        let far = vote.verdict == Verdict::Correct || vote.rubric == Verdict::Wrong;
        plain && !echo && !(far && words < MIN_WORDS_TO_LIFT)
    } else {
        let keeps_partial = vote.verdict == Verdict::Wrong && plain && !m.hit.is_empty();
        !keeps_partial && m.hit_share < KEEPS_CREDIT_FROM
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::text::Lexicon;

    fn index(lexicon: &Lexicon, graded: &[(&str, Verdict)]) -> Index {
        Index::new(
            graded
                .iter()
                .map(|(t, v)| (lexicon.analyse(t), *v, t.to_string()))
                .collect(),
        )
    }

    fn vote_on(lexicon: &Lexicon, i: &Index, text: &str, rubric: Verdict) -> Vote {
        i.vote(text, &lexicon.analyse(text), rubric)
    }

    fn kitchens() -> (Lexicon, Index) {
        let lexicon = Lexicon::new(&[], &[]);
        let i = index(
            &lexicon,
            &[
                ("two cooks in one kitchen share the pot", Verdict::Correct),
                (
                    "cooks in one kitchen just share the same pot",
                    Verdict::Correct,
                ),
                ("the cooks share one kitchen and one pot", Verdict::Correct),
                ("a mailbox holds the letters until morning", Verdict::Wrong),
                ("letters wait in a mailbox", Verdict::Wrong),
            ],
        );
        (lexicon, i)
    }

    #[test]
    fn close_precedents_that_agree_overrule_the_rubric() {
        let (lexicon, i) = kitchens();
        let v = vote_on(
            &lexicon,
            &i,
            "cooks in one kitchen share a pot",
            Verdict::Wrong,
        );
        assert_eq!((v.verdict, v.overruled), (Verdict::Correct, true));
        assert_eq!(v.nearest.len(), SHOWN);
        assert!(v.nearest.iter().all(|n| n.verdict == Verdict::Correct));
        assert!(v.nearest[0].similarity >= v.nearest[1].similarity);
    }

    #[test]
    fn an_answer_like_no_precedent_keeps_the_rubrics_verdict() {
        let (lexicon, i) = kitchens();
        let v = vote_on(&lexicon, &i, "the scheduler preempts", Verdict::Partial);
        assert_eq!((v.verdict, v.overruled), (Verdict::Partial, false));
        assert!(v.nearest.is_empty());
        assert_eq!(v.shares, [0.0; 3]);
    }

    #[test]
    fn a_negated_word_is_not_the_word() {
        let lexicon = Lexicon::new(&[], &[]);
        let i = index(
            &lexicon,
            &[
                ("threads share memory", Verdict::Correct),
                ("threads share memory", Verdict::Correct),
                ("processes use pipes", Verdict::Wrong),
            ],
        );
        let said = vote_on(&lexicon, &i, "threads share memory", Verdict::Partial);
        let denied = vote_on(
            &lexicon,
            &i,
            "threads do not share memory",
            Verdict::Partial,
        );
        assert!(said.nearest[0].similarity > denied.nearest[0].similarity);
    }

    fn vote(rubric: Verdict, verdict: Verdict) -> Vote {
        Vote {
            rubric,
            verdict,
            overruled: rubric != verdict,
            shares: [0.0; 3],
            nearest: vec![],
        }
    }

    fn marking(hit: usize, hit_share: f64) -> Marking {
        Marking {
            hit: (0..hit).collect(),
            hit_share,
            ..Marking::default()
        }
    }

    #[test]
    fn the_limits_on_overruling_the_rubric() {
        use Verdict::*;
        let long = MIN_WORDS_TO_LIFT;
        // (rubric, vote, points hit, their share, plain, echo, words)
        let may = |r, v, hit, share, plain, echo, words| {
            may_overrule(&vote(r, v), &marking(hit, share), plain, echo, words)
        };
        // A long plain answer may be lifted, by one band or two.
        assert!(may(Partial, Correct, 1, 0.4, true, false, long));
        assert!(may(Wrong, Correct, 0, 0.0, true, false, long));
        // A short one is not lifted to correct nor out of wrong; nothing lifts an answer in which
        // the rubric found something false, nor an echo of the prompt.
        assert!(!may(Partial, Correct, 1, 0.4, true, false, long - 1));
        assert!(!may(Wrong, Partial, 0, 0.0, true, false, long - 1));
        assert!(!may(Partial, Correct, 1, 0.4, false, false, long));
        assert!(!may(Wrong, Correct, 0, 0.0, true, true, long));
        // Lowering: a clean key point keeps partial; most of the points keep their credit.
        assert!(!may(Partial, Wrong, 1, 0.4, true, false, 10));
        assert!(may(Partial, Wrong, 1, 0.4, false, false, 10));
        assert!(may(Correct, Partial, 2, 0.7, true, false, 10));
        assert!(!may(Correct, Partial, 3, 0.8, true, false, 10));
        // No overruling, nothing to allow.
        assert!(!may(Correct, Correct, 3, 1.0, true, false, long));
    }
}
