//! Free-text grading by rubric: which key points an answer expresses, which misconceptions it
//! states, and what a negation near a point does to it.

use super::text::{is_negation, pieces, Analysis, Lexicon, Piece, Term};
use crate::bank::Rubric;
use std::collections::{HashMap, HashSet};

/// A phrasing compiled to terms.
#[derive(Debug, Clone)]
pub struct Phrasing {
    pub terms: Vec<Term>,
    /// The phrasing itself says "not ...": it is found only where the answer negates too.
    pub negative: bool,
}

#[derive(Debug, Clone)]
pub struct Point {
    pub text: String,
    pub weight: f64,
    pub phrasings: Vec<Phrasing>,
}

#[derive(Debug, Clone)]
pub struct Wrong {
    pub text: String,
    pub penalty: f64,
    pub phrasings: Vec<Phrasing>,
}

#[derive(Debug, Clone)]
pub struct CompiledRubric {
    pub points: Vec<Point>,
    pub misconceptions: Vec<Wrong>,
}

/// What a phrasing search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    No,
    /// Every word is there, but a negation stands before them.
    Negated,
    Yes,
}

pub fn compile_phrasing(lex: &mut Lexicon, text: &str) -> Phrasing {
    let negative = pieces(text).iter().any(|p| matches!(p, Piece::Word(w) if is_negation(w)));
    let analysis = lex.learn(text);
    let mut terms: Vec<Term> = Vec::new();
    for t in analysis.tokens {
        if !terms.contains(&t.term) {
            terms.push(t.term);
        }
    }
    Phrasing { terms, negative }
}

pub fn compile(lex: &mut Lexicon, rubric: &Rubric) -> CompiledRubric {
    let points = rubric
        .points
        .iter()
        .map(|p| Point {
            text: p.text.clone(),
            weight: p.weight,
            phrasings: p.phrasings.iter().map(|s| compile_phrasing(lex, s)).collect(),
        })
        .collect();
    let misconceptions = rubric
        .misconceptions
        .iter()
        .map(|m| Wrong {
            text: m.text.clone(),
            penalty: m.penalty,
            phrasings: m.phrasings.iter().map(|s| compile_phrasing(lex, s)).collect(),
        })
        .collect();
    CompiledRubric { points, misconceptions }
}

/// How far apart (in content words) the words of a phrasing may stand.
fn window(len: usize) -> u32 {
    2 * len.saturating_sub(1) as u32 + 2
}

/// Where each term occurs in an answer.
pub struct Occurrences(HashMap<Term, Vec<usize>>);

impl Occurrences {
    pub fn of(a: &Analysis) -> Occurrences {
        let mut map: HashMap<Term, Vec<usize>> = HashMap::with_capacity(a.tokens.len());
        for (i, t) in a.tokens.iter().enumerate() {
            map.entry(t.term).or_default().push(i);
        }
        Occurrences(map)
    }
}

/// Looks for a phrasing in one sentence (or, for misconceptions, one clause) of the answer.
pub fn find(a: &Analysis, occ: &Occurrences, p: &Phrasing, clause_level: bool) -> Found {
    let Some(first) = p.terms.first().and_then(|t| occ.0.get(t)) else {
        return Found::No;
    };
    let mut best = Found::No;
    for &i0 in first {
        let anchor = &a.tokens[i0];
        let mut lo = anchor.pos;
        let mut hi = anchor.pos;
        let mut negated = anchor.negated;
        let mut complete = true;
        for term in &p.terms[1..] {
            let nearest = occ.0.get(term).and_then(|list| {
                list.iter()
                    .map(|&i| &a.tokens[i])
                    .filter(|t| {
                        t.sentence == anchor.sentence && (!clause_level || t.clause == anchor.clause)
                    })
                    .min_by_key(|t| t.pos.abs_diff(anchor.pos))
            });
            match nearest {
                Some(t) => {
                    lo = lo.min(t.pos);
                    hi = hi.max(t.pos);
                    negated |= t.negated;
                }
                None => {
                    complete = false;
                    break;
                }
            }
        }
        if !complete || hi - lo > window(p.terms.len()) {
            continue;
        }
        let found = match (p.negative, negated) {
            (false, false) | (true, true) => Found::Yes,
            (false, true) => Found::Negated,
            (true, false) => Found::No,
        };
        if found == Found::Yes {
            return Found::Yes;
        }
        if found == Found::Negated {
            best = Found::Negated;
        }
    }
    best
}

/// What the rubric found in one answer.
#[derive(Debug, Clone, Default)]
pub struct Marking {
    pub hit: Vec<usize>,
    pub missed: Vec<usize>,
    /// Points the answer stated the opposite of.
    pub contradicted: Vec<usize>,
    pub misconceptions: Vec<usize>,
    pub score: f64,
}

/// A negated key point costs this share of its weight, as a misconception would.
pub const CONTRADICTION_PENALTY: f64 = 0.5;

pub fn mark(r: &CompiledRubric, a: &Analysis) -> Marking {
    let occ = Occurrences::of(a);
    let mut m = Marking::default();
    let total: f64 = r.points.iter().map(|p| p.weight).sum();
    let mut earned = 0.0;
    let mut penalty = 0.0;
    for (i, point) in r.points.iter().enumerate() {
        let mut found = Found::No;
        for p in &point.phrasings {
            match find(a, &occ, p, false) {
                Found::Yes => {
                    found = Found::Yes;
                    break;
                }
                Found::Negated => found = Found::Negated,
                Found::No => {}
            }
        }
        match found {
            Found::Yes => {
                earned += point.weight;
                m.hit.push(i);
            }
            Found::Negated => {
                penalty += CONTRADICTION_PENALTY * point.weight / total;
                m.contradicted.push(i);
                m.missed.push(i);
            }
            Found::No => m.missed.push(i),
        }
    }
    for (i, w) in r.misconceptions.iter().enumerate() {
        if w.phrasings.iter().any(|p| find(a, &occ, p, true) == Found::Yes) {
            penalty += w.penalty;
            m.misconceptions.push(i);
        }
    }
    m.score = if total > 0.0 { (earned / total - penalty).clamp(0.0, 1.0) } else { 0.0 };
    m
}

/// Phrasings whose every word is already in the prompt: they could never earn anything.
pub fn prompt_only_phrasings(r: &CompiledRubric, prompt_terms: &HashSet<Term>) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let groups = r
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("key point {}", i + 1), &p.phrasings))
        .chain(
            r.misconceptions
                .iter()
                .enumerate()
                .map(|(i, w)| (format!("misconception {}", i + 1), &w.phrasings)),
        );
    for (what, phrasings) in groups {
        for (j, p) in phrasings.iter().enumerate() {
            if !p.terms.is_empty() && p.terms.iter().all(|t| prompt_terms.contains(t)) {
                out.push((what.clone(), j));
            }
        }
    }
    out
}
