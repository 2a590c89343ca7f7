//! Reading a CSV file of questions: `prompt,answer[,topic,difficulty,explanation]` a row, the
//! header line optional, fields quoted where they hold a comma, a quote or a line break.

use super::{kebab, Entry, Parsed, Skipped};
use crate::bank::Difficulty;

const ROW: &str =
    "a row is prompt,answer[,topic,difficulty,explanation] (quote a field that holds a comma)";

/// Whether a row is the header line.
fn is_header(fields: &[String]) -> bool {
    fields.len() >= 2
        && fields[0].trim().eq_ignore_ascii_case("prompt")
        && fields[1].trim().eq_ignore_ascii_case("answer")
}

pub fn parse(src: &str) -> Result<Parsed, String> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(src.as_bytes());
    let mut parsed = Parsed::default();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format!("line {line}: this is not valid CSV ({e})")
        })?;
        let line = record.position().map_or(0, |p| p.line()) as usize;
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        if n == 0 && is_header(&fields) {
            continue;
        }
        match row(&fields) {
            Ok(mut entry) => {
                entry.line = line;
                parsed.entries.push(entry);
            }
            Err(why) => parsed.skipped.push(Skipped { line, why }),
        }
    }
    Ok(parsed)
}

/// One row as an entry, or why it cannot be one.
fn row(fields: &[String]) -> Result<Entry, String> {
    if fields.len() < 2 || fields.len() > 5 {
        return Err(format!("has {} field(s); {ROW}", fields.len()));
    }
    let field = |i: usize| fields.get(i).filter(|f| !f.is_empty()).cloned();
    let prompt = field(0).ok_or("the prompt is empty")?;
    let answer = field(1).ok_or("the answer is empty")?;
    let topic = match field(2) {
        Some(t) if kebab(&t).is_empty() => {
            return Err(format!(
                "topic `{t}` has no letters or digits to make a topic id of"
            ))
        }
        t => t,
    };
    let difficulty = match field(3) {
        None => None,
        Some(d) => Some(Difficulty::parse(&d.to_lowercase()).ok_or_else(|| {
            format!("difficulty `{d}` is not easy, medium or hard (leave it empty for medium)")
        })?),
    };
    Ok(Entry {
        line: 0,
        prompt,
        answers: vec![answer],
        topic,
        difficulty,
        explanation: field(4),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_a_header_and_optional_columns() {
        let src = "prompt,answer,topic,difficulty,explanation\n\"Name a tool, any tool\",ps\n\"Say \"\"hi\"\"\",hi,Greetings,Easy,\"Because, well,\nit is polite.\"\n";
        let p = parse(src).unwrap();
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        assert_eq!(p.entries.len(), 2);
        let a = &p.entries[0];
        assert_eq!(
            (a.line, a.prompt.as_str(), a.answers.clone()),
            (2, "Name a tool, any tool", vec!["ps".to_string()])
        );
        assert_eq!((a.topic.as_deref(), a.difficulty), (None, None));
        let b = &p.entries[1];
        assert_eq!((b.line, b.prompt.as_str()), (3, "Say \"hi\""));
        assert_eq!(b.topic.as_deref(), Some("Greetings"));
        assert_eq!(b.difficulty, Some(Difficulty::Easy));
        assert_eq!(
            b.explanation.as_deref(),
            Some("Because, well,\nit is polite.")
        );
    }

    #[test]
    fn bad_rows_are_skipped_with_their_lines() {
        let src = "What?,\nOnly a prompt\nQ,A,t,extreme\nQ,A,,,,extra\n,A\nGood?,yes\n";
        let p = parse(src).unwrap();
        let lines: Vec<usize> = p.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5]);
        assert!(p.skipped[2]
            .why
            .contains("`extreme` is not easy, medium or hard"));
        assert!(p.skipped[3].why.contains("has 6 field(s)"));
        assert_eq!(p.entries.len(), 1);
        assert_eq!(p.entries[0].line, 6);
    }
}
