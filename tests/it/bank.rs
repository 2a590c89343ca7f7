use crate::util::{bot, data, repo, run};
use interview_bot::bank::{Bank, BankSource, Difficulty, Kind, KindName};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

fn real_bank() -> Bank {
    Bank::load(&BankSource::Dir(repo("questions"))).unwrap_or_else(|e| panic!("{e}"))
}

fn errors_of(dir: &str) -> Vec<String> {
    match Bank::load(&BankSource::Dir(data(dir))) {
        Ok(_) => panic!("{dir} should be refused"),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

/// The error about `file` (and `needle`) with its line, so a test names the exact place.
fn has_error(errors: &[String], file_and_line: &str, needle: &str) {
    assert!(
        errors
            .iter()
            .any(|e| e.contains(file_and_line) && e.contains(needle)),
        "no error at {file_and_line} saying {needle:?} in:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_real_bank_meets_the_issue() {
    let bank = real_bank();
    let qs = bank.questions();
    assert!(qs.len() >= 120, "only {} questions", qs.len());
    let minimum = [
        ("processes-threads", 10),
        ("semver", 10),
        ("transformers", 10),
        ("data-engineering", 10),
        ("ai-learning", 5),
    ];
    for (topic, min) in minimum {
        let n = qs.iter().filter(|q| q.topic == topic).count();
        assert!(n >= min, "topic {topic} has {n} questions, needs {min}");
    }
    let kinds: HashSet<KindName> = qs.iter().map(|q| q.kind.name()).collect();
    assert_eq!(
        kinds.len(),
        KindName::ALL.len(),
        "every kind is used: {kinds:?}"
    );
    let difficulties: HashSet<Difficulty> = qs.iter().map(|q| q.difficulty).collect();
    assert_eq!(difficulties.len(), 3);
    let required = [
        ("process-vs-thread", KindName::FreeText),
        ("program-vs-process", KindName::FreeText),
        ("coroutine-vs-thread", KindName::FreeText),
        ("list-linux-processes", KindName::Short),
        ("semver-parts", KindName::FreeText),
        ("semver-bump", KindName::Generated),
        ("positional-encoding", KindName::FreeText),
        ("masked-attention", KindName::FreeText),
        ("oltp-vs-olap", KindName::FreeText),
        ("batch-vs-stream", KindName::FreeText),
        ("normalization-vs-denormalization", KindName::FreeText),
    ];
    for (id, kind) in required {
        let q = bank
            .get(id)
            .unwrap_or_else(|| panic!("the bank has no `{id}`"));
        assert_eq!(q.kind.name(), kind, "{id}");
    }
    let Some(Kind::Short { accept, answer, .. }) =
        bank.get("list-linux-processes").map(|q| &q.kind)
    else {
        unreachable!()
    };
    let all: Vec<&str> = std::iter::once(answer.as_str())
        .chain(accept.iter().map(|s| s.as_str()))
        .collect();
    for cmd in ["ps", "top", "htop", "pgrep", "pstree"] {
        assert!(
            all.contains(&cmd),
            "list-linux-processes accepts {cmd}: {all:?}"
        );
    }
}

#[test]
fn every_free_text_rubric_is_complete() {
    for q in real_bank().questions() {
        if let Kind::FreeText(r) = &q.kind {
            assert!((2..=5).contains(&r.points.len()), "{}", q.id);
            assert!(r.points.iter().all(|p| !p.phrasings.is_empty()), "{}", q.id);
            assert!(!r.model_answer.is_empty(), "{}", q.id);
        }
    }
}

#[test]
fn the_built_in_bank_equals_the_folder() {
    let mut on_disk: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(repo("questions")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|x| x == "toml" || x == "jsonl")
        {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            on_disk.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    let built_in: BTreeMap<String, String> = Bank::builtin_files()
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
    assert_eq!(built_in, on_disk, "rebuild: the embedded bank is stale");
    let a = Bank::load(&BankSource::Builtin).unwrap();
    let b = real_bank();
    assert_eq!(a.questions().len(), b.questions().len());
    for (x, y) in a.questions().iter().zip(b.questions()) {
        assert_eq!((&x.id, &x.kind, &x.prompt), (&y.id, &y.kind, &y.prompt));
    }
    assert_eq!(a.precedents().len(), 7452, "the dev split is built in");
    let graded = |bank: &Bank| -> Vec<(String, String, interview_bot::bank::Expect)> {
        bank.precedents()
            .iter()
            .map(|p| (p.question.clone(), p.answer.clone(), p.verdict))
            .collect()
    };
    assert_eq!(graded(&a), graded(&b));
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let errors = errors_of("banks/broken-syntax");
    assert_eq!(errors.len(), 1, "{errors:?}");
    has_error(
        &errors,
        "broken-syntax/semver.toml:8:",
        "invalid basic string",
    );
}

#[test]
fn wrong_types_name_the_file_line_and_field() {
    let errors = errors_of("banks/broken-types");
    assert_eq!(
        errors.len(),
        3,
        "one error per file, all reported: {errors:?}"
    );
    has_error(
        &errors,
        "broken-types/semver.toml:15: question `semver-patch-meaning`",
        "`difficulty` is 2; it must be one of: easy, medium, hard",
    );
    has_error(
        &errors,
        "broken-types/threads.toml:5: question `threads-share-heap`",
        "`kind` is \"true_or_false\"",
    );
    has_error(
        &errors,
        "broken-types/wrong-type.toml:9:",
        "expected a sequence",
    );
}

#[test]
fn every_rule_violation_is_reported_together_with_its_question() {
    let errors = errors_of("banks/broken-rules");
    let f = "broken-rules/mixed.toml";
    let expected = [
        (
            5,
            "choice-out-of-range",
            "`answer` 4 is out of range: there are 3 options, so it must be 1 to 3",
        ),
        (15, "choice-repeated-option", "option 3 repeats option 1"),
        (25, "rubric-empty", "the rubric is empty"),
        // A free-text question without its examples: one error per verdict it lacks.
        (
            25,
            "rubric-empty",
            "[question.examples] has 0 `correct` answer(s); a free_text question needs at least 6",
        ),
        (
            25,
            "rubric-empty",
            "[question.examples] has 0 `partial` answer(s); a free_text question needs at least 2",
        ),
        (
            25,
            "rubric-empty",
            "[question.examples] has 0 `wrong` answer(s); a free_text question needs at least 4",
        ),
        (
            34,
            "order-too-short",
            "has 2 items; an order question needs 3 to 6",
        ),
        (43, "no-explanation", "has no `explanation`"),
        (
            51,
            "option-too-long",
            "option 2 is 90 characters; a button label holds at most 80",
        ),
        (
            61,
            "prompt-too-long",
            "`prompt` is 4150 characters; an embed description holds at most 4096",
        ),
        (
            70,
            "field-of-another-kind",
            "`options` does not belong to a true_false question",
        ),
        (
            80,
            "rival-accepted",
            "`rivals` lists `TOP`, which is an accepted answer: a name is either right or a rival",
        ),
        (
            95,
            "rival-of-a-version",
            "`rivals` is for names: remove it from a question normalised as a version",
        ),
    ];
    for (line, id, wording) in expected {
        has_error(&errors, &format!("{f}:{line}: question `{id}`"), wording);
    }
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
}

#[test]
fn a_duplicate_id_points_at_both_places() {
    let errors = errors_of("banks/duplicate-ids");
    assert_eq!(errors.len(), 1);
    has_error(
        &errors,
        "duplicate-ids/b.toml:14: question `same-id`",
        "already used at",
    );
    has_error(&errors, "b.toml:14", "duplicate-ids/a.toml:5");
}

#[test]
fn check_prints_a_summary_or_the_errors() {
    let (ok, out, _) = run(bot().args(["questions", "check"]).arg(data("banks/good")));
    assert!(ok);
    assert!(out.starts_with("ok: 7 questions in 1 topics"), "{out}");
    assert!(
        out.contains(
            "kinds: choice 1, multi 1, true_false 1, order 1, short 1, free_text 1, generated 1"
        ),
        "{out}"
    );

    let (ok, out, err) = run(bot()
        .args(["questions", "check"])
        .arg(data("banks/broken-rules")));
    assert!(!ok, "a broken bank exits non-zero");
    assert!(out.is_empty());
    assert!(err.contains("the question bank has 13 errors"), "{err}");
    assert!(
        err.contains("mixed.toml:34: question `order-too-short`"),
        "{err}"
    );
}

#[test]
fn other_commands_refuse_a_broken_bank_with_the_same_errors() {
    let (ok, _, err) = run(bot()
        .arg("--questions")
        .arg(data("banks/duplicate-ids"))
        .args(["questions", "list"]));
    assert!(!ok);
    assert!(
        err.contains("b.toml:14: question `same-id`: the id is already used"),
        "{err}"
    );
}

#[test]
fn a_missing_folder_is_named() {
    let (ok, _, err) = run(bot().args(["questions", "check", "no-such-folder"]));
    assert!(!ok);
    assert!(
        err.contains("no-such-folder") && err.contains("cannot read the question folder"),
        "{err}"
    );
}

#[test]
fn list_json_has_the_contract_fields() {
    let (ok, out, _) = run(bot().args(["questions", "list", "--json", "--topic", "semver"]));
    assert!(ok);
    let list: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(list.len() >= 10);
    for q in &list {
        for field in ["id", "topic", "kind", "difficulty", "prompt"] {
            assert!(
                q[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {q}"
            );
        }
        assert_eq!(q["topic"], "semver");
    }
    assert!(list
        .iter()
        .any(|q| q["id"] == "semver-bump" && q["kind"] == "generated"));

    let (ok, _, err) = run(bot().args(["questions", "list", "--topic", "astrology"]));
    assert!(!ok);
    assert!(
        err.contains("no topic `astrology`") && err.contains("semver"),
        "{err}"
    );
}

#[test]
fn show_prints_a_short_questions_accepted_answers_and_rivals() {
    let (ok, out, _) = run(bot().args(["questions", "show", "de-columnar-file-format"]));
    assert!(ok);
    assert!(out.contains("answer: Parquet"), "{out}");
    assert!(out.contains("also accepted: Apache Parquet | ORC"), "{out}");
    assert!(
        out.contains("rivals (half, beside the answer): Avro | CSV"),
        "{out}"
    );
}

#[test]
fn show_prints_a_generated_instance_for_a_seed() {
    let (ok, a, _) = run(bot().args(["questions", "show", "semver-bump", "--seed", "7"]));
    assert!(ok);
    let (_, b, _) = run(bot().args(["questions", "show", "semver-bump", "--seed", "7"]));
    assert_eq!(a, b, "the same seed shows the same instance");
    assert!(a.contains("answer: "), "{a}");
    let (_, c, _) = run(bot().args(["questions", "show", "semver-bump", "--seed", "8"]));
    assert_ne!(a, c);

    let (ok, _, err) = run(bot().args(["questions", "show", "no-such-id"]));
    assert!(!ok);
    assert!(err.contains("no question has the id `no-such-id`"), "{err}");
}

#[test]
fn the_binary_alone_uses_the_built_in_bank() {
    let empty = tempfile::tempdir().unwrap();
    let (ok, out, _) = run(bot().current_dir(empty.path()).args(["questions", "check"]));
    assert!(ok);
    assert!(out.contains("(the built-in bank)"), "{out}");
}

#[test]
fn generated_instances_are_fixed_by_the_seed() {
    use interview_bot::bank::generated::instance;
    use interview_bot::bank::Template;
    // Golden: a stored round's seed must show the same instance on every platform and release.
    let i = instance(Template::SemverBump, 7);
    assert!(i.prompt.contains("**2.2.4**"), "{}", i.prompt);
    assert_eq!(i.answer, "2.2.5");
    for seed in 0..300 {
        for t in [Template::SemverBump, Template::SemverPrecedence] {
            assert_eq!(instance(t, seed), instance(t, seed));
        }
    }
    let distinct: HashSet<String> = (0..50)
        .map(|s| instance(Template::SemverPrecedence, s).prompt)
        .collect();
    assert!(distinct.len() > 40, "seeds give varied instances");
}

#[test]
fn generated_bump_answers_follow_the_prompt() {
    use interview_bot::bank::generated::instance;
    use interview_bot::bank::Template;
    for seed in 0..300 {
        let i = instance(Template::SemverBump, seed);
        let current: semver::Version = i.prompt.split("**").nth(1).unwrap().parse().unwrap();
        let next: semver::Version = i.answer.parse().unwrap();
        let expected = if i.explanation.contains("raises PATCH") {
            semver::Version::new(current.major, current.minor, current.patch + 1)
        } else if i.explanation.contains("raises MINOR") {
            semver::Version::new(current.major, current.minor + 1, 0)
        } else {
            semver::Version::new(current.major + 1, 0, 0)
        };
        assert_eq!(next, expected, "seed {seed}: {}", i.prompt);
    }
}

#[test]
fn option_order_is_shuffled_per_seed_and_stable() {
    let bank = real_bank();
    let q = bank
        .questions()
        .iter()
        .find(|q| q.kind.name() == KindName::Choice)
        .unwrap();
    assert_eq!(q.instance(3).order, q.instance(3).order);
    let orders: HashSet<Vec<usize>> = (0..30).map(|s| q.instance(s).order).collect();
    assert!(orders.len() > 1, "different seeds give different orders");
}

/// `n` true/false questions as one topic file; every third has a prompt over three lines, so
/// questions start at irregular lines. Question `broken` has a difficulty of 2.
fn big_topic_file(n: usize, broken: usize) -> String {
    let mut src = String::from("topic = \"big\"\ntitle = \"Big\"\n\n");
    for i in 0..n {
        let prompt = if i % 3 == 0 {
            format!("\"\"\"\nStatement {i}\nis true.\n\"\"\"")
        } else {
            format!("\"Statement {i} is true.\"")
        };
        let difficulty = if i == broken { "2" } else { "\"easy\"" };
        src.push_str(&format!(
            "[[question]]\nid = \"q-{i}\"\nkind = \"true_false\"\ndifficulty = {difficulty}\n\
             prompt = {prompt}\nanswer = true\nexplanation = \"It is.\"\nsource = \"test\"\n\n"
        ));
    }
    src
}

/// The line of each `id = "..."` in a topic file, read line by line.
fn id_lines(src: &str) -> BTreeMap<String, usize> {
    src.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let id = line.strip_prefix("id = \"")?.strip_suffix('"')?;
            Some((id.to_string(), i + 1))
        })
        .collect()
}

#[test]
fn every_question_of_a_big_file_is_located_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let src = big_topic_file(6_000, usize::MAX);
    std::fs::write(dir.path().join("big.toml"), &src).unwrap();
    let bank = Bank::load(&BankSource::Dir(dir.path().into())).unwrap_or_else(|e| panic!("{e}"));
    let lines = id_lines(&src);
    assert_eq!(bank.questions().len(), 6_000);
    for q in bank.questions() {
        assert_eq!(q.line, lines[&q.id.0], "question `{}`", q.id);
    }
}

#[test]
fn an_error_deep_in_a_big_file_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let src = big_topic_file(6_000, 5_000);
    let file = dir.path().join("big.toml");
    std::fs::write(&file, &src).unwrap();
    let line = id_lines(&src)["q-5000"];
    assert!(
        line > 40_000,
        "question 5,000 is deep in the file: line {line}"
    );
    let expected = format!(
        "{}:{line}: question `q-5000`: `difficulty` is 2",
        file.display()
    );

    let errors: Vec<String> = match Bank::load(&BankSource::Dir(dir.path().into())) {
        Ok(_) => panic!("a difficulty of 2 is refused"),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with(&expected), "{errors:?}");

    let err = check_fails(dir.path());
    assert!(err.contains(&expected), "{err}");
}

/// `questions check` on `dir` exits with 1; what it printed on stderr.
fn check_fails(dir: &Path) -> String {
    let out = bot()
        .args(["questions", "check"])
        .arg(dir)
        .output()
        .expect("the binary runs");
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("ok:"), "{stdout}");
    stderr
}

/// A copy of the good bank in a temporary folder, to break one entry of.
fn good_bank_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(data("banks/good")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

/// Each broken entry, made by `make` in a copy of the good bank, is refused by the loader and by
/// `questions check` with an error that names the entry's path and says what to do.
#[cfg(unix)]
fn refused(make: impl Fn(&Path), entries: &[(&str, &str)]) {
    let dir = good_bank_copy();
    make(dir.path());
    let expected: Vec<String> = entries
        .iter()
        .map(|(name, says)| format!("{}: {says}", dir.path().join(name).display()))
        .collect();

    let errors: Vec<String> = match Bank::load(&BankSource::Dir(dir.path().into())) {
        Ok(_) => panic!("the loader skipped {entries:?}"),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    };
    assert_eq!(errors.len(), entries.len(), "{errors:#?}");
    for e in &expected {
        assert!(
            errors.iter().any(|x| x.starts_with(e)),
            "{e} in {errors:#?}"
        );
    }

    let err = check_fails(dir.path());
    let n = entries.len();
    assert!(
        err.contains(&format!(
            "the question bank has {n} error{}",
            if n == 1 { "" } else { "s" }
        )),
        "{err}"
    );
    for e in &expected {
        assert!(err.contains(e), "{e} in {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_link_in_the_bank_is_an_error() {
    refused(
        |dir| std::os::unix::fs::symlink("gone.toml", dir.join("semver.toml")).unwrap(),
        &[(
            "semver.toml",
            "is a symbolic link to `gone.toml`, where there is no file: point the link at a topic file, or remove it",
        )],
    );
}

#[cfg(unix)]
#[test]
fn a_loop_of_links_in_the_bank_is_an_error() {
    let says = "that cannot be followed";
    refused(
        |dir| {
            std::os::unix::fs::symlink("b.toml", dir.join("a.toml")).unwrap();
            std::os::unix::fs::symlink("a.toml", dir.join("b.toml")).unwrap();
            std::os::unix::fs::symlink("self.toml", dir.join("self.toml")).unwrap();
        },
        &[
            ("a.toml", &format!("is a symbolic link to `b.toml` {says}")),
            ("b.toml", &format!("is a symbolic link to `a.toml` {says}")),
            (
                "self.toml",
                &format!("is a symbolic link to `self.toml` {says}"),
            ),
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_the_bank_is_an_error_and_never_opened() {
    refused(
        |dir| {
            let made = std::process::Command::new("mkfifo")
                .arg(dir.join("pipe.toml"))
                .status()
                .expect("mkfifo runs");
            assert!(made.success());
        },
        &[(
            "pipe.toml",
            "is a named pipe (FIFO), not a topic file: replace it with a topic file, or remove it",
        )],
    );
}

#[cfg(unix)]
#[test]
fn a_folder_named_like_a_topic_file_is_an_error() {
    refused(
        |dir| {
            std::fs::create_dir(dir.join("x.toml")).unwrap();
            std::fs::copy(
                data("banks/good/example.toml"),
                dir.join("x.toml/inner.toml"),
            )
            .unwrap();
        },
        &[("x.toml", "is a folder, not a topic file")],
    );
}

#[cfg(unix)]
#[test]
fn every_broken_entry_is_reported_with_the_errors_of_the_files() {
    refused(
        |dir| {
            std::os::unix::fs::symlink("gone.toml", dir.join("dangling.toml")).unwrap();
            std::os::unix::fs::symlink("self.toml", dir.join("self.toml")).unwrap();
            std::fs::create_dir(dir.join("x.toml")).unwrap();
            std::fs::copy(
                data("banks/broken-types/threads.toml"),
                dir.join("threads.toml"),
            )
            .unwrap();
        },
        &[
            ("dangling.toml", "is a symbolic link to `gone.toml`"),
            ("self.toml", "is a symbolic link to `self.toml`"),
            ("threads.toml:5: question `threads-share-heap`", "`kind` is"),
            ("x.toml", "is a folder"),
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_a_topic_file_elsewhere_is_a_topic_file() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        data("banks/good/example.toml"),
        dir.path().join("linked.toml"),
    )
    .unwrap();
    let bank = Bank::load(&BankSource::Dir(dir.path().into())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bank.questions().len(), 7);
}

/// Emacs marks a file it is editing with a dangling link `.#name.toml`; the bot must still start.
#[cfg(unix)]
#[test]
fn an_editors_lock_file_is_not_a_topic_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        data("banks/good/example.toml"),
        dir.path().join("example.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("me@host.1234:1700000000", dir.path().join(".#example.toml"))
        .unwrap();
    let bank = Bank::load(&BankSource::Dir(dir.path().into())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bank.questions().len(), 7);
}
