//! The archive through the real handler: `/past [days]` pages privately through the server's
//! past (closed and revealed) rounds, newest first, each with the member's own answer and grade;
//! **Retry as practice** asks a past round's question again, recorded as practice. Rounds are
//! played day by day on a clock the test sets, answered through the handler as members would, and
//! closed and revealed in the database as the clock does. Every response body is checked against
//! Discord's spec.

use crate::discord::{custom_ids, is_private, Session};
use crate::interactions::{self as ix, GUILD, MANAGE_GUILD};
use crate::util::runtime;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use interview_bot::bank::{Kind, Question};
use interview_bot::quiz::appeal::{AppealStore, Asked, Decision, NewAppeal, NewDecision};
use interview_bot::quiz::{ChannelId, GuildId, NewRound, Round, RoundState, UserId};
use serde_json::{json, Value};

const ADA: u64 = 1801;
const BOB: u64 = 1802;
const MOD: u64 = 1803;

/// Today, as `Session` starts its clock: 12:00 UTC on 10 June 2026.
fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

fn days_ago(days: i64) -> NaiveDate {
    now().date_naive() - Duration::days(days)
}

/// `/past`, with `days` when given.
fn past(user: u64, days: Option<i64>) -> Value {
    let options = match days {
        Some(d) => json!([{"name": "days", "type": 4, "value": d}]),
        None => json!([]),
    };
    ix::command("past", options, user, 0)
}

/// A round of `guild` on `question`, posted at 09:00 UTC on `day` and open for 20 hours; the
/// clock is set to half an hour after it opens, for members to answer.
async fn open_on(s: &Session, guild: u64, day: NaiveDate, question: &str, seed: u64) -> Round {
    let q = s.app.bank().get(question);
    let opens = day.and_hms_opt(9, 0, 0).unwrap().and_utc();
    s.clock.set(opens + Duration::minutes(30));
    s.app
        .store()
        .create_round(NewRound {
            guild: GuildId(guild),
            day,
            question: question.into(),
            topic: q.map_or("semver".into(), |q| q.topic.clone()),
            difficulty: q.map_or(interview_bot::bank::Difficulty::Easy, |q| q.difficulty),
            seed,
            opens_at: opens,
            closes_at: opens + Duration::hours(20),
            channel: Some(ChannelId(ix::CHANNEL)),
        })
        .await
        .unwrap()
        .unwrap()
}

/// Closes a round at its closing time and marks its reveal sent, as the clock does.
async fn close_and_reveal(s: &Session, round: &Round) {
    s.clock.set(round.closes_at);
    let store = s.app.store();
    assert!(store.end_round(round.id, RoundState::Closed).await.unwrap());
    store
        .mark_revealed(round.id, round.closes_at)
        .await
        .unwrap();
}

fn choice_options(q: &Question) -> (usize, usize, Vec<String>) {
    let Kind::Choice { options, answer } = &q.kind else {
        panic!("{} is not a choice question", q.id)
    };
    (*answer, (answer + 1) % options.len(), options.clone())
}

/// A button in a guild other than the tests' usual one.
fn in_guild(mut v: Value, guild: u64) -> Value {
    v["guild_id"] = json!(guild.to_string());
    v
}

/// Three past rounds and today's open one:
/// - 3 days ago, a choice question: Ada right, Bob wrong;
/// - 2 days ago, a generated question (seed 4242): Ada wrong (in the text box);
/// - yesterday, another choice question: Bob alone, right;
/// - today, open, a third choice question: nobody's business yet.
struct Played {
    rounds: Vec<Round>,
    choice: Question,
    generated: Question,
    other: Question,
    today: Question,
}

async fn play(s: &mut Session) -> Played {
    let choices: Vec<Question> = s
        .app
        .bank()
        .questions()
        .iter()
        .filter(|q| matches!(q.kind, Kind::Choice { .. }))
        .take(3)
        .cloned()
        .collect();
    let generated = s.app.bank().get("semver-bump").unwrap().clone();
    assert!(matches!(generated.kind, Kind::Generated(_)));
    let (choice, other, today) = (choices[0].clone(), choices[1].clone(), choices[2].clone());
    let mut rounds = vec![];

    let r = open_on(s, GUILD, days_ago(3), &choice.id.0, 7).await;
    let (right, wrong, _) = choice_options(&choice);
    let (_, text) = s
        .read(ix::button(&format!("1:a:{}:{right}", r.id.0), ADA))
        .await;
    assert!(text.contains("Correct"), "{text}");
    let (_, text) = s
        .read(ix::button(&format!("1:a:{}:{wrong}", r.id.0), BOB))
        .await;
    assert!(text.contains("Not quite"), "{text}");
    close_and_reveal(s, &r).await;
    rounds.push(r);

    let r = open_on(s, GUILD, days_ago(2), &generated.id.0, 4242).await;
    let (_, text) = s
        .read(ix::modal(&format!("1:f:{}", r.id.0), "0.0.0", ADA))
        .await;
    assert!(text.contains("Not quite"), "{text}");
    close_and_reveal(s, &r).await;
    rounds.push(r);

    let r = open_on(s, GUILD, days_ago(1), &other.id.0, 9).await;
    let (right, _, _) = choice_options(&other);
    let (_, text) = s
        .read(ix::button(&format!("1:a:{}:{right}", r.id.0), BOB))
        .await;
    assert!(text.contains("Correct"), "{text}");
    close_and_reveal(s, &r).await;
    rounds.push(r);

    let r = open_on(s, GUILD, days_ago(0), &today.id.0, 3).await;
    rounds.push(r);
    s.clock.set(now());
    Played {
        rounds,
        choice,
        generated,
        other,
        today,
    }
}

/// The page's id for Previous/Next, and the retry's.
fn page_id(days: u32, page: u32) -> String {
    format!("1:past:{days}:{page}")
}

fn retry_id(round: &Round) -> String {
    format!("1:past-retry:{}", round.id.0)
}

#[test]
fn past_pages_through_closed_rounds_newest_first_with_the_members_own_answers() {
    runtime().block_on(async {
        let mut s = Session::new();
        let p = play(&mut s).await;
        let today_prompt = p.today.prompt.clone();

        // Newest first: yesterday's round, which Ada did not answer.
        let (body, text) = s.read(past(ADA, None)).await;
        assert_eq!(body["type"], 4);
        assert!(is_private(&body), "the archive is private");
        assert!(
            text.contains("Tuesday 9 June 2026")
                && text.contains(p.other.prompt.as_str())
                && text.contains("You did not answer this round.")
                && text.contains("1 answer · 100% correct")
                && text.contains("Round 1 of 3, newest first"),
            "{text}"
        );
        let (right, _, options) = choice_options(&p.other);
        assert!(
            text.contains(&format!("Answer\n{}", options[right])),
            "the reveal's answer: {text}"
        );
        assert!(text.contains(p.other.explanation.as_str()), "{text}");
        assert!(!text.contains(today_prompt.as_str()), "no spoiler: {text}");
        assert_eq!(
            custom_ids(&body),
            [page_id(30, 0), page_id(30, 1), retry_id(&p.rounds[2])]
        );
        let buttons = &body["data"]["components"][0]["components"];
        assert_eq!(buttons[0]["disabled"], true, "nothing newer");
        assert_eq!(buttons[1]["disabled"], false);

        // Next: two days ago, Ada's wrong answer to the generated question, as she wrote it, and
        // the instance the round asked.
        let (body, text) = s.read(ix::button(&page_id(30, 1), ADA)).await;
        assert_eq!(body["type"], 7, "a page replaces the one it was under");
        let inst = p.generated.instance(4242);
        let answer = inst.generated.as_ref().unwrap().answer.clone();
        assert!(
            text.contains("Monday 8 June 2026")
                && text.contains(inst.prompt.as_str())
                && text.contains(&format!("Answer\n{answer}"))
                && text.contains("Your answer\n0.0.0\n❌ Not quite · 0% · +0 points")
                && text.contains("1 answer · 0% correct")
                && text.contains("Round 2 of 3"),
            "{text}"
        );
        let ids = custom_ids(&body);
        assert_eq!(
            ids,
            [page_id(30, 0), page_id(30, 2), retry_id(&p.rounds[1])]
        );

        // Next: three days ago, Ada right; the last page.
        let (body, text) = s.read(ix::button(&page_id(30, 2), ADA)).await;
        let (right, _, options) = choice_options(&p.choice);
        assert!(
            text.contains(p.choice.prompt.as_str())
                && text.contains(&format!(
                    "Your answer\n{}\n✅ Correct · 100% · +",
                    options[right]
                ))
                && text.contains("2 answers · 50% correct")
                && text.contains("Round 3 of 3"),
            "{text}"
        );
        let buttons = &body["data"]["components"][0]["components"];
        assert_eq!(buttons[1]["disabled"], true, "nothing older");
        // Bob sees his own answers on the same page, not Ada's.
        let (_, text) = s.read(ix::button(&page_id(30, 2), BOB)).await;
        assert!(text.contains("❌ Not quite · 0% · +0 points"), "{text}");

        // Previous goes back to newer rounds; no page shows today's open round.
        let (_, text) = s.read(ix::button(&page_id(30, 1), ADA)).await;
        assert!(text.contains("Round 2 of 3"), "{text}");
        for page in 0..3 {
            let (_, text) = s.read(ix::button(&page_id(30, page), ADA)).await;
            assert!(!text.contains(today_prompt.as_str()), "{text}");
            assert!(!text.contains("Wednesday 10 June"), "{text}");
        }
        // A page past the end (rounds aged out of the window meanwhile) shows the oldest.
        let (_, text) = s.read(ix::button(&page_id(30, 9), ADA)).await;
        assert!(text.contains("Round 3 of 3"), "{text}");

        // Still not shown when it is past its closing time but not yet revealed.
        s.clock.set(p.rounds[3].closes_at + Duration::minutes(1));
        let (_, text) = s.read(past(ADA, None)).await;
        assert!(
            text.contains("Round 1 of 3") && !text.contains(today_prompt.as_str()),
            "{text}"
        );
        close_and_reveal(&s, &p.rounds[3]).await;
        let (_, text) = s.read(past(ADA, None)).await;
        assert!(
            text.contains("Round 1 of 4") && text.contains(today_prompt.as_str()),
            "revealed, today's round is past: {text}"
        );
        s.check_spec();
    });
}

#[test]
fn days_limits_how_far_back_the_archive_goes() {
    runtime().block_on(async {
        let mut s = Session::new();
        let p = play(&mut s).await;
        // One day back: yesterday's round alone, and no paging.
        let (body, text) = s.read(past(ADA, Some(1))).await;
        assert!(
            text.contains(p.other.prompt.as_str()) && text.contains("Round 1 of 1"),
            "{text}"
        );
        assert_eq!(custom_ids(&body), [retry_id(&p.rounds[2])]);
        // Two days back: two rounds; Next carries the window.
        let (body, text) = s.read(past(ADA, Some(2))).await;
        assert!(text.contains("Round 1 of 2"), "{text}");
        assert!(custom_ids(&body).contains(&page_id(2, 1)));
        let (_, text) = s.read(ix::button(&page_id(2, 1), ADA)).await;
        assert!(
            text.contains("Round 2 of 2") && text.contains("Monday 8 June 2026"),
            "{text}"
        );
        let (_, text) = s.read(ix::button(&page_id(2, 5), ADA)).await;
        assert!(text.contains("Round 2 of 2"), "{text}");
        // The default reaches all three; a year too.
        let (_, text) = s.read(past(ADA, Some(365))).await;
        assert!(text.contains("Round 1 of 3"), "{text}");
        // Days count in the server's time zone: at 02:00 UTC it is still 9 June in New York,
        // so one day back reaches 8 June.
        let mut settings = s.app.store().settings(GuildId(GUILD)).await.unwrap();
        settings.timezone = "America/New_York".parse().unwrap();
        s.app.store().save_settings(settings, None).await.unwrap();
        s.clock.set("2026-06-10T02:00:00Z".parse().unwrap());
        let (_, text) = s.read(past(ADA, Some(1))).await;
        assert!(text.contains("Round 1 of 2"), "{text}");
        // Out of range (Discord's own check skipped, as at the HTTP endpoint): refused kindly.
        for bad in [0, 366, -5] {
            let (body, text) = s.read(past(ADA, Some(bad))).await;
            assert!(is_private(&body));
            assert!(text.contains("from 1 to 365"), "{bad}: {text}");
        }
        s.check_spec();
    });
}

#[test]
fn retry_as_practice_asks_the_rounds_own_instance_and_records_practice() {
    runtime().block_on(async {
        let mut s = Session::new();
        let p = play(&mut s).await;
        let before = s
            .app
            .store()
            .member_stats(GuildId(GUILD), UserId(ADA))
            .await
            .unwrap();

        // The generated question, as the round asked it (seed 4242), as a new private message.
        let (body, text) = s.read(ix::button(&retry_id(&p.rounds[1]), ADA)).await;
        assert_eq!(body["type"], 4, "a new message: the archive page stays");
        assert!(is_private(&body));
        let inst = p.generated.instance(4242);
        assert!(
            text.contains("asked again as practice")
                && text.contains("Practice ·")
                && text.contains(inst.prompt.as_str()),
            "{text}"
        );
        let open = format!("1:pt:{}:4242", p.generated.id);
        assert_eq!(custom_ids(&body), std::slice::from_ref(&open));
        let (body, _) = s.read(ix::button(&open, ADA)).await;
        assert_eq!(body["type"], 9, "the text box");
        let answer = inst.generated.as_ref().unwrap().answer.clone();
        let (body, text) = s
            .read(ix::modal(
                &format!("1:pf:{}:4242", p.generated.id),
                &answer,
                ADA,
            ))
            .await;
        assert!(is_private(&body));
        assert!(text.contains("Correct") && text.contains("Why"), "{text}");

        // A choice question: its round's option order, answered with a button.
        let (body, _) = s.read(ix::button(&retry_id(&p.rounds[0]), ADA)).await;
        let (right, _, _) = choice_options(&p.choice);
        let button = format!("1:pa:{}:7:{right}", p.choice.id);
        assert!(custom_ids(&body).contains(&button), "{body}");
        let (_, text) = s.read(ix::button(&button, ADA)).await;
        assert!(text.contains("Correct"), "{text}");

        let after = s
            .app
            .store()
            .member_stats(GuildId(GUILD), UserId(ADA))
            .await
            .unwrap();
        assert_eq!(after.practice, before.practice + 2, "recorded as practice");
        assert_eq!(
            (after.points, after.answers, after.correct),
            (before.points, before.answers, before.correct),
            "no points, no daily answer"
        );
        // The past rounds still show the daily answers, unchanged.
        let (_, text) = s.read(ix::button(&page_id(30, 1), ADA)).await;
        assert!(text.contains("❌ Not quite · 0% · +0 points"), "{text}");
        s.check_spec();
    });
}

#[test]
fn a_grade_changed_on_appeal_shows_as_the_final_grade() {
    runtime().block_on(async {
        let mut s = Session::new();
        let p = play(&mut s).await;
        let store = s.app.store().clone();
        let Asked::Opened(appeal) = store
            .open_appeal(NewAppeal {
                guild: GuildId(GUILD),
                round: p.rounds[0].id,
                member: UserId(BOB),
                at: now(),
            })
            .await
            .unwrap()
        else {
            panic!("the appeal opens")
        };
        let (_, text) = s.read(ix::button(&page_id(30, 2), BOB)).await;
        assert!(text.contains("Under review"), "{text}");
        store
            .decide_appeal(NewDecision {
                guild: GuildId(GUILD),
                appeal,
                decision: Decision::Correct,
                moderator: UserId(MOD),
                at: now(),
            })
            .await
            .unwrap();
        let (_, text) = s.read(ix::button(&page_id(30, 2), BOB)).await;
        assert!(
            text.contains("✅ Correct · 100%")
                && text.contains("A moderator changed this grade on review.")
                && text.contains("2 answers · 100% correct")
                && !text.contains("Under review"),
            "{text}"
        );
        s.check_spec();
    });
}

#[test]
fn a_round_whose_question_left_the_bank_is_shown_without_a_retry() {
    runtime().block_on(async {
        let mut s = Session::new();
        let r = open_on(&s, GUILD, days_ago(1), "a-retired-question", 1).await;
        close_and_reveal(&s, &r).await;
        s.clock.set(now());
        let (body, text) = s.read(past(ADA, None)).await;
        assert!(
            text.contains("no longer in the bank") && text.contains("You did not answer"),
            "{text}"
        );
        assert!(custom_ids(&body).is_empty(), "no retry, no paging: {body}");
        // A retry button made before it left the bank says so.
        let (_, text) = s.read(ix::button(&retry_id(&r), ADA)).await;
        assert!(text.contains("can't be retried"), "{text}");
        s.check_spec();
    });
}

#[test]
fn forged_archive_controls_get_the_unknown_control_message() {
    runtime().block_on(async {
        let mut s = Session::new();
        let p = play(&mut s).await;
        // Another server's past round, and one of ours closed but not yet revealed.
        let elsewhere = open_on(&s, GUILD + 1, days_ago(1), &p.choice.id.0, 5).await;
        close_and_reveal(&s, &elsewhere).await;
        let unrevealed = open_on(&s, GUILD, days_ago(5), &p.other.id.0, 6).await;
        s.app
            .store()
            .end_round(unrevealed.id, RoundState::Closed)
            .await
            .unwrap();
        s.clock.set(now());
        for forged in [
            // Today's open round: its grade would give the answer away.
            retry_id(&p.rounds[3]),
            retry_id(&elsewhere),
            retry_id(&unrevealed),
            "1:past-retry:987654".to_string(),
            "1:past-retry:-1".to_string(),
            "1:past:0:0".to_string(),
            "1:past:366:0".to_string(),
            "1:past:30:x".to_string(),
            "1:past:30:0:1".to_string(),
        ] {
            let (body, text) = s.read(ix::button(&forged, ADA)).await;
            assert_eq!(body["type"], 4, "{forged}");
            assert!(is_private(&body));
            assert!(text.contains("older message"), "{forged}: {text}");
        }
        // The other server's archive is its own, and ours is not in it.
        let (_, text) = s.read(in_guild(past(ADA, None), GUILD + 1)).await;
        assert!(text.contains("Round 1 of 1"), "{text}");
        let (_, text) = s
            .read(in_guild(ix::button(&retry_id(&elsewhere), ADA), GUILD + 1))
            .await;
        assert!(text.contains("asked again as practice"), "{text}");
        // Even an admin's forged retry of the open round is refused.
        let click = ix::button_as(&retry_id(&p.rounds[3]), MOD, MANAGE_GUILD);
        let (_, text) = s.read(click).await;
        assert!(text.contains("older message"), "{text}");
        // And the unrevealed round is not listed.
        let (_, text) = s.read(past(ADA, None)).await;
        assert!(text.contains("Round 1 of 3"), "{text}");
        s.check_spec();
    });
}

#[test]
fn a_server_with_no_past_rounds_is_told_so() {
    runtime().block_on(async {
        let mut s = Session::new();
        let (body, text) = s.read(past(ADA, None)).await;
        assert!(is_private(&body) && body["type"] == 4);
        assert!(
            text.contains("No daily round was revealed here in the last 30 days")
                && text.contains("/daily"),
            "{text}"
        );
        assert!(custom_ids(&body).is_empty());
        let (_, text) = s.read(past(ADA, Some(1))).await;
        assert!(text.contains("today or yesterday"), "{text}");
        // An open round alone is still nothing to show.
        let q = s.first(|k| matches!(k, Kind::TrueFalse { .. }));
        open_on(&s, GUILD, days_ago(0), &q.id.0, 1).await;
        s.clock.set(now());
        let (_, text) = s.read(past(ADA, None)).await;
        assert!(text.contains("No daily round was revealed"), "{text}");
        // A page button of an archive that has since emptied says so in place.
        let (body, text) = s.read(ix::button(&page_id(30, 1), ADA)).await;
        assert_eq!(body["type"], 7);
        assert!(text.contains("No daily round was revealed"), "{text}");
        assert_eq!(body["data"]["embeds"], json!([]));
        // In direct messages there is no server to look back on.
        let (_, text) = s.read(ix::command_in_dm("past", ADA)).await;
        assert!(text.contains("works in a server"), "{text}");
        s.check_spec();
    });
}
