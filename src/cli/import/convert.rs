//! Turning imported entries into `short` questions that pass `questions check`: a valid id, an
//! honest explanation where none was given, and examples the grader itself confirms.
//!
//! A short question needs at least four right answers and three wrong ones among its examples.
//! Right ones are made from the answer and its accepted variants, bare and inside a sentence
//! ("I think it is X"); wrong ones are the answers of the file's other questions, where this
//! question does not accept them. Every candidate is graded by the real grader and kept only when
//! it gets the verdict it claims, and the whole result is then checked exactly as `questions
//! check` does; a question that cannot pass is reported with its line and the reason.

use super::{kebab, Entry, Skipped};
use crate::bank::{Bank, Difficulty, Expect, Normaliser, MAX_ID_CHARS, MIN_SHORT_EXAMPLES};
use crate::grade::{exact, Grader, Verdict};
use std::collections::{BTreeMap, HashSet};

/// At most this many examples of each verdict are written (more only lengthen the file).
const MAX_CORRECT: usize = 6;
const MAX_WRONG: usize = 4;

/// What every converted question shares.
pub struct Settings {
    /// The topic of entries that name none.
    pub topic: String,
    /// That topic's title; else one is made from the id.
    pub title: Option<String>,
    pub difficulty: Difficulty,
    /// The `source` of every question (at most 100 characters).
    pub source: String,
    /// The explanation of a question that came without one.
    pub no_explanation: String,
    /// Comment lines at the top of each file.
    pub header: Vec<String>,
    /// Ids already used where the files go.
    pub taken: HashSet<String>,
}

/// One topic file, ready to write.
pub struct TopicFile {
    pub topic: String,
    pub text: String,
    pub questions: usize,
}

pub struct Outcome {
    pub files: Vec<TopicFile>,
    pub skipped: Vec<Skipped>,
}

/// A question being made.
struct Draft {
    line: usize,
    topic: String,
    id: String,
    prompt: String,
    answer: String,
    accept: Vec<String>,
    difficulty: Difficulty,
    explanation: String,
    correct: Vec<String>,
    wrong: Vec<String>,
}

fn minimum(expect: Expect) -> usize {
    MIN_SHORT_EXAMPLES
        .iter()
        .find(|(e, _)| *e == expect)
        .map_or(0, |(_, n)| *n)
}

/// Converts the entries; `Err` only when the result fails in a way no single question explains.
pub fn convert(entries: &[Entry], s: &Settings) -> Result<Outcome, String> {
    let mut skipped = Vec::new();
    let mut taken = s.taken.clone();
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let folded: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            e.answers
                .iter()
                .map(|a| exact::normalise(a, Normaliser::Text))
                .collect()
        })
        .collect();
    for (i, e) in entries.iter().enumerate() {
        let topic = e.topic.as_deref().map_or(s.topic.clone(), kebab);
        titles
            .entry(topic.clone())
            .or_insert_with(|| match &e.topic {
                Some(raw) if kebab(raw) != raw.trim() => raw.trim().to_string(),
                Some(_) => title_of(&topic),
                None => s.title.clone().unwrap_or_else(|| title_of(&topic)),
            });
        let (answer, accept) = (e.answers[0].clone(), e.answers[1..].to_vec());
        let wrong = wrong_candidates(entries, &folded, i);
        if wrong.len() < minimum(Expect::Wrong) {
            skipped.push(Skipped {
                line: e.line,
                why: format!(
                    "only {} other answer(s) in the file differ from this one's, and a short question needs {} wrong examples: import it with more questions, or write it by hand",
                    wrong.len(),
                    minimum(Expect::Wrong)
                ),
            });
            continue;
        }
        drafts.push(Draft {
            line: e.line,
            id: make_id(&topic, &e.prompt, i + 1, &mut taken),
            topic,
            prompt: e.prompt.clone(),
            correct: correct_candidates(&e.answers),
            wrong,
            answer,
            accept,
            difficulty: e.difficulty.unwrap_or(s.difficulty),
            explanation: e
                .explanation
                .clone()
                .unwrap_or_else(|| s.no_explanation.clone()),
        });
    }
    let mut graded = false;
    loop {
        if drafts.is_empty() {
            skipped.sort_by_key(|k| k.line);
            return Ok(Outcome {
                files: vec![],
                skipped,
            });
        }
        let files = render(&drafts, &titles, s);
        let named: Vec<(String, String)> = files
            .iter()
            .map(|f| (format!("{}.toml", f.topic), f.text.clone()))
            .collect();
        let problems = match Bank::from_files(named) {
            Err(errors) => errors.0,
            Ok(bank) => {
                let grader = Grader::new(&bank);
                if !graded {
                    graded = true;
                    keep_confirmed(&mut drafts, &bank, &grader, &mut skipped);
                    continue;
                }
                super::super::questions::problems(&bank, &grader)
            }
        };
        if problems.is_empty() {
            skipped.sort_by_key(|k| k.line);
            return Ok(Outcome { files, skipped });
        }
        for p in problems {
            let Some(at) =
                p.id.as_ref()
                    .and_then(|id| drafts.iter().position(|d| &d.id == id))
            else {
                return Err(format!(
                    "the converted file does not pass `questions check`: {p}"
                ));
            };
            let d = drafts.remove(at);
            skipped.push(Skipped {
                line: d.line,
                why: format!("does not pass `questions check`: {}", p.message),
            });
        }
    }
}

/// Keeps the examples the grader gives the verdict they claim; a question left with too few is
/// skipped, saying which kind it lacks.
fn keep_confirmed(
    drafts: &mut Vec<Draft>,
    bank: &Bank,
    grader: &Grader,
    skipped: &mut Vec<Skipped>,
) {
    drafts.retain_mut(|d| {
        let Some(q) = bank.get(&d.id) else {
            return true;
        };
        let inst = q.instance(0);
        let verdict = |a: &str| grader.grade_text(&inst, a).ok().map(|g| g.verdict);
        d.correct.retain(|a| verdict(a) == Some(Verdict::Correct));
        d.correct.truncate(MAX_CORRECT);
        let before = d.wrong.len();
        d.wrong.retain(|a| verdict(a) == Some(Verdict::Wrong));
        d.wrong.truncate(MAX_WRONG);
        let why = if d.correct.len() < minimum(Expect::Correct) {
            format!(
                "the grader accepts only {} of the right answers made from its answers (bare and in a sentence), and a short question needs {}: write its examples by hand",
                d.correct.len(),
                minimum(Expect::Correct)
            )
        } else if d.wrong.len() < minimum(Expect::Wrong) {
            format!(
                "only {} of the {before} other answers in the file are wrong here (it accepts the rest), and a short question needs {} wrong examples: write them by hand",
                d.wrong.len(),
                minimum(Expect::Wrong)
            )
        } else {
            return true;
        };
        skipped.push(Skipped { line: d.line, why });
        false
    });
}

/// Right answers: each accepted answer bare and inside a sentence, then two more sentences.
fn correct_candidates(answers: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in answers {
        out.push(a.clone());
        out.push(format!("I think it is {a}"));
    }
    out.push(format!("The answer is {}.", answers[0]));
    out.push(format!("It's {}, I'm fairly sure.", answers[0]));
    let mut seen = HashSet::new();
    out.retain(|a| seen.insert(a.clone()));
    out
}

/// Wrong-answer candidates tried per question: enough that a few accepted here still leave the
/// three needed, few enough that a long list converts in time linear in its length.
const WRONG_CANDIDATES: usize = 12;

/// The other entries' answers, nearest after this one first (their main answers, then their
/// variants), without those that read the same as one of this entry's; `folded` holds every
/// entry's answers folded as the grader folds them.
fn wrong_candidates(entries: &[Entry], folded: &[Vec<String>], me: usize) -> Vec<String> {
    let mut seen: HashSet<&str> = folded[me].iter().map(|a| a.as_str()).collect();
    let n = entries.len();
    let others = || (1..n).map(|k| (me + k) % n);
    let mains = others().map(|i| (i, 0));
    let variants = others().flat_map(|i| (1..entries[i].answers.len()).map(move |j| (i, j)));
    let mut out = Vec::new();
    for (i, j) in mains.chain(variants) {
        if out.len() == WRONG_CANDIDATES {
            break;
        }
        if seen.insert(&folded[i][j]) {
            out.push(entries[i].answers[j].clone());
        }
    }
    out
}

/// `topic-words-of-the-prompt`, at most [`MAX_ID_CHARS`], unique among `taken`.
fn make_id(topic: &str, prompt: &str, n: usize, taken: &mut HashSet<String>) -> String {
    const STOP: &[&str] = &[
        "a", "an", "and", "are", "at", "be", "by", "did", "do", "does", "for", "how", "in", "is",
        "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "what", "which",
        "who", "whom", "whose", "with",
    ];
    let mut id = cut(topic, MAX_ID_CHARS - 8);
    let prefix = id.len();
    for w in kebab(prompt)
        .split('-')
        .filter(|w| !w.is_empty() && !STOP.contains(w))
    {
        if id.len() + 1 + w.len() > MAX_ID_CHARS {
            break;
        }
        id.push('-');
        id.push_str(w);
    }
    if id.len() == prefix {
        id = format!("{id}-q{n}");
    }
    let mut unique = id.clone();
    let mut k = 2;
    while taken.contains(&unique) {
        let suffix = format!("-{k}");
        unique = format!("{}{suffix}", cut(&id, MAX_ID_CHARS - suffix.len()));
        k += 1;
    }
    taken.insert(unique.clone());
    unique
}

/// A kebab id cut to at most `max` characters, never ending in a hyphen.
fn cut(id: &str, max: usize) -> String {
    id.chars()
        .take(max)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// "world-capitals" as a title: "World capitals".
fn title_of(topic: &str) -> String {
    let words = topic.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    let one_line = format!(
        "[{}]",
        items
            .iter()
            .map(|i| quoted(i))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if one_line.len() <= 100 && !one_line.contains('\n') {
        return one_line;
    }
    let lines: Vec<String> = items
        .iter()
        .map(|i| format!("  {},\n", quoted(i)))
        .collect();
    format!("[\n{}]", lines.concat())
}

/// One file per topic, in the order topics first appear.
fn render(drafts: &[Draft], titles: &BTreeMap<String, String>, s: &Settings) -> Vec<TopicFile> {
    let mut order: Vec<&str> = Vec::new();
    for d in drafts {
        if !order.contains(&d.topic.as_str()) {
            order.push(&d.topic);
        }
    }
    order
        .into_iter()
        .map(|topic| {
            let mut text: String = s.header.iter().map(|h| format!("# {h}\n")).collect();
            text.push_str(&format!(
                "topic = {}\ntitle = {}\n",
                quoted(topic),
                quoted(&titles[topic])
            ));
            let mut questions = 0;
            for d in drafts.iter().filter(|d| d.topic == topic) {
                questions += 1;
                text.push_str(&format!(
                    "\n[[question]]\nid = {}\nkind = \"short\"\ndifficulty = \"{}\"\nprompt = {}\nanswer = {}\n",
                    quoted(&d.id),
                    d.difficulty,
                    quoted(&d.prompt),
                    quoted(&d.answer)
                ));
                if !d.accept.is_empty() {
                    text.push_str(&format!("accept = {}\n", list(&d.accept)));
                }
                text.push_str(&format!(
                    "explanation = {}\nsource = {}\n\n[question.examples]\ncorrect = {}\nwrong = {}\n",
                    quoted(&d.explanation),
                    quoted(&s.source),
                    list(&d.correct),
                    list(&d.wrong)
                ));
            }
            TopicFile {
                topic: topic.to_string(),
                text,
                questions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kebab_short_and_unique() {
        let mut taken = HashSet::new();
        let a = make_id("geo", "What is the capital of France?", 1, &mut taken);
        assert_eq!(a, "geo-capital-france");
        let b = make_id("geo", "What is the capital of France?", 2, &mut taken);
        assert_eq!(b, "geo-capital-france-2");
        let long = make_id(
            "a-very-long-topic-name-for-testing-ids",
            "Name the longest river",
            3,
            &mut taken,
        );
        assert!(
            long.len() <= MAX_ID_CHARS && crate::bank::is_kebab(&long),
            "{long}"
        );
        let none = make_id("geo", "¿Qué?", 4, &mut taken);
        assert_eq!(none, "geo-que");
        let symbols = make_id("geo", "???", 5, &mut taken);
        assert_eq!(symbols, "geo-q5");
        for id in [&a, &b, &long, &none, &symbols] {
            assert!(crate::bank::is_kebab(id), "{id}");
        }
    }

    #[test]
    fn wrong_candidates_are_the_nearest_other_answers_capped() {
        let entry = |answers: &[&str]| Entry {
            answers: answers.iter().map(|a| a.to_string()).collect(),
            ..Entry::default()
        };
        let mut entries = vec![
            entry(&["Paris", "paris!"]),
            entry(&["PARIS"]),
            entry(&["Rome", "Roma"]),
        ];
        entries.extend((0..20).map(|i| entry(&[&format!("city {i}")])));
        let folded: Vec<Vec<String>> = entries
            .iter()
            .map(|e| {
                e.answers
                    .iter()
                    .map(|a| exact::normalise(a, Normaliser::Text))
                    .collect()
            })
            .collect();
        let got = wrong_candidates(&entries, &folded, 0);
        assert_eq!(got.len(), WRONG_CANDIDATES);
        assert_eq!(
            &got[..3],
            ["Rome", "city 0", "city 1"],
            "PARIS reads as this one's answer"
        );
        // The last entry's nearest are the first ones, wrapping around.
        let last = entries.len() - 1;
        assert_eq!(
            &wrong_candidates(&entries, &folded, last)[..2],
            ["Paris", "Rome"]
        );
    }

    #[test]
    fn titles_read_like_words() {
        assert_eq!(title_of("world-capitals"), "World capitals");
        assert_eq!(title_of("x"), "X");
    }
}
