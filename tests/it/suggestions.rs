//! Members suggest questions and moderators decide them, end to end: `/suggest` and its form
//! (checked with the bank's own rules), the duplicate warning, `/suggestions` with approve, edit
//! and approve, and deny with a reason the member reads (by DM, or on their next `/suggest`), an
//! approved question posted as a daily round that credits its author and is graded as `grade`
//! grades it from the exported folder, which passes `questions check`. The real handler gets the
//! JSON Discord sends; REST goes to a fake Discord; every body the bot sends is checked against
//! Discord's spec.

use crate::discord::{custom_ids, is_private};
use crate::fake_discord::FakeDiscord;
use crate::interactions::{self as ix, CHANNEL, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{bot, run, runtime, test_app};
use chrono::{DateTime, Duration, Utc};
use interview_bot::bank::Difficulty;
use interview_bot::discord::App;
use interview_bot::quiz::suggest::{SuggestionId, SuggestionStore};
use interview_bot::quiz::*;
use serde_json::{json, Value};

const ADMIN: u64 = 800;
const ADA: u64 = 801;
const BOB: u64 = 802;
const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

/// A free-text question with its rubric and examples, box by box, as a member types it.
const ZOMBIE: [(&str, &str); 5] = [
    ("question", "What is a zombie process, and what makes it go away?"),
    (
        "points",
        "It has exited but its entry stays in the process table | already exited, process table, finished process, process terminated, finished running, child exited, no longer runs, stopped running\n\
         It goes away once the parent reads its exit status with wait (reaps it) | parent wait, parent reads, exit status, parent reaps, reaped parent, calls wait",
    ),
    (
        "model",
        "A zombie is a child process that has already exited: it no longer runs, but its entry stays in the process table with its exit status. It goes away when the parent reads that exit status with wait() and so reaps it.",
    ),
    (
        "explanation",
        "A zombie is a child process that has exited while its entry stays in the process table, holding its exit status, until the parent reads that status with wait (reaps it).",
    ),
    (
        "examples",
        "+ A child that has exited but is still in the process table; it disappears when the parent calls wait.\n\
         + It's a finished process whose parent hasn't read its exit status yet. Once the parent reaps it with wait(), it's gone.\n\
         + zombie = child exited, parent didnt call wait yet. parent reaps it n it goes away\n\
         + The process has terminated, but its parent has not collected the exit status; when the parent calls wait the entry is removed.\n\
         + A chlid process that already exited and waits for its parent to read its exit status with wait.\n\
         + It no longer runs but still sits in the process table until the parent reads its exit status.\n\
         ~ A process that has already exited but is still listed in the process table.\n\
         ~ The parent has to call wait to get rid of it.\n\
         - A process that uses too much memory and has to be killed.\n\
         - A zombie process is still running in the background.\n\
         - zombie process undead\n\
         - What is a zombie process? It is a zombie.",
    ),
];

/// A short question close to the bank's `list-linux-processes`.
const PS: [(&str, &str); 4] = [
    (
        "question",
        "Which Linux command lists the processes that are running?",
    ),
    ("answer", "ps\nps aux\ntop"),
    (
        "explanation",
        "ps prints a snapshot of the running processes; top refreshes it live.",
    ),
    (
        "examples",
        "+ ps\n+ ps aux\n+ I would run top\n+ top\n- kill\n- ls\n- I'd use lsof",
    ),
];

const CHOICE: [(&str, &str); 3] = [
    (
        "question",
        "Which part of 2.4.1 goes up for a bug fix that breaks nothing?",
    ),
    ("answer", "MAJOR\nMINOR\n* PATCH"),
    ("explanation", "A compatible fix bumps PATCH."),
];

/// The handler on a fresh database, posting to a fake Discord; every response body is kept and
/// validated at the end, with every message the bot sent.
struct Session {
    fake: FakeDiscord,
    app: App,
    bodies: Vec<Value>,
    dir: tempfile::TempDir,
}

impl Session {
    async fn start() -> Session {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, _) = test_app(dir.path(), &fake.base, now());
        let mut s = app.store().settings(GuildId(GUILD)).await.unwrap();
        s.channel = Some(ChannelId(CHANNEL));
        app.store().save_settings(s, None).await.unwrap();
        Session {
            fake,
            app,
            bodies: vec![],
            dir,
        }
    }

    async fn read(&mut self, interaction: Value) -> (Value, String) {
        crate::discord::read_into(&self.app, &mut self.bodies, interaction).await
    }

    /// `/suggest` and the form it opens, sent with `fields`.
    async fn suggest(
        &mut self,
        kind: &str,
        topic: &str,
        difficulty: &str,
        fields: &[(&str, &str)],
        member: u64,
    ) -> (Value, String) {
        let (body, _) = self.read(suggest(kind, topic, difficulty, member)).await;
        assert_eq!(body["type"], 9, "a modal: {body}");
        let id = body["data"]["custom_id"].as_str().unwrap().to_string();
        self.read(form(&id, fields, member, false)).await
    }

    async fn waiting(&self) -> u64 {
        self.app
            .store()
            .queued_suggestion(GuildId(GUILD), 0)
            .await
            .unwrap()
            .map_or(0, |q| q.waiting)
    }

    /// The id of the oldest waiting suggestion.
    async fn oldest(&self) -> SuggestionId {
        let q = self.app.store().queued_suggestion(GuildId(GUILD), 0).await;
        q.unwrap().expect("a waiting suggestion").suggestion.id
    }

    /// Every callback, and every message the bot posted or edited, against Discord's spec.
    fn check_spec(&self) {
        spec::validate("callback", &self.bodies);
        let (threads, posts): (Vec<_>, Vec<_>) = self
            .fake
            .requests_to("POST", "/channels/")
            .into_iter()
            .partition(|r| r.path.ends_with("/threads"));
        spec::validate(
            "message",
            &posts.into_iter().map(|r| r.body).collect::<Vec<_>>(),
        );
        spec::validate(
            "thread",
            &threads.into_iter().map(|r| r.body).collect::<Vec<_>>(),
        );
        let edits: Vec<Value> = self
            .fake
            .requests_to("PATCH", "/channels/")
            .into_iter()
            .map(|r| r.body)
            .collect();
        spec::validate("message-edit", &edits);
    }
}

fn suggest(kind: &str, topic: &str, difficulty: &str, member: u64) -> Value {
    ix::command(
        "suggest",
        json!([
            {"name": "kind", "type": 3, "value": kind},
            {"name": "topic", "type": 3, "value": topic},
            {"name": "difficulty", "type": 3, "value": difficulty},
        ]),
        member,
        0,
    )
}

/// A modal sent with these boxes; `from_message`: opened from a button of a message.
fn form(custom_id: &str, fields: &[(&str, &str)], member: u64, from_message: bool) -> Value {
    let mut v = ix::modal(custom_id, "", member);
    v["data"]["components"] = fields
        .iter()
        .map(|(id, value)| {
            json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]})
        })
        .collect();
    if from_message {
        v["message"] = ix::button("1:sf", member)["message"].clone();
    }
    v
}

fn moderator_form(custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let mut v = form(custom_id, fields, ADMIN, true);
    v["member"]["permissions"] = json!(MANAGE_GUILD.to_string());
    v
}

fn press(custom_id: &str, user: u64) -> Value {
    let permissions = if user == ADMIN { MANAGE_GUILD } else { 0 };
    ix::button_as(custom_id, user, permissions)
}

fn queue(user: u64) -> Value {
    let permissions = if user == ADMIN { MANAGE_GUILD } else { 0 };
    ix::command("suggestions", json!([]), user, permissions)
}

/// The boxes of a modal response: (custom_id, value or "").
fn boxes(body: &Value) -> Vec<(String, String)> {
    body["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            let input = &row["components"][0];
            (
                input["custom_id"].as_str().unwrap().to_string(),
                input["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn with(
    fields: &[(&'static str, &'static str)],
    id: &str,
    value: &'static str,
) -> Vec<(&'static str, &'static str)> {
    fields
        .iter()
        .map(|&(f, v)| if f == id { (f, value) } else { (f, v) })
        .collect()
}

#[test]
fn a_member_is_told_what_to_fix_and_a_good_suggestion_is_queued() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let (body, _) = s
            .read(suggest("free_text", "processes-threads", "hard", ADA))
            .await;
        assert_eq!(body["type"], 9);
        assert_eq!(
            body["data"]["custom_id"],
            "1:sg:free_text:processes-threads:hard"
        );
        let ids: Vec<String> = boxes(&body).into_iter().map(|(id, _)| id).collect();
        assert_eq!(
            ids,
            ["question", "points", "model", "explanation", "examples"]
        );

        // One key point, no partly right examples, no explanation: told what to fix, nothing kept.
        let one_point = "It has exited but stays in the process table | already exited, process table";
        let examples = "+ It exited.\n- It runs.";
        let bad = with(&with(&with(&ZOMBIE, "points", one_point), "examples", examples), "explanation", "  ");
        let (body, text) = s
            .read(form("1:sg:free_text:processes-threads:hard", &bad, ADA, false))
            .await;
        assert!(is_private(&body));
        for part in [
            "nothing was saved",
            "**Key points**: Has 1 key points; a free_text question needs 2 to 5",
            "**Explanation**: Has no `explanation`",
            "**Example answers**: [question.examples] has 1 `correct` answer(s); a free_text question needs at least 6",
            "`partial` answer(s)",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        assert_eq!(custom_ids(&body), ["1:sf"], "Edit my suggestion");
        assert_eq!(s.waiting().await, 0, "nothing stored");

        // "Edit my suggestion" gives the form back as it was sent.
        let (body, _) = s.read(press("1:sf", ADA)).await;
        assert_eq!(body["type"], 9);
        let sent: Vec<(String, String)> = boxes(&body);
        assert_eq!(sent[1], ("points".into(), one_point.into()));
        assert_eq!(sent[4], ("examples".into(), examples.into()));

        // Fixed and sent from there: the message with the button gives way to the thanks.
        let (body, text) = s
            .read(form("1:sg:free_text:processes-threads:hard", &ZOMBIE, ADA, true))
            .await;
        assert_eq!(body["type"], 7, "{text}");
        assert!(text.contains("is waiting for a moderator"), "{text}");
        let q = s
            .app
            .store()
            .queued_suggestion(GuildId(GUILD), 0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((q.waiting, q.suggestion.author), (1, UserId(ADA)));
        assert_eq!(q.suggestion.form.question, ZOMBIE[0].1);
        assert_eq!(q.suggestion.form.difficulty, Difficulty::Hard);
        assert!(text.contains(&format!("Suggestion #{}", q.suggestion.id.0)));
        let (_, text) = s.read(press("1:sf", ADA)).await;
        assert!(text.contains("no longer have that draft"), "{text}");

        // A topic the bank does not have is refused before the form.
        let (body, text) = s.read(suggest("short", "astrology", "easy", ADA)).await;
        assert_eq!(body["type"], 4);
        assert!(text.contains("There is no topic `astrology`"), "{text}");
        s.check_spec();
    });
}

#[test]
fn a_near_duplicate_is_shown_to_the_member_and_to_the_moderators() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let (body, text) = s
            .suggest("short", "processes-threads", "easy", &PS, BOB)
            .await;
        assert!(is_private(&body));
        assert!(text.contains("is waiting for a moderator"), "{text}");
        assert!(
            text.contains("Close to questions already asked here")
                && text.contains("`list-linux-processes`"),
            "{text}"
        );
        let (_, text) = s.suggest("choice", "semver", "easy", &CHOICE, ADA).await;
        assert!(!text.contains("Close to questions"), "{text}");

        // Members cannot see the queue.
        let (_, text) = s.read(queue(BOB)).await;
        assert!(text.contains("Manage Server"), "{text}");

        let (body, text) = s.read(queue(ADMIN)).await;
        assert!(is_private(&body));
        assert_eq!(body["data"]["allowed_mentions"]["parse"], json!([]));
        let id = s.oldest().await.0;
        for part in [
            &format!("Suggestion #{id} · Processes and threads · short answer · easy"),
            PS[0].1,
            &format!("Suggested by <@{BOB}>"),
            "ps aux",
            "Close to questions already asked here",
            "`list-linux-processes`",
            "1 of 2 waiting, oldest first",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        assert_eq!(
            custom_ids(&body),
            [
                "1:sq:0".to_string(),
                "1:sq:1".into(),
                format!("1:sa:{id}:0"),
                format!("1:sy:{id}:0"),
                format!("1:sd:{id}:0"),
            ]
        );
        let (body, text) = s.read(press("1:sq:1", ADMIN)).await;
        assert_eq!(body["type"], 7);
        assert!(
            text.contains("2 of 2 waiting") && text.contains("PATCH"),
            "{text}"
        );
        // A member pressing a moderator's button changes nothing.
        let (_, text) = s.read(press(&format!("1:sa:{id}:0"), BOB)).await;
        assert!(text.contains("Manage Server"), "{text}");
        assert_eq!(s.waiting().await, 2);
        s.check_spec();
    });
}

#[test]
fn a_denied_member_reads_the_reason_by_dm_or_on_their_next_suggest() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        s.suggest("choice", "semver", "easy", &CHOICE, ADA).await;
        let statement = [
            ("question", "A process can hold several threads."),
            ("answer", "true"),
            ("explanation", "Threads live inside a process."),
        ];
        s.suggest("true_false", "processes-threads", "easy", &statement, BOB)
            .await;
        s.fake.close_dms(BOB);

        let (_, _) = s.read(queue(ADMIN)).await;
        let ada = s.oldest().await.0;
        let (body, _) = s.read(press(&format!("1:sd:{ada}:0"), ADMIN)).await;
        assert_eq!(body["type"], 9);
        assert_eq!(body["data"]["custom_id"], format!("1:sr:{ada}:0"));
        let reason = "We ask this already as semver-parts; one on pre-releases would be welcome.";
        let (body, text) = s
            .read(moderator_form(
                &format!("1:sr:{ada}:0"),
                &[("reason", reason)],
            ))
            .await;
        assert_eq!(body["type"], 7);
        assert!(
            text.contains(&format!("Denied #{ada}. <@{ADA}> got a direct message.")),
            "{text}"
        );
        assert!(
            text.contains("A process can hold several threads"),
            "the next one: {text}"
        );

        // The DM: opened through REST, then posted there, quoting the reason, pinging nobody.
        let open = s.fake.wait_for("POST", "/users/@me/channels", WAIT).await;
        assert_eq!(open.body, json!({"recipient_id": ADA.to_string()}));
        let dm = s.fake.dm_channel(ADA).unwrap();
        let sent = s
            .fake
            .wait_for("POST", &format!("/channels/{dm}/messages"), WAIT)
            .await;
        let content = sent.body["content"].as_str().unwrap();
        assert!(
            content.contains(reason) && content.contains(&format!("#{ada}")),
            "{content}"
        );
        assert_eq!(sent.body["allowed_mentions"]["parse"], json!([]));

        // Bob's DMs are closed: he reads it on his next /suggest, once.
        let bob = s.oldest().await.0;
        let (_, text) = s
            .read(moderator_form(
                &format!("1:sr:{bob}:0"),
                &[("reason", "Too easy for this server.")],
            ))
            .await;
        assert!(
            text.contains(&format!("I couldn't send <@{BOB}> a direct message"))
                && text.contains("No suggestions are waiting"),
            "{text}"
        );
        let (body, text) = s.read(suggest("short", "semver", "easy", BOB)).await;
        assert_eq!(body["type"], 4, "a message first, not the form");
        assert!(is_private(&body));
        assert!(
            text.contains(&format!("Your suggestion #{bob}"))
                && text.contains("was not added")
                && text.contains("Too easy for this server."),
            "{text}"
        );
        assert_eq!(custom_ids(&body), ["1:sw:short:semver:easy"]);
        let (body, _) = s.read(press("1:sw:short:semver:easy", BOB)).await;
        assert_eq!(
            (body["type"].as_u64(), body["data"]["custom_id"].as_str()),
            (Some(9), Some("1:sg:short:semver:easy"))
        );
        let (body, _) = s.read(suggest("short", "semver", "easy", BOB)).await;
        assert_eq!(body["type"], 9, "told once");
        let (body, _) = s.read(suggest("short", "semver", "easy", ADA)).await;
        assert_eq!(body["type"], 9, "Ada was told by DM");
        s.check_spec();
    });
}

/// Today's round is on the guild's own question: every hard question of its topic in the bank
/// was asked on an earlier day, and the filters allow nothing else.
async fn ask_the_bank_first(app: &App, topic: &str) {
    let guild = GuildId(GUILD);
    let mut settings = app.store().settings(guild).await.unwrap();
    settings.topics = vec![topic.into()];
    settings.difficulty = Some(Difficulty::Hard);
    app.store().save_settings(settings, None).await.unwrap();
    let asked = app
        .bank()
        .select(Some(topic), Some(Difficulty::Hard))
        .unwrap();
    for (i, q) in asked.iter().enumerate() {
        let day = now() - Duration::days(i as i64 + 1);
        let round = app
            .store()
            .create_round(NewRound {
                guild,
                day: day.date_naive(),
                question: q.id.0.clone(),
                topic: q.topic.clone(),
                difficulty: q.difficulty,
                seed: 1,
                opens_at: day - Duration::hours(1),
                closes_at: day,
                channel: Some(ChannelId(CHANNEL)),
            })
            .await
            .unwrap()
            .unwrap();
        app.store()
            .end_round(round.id, RoundState::Closed)
            .await
            .unwrap();
    }
}

#[test]
fn approved_questions_are_posted_with_credit_graded_like_the_banks_and_exported() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        s.suggest("free_text", "processes-threads", "hard", &ZOMBIE, ADA)
            .await;
        s.suggest("short", "processes-threads", "easy", &PS, BOB)
            .await;
        let zombie = s.oldest().await.0;

        // Edit and approve: the form comes back filled in with the member's texts.
        let (body, _) = s.read(press(&format!("1:sy:{zombie}:0"), ADMIN)).await;
        assert_eq!(body["type"], 9);
        assert_eq!(body["data"]["custom_id"], format!("1:se:{zombie}:0"));
        let sent = boxes(&body);
        assert_eq!(sent.len(), 5);
        for ((id, value), (want_id, want)) in sent.iter().zip(ZOMBIE) {
            assert_eq!((id.as_str(), value.as_str()), (want_id, want));
        }
        // An edit that breaks the rules changes nothing, and comes back as the moderator left it.
        let broken = with(&ZOMBIE, "points", "It has exited | already exited, process table");
        let (body, text) = s
            .read(moderator_form(&format!("1:se:{zombie}:0"), &broken))
            .await;
        assert_eq!(body["type"], 7);
        assert!(
            text.contains("can't be approved as it is") && text.contains("Has 1 key points"),
            "{text}"
        );
        assert_eq!(s.waiting().await, 2, "still waiting");
        let (body, _) = s.read(press(&format!("1:sy:{zombie}:0"), ADMIN)).await;
        assert_eq!(boxes(&body)[1].1, broken[1].1);
        // The good edit: a clearer explanation.
        let explanation = "A zombie has exited but keeps its process table entry, with its exit status, until its parent reads that status with wait (reaps it).";
        let edit = with(&ZOMBIE, "explanation", explanation);
        let (_, text) = s
            .read(moderator_form(&format!("1:se:{zombie}:0"), &edit))
            .await;
        let question = format!("suggested-{zombie}");
        assert!(
            text.contains(&format!("Approved #{zombie}: it joins this server's questions as `{question}`."))
                && text.contains(&format!("<@{ADA}> got a direct message.")),
            "{text}"
        );
        // Plain approve.
        let ps = s.oldest().await.0;
        let (_, text) = s.read(press(&format!("1:sa:{ps}:0"), ADMIN)).await;
        assert!(text.contains(&format!("Approved #{ps}")), "{text}");
        assert!(text.contains("No suggestions are waiting"), "{text}");
        let (_, text) = s.read(press(&format!("1:sa:{ps}:0"), ADMIN)).await;
        assert!(text.contains("decided that suggestion first"), "{text}");
        let approved = s.app.store().approved_suggestions(GuildId(GUILD)).await.unwrap();
        assert_eq!(approved.len(), 2);
        assert!(approved[0].edited && approved[0].form.explanation == explanation);
        assert!(!approved[1].edited);
        let dms = s.fake.requests_to("POST", "/users/@me/channels");
        assert_eq!(dms.len(), 2, "each author told");

        // The daily post draws it, and credits its author without pinging.
        ask_the_bank_first(&s.app, "processes-threads").await;
        let post_now = ix::command(
            "round",
            json!([{"name": "post-now", "type": 1, "options": []}]),
            ADMIN,
            MANAGE_GUILD,
        );
        let (_, text) = s.read(post_now).await;
        assert!(text.contains("Posted today's question"), "{text}");
        let round = s.app.store().open_round(GuildId(GUILD)).await.unwrap().unwrap();
        assert_eq!(round.question, question);
        let post = s
            .fake
            .wait_for("POST", &format!("/channels/{CHANNEL}/messages"), WAIT)
            .await;
        let embed = &post.body["embeds"][0];
        assert!(embed["description"].as_str().unwrap().contains(ZOMBIE[0].1));
        assert_eq!(embed["fields"][0]["name"], "Suggested by");
        assert_eq!(embed["fields"][0]["value"], format!("<@{ADA}>"));
        assert_eq!(post.body["allowed_mentions"]["parse"], json!([]));
        let users = post.body["allowed_mentions"]["users"].as_array();
        assert!(users.is_none_or(|u| u.is_empty()), "nobody pinged: {users:?}");

        // /daily shows it too, with the credit; answering it grades it.
        let (_, text) = s.read(ix::command("daily", json!([]), BOB, 0)).await;
        assert!(text.contains(ZOMBIE[0].1) && text.contains(&format!("<@{ADA}>")), "{text}");
        let answer = "The parent has to call wait to get rid of it.";
        let (_, text) = s
            .read(ix::modal(&format!("1:f:{}", round.id.0), answer, BOB))
            .await;
        assert!(text.contains("Partly right"), "{text}");
        let daily = s
            .app
            .store()
            .member_answer(round.id, UserId(BOB))
            .await
            .unwrap()
            .unwrap();
        // An appeal of that grade shows the moderator the server grader's evidence.
        let (_, text) = s
            .read(press(&format!("1:ap:{}:{BOB}", round.id.0), BOB))
            .await;
        assert!(text.contains("a moderator will look at"), "{text}");
        let review = ix::command(
            "grades",
            json!([{"name": "review", "type": 1, "options": []}]),
            ADMIN,
            MANAGE_GUILD,
        );
        let (_, text) = s.read(review).await;
        assert!(
            text.contains(ZOMBIE[0].1) && text.contains("Key points") && text.contains("(hit)"),
            "{text}"
        );
        // Practice on it too.
        let (_, text) = s
            .read(ix::modal(&format!("1:pf:{question}:7"), ZOMBIE[2].1, ADA))
            .await;
        assert!(text.contains("Correct"), "{text}");

        // The reveal finds it.
        let reveal = ix::command(
            "round",
            json!([{"name": "reveal", "type": 1, "options": []}]),
            ADMIN,
            MANAGE_GUILD,
        );
        let (_, text) = s.read(reveal).await;
        assert!(text.contains("The reveal is posted"), "{text}");
        let posts = s
            .fake
            .wait_for_count("POST", &format!("/channels/{CHANNEL}/messages"), 2, WAIT)
            .await;
        assert!(posts[1].body.to_string().contains("parent reads that exit status"));
        s.check_spec();

        // Exported, the folder passes `questions check`, and `grade` grades the answer as the
        // daily round did.
        let db = s.dir.path().join("bot.db");
        let out = s.dir.path().join("export");
        let (ok, stdout, err) = run(bot().args(["--db"]).arg(&db).args([
            "questions",
            "export",
            "--guild",
            &GUILD.to_string(),
        ]).arg(&out));
        assert!(ok, "{err}");
        assert!(stdout.contains("wrote 2 questions"), "{stdout}");
        let topic_file = std::fs::read_to_string(out.join("processes-threads.toml")).unwrap();
        assert!(
            topic_file.contains(&format!("# Suggested by Discord user {ADA} (suggestion #{zombie}), approved by {ADMIN} with edits.")),
            "{topic_file}"
        );
        let (ok, stdout, err) = run(bot().args(["questions", "check"]).arg(&out));
        assert!(ok, "{stdout}{err}");
        assert!(stdout.contains("ok: 2 questions in 1 topics"), "{stdout}");
        let (ok, stdout, err) = run(bot().arg("--questions").arg(&out).args([
            "grade",
            &question,
            answer,
            "--json",
        ]));
        assert!(ok, "{err}");
        let graded: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(graded["score"].as_f64(), Some(daily.score));
        assert_eq!(graded["verdict"], json!(daily.verdict));
        // Exporting again into the same folder overwrites nothing.
        let (ok, _, err) = run(bot().args(["--db"]).arg(&db).args([
            "questions",
            "export",
            "--guild",
            &GUILD.to_string(),
        ]).arg(&out));
        assert!(!ok && err.contains("is not empty"), "{err}");
    });
}
