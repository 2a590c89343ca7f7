//! The export's writers: CSV that survives commas, quotes, newlines and formula characters; JSON
//! that parses; a zip that opens, or nothing when it would pass its cap.

use super::*;
use std::io::Read;

fn answer(text: &str) -> AnswerRow {
    AnswerRow {
        round: 7,
        track: "main".into(),
        day: "2026-06-10".into(),
        question: "process-vs-thread".into(),
        topic: "processes-threads".into(),
        member: 1_234_567_890_123_456_789,
        verdict: Verdict::Partial,
        score: 0.5,
        points: 5,
        answered_at: "2026-06-10T12:34:56.789Z".parse().unwrap(),
        answer: text.into(),
    }
}

fn member() -> MemberRow {
    MemberRow {
        member: 42,
        points: 30,
        answers: 3,
        correct: 2,
        current_streak: 2,
        best_streak: 3,
    }
}

fn audit() -> AuditRow {
    AuditRow {
        entry: 1,
        at: "2026-06-11T08:00:00Z".parse().unwrap(),
        actor: None,
        action: "points".into(),
        member: Some(42),
        reason: "-5 for a typo, \"fixed\"".into(),
        before: r#"{"points":35}"#.into(),
        after: r#"{"points":30}"#.into(),
    }
}

/// Files kept in memory, by name.
#[derive(Default)]
struct Memory(Vec<(String, Vec<u8>)>);

impl Write for Memory {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0.last_mut().expect("a file").1.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Files for Memory {
    fn start(&mut self, name: &str) -> io::Result<()> {
        self.0.push((name.into(), vec![]));
        Ok(())
    }
}

fn feed<F: Files>(e: &mut Exporter<F>, answers: &[AnswerRow]) {
    e.table(Table::Answers).unwrap();
    for a in answers {
        e.row(Row::Answer(a)).unwrap();
    }
    e.table(Table::Members).unwrap();
    e.row(Row::Member(&member())).unwrap();
    e.table(Table::AuditLog).unwrap();
    e.row(Row::Audit(&audit())).unwrap();
}

fn records(csv: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(csv)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_cells_keep_commas_quotes_and_newlines_and_defuse_formulas() {
    let tricky = "Threads, \"mostly\", share\nmemory";
    let mut e = Exporter::new(Format::Csv, Memory::default());
    feed(
        &mut e,
        &[
            answer(tricky),
            answer("=HYPERLINK(\"x\")"),
            answer("+1"),
            answer("-1"),
            answer("@a"),
        ],
    );
    let (Memory(files), counts) = e.finish().unwrap();
    assert_eq!(counts, [5, 1, 1]);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["answers.csv", "members.csv", "audit-log.csv"]);
    let header = csv::Reader::from_reader(&files[0].1[..])
        .headers()
        .unwrap()
        .clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), Table::Answers.columns());
    let rows = records(&files[0].1);
    assert_eq!(
        rows[0],
        [
            "7",
            "main",
            "2026-06-10",
            "process-vs-thread",
            "processes-threads",
            "1234567890123456789",
            "partial",
            "0.500",
            "5",
            "2026-06-10T12:34:56.789Z",
            tricky
        ]
    );
    let texts: Vec<&str> = rows[1..].iter().map(|r| r[10].as_str()).collect();
    assert_eq!(texts, ["'=HYPERLINK(\"x\")", "'+1", "'-1", "'@a"]);
    assert_eq!(records(&files[1].1), [["42", "30", "3", "2", "2", "3"]]);
    let audit = records(&files[2].1);
    assert_eq!(
        audit,
        [[
            "1",
            "2026-06-11T08:00:00.000Z",
            "",
            "points",
            "42",
            "'-5 for a typo, \"fixed\"",
            r#"{"points":35}"#,
            r#"{"points":30}"#
        ]]
    );
}

#[test]
fn json_files_are_arrays_with_ids_as_strings_and_text_as_written() {
    let mut e = Exporter::new(Format::Json, Memory::default());
    feed(&mut e, &[answer("=1+1"), answer("a, \"b\"\nc")]);
    let (Memory(files), _) = e.finish().unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["answers.json", "members.json", "audit-log.json"]);
    let answers: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
    assert_eq!(answers[0]["member_id"], "1234567890123456789");
    assert_eq!(answers[0]["answer"], "=1+1");
    assert_eq!(answers[1]["answer"], "a, \"b\"\nc");
    let audit: serde_json::Value = serde_json::from_slice(&files[2].1).unwrap();
    assert_eq!(audit[0]["actor_id"], serde_json::Value::Null);
    assert_eq!(audit[0]["before"]["points"], 35);
}

#[test]
fn an_empty_table_is_an_empty_json_array_and_a_csv_header() {
    for format in [Format::Json, Format::Csv] {
        let mut e = Exporter::new(format, Memory::default());
        for t in Table::ALL {
            e.table(t).unwrap();
        }
        let (Memory(files), counts) = e.finish().unwrap();
        assert_eq!(counts, [0, 0, 0]);
        for (_, bytes) in files {
            match format {
                Format::Json => {
                    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    assert_eq!(v, serde_json::json!([]));
                }
                Format::Csv => assert!(records(&bytes).is_empty()),
            }
        }
    }
}

#[test]
fn a_zip_opens_with_the_three_csvs() {
    let mut e = Exporter::new(Format::Csv, ZipFiles::new(1024 * 1024));
    feed(&mut e, &[answer("fine")]);
    let (files, _) = e.finish().unwrap();
    let zip = files.finish().unwrap().expect("under the cap");
    let mut archive = zip::ZipArchive::new(io::Cursor::new(zip)).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["answers.csv", "audit-log.csv", "members.csv"]);
    let mut text = String::new();
    archive
        .by_name("members.csv")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(records(text.as_bytes()), [["42", "30", "3", "2", "2", "3"]]);
}

#[test]
fn a_zip_past_its_cap_is_none_not_a_broken_file() {
    let files = ZipFiles::new(2048);
    let over = files.over_cap();
    let mut e = Exporter::new(Format::Csv, files);
    // Text that does not compress: a different number on every line.
    let rows: Vec<AnswerRow> = (0..2000u64)
        .map(|i| answer(&format!("{}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15))))
        .collect();
    e.table(Table::Answers).unwrap();
    let mut refused = false;
    for r in &rows {
        if e.row(Row::Answer(r)).is_err() {
            refused = true;
            break;
        }
    }
    let finished = if refused {
        None
    } else {
        e.finish().ok().and_then(|(f, _)| f.finish().unwrap())
    };
    assert!(finished.is_none());
    assert!(over.load(Ordering::Relaxed));
}
