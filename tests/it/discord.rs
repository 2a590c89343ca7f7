//! The real handler fed the JSON Discord sends, with assertions on what the member sees; every
//! response body is checked against Discord's published spec.

use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::{DateTime, Duration, Utc};
use interview_bot::bank::Kind;
use interview_bot::discord::App;
use interview_bot::quiz::{GuildId, NewRound, UserId};
use serde_json::{json, Value};
use serenity::all::Interaction;

pub(crate) const ADMIN: u64 = 700;
pub(crate) const ADA: u64 = 701;
const BOB: u64 = 702;

fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

/// Collects every response body of a test and validates them together at the end (shared with
/// the other handler tests).
pub(crate) struct Session {
    pub(crate) app: App,
    pub(crate) clock: interview_bot::quiz::ManualClock,
    pub(crate) bodies: Vec<Value>,
    _dir: tempfile::TempDir,
}

impl Session {
    pub(crate) fn new() -> Session {
        let dir = tempfile::tempdir().unwrap();
        // No REST is reached in these tests; the base is a closed local port.
        let (app, clock) = test_app(dir.path(), "http://127.0.0.1:9", now());
        Session {
            app,
            clock,
            bodies: vec![],
            _dir: dir,
        }
    }

    pub(crate) async fn send(&mut self, interaction: Value) -> Value {
        read_into(&self.app, &mut self.bodies, interaction).await.0
    }

    /// The text a member reads: content, embed titles, descriptions, fields and footers.
    pub(crate) async fn read(&mut self, interaction: Value) -> (Value, String) {
        let body = self.send(interaction).await;
        let text = visible_text(&body);
        (body, text)
    }

    /// The bank's first question of a kind.
    pub(crate) fn first(&self, kind: impl Fn(&Kind) -> bool) -> interview_bot::bank::Question {
        self.app
            .bank()
            .questions()
            .iter()
            .find(|q| kind(&q.kind))
            .expect("the bank has one")
            .clone()
    }

    /// Whether the member has an answer recorded for the round.
    pub(crate) async fn has_answered(
        &self,
        round: interview_bot::quiz::RoundId,
        user: u64,
    ) -> bool {
        self.app
            .store()
            .member_answer(round, UserId(user))
            .await
            .unwrap()
            .is_some()
    }

    /// Closes a round in the database, as the clock (or another process) would.
    async fn close(&self, round: interview_bot::quiz::RoundId) {
        self.app
            .store()
            .end_round(round, interview_bot::quiz::RoundState::Closed)
            .await
            .unwrap();
    }

    pub(crate) fn check_spec(&self) {
        spec::validate("callback", &self.bodies);
    }

    pub(crate) async fn open_round(
        &self,
        guild: u64,
        question: &str,
    ) -> interview_bot::quiz::Round {
        let q = self.app.bank().get(question).unwrap();
        self.app
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
                channel: Some(interview_bot::quiz::ChannelId(ix::CHANNEL)),
            })
            .await
            .unwrap()
            .unwrap()
    }
}

/// The text a member reads in a response body: content, embed titles, descriptions, fields and
/// footers (shared with the other handler tests).
/// The handler's response body to an interaction, kept in `bodies` for the spec check, and the
/// text a member reads in it.
pub async fn read_into(app: &App, bodies: &mut Vec<Value>, interaction: Value) -> (Value, String) {
    let i: Interaction =
        serde_json::from_value(interaction).expect("serenity parses the interaction");
    let body = serde_json::to_value(
        interview_bot::discord::handle(app, &i)
            .await
            .into_response(),
    )
    .unwrap();
    bodies.push(body.clone());
    let text = visible_text(&body);
    (body, text)
}

pub fn visible_text(body: &Value) -> String {
    let d = &body["data"];
    let mut out = String::new();
    let mut add = |v: &Value| {
        if let Some(s) = v.as_str() {
            out.push_str(s);
            out.push('\n');
        }
    };
    add(&d["content"]);
    for e in d["embeds"].as_array().into_iter().flatten() {
        add(&e["title"]);
        add(&e["description"]);
        for f in e["fields"].as_array().into_iter().flatten() {
            add(&f["name"]);
            add(&f["value"]);
        }
        add(&e["footer"]["text"]);
    }
    out
}

pub fn is_private(body: &Value) -> bool {
    body["data"]["flags"].as_u64().is_some_and(|f| f & 64 != 0)
}

pub fn custom_ids(body: &Value) -> Vec<String> {
    let mut ids = vec![];
    for row in body["data"]["components"].as_array().into_iter().flatten() {
        for c in row["components"].as_array().into_iter().flatten() {
            if let Some(id) = c["custom_id"].as_str() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

#[test]
fn help_explains_scoring_and_the_commands() {
    runtime().block_on(async {
        let mut s = Session::new();
        let (body, text) = s.read(ix::command("help", json!([]), ADA, 0)).await;
        assert_eq!(body["type"], 4);
        assert!(is_private(&body));
        assert!(
            text.contains("interview-bot")
                && text.contains("Streaks")
                && text.contains("/leaderboard"),
            "{text}"
        );
        assert_eq!(
            body["data"]["allowed_mentions"]["parse"],
            json!([]),
            "no pings"
        );
        s.check_spec();
    });
}

#[test]
fn daily_without_a_round_says_when_the_next_one_comes() {
    runtime().block_on(async {
        let mut s = Session::new();
        let (body, text) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(is_private(&body));
        // 09:00 UTC by default; it is 12:00, so tomorrow.
        let tomorrow = "2026-06-11T09:00:00Z"
            .parse::<DateTime<Utc>>()
            .unwrap()
            .timestamp();
        assert!(text.contains(&format!("<t:{tomorrow}:R>")), "{text}");
        let (_, text) = s.read(ix::command_in_dm("daily", ADA)).await;
        assert!(text.contains("works in a server"), "{text}");
        s.check_spec();
    });
}

#[test]
fn a_member_plays_a_choice_round_once() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.first(|k| matches!(k, Kind::Choice { .. }));
        let round = s.open_round(GUILD, &q.id.0).await;
        let (body, text) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(
            text.contains("Question of the day")
                && text.contains(&format!("<t:{}:R>", round.closes_at.timestamp())),
            "{text}"
        );
        let Kind::Choice { answer, options } = &q.kind else {
            unreachable!()
        };
        let ids = custom_ids(&body);
        assert_eq!(ids.len(), options.len(), "a button per option");
        let right = format!("1:a:{}:{answer}", round.id.0);
        assert!(ids.contains(&right), "{ids:?}");

        let (body, text) = s.read(ix::button(&right, ADA)).await;
        assert!(is_private(&body), "a grade is private");
        assert!(text.contains("Correct") && text.contains("+"), "{text}");
        assert!(
            text.contains("come with the reveal"),
            "the right answer is held back: {text}"
        );

        let (_, text) = s.read(ix::button(&right, ADA)).await;
        assert!(text.contains("already answered"), "{text}");
        let (_, text) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(text.contains("You answered today's question"), "{text}");

        let stats = s
            .app
            .store()
            .member_stats(GuildId(GUILD), UserId(ADA))
            .await
            .unwrap();
        assert_eq!((stats.answers, stats.correct), (1, 1));
        s.check_spec();
    });
}

#[test]
fn a_written_answer_goes_through_a_modal_and_keeps_the_model_answer_for_the_reveal() {
    runtime().block_on(async {
        let mut s = Session::new();
        let round = s.open_round(GUILD, "process-vs-thread").await;
        let (body, _) = s.read(ix::command("daily", json!([]), BOB, 0)).await;
        let open = format!("1:t:{}", round.id.0);
        assert_eq!(custom_ids(&body), vec![open.clone()]);

        let modal = s.send(ix::button(&open, BOB)).await;
        assert_eq!(modal["type"], 9, "a modal");
        assert_eq!(modal["data"]["custom_id"], format!("1:f:{}", round.id.0));
        let input = &modal["data"]["components"][0]["components"][0];
        assert_eq!((input["style"].as_u64(), input["max_length"].as_u64()), (Some(2), Some(4000)));

        let answer = "Each process has its own separate memory, while threads inside a process share that memory.";
        let (body, text) = s.read(ix::modal(&format!("1:f:{}", round.id.0), answer, BOB)).await;
        assert!(is_private(&body));
        assert!(text.contains("You made these points"), "{text}");
        let model = match &s.app.bank().get("process-vs-thread").unwrap().kind {
            Kind::FreeText(r) => r.model_answer.clone(),
            _ => unreachable!(),
        };
        assert!(!text.contains(&model[..40]), "the model answer waits for the reveal: {text}");
        assert!(!text.contains("Missing"), "missed points wait too: {text}");

        let (_, text) = s.read(ix::modal(&format!("1:f:{}", round.id.0), "second try", BOB)).await;
        assert!(text.contains("already answered"), "{text}");
        let (_, text) = s.read(ix::modal(&format!("1:f:{}", round.id.0), "   ", ADA)).await;
        assert!(text.contains("empty"), "{text}");
        s.check_spec();
    });
}

#[test]
fn multi_and_order_rounds_are_answered_by_select_and_by_modal() {
    runtime().block_on(async {
        let mut s = Session::new();
        let multi = s.first(|k| matches!(k, Kind::Multi { .. }));
        let round = s.open_round(GUILD, &multi.id.0).await;
        let (body, _) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        let select = &body["data"]["components"][0]["components"][0];
        assert_eq!(select["type"], 3, "a select menu");
        let Kind::Multi { answers, .. } = &multi.kind else {
            unreachable!()
        };
        let values: Vec<String> = answers.iter().map(|a| a.to_string()).collect();
        let refs: Vec<&str> = values.iter().map(|s| s.as_str()).collect();
        let (_, text) = s
            .read(ix::select(&format!("1:m:{}", round.id.0), &refs, ADA))
            .await;
        assert!(text.contains("Correct"), "{text}");
        let (_, text) = s
            .read(ix::select(&format!("1:m:{}", round.id.0), &["99"], BOB))
            .await;
        assert!(
            text.contains("older message"),
            "a value that is no option: {text}"
        );

        // An order question in another guild, answered with item numbers as shown.
        let order = s.first(|k| matches!(k, Kind::Order { .. }));
        let other = s.open_round(GUILD + 1, &order.id.0).await;
        let inst = order.instance(other.seed);
        let right: Vec<String> = (0..inst.order.len())
            .map(|i| (inst.order.iter().position(|&j| j == i).unwrap() + 1).to_string())
            .collect();
        let mut click = ix::modal(&format!("1:f:{}", other.id.0), &right.join(" "), ADA);
        click["guild_id"] = json!((GUILD + 1).to_string());
        let (_, text) = s.read(click).await;
        assert!(text.contains("Correct"), "{text}");
        s.check_spec();
    });
}

#[test]
fn practice_is_private_fully_explained_and_earns_no_points() {
    runtime().block_on(async {
        let mut s = Session::new();
        let (body, text) = s
            .read(ix::command("quiz", json!([{"name": "topic", "type": 3, "value": "semver"}, {"name": "difficulty", "type": 3, "value": "easy"}]), ADA, 0))
            .await;
        assert!(is_private(&body));
        assert!(text.contains("Practice · Semantic Versioning") && text.contains("easy"), "{text}");
        let id = custom_ids(&body)[0].clone();
        let reply = if id.starts_with("1:pt:") {
            let modal = s.send(ix::button(&id, ADA)).await;
            let submit = modal["data"]["custom_id"].as_str().unwrap().to_string();
            // A typed answer of the right shape: an order question takes its item numbers.
            let question = id.split(':').nth(2).unwrap();
            let typed = match &s.app.bank().get(question).unwrap().kind {
                Kind::Order { items, .. } => (1..=items.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(" "),
                _ => "no idea".to_string(),
            };
            s.read(ix::modal(&submit, &typed, ADA)).await
        } else {
            s.read(ix::button(&id, ADA)).await
        };
        assert!(reply.1.contains("Answer") && reply.1.contains("Why"), "practice shows the answer at once: {}", reply.1);
        let stats = s.app.store().member_stats(GuildId(GUILD), UserId(ADA)).await.unwrap();
        assert_eq!((stats.practice, stats.points, stats.answers), (1, 0, 0));

        let (_, text) = s.read(ix::command("quiz", json!([{"name": "topic", "type": 3, "value": "astrology"}]), ADA, 0)).await;
        assert!(text.contains("no topic `astrology`"), "{text}");
        s.check_spec();
    });
}

#[test]
fn the_leaderboard_shows_the_top_and_my_rank_and_pages() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.first(|k| matches!(k, Kind::TrueFalse { .. }));
        let round = s.open_round(GUILD, &q.id.0).await;
        let Kind::TrueFalse { answer } = q.kind else { unreachable!() };
        for member in 1..=12u64 {
            let option = if member <= 11 { u8::from(answer) } else { u8::from(!answer) };
            s.send(ix::button(&format!("1:a:{}:{option}", round.id.0), member)).await;
        }
        let (body, text) = s.read(ix::command("leaderboard", json!([]), 12, 0)).await;
        assert!(text.contains("Leaderboard · All time"), "{text}");
        assert_eq!(text.matches("**#1**").count(), 10, "eleven members tie for first; ten on the page: {text}");
        assert!(text.contains("You: #12 of 12"), "the asker's own rank, outside the top: {text}");
        let next = custom_ids(&body).into_iter().find(|id| id.ends_with(":1")).unwrap();
        let (body, text) = s.read(ix::button(&next, 12)).await;
        assert_eq!(body["type"], 7, "paging updates the message");
        assert!(text.contains("page 2 of 2") && text.contains("<@11>"), "{text}");
        assert_eq!(body["data"]["allowed_mentions"]["parse"], json!([]), "names are shown, never pinged");

        let (_, text) = s.read(ix::command("leaderboard", json!([{"name": "period", "type": 3, "value": "week"}, {"name": "topic", "type": 3, "value": q.topic.clone()}]), 1, 0)).await;
        assert!(text.contains("This week") && text.contains("You: #1"), "{text}");
        let (_, text) = s.read(ix::command("stats", json!([]), 1, 0)).await;
        assert!(text.contains("100% correct") && text.contains("1 now"), "{text}");
        s.check_spec();
    });
}

#[test]
fn admin_commands_are_refused_to_members_and_bad_values_change_nothing() {
    runtime().block_on(async {
        let mut s = Session::new();
        let time = |v: &str| json!([{"name": "time", "type": 1, "options": [{"name": "time", "type": 3, "value": v}]}]);
        let (_, text) = s.read(ix::command("config", time("18:30"), ADA, 0)).await;
        assert!(text.contains("Manage Server"), "{text}");
        let (_, text) = s.read(ix::command("round", json!([{"name": "reveal", "type": 1, "options": []}]), ADA, 0)).await;
        assert!(text.contains("Manage Server"), "{text}");

        let (_, text) = s.read(ix::command("config", time("25:99"), ADMIN, MANAGE_GUILD)).await;
        assert!(text.contains("`25:99` is not a time of day") && text.contains("Nothing was changed"), "{text}");
        let tz = json!([{"name": "timezone", "type": 1, "options": [{"name": "timezone", "type": 3, "value": "Mars/Olympus"}]}]);
        let (_, text) = s.read(ix::command("config", tz, ADMIN, MANAGE_GUILD)).await;
        assert!(text.contains("`Mars/Olympus` is not a time zone"), "{text}");
        let before = s.app.store().settings(GuildId(GUILD)).await.unwrap();
        assert_eq!(before, interview_bot::quiz::GuildSettings::new(GuildId(GUILD)));

        s.read(ix::command("config", time("18:30"), ADMIN, MANAGE_GUILD)).await;
        let tz = json!([{"name": "timezone", "type": 1, "options": [{"name": "timezone", "type": 3, "value": "Europe/London"}]}]);
        s.read(ix::command("config", tz, ADMIN, MANAGE_GUILD)).await;
        let topics = json!([{"name": "topics", "type": 1, "options": [{"name": "topics", "type": 3, "value": "semver, transformers"}]}]);
        s.read(ix::command("config", topics, ADMIN, MANAGE_GUILD)).await;
        let channel = json!([{"name": "channel", "type": 1, "options": [{"name": "channel", "type": 7, "value": "555"}]}]);
        let resolved = json!({"channels": {"555": {"id": "555", "name": "quiz", "type": 0, "permissions": "0"}}});
        s.read(ix::command_with_resolved("config", channel, resolved, ADMIN, MANAGE_GUILD)).await;
        let (_, text) = s.read(ix::command("config", json!([{"name": "show", "type": 1, "options": []}]), ADMIN, MANAGE_GUILD)).await;
        assert!(text.contains("18:30 (Europe/London)") && text.contains("semver, transformers") && text.contains("<#555>"), "{text}");
        let after = s.app.store().settings(GuildId(GUILD)).await.unwrap();
        assert_eq!(after.timezone, chrono_tz::Europe::London);
        s.read(ix::command("config", json!([{"name": "disable", "type": 1, "options": []}]), ADMIN, MANAGE_GUILD)).await;
        let (_, text) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(text.contains("switched off"), "{text}");
        s.check_spec();
    });
}

#[test]
fn autocomplete_offers_topics_and_time_zones() {
    runtime().block_on(async {
        let mut s = Session::new();
        let body = s.send(ix::autocomplete("quiz", json!([{"name": "topic", "type": 3, "value": "sem", "focused": true}]), ADA)).await;
        assert_eq!(body["type"], 8);
        let values: Vec<&str> = body["data"]["choices"].as_array().unwrap().iter().map(|c| c["value"].as_str().unwrap()).collect();
        assert_eq!(values, vec!["semver"]);
        let tz = json!([{"name": "timezone", "type": 1, "options": [{"name": "timezone", "type": 3, "value": "lond", "focused": true}]}]);
        let body = s.send(ix::autocomplete("config", tz, ADMIN)).await;
        let values: Vec<&str> = body["data"]["choices"].as_array().unwrap().iter().map(|c| c["value"].as_str().unwrap()).collect();
        assert!(values.contains(&"Europe/London"), "{values:?}");
        let tz = json!([{"name": "timezone", "type": 1, "options": [{"name": "timezone", "type": 3, "value": "", "focused": true}]}]);
        let body = s.send(ix::autocomplete("config", tz, ADMIN)).await;
        assert_eq!(body["data"]["choices"].as_array().unwrap().len(), 25, "at most 25 choices");
        s.check_spec();
    });
}

#[test]
fn stale_forged_and_closed_controls_record_nothing() {
    runtime().block_on(async {
        let mut s = Session::new();
        for forged in ["0:zz", "1:a:1:1:1", "1:a:999999:0", "hello"] {
            let (body, text) = s.read(ix::button(forged, ADA)).await;
            assert!(is_private(&body));
            assert!(
                text.contains("older message") || text.contains("can't find that round"),
                "{forged}: {text}"
            );
        }
        // A round of another guild, clicked from this one.
        let q = s.first(|k| matches!(k, Kind::TrueFalse { .. }));
        let elsewhere = s.open_round(GUILD + 5, &q.id.0).await;
        let (_, text) = s
            .read(ix::button(&format!("1:a:{}:1", elsewhere.id.0), ADA))
            .await;
        assert!(text.contains("older message"), "{text}");
        assert!(!s.has_answered(elsewhere.id, ADA).await);
        // A closed round.
        let here = s.open_round(GUILD, &q.id.0).await;
        s.close(here.id).await;
        let (_, text) = s
            .read(ix::button(&format!("1:a:{}:1", here.id.0), ADA))
            .await;
        assert!(text.contains("round is closed"), "{text}");
        assert!(!s.has_answered(here.id, ADA).await);
        s.check_spec();
    });
}

/// Answers read a round from memory; a round closed by another process (several `serve`
/// replicas share one database) must still refuse the next answer, and show the reveal.
#[test]
fn a_round_closed_elsewhere_refuses_answers_and_shows_the_reveal() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.first(|k| matches!(k, Kind::TrueFalse { .. }));
        let round = s.open_round(GUILD, &q.id.0).await;
        let (_, text) = s
            .read(ix::button(&format!("1:a:{}:1", round.id.0), BOB))
            .await;
        assert!(text.contains("Points"), "Bob's answer is recorded: {text}");
        // Another process closes it; this one still has it in memory as open.
        s.close(round.id).await;
        let (body, text) = s
            .read(ix::button(&format!("1:a:{}:1", round.id.0), ADA))
            .await;
        assert!(is_private(&body));
        assert!(
            text.contains("round is closed") && text.contains("The answer"),
            "{text}"
        );
        assert!(!s.has_answered(round.id, ADA).await);
        s.check_spec();
    });
}

#[test]
fn concurrent_clicks_record_one_answer() {
    runtime().block_on(async {
        let s = Session::new();
        let q = s.first(|k| matches!(k, Kind::TrueFalse { .. }));
        let round = s.open_round(GUILD, &q.id.0).await;
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let app = s.app.clone();
                let click = ix::button(&format!("1:a:{}:{}", round.id.0, i % 2), ADA);
                tokio::spawn(async move {
                    let i: Interaction = serde_json::from_value(click).unwrap();
                    visible_text(
                        &serde_json::to_value(
                            interview_bot::discord::handle(&app, &i)
                                .await
                                .into_response(),
                        )
                        .unwrap(),
                    )
                })
            })
            .collect();
        let mut texts = vec![];
        for t in tasks {
            texts.push(t.await.unwrap());
        }
        assert_eq!(
            texts.iter().filter(|t| t.contains("Points")).count(),
            1,
            "{texts:#?}"
        );
        assert_eq!(
            texts
                .iter()
                .filter(|t| t.contains("already answered"))
                .count(),
            7,
            "{texts:#?}"
        );
        assert_eq!(
            s.app
                .store()
                .round_results(round.id, 10)
                .await
                .unwrap()
                .answers,
            1
        );
    });
}

#[test]
fn daily_after_the_closing_time_shows_the_reveal() {
    runtime().block_on(async {
        let mut s = Session::new();
        let round = s.open_round(GUILD, "semver-parts").await;
        s.send(ix::modal(
            &format!("1:f:{}", round.id.0),
            "MAJOR for breaking changes, MINOR for new compatible features, PATCH for bug fixes",
            ADA,
        ))
        .await;
        s.clock.set(round.closes_at);
        let (body, text) = s.read(ix::command("daily", json!([]), BOB, 0)).await;
        assert!(is_private(&body));
        assert!(
            text.contains("round is closed")
                && text.contains("Model answer")
                && text.contains("1 answer ·"),
            "{text}"
        );
        assert!(
            text.contains(&format!("<@{ADA}>")),
            "the top answers: {text}"
        );
        s.check_spec();
    });
}
