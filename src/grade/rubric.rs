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
    pub subject: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Wrong {
    pub text: String,
    pub penalty: f64,
    pub phrasings: Vec<Phrasing>,
}

#[derive(Debug, Clone)]
pub struct CompiledRubric {
    /// The terms that name each subject of a comparison.
    pub subjects: Vec<HashSet<Term>>,
    pub points: Vec<Point>,
    pub misconceptions: Vec<Wrong>,
}

/// What a phrasing search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    No,
    /// Every word is there, but a negation stands before them.
    Negated,
    /// Every word is there, but said of another subject ("processes share memory").
    Swapped,
    Yes,
}

pub fn compile_phrasing(lex: &mut Lexicon, text: &str) -> Phrasing {
    let negative = pieces(text)
        .iter()
        .any(|p| matches!(p, Piece::Word(w) if is_negation(w)));
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
    // A subject is named by the head (last) word of each of its alternatives.
    let subjects = rubric
        .subjects
        .iter()
        .map(|alts| {
            alts.iter()
                .filter_map(|alt| lex.learn(alt).tokens.last().map(|t| t.term))
                .collect()
        })
        .collect();
    let points = rubric
        .points
        .iter()
        .map(|p| Point {
            text: p.text.clone(),
            weight: p.weight,
            phrasings: p
                .phrasings
                .iter()
                .map(|s| compile_phrasing(lex, s))
                .collect(),
            subject: p.subject,
        })
        .collect();
    let misconceptions = rubric
        .misconceptions
        .iter()
        .map(|m| Wrong {
            text: m.text.clone(),
            penalty: m.penalty,
            phrasings: m
                .phrasings
                .iter()
                .map(|s| compile_phrasing(lex, s))
                .collect(),
        })
        .collect();
    CompiledRubric {
        subjects,
        points,
        misconceptions,
    }
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

/// Which subject a match is said of: the nearest subject named before its last word in the
/// sentence (objects of prepositions and possessors, as in "inside a process" or "the process's
/// memory", do not count), else the first
/// named after it in its clause.
fn bound_subject(a: &Analysis, matched: &[usize], subjects: &[HashSet<Term>]) -> Option<usize> {
    let subject_of = |t: Term| subjects.iter().position(|s| s.contains(&t));
    let &last = matched
        .iter()
        .filter(|&&i| subject_of(a.tokens[i].term).is_none())
        .max()?;
    let at = &a.tokens[last];
    let before = a.tokens[..last]
        .iter()
        .rev()
        .take_while(|t| t.sentence == at.sentence)
        .filter(|t| !t.modifier)
        .find_map(|t| subject_of(t.term));
    before.or_else(|| {
        a.tokens[last + 1..]
            .iter()
            .take_while(|t| t.clause == at.clause)
            .filter(|t| !t.modifier)
            .find_map(|t| subject_of(t.term))
    })
}

/// A point's subject, for checking that a match is said of the right thing.
#[derive(Clone, Copy)]
pub struct Binding<'a> {
    pub subjects: &'a [HashSet<Term>],
    pub subject: usize,
}

/// Looks for a phrasing in one sentence (or, for misconceptions, one clause) of the answer.
pub fn find(
    a: &Analysis,
    occ: &Occurrences,
    p: &Phrasing,
    clause_level: bool,
    binding: Option<Binding>,
) -> Found {
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
        let mut matched = vec![i0];
        for term in &p.terms[1..] {
            let nearest = occ.0.get(term).and_then(|list| {
                list.iter()
                    .map(|&i| &a.tokens[i])
                    .filter(|t| {
                        t.sentence == anchor.sentence
                            && (!clause_level || t.clause == anchor.clause)
                    })
                    .min_by_key(|t| t.pos.abs_diff(anchor.pos))
            });
            match nearest {
                Some(t) => {
                    matched.push(t.pos as usize);
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
        let mut found = match (p.negative, negated) {
            (false, false) | (true, true) => Found::Yes,
            (false, true) => Found::Negated,
            (true, false) => Found::No,
        };
        if let Some(b) = binding {
            match bound_subject(a, &matched, b.subjects) {
                Some(s) if s != b.subject && found == Found::Yes => found = Found::Swapped,
                // Denying it of another subject is no claim about this one.
                Some(s) if s != b.subject => found = Found::No,
                _ => {}
            }
        }
        if found == Found::Yes {
            return Found::Yes;
        }
        if found != Found::No {
            best = found;
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
    /// Points the answer said of the wrong subject.
    pub swapped: Vec<usize>,
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
        let binding = point.subject.map(|subject| Binding {
            subjects: &r.subjects,
            subject,
        });
        let mut found = Found::No;
        for p in &point.phrasings {
            match find(a, &occ, p, false, binding) {
                Found::Yes => {
                    found = Found::Yes;
                    break;
                }
                Found::No => {}
                other => found = other,
            }
        }
        match found {
            Found::Yes => {
                earned += point.weight;
                m.hit.push(i);
            }
            Found::Negated | Found::Swapped => {
                penalty += CONTRADICTION_PENALTY * point.weight / total;
                if found == Found::Swapped {
                    m.swapped.push(i);
                } else {
                    m.contradicted.push(i);
                }
                m.missed.push(i);
            }
            Found::No => m.missed.push(i),
        }
    }
    for (i, w) in r.misconceptions.iter().enumerate() {
        if w.phrasings
            .iter()
            .any(|p| find(a, &occ, p, true, None) == Found::Yes)
        {
            penalty += w.penalty;
            m.misconceptions.push(i);
        }
    }
    m.score = if total > 0.0 {
        (earned / total - penalty).clamp(0.0, 1.0)
    } else {
        0.0
    };
    m
}

/// Phrasings whose every word is already in the prompt: they could never earn anything.
pub fn prompt_only_phrasings(
    r: &CompiledRubric,
    prompt_terms: &HashSet<Term>,
) -> Vec<(String, usize)> {
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
