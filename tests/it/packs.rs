//! Packs: several banks loaded together (`--questions` given several times, a colon-separated
//! list, `INTERVIEW_BOT_QUESTIONS`), code blocks in prompts and explanations counted as Discord
//! receives them, and `questions import` from Red trivia lists and CSV files.

mod import;

use crate::spec;
use crate::util::{bot, data, run};
use chrono::{TimeZone, Utc};
use interview_bot::bank::{markdown, posted, Bank, BankSource};
use std::path::Path;

fn pack(name: &str) -> String {
    data(&format!("packs/{name}")).display().to_string()
}

/// `questions list --json` ids, run with these extra arguments and environment.
fn listed_ids(args: &[&str], env: Option<&str>) -> Vec<String> {
    let mut cmd = bot();
    cmd.args(["questions", "list", "--json"]).args(args);
    if let Some(v) = env {
        cmd.env("INTERVIEW_BOT_QUESTIONS", v);
    }
    let (ok, out, err) = run(&mut cmd);
    assert!(ok, "{err}");
    let list: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    list.iter()
        .map(|q| q["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn several_banks_load_together_by_flag_list_or_variable() {
    let good = data("banks/good").display().to_string();
    let code = pack("code");
    let by_flags = listed_ids(&["--questions", &good, "--questions", &code], None);
    let by_list = listed_ids(&["--questions", &format!("{good}:{code}")], None);
    let by_env = listed_ids(&[], Some(&format!("{good}:{code}")));
    for id in [
        "semver-minor-meaning",
        "process-vs-thread",
        "fork-twice-prints",
    ] {
        assert!(by_flags.contains(&id.to_string()), "{id} in {by_flags:?}");
    }
    assert_eq!(by_flags, by_list);
    assert_eq!(by_flags, by_env);
    let alone = listed_ids(&["--questions", &code], None);
    assert_eq!(alone, ["fork-twice-prints", "thread-join-order"]);
}

#[test]
fn a_pack_loads_beside_the_built_in_bank() {
    let (ok, out, err) = run(bot().args([
        "questions",
        "check",
        "--questions",
        &format!("builtin:{}", pack("code")),
    ]));
    assert!(ok, "{err}");
    assert!(
        out.contains("(the built-in bank + ") && out.contains("packs/code)"),
        "{out}"
    );
    for topic in ["processes-threads", "semver", "c-programs"] {
        assert!(out.contains(&format!("\n{topic} ")), "{topic} in {out}");
    }
    // `check` takes the folders as arguments too.
    let (ok, out, err) = run(bot().args(["questions", "check", "builtin", &pack("code")]));
    assert!(ok && out.contains("packs/code)"), "{out}{err}");
}

#[test]
fn an_id_in_two_banks_names_both_places() {
    let (ok, _, err) = run(bot().args(["questions", "check", &pack("code"), &pack("clash-ids")]));
    assert!(!ok);
    let line = err
        .lines()
        .find(|l| l.contains("`thread-join-order`"))
        .unwrap_or_else(|| panic!("no error for the id in:\n{err}"));
    assert!(
        line.contains("packs/clash-ids/threads-extra.toml:14")
            && line.contains("packs/code/c-programs.toml:41")
            && line.contains("unique across every bank"),
        "{line}"
    );
}

#[test]
fn a_topic_in_two_banks_is_refused_naming_both_files() {
    let (ok, _, err) = run(bot().args([
        "questions",
        "check",
        "--questions",
        &format!("{}:{}", pack("code"), pack("clash-topic")),
    ]));
    assert!(!ok);
    assert!(
        err.contains(
            "packs/clash-topic/c-programs.toml:1: topic `c-programs` is also the topic of"
        ) && err.contains("packs/code/c-programs.toml:2")
            && err.contains("a topic lives in one bank only"),
        "{err}"
    );
}

#[test]
fn a_bank_named_twice_is_one_error_not_a_duplicate_of_every_id() {
    let (ok, _, err) = run(bot().args(["questions", "check", &pack("code"), &pack("code")]));
    assert!(!ok);
    assert!(err.contains("is named twice in --questions"), "{err}");
    assert!(!err.contains("already used"), "{err}");
}

#[test]
fn every_command_refuses_a_clash_between_banks() {
    let (ok, _, err) = run(bot().args([
        "questions",
        "list",
        "--questions",
        &pack("code"),
        "--questions",
        &pack("clash-ids"),
    ]));
    assert!(!ok);
    assert!(err.contains("`thread-join-order`"), "{err}");
}

// --- code blocks -------------------------------------------------------------------------

fn code_bank() -> Bank {
    Bank::load(&BankSource::Dir(data("packs/code"))).unwrap_or_else(|e| panic!("{e}"))
}

/// A real App on the code pack, its REST client pointed at a port nothing listens on (nothing
/// here sends).
fn code_app(dir: &Path) -> interview_bot::discord::App {
    let (bank, grader) = interview_bot::grade::load(&BankSource::Dir(data("packs/code"))).unwrap();
    let store = interview_bot::store::Store::open(dir.join("bot.db")).unwrap();
    let clock = interview_bot::quiz::ManualClock::new(Utc::now());
    let http = interview_bot::discord::app::rest_client(
        "test-token",
        crate::util::APP_ID,
        Some("http://127.0.0.1:9"),
    );
    interview_bot::discord::App::new(
        bank,
        grader,
        store,
        std::sync::Arc::new(clock),
        std::sync::Arc::new(http),
    )
}

fn round_of(question: &str, topic: &str) -> interview_bot::quiz::Round {
    use interview_bot::quiz::*;
    let opens = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    Round {
        id: RoundId(7),
        guild: GuildId(42),
        day: opens.date_naive(),
        question: question.into(),
        topic: topic.into(),
        difficulty: interview_bot::bank::Difficulty::Medium,
        seed: 3,
        opens_at: opens,
        closes_at: opens + chrono::Duration::hours(24),
        channel: Some(ChannelId(5)),
        message: None,
        state: RoundState::Open,
        track: TrackId::FIRST,
    }
}

const FORK_CODE: &str = "```c\n#include <stdio.h>\n#include <unistd.h>\n\nint main(void) {\n    fork();\n    fork();\n    printf(\"hello\\n\");\n    return 0;\n}\n```";

#[test]
fn a_code_block_is_posted_whole_and_the_loader_counts_what_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let app = code_app(dir.path());
    let round = round_of("fork-twice-prints", "c-programs");
    let msg = interview_bot::discord::post::round_message(&app, &round, None, 0).unwrap();
    let body = serde_json::to_value(&msg).unwrap();
    let description = body["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains(FORK_CODE), "{description}");
    assert_eq!(markdown::code_blocks(description).unwrap().len(), 1);
    assert!(description.ends_with(&format!(
        "```\n\nCloses <t:{}:R>.",
        round.closes_at.timestamp()
    )));
    // The loader's count is the description the post carries, character for character.
    let q = app.bank().get("fork-twice-prints").unwrap();
    let inst = q.instance(round.seed);
    assert_eq!(
        posted::description(&inst, Some(round.closes_at.timestamp())),
        description
    );
    // The reveal's "Why" is the explanation, its code block whole.
    let results = interview_bot::quiz::RoundResults {
        answers: 3,
        correct: 2,
        top: vec![],
        milestones: vec![],
    };
    let reveal = interview_bot::discord::render::reveal_embed(app.bank(), &inst, &results);
    let reveal = serde_json::to_value(serenity::all::CreateMessage::new().embed(reveal)).unwrap();
    let why = reveal["embeds"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Why")
        .unwrap()["value"]
        .as_str()
        .unwrap();
    assert_eq!(why, q.explanation);
    assert!(
        why.contains("```text\nmain\n") && why.ends_with("```"),
        "{why}"
    );
    spec::validate("message", &[body, reveal]);
}

#[test]
fn a_choice_question_with_code_posts_its_buttons_and_block() {
    let dir = tempfile::tempdir().unwrap();
    let app = code_app(dir.path());
    let round = round_of("thread-join-order", "c-programs");
    let msg = interview_bot::discord::post::round_message(&app, &round, None, 0).unwrap();
    let body = serde_json::to_value(&msg).unwrap();
    let description = body["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.contains("```c\npthread_t t;\n")
            && description.contains("puts(\"done\");\n```"),
        "{description}"
    );
    assert_eq!(
        body["components"][0]["components"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    spec::validate("message", &[body]);
}

/// A bank folder with one topic file holding `questions` (TOML `[[question]]` tables).
fn bank_with(questions: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.toml"),
        format!("topic = \"t\"\ntitle = \"T\"\n\n{questions}"),
    )
    .unwrap();
    dir
}

fn true_false(id: &str, prompt: &str) -> String {
    format!(
        "[[question]]\nid = \"{id}\"\nkind = \"true_false\"\ndifficulty = \"easy\"\nprompt = '''\n{prompt}'''\nanswer = true\nexplanation = \"Because.\"\nsource = \"semver\"\n\n"
    )
}

/// A prompt of exactly `chars` characters that ends in a code block.
fn prompt_with_code(chars: usize) -> String {
    let code = "```rust\nlet x = 1;\n```";
    let text = "w".repeat(chars - code.chars().count() - 1);
    format!("{text}\n{code}")
}

#[test]
fn a_prompt_that_fits_only_without_the_closing_time_is_refused() {
    // The daily post adds "\n\nCloses <t:...:R>." (27 characters counted) after the prompt: a
    // prompt of 4,070 would be clipped, its closing fence cut off.
    let dir = bank_with(&true_false("too-long", &prompt_with_code(4070)));
    let (ok, _, err) = run(bot().args(["questions", "check"]).arg(dir.path()));
    assert!(!ok);
    assert!(
        err.contains("t.toml:5: question `too-long`: the daily post's text (the prompt and the closing time) is 4097 characters; an embed description holds at most 4096: shorten the prompt by 1"),
        "{err}"
    );
    // One character less fits, and the post carries the block whole within the limit.
    let prompt = prompt_with_code(4069);
    let dir = bank_with(&true_false("just-fits", &prompt));
    let bank = Bank::load(&BankSource::Dir(dir.path().into())).unwrap_or_else(|e| panic!("{e}"));
    let inst = bank.get("just-fits").unwrap().instance(0);
    let round = round_of("just-fits", "t");
    let embed = interview_bot::discord::render::question_embed(&bank, &inst, Some(&round));
    let body = serde_json::to_value(serenity::all::CreateMessage::new().embed(embed)).unwrap();
    let description = body["embeds"][0]["description"].as_str().unwrap();
    assert!(description.chars().count() <= 4096);
    assert!(
        description.starts_with(&prompt),
        "the prompt is not clipped"
    );
    spec::validate("message", &[body]);
}

#[test]
fn an_order_questions_items_count_towards_the_description() {
    let items: Vec<String> = (1..=6)
        .map(|i| format!("\"{}{i}\"", "i".repeat(70)))
        .collect();
    let question = format!(
        "[[question]]\nid = \"long-order\"\nkind = \"order\"\ndifficulty = \"easy\"\nprompt = \"{}\"\nitems = [{}]\nexplanation = \"Because.\"\nsource = \"semver\"\n",
        "p".repeat(3700),
        items.join(", ")
    );
    let dir = bank_with(&question);
    let (ok, _, err) = run(bot().args(["questions", "check"]).arg(dir.path()));
    assert!(!ok);
    assert!(
        err.contains("`long-order`: the daily post's text (the prompt, the numbered items and the closing time) is 4203 characters"),
        "{err}"
    );
}

#[test]
fn an_open_code_fence_is_refused_with_its_line() {
    let question = true_false("open-fence", "Look:\n\n```python\nprint(1)\n");
    let dir = bank_with(&question);
    let (ok, _, err) = run(bot().args(["questions", "check"]).arg(dir.path()));
    assert!(!ok);
    assert!(
        err.contains(
            "`open-fence`: `prompt` opens a code block (```) on its line 3 that is never closed"
        ),
        "{err}"
    );
    let explanation = "[[question]]\nid = \"open-why\"\nkind = \"true_false\"\ndifficulty = \"easy\"\nprompt = \"Is it?\"\nanswer = true\nexplanation = \"See ```sh\\nls\"\nsource = \"semver\"\n";
    let dir = bank_with(explanation);
    let (ok, _, err) = run(bot().args(["questions", "check"]).arg(dir.path()));
    assert!(!ok);
    assert!(
        err.contains("`open-why`: `explanation` opens a code block (```) on its line 1"),
        "{err}"
    );
}

#[test]
fn a_clipped_prompt_keeps_its_code_block_closed() {
    // Where a prompt is shown shortened (an appeal shows its first 1,000 characters), the cut
    // never leaves a block open.
    let q = code_bank();
    let prompt = &q.get("fork-twice-prints").unwrap().prompt;
    for max in 10..prompt.chars().count() {
        let cut = markdown::clip(prompt, max);
        assert!(cut.chars().count() <= max);
        assert!(markdown::code_blocks(&cut).is_ok(), "{max}: {cut:?}");
    }
    assert_eq!(
        markdown::clip(prompt, 80),
        "How many lines does this program print?\n\n```c\n#include <stdio.h>\n…\n```"
    );
}

#[test]
fn the_list_shows_a_code_block_as_code_not_a_cut_fence() {
    let (ok, out, err) = run(bot().args(["questions", "list", "--questions", &pack("code")]));
    assert!(ok, "{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("fork-twice-prints "))
        .unwrap();
    assert!(
        line.ends_with("How many lines does this program print? [code]"),
        "{line}"
    );
    assert!(!out.contains("```"), "{out}");
}

#[test]
fn check_into_a_closed_pipe_does_not_panic() {
    // `questions check DIRS | head -1`: the reader is gone before the summary is written.
    let mut child = bot()
        .args(["questions", "check", "builtin", &pack("code")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
}
