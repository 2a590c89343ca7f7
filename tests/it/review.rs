//! Spaced review through the real handler: every practice or daily answer schedules its question
//! for the member (FSRS), and `/review` asks the due ones privately, one after another, on a clock
//! the tests set. Every response body is checked against Discord's spec.

use crate::discord::{custom_ids, is_private, visible_text};
use crate::interactions::{self as ix, GUILD};
use crate::spec;
use crate::util::{runtime, test_app};
use chrono::{DateTime, Duration, Utc};
use interview_bot::bank::{Kind, Question};
use interview_bot::discord::App;
use interview_bot::quiz::review::{Deck, Rating, ReviewStore};
use interview_bot::quiz::{GuildId, ManualClock, NewRound, UserId};
use serde_json::{json, Value};

const ADA: u64 = 1701;
const BOB: u64 = 1702;

fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

struct Session {
    app: App,
    clock: ManualClock,
    bodies: Vec<Value>,
    _dir: tempfile::TempDir,
}

impl Session {
    fn new() -> Session {
        let dir = tempfile::tempdir().unwrap();
        // No REST is reached here; the base is a closed local port.
        let (app, clock) = test_app(dir.path(), "http://127.0.0.1:9", now());
        Session {
            app,
            clock,
            bodies: vec![],
            _dir: dir,
        }
    }

    /// The response body, and the text the member reads in it.
    async fn read(&mut self, interaction: Value) -> (Value, String) {
        crate::discord::read_into(&self.app, &mut self.bodies, interaction).await
    }

    async fn review(&mut self, user: u64) -> (Value, String) {
        self.read(ix::command("review", json!([]), user, 0)).await
    }

    /// The bank's choice questions, in bank order.
    fn choices(&self) -> Vec<Question> {
        self.app
            .bank()
            .questions()
            .iter()
            .filter(|q| matches!(q.kind, Kind::Choice { .. }))
            .cloned()
            .collect()
    }

    fn clock_now(&self) -> DateTime<Utc> {
        use interview_bot::quiz::Clock;
        self.clock.now()
    }

    fn card_due(&self, due: DateTime<Utc>) -> String {
        format!("<t:{}:R>", due.timestamp())
    }

    async fn card(&self, user: u64, question: &str) -> Option<interview_bot::quiz::review::Card> {
        let deck = Deck {
            guild: Some(GuildId(GUILD)),
            member: UserId(user),
        };
        self.app.store().card(deck, question.into()).await.unwrap()
    }

    /// The bank's first choice question, missed by `user` in practice a day ago: due now.
    async fn missed_yesterday(&mut self, user: u64) -> Question {
        let q = self.choices()[0].clone();
        let (_, wrong) = options(&q);
        self.read(click(&format!("1:pa:{}:7:{wrong}", q.id), user, now()))
            .await;
        self.clock.advance(Duration::days(1));
        q
    }

    fn check_spec(&self) {
        spec::validate("callback", &self.bodies);
    }
}

/// The option of a choice question that is right, and one that is not.
fn options(q: &Question) -> (usize, usize) {
    let Kind::Choice { options, answer } = &q.kind else {
        panic!("{} is not a choice question", q.id)
    };
    (*answer, (answer + 1) % options.len())
}

fn options_len(q: &Question) -> usize {
    match &q.kind {
        Kind::Choice { options, .. } => options.len(),
        _ => unreachable!(),
    }
}

/// A button pressed under a message the member was shown at `shown`.
fn click(custom_id: &str, user: u64, shown: DateTime<Utc>) -> Value {
    let mut v = ix::button(custom_id, user);
    v["message"]["timestamp"] = json!(shown.to_rfc3339());
    v
}

/// The custom id of a review question's option, from the question message's controls.
fn review_option(body: &Value, option: usize) -> String {
    let id = custom_ids(body)
        .into_iter()
        .find(|id| id.starts_with("1:ra:"))
        .unwrap_or_else(|| panic!("no review controls in {body}"));
    let (head, _) = id.rsplit_once(':').unwrap();
    format!("{head}:{option}")
}

#[test]
fn a_missed_practice_question_comes_back_the_next_day_and_a_right_answer_sends_it_further() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.choices()[0].clone();
        let (right, wrong) = options(&q);

        // Missed in practice: graded as /quiz grades, and scheduled.
        let (body, text) = s
            .read(click(&format!("1:pa:{}:7:{wrong}", q.id), ADA, now()))
            .await;
        assert!(is_private(&body) && text.contains("Not quite"), "{text}");
        assert!(
            custom_ids(&body).is_empty(),
            "a practice grade is as before: {body}"
        );

        // Not due yet: /review says when.
        let tomorrow = now() + Duration::days(1);
        let (body, text) = s.review(ADA).await;
        assert!(is_private(&body));
        assert!(
            text.contains("Nothing is due") && text.contains(&s.card_due(tomorrow)),
            "{text}"
        );
        assert!(custom_ids(&body).is_empty());

        // A day later /review offers it, with the answer controls of /quiz.
        s.clock.advance(Duration::days(1));
        let (body, text) = s.review(ADA).await;
        assert!(is_private(&body));
        assert!(
            text.contains("Review ·")
                && text.contains(q.id.0.as_str())
                && text.contains("1 question is due for review: this one."),
            "{text}"
        );
        let ids = custom_ids(&body);
        assert_eq!(ids.len(), options_len(&q), "one button per option: {ids:?}");
        assert!(
            ids.iter()
                .all(|id| id.starts_with(&format!("1:ra:{}:", q.id))),
            "{ids:?}"
        );

        // Answered right, a minute after it was shown (so Good, not Easy): graded like /quiz,
        // recorded as practice, and rescheduled further out than a day.
        let shown = s.clock_now() - Duration::minutes(1);
        let (body, text) = s
            .read(click(&review_option(&body, right), ADA, shown))
            .await;
        assert!(
            is_private(&body) && text.contains("Correct") && text.contains("Why"),
            "{text}"
        );
        let card = s.card(ADA, &q.id.0).await.expect("a card");
        assert_eq!((card.last_rating, card.reps), (Rating::Good, 2));
        assert!(card.due > s.clock_now() + Duration::days(1), "{card:?}");
        assert!(
            text.contains(&format!(
                "This question comes back for review {}",
                s.card_due(card.due)
            )),
            "{text}"
        );
        assert!(
            text.contains("Nothing else is due now; the next question falls due"),
            "{text}"
        );
        assert!(
            custom_ids(&body).is_empty(),
            "no Next review with nothing due: {body}"
        );
        let stats = s
            .app
            .store()
            .member_stats(GuildId(GUILD), UserId(ADA))
            .await
            .unwrap();
        assert_eq!(
            (stats.practice, stats.answers, stats.points),
            (2, 0, 0),
            "recorded as practice"
        );

        // Nothing due until then; then it is offered again.
        let (_, text) = s.review(ADA).await;
        assert!(
            text.contains("Nothing is due") && text.contains(&s.card_due(card.due)),
            "{text}"
        );
        s.clock.set(card.due);
        let (_, text) = s.review(ADA).await;
        assert!(
            text.contains("1 question is due") && text.contains(q.id.0.as_str()),
            "{text}"
        );
        s.check_spec();
    });
}

#[test]
fn review_with_nothing_answered_says_how_to_get_questions_to_review() {
    runtime().block_on(async {
        let mut s = Session::new();
        let (body, text) = s.review(ADA).await;
        assert!(is_private(&body) && body["type"] == 4);
        assert!(
            text.contains("no questions to review here yet")
                && text.contains("/daily")
                && text.contains("/quiz"),
            "{text}"
        );
        // A member's cards are theirs, and each server's (and direct messages') their own.
        let q = s.choices()[0].clone();
        let (_, wrong) = options(&q);
        s.read(click(&format!("1:pa:{}:7:{wrong}", q.id), ADA, now()))
            .await;
        s.clock.advance(Duration::days(2));
        let (_, text) = s.review(BOB).await;
        assert!(text.contains("no questions to review here yet"), "{text}");
        let (_, text) = s.read(ix::command_in_dm("review", ADA)).await;
        assert!(text.contains("no questions to review here yet"), "{text}");
        let (_, text) = s.review(ADA).await;
        assert!(text.contains("1 question is due"), "{text}");
        s.check_spec();
    });
}

#[test]
fn next_review_goes_through_every_due_question_most_overdue_first() {
    runtime().block_on(async {
        let mut s = Session::new();
        let qs: Vec<Question> = s.choices().into_iter().take(3).collect();
        // Missed an hour apart: the first missed is the most overdue.
        for q in &qs {
            let (_, wrong) = options(q);
            s.read(click(
                &format!("1:pa:{}:3:{wrong}", q.id),
                ADA,
                s.clock_now(),
            ))
            .await;
            s.clock.advance(Duration::hours(1));
        }
        s.clock.set(now() + Duration::days(2));

        let (mut body, text) = s.review(ADA).await;
        assert!(
            text.contains("3 questions are due for review; this one is the most overdue."),
            "{text}"
        );
        for (i, q) in qs.iter().enumerate() {
            let text = visible_text(&body);
            assert!(text.contains(q.id.0.as_str()), "question {i}: {text}");
            let (right, _) = options(q);
            let shown = s.clock_now() - Duration::minutes(2);
            let (grade, text) = s
                .read(click(&review_option(&body, right), ADA, shown))
                .await;
            assert!(text.contains("Correct"), "{text}");
            let more = qs.len() - i - 1;
            match more {
                0 => {
                    assert!(text.contains("Nothing else is due now"), "{text}");
                    assert!(custom_ids(&grade).is_empty(), "{grade}");
                }
                n => {
                    let said = if n == 1 {
                        "1 more question is due".to_string()
                    } else {
                        format!("{n} more questions are due")
                    };
                    assert!(text.contains(&said), "{text}");
                    assert_eq!(custom_ids(&grade), vec!["1:rn".to_string()]);
                    // Next review replaces the grade with the next question.
                    let (next, text) = s.read(ix::button("1:rn", ADA)).await;
                    assert_eq!(next["type"], 7, "an update of the grade's message");
                    assert!(text.contains(&format!("{n} question")), "{text}");
                    body = next;
                }
            }
        }
        let (_, text) = s.review(ADA).await;
        assert!(text.contains("Nothing is due"), "{text}");
        // Next review with nothing due says so, in place.
        let (next, text) = s.read(ix::button("1:rn", ADA)).await;
        assert_eq!(next["type"], 7);
        assert!(text.contains("Nothing is due"), "{text}");
        assert!(custom_ids(&next).is_empty());
        s.check_spec();
    });
}

#[test]
fn a_daily_answer_schedules_its_question_for_review() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.choices()[1].clone();
        let round = s
            .app
            .store()
            .create_round(NewRound {
                guild: GuildId(GUILD),
                day: now().date_naive(),
                question: q.id.0.clone(),
                topic: q.topic.clone(),
                difficulty: q.difficulty,
                seed: 11,
                opens_at: now() - Duration::hours(1),
                closes_at: now() + Duration::hours(20),
                channel: Some(interview_bot::quiz::ChannelId(ix::CHANNEL)),
            })
            .await
            .unwrap()
            .unwrap();
        let (_, wrong) = options(&q);
        let (_, text) = s
            .read(click(&format!("1:a:{}:{wrong}", round.id.0), ADA, now()))
            .await;
        assert!(text.contains("Not quite"), "{text}");
        s.clock.advance(Duration::days(1));
        let (_, text) = s.review(ADA).await;
        assert!(
            text.contains("1 question is due") && text.contains(q.id.0.as_str()),
            "{text}"
        );
        s.check_spec();
    });
}

/// A right answer to an exact kind given within seconds of the question being shown is Easy and
/// comes back later than one given after minutes (Good); a right free-text answer is Good
/// however fast. Timed from the message Discord sends with the click (its edit time when it was
/// updated, as a **Next review** does), also for an answer typed in a text box.
#[test]
fn a_fast_right_answer_to_an_exact_question_comes_back_later() {
    runtime().block_on(async {
        let mut s = Session::new();
        let qs = s.choices();
        let (fast, slow) = (&qs[0], &qs[1]);
        let at = s.clock_now();
        s.read(click(
            &format!("1:pa:{}:1:{}", fast.id, options(fast).0),
            ADA,
            at - Duration::seconds(6),
        ))
        .await;
        // Sent long ago but edited (a Next review) six seconds ago: fast.
        let mut edited = click(
            &format!("1:pa:{}:1:{}", slow.id, options(slow).0),
            BOB,
            at - Duration::days(3),
        );
        edited["message"]["edited_timestamp"] = json!((at - Duration::seconds(6)).to_rfc3339());
        s.read(edited).await;
        s.read(click(
            &format!("1:pa:{}:1:{}", slow.id, options(slow).0),
            ADA,
            at - Duration::minutes(5),
        ))
        .await;
        let fast_card = s.card(ADA, &fast.id.0).await.unwrap();
        let slow_card = s.card(ADA, &slow.id.0).await.unwrap();
        assert_eq!(fast_card.last_rating, Rating::Easy);
        assert_eq!(slow_card.last_rating, Rating::Good);
        assert_eq!(
            s.card(BOB, &slow.id.0).await.unwrap().last_rating,
            Rating::Easy
        );
        assert!(fast_card.due > slow_card.due);

        // When the slow one falls due, only it is offered.
        s.clock.set(slow_card.due);
        let (_, text) = s.review(ADA).await;
        assert!(
            text.contains("1 question is due")
                && text.contains(slow.id.0.as_str())
                && text.contains(&s.card_due(fast_card.due)),
            "{text}"
        );

        // A short answer typed in the box: timed from the message whose Answer button opened it.
        let short = s
            .app
            .bank()
            .questions()
            .iter()
            .find(|q| matches!(q.kind, Kind::Short { .. }))
            .unwrap()
            .clone();
        let Kind::Short { answer, .. } = &short.kind else {
            unreachable!()
        };
        let mut typed = ix::modal(&format!("1:pf:{}:5", short.id), answer, ADA);
        typed["message"] =
            click("1:pt:x:5", ADA, s.clock_now() - Duration::seconds(20))["message"].clone();
        let (_, text) = s.read(typed).await;
        assert!(text.contains("Correct"), "{text}");
        assert_eq!(
            s.card(ADA, &short.id.0).await.unwrap().last_rating,
            Rating::Easy
        );
        // The same without the message (unknowable): Good.
        let (_, text) = s
            .read(ix::modal(&format!("1:pf:{}:5", short.id), answer, BOB))
            .await;
        assert!(text.contains("Correct"), "{text}");
        assert_eq!(
            s.card(BOB, &short.id.0).await.unwrap().last_rating,
            Rating::Good
        );
        s.check_spec();
    });
}

/// A card whose question left the bank is never offered: `/review` drops it and goes on.
#[test]
fn a_card_of_a_question_no_longer_in_the_bank_is_dropped() {
    runtime().block_on(async {
        let mut s = Session::new();
        let deck = Deck {
            guild: Some(GuildId(GUILD)),
            member: UserId(ADA),
        };
        let store = s.app.store().clone();
        store
            .rate_card(deck, "a-retired-question".into(), Rating::Again, now())
            .await
            .unwrap();
        let q = s.choices()[0].clone();
        s.clock.advance(Duration::hours(1));
        let (_, wrong) = options(&q);
        s.read(click(&format!("1:pa:{}:7:{wrong}", q.id), ADA, now()))
            .await;
        s.clock.advance(Duration::days(2));
        let (_, text) = s.review(ADA).await;
        assert!(
            text.contains("1 question is due") && text.contains(q.id.0.as_str()),
            "{text}"
        );
        assert_eq!(
            store.card(deck, "a-retired-question".into()).await.unwrap(),
            None
        );
        s.check_spec();
    });
}

#[test]
fn quiz_without_a_topic_asks_a_due_question_first() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.missed_yesterday(ADA).await;
        // Due now: /quiz (no topic, 210 questions to choose from) asks it, and says why.
        let (body, text) = s.read(ix::command("quiz", json!([]), ADA, 0)).await;
        assert!(is_private(&body));
        assert!(
            text.contains("Due for review") && text.contains(q.prompt.as_str()),
            "{text}"
        );
        // Shown once, it is not asked again at once, though still due.
        let (_, again) = s.read(ix::command("quiz", json!([]), ADA, 0)).await;
        assert!(!again.contains(q.prompt.as_str()), "{again}");
        // Bob has nothing due: his /quiz is not steered to Ada's question by her schedule.
        let (_, text) = s.read(ix::command("quiz", json!([]), BOB, 0)).await;
        assert!(!text.contains("Due for review"), "{text}");
        s.check_spec();
    })
}

#[test]
fn a_review_grade_offers_the_questions_follow_up_beside_next_review() {
    runtime().block_on(async {
        let mut s = Session::new();
        // Two written answers missed in practice: both come back the next day.
        for (q, seed) in [("process-vs-thread", 3), ("thread-deadlock", 4)] {
            s.read(ix::modal(&format!("1:pf:{q}:{seed}"), "no idea", ADA))
                .await;
        }
        s.clock.advance(Duration::days(1));
        let (body, text) = s.review(ADA).await;
        assert!(text.contains("2 questions are due"), "{text}");
        let open = custom_ids(&body)
            .into_iter()
            .find(|id| id.starts_with("1:rt:"))
            .unwrap_or_else(|| panic!("an Answer button: {body}"));
        let question = open.split(':').nth(2).unwrap().to_string();
        let submit = open.replacen("1:rt:", "1:rf:", 1);
        let (body, text) = s.read(ix::modal(&submit, "still no idea", ADA)).await;
        assert!(is_private(&body) && text.contains("Not quite"), "{text}");
        // The question's own Follow-up first, then Next review (one more is due).
        let ids = custom_ids(&body);
        assert_eq!(
            ids,
            vec![format!("1:fu:{question}"), "1:rn".to_string()],
            "{body}"
        );
        s.check_spec();
    })
}

/// A practice answer whose next review cannot be saved (the database refuses the card: here a
/// trigger, as a full disk would) still counts: the member is told it was recorded and that the
/// question stays due, and `/review` offers it again. Works on the SQLite file itself.
#[test]
fn a_review_that_cannot_be_saved_leaves_the_answer_counted_and_the_question_due() {
    runtime().block_on(async {
        let mut s = Session::new();
        let q = s.missed_yesterday(ADA).await;
        let (right, _) = options(&q);
        let before = s.card(ADA, &q.id.0).await.expect("a card");
        let (body, _) = s.review(ADA).await;

        let db = rusqlite::Connection::open(s._dir.path().join("bot.db")).unwrap();
        db.execute_batch(
            "CREATE TRIGGER refuse_new_cards BEFORE INSERT ON review_cards
                 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
             CREATE TRIGGER refuse_card_changes BEFORE UPDATE ON review_cards
                 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
        )
        .unwrap();
        let shown = s.clock_now() - Duration::minutes(1);
        let (body, text) = s
            .read(click(&review_option(&body, right), ADA, shown))
            .await;
        assert!(is_private(&body) && text.contains("Correct"), "{text}");
        assert!(
            text.contains(
                "Your answer is recorded, but I could not schedule its next review; it stays due."
            ),
            "{text}"
        );
        let stats = s
            .app
            .store()
            .member_stats(GuildId(GUILD), UserId(ADA))
            .await
            .unwrap();
        assert_eq!(stats.practice, 2, "the answer counts");
        assert_eq!(
            s.card(ADA, &q.id.0).await,
            Some(before),
            "the card as it was"
        );
        let (_, text) = s.review(ADA).await;
        assert!(
            text.contains("1 question is due") && text.contains(q.id.0.as_str()),
            "still due: {text}"
        );
        s.check_spec();
    });
}
