//! `/ask`: a member's own question answered from the bank through the real handler (the closest
//! question, its answer, why and its source; **Practise it**; nothing close; a server's own
//! questions), every response body checked against Discord's spec; and how often a paraphrase of
//! each built-in question finds it first (`tests/data/ask/paraphrases.jsonl`).

use crate::discord::{custom_ids, is_private, Session};
use crate::interactions::{self as ix, GUILD};
use crate::util::{data, runtime};
use chrono::Utc;
use interview_bot::bank::{Bank, BankSource, Difficulty, Kind};
use interview_bot::quiz::ask::{Found, Index};
use interview_bot::quiz::suggest::{self, Approval, Decided, Form, NewSuggestion, SuggestKind};
use interview_bot::quiz::{GuildId, UserId};
use serde_json::{json, Value};

const ADA: u64 = 1801;
const BOB: u64 = 1802;
const MOD: u64 = 1803;

fn ask(question: &str, user: u64) -> Value {
    ix::command(
        "ask",
        json!([{"name": "question", "type": 3, "value": question}]),
        user,
        0,
    )
}

/// The same interaction, from another server.
fn in_guild(mut v: Value, guild: u64) -> Value {
    v["guild_id"] = json!(guild.to_string());
    v
}

/// The question a reply is about: the id in its embed's footer ("medium · free_text · <id>" and,
/// for `/ask`, " · 56% similar").
fn footer_id(body: &Value) -> String {
    let footer = body["data"]["embeds"][0]["footer"]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("an embed with a footer: {body}"));
    footer.split(" · ").nth(2).unwrap().to_string()
}

fn field<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body["data"]["embeds"][0]["fields"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["value"].as_str())
}

fn start(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[test]
fn a_clear_question_shows_its_closest_question_with_the_answer_why_and_source() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.app.bank().get("process-vs-thread").unwrap().clone();
        let Kind::FreeText(rubric) = &q.kind else {
            panic!("a free-text question")
        };
        let (body, text) = s
            .read(ask("whats the diff between a process and a thread", ADA))
            .await;
        assert_eq!(body["type"], 4);
        assert!(is_private(&body), "only the member sees it");
        assert!(
            text.contains("Closest in the bank · Processes and threads"),
            "{text}"
        );
        assert_eq!(footer_id(&body), "process-vs-thread");
        assert!(text.contains(&q.prompt), "the prompt: {text}");
        let answer = field(&body, "Model answer").expect("the model answer");
        assert!(
            answer.starts_with(&start(&rubric.model_answer, 80)),
            "{answer}"
        );
        let why = field(&body, "Why").expect("the explanation");
        assert!(why.starts_with(&start(&q.explanation, 80)), "{why}");
        assert_eq!(
            field(&body, "Source"),
            Some("Processes and threads · section `process-vs-thread`")
        );
        let next = field(&body, "Next closest").expect("the next closest");
        let listed = next.lines().count();
        assert!((1..=4).contains(&listed), "{next}");
        assert!(next
            .lines()
            .all(|l| l.starts_with("• ") && l.ends_with("% similar)")));
        assert_eq!(custom_ids(&body), ["1:ak:process-vs-thread"]);
        assert_eq!(
            body["data"]["components"][0]["components"][0]["label"],
            "Practise it"
        );

        // An exact kind shows its right answer.
        let (body, text) = s.read(ask("npm caret vs tilde ranges?", ADA)).await;
        assert_eq!(footer_id(&body), "semver-caret-vs-tilde", "{text}");
        let q = s.app.bank().get("semver-caret-vs-tilde").unwrap();
        let Kind::Choice { options, answer } = &q.kind else {
            panic!("a choice question")
        };
        assert_eq!(field(&body, "Answer"), Some(options[*answer].as_str()));
        assert_eq!(
            field(&body, "Source").map(|s| s.contains("`semver`")),
            Some(true)
        );
        s.check_spec();
    });
}

#[test]
fn practise_it_asks_the_question_privately_and_records_the_answer_as_practice() {
    runtime().block_on(async {
        let mut s = Session::new();
        let (body, _) = s
            .read(ask("whats the diff between a process and a thread", BOB))
            .await;
        let practise = custom_ids(&body)[0].clone();
        let (asked, text) = s.read(ix::button(&practise, BOB)).await;
        assert_eq!(asked["type"], 4, "a new message");
        assert!(is_private(&asked));
        assert!(
            text.contains("Practice: answer it in your own words"),
            "{text}"
        );
        assert!(text.contains("Practice · Processes and threads"), "{text}");
        assert_eq!(footer_id(&asked), "process-vs-thread");
        // The controls of /quiz: a free-text question opens the answer box.
        let open = custom_ids(&asked)[0].clone();
        assert!(open.starts_with("1:pt:process-vs-thread:"), "{open}");
        let modal = s.send(ix::button(&open, BOB)).await;
        assert_eq!(modal["type"], 9, "the answer box: {modal}");
        let submit = modal["data"]["custom_id"].as_str().unwrap().to_string();
        let answer = "A process has its own memory; threads share the memory of their process.";
        let (graded, text) = s.read(ix::modal(&submit, answer, BOB)).await;
        assert!(is_private(&graded));
        assert!(text.contains("Correct") && text.contains("Why"), "{text}");

        // A choice question: its options, graded as practice.
        let (body, _) = s.read(ask("npm caret vs tilde ranges?", BOB)).await;
        let (asked, _) = s.read(ix::button(&custom_ids(&body)[0], BOB)).await;
        let q = s.app.bank().get("semver-caret-vs-tilde").unwrap().clone();
        let Kind::Choice { answer, .. } = q.kind else {
            panic!()
        };
        let right = custom_ids(&asked)
            .into_iter()
            .find(|id| id.ends_with(&format!(":{answer}")))
            .expect("the right option's button");
        assert!(right.starts_with("1:pa:semver-caret-vs-tilde:"), "{right}");
        let (_, text) = s.read(ix::button(&right, BOB)).await;
        assert!(text.contains("Correct"), "{text}");

        let stats = s
            .app
            .store()
            .member_stats(GuildId(GUILD), UserId(BOB))
            .await
            .unwrap();
        assert_eq!(
            (stats.practice, stats.answers, stats.points),
            (2, 0, 0),
            "recorded as practice, no points"
        );
        s.check_spec();
    });
}

#[test]
fn a_question_the_bank_has_nothing_close_to_gets_the_nearest_topics() {
    runtime().block_on(async {
        let mut s = Session::new();
        let (body, text) = s
            .read(ask("how does garbage collection work in go", ADA))
            .await;
        assert!(is_private(&body));
        assert!(text.contains("Nothing close in the bank"), "{text}");
        assert!(text.contains("that takes 25% similarity"), "{text}");
        let topics = field(&body, "Nearest topics").expect("the nearest topics");
        let titles: Vec<String> = s
            .app
            .bank()
            .topics()
            .iter()
            .map(|t| t.title.clone())
            .collect();
        assert!(
            topics
                .lines()
                .all(|l| titles.iter().any(|t| l == format!("• {t}"))),
            "{topics}"
        );
        let nearest = field(&body, "Nearest questions (not close)").expect("the nearest");
        assert!(!nearest.is_empty());
        assert!(custom_ids(&body).is_empty(), "nothing to practise");

        // No word of it is in the bank: every topic is named.
        let (body, text) = s.read(ask("asdf qwerty zxcv", ADA)).await;
        assert!(text.contains("None of its words are in the bank"), "{text}");
        let covers = field(&body, "The bank covers").expect("the topics");
        for t in &titles {
            assert!(covers.contains(t.as_str()), "{t}: {covers}");
        }

        // Too little to ask (a forged request; Discord asks for 3 characters).
        let (body, text) = s.read(ask("??", ADA)).await;
        assert!(
            is_private(&body) && text.contains("Type a question"),
            "{text}"
        );
        s.check_spec();
    });
}

#[test]
fn hostile_input_is_quoted_escaped_and_pings_nobody() {
    runtime().block_on(async {
        let mut s = Session::new();
        // Quoted above the closest question, and above the nearest topics.
        for (asked, title) in [
            ("@everyone what is a **deadlock** and how can a program prevent one? <@123>", "Closest in the bank"),
            (
                "@everyone what is a deadlock ```rust\nfn main() {}\n``` <@123> **now** [x](https://e.com)",
                "Nothing close",
            ),
            ("@here ```sql\nDROP TABLE members;``` <@&42> ||spoiler||", "Nothing close"),
        ] {
            let (body, text) = s.read(ask(asked, ADA)).await;
            assert!(text.starts_with(title), "{text}");
            assert!(is_private(&body));
            assert!(text.contains("You asked:"), "{text}");
            for raw in [
                "@everyone", "@here", "```", "<@123>", "<@&42>", "**now**", "**deadlock**", "||spoiler||", "](https",
            ] {
                assert!(!text.contains(raw), "{raw} echoed raw: {text}");
            }
            assert_eq!(body["data"]["allowed_mentions"]["parse"], json!([]));
        }
        s.check_spec();
    });
}

#[test]
fn help_names_ask() {
    runtime().block_on(async {
        let mut s = Session::new();
        let (body, text) = s.read(ix::command("help", json!([]), ADA, 0)).await;
        assert!(text.contains("`/ask question`"), "{text}");
        let commands = field(&body, "Commands").expect("the commands");
        assert!(commands.chars().count() <= 1024);
        s.check_spec();
    });
}

/// Approves a member's true/false question in `guild`, as a moderator's approval does.
async fn approve_own_question(s: &Session, guild: u64) -> String {
    let form = Form {
        question: "A process under a seccomp filter can only make the system calls that the filter allows.".into(),
        answer: "true".into(),
        explanation: "seccomp filters the system calls a process may make; any other call is refused.".into(),
        ..Form::new(SuggestKind::TrueFalse, "processes-threads", Difficulty::Easy)
    };
    let store = s.app.store();
    let id = suggest::SuggestionStore::add_suggestion(
        store,
        NewSuggestion {
            guild: GuildId(guild),
            author: UserId(ADA),
            form,
            at: Utc::now(),
        },
    )
    .await
    .unwrap();
    let approval = suggest::approve(
        store,
        s.app.bank(),
        GuildId(guild),
        id,
        None,
        UserId(MOD),
        Utc::now(),
    )
    .await
    .unwrap();
    let Approval::Decided(Decided::Approved { question, .. }) = approval else {
        panic!("approved: {approval:?}")
    };
    question
}

#[test]
fn a_servers_own_question_is_found_in_that_server_and_not_in_another() {
    runtime().block_on(async {
        let mut s = Session::new();
        let question = approve_own_question(&s, GUILD).await;
        let asked = "what does a seccomp filter do to the system calls of a process";

        let (body, text) = s.read(ask(asked, BOB)).await;
        assert_eq!(footer_id(&body), question, "{text}");
        assert!(text.contains("seccomp"), "{text}");
        assert_eq!(field(&body, "Answer"), Some("True"));
        assert_eq!(
            field(&body, "Suggested by"),
            Some(format!("<@{ADA}>").as_str())
        );
        assert_eq!(
            field(&body, "Source"),
            Some("Processes and threads · section `member-suggestion`")
        );
        // Practise it there asks it, credited.
        let practise = custom_ids(&body)[0].clone();
        assert_eq!(practise, format!("1:ak:{question}"));
        let (asked_back, text) = s.read(ix::button(&practise, BOB)).await;
        assert_eq!(footer_id(&asked_back), question);
        assert!(text.contains(&format!("<@{ADA}>")), "{text}");

        // Another server, and direct messages, know nothing of it.
        let other = GUILD + 1;
        let (body, text) = s.read(in_guild(ask(asked, BOB), other)).await;
        assert!(
            !text.contains(&question) && !text.contains("seccomp filter can"),
            "{text}"
        );
        assert!(custom_ids(&body).iter().all(|id| !id.contains(&question)));
        let (_, text) = s.read(in_guild(ix::button(&practise, BOB), other)).await;
        assert!(text.contains("no longer in the bank"), "{text}");
        let mut dm = ix::command_in_dm("ask", BOB);
        dm["data"]["options"] = json!([{"name": "question", "type": 3, "value": asked}]);
        let (_, text) = s.read(dm).await;
        assert!(!text.contains(&question), "{text}");

        // A question approved later joins the server's index.
        let second = approve_own_question(&s, GUILD).await;
        let (body, _) = s.read(ask(asked, BOB)).await;
        let shown = footer_id(&body);
        assert!(shown == question || shown == second, "{shown}");
        s.check_spec();
    });
}

/// For every question of the built-in bank, a paraphrase of its prompt in a member's own words
/// finds it first in at least 90% of cases.
#[test]
fn a_paraphrase_of_each_built_in_question_finds_it_first_in_90_percent_of_cases() {
    let bank = Bank::load(&BankSource::Builtin).unwrap_or_else(|e| panic!("{e}"));
    let index = Index::new(bank.vocabulary(), bank.topics(), bank.questions());
    let fixture = std::fs::read_to_string(data("ask/paraphrases.jsonl")).unwrap();
    let lines: Vec<Value> = fixture
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|l| l["question"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut bank_ids: Vec<&str> = bank.questions().iter().map(|q| q.id.0.as_str()).collect();
    bank_ids.sort_unstable();
    assert_eq!(ids, bank_ids, "one paraphrase for every built-in question");

    let mut first = 0;
    let mut close = 0;
    for l in &lines {
        let (id, text) = (l["question"].as_str().unwrap(), l["text"].as_str().unwrap());
        let ranked = index.rank(text);
        if ranked.first().is_some_and(|h| h.id == id) {
            first += 1;
            close += usize::from(matches!(index.ask(text), Found::Close { .. }));
        }
    }
    let share = first as f64 / lines.len() as f64;
    println!(
        "/ask recall: {first} of {} paraphrases find their question first ({:.1}%), {close} of them close",
        lines.len(),
        share * 100.0
    );
    assert!(
        share >= 0.9,
        "{first} of {} ({:.1}%)",
        lines.len(),
        share * 100.0
    );
}

/// Questions from outside the bank are seldom taken as close: at most 1 in 20.
#[test]
fn questions_from_outside_the_bank_are_seldom_close() {
    let bank = Bank::load(&BankSource::Builtin).unwrap_or_else(|e| panic!("{e}"));
    let index = Index::new(bank.vocabulary(), bank.topics(), bank.questions());
    let fixture = std::fs::read_to_string(data("ask/off_topic.jsonl")).unwrap();
    let texts: Vec<String> = fixture
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let close: Vec<&String> = texts
        .iter()
        .filter(|t| matches!(index.ask(t), Found::Close { .. }))
        .collect();
    println!(
        "/ask off-topic: {} of {} close: {close:?}",
        close.len(),
        texts.len()
    );
    assert!(close.len() * 20 <= texts.len(), "{close:?}");
}
