//! Appeals end to end: a member asks for a review of a daily grade, a moderator decides it with
//! `/grades review`, and the new grade shows in `/daily`, `/stats`, the leaderboard and the reveal.
//! The real handler gets the JSON Discord sends, the round is posted to a fake Discord, and every
//! body the bot sends is checked against Discord's spec. Also `grades export`.

use crate::discord::{custom_ids, is_private};
use crate::fake_discord::FakeDiscord;
use crate::interactions::{self as ix, CHANNEL, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{bot, run, runtime, test_app};
use chrono::{DateTime, Duration, Utc};
use interview_bot::bank::Kind;
use interview_bot::discord::App;
use interview_bot::grade::Verdict;
use interview_bot::quiz::appeal::{self, AppealState, Asked, Decision, NewDecision};
use interview_bot::quiz::*;
use serde_json::{json, Value};

const ADMIN: u64 = 600;
const ADA: u64 = 601;
const BOB: u64 = 602;
const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// An answer the grader cannot call correct, whatever it learns: it names none of the points.
const POOR: &str = "Threads are faster than processes.";

fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

/// The handler on a fresh database, posting to a fake Discord; every response body is kept and
/// validated at the end.
struct Session {
    fake: FakeDiscord,
    app: App,
    bodies: Vec<Value>,
    _dir: tempfile::TempDir,
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
            _dir: dir,
        }
    }

    /// Opens today's round on `question` and posts it to the fake Discord.
    async fn post_round(&self, guild: u64, question: &str) -> Round {
        let q = self.app.bank().get(question).unwrap();
        let round = self
            .app
            .store()
            .create_round(NewRound {
                guild: GuildId(guild),
                day: now().date_naive(),
                question: question.into(),
                topic: q.topic.clone(),
                difficulty: q.difficulty,
                seed: 11,
                opens_at: now() - Duration::hours(1),
                closes_at: now() + Duration::hours(20),
                channel: Some(ChannelId(CHANNEL)),
            })
            .await
            .unwrap()
            .unwrap();
        let settings = self.app.store().settings(GuildId(guild)).await.unwrap();
        interview_bot::discord::post::send_round(&self.app, &round, &settings)
            .await
            .unwrap();
        self.app.store().round(round.id).await.unwrap().unwrap()
    }

    async fn read(&mut self, interaction: Value) -> (Value, String) {
        crate::discord::read_into(&self.app, &mut self.bodies, interaction).await
    }

    async fn answer_of(&self, round: RoundId, user: u64) -> interview_bot::store::StoredAnswer {
        self.app
            .store()
            .member_answer(round, UserId(user))
            .await
            .unwrap()
            .expect("an answer")
    }

    fn check_spec(&self) {
        spec::validate("callback", &self.bodies);
    }
}

fn grades_review(user: u64, permissions: u64) -> Value {
    ix::command(
        "grades",
        json!([{"name": "review", "type": 1, "options": []}]),
        user,
        permissions,
    )
}

fn model_answer(app: &App, question: &str) -> String {
    match &app.bank().get(question).unwrap().kind {
        Kind::FreeText(r) => r.model_answer.clone(),
        _ => panic!("{question} is a free-text question"),
    }
}

#[test]
fn a_wrong_grade_is_appealed_reviewed_and_corrected_everywhere() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(GUILD, "process-vs-thread").await;
        let post = s
            .fake
            .wait_for("POST", &format!("/channels/{CHANNEL}/messages"), WAIT)
            .await;
        let submit = format!("1:f:{}", round.id.0);

        // Bob answers right; Ada's answer is graded below correct, privately, with the button.
        let (_, text) = s
            .read(ix::modal(
                &submit,
                &model_answer(&s.app, "process-vs-thread"),
                BOB,
            ))
            .await;
        assert!(text.contains("Correct"), "{text}");
        let (body, text) = s.read(ix::modal(&submit, POOR, ADA)).await;
        assert!(is_private(&body), "a grade is private");
        assert!(text.contains("Points"), "{text}");
        let ask = format!("1:ap:{}:{ADA}", round.id.0);
        // Ask for a review, the free-text answer's share toggle, then the Follow-up of a question
        // that has follow-ups (issue 13).
        let share = format!("1:sh:{}:{ADA}:1", round.id.0);
        assert_eq!(
            custom_ids(&body),
            vec![
                ask.clone(),
                share.clone(),
                "1:fu:process-vs-thread".to_string()
            ],
            "Ask for a review, share, follow-up"
        );
        assert_eq!(
            body["data"]["components"][0]["components"][0]["label"],
            "Ask for a review"
        );
        let graded = s.answer_of(round.id, ADA).await;
        assert_ne!(graded.verdict, Verdict::Correct, "{text}");

        // Only Ada can ask, and only once.
        let (body, text) = s.read(ix::button(&ask, BOB)).await;
        assert!(is_private(&body));
        assert!(text.contains("Only the member who answered"), "{text}");
        assert_eq!(s.answer_of(round.id, ADA).await.appeal, None);
        let (body, text) = s.read(ix::button(&ask, ADA)).await;
        assert!(is_private(&body));
        assert!(text.contains("a moderator will look at"), "{text}");
        let (_, text) = s.read(ix::button(&ask, ADA)).await;
        assert!(text.contains("already under review"), "{text}");
        let (body, text) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(text.contains("Under review"), "{text}");
        assert_eq!(
            custom_ids(&body),
            vec![share],
            "no second review button (sharing stays)"
        );

        // Members cannot review.
        let (body, text) = s.read(grades_review(ADA, 0)).await;
        assert!(
            is_private(&body) && text.contains("Manage Server"),
            "{text}"
        );

        // The moderator sees the question, the answer, the grade and the grader's feedback.
        let (body, text) = s.read(grades_review(ADMIN, MANAGE_GUILD)).await;
        assert!(is_private(&body), "a review is private");
        assert_eq!(
            body["data"]["allowed_mentions"]["parse"],
            json!([]),
            "no pings"
        );
        let prompt = &s.app.bank().get("process-vs-thread").unwrap().prompt;
        for part in [
            prompt.as_str(),
            POOR,
            &format!("<@{ADA}> asked for a review"),
            &format!("{:.0}% · +{} points", graded.score * 100.0, graded.points),
            // The evidence: each key point with what matched it, or why not.
            "Key points",
            "(missed): no phrasing of it was found",
            "Model answer",
            "the only open appeal",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        let buttons = custom_ids(&body);
        assert_eq!(buttons.len(), 4, "{buttons:?}");
        let correct = buttons
            .iter()
            .find(|id| id.ends_with(":correct"))
            .unwrap()
            .clone();
        for d in ["keep", "correct", "partial", "wrong"] {
            assert!(buttons
                .iter()
                .any(|b| b.starts_with("1:rv:") && b.ends_with(d)));
        }

        // A member pressing a decision changes nothing.
        let (_, text) = s.read(ix::button(&correct, ADA)).await;
        assert!(text.contains("Manage Server"), "{text}");
        assert_eq!(
            s.answer_of(round.id, ADA).await.appeal,
            Some(AppealState::Open)
        );

        // The moderator sets it right: the message moves on, and there is nothing left.
        let (body, text) = s.read(ix::button_as(&correct, ADMIN, MANAGE_GUILD)).await;
        assert_eq!(body["type"], 7, "the review message is updated");
        assert!(
            text.contains(&format!("<@{ADA}>'s answer is now ✅ Correct · 100%"))
                && text.contains("+20 points")
                && text.contains("No open appeals"),
            "{text}"
        );
        assert_eq!(body["data"]["embeds"], json!([]));
        assert_eq!(body["data"]["components"], json!([]));
        let (_, text) = s.read(ix::button_as(&correct, ADMIN, MANAGE_GUILD)).await;
        assert!(text.contains("decided that appeal first"), "{text}");
        let (_, text) = s.read(grades_review(ADMIN, MANAGE_GUILD)).await;
        assert!(text.contains("No open appeals"), "{text}");

        // Ada sees the new grade in /daily and /stats, and ties Bob on the leaderboard.
        let (_, text) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(
            text.contains("Correct · 100%")
                && text.contains("+20")
                && text.contains("Reviewed by a moderator"),
            "{text}"
        );
        let (_, text) = s.read(ix::command("stats", json!([]), ADA, 0)).await;
        assert!(
            text.contains("100% correct") && text.contains("Points\n20\n"),
            "{text}"
        );
        let (_, text) = s.read(ix::command("leaderboard", json!([]), ADA, 0)).await;
        assert!(text.contains("You: #1 of 2 · 20 pts"), "{text}");
        let (_, text) = s.read(ix::button(&ask, ADA)).await;
        assert!(text.contains("already reviewed"), "{text}");

        // The reveal counts the final grade.
        let reveal = ix::command(
            "round",
            json!([{"name": "reveal", "type": 1, "options": []}]),
            ADMIN,
            MANAGE_GUILD,
        );
        let (_, text) = s.read(reveal).await;
        assert!(text.contains("2 answers, 100% correct"), "{text}");
        let posts = s
            .fake
            .wait_for_count("POST", &format!("/channels/{CHANNEL}/messages"), 2, WAIT)
            .await;
        let shown = posts[1].body["embeds"][0].to_string();
        assert!(shown.contains("2 answers · 100% correct"), "{shown}");
        let edit = s
            .fake
            .wait_for("PATCH", &format!("/channels/{CHANNEL}/messages/"), WAIT)
            .await;

        s.check_spec();
        spec::validate("message", &[post.body, posts[1].body.clone()]);
        spec::validate("message-edit", &[edit.body]);
    });
}

#[test]
fn keep_moves_on_to_the_next_appeal_and_forged_or_foreign_appeals_do_nothing() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(GUILD, "process-vs-thread").await;
        let submit = format!("1:f:{}", round.id.0);
        for member in [ADA, BOB] {
            s.read(ix::modal(&submit, POOR, member)).await;
            let (_, text) = s
                .read(ix::button(&format!("1:ap:{}:{member}", round.id.0), member))
                .await;
            assert!(text.contains("a moderator will look at"), "{text}");
        }
        let ada_before = s.answer_of(round.id, ADA).await;

        // The oldest first, with the count.
        let (body, text) = s.read(grades_review(ADMIN, MANAGE_GUILD)).await;
        assert!(
            text.contains(&format!("<@{ADA}> asked")) && text.contains("2 open appeals"),
            "{text}"
        );
        let keep = custom_ids(&body)
            .into_iter()
            .find(|id| id.ends_with(":keep"))
            .unwrap();
        let (body, text) = s.read(ix::button_as(&keep, ADMIN, MANAGE_GUILD)).await;
        assert_eq!(body["type"], 7);
        assert!(
            text.contains(&format!("Kept the grade of <@{ADA}>'s answer"))
                && text.contains(&format!("<@{BOB}> asked"))
                && text.contains("the only open appeal"),
            "Bob's appeal follows: {text}"
        );
        let ada_after = s.answer_of(round.id, ADA).await;
        assert_eq!(
            (ada_after.verdict, ada_after.score, ada_after.points),
            (ada_before.verdict, ada_before.score, ada_before.points),
            "kept as it was"
        );
        assert_eq!(ada_after.appeal, Some(AppealState::Closed));

        // Forged and foreign ids: nothing is decided or opened.
        for forged in ["1:rv:1:maybe", "1:ap:1:x", "1:rv:01:keep"] {
            let (_, text) = s.read(ix::button_as(forged, ADMIN, MANAGE_GUILD)).await;
            assert!(text.contains("older message"), "{forged}: {text}");
        }
        let (_, text) = s
            .read(ix::button_as("1:rv:999:correct", ADMIN, MANAGE_GUILD))
            .await;
        assert!(text.contains("can't find that appeal"), "{text}");
        let other = s.post_round(GUILD + 1, "process-vs-thread").await;
        let mut there = ix::modal(&format!("1:f:{}", other.id.0), POOR, ADA);
        there["guild_id"] = json!((GUILD + 1).to_string());
        s.read(there).await;
        let (_, text) = s
            .read(ix::button(&format!("1:ap:{}:{ADA}", other.id.0), ADA))
            .await;
        assert!(
            text.contains("can't find that answer"),
            "an answer in another server is not appealed from here: {text}"
        );
        assert_eq!(s.answer_of(other.id, ADA).await.appeal, None);
        let bobs = appeal::next_case(s.app.store(), GuildId(GUILD))
            .await
            .unwrap()
            .unwrap();
        let mut decide = ix::button_as(
            &format!("1:rv:{}:correct", bobs.appeal.0),
            ADMIN,
            MANAGE_GUILD,
        );
        decide["guild_id"] = json!((GUILD + 1).to_string());
        let (_, text) = s.read(decide).await;
        assert!(text.contains("can't find that appeal"), "{text}");
        assert_eq!(
            s.answer_of(round.id, BOB).await.appeal,
            Some(AppealState::Open),
            "another server's moderator cannot decide it"
        );

        // Practice grades have no review button.
        let (body, _) = s
            .read(ix::command(
                "quiz",
                json!([{"name": "topic", "type": 3, "value": "processes-threads"}]),
                ADA,
                0,
            ))
            .await;
        let open = custom_ids(&body)[0].clone();
        let reply = if open.starts_with("1:pt:") {
            let modal = s.read(ix::button(&open, ADA)).await.0;
            let submit = modal["data"]["custom_id"].as_str().unwrap().to_string();
            s.read(ix::modal(&submit, POOR, ADA)).await.0
        } else {
            s.read(ix::button(&open, ADA)).await.0
        };
        // No review button: only the question's Follow-up, when it has follow-ups (issue 13).
        let footer = body["data"]["embeds"][0]["footer"]["text"]
            .as_str()
            .unwrap();
        let asked = footer.rsplit(" · ").next().unwrap();
        let follow_up: Vec<String> = s
            .app
            .bank()
            .get(asked)
            .filter(|q| !q.follow_ups.is_empty())
            .map(|_| format!("1:fu:{asked}"))
            .into_iter()
            .collect();
        assert_eq!(custom_ids(&reply), follow_up, "{reply}");
        s.check_spec();
    });
}

#[test]
fn grades_export_writes_overridden_answers_as_labelled_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.db");
    runtime().block_on(async {
        let store = interview_bot::store::Store::open(&db).unwrap();
        let g = GuildId(1);
        let round = store
            .create_round(NewRound {
                guild: g,
                day: now().date_naive(),
                question: "process-vs-thread".into(),
                topic: "processes-threads".into(),
                difficulty: interview_bot::bank::Difficulty::Medium,
                seed: 42,
                opens_at: now(),
                closes_at: now() + Duration::days(1),
                channel: None,
            })
            .await
            .unwrap()
            .unwrap();
        let texts = [
            (
                1,
                "Processes have separate memory \"and\" threads share it.",
            ),
            (2, "no idea"),
            (3, "threads are light"),
        ];
        for (user, text) in texts {
            store
                .record_answer(NewAnswer {
                    round: round.id,
                    user: UserId(user),
                    answer: text.into(),
                    score: 0.2,
                    verdict: Verdict::Wrong,
                    at: now(),
                    review: None,
                })
                .await
                .unwrap();
        }
        // The next day, member 1 answers a multi-select question with two options.
        let bank = interview_bot::bank::Bank::load(&interview_bot::bank::BankSource::Dir(
            crate::util::repo("questions"),
        ))
        .unwrap();
        let multi = bank
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::Multi { .. }))
            .unwrap();
        let next_day = store
            .create_round(NewRound {
                guild: g,
                day: now().date_naive() + Duration::days(1),
                question: multi.id.0.clone(),
                topic: multi.topic.clone(),
                difficulty: multi.difficulty,
                seed: 43,
                opens_at: now() + Duration::days(1),
                closes_at: now() + Duration::days(2),
                channel: None,
            })
            .await
            .unwrap()
            .unwrap();
        let picked = interview_bot::grade::Answer::Multi(vec![0, 1]);
        store
            .record_answer(NewAnswer {
                round: next_day.id,
                user: UserId(1),
                answer: interview_bot::quiz::answer::stored_text(multi, &picked, ""),
                score: 0.0,
                verdict: Verdict::Wrong,
                at: now() + Duration::days(1),
                review: None,
            })
            .await
            .unwrap();
        // 1 is set correct, 2 is kept (no label), 3 is set partial, 1's multi answer is set
        // correct; 4 never asked.
        for (round, user, decision) in [
            (round.id, 1, Decision::Correct),
            (round.id, 2, Decision::Keep),
            (round.id, 3, Decision::Partial),
            (next_day.id, 1, Decision::Correct),
        ] {
            let asked = appeal::ask_for_review(&store, g, round, UserId(user), UserId(user), now())
                .await
                .unwrap();

            let Asked::Opened(id) = asked else {
                panic!("{asked:?}")
            };
            appeal::decide(
                &store,
                NewDecision {
                    guild: g,
                    appeal: id,
                    decision,
                    moderator: UserId(9),
                    at: now(),
                },
            )
            .await
            .unwrap();
        }
        store.close();
    });

    let out = dir.path().join("labels.jsonl");
    let (ok, stdout, stderr) = run(bot()
        .arg("--db")
        .arg(&db)
        .args(["grades", "export"])
        .arg(&out));
    assert!(ok, "{stderr}");
    assert!(stdout.contains("wrote 3 labelled answers"), "{stdout}");
    let src = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = src.lines().collect();
    assert_eq!(
        lines[..2],
        [
            r#"{"question":"process-vs-thread","answer":"Processes have separate memory \"and\" threads share it.","label":"correct","style":"appeal","seed":42}"#,
            r#"{"question":"process-vs-thread","answer":"threads are light","label":"partial","style":"appeal","seed":42}"#,
        ]
    );
    // An option answer is written as the grader reads it: the options' numbers as shown.
    let multi: Value = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(
        (&multi["label"], &multi["seed"]),
        (&json!("correct"), &json!(43))
    );
    let numbers = multi["answer"].as_str().unwrap();
    assert!(
        numbers.split(' ').count() == 2 && numbers.split(' ').all(|n| n.parse::<u8>().is_ok()),
        "{numbers:?}"
    );
    // The grader's own reader takes them as labelled data, and `grade --batch` grades them all.
    let items = interview_bot::grade::eval::read_jsonl("labels.jsonl", &src).unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| (i.label, i.style.as_str(), i.seed))
            .collect::<Vec<_>>(),
        [
            (Verdict::Correct, "appeal", 42),
            (Verdict::Partial, "appeal", 42),
            (Verdict::Correct, "appeal", 43)
        ]
    );
    let (ok, graded, stderr) = run(bot().args(["grade", "--batch"]).arg(&out));
    assert!(ok, "{stderr}");
    assert_eq!(graded.lines().count(), 3, "{graded}");

    // A bank refuses the option answer as a precedent, naming the file and line and the flag
    // that leaves such answers out.
    let bank = dir.path().join("bank");
    std::fs::create_dir(&bank).unwrap();
    for e in std::fs::read_dir(crate::util::repo("questions")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&path, bank.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(&out, bank.join("appeals.jsonl")).unwrap();
    let (ok, stdout, stderr) = run(bot().args(["questions", "check"]).arg(&bank));
    let said = format!("{stdout}{stderr}");
    assert!(!ok, "{said}");
    assert!(
        said.contains("appeals.jsonl:3") && said.contains("--written-only"),
        "{said}"
    );
    // With --written-only the export goes into the bank as it is, and teaches the grader.
    let (ok, stdout, stderr) = run(bot()
        .arg("--db")
        .arg(&db)
        .args(["grades", "export", "--written-only"])
        .arg(bank.join("appeals.jsonl")));
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("wrote 2 labelled answers") && stdout.contains("left out 1 option answer"),
        "{stdout}"
    );
    let (ok, stdout, stderr) = run(bot().args(["questions", "check"]).arg(&bank));
    assert!(ok, "{stdout}{stderr}");
    let bank =
        interview_bot::bank::Bank::load(&interview_bot::bank::BankSource::Dir(bank)).unwrap();
    assert_eq!(
        bank.precedents()
            .iter()
            .map(|p| (p.answer.as_str(), p.line))
            .collect::<Vec<_>>(),
        [
            (
                "Processes have separate memory \"and\" threads share it.",
                1
            ),
            ("threads are light", 2)
        ]
    );

    let (ok, _, stderr) = run(bot()
        .arg("--db")
        .arg(dir.path().join("missing.db"))
        .args(["grades", "export"])
        .arg(&out));
    assert!(
        !ok && stderr.contains("there is no database at"),
        "{stderr}"
    );
}
