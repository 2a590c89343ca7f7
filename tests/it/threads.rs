//! After the reveal, end to end: the discussion thread a reveal opens on its question (once, also
//! when the reveal is retried, an answer is lost or the bot restarts; a missing permission is
//! reported in `/config show` and not retried), and sharing (the toggle under a daily free-text
//! grade, and the reveal's escaped quote of the best answer whose author agreed). The real handler
//! and clock meet a fake Discord; every body the bot sends is checked against Discord's spec,
//! the thread start too.

use crate::discord::{custom_ids, is_private};
use crate::fake_discord::FakeDiscord;
use crate::interactions::{self as ix, CHANNEL, GUILD, MANAGE_GUILD};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::{DateTime, Duration, Utc};
use interview_bot::bank::Kind;
use interview_bot::discord::{scheduler, App};
use interview_bot::quiz::thread::ThreadState;
use interview_bot::quiz::*;
use serde_json::{json, Value};

const ADMIN: u64 = 500;
const ADA: u64 = 501;
const BOB: u64 = 502;
const CAT: u64 = 503;
const QUESTION: &str = "process-vs-thread";

fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

/// The handler and the clock on a database in `dir`, posting to a fake Discord; every response
/// body is kept and validated at the end.
struct Session {
    fake: FakeDiscord,
    app: App,
    clock: ManualClock,
    bodies: Vec<Value>,
    dir: tempfile::TempDir,
}

impl Session {
    async fn start() -> Session {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let (app, clock) = test_app(dir.path(), &fake.base, now());
        app.set_retry_delay(std::time::Duration::from_millis(5));
        let mut s = app.store().settings(GuildId(GUILD)).await.unwrap();
        s.channel = Some(ChannelId(CHANNEL));
        app.store().save_settings(s, None).await.unwrap();
        Session {
            fake,
            app,
            clock,
            bodies: vec![],
            dir,
        }
    }

    /// The bot stops and starts again on the same database, `later` on.
    fn restart(&mut self, later: Duration) {
        let at = self.app.now() + later;
        let (app, clock) = test_app(self.dir.path(), &self.fake.base, at);
        app.set_retry_delay(std::time::Duration::from_millis(5));
        self.app = app;
        self.clock = clock;
    }

    /// Opens the round of `day` on `question` and posts it to the fake Discord.
    async fn post_round(&self, question: &str, day: i64) -> Round {
        let q = self.app.bank().get(question).unwrap();
        let opens = self.app.now();
        let round = self
            .app
            .store()
            .create_round(NewRound {
                guild: GuildId(GUILD),
                day: now().date_naive() + Duration::days(day),
                question: question.into(),
                topic: q.topic.clone(),
                difficulty: q.difficulty,
                seed: 11,
                opens_at: opens,
                closes_at: opens + Duration::hours(20),
                channel: Some(ChannelId(CHANNEL)),
            })
            .await
            .unwrap()
            .unwrap();
        let settings = self.app.store().settings(GuildId(GUILD)).await.unwrap();
        interview_bot::discord::post::send_round(&self.app, &round, &settings)
            .await
            .unwrap();
        self.app.store().round(round.id).await.unwrap().unwrap()
    }

    async fn read(&mut self, interaction: Value) -> (Value, String) {
        crate::discord::read_into(&self.app, &mut self.bodies, interaction).await
    }

    async fn reveal(&mut self) -> String {
        let cmd = ix::command(
            "round",
            json!([{"name": "reveal", "type": 1, "options": []}]),
            ADMIN,
            MANAGE_GUILD,
        );
        self.read(cmd).await.1
    }

    async fn config_show(&mut self) -> String {
        let cmd = ix::command(
            "config",
            json!([{"name": "show", "type": 1, "options": []}]),
            ADMIN,
            MANAGE_GUILD,
        );
        self.read(cmd).await.1
    }

    /// `member` answers the round in the text box.
    async fn answer(&mut self, round: &Round, member: u64, text: &str) -> Value {
        let (body, said) = self
            .read(ix::modal(&format!("1:f:{}", round.id.0), text, member))
            .await;
        assert!(said.contains("Points"), "{said}");
        body
    }

    /// The thread starts the bot asked for.
    fn thread_starts(&self, round: &Round) -> Vec<crate::fake_discord::Request> {
        let message = round.message.expect("a posted round").0;
        self.fake.requests_to(
            "POST",
            &format!("/channels/{CHANNEL}/messages/{message}/threads"),
        )
    }

    /// The reveals the bot posted (replies to a question).
    fn reveals(&self) -> Vec<Value> {
        self.fake
            .requests_to("POST", &format!("/channels/{CHANNEL}/messages"))
            .into_iter()
            .filter(|r| r.path.ends_with("/messages") && !r.body["message_reference"].is_null())
            .map(|r| r.body)
            .collect()
    }

    async fn thread_state(
        &self,
        round: &Round,
    ) -> Option<interview_bot::quiz::thread::RoundThread> {
        self.app.store().round_thread(round.id).await.unwrap()
    }

    /// Clock passes, each `gap` after the last: what they did in all.
    async fn passes(&self, n: usize, gap: Duration) -> scheduler::PassReport {
        let mut all = scheduler::PassReport::default();
        for _ in 0..n {
            self.clock.advance(gap);
            let r = scheduler::pass(&self.app).await.unwrap();
            all.threads += r.threads;
            all.revealed += r.revealed;
            all.failed += r.failed;
        }
        all
    }

    /// Every callback, and every thread start and channel message the bot sent, against the spec.
    fn check_spec(&self) {
        spec::validate("callback", &self.bodies);
        let starts: Vec<Value> = self
            .fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/threads"))
            .map(|r| r.body)
            .collect();
        spec::validate("thread", &starts);
        let posts: Vec<Value> = self
            .fake
            .requests_to("POST", &format!("/channels/{CHANNEL}/messages"))
            .into_iter()
            .filter(|r| r.path.ends_with("/messages"))
            .map(|r| r.body)
            .collect();
        spec::validate("message", &posts);
    }
}

fn model_answer(app: &App) -> String {
    match &app.bank().get(QUESTION).unwrap().kind {
        Kind::FreeText(r) => r.model_answer.clone(),
        _ => panic!("{QUESTION} is a free-text question"),
    }
}

fn field<'a>(embed: &'a Value, name: &str) -> Option<&'a Value> {
    embed["fields"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
        .map(|f| &f["value"])
}

const BEST: &str = "Best answer, shared by its author";

/// A right answer in a member's own words (the grader calls it correct).
const OWN_WORDS: &str = "In my own words: every process gets its own isolated memory space, while the threads of one process share that process's memory. A thread is a unit of execution inside a process, and threads are cheaper to create and to switch between.";

#[test]
fn a_reveal_opens_one_thread_on_the_question_after_the_reveal_never_before() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(QUESTION, 0).await;
        let answer = model_answer(&s.app);
        s.answer(&round, ADA, &answer).await;
        s.passes(2, Duration::minutes(1)).await;
        assert!(
            s.thread_starts(&round).is_empty(),
            "no thread before the reveal"
        );
        assert_eq!(s.thread_state(&round).await, None);

        let text = s.reveal().await;
        assert!(text.contains("The reveal is posted"), "{text}");
        let starts = s.thread_starts(&round);
        assert_eq!(starts.len(), 1, "{}", s.fake.describe());
        let name = starts[0].body["name"].as_str().unwrap();
        assert!(
            name.starts_with("Discuss: ") && name.chars().count() <= 100,
            "{name}"
        );
        assert_eq!(
            starts[0].body["auto_archive_duration"], 1440,
            "archived after a day"
        );
        // After the reveal, not before it.
        let requests = s.fake.requests();
        let reveal_at = requests
            .iter()
            .position(|r| r.method == "POST" && !r.body["message_reference"].is_null())
            .expect("the reveal");
        let thread_at = requests
            .iter()
            .position(|r| r.path.ends_with("/threads"))
            .unwrap();
        assert!(reveal_at < thread_at);
        let stored = s.thread_state(&round).await.unwrap();
        assert_eq!(stored.state, ThreadState::Open);
        assert_eq!(
            stored.thread.map(|t| t.0),
            round.message.map(|m| m.0),
            "the thread Discord made"
        );
        assert_eq!(s.fake.threads().len(), 1);

        // Revealing again, and the clock going on, open nothing more.
        let text = s.reveal().await;
        assert!(text.contains("no open round"), "{text}");
        s.passes(3, Duration::hours(1)).await;
        assert_eq!(s.thread_starts(&round).len(), 1);
        let text = s.config_show().await;
        assert!(!text.contains("Discussion threads"), "{text}");
        s.check_spec();
    });
}

#[test]
fn a_reveal_retried_after_a_failure_opens_its_thread_once() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(QUESTION, 0).await;
        s.fake.fail_channel(CHANNEL, 500);
        let text = s.reveal().await;
        assert!(text.contains("could not be posted"), "{text}");
        assert!(
            s.thread_starts(&round).is_empty(),
            "no thread while the reveal is not out"
        );
        assert_eq!(s.thread_state(&round).await, None);

        s.fake.heal_channel(CHANNEL);
        let r = s.passes(1, Duration::minutes(2)).await;
        assert_eq!(r.revealed, 1, "{r:?}");
        assert_eq!(s.thread_starts(&round).len(), 1);
        let text = s.reveal().await;
        assert!(text.contains("no open round"), "{text}");
        s.passes(3, Duration::hours(1)).await;
        assert_eq!(s.thread_starts(&round).len(), 1);
        assert_eq!(s.fake.threads().len(), 1);
        assert_eq!(
            s.thread_state(&round).await.unwrap().state,
            ThreadState::Open
        );
        s.check_spec();
    });
}

#[test]
fn a_thread_made_whose_answer_was_lost_is_taken_not_made_twice() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(QUESTION, 0).await;
        // Discord makes the thread, then the answer is a 502; asked again, it says the message
        // has its thread already.
        s.fake.fail_threads(1, 502, true);
        s.reveal().await;
        assert_eq!(s.thread_starts(&round).len(), 2, "asked again once");
        assert_eq!(s.fake.threads().len(), 1, "one thread");
        let stored = s.thread_state(&round).await.unwrap();
        assert_eq!(stored.state, ThreadState::Open);
        assert_eq!(stored.thread.map(|t| t.0), round.message.map(|m| m.0));
        assert!(!s.config_show().await.contains("Discussion threads"));
        s.check_spec();
    });
}

#[test]
fn after_a_restart_an_unconfirmed_thread_is_looked_for_before_it_is_asked_again() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(QUESTION, 0).await;
        // Discord makes the thread and every answer is lost: the outcome stays unclear.
        s.fake.fail_threads(1000, 502, true);
        let text = s.reveal().await;
        assert!(text.contains("The reveal is posted"), "{text}");
        assert_eq!(s.fake.threads().len(), 1);
        let asked = s.thread_starts(&round).len();
        let stored = s.thread_state(&round).await.unwrap();
        assert_eq!((stored.state, stored.attempts), (ThreadState::Pending, 1));
        assert!(
            stored.due_at > s.app.now() && stored.due_at <= s.app.now() + Duration::minutes(1),
            "retried with the reveal's backoff: {}",
            stored.due_at
        );

        // The bot restarts; Discord is well again.
        s.restart(Duration::minutes(5));
        s.fake.fail_threads(0, 502, true);
        let r = scheduler::pass(&s.app).await.unwrap();
        assert_eq!(r.threads, 1, "{r:?}");
        assert_eq!(
            s.thread_starts(&round).len(),
            asked,
            "found on the question message, not asked for again"
        );
        let message = round.message.unwrap().0;
        assert!(!s
            .fake
            .requests_to("GET", &format!("/channels/{CHANNEL}/messages/{message}"))
            .is_empty());
        let stored = s.thread_state(&round).await.unwrap();
        assert_eq!(stored.state, ThreadState::Open);
        assert_eq!(stored.thread.map(|t| t.0), Some(message));
        s.passes(3, Duration::hours(1)).await;
        assert_eq!(s.thread_starts(&round).len(), asked);
        assert_eq!(s.fake.threads().len(), 1);
        s.check_spec();
    });
}

#[test]
fn a_thread_discord_keeps_failing_is_retried_with_backoff_then_given_up_and_reported() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(QUESTION, 0).await;
        s.fake.fail_threads(100_000, 503, false);
        s.reveal().await;
        let per_call = s.thread_starts(&round).len();
        assert!(per_call >= 1);
        // Each pass an hour apart makes the next attempt; after the last one nothing more.
        s.passes(10, Duration::hours(2)).await;
        let stored = s.thread_state(&round).await.unwrap();
        assert_eq!(stored.state, ThreadState::Failed);
        assert_eq!(stored.attempts, interview_bot::discord::threads::ATTEMPTS);
        let asked = s.thread_starts(&round).len();
        assert_eq!(
            asked,
            per_call * interview_bot::discord::threads::ATTEMPTS as usize
        );
        s.passes(5, Duration::hours(6)).await;
        assert_eq!(s.thread_starts(&round).len(), asked, "bounded");
        let text = s.config_show().await;
        assert!(
            text.contains("Discussion threads: Discord did not confirm the thread"),
            "{text}"
        );
        assert!(s.fake.threads().is_empty());
    });
}

#[test]
fn a_missing_permission_is_reported_in_config_show_never_retried_and_cleared_by_a_later_thread() {
    runtime().block_on(async {
        for code in [50013, 50001] {
            let mut s = Session::start().await;
            let round = s.post_round(QUESTION, 0).await;
            s.fake.refuse_threads(code);
            let text = s.reveal().await;
            assert!(
                text.contains("The reveal is posted"),
                "the reveal is not held up by the thread: {text}"
            );
            assert_eq!(s.thread_starts(&round).len(), 1);
            assert_eq!(
                s.thread_state(&round).await.unwrap().state,
                ThreadState::NoPermission
            );
            let text = s.config_show().await;
            assert!(
                text.contains(&format!(
                    "Discussion threads: missing the Create Public Threads permission in <#{CHANNEL}>"
                )),
                "{text}"
            );
            // The clock never asks again.
            s.passes(6, Duration::hours(3)).await;
            assert_eq!(s.thread_starts(&round).len(), 1, "not retried");

            // Granted: the next round's thread opens, and the report goes.
            s.fake.allow_threads();
            let next = s.post_round(QUESTION, 1).await;
            s.reveal().await;
            assert_eq!(s.thread_starts(&next).len(), 1);
            assert_eq!(
                s.thread_state(&next).await.unwrap().state,
                ThreadState::Open
            );
            let text = s.config_show().await;
            assert!(!text.contains("Discussion threads"), "{text}");
            s.check_spec();
        }
    });
}

#[test]
fn the_share_toggle_flips_shows_its_state_and_is_only_the_authors_until_the_reveal() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(QUESTION, 0).await;
        let answer = model_answer(&s.app);
        let body = s.answer(&round, ADA, &answer).await;
        assert!(is_private(&body));
        let turn_on = format!("1:sh:{}:{ADA}:1", round.id.0);
        let turn_off = format!("1:sh:{}:{ADA}:0", round.id.0);
        assert_eq!(
            custom_ids(&body),
            vec![
                format!("1:ap:{}:{ADA}", round.id.0),
                turn_on.clone(),
                format!("1:fu:{QUESTION}")
            ],
            "Ask for a review, sharing (off), and the question's follow-up"
        );
        let toggle = &body["data"]["components"][0]["components"][1];
        assert_eq!(
            toggle["label"],
            "Share my answer if it is among the best: off"
        );

        // On: the grade shows it, the button offers to turn it off.
        let (body, text) = s.read(ix::button(&turn_on, ADA)).await;
        assert_eq!(body["type"], 7, "the grade message is updated");
        assert!(text.contains("On: if yours is the best"), "{text}");
        assert!(custom_ids(&body).contains(&turn_off), "{body}");
        let toggle = &body["data"]["components"][0]["components"][1];
        assert_eq!(
            toggle["label"],
            "Share my answer if it is among the best: on"
        );
        let (body, _) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(custom_ids(&body).contains(&turn_off), "/daily shows it on");

        // Nobody else can change it.
        let (body, text) = s.read(ix::button(&turn_off, BOB)).await;
        assert!(
            is_private(&body) && text.contains("Only the member who answered"),
            "{text}"
        );
        let (body, _) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(custom_ids(&body).contains(&turn_off), "still on");

        // Off again.
        let (body, text) = s.read(ix::button(&turn_off, ADA)).await;
        assert!(text.contains("Off: your answer stays private"), "{text}");
        assert!(custom_ids(&body).contains(&turn_on));
        let (body, _) = s.read(ix::command("daily", json!([]), ADA, 0)).await;
        assert!(custom_ids(&body).contains(&turn_on), "/daily shows it off");

        // A member with no answer, and a forged toggle of a round that is not free text.
        let (_, text) = s
            .read(ix::button(&format!("1:sh:{}:{CAT}:1", round.id.0), CAT))
            .await;
        assert!(text.contains("can't find that answer"), "{text}");

        // After the reveal it stays as it was.
        s.read(ix::button(&turn_on, ADA)).await;
        s.reveal().await;
        let (body, text) = s.read(ix::button(&turn_off, ADA)).await;
        assert!(
            is_private(&body) && text.contains("has been revealed"),
            "{text}"
        );
        use interview_bot::quiz::share::ShareStore;
        assert!(s.app.store().shares(round.id, UserId(ADA)).await.unwrap());
        s.check_spec();
    });
}

#[test]
fn only_a_written_answer_has_the_toggle_and_a_forged_one_changes_nothing() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let choice = s
            .app
            .bank()
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::Choice { .. }))
            .unwrap()
            .id
            .0
            .clone();
        let round = s.post_round(&choice, 0).await;
        let (body, text) = s
            .read(ix::button(&format!("1:a:{}:0", round.id.0), ADA))
            .await;
        assert!(text.contains("Points"), "{text}");
        assert_eq!(
            custom_ids(&body),
            vec![format!("1:ap:{}:{ADA}", round.id.0)],
            "no sharing for a picked option"
        );
        let (_, text) = s
            .read(ix::button(&format!("1:sh:{}:{ADA}:1", round.id.0), ADA))
            .await;
        assert!(text.contains("older message"), "{text}");
        use interview_bot::quiz::share::ShareStore;
        assert!(!s.app.store().shares(round.id, UserId(ADA)).await.unwrap());
        s.check_spec();
    });
}

/// An answer the grader calls correct, with every trick a member could try after it.
fn hostile(model: &str) -> String {
    // First, so that the quote (its first 300 characters) shows every trick.
    format!(
        "@everyone @here <@&4242> <@{BOB}>\n```\nrm -rf /\n```\n# Heading\n> quote\n[free nitro](https://evil.example/x) ||spoiler||\n{model}"
    )
}

#[test]
fn the_reveal_quotes_the_best_consenting_answer_escaped_and_credited_without_pinging() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(QUESTION, 0).await;
        let model = model_answer(&s.app);
        // Bob answers best and first, but never agrees; Ada agrees; Cat agrees, answering less well.
        s.answer(&round, BOB, &model).await;
        s.clock.advance(Duration::minutes(1));
        s.answer(&round, ADA, &hostile(&model)).await;
        s.clock.advance(Duration::minutes(1));
        s.answer(&round, CAT, "Threads share memory.").await;
        for m in [ADA, CAT] {
            s.read(ix::button(&format!("1:sh:{}:{m}:1", round.id.0), m))
                .await;
        }
        let ada = s
            .app
            .store()
            .member_answer(round.id, UserId(ADA))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            ada.verdict,
            interview_bot::grade::Verdict::Correct,
            "{ada:?}"
        );

        s.reveal().await;
        let reveals = s.reveals();
        assert_eq!(reveals.len(), 1);
        let reveal = &reveals[0];
        assert_eq!(
            reveal["allowed_mentions"]["parse"],
            json!([]),
            "the quote and the credit ping nobody"
        );
        assert!(reveal["allowed_mentions"]["users"]
            .as_array()
            .is_none_or(|u| u.is_empty()));
        assert!(reveal["allowed_mentions"]["roles"]
            .as_array()
            .is_none_or(|r| r.is_empty()));
        let quote = field(&reveal["embeds"][0], BEST)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no quote in {reveal}"));
        assert!(
            quote.contains(&format!("— <@{ADA}> · {:.0}%", ada.score * 100.0)),
            "credited to Ada: {quote}"
        );
        assert!(!quote.contains(&format!("<@{BOB}>")), "{quote}");
        assert!(
            quote.contains("Heading") && quote.contains("free nitro"),
            "Ada's words: {quote}"
        );
        assert!(quote.contains("@\u{200B}everyone"), "{quote}");
        for bad in ["@everyone", "@here", "<@&", "```", "](", "https:", "||"] {
            assert!(!quote.contains(bad), "{bad:?} in {quote}");
        }
        let (lines, credit) = quote.rsplit_once('\n').unwrap();
        assert!(credit.starts_with("— "));
        assert!(lines.lines().all(|l| l.starts_with("> ")), "{quote}");
        assert!(quote.chars().count() <= 1024);
        s.check_spec();
    });
}

#[test]
fn nothing_is_quoted_without_consent() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let round = s.post_round(QUESTION, 0).await;
        s.answer(&round, ADA, OWN_WORDS).await;
        s.answer(&round, BOB, OWN_WORDS).await;
        // Bob agrees, then changes his mind before the reveal.
        s.read(ix::button(&format!("1:sh:{}:{BOB}:1", round.id.0), BOB))
            .await;
        s.read(ix::button(&format!("1:sh:{}:{BOB}:0", round.id.0), BOB))
            .await;
        s.reveal().await;
        let reveals = s.reveals();
        assert_eq!(reveals.len(), 1);
        assert!(
            field(&reveals[0]["embeds"][0], BEST).is_none(),
            "{}",
            reveals[0]
        );
        assert!(!reveals[0].to_string().contains("In my own words"));
        s.check_spec();
    });
}

#[test]
fn the_validator_rejects_a_bad_thread_start() {
    let bad = json!({"name": "", "auto_archive_duration": 1441});
    let result = std::panic::catch_unwind(|| spec::validate("thread", &[bad]));
    assert!(
        result.is_err(),
        "an empty name and an unknown duration pass"
    );
}

#[test]
fn help_tells_members_about_the_thread_and_sharing() {
    runtime().block_on(async {
        let mut s = Session::start().await;
        let (_, text) = s.read(ix::command("help", json!([]), ADA, 0)).await;
        for part in [
            "opens a thread on the question",
            "none before the reveal",
            "Share my answer if it is among the best",
            "discussion thread failed",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        s.check_spec();
    });
}
