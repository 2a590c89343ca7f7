//! `questions import --from red|csv FILE DIR`: turns a Red-DiscordBot trivia list, or a CSV file of
//! prompts and answers, into `short` questions in a topic file written into DIR, so packs made for
//! other bots can be drilled here.
//!
//! Every question written passes `questions check` (see `convert`); what cannot be converted is
//! listed with its line and the reason, and nothing is written over an existing file or topic.

mod convert;
mod csv_file;
mod red;

use crate::bank::{is_kebab, Bank, BankSource, Difficulty, SYNONYMS_FILE};
use clap::{Args, ValueEnum};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use unicode_normalization::UnicodeNormalization;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The format of FILE: `red`, a Red-DiscordBot trivia list (YAML: `question: [answers]`);
    /// `csv`, rows of `prompt,answer[,topic,difficulty,explanation]` (header optional).
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Format,
    /// The file to convert.
    file: PathBuf,
    /// The bank folder to write the topic file(s) into; made if missing.
    dir: PathBuf,
    /// The topic id [default: made from the file name]; for CSV, the topic of rows that name none.
    #[arg(long)]
    topic: Option<String>,
    /// That topic's title [default: made from the topic id].
    #[arg(long)]
    title: Option<String>,
    /// The difficulty of questions that give none.
    #[arg(long, default_value = "medium", value_parser = parse_difficulty)]
    difficulty: Difficulty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Red,
    Csv,
}

fn parse_difficulty(s: &str) -> Result<Difficulty, String> {
    Difficulty::parse(s)
        .ok_or_else(|| format!("`{s}` is not a difficulty: use easy, medium or hard"))
}

/// A question as read from the file, before it is made into a bank question.
#[derive(Debug, Default, Clone)]
pub struct Entry {
    pub line: usize,
    pub prompt: String,
    /// The answer first, then the other accepted answers.
    pub answers: Vec<String>,
    /// As written in the file (CSV), made into an id later.
    pub topic: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub explanation: Option<String>,
}

/// An entry that is not converted: its line in the file and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub line: usize,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
    pub author: Option<String>,
    pub description: Option<String>,
}

/// Lower-case ASCII letters and digits in single-hyphen-separated words: accents are dropped
/// (`é` is `e`), anything else separates words. Empty when nothing is left.
pub fn kebab(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join("-")
}

/// Text cut to at most `max` characters.
fn at_most(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// The topic files of a bank folder (topic id to file) and the ids they use; files that cannot be
/// read as TOML are passed over (`questions check` reports them).
fn existing(dir: &Path) -> (HashMap<String, PathBuf>, HashSet<String>) {
    let mut topics = HashMap::new();
    let mut ids = HashSet::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (topics, ids);
    };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".toml") || name.ends_with(SYNONYMS_FILE) {
            continue;
        }
        let Ok(value) = std::fs::read_to_string(&path)
            .map_err(|_| ())
            .and_then(|s| s.parse::<toml::Table>().map_err(|_| ()))
        else {
            continue;
        };
        if let Some(topic) = value.get("topic").and_then(|t| t.as_str()) {
            topics.insert(topic.to_string(), path.clone());
        }
        for q in value
            .get("question")
            .and_then(|q| q.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(id) = q.get("id").and_then(|i| i.as_str()) {
                ids.insert(id.to_string());
            }
        }
    }
    (topics, ids)
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let file = args.file.display().to_string();
    let name = args
        .file
        .file_name()
        .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
    let src = std::fs::read_to_string(&args.file).map_err(|e| {
        anyhow::anyhow!("cannot read {file} ({e}): pass a UTF-8 text file that exists")
    })?;
    let parsed = match args.from {
        Format::Red => red::parse(&src),
        Format::Csv => csv_file::parse(&src),
    }
    .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let topic = match &args.topic {
        Some(t) if is_kebab(t) => t.clone(),
        Some(t) => anyhow::bail!(
            "--topic `{t}` is not a kebab-case id: use lower-case letters, digits and single hyphens, such as `{}`",
            kebab(t)
        ),
        None => {
            let stem = args.file.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
            let t = kebab(&stem);
            if t.is_empty() {
                anyhow::bail!("cannot make a topic id from the file name `{name}`: pass --topic");
            }
            t
        }
    };
    let (topics, taken) = existing(&args.dir);
    let (what, no_explanation) = match args.from {
        Format::Red => (
            "Red trivia list",
            "Imported from a Red trivia list; no explanation was given.",
        ),
        Format::Csv => (
            "CSV file",
            "Imported from a CSV file; no explanation was given.",
        ),
    };
    let mut header = vec![format!(
        "Imported from the {what} {name} by `interview-bot questions import`; every question passed `questions check`."
    )];
    if let Some(a) = &parsed.author {
        header.push(format!("Author: {}", at_most(a, 200)));
    }
    if let Some(d) = &parsed.description {
        header.push(format!("Description: {}", at_most(d, 200)));
    }
    let by = parsed
        .author
        .as_deref()
        .map(|a| format!(" by {a}"))
        .unwrap_or_default();
    let settings = convert::Settings {
        topic,
        title: args.title.clone(),
        difficulty: args.difficulty,
        source: at_most(&format!("{what} {name}{by}"), 100),
        no_explanation: no_explanation.into(),
        header,
        taken,
    };
    let working = super::progress::spinner(format!(
        "converting {} entries and grading their examples",
        parsed.entries.len()
    ));
    let outcome = convert::convert(&parsed.entries, &settings);
    working.finish_and_clear();
    let outcome = outcome.map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let mut skipped = parsed.skipped;
    skipped.extend(outcome.skipped);
    skipped.sort_by_key(|s| s.line);
    // Nothing is written unless every file can be.
    for f in &outcome.files {
        let path = args.dir.join(format!("{}.toml", f.topic));
        if path.exists() {
            anyhow::bail!(
                "{} already exists: pass --topic to import under another topic id, or move that file away",
                path.display()
            );
        }
        if let Some(other) = topics.get(&f.topic) {
            anyhow::bail!(
                "topic `{}` is already the topic of {}: pass --topic to import under another topic id",
                f.topic,
                other.display()
            );
        }
    }
    let mut report = String::new();
    let converted: usize = outcome.files.iter().map(|f| f.questions).sum();
    let total = converted + skipped.len();
    if converted > 0 {
        std::fs::create_dir_all(&args.dir)
            .map_err(|e| anyhow::anyhow!("cannot make the folder {} ({e})", args.dir.display()))?;
    }
    for f in &outcome.files {
        let path = args.dir.join(format!("{}.toml", f.topic));
        std::fs::write(&path, &f.text)
            .map_err(|e| anyhow::anyhow!("cannot write {} ({e})", path.display()))?;
        let _ = writeln!(
            report,
            "wrote {} question{} to {} (topic `{}`)",
            f.questions,
            if f.questions == 1 { "" } else { "s" },
            path.display(),
            f.topic
        );
    }
    let _ = writeln!(
        report,
        "converted {converted} of {total} questions from {file}"
    );
    if !skipped.is_empty() {
        let _ = writeln!(report, "not converted ({}):", skipped.len());
        for s in &skipped {
            let _ = writeln!(report, "  {name}:{}: {}", s.line, s.why);
        }
    }
    let mut out = std::io::stdout().lock();
    out.write_all(report.as_bytes())?;
    if converted == 0 {
        let _ = writeln!(
            std::io::stderr(),
            "error: nothing was converted, so nothing was written"
        );
        return Ok(ExitCode::FAILURE);
    }
    // The folder as a bank, as `questions check` sees it.
    let source = BankSource::Dir(args.dir.clone());
    match Bank::load(&source) {
        Ok(bank) => {
            let grader = crate::grade::Grader::new(&bank);
            let problems = super::questions::problems(&bank, &grader);
            if problems.is_empty() {
                let (q, t) = (bank.questions().len(), bank.topics().len());
                writeln!(
                    out,
                    "{}: `questions check` passes ({q} question{} in {t} topic{})",
                    args.dir.display(),
                    if q == 1 { "" } else { "s" },
                    if t == 1 { "" } else { "s" },
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            let _ = write!(std::io::stderr(), "{}", crate::bank::BankErrors(problems));
        }
        Err(errors) => {
            let _ = write!(std::io::stderr(), "{errors}");
        }
    }
    Ok(ExitCode::FAILURE)
}
