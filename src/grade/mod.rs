//! Grading answers: exact kinds, text normalisation, rubrics and reference similarity.
//!
//! A [`Grader`] is built once from a bank: it compiles every rubric and model answer against one
//! [`text::Lexicon`] so that grading an answer is a few hash look-ups per word.

pub mod eval;
pub mod evidence;
pub mod exact;
mod lead;
pub mod precedent;
pub mod reference;
pub mod rubric;
pub mod selftest;
pub mod text;
pub mod verdict;
mod words;

use crate::bank::{Bank, Instance, Kind, Normaliser, Precedent, Question};
use reference::{Features, Idf, Weights};
use rubric::CompiledRubric;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;
use text::{Analysis, Lexicon, Term};
pub use verdict::Verdict;

/// The longest answer graded; Discord's text input holds as much.
pub const MAX_ANSWER_CHARS: usize = 4000;

/// A member's answer. Option and item indices are in file order (the display order is the
/// instance's business).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Choice(usize),
    Multi(Vec<usize>),
    TrueFalse(bool),
    /// Items as the member ordered them, each by its index in the right order.
    Order(Vec<usize>),
    Text(String),
}

/// Why an answer was not graded: each message is written for the member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("Your answer is empty: write a few words and send it again.")]
    Empty,
    #[error(
        "Your answer is {chars} characters long; the limit is 4,000. Shorten it and send it again."
    )]
    TooLong { chars: usize },
    #[error("Pick one of the options by its number, 1 to {options}.")]
    NotAnOption { options: usize },
    #[error("Answer true or false.")]
    NotTrueOrFalse,
    #[error("List every item once, by its number (1 to {items}), in the order you choose, e.g. `{example}`.")]
    NotAnOrder { items: usize, example: String },
    #[error("That answer does not fit this kind of question.")]
    WrongKind,
}

/// The grade of one answer, for the Discord layer and the terminal to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grade {
    pub question: String,
    /// 0.0 to 1.0.
    pub score: f64,
    pub verdict: Verdict,
    /// Key points the answer made (their text).
    pub hit: Vec<String>,
    /// Key points it did not make.
    pub missed: Vec<String>,
    /// Misconceptions it stated, and key points it stated the opposite of.
    pub misconceptions: Vec<String>,
    /// The right answer: the option, the version, the model answer.
    pub answer: String,
    /// Notes on the grade ("reads as a list of keywords").
    pub notes: Vec<String>,
    /// For free text: how close the answer comes to the model answer (0 to 1), a second signal
    /// beside the rubric for reviewers and tools; it does not change the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// For free text: what each key point and misconception matched, or why not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<evidence::Evidence>,
    /// For free text with precedents: what the nearest graded answers said, and whether they
    /// overruled the rubric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precedents: Option<precedent::Vote>,
}

struct Compiled {
    rubric: Option<CompiledRubric>,
    reference: reference::Reference,
    /// The terms of the question's own texts: typos resolve to these first.
    vocabulary: HashSet<Term>,
    /// The question's precedents, as (answer, verdict), and their index, built on first use so
    /// that loading a bank stays fast.
    precedents: Vec<(String, Verdict)>,
    index: std::sync::OnceLock<precedent::Index>,
}

/// Grades answers to the questions of one bank.
pub struct Grader {
    lexicon: Lexicon,
    compiled: HashMap<String, Compiled>,
    idf: Idf,
    weights: Weights,
    /// The terms of words that may be a phrasing on their own (`tlb`).
    standalone: HashSet<Term>,
}

/// A free-text answer with fewer function words than this share reads as a keyword list.
pub const KEYWORD_LIST_FUNCTION_SHARE: f64 = 0.12;

impl Grader {
    pub fn new(bank: &Bank) -> Grader {
        Grader::keeping(bank, |_| true)
    }

    /// A grader that uses only the bank's precedents `keep` accepts: measured on a writer's
    /// answers, the grader sets that writer's own precedents aside.
    pub fn keeping(bank: &Bank, keep: impl Fn(&Precedent) -> bool) -> Grader {
        let mut by_question: HashMap<&str, Vec<(String, Verdict)>> = HashMap::default();
        // Only free text is graded by precedent; a short question's precedents stay in the bank.
        let free_text = |p: &Precedent| {
            bank.get(&p.question)
                .is_some_and(|q| matches!(q.kind, Kind::FreeText(_)))
        };
        for p in bank.precedents().iter().filter(|p| free_text(p) && keep(p)) {
            by_question
                .entry(p.question.as_str())
                .or_default()
                .push((p.answer.clone(), Verdict::from(p.verdict)));
        }
        let mut lexicon = Lexicon::new(&bank.vocabulary().groups, &bank.vocabulary().spellings);
        let mut rubrics = HashMap::default();
        for q in bank.questions() {
            if let Kind::FreeText(r) = &q.kind {
                rubrics.insert(q.id.0.clone(), rubric::compile(&mut lexicon, r));
            }
        }
        let mut texts = Vec::new();
        for q in bank.questions() {
            if let Kind::FreeText(r) = &q.kind {
                lexicon.learn(&r.model_answer);
                texts.push(q.prompt.as_str());
                texts.push(r.model_answer.as_str());
            }
        }
        let mut analysed = Vec::new();
        for q in bank.questions() {
            let reference = match &q.kind {
                Kind::FreeText(r) => lexicon.analyse(&r.model_answer),
                _ => Analysis::default(),
            };
            let rubric = rubrics.remove(&q.id.0);
            let prompt = lexicon.analyse(&q.prompt);
            let mut vocabulary: HashSet<Term> = prompt
                .tokens
                .iter()
                .chain(&reference.tokens)
                .map(|t| t.term)
                .collect();
            if let Some(r) = &rubric {
                let phrasings = r
                    .points
                    .iter()
                    .flat_map(|p| &p.phrasings)
                    .chain(r.misconceptions.iter().flat_map(|m| &m.phrasings));
                vocabulary.extend(phrasings.flat_map(|p| p.terms.iter().copied()));
            }
            analysed.push((q.id.0.clone(), rubric, prompt, reference, vocabulary));
        }
        let docs: Vec<Analysis> = texts.iter().map(|t| lexicon.analyse(t)).collect();
        let idf = Idf::from_documents(&docs);
        let compiled = analysed
            .into_iter()
            .map(|(id, rubric, prompt, reference, vocabulary)| {
                let reference = reference::Reference::new(&idf, &prompt, &reference);
                let precedents = by_question.remove(id.as_str()).unwrap_or_default();
                let c = Compiled {
                    rubric,
                    reference,
                    vocabulary,
                    precedents,
                    index: std::sync::OnceLock::new(),
                };
                (id, c)
            })
            .collect();
        let standalone = bank
            .vocabulary()
            .standalone
            .iter()
            .flat_map(|w| lexicon.analyse(w).tokens.into_iter().map(|t| t.term))
            .collect();
        Grader {
            lexicon,
            compiled,
            idf,
            weights: reference::DEFAULT_WEIGHTS,
            standalone,
        }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// What is wrong with a question's phrasings, as `(where, phrasing, why)`: one-word
    /// misconceptions, one-word key phrasings not marked `standalone`, phrasings whose every
    /// word is in the prompt (they could never earn anything) or that repeat one word.
    pub fn lint(&self, q: &Question) -> Vec<(String, String, String)> {
        let (Some(c), Kind::FreeText(raw)) = (self.compiled.get(&q.id.0), &q.kind) else {
            return vec![];
        };
        let Some(compiled) = &c.rubric else {
            return vec![];
        };
        let prompt = c.reference.prompt_terms();
        let raw_groups = raw
            .points
            .iter()
            .map(|p| &p.phrasings)
            .chain(raw.misconceptions.iter().map(|m| &m.phrasings));
        let mut out = Vec::new();
        for ((what, compiled), raw) in compiled.phrasing_groups().zip(raw_groups) {
            let misconception = what.starts_with("misconception");
            for (p, text) in compiled.iter().zip(raw) {
                let single = p.terms.len() == 1;
                if misconception && single {
                    let why = "is one word, and a misconception is a claim: write its subject and what is wrongly said of it (`threads separate memory`)";
                    out.push((what.clone(), text.clone(), why.to_string()));
                } else if single && !self.standalone.contains(&p.terms[0]) {
                    let why = "is one word, which a keyword list or a sentence saying the opposite also has: write the claim in two words or more (`own memory`), or list the word under `standalone` in synonyms.toml if it names the point on its own (like `tlb`)";
                    out.push((what.clone(), text.clone(), why.to_string()));
                } else if !misconception
                    && !p.terms.is_empty()
                    && p.terms.iter().all(|t| prompt.contains(t))
                {
                    let why = "uses only words of the prompt, so it can never earn anything: add the word that carries the point";
                    out.push((what.clone(), text.clone(), why.to_string()));
                } else if let Some(why) = rubric::shrinks(&self.lexicon, text) {
                    out.push((
                        what.clone(),
                        text.clone(),
                        format!("{why}: write the words that carry the point"),
                    ));
                }
            }
        }
        out
    }

    /// Grades a typed answer: a number for an option, `true`/`false`, numbers for an order, or
    /// text, as the terminal and the batch command take it.
    pub fn grade_text(&self, inst: &Instance, text: &str) -> Result<Grade, AnswerError> {
        let answer = parse_answer(inst, text)?;
        self.grade(inst, &answer)
    }

    pub fn grade(&self, inst: &Instance, answer: &Answer) -> Result<Grade, AnswerError> {
        let q = inst.question;
        let mut g = Grade {
            question: q.id.0.clone(),
            score: 0.0,
            verdict: Verdict::Wrong,
            hit: vec![],
            missed: vec![],
            misconceptions: vec![],
            answer: String::new(),
            notes: vec![],
            similarity: None,
            evidence: vec![],
            precedents: None,
        };
        match (&q.kind, answer) {
            (
                Kind::Choice {
                    options,
                    answer: right,
                },
                Answer::Choice(i),
            ) => {
                if *i >= options.len() {
                    return Err(AnswerError::NotAnOption {
                        options: options.len(),
                    });
                }
                g.score = f64::from(u8::from(i == right));
                g.answer = options[*right].clone();
            }
            (Kind::Multi { options, answers }, Answer::Multi(picked)) => {
                if picked.iter().any(|i| *i >= options.len()) {
                    return Err(AnswerError::NotAnOption {
                        options: options.len(),
                    });
                }
                g.score = exact::multi(answers, picked);
                g.answer = answers
                    .iter()
                    .map(|&i| options[i].as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
            }
            (Kind::TrueFalse { answer: right }, Answer::TrueFalse(b)) => {
                g.score = f64::from(u8::from(b == right));
                g.answer = right.to_string();
            }
            (Kind::Order { items }, Answer::Order(order)) => {
                if !is_permutation(order, items.len()) {
                    return Err(order_error(items.len()));
                }
                g.score = exact::order(order, items.len());
                g.answer = items.join(" → ");
            }
            (
                Kind::Short {
                    answer: right,
                    accept,
                    rivals,
                    normalise,
                },
                Answer::Text(t),
            ) => {
                check_text(t)?;
                let expected: Vec<&str> = std::iter::once(right.as_str())
                    .chain(accept.iter().map(|s| s.as_str()))
                    .collect();
                let rivals: Vec<&str> = rivals.iter().map(|s| s.as_str()).collect();
                g.score = exact::short_score(t, &expected, &rivals, *normalise, &inst.prompt);
                g.answer = right.clone();
            }
            (Kind::Generated(_), Answer::Text(t)) => {
                check_text(t)?;
                let gen = inst
                    .generated
                    .as_ref()
                    .expect("a generated question has an instance");
                let expected: Vec<&str> = std::iter::once(gen.answer.as_str())
                    .chain(gen.accept.iter().map(|s| s.as_str()))
                    .collect();
                g.score = exact::short_score(t, &expected, &[], Normaliser::Version, &inst.prompt);
                g.answer = gen.answer.clone();
            }
            (Kind::FreeText(r), Answer::Text(t)) => {
                check_text(t)?;
                self.grade_free_text(q, t, &mut g);
                g.answer = r.model_answer.clone();
                return Ok(g);
            }
            _ => return Err(AnswerError::WrongKind),
        }
        g.verdict = Verdict::of_exact(g.score);
        Ok(g)
    }

    fn grade_free_text(&self, q: &Question, text: &str, g: &mut Grade) {
        let c = &self.compiled[&q.id.0];
        let rubric = c
            .rubric
            .as_ref()
            .expect("a free-text question has a compiled rubric");
        let a = self.lexicon.analyse_preferring(text, Some(&c.vocabulary));
        let m = rubric::mark(rubric, &a);
        let similarity = c.reference.features(&self.idf, &a);
        g.similarity = Some(round3(self.weights.score(&similarity)));
        let mut score = m.score;
        g.hit = m
            .hit
            .iter()
            .map(|&i| rubric.points[i].text.clone())
            .collect();
        g.missed = m
            .missed
            .iter()
            .map(|&i| rubric.points[i].text.clone())
            .collect();
        g.misconceptions = m
            .misconceptions
            .iter()
            .map(|&i| rubric.misconceptions[i].text.clone())
            .collect();
        for &i in &m.contradicted {
            g.misconceptions.push(format!(
                "You said the opposite of: {}",
                rubric.points[i].text
            ));
        }
        for &i in &m.swapped {
            g.misconceptions.push(format!(
                "You said this of the wrong one: {}",
                rubric.points[i].text
            ));
        }
        let clean =
            m.misconceptions.is_empty() && m.contradicted.is_empty() && m.swapped.is_empty();
        // Denying an essential point, or saying it of the wrong thing, is getting the question
        // wrong, whatever else the answer shares words with.
        let essential = rubric.points.iter().map(|p| p.weight).fold(0.0, f64::max);
        let denies_essential = m
            .contradicted
            .iter()
            .chain(&m.swapped)
            .any(|&i| rubric.points[i].weight >= essential);
        if denies_essential && score >= verdict::PARTIAL_FROM {
            score = verdict::PARTIAL_FROM - 0.01;
            g.notes
                .push("You denied or misplaced a central point of the answer.".into());
        }
        // A key point made, with nothing false beside it, is worth at least partial credit.
        if !m.hit.is_empty() && clean && score < verdict::PARTIAL_FROM {
            score = verdict::PARTIAL_FROM;
        }
        let list = !is_headed_notes(&a)
            && ((is_keyword_list(&a)
                && !pairs_terms(text)
                && !rubric::states_a_claim(rubric, &a, &m))
                || (is_list_of_terms(text, &a) && !pairs_terms(text)));
        let fragments = is_fragments(text);
        let names_essential = m.hit.iter().any(|&i| rubric.points[i].weight >= essential);
        // Where the prompt asks for items, a list of them that names an essential one is the
        // answer, not keywords.
        let asked_items = rubric.enumerates && list && names_essential;
        let capped = (list || fragments) && !asked_items;
        if capped {
            // Keywords without a claim: partial at most, and wrong unless they name an
            // essential point.
            let cap = if names_essential {
                verdict::KEYWORD_LIST_CAP
            } else {
                verdict::NO_CLAIM_CAP
            };
            if score > cap {
                score = cap;
                g.notes.push(
                    "This reads as a list of keywords: explain them in a sentence for full credit."
                        .into(),
                );
            }
        }
        g.evidence = evidence::collect(rubric, &a, &text::normalised(text), &m);
        let rubric_verdict = Verdict::of_score(score);
        if let Some(mut vote) = self
            .precedents_of(c)
            .map(|i| i.vote(text, &a, rubric_verdict))
        {
            let prompt = c.reference.prompt_terms();
            let echoed = a.tokens.iter().filter(|t| prompt.contains(&t.term)).count();
            let echo = !a.tokens.is_empty()
                && echoed as f64 >= precedent::ECHO_SHARE * a.tokens.len() as f64;
            if !precedent::may_overrule(&vote, &m, clean && !capped, echo, a.words) {
                vote.verdict = rubric_verdict;
                vote.overruled = false;
            }
            if vote.overruled {
                // The score moves just far enough to sit in the precedents' band.
                score = match vote.verdict {
                    Verdict::Correct => score.max(verdict::CORRECT_FROM),
                    Verdict::Partial if score >= verdict::CORRECT_FROM => {
                        verdict::CORRECT_FROM - 0.01
                    }
                    Verdict::Partial => score.max(verdict::PARTIAL_FROM),
                    Verdict::Wrong => score.min(verdict::PARTIAL_FROM - 0.01),
                };
                g.notes.push(format!(
                    "Graded {} like the most similar answers reviewers have graded.",
                    vote.verdict
                ));
            }
            g.precedents = Some(vote);
        }
        g.score = round3(score);
        g.verdict = Verdict::of_score(g.score);
    }

    /// A question's precedent index, built on first use; `None` when it has none.
    fn precedents_of<'a>(&self, c: &'a Compiled) -> Option<&'a precedent::Index> {
        if c.precedents.is_empty() {
            return None;
        }
        Some(c.index.get_or_init(|| {
            precedent::Index::new(
                c.precedents
                    .iter()
                    .map(|(answer, v)| {
                        let a = self.lexicon.analyse_preferring(answer, Some(&c.vocabulary));
                        (a, *v, answer.clone())
                    })
                    .collect(),
            )
        }))
    }

    /// The reference-similarity features of an answer to a free-text question.
    pub fn reference_features(&self, q: &Question, text: &str) -> Option<Features> {
        let c = self.compiled.get(&q.id.0)?;
        c.rubric.as_ref()?;
        Some(c.reference.features(&self.idf, &self.lexicon.analyse(text)))
    }

    /// The reference similarity of an answer to a free-text question's model answer, 0 to 1.
    pub fn reference_score(&self, q: &Question, text: &str) -> Option<f64> {
        self.reference_features(q, text)
            .map(|f| self.weights.score(&f))
    }
}

/// Loads a bank and builds its grader; phrasings that could never work (see `Grader::lint`) are
/// errors too, named like the loader's.
pub fn load(source: &crate::bank::BankSource) -> Result<(Bank, Grader), crate::bank::BankErrors> {
    let bank = Bank::load(source)?;
    let grader = Grader::new(&bank);
    let errors = lint_errors(&bank, &grader);
    if errors.is_empty() {
        Ok((bank, grader))
    } else {
        Err(crate::bank::BankErrors(errors))
    }
}

/// Every phrasing of the bank that `Grader::lint` refuses, as bank errors.
pub fn lint_errors(bank: &Bank, grader: &Grader) -> Vec<crate::bank::BankError> {
    bank.questions()
        .iter()
        .flat_map(|q| {
            grader
                .lint(q)
                .into_iter()
                .map(move |(what, phrasing, why)| crate::bank::BankError {
                    file: q.file.clone(),
                    line: Some(q.line),
                    id: Some(q.id.0.clone()),
                    message: format!("{what}: the phrasing `{phrasing}` {why}"),
                })
        })
        .collect()
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Words with hardly any function words between them: a list, not an explanation.
pub fn is_keyword_list(a: &Analysis) -> bool {
    a.words >= 3 && (a.function_words as f64) < KEYWORD_LIST_FUNCTION_SHARE * a.words as f64
}

/// Notes under two or more headings ("lake: raw, cheap. warehouse: curated, SQL"): each says
/// what is true of its heading, so they are claims, however few small words they use.
pub fn is_headed_notes(a: &Analysis) -> bool {
    a.headings.len() >= 2
}

/// Three or more comma-separated items of at most three words each, with few small words among
/// them: "isolated memory, shared memory, unit of execution, lightweight".
pub fn is_list_of_terms(text: &str, a: &Analysis) -> bool {
    let items: Vec<usize> = text
        .split([',', ';', '\n', '|'])
        .map(|item| item.split_whitespace().count())
        .filter(|&n| n > 0)
        .collect();
    items.len() >= 3
        && items.iter().all(|&n| n <= 3)
        && (a.function_words as f64) < 0.25 * a.words as f64
}

/// Sentences of at most two words each, and no more than three of them ("Development. Pin."):
/// notes, not a claim.
pub fn is_fragments(text: &str) -> bool {
    let sentences: Vec<usize> = text
        .split(['.', '!', '?', '\n'])
        .map(|s| s.split_whitespace().count())
        .filter(|&n| n > 0)
        .collect();
    !sentences.is_empty() && sentences.len() <= 3 && sentences.iter().all(|&n| n <= 2)
}

/// "major = breaking, minor: features": terms paired with their meaning are an explanation, not
/// a bare list, however few small words they use. "Process: PID, isolation, heavyweight" pairs a
/// heading with a list: still a list.
fn pairs_terms(text: &str) -> bool {
    let segments: Vec<&str> = text
        .split(['.', ';', '\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let pairs = segments
        .iter()
        .filter(|s| s.contains(['=', ':', '→']) || s.contains("->"))
        .count();
    pairs >= 2 && 2 * pairs >= segments.len()
}

fn check_text(t: &str) -> Result<(), AnswerError> {
    let chars = t.chars().count();
    if t.trim().is_empty() {
        Err(AnswerError::Empty)
    } else if chars > MAX_ANSWER_CHARS {
        Err(AnswerError::TooLong { chars })
    } else {
        Ok(())
    }
}

fn is_permutation(order: &[usize], n: usize) -> bool {
    let mut seen = vec![false; n];
    order.len() == n
        && order
            .iter()
            .all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
}

fn order_error(n: usize) -> AnswerError {
    AnswerError::NotAnOrder {
        items: n,
        example: (1..=n).map(|i| i.to_string()).collect::<Vec<_>>().join(" "),
    }
}

/// Reads a typed answer for an instance: numbers refer to the options as displayed.
pub fn parse_answer(inst: &Instance, text: &str) -> Result<Answer, AnswerError> {
    check_text(text)?;
    let t = text.trim();
    let numbers = || -> Option<Vec<usize>> {
        t.split(|c: char| c == ',' || c.is_whitespace() || c == '>' || c == '-')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<usize>().ok())
            .collect()
    };
    // A displayed position (1-based) to the option's index in file order.
    let to_index =
        |n: usize| -> Option<usize> { n.checked_sub(1).and_then(|p| inst.order.get(p).copied()) };
    match &inst.question.kind {
        Kind::Choice { options, .. } => {
            let by_text = options.iter().position(|o| {
                exact::normalise(o, Normaliser::Text) == exact::normalise(t, Normaliser::Text)
            });
            let by_number = t.parse::<usize>().ok().and_then(to_index);
            let by_letter = single_letter(t).and_then(|n| to_index(n + 1));
            by_number
                .or(by_letter)
                .or(by_text)
                .map(Answer::Choice)
                .ok_or(AnswerError::NotAnOption {
                    options: options.len(),
                })
        }
        Kind::Multi { options, .. } => {
            let picked: Option<Vec<usize>> =
                numbers().and_then(|ns| ns.into_iter().map(to_index).collect());
            match picked {
                Some(p) if !p.is_empty() => Ok(Answer::Multi(p)),
                _ => Err(AnswerError::NotAnOption {
                    options: options.len(),
                }),
            }
        }
        Kind::TrueFalse { .. } => match exact::normalise(t, Normaliser::Text).as_str() {
            "true" | "t" | "yes" | "y" | "1" => Ok(Answer::TrueFalse(true)),
            "false" | "f" | "no" | "n" | "0" => Ok(Answer::TrueFalse(false)),
            _ => Err(AnswerError::NotTrueOrFalse),
        },
        Kind::Order { items } => {
            let order: Option<Vec<usize>> =
                numbers().and_then(|ns| ns.into_iter().map(to_index).collect());
            match order {
                Some(o) if is_permutation(&o, items.len()) => Ok(Answer::Order(o)),
                _ => Err(order_error(items.len())),
            }
        }
        Kind::Short { .. } | Kind::FreeText(_) | Kind::Generated(_) => {
            Ok(Answer::Text(text.to_string()))
        }
    }
}

fn single_letter(t: &str) -> Option<usize> {
    let mut chars = t.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => {
            Some((c.to_ascii_lowercase() as u8 - b'a') as usize)
        }
        _ => None,
    }
}
