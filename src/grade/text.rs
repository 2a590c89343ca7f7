//! Text normalisation shared by every grader: folding, tokens, stems, synonyms, typo tolerance.
//!
//! An answer becomes a list of [`Token`]s. Each content word carries a *term*: its stem, mapped
//! through the bank's synonym groups to one canonical term, so `shares`, `sharing` and `common`
//! all become the same term. Function words are dropped but counted (a keyword list has none);
//! negations are kept as flags because they flip the meaning of what follows.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

use super::words::*;

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

pub fn is_stop_word(w: &str) -> bool {
    STOP_WORDS.contains(&w)
}

pub fn is_negation(w: &str) -> bool {
    NEGATIONS.contains(&w)
}

/// Case and accents folded (NFKD, marks dropped), typographic quotes made plain.
pub fn fold(s: &str) -> String {
    // Most answers are plain ASCII, which NFKD leaves as it is.
    if s.is_ascii() {
        return s
            .bytes()
            .map(|b| match b {
                b'`' => '\'',
                b => b.to_ascii_lowercase() as char,
            })
            .collect();
    }
    plain(s).chars().flat_map(char::to_lowercase).collect()
}

/// Accents dropped (NFKD, marks removed) and typographic quotes made plain; case kept.
pub fn plain(s: &str) -> String {
    s.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            _ => c,
        })
        .collect()
}

/// Raw words of folded text, with `n't` split off as `not` and sentence and clause ends marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Word(String),
    /// `.`, `!`, `?`, a new line: the end of a sentence.
    SentenceEnd,
    /// `,`, `;`, a dash, or a word such as `whereas`.
    ClauseEnd,
    /// `:`: the end of a clause, and of a note's heading when the words before it are few
    /// ("lake: raw, cheap").
    Colon,
    /// The word before was a possessor: `process's`, `threads'`.
    Possessive,
}

pub fn pieces(text: &str) -> Vec<Piece> {
    spanned_pieces(text).into_iter().map(|(p, _)| p).collect()
}

/// Where a piece stands in the folded text, in characters (see [`normalised`]).
pub type Span = (u32, u32);

/// The text that token spans index into: the answer folded (case, accents, quotes).
pub fn normalised(text: &str) -> Vec<char> {
    fold(text).chars().collect()
}

/// As [`pieces`], each with its span in [`normalised`] text. Chat shorthand is read as the
/// words it stands for: `r` as `are`, `b/c` as `because`, `w/` as `with`, `&` as `and`.
pub fn spanned_pieces(text: &str) -> Vec<(Piece, Span)> {
    let folded = fold(text);
    let mut out: Vec<(Piece, Span)> = Vec::new();
    let mut word = String::new();
    let mut start = 0u32;
    let flush = |word: &mut String,
                 start: u32,
                 end: u32,
                 between_words: bool,
                 out: &mut Vec<(Piece, Span)>| {
        if word.is_empty() {
            return;
        }
        let span = (start, end);
        let w = std::mem::take(word);
        let plural_possessive = w.ends_with("s'");
        let w = w.trim_matches('\'');
        let w = CHAT
            .iter()
            .find(|(c, _)| *c == w)
            .map_or(w, |(_, full)| *full);
        // "cheaper 2 create", "threads 4 spellcheck": a lone 2 or 4 between words is chat.
        // "all on 1 thread": a lone 1 between words is the word one.
        let w = match (w, between_words) {
            ("1", true) => "one",
            ("2", true) => "to",
            ("4", true) => "for",
            _ => w,
        };
        let mut push = |p: Piece| out.push((p, span));
        if let Some(base) = APOSTROPHE_LESS_NOT
            .iter()
            .find(|(c, _)| *c == w)
            .map(|(_, b)| *b)
        {
            push(Piece::Word(base.to_string()));
            push(Piece::Word("not".into()));
        } else if let Some(stem) = w.strip_suffix("n't") {
            let stem = match stem {
                "ca" => "can",
                "wo" => "will",
                "sha" => "shall",
                s => s,
            };
            if !stem.is_empty() {
                push(Piece::Word(stem.to_string()));
            }
            push(Piece::Word("not".into()));
        } else if let Some(base) = w
            .strip_suffix("'s")
            .or_else(|| w.strip_suffix("'re"))
            .or_else(|| w.strip_suffix("'ll"))
            .or_else(|| w.strip_suffix("'ve"))
            .or_else(|| w.strip_suffix("'d"))
        {
            if !base.is_empty() {
                push(Piece::Word(base.to_string()));
                let contraction = [
                    "it", "that", "what", "there", "he", "she", "who", "here", "let",
                ];
                if w.ends_with("'s") && !contraction.contains(&base) {
                    push(Piece::Possessive);
                }
            }
        } else if !w.is_empty() {
            if CLAUSE_BREAKS.contains(&w) {
                push(Piece::ClauseEnd);
            }
            for part in w.split(' ') {
                push(Piece::Word(part.to_string()));
            }
            if plural_possessive {
                push(Piece::Possessive);
            }
        }
    };
    let chars: Vec<char> = folded.chars().collect();
    let alnum = |i: usize| chars.get(i).is_some_and(|c| c.is_alphanumeric());
    // A word standing between two letters' words, one space either side ("cheaper 2 create").
    let between = |start: u32, end: u32| {
        let (s, e) = (start as usize, end as usize);
        s >= 2
            && chars[s - 1] == ' '
            && chars[s - 2].is_alphabetic()
            && chars.get(e) == Some(&' ')
            && chars.get(e + 1).is_some_and(|c| c.is_alphabetic())
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i as u32;
        let next_is_alnum = alnum(i + 1);
        let prev_is_alnum = i > 0 && alnum(i - 1);
        if c == '/' && (word == "b" || word == "w") {
            // `b/c`, `w/o`, `w/`: chat shorthand for because, without, with.
            let shorthand = match (word.as_str(), chars.get(i + 1)) {
                ("b", Some('c')) if !alnum(i + 2) => Some(("because", 2)),
                ("w", Some('o')) if !alnum(i + 2) => Some(("without", 2)),
                ("w", _) if !next_is_alnum => Some(("with", 1)),
                _ => None,
            };
            if let Some((full, skip)) = shorthand {
                word = full.to_string();
                i += skip;
                flush(&mut word, start, i as u32, false, &mut out);
                continue;
            }
        }
        if c.is_alphanumeric() || (c == '\'' && prev_is_alnum && next_is_alnum) {
            if word.is_empty() {
                start = at;
            }
            word.push(c);
        } else if (c == '.' || c == '-' || c == '+' || c == '_') && prev_is_alnum && next_is_alnum {
            // Inside a word: `1.0.0`, `e.g`, `multi-head`, `add_norm`.
            if c == '-' && word == "non" {
                // "non-relational" is one word, the opposite of "relational".
            } else if c == '-' || c == '_' {
                flush(&mut word, start, at, between(start, at), &mut out);
            } else {
                word.push(c);
            }
        } else {
            flush(&mut word, start, at, between(start, at), &mut out);
            match c {
                '.' | '!' | '?' | '\n' => out.push((Piece::SentenceEnd, (at, at + 1))),
                ',' | ';' | '(' | ')' | '\u{2013}' | '\u{2014}' | '-' => {
                    out.push((Piece::ClauseEnd, (at, at + 1)))
                }
                ':' => out.push((Piece::Colon, (at, at + 1))),
                '&' => out.push((Piece::Word("and".into()), (at, at + 1))),
                // "process = the program running": the sign reads as "is".
                '=' if chars.get(i + 1) != Some(&'=') && i > 0 && chars[i - 1] != '=' => {
                    out.push((Piece::Word("is".into()), (at, at + 1)))
                }
                _ => {}
            }
        }
        i += 1;
    }
    flush(&mut word, start, chars.len() as u32, false, &mut out);
    out
}

pub fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// A term id: words with the same stem, or in the same synonym group, share one.
pub type Term = u32;

/// Terms at or above this are words the lexicon does not know, numbered per analysis.
const UNKNOWN: Term = 1 << 31;

/// The bank's vocabulary of terms, its synonyms, and the index used to forgive typos.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    /// Stem sequence of a synonym entry of several words → its canonical and literal terms.
    phrases: HashMap<Vec<String>, (Term, Term)>,
    longest_phrase: usize,
    terms: HashMap<String, Term>,
    names: Vec<String>,
    /// Stems (or stem sequences of a synonym phrase) → their literal term, for misconceptions.
    literals: HashMap<String, Term>,
    /// Single-deletion variants of known words of five letters or more → (word, term, literal).
    fuzzy: HashMap<String, Vec<(String, Term, Term)>>,
    /// The stems of the words of every learned text: answers mostly use the bank's words, and a
    /// look-up costs far less than the stemmer.
    stems: HashMap<String, String>,
}

/// One content word of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub term: Term,
    pub sentence: u32,
    pub clause: u32,
    /// Position among the content words of the whole text.
    pub pos: u32,
    /// A negation stands shortly before it in the same clause.
    pub negated: bool,
    /// It modifies another word: the object of a preposition ("inside a process"), a possessor
    /// ("the process's memory") or a complement ("is that program"), so it is not what the clause
    /// is about.
    pub modifier: bool,
    /// Inside a contrast or a concession ("unlike X, which ...", "rather than ...", "it can
    /// still crash, but ..."): what is set against the claim, not the claim.
    pub contrast: bool,
    /// The word's own term, before synonym groups: misconceptions match on it, so a synonym
    /// never turns a misconception into something the answer did not say.
    pub literal: Term,
    /// Where the word stands in the [`normalised`] text.
    pub span: Span,
}

/// A pronoun that may stand for a subject named earlier ("they", "it").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pronoun {
    pub sentence: u32,
    pub clause: u32,
    /// The position the next content word takes: the pronoun stands just before it.
    pub pos: u32,
}

/// An analysed text.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub tokens: Vec<Token>,
    /// Every word, content or not.
    pub words: usize,
    /// Stop words and negations: a sentence has them, a keyword list hardly any.
    pub function_words: usize,
    pub sentences: u32,
    pub pronouns: Vec<Pronoun>,
    /// Tokens set off by "unlike", "versus" or "compared to": a pronoun after them in their
    /// sentence stands for the other thing ("Unlike processes, they share memory").
    pub set_off: Vec<usize>,
    /// Clauses that open with "which", "who" or "that": their subject is the noun before them.
    pub relative_clauses: Vec<u32>,
    /// The headings of notes ("lake: raw, cheap. warehouse: curated"), each as the index of its
    /// last word: the rest of its sentence, up to the next heading, is said of that word.
    pub headings: Vec<usize>,
}

/// The most words a note's heading has ("data lake:", "the OS thread:").
const HEADING_WORDS: usize = 3;

/// The heading that the clause `clause` of `sentence`, a few words long, makes when a colon ends
/// it: it opens its sentence, or follows another heading's note in it ("process: PID; thread:
/// stack"). Returns the index of its last content word.
fn heading(a: &Analysis, sentence: u32, clause: u32) -> Option<usize> {
    let mut in_sentence = a.tokens.iter().rev().take_while(|t| t.sentence == sentence);
    let names = in_sentence.clone().any(|t| t.clause == clause);
    let opens = in_sentence.all(|t| t.clause == clause)
        || a.headings
            .last()
            .is_some_and(|&h| a.tokens[h].sentence == sentence);
    (names && opens).then(|| a.tokens.len() - 1)
}

impl Analysis {
    pub fn is_known(term: Term) -> bool {
        term < UNKNOWN
    }
}

/// How many content words after a negation it still reaches.
pub const NEGATION_REACH: u32 = 3;
/// "without" and "no" negate their object, not the rest of the clause ("without the mask the
/// decoder could copy" says nothing against "the decoder").
pub const SHORT_NEGATION_REACH: u32 = 1;

fn reach_of(negation: &str) -> u32 {
    match negation {
        "without" | "lack" | "lacks" | "lacking" | "nothing" | "none" | "nobody" => {
            SHORT_NEGATION_REACH
        }
        // "no extra technical detail": "no" denies its noun phrase.
        "no" => SHORT_NEGATION_REACH + 1,
        _ => NEGATION_REACH,
    }
}

fn words_of(text: &str) -> impl Iterator<Item = String> {
    pieces(text).into_iter().filter_map(|p| match p {
        Piece::Word(w) => Some(w),
        _ => None,
    })
}

impl Lexicon {
    /// A lexicon over the bank's synonym groups. `groups` join words of one meaning, for key
    /// points only; `spellings` join spellings of one word (`normalise`, `normalize`), for
    /// misconceptions too.
    pub fn new(groups: &[Vec<String>], spellings: &[Vec<String>]) -> Lexicon {
        let mut lex = Lexicon::default();
        for (group, spelling) in groups
            .iter()
            .map(|g| (g, false))
            .chain(spellings.iter().map(|g| (g, true)))
        {
            let canonical: Vec<String> = words_of(&group[0]).map(|w| stem(&w)).collect();
            let term = lex.intern(&canonical.join(" "));
            let shared_literal = lex.intern_literal(&canonical.join(" "));
            for entry in group {
                let stems: Vec<String> = words_of(entry).map(|w| stem(&w)).collect();
                let literal = if spelling {
                    lex.literals.insert(stems.join(" "), shared_literal);
                    shared_literal
                } else {
                    lex.intern_literal(&stems.join(" "))
                };
                match stems.len() {
                    0 => {}
                    1 => {
                        lex.terms.insert(stems[0].clone(), term);
                    }
                    n => {
                        lex.longest_phrase = lex.longest_phrase.max(n);
                        lex.phrases.insert(stems, (term, literal));
                    }
                }
            }
        }
        lex
    }

    fn intern(&mut self, stem: &str) -> Term {
        intern_in(&mut self.terms, &mut self.names, stem)
    }

    fn intern_literal(&mut self, key: &str) -> Term {
        intern_in(&mut self.literals, &mut self.names, key)
    }

    /// Adds the words of a text (a phrasing, a prompt, a model answer) to the vocabulary, so that
    /// answers match them, typos included. Returns the text's analysis.
    pub fn learn(&mut self, text: &str) -> Analysis {
        for w in words_of(text) {
            if !self.stems.contains_key(&w) {
                self.stems.insert(w.clone(), stem(&w));
            }
            if is_stop_word(&w) || is_negation(&w) {
                continue;
            }
            let s = stem(&w);
            let term = match self.terms.get(&s) {
                Some(&t) => t,
                None => self.intern(&s),
            };
            let literal = self.intern_literal(&s);
            if w.chars().count() >= 5 {
                // The word and its stem, so that "featuers" finds "features" and "feature".
                for form in [w.clone(), s.clone()] {
                    for variant in deletions(&form).chain(std::iter::once(form.clone())) {
                        let entry = self.fuzzy.entry(variant).or_default();
                        if !entry.iter().any(|(x, _, _)| *x == form) {
                            entry.push((form.clone(), term, literal));
                        }
                    }
                }
            }
        }
        self.analyse(text)
    }

    pub fn name(&self, t: Term) -> &str {
        self.names.get(t as usize).map_or("?", |s| s.as_str())
    }

    /// The term and literal term of one word: by stem and synonyms, else as a typo of a known
    /// word, preferring the words of `prefer` (the question's own) over the rest of the bank's.
    fn lookup(&self, word: &str, s: &str, prefer: Option<&HashSet<Term>>) -> Option<(Term, Term)> {
        if let Some(&t) = self.terms.get(s) {
            let literal = self.literals.get(s).copied().unwrap_or(t);
            return Some((t, literal));
        }
        let n = word.chars().count();
        if n < 5 {
            return None;
        }
        let limit = if n >= 9 { 2 } else { 1 };
        // Ranked by: outside the preferred words, then edit distance.
        let mut best: Option<((bool, usize), (Term, Term))> = None;
        for form in [word, s] {
            for variant in deletions(form).chain(std::iter::once(form.to_string())) {
                for (known, term, literal) in self.fuzzy.get(&variant).into_iter().flatten() {
                    // Short words must be spelt right, as known words too ("waste" is no
                    // typo of "past").
                    if known.chars().count() < 5 {
                        continue;
                    }
                    let d = strsim::damerau_levenshtein(form, known);
                    let rank = (prefer.is_some_and(|p| !p.contains(term)), d);
                    if d <= limit && best.is_none_or(|(b, _)| rank < b) {
                        best = Some((rank, (*term, *literal)));
                    }
                }
            }
        }
        best.map(|(_, t)| t)
    }

    /// The longest synonym phrase starting at `stems[0]`, as (its length in words, its term,
    /// its literal term).
    fn phrase_at(&self, stems: &[String]) -> Option<(usize, Term, Term)> {
        let max = self.longest_phrase.min(stems.len());
        (2..=max)
            .rev()
            .find_map(|len| self.phrases.get(&stems[..len]).map(|&(t, l)| (len, t, l)))
    }

    /// Splits a text into content tokens with their sentence, clause and negation.
    pub fn analyse(&self, text: &str) -> Analysis {
        self.analyse_preferring(text, None)
    }

    /// As `analyse`, resolving typos to the words of `prefer` where they fit.
    pub fn analyse_preferring(&self, text: &str, prefer: Option<&HashSet<Term>>) -> Analysis {
        let mut analysis = Analysis::default();
        let mut unknown: HashMap<String, Term> = HashMap::default();
        let (mut sentence, mut clause, mut pos) = (0u32, 0u32, 0u32);
        // Where the last negation stood (in content words) and how many words it reaches.
        let mut negation_at: Option<(u32, u32)> = None;
        // How many more content words belong to the noun phrase after a preposition.
        let mut modifier = 0u32;
        let mut in_sentence = false;
        // The word count where the current clause began.
        let mut clause_from = 0usize;
        let mut mood = ClauseMood::new();
        let all = spanned_pieces(text);
        let mut p = 0;
        // The next content word is set off by "unlike" or "versus".
        let mut set_off_next = false;
        while p < all.len() {
            match &all[p].0 {
                Piece::SentenceEnd => {
                    clause_from = analysis.words;
                    if in_sentence {
                        sentence += 1;
                        clause += 1;
                        in_sentence = false;
                    }
                    negation_at = None;
                    modifier = 0;
                    mood.next_sentence();
                    p += 1;
                    continue;
                }
                Piece::Colon | Piece::ClauseEnd => {
                    let words = analysis.words - clause_from;
                    if all[p].0 == Piece::Colon && words <= HEADING_WORDS {
                        if let Some(h) = heading(&analysis, sentence, clause) {
                            analysis.headings.push(h);
                        }
                    }
                    clause_from = analysis.words;
                    clause += 1;
                    negation_at = None;
                    modifier = 0;
                    mood.next_clause();
                    p += 1;
                    continue;
                }
                Piece::Possessive => {
                    if let Some(t) = analysis.tokens.last_mut() {
                        t.modifier = true;
                    }
                    p += 1;
                    continue;
                }
                Piece::Word(_) => {}
            }
            // A run of words up to the next boundary: synonym phrases never cross one.
            let run_end = all[p..]
                .iter()
                .position(|x| !matches!(x.0, Piece::Word(_)))
                .map_or(all.len(), |k| p + k);
            let words: Vec<(&str, Span)> = all[p..run_end]
                .iter()
                .map(|x| match &x.0 {
                    Piece::Word(w) => (w.as_str(), x.1),
                    _ => unreachable!("a run holds words only"),
                })
                .collect();
            // Each word is stemmed once: phrases and look-ups share the stems.
            let stems: Vec<String> = words
                .iter()
                .map(|(w, _)| self.stems.get(*w).cloned().unwrap_or_else(|| stem(w)))
                .collect();
            let mut i = 0;
            while i < words.len() {
                in_sentence = true;
                let (w, span) = words[i];
                if mood.start {
                    mood.start = false;
                    if RELATIVES.contains(&w) {
                        analysis.relative_clauses.push(clause);
                    }
                    if mood.contrast_before && RELATIVES.contains(&w) {
                        mood.contrast = true;
                    }
                    if mood.concessive_before && CONCESSION_ANSWERS.contains(&w) {
                        // The clause before conceded something: it is not the claim.
                        let conceded = clause - 1;
                        for t in analysis.tokens.iter_mut().rev() {
                            if t.clause < conceded {
                                break;
                            }
                            if t.clause == conceded {
                                t.contrast = true;
                            }
                        }
                    }
                }
                // "instead of X" sets X against the claim; a bare "instead" does not.
                let next = words.get(i + 1).map(|(n, _)| *n);
                // "wait for X" sets X against the claim as advice; "make them wait" does not.
                let opens = match w {
                    "instead" => next == Some("of"),
                    "wait" => matches!(next, Some("for" | "until" | "till")),
                    _ => true,
                };
                if CONTRAST_MARKERS.contains(&w) && opens {
                    mood.contrast = true;
                }
                if CONCESSIVE.contains(&w) {
                    mood.concessive = true;
                }
                if SET_OFF.contains(&w) {
                    set_off_next = true;
                }
                let reach = |n: Option<(u32, u32)>| n.is_some_and(|(at, reach)| pos - at < reach);
                if let Some((len, term, literal)) = self.phrase_at(&stems[i..]) {
                    let own_negation = words[i..i + len].iter().any(|(w, _)| is_negation(w));
                    let negated = reach(negation_at) && !own_negation;
                    analysis.tokens.push(Token {
                        term,
                        sentence,
                        clause,
                        pos,
                        negated,
                        modifier: modifier > 0,
                        contrast: mood.contrast,
                        literal,
                        span: (span.0, words[i + len - 1].1 .1),
                    });
                    if std::mem::take(&mut set_off_next) {
                        analysis.set_off.push(analysis.tokens.len() - 1);
                    }
                    modifier = modifier.saturating_sub(1);
                    analysis.words += len;
                    pos += 1;
                    i += len;
                    continue;
                }
                analysis.words += 1;
                let was_modifier = modifier > 0;
                if PREPOSITIONS.contains(&w) || COPULAS.contains(&w) {
                    modifier = NOUN_PHRASE_WORDS;
                } else if ADVERBS.contains(&w) {
                    // "are just lighter threads": an adverb leaves the complement open.
                } else if is_stop_word(w) && !DETERMINERS.contains(&w) || is_negation(w) {
                    // A small word ends the noun phrase that followed the preposition.
                    modifier = 0;
                } else if !is_stop_word(w) && !DETERMINERS.contains(&w) {
                    modifier = modifier.saturating_sub(1);
                }
                // A pronoun that opens its clause is its subject ("..., they share it"); one
                // inside it ("the moment it arrived") is not.
                let after_conjunction = i > 0 && CONJUNCTIONS.contains(&words[i - 1].0);
                let opens_clause =
                    after_conjunction || analysis.tokens.last().is_none_or(|t| t.clause != clause);
                if PRONOUNS.contains(&w) && !was_modifier && opens_clause {
                    analysis.pronouns.push(Pronoun {
                        sentence,
                        clause,
                        pos,
                    });
                }
                // "not have a schema and is more scalable": a new verb after "and" or "or"
                // starts a new predicate, beyond the negation's reach.
                if matches!(w, "and" | "or")
                    && words
                        .get(i + 1)
                        .is_some_and(|(n, _)| NEW_PREDICATE.contains(n))
                {
                    negation_at = None;
                }
                // "it doesn't, because it's cheaper": a conjunction opens a new clause.
                if matches!(
                    w,
                    "because" | "since" | "so" | "if" | "when" | "unless" | "although" | "though"
                ) {
                    negation_at = None;
                }
                if is_negation(w) {
                    analysis.function_words += 1;
                    negation_at = Some((pos, reach_of(w)));
                } else if is_stop_word(w) {
                    analysis.function_words += 1;
                } else {
                    let modifier = was_modifier;
                    let (term, literal) = self.lookup(w, &stems[i], prefer).unwrap_or_else(|| {
                        let next = UNKNOWN + unknown.len() as Term;
                        let t = *unknown.entry(stems[i].clone()).or_insert(next);
                        (t, t)
                    });
                    analysis.tokens.push(Token {
                        term,
                        sentence,
                        clause,
                        pos,
                        negated: reach(negation_at),
                        modifier,
                        contrast: mood.contrast,
                        literal,
                        span,
                    });
                    if std::mem::take(&mut set_off_next) {
                        analysis.set_off.push(analysis.tokens.len() - 1);
                    }
                    pos += 1;
                }
                i += 1;
            }
            p = run_end;
        }
        analysis.sentences = sentence + u32::from(in_sentence);
        analysis
    }
}

/// The term of `key` in `map`, numbered after every name so far when it is new.
fn intern_in(map: &mut HashMap<String, Term>, names: &mut Vec<String>, key: &str) -> Term {
    if let Some(&t) = map.get(key) {
        return t;
    }
    let t = names.len() as Term;
    names.push(key.to_string());
    map.insert(key.to_string(), t);
    t
}

/// What the clause being read sets against the claim, and what the one before it did.
struct ClauseMood {
    /// A contrast marker was seen in this clause: the words after it are the contrast.
    contrast: bool,
    /// The clause that just ended was a contrast: a relative clause after it continues it.
    contrast_before: bool,
    /// The clause has a concessive word ("still", "may"); and the previous clause had one.
    concessive: bool,
    concessive_before: bool,
    /// No word yet in this clause.
    start: bool,
}

impl ClauseMood {
    fn new() -> ClauseMood {
        ClauseMood {
            contrast: false,
            contrast_before: false,
            concessive: false,
            concessive_before: false,
            start: true,
        }
    }

    fn next_clause(&mut self) {
        self.contrast_before = std::mem::take(&mut self.contrast);
        self.concessive_before = std::mem::take(&mut self.concessive);
        self.start = true;
    }

    /// A contrast or concession does not run across sentences.
    fn next_sentence(&mut self) {
        *self = ClauseMood::new();
    }
}

/// Every string made by deleting one character.
fn deletions(w: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = w.chars().collect();
    (0..chars.len()).map(move |i| {
        chars
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| *c)
            .collect()
    })
}

#[cfg(test)]
mod tests;
