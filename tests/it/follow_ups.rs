//! Follow-ups: the bank's chains (every id resolves, none loops), `questions list --json`, a pack
//! digging into the built-in bank, and the **Follow-up** button through the real handler with the
//! JSON Discord sends, every response spec-validated.

use crate::discord::{custom_ids, is_private, Session};
use crate::interactions::{self as ix, GUILD};
use crate::util::{bot, repo, run, runtime};
use interview_bot::bank::{Bank, BankSource, Kind, KindName};
use interview_bot::quiz::{GuildId, UserId};
use serde_json::{json, Value};

const ADA: u64 = 811;
const BOB: u64 = 812;

/// A right answer to `process-vs-thread` (one of its own examples).
const PROCESS_VS_THREAD: &str =
    "A process has its own memory; threads share the memory of their process.";

fn builtin() -> Bank {
    Bank::load(&BankSource::Builtin).unwrap_or_else(|e| panic!("{e}"))
}

/// The question a reply asks: the id in its embed's footer ("medium · free_text · <id>").
fn asked(body: &Value) -> String {
    let footer = body["data"]["embeds"][0]["footer"]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("a question embed: {body}"));
    footer.rsplit(" · ").next().unwrap().to_string()
}

/// Answers the practice question that a reply shows, the way a member does: a text answer
/// through its modal, else the first button or option.
async fn answer_shown(s: &mut Session, shown: &Value, user: u64, text: &str) -> Value {
    let id = custom_ids(shown)[0].clone();
    if id.starts_with("1:pt:") {
        let modal = s.send(ix::button(&id, user)).await;
        assert_eq!(modal["type"], 9, "a modal: {modal}");
        let submit = modal["data"]["custom_id"].as_str().unwrap().to_string();
        s.send(ix::modal(&submit, text, user)).await
    } else if id.starts_with("1:pm:") {
        s.send(ix::select(&id, &["0"], user)).await
    } else {
        s.send(ix::button(&id, user)).await
    }
}

fn follow_up_button(body: &Value) -> Option<String> {
    custom_ids(body)
        .into_iter()
        .find(|id| id.starts_with("1:fu:"))
}

#[test]
fn the_built_in_bank_has_20_free_text_questions_with_follow_ups_and_every_chain_ends() {
    for bank in [
        builtin(),
        Bank::load(&BankSource::Dir(repo("questions"))).unwrap(),
    ] {
        let with: Vec<_> = bank
            .questions()
            .iter()
            .filter(|q| q.kind.name() == KindName::FreeText && !q.follow_ups.is_empty())
            .collect();
        assert!(
            with.len() >= 20,
            "only {} free-text questions with follow-ups",
            with.len()
        );
        let process = bank.get("process-vs-thread").unwrap();
        assert_eq!(process.follow_ups[0].id.0, "thread-shared-memory-hazards");
        let hazards = bank.get("thread-shared-memory-hazards").unwrap();
        assert_eq!(hazards.follow_ups[0].id.0, "race-condition-name");
        // Every chain resolves to questions of the bank and ends: walked to its ends, it never
        // grows longer than the bank has questions.
        for q in bank.questions() {
            let mut frontier = vec![(q, 0usize)];
            while let Some((at, depth)) = frontier.pop() {
                assert!(
                    depth < bank.questions().len(),
                    "a chain from {} never ends",
                    q.id
                );
                for f in &at.follow_ups {
                    let next = bank
                        .get(&f.id.0)
                        .unwrap_or_else(|| panic!("{} names a missing follow-up {}", at.id, f.id));
                    assert_ne!(next.id, q.id, "a chain from {} comes back to it", q.id);
                    frontier.push((next, depth + 1));
                }
            }
        }
    }
}

#[test]
fn list_json_shows_each_questions_follow_ups() {
    let (ok, out, err) = run(bot().args([
        "questions",
        "list",
        "--json",
        "--topic",
        "processes-threads",
    ]));
    assert!(ok, "{err}");
    let list: Vec<Value> = serde_json::from_str(&out).unwrap();
    let of = |id: &str| {
        list.iter()
            .find(|q| q["id"] == id)
            .unwrap_or_else(|| panic!("{id} listed"))["follow_ups"]
            .clone()
    };
    assert_eq!(
        of("process-vs-thread"),
        json!([
            "thread-shared-memory-hazards",
            "thread-communication-speed",
            "process-context-switch-cost"
        ])
    );
    assert_eq!(
        of("race-condition-name"),
        json!([]),
        "an empty list, never missing"
    );
    assert!(list.iter().all(|q| q["follow_ups"].is_array()));
}

/// A pack may dig deeper into a built-in question, but only when loaded with the built-in bank;
/// alone, the missing id is an error naming the pack's file and line.
#[test]
fn a_pack_naming_a_built_in_follow_up_loads_only_beside_the_built_in_bank() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deeper.toml");
    std::fs::write(
        &file,
        "topic = \"deeper\"\ntitle = \"Deeper\"\n\n[[question]]\nid = \"deeper-tlb\"\nkind = \"true_false\"\ndifficulty = \"hard\"\nprompt = \"A switch between processes can flush the TLB.\"\nanswer = true\nexplanation = \"Another address space, other translations.\"\nsource = \"process-vs-thread\"\nfollow_ups = [\"process-context-switch-cost\"]\n",
    )
    .unwrap();
    let pack = BankSource::Dir(dir.path().to_path_buf());
    let errors = Bank::load(&pack).unwrap_err().to_string();
    assert!(
        errors.contains(&format!("{}:12: question `deeper-tlb`: the follow-up `process-context-switch-cost` is not a question of this bank", file.display())),
        "{errors}"
    );
    let both = Bank::load(&BankSource::Many(vec![BankSource::Builtin, pack])).unwrap();
    assert_eq!(
        both.get("deeper-tlb").unwrap().follow_ups[0].id.0,
        "process-context-switch-cost"
    );
}

/// The brief's path: answer a question from `/quiz`, press **Follow-up**, get the next question
/// privately, answer it (practice), and its grade offers its own follow-up; pressing the first
/// button again, once its first follow-up was just practised, asks the next in its list.
#[test]
fn a_quiz_answer_offers_the_follow_up_and_the_chain_goes_on() {
    runtime().block_on(async {
        let mut s = Session::new();
        // `/quiz` picks at random: ask until it gives a question with follow-ups (5 of the 19
        // medium questions of this topic have some).
        let with: Vec<String> = s
            .app
            .bank()
            .questions()
            .iter()
            .filter(|q| !q.follow_ups.is_empty())
            .map(|q| q.id.0.clone())
            .collect();
        let quiz = json!([{"name": "topic", "type": 3, "value": "processes-threads"}, {"name": "difficulty", "type": 3, "value": "medium"}]);
        let mut shown = s.send(ix::command("quiz", quiz.clone(), ADA, 0)).await;
        for _ in 0..200 {
            if with.contains(&asked(&shown)) {
                break;
            }
            shown = s.send(ix::command("quiz", quiz.clone(), ADA, 0)).await;
        }
        let first = asked(&shown);
        assert!(with.contains(&first), "{first}");
        let graded = answer_shown(&mut s, &shown, ADA, "no idea").await;
        assert!(is_private(&graded));
        let button = follow_up_button(&graded).expect("a Follow-up button under the grade");
        assert_eq!(button, format!("1:fu:{first}"));
        let label = &graded["data"]["components"][0]["components"][0]["label"];
        assert_eq!(label, "Follow-up");

        let (body, text) = s.read(ix::button(&button, ADA)).await;
        assert!(is_private(&body), "asked privately");
        assert!(text.contains("follow-up") && text.contains("Practice"), "{text}");
        let expected = &s.app.bank().get(&first).unwrap().follow_ups[0].id.0.clone();
        assert_eq!(&asked(&body), expected, "the first follow-up");

        // The brief's chain, from the start: process-vs-thread -> thread-shared-memory-hazards
        // -> race-condition-name, each answered as practice.
        let open = "1:pt:process-vs-thread:5";
        let modal = s.send(ix::button(open, BOB)).await;
        assert_eq!(modal["data"]["custom_id"], "1:pf:process-vs-thread:5");
        let graded = s.send(ix::modal("1:pf:process-vs-thread:5", PROCESS_VS_THREAD, BOB)).await;
        assert_eq!(follow_up_button(&graded).as_deref(), Some("1:fu:process-vs-thread"));
        let hazards = s.send(ix::button("1:fu:process-vs-thread", BOB)).await;
        assert_eq!(asked(&hazards), "thread-shared-memory-hazards");
        let graded = answer_shown(&mut s, &hazards, BOB, "Two threads can write the same variable at once and corrupt it; a mutex lock prevents that.").await;
        assert!(crate::discord::visible_text(&graded).contains("Why"), "graded as practice");
        assert_eq!(
            follow_up_button(&graded).as_deref(),
            Some("1:fu:thread-shared-memory-hazards"),
            "the follow-up's grade offers its own follow-up"
        );
        let race = s.send(ix::button("1:fu:thread-shared-memory-hazards", BOB)).await;
        assert_eq!(asked(&race), "race-condition-name");
        let graded = answer_shown(&mut s, &race, BOB, "race condition").await;
        assert_eq!(follow_up_button(&graded), None, "the chain ends there");

        // Back under the first grade: the member has just had its first follow-up, so the
        // button asks the next one in the list.
        let again = s.send(ix::button("1:fu:process-vs-thread", BOB)).await;
        assert_eq!(asked(&again), "thread-communication-speed");

        let stats = s.app.store().member_stats(GuildId(GUILD), UserId(BOB)).await.unwrap();
        assert_eq!((stats.practice, stats.answers, stats.points), (3, 0, 0), "practice only");
        s.check_spec();
    });
}

#[test]
fn a_question_without_follow_ups_has_no_button() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s
            .app
            .bank()
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::Choice { .. }) && q.follow_ups.is_empty())
            .unwrap()
            .clone();
        let graded = s
            .send(ix::button(&format!("1:pa:{}:3:0", q.id.0), ADA))
            .await;
        assert!(
            crate::discord::visible_text(&graded).contains("Why"),
            "{graded}"
        );
        assert_eq!(
            custom_ids(&graded),
            Vec::<String>::new(),
            "no controls at all"
        );
        s.check_spec();
    });
}

/// A daily grade offers the follow-up beside "Ask for a review"; the follow-up is practice and
/// never a second daily answer.
#[test]
fn a_daily_grade_offers_the_follow_up_as_practice() {
    runtime().block_on(async {
        let mut s = Session::new();
        let round = s.open_round(GUILD, "process-vs-thread").await;
        let graded = s
            .send(ix::modal(
                &format!("1:f:{}", round.id.0),
                PROCESS_VS_THREAD,
                ADA,
            ))
            .await;
        assert_eq!(
            custom_ids(&graded),
            [
                format!("1:ap:{}:{ADA}", round.id.0),
                format!("1:sh:{}:{ADA}:1", round.id.0),
                "1:fu:process-vs-thread".to_string()
            ]
        );
        let shown = s.send(ix::button("1:fu:process-vs-thread", ADA)).await;
        assert_eq!(asked(&shown), "thread-shared-memory-hazards");
        assert!(
            custom_ids(&shown)[0].starts_with("1:pt:thread-shared-memory-hazards:"),
            "answered as practice: {shown}"
        );
        let graded = answer_shown(&mut s, &shown, ADA, "threads can race on shared data").await;
        assert!(is_private(&graded));
        let stats = s
            .app
            .store()
            .member_stats(GuildId(GUILD), UserId(ADA))
            .await
            .unwrap();
        assert_eq!((stats.answers, stats.practice), (1, 1));

        // A daily question without follow-ups: only the review button.
        let plain = s
            .app
            .bank()
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::TrueFalse { .. }) && q.follow_ups.is_empty())
            .unwrap()
            .id
            .0
            .clone();
        let other = s.open_round(GUILD + 1, &plain).await;
        let mut click = ix::button(&format!("1:a:{}:1", other.id.0), ADA);
        click["guild_id"] = json!((GUILD + 1).to_string());
        let graded = s.send(click).await;
        assert_eq!(custom_ids(&graded), [format!("1:ap:{}:{ADA}", other.id.0)]);
        s.check_spec();
    });
}

#[test]
fn a_forged_follow_up_gets_the_friendly_unknown_control_message() {
    runtime().block_on(async {
        let mut s = Session::new();
        let without = s
            .app
            .bank()
            .questions()
            .iter()
            .find(|q| q.follow_ups.is_empty())
            .unwrap()
            .id
            .0
            .clone();
        for forged in [
            format!("1:fu:{without}"),
            "1:fu:no-such-question".to_string(),
            "1:fu:suggested-1".to_string(),
            "1:fu:Not_An_Id".to_string(),
            "1:fu:process-vs-thread:7".to_string(),
        ] {
            let (body, text) = s.read(ix::button(&forged, ADA)).await;
            assert!(is_private(&body));
            assert!(text.contains("older message"), "{forged}: {text}");
            assert!(custom_ids(&body).is_empty(), "{forged}: no question asked");
        }
        s.check_spec();
    });
}
