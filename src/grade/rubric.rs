//! Free-text grading by rubric: which key points an answer expresses, which misconceptions it
//! states, and what a negation near a point does to it.

use super::text::{is_negation, pieces, Analysis, Lexicon, Piece, Term, Token};
use crate::bank::Rubric;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A phrasing compiled to terms.
#[derive(Debug, Clone)]
pub struct Phrasing {
    /// As the author wrote it.
    pub text: String,
    /// Matched on the words' own terms, not their synonym groups (misconceptions).
    pub literal: bool,
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
    pub subject: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct CompiledRubric {
    /// The terms that name each subject of a comparison.
    pub subjects: Vec<HashSet<Term>>,
    pub points: Vec<Point>,
    pub misconceptions: Vec<Wrong>,
    /// A list of the items the prompt asks for is a full answer (`Rubric::enumerates`).
    pub enumerates: bool,
}

/// What a phrasing search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    No,
    /// Every word is there, but a negation stands before them.
    Negated,
    /// Every word is there, but said of another subject ("processes share memory").
    Swapped,
    /// A misconception's words are there, but inside a contrast or concession.
    Contrast,
    /// A misconception's words are there, but said of another subject than its own.
    OtherSubject,
    Yes,
}

pub fn compile_phrasing(lex: &mut Lexicon, text: &str, literal: bool) -> Phrasing {
    let analysis = lex.learn(text);
    // A negation that a synonym phrase takes in ("not stable" = "unstable") leaves the
    // phrasing positive.
    let negative = pieces(text)
        .iter()
        .any(|p| matches!(p, Piece::Word(w) if is_negation(w)))
        && analysis.tokens.iter().any(|t| t.negated);
    let mut terms: Vec<Term> = Vec::new();
    for t in analysis.tokens {
        let term = if literal { t.literal } else { t.term };
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    Phrasing {
        text: text.to_string(),
        literal,
        terms,
        negative,
    }
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
                .map(|s| compile_phrasing(lex, s, false))
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
                .map(|s| compile_phrasing(lex, s, true))
                .collect(),
            subject: m.subject,
        })
        .collect();
    CompiledRubric {
        subjects,
        points,
        misconceptions,
        enumerates: rubric.enumerates,
    }
}

/// How far apart (in content words) the words of a phrasing may stand.
fn window(len: usize) -> u32 {
    2 * len.saturating_sub(1) as u32 + 2
}

/// Where each term, and each literal term, occurs in an answer.
pub struct Occurrences {
    terms: HashMap<Term, Vec<usize>>,
    literal: HashMap<Term, Vec<usize>>,
}

impl Occurrences {
    pub fn of(a: &Analysis) -> Occurrences {
        let n = a.tokens.len();
        let mut terms: HashMap<Term, Vec<usize>> =
            HashMap::with_capacity_and_hasher(n, Default::default());
        let mut literal: HashMap<Term, Vec<usize>> =
            HashMap::with_capacity_and_hasher(n, Default::default());
        for (i, t) in a.tokens.iter().enumerate() {
            terms.entry(t.term).or_default().push(i);
            literal.entry(t.literal).or_default().push(i);
        }
        Occurrences { terms, literal }
    }
}

/// Which subject the word at `i` is said of: in its clause, the nearest subject named before
/// it (or a pronoun standing for one), else the first after it; failing that, the nearest named
/// earlier in the sentence. Objects of prepositions and possessors ("inside a process", "the
/// process's memory", "threads of the same process") do not count, nor the words in `skip`.
/// The second value says whether the subject was named in the word's own clause (or through a
/// pronoun): only then is a point said of another subject a swap.
fn subject_at(
    a: &Analysis,
    i: usize,
    skip: &[usize],
    subjects: &[HashSet<Term>],
) -> Option<(usize, bool)> {
    let subject_of = |t: Term| subjects.iter().position(|s| s.contains(&t));
    let at = &a.tokens[i];
    let candidate = |t: &&Token| !t.modifier && !skip.contains(&(t.pos as usize));
    let before = || {
        a.tokens[..i]
            .iter()
            .rev()
            .take_while(|t| t.sentence == at.sentence)
    };
    let in_clause_before = before()
        .take_while(|t| t.clause == at.clause)
        .filter(candidate)
        .find_map(|t| subject_of(t.term).map(|s| (t.pos, s)));
    // A pronoun after the last subject named in the clause stands for the subject named before
    // it: "Processes are isolated; they ...", "A thread lives in a process. It ...".
    let pronoun = a
        .pronouns
        .iter()
        .rev()
        .find(|p| p.clause == at.clause && p.pos <= at.pos)
        .filter(|p| in_clause_before.is_none_or(|(pos, _)| p.pos > pos));
    if let Some(p) = pronoun {
        // "Unlike processes, which are isolated, they ...": set against one of two subjects,
        // the pronoun is the other.
        let contrasted = a
            .set_off
            .iter()
            .map(|&i| &a.tokens[i])
            .filter(|t| t.sentence == p.sentence && t.pos < p.pos)
            .find_map(|t| subject_of(t.term));
        if let (Some(c), 2) = (contrasted, subjects.len()) {
            return Some((1 - c, true));
        }
        let earlier = || {
            a.tokens
                .iter()
                .rev()
                .filter(|t| t.pos < p.pos && !t.contrast)
        };
        let named = earlier()
            .filter(|t| !t.modifier)
            .find_map(|t| subject_of(t.term))
            .or_else(|| earlier().find_map(|t| subject_of(t.term)));
        if let Some(named) = named {
            return Some((named, true));
        }
    }
    // "Unlike Postgres, which scales out, ...": a relative clause is said of the noun before it.
    if in_clause_before.is_none() && a.relative_clauses.contains(&at.clause) {
        let antecedent = a.tokens[..i]
            .iter()
            .rev()
            .skip_while(|t| t.clause == at.clause)
            .take_while(|t| t.clause + 1 == at.clause)
            .find_map(|t| subject_of(t.term));
        if let Some(s) = antecedent {
            return Some((s, true));
        }
    }
    // "lake: raw, cheap": a note's words are said of its heading.
    if in_clause_before.is_none() {
        let heading = a
            .headings
            .iter()
            .rev()
            .map(|&h| &a.tokens[h])
            .find(|h| h.sentence == at.sentence && h.pos < at.pos);
        if let Some(s) = heading.and_then(|h| subject_of(h.term)) {
            return Some((s, true));
        }
    }
    let in_clause_after = || {
        a.tokens[i + 1..]
            .iter()
            .take_while(|t| t.clause == at.clause)
            .filter(candidate)
            .find_map(|t| subject_of(t.term))
    };
    let earlier = || before().filter(candidate).find_map(|t| subject_of(t.term));
    in_clause_before
        .map(|(_, s)| s)
        .or_else(in_clause_after)
        .map(|s| (s, true))
        .or_else(|| earlier().map(|s| (s, false)))
}

/// The subject a sentence goes on about where it opens without naming one: the last one the
/// sentence before it named ("The process is the cooking. Not a file on disk but a running
/// instance."). Only asked for a word that no subject of its own clause or of the words before
/// it binds.
fn carried_subject(
    a: &Analysis,
    i: usize,
    skip: &[usize],
    subjects: &[HashSet<Term>],
) -> Option<usize> {
    let subject_of = |t: Term| subjects.iter().position(|s| s.contains(&t));
    let at = &a.tokens[i];
    let candidate = |t: &&Token| !t.modifier && !skip.contains(&(t.pos as usize));
    a.tokens[..i]
        .iter()
        .rev()
        .skip_while(|t| t.sentence == at.sentence)
        .take_while(|t| t.sentence + 1 == at.sentence)
        .filter(candidate)
        .find_map(|t| subject_of(t.term))
}

/// A phrase's subject check.
#[derive(Clone, Copy)]
pub struct Binding<'a> {
    pub subjects: &'a [HashSet<Term>],
    /// The subject the phrase must be said of.
    pub subject: usize,
    /// Whether subject words inside the match may name the subject: yes for a misconception
    /// that names its subject ("warehouse stores unstructured data"), no for a key point, whose
    /// subject words qualify the phrase ("the encoder output").
    pub own_words_name_it: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    /// No subject is named: the phrase stands.
    Unnamed,
    Own,
    Other,
    /// Part of it is said of one subject and part of another: no claim either way.
    Mixed,
    /// Said in a sentence that names no subject, after one that ended on another subject: too
    /// loose to call a swap, but a denial there is of that other subject.
    Carried,
}

/// Checks every word of a match that is not itself a subject word: all must be said of the
/// expected subject (or of none).
fn bound(a: &Analysis, matched: &[usize], b: Binding) -> Bound {
    let is_subject = |t: Term| b.subjects.iter().any(|s| s.contains(&t));
    let skip: &[usize] = if b.own_words_name_it { &[] } else { matched };
    let (mut own, mut other, mut carried) = (false, false, false);
    for &i in matched.iter().filter(|&&i| !is_subject(a.tokens[i].term)) {
        match subject_at(a, i, skip, b.subjects) {
            Some((s, _)) if s == b.subject => own = true,
            // Named only in an earlier clause ("major, minor, patch, breaking changes"): too
            // far to call it a swap.
            Some((_, true)) => other = true,
            Some((_, false)) => {}
            None => {
                carried |= carried_subject(a, i, skip, b.subjects).is_some_and(|s| s != b.subject)
            }
        }
    }
    match (own, other) {
        (false, false) if carried => Bound::Carried,
        (false, false) => Bound::Unnamed,
        (true, false) => Bound::Own,
        (false, true) => Bound::Other,
        (true, true) => Bound::Mixed,
    }
}

/// Looks for a phrasing in one sentence of the answer, or, for a misconception, in one clause and
/// in the phrasing's word order. Returns what was found and the answer's tokens that matched.
pub fn find(
    a: &Analysis,
    occ: &Occurrences,
    p: &Phrasing,
    clause_level: bool,
    binding: Option<Binding>,
) -> (Found, Vec<usize>) {
    let map = if p.literal { &occ.literal } else { &occ.terms };
    let term_of = |t: &Token| if p.literal { t.literal } else { t.term };
    let Some(first) = p.terms.first().and_then(|t| map.get(t)) else {
        return (Found::No, vec![]);
    };
    let mut best = (Found::No, vec![]);
    for &i0 in first {
        let anchor = &a.tokens[i0];
        let mut lo = anchor.pos;
        let mut hi = anchor.pos;
        let mut negated = anchor.negated;
        let mut contrast = anchor.contrast;
        let mut complete = true;
        let mut matched = vec![i0];
        for term in &p.terms[1..] {
            // The nearest occurrence, preferring the anchor's own clause; for a misconception,
            // whose words come in order, the nearest after the word matched before it.
            let last = *matched.last().expect("the anchor is matched") as u32;
            let nearest = map.get(term).and_then(|list| {
                list.iter()
                    .map(|&i| &a.tokens[i])
                    .filter(|t| {
                        t.sentence == anchor.sentence
                            && (!clause_level || (t.clause == anchor.clause && t.pos > last))
                            && term_of(t) == *term
                    })
                    .min_by_key(|t| {
                        let from = if clause_level { last } else { anchor.pos };
                        (t.clause != anchor.clause, t.pos.abs_diff(from))
                    })
            });
            match nearest {
                Some(t) => {
                    matched.push(t.pos as usize);
                    lo = lo.min(t.pos);
                    hi = hi.max(t.pos);
                    // A negation negates its own clause: a word borrowed from another clause
                    // ("processes don't share memory; threads do share it") brings none.
                    negated |= t.negated && t.clause == anchor.clause;
                    contrast |= t.contrast;
                }
                None => {
                    complete = false;
                    break;
                }
            }
        }
        // A misconception is a claim whose word order matters ("10 before 2" is not "2 before
        // 10"): its words must stand in the phrasing's order.
        let in_order = !clause_level || matched.windows(2).all(|w| w[0] < w[1]);
        if !complete || !in_order || hi - lo > window(p.terms.len()) {
            continue;
        }
        let mut found = match (p.negative, negated) {
            (false, false) | (true, true) => Found::Yes,
            (false, true) => Found::Negated,
            (true, false) => Found::No,
        };
        if let Some(b) = binding {
            // The subject is read in the clause that holds the anchor.
            let own: Vec<usize> = matched
                .iter()
                .copied()
                .filter(|&i| a.tokens[i].clause == anchor.clause)
                .collect();
            match bound(a, &own, b) {
                Bound::Other if found == Found::Yes => found = Found::Swapped,
                // Denying it of another subject is no claim about this one.
                Bound::Other | Bound::Mixed => found = Found::No,
                Bound::Carried if found == Found::Negated => found = Found::No,
                Bound::Own | Bound::Unnamed | Bound::Carried => {}
            }
        }
        // A misconception set against the claim ("unlike X, which ...") is not stated.
        if clause_level && contrast && found == Found::Yes {
            found = Found::Contrast;
        }
        if found == Found::Yes {
            return (Found::Yes, matched);
        }
        if found != Found::No && (best.0 == Found::No || found == Found::Swapped) {
            best = (found, matched);
        }
    }
    best
}

/// Which phrasing of a key point or misconception was found, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub found: Found,
    /// The index of the phrasing that decided it.
    pub phrasing: usize,
    /// The answer's tokens that matched it.
    pub tokens: Vec<usize>,
}

impl Finding {
    fn none() -> Finding {
        Finding {
            found: Found::No,
            phrasing: 0,
            tokens: vec![],
        }
    }
}

/// The best finding among a group of phrasings: found beats swapped beats negated or in a
/// contrast beats nothing.
fn best_of(
    a: &Analysis,
    occ: &Occurrences,
    phrasings: &[Phrasing],
    clause_level: bool,
    binding: Option<Binding>,
) -> Finding {
    let rank = |f: Found| match f {
        Found::Yes => 4,
        Found::Swapped => 3,
        Found::Negated | Found::Contrast | Found::OtherSubject => 2,
        Found::No => 0,
    };
    let mut best = Finding::none();
    for (k, p) in phrasings.iter().enumerate() {
        let (found, tokens) = find(a, occ, p, clause_level, binding);
        if rank(found) > rank(best.found) {
            best = Finding {
                found,
                phrasing: k,
                tokens,
            };
            if found == Found::Yes {
                break;
            }
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
    /// For each key point, then each misconception, what decided it.
    pub points: Vec<Finding>,
    pub wrongs: Vec<Finding>,
    pub score: f64,
    /// The share of the weight that the points hit carry.
    pub hit_share: f64,
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
            own_words_name_it: false,
        });
        let finding = best_of(a, &occ, &point.phrasings, false, binding);
        match finding.found {
            Found::Yes => {
                earned += point.weight;
                m.hit.push(i);
            }
            Found::Negated | Found::Swapped => {
                penalty += CONTRADICTION_PENALTY * point.weight / total;
                if finding.found == Found::Swapped {
                    m.swapped.push(i);
                } else {
                    m.contradicted.push(i);
                }
                m.missed.push(i);
            }
            _ => m.missed.push(i),
        }
        m.points.push(finding);
    }
    for (i, w) in r.misconceptions.iter().enumerate() {
        let binding = w.subject.map(|subject| Binding {
            subjects: &r.subjects,
            subject,
            own_words_name_it: true,
        });
        let mut finding = best_of(a, &occ, &w.phrasings, true, binding);
        if finding.found == Found::Swapped {
            // Said of another subject: that may well be true of it.
            finding.found = Found::OtherSubject;
        }
        if finding.found == Found::Yes {
            penalty += w.penalty;
            m.misconceptions.push(i);
        }
        m.wrongs.push(finding);
    }
    m.hit_share = if total > 0.0 { earned / total } else { 0.0 };
    m.score = if total > 0.0 {
        (earned / total - penalty).clamp(0.0, 1.0)
    } else {
        0.0
    };
    m
}

/// Whether the answer says some key point *of* a subject: a subject named in the clause before
/// the words that matched ("processes own memory"), or any word there when the rubric names no
/// subjects. Terse notes like that are claims, however
/// few small words they use; a keyword list is not.
pub fn states_a_claim(r: &CompiledRubric, a: &Analysis, m: &Marking) -> bool {
    m.hit.iter().any(|&i| {
        let f = &m.points[i];
        let Some(&first) = f.tokens.iter().min() else {
            return false;
        };
        let at = &a.tokens[first];
        a.tokens[..first]
            .iter()
            .rev()
            .take_while(|t| t.clause == at.clause)
            .any(|t| {
                // Without subjects in the rubric, any word before the match is its subject.
                !t.modifier
                    && (r.subjects.is_empty() || r.subjects.iter().any(|s| s.contains(&t.term)))
            })
    })
}

/// Why a phrasing says less than it seems to, if it does: it has only small words, or it
/// repeats one word ("word by word" is just "word"). A phrasal verb that keeps one word
/// ("catch up") is fine: the word is what it matches.
pub fn shrinks(lex: &Lexicon, text: &str) -> Option<String> {
    use super::text::is_stop_word;
    let content: Vec<String> = pieces(text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Word(w) if !is_negation(&w) && !is_stop_word(&w) => Some(w),
            _ => None,
        })
        .collect();
    let distinct: HashSet<Term> = lex.analyse(text).tokens.iter().map(|t| t.term).collect();
    if distinct.is_empty() {
        return Some("has only small words (the, as, is, ...), so it matches nothing".into());
    }
    let repeated =
        content.len() >= 2 && distinct.len() == 1 && content.iter().all(|w| *w == content[0]);
    repeated.then(|| format!("repeats one word, so it is just `{}`", content[0]))
}

impl CompiledRubric {
    /// Each key point's and misconception's phrasings, labelled for messages to authors.
    pub fn phrasing_groups(&self) -> impl Iterator<Item = (String, &[Phrasing])> {
        let points = self
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("key point {}", i + 1), p.phrasings.as_slice()));
        let wrong = self
            .misconceptions
            .iter()
            .enumerate()
            .map(|(i, m)| (format!("misconception {}", i + 1), m.phrasings.as_slice()));
        points.chain(wrong)
    }
}
