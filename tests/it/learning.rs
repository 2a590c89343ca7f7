//! Weak topics through the real handler: `/stats` names the topic a member gets wrong, over the
//! last 30 days only, and `/quiz` leans toward it and never asks the question just had. Every
//! response body is checked against Discord's spec.

use crate::discord::{custom_ids, is_private, Session, ADA};
use crate::interactions::{self as ix, GUILD};
use crate::util::runtime;
use chrono::Duration;
use interview_bot::bank::Kind;
use interview_bot::grade::Verdict;
use interview_bot::quiz::{GuildId, UserId};
use serde_json::{json, Value};

const BOB: u64 = 703;

/// The true/false questions of a topic, with their answers.
fn true_false(s: &Session, topic: &str) -> Vec<(String, bool)> {
    s.app
        .bank()
        .questions()
        .iter()
        .filter(|q| q.topic == topic)
        .filter_map(|q| match q.kind {
            Kind::TrueFalse { answer } => Some((q.id.0.clone(), answer)),
            _ => None,
        })
        .collect()
}

/// Answers a practice true/false question by its button, rightly or not.
async fn answer_tf(
    s: &mut Session,
    (id, answer): &(String, bool),
    right: bool,
    user: u64,
) -> Value {
    let option = u8::from(*answer == right);
    s.send(ix::button(&format!("1:pa:{id}:7:{option}"), user))
        .await
}

/// The embed field of a body with this name.
fn field(body: &Value, name: &str) -> Option<String> {
    body["data"]["embeds"][0]["fields"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["value"].as_str().map(str::to_string))
}

/// The question a `/quiz` reply asks: the id in its controls' custom_id.
fn question_of(body: &Value) -> String {
    let id = custom_ids(body)[0].clone();
    id.split(':')
        .nth(2)
        .expect("a practice control names its question")
        .to_string()
}

/// Answers the question a `/quiz` or `/daily` reply shows with whatever its first control gives.
async fn answer_shown(s: &mut Session, body: &Value, user: u64) {
    let id = custom_ids(body)[0].clone();
    let reply = if id.starts_with("1:pt:") || id.starts_with("1:t:") {
        let modal = s.send(ix::button(&id, user)).await;
        let submit = modal["data"]["custom_id"].as_str().unwrap().to_string();
        s.send(ix::modal(&submit, "no idea", user)).await
    } else if id.starts_with("1:pm:") || id.starts_with("1:m:") {
        s.send(ix::select(&id, &["0"], user)).await
    } else {
        s.send(ix::button(&id, user)).await
    };
    assert!(
        reply["data"]["embeds"][0]["title"].is_string(),
        "graded: {reply}"
    );
}

#[test]
fn stats_name_the_topic_a_member_gets_wrong_and_quiz_leans_toward_it() {
    runtime().block_on(async {
        let mut s = Session::new();
        let stats = ix::command("stats", json!([]), ADA, 0);

        // No history: the usual stats, and a friendly line instead of a weakest topic.
        let (body, text) = s.read(stats.clone()).await;
        assert!(is_private(&body));
        assert!(text.contains("Answers") && text.contains("Streak") && text.contains("Practice"), "{text}");
        let weakest = field(&body, "Weakest topic").expect("always said");
        assert!(weakest.contains("Not enough answers yet") && weakest.contains("3 answers"), "{weakest}");

        // One wrong daily answer and four wrong practice answers in semver; four right in
        // transformers.
        let semver = true_false(&s, "semver");
        let transformers = true_false(&s, "transformers");
        let daily = s.open_round(GUILD, &semver[0].0).await;
        let wrong = u8::from(!semver[0].1);
        s.send(ix::button(&format!("1:a:{}:{wrong}", daily.id.0), ADA)).await;
        for q in &semver[1..5] {
            answer_tf(&mut s, q, false, ADA).await;
        }
        // A single wrong answer does not make a topic the weakest.
        let ai = true_false(&s, "ai-learning");
        answer_tf(&mut s, &ai[0], false, ADA).await;
        for q in &transformers[..4] {
            answer_tf(&mut s, q, true, ADA).await;
        }
        // Others' answers, and Ada's in another server, are not hers here.
        for q in &transformers[..4] {
            answer_tf(&mut s, q, false, BOB).await;
            let mut other = ix::button(&format!("1:pa:{}:7:{}", q.0, u8::from(!q.1)), ADA);
            other["guild_id"] = json!((GUILD + 1).to_string());
            s.send(other).await;
        }

        let (body, text) = s.read(stats.clone()).await;
        let weakest = field(&body, "Weakest topic").unwrap();
        assert!(
            weakest.contains("**Semantic Versioning**: 0%") && weakest.contains("5 answers") && weakest.contains("`/quiz topic:semver`"),
            "{weakest}"
        );
        let by_topic = field(&body, "Last 30 days by topic").unwrap();
        assert_eq!(
            by_topic,
            "Semantic Versioning: 0% of 5 answers\nLearning AI: 0% of 1 answer\nThe Transformer architecture: 100% of 4 answers",
            "weakest first, more answers first on a tie"
        );
        // The stats as before: one daily answer, nine practice answers here.
        assert!(text.contains("Accuracy per topic") && text.contains("0% correct"), "{text}");
        assert_eq!(field(&body, "Practice").as_deref(), Some("9"));

        // /quiz without a topic leans toward semver, and says so.
        let mut from_semver = 0;
        let mut said = false;
        for _ in 0..40 {
            let (body, text) = s.read(ix::command("quiz", json!([]), ADA, 0)).await;
            let q = question_of(&body);
            if s.app.bank().get(&q).unwrap().topic == "semver" {
                from_semver += 1;
            }
            said |= text.contains("From one of your weaker topics: **Semantic Versioning**");
            s.clock.advance(Duration::minutes(1));
        }
        assert!(said, "the question says why it was chosen");
        assert!(from_semver >= 18, "most questions from the weak topic, not its 18% of the bank: {from_semver} of 40");

        // A month on, those answers have left the window; the all-time stats stay.
        s.clock.advance(Duration::days(31));
        let (body, text) = s.read(stats).await;
        assert!(field(&body, "Weakest topic").unwrap().contains("Not enough answers yet"));
        assert!(field(&body, "Last 30 days by topic").is_none());
        assert!(text.contains("Accuracy per topic"), "{text}");
        s.check_spec();
    });
}

#[test]
fn quiz_never_asks_the_question_just_had() {
    runtime().block_on(async {
        let mut s = Session::new();
        // A small pool (7 questions), so a repeat would come up within a few draws.
        let filters = json!([
            {"name": "topic", "type": 3, "value": "ai-learning"},
            {"name": "difficulty", "type": 3, "value": "hard"},
        ]);
        let pool: Vec<String> = s
            .app
            .bank()
            .select(Some("ai-learning"), Some(interview_bot::bank::Difficulty::Hard))
            .unwrap()
            .iter()
            .map(|q| q.id.0.clone())
            .collect();
        assert_eq!(pool.len(), 7);

        // The daily question just answered is not the next practice question.
        let daily = s.open_round(GUILD, &pool[0]).await;
        let body = s.send(ix::command("daily", json!([]), ADA, 0)).await;
        answer_shown(&mut s, &body, ADA).await;
        assert!(s.has_answered(daily.id, ADA).await);
        s.clock.advance(Duration::minutes(1));

        let mut last = pool[0].clone();
        for draw in 0..90 {
            let (body, _) = s.read(ix::command("quiz", filters.clone(), ADA, 0)).await;
            let q = question_of(&body);
            assert!(pool.contains(&q), "the filters still apply: {q}");
            assert_ne!(q, last, "draw {draw}: the question just had came again");
            last = q.clone();
            match draw % 4 {
                // Answered, or only shown: either way it is the question just had.
                0 => answer_shown(&mut s, &body, ADA).await,
                1 => {}
                // A question answered from an older message becomes the question just had.
                _ => {
                    let other = pool.iter().cycle().skip(draw).find(|id| **id != last).unwrap().clone();
                    let id = match &s.app.bank().get(&other).unwrap().kind {
                        Kind::TrueFalse { .. } | Kind::Choice { .. } => format!("1:pa:{other}:3:0"),
                        Kind::Multi { .. } => format!("1:pm:{other}:3"),
                        _ => format!("1:pt:{other}:3"),
                    };
                    let older = json!({"data": {"components": [{"type": 1, "components": [{"type": 2, "custom_id": id}]}]}});
                    answer_shown(&mut s, &older, ADA).await;
                    last = other;
                }
            }
            s.clock.advance(Duration::minutes(1));
        }
        s.check_spec();
    });
}

#[test]
fn history_holds_a_members_daily_and_practice_answers_in_this_server_only() {
    runtime().block_on(async {
        let mut s = Session::new();
        let semver = true_false(&s, "semver");
        let start = s.app.now();
        let daily = s.open_round(GUILD, &semver[0].0).await;
        let right = u8::from(semver[0].1);
        s.send(ix::button(&format!("1:a:{}:{right}", daily.id.0), ADA))
            .await;
        s.clock.advance(Duration::minutes(1));
        answer_tf(&mut s, &semver[1], false, ADA).await;
        // Not here: Bob's answer, Ada's in another server and in direct messages.
        answer_tf(&mut s, &semver[2], false, BOB).await;
        let mut elsewhere = ix::button(&format!("1:pa:{}:7:0", semver[3].0), ADA);
        elsewhere["guild_id"] = json!((GUILD + 1).to_string());
        s.send(elsewhere).await;
        let mut dm = ix::button(&format!("1:pa:{}:7:0", semver[4].0), ADA);
        for k in ["guild_id", "guild_locale", "member"] {
            dm.as_object_mut().unwrap().remove(k);
        }
        dm["user"] = ix::user(ADA);
        dm["context"] = json!(1);
        s.send(dm).await;

        let store = s.app.store();
        let h = store
            .member_history(
                Some(GuildId(GUILD)),
                UserId(ADA),
                start - Duration::days(30),
            )
            .await
            .unwrap();
        let recent: Vec<(&str, Option<&str>, Verdict)> = h
            .recent
            .iter()
            .map(|a| (a.question.as_str(), a.topic.as_deref(), a.verdict))
            .collect();
        assert_eq!(
            recent,
            [
                (semver[0].0.as_str(), Some("semver"), Verdict::Correct),
                (semver[1].0.as_str(), None, Verdict::Wrong),
            ]
        );
        assert_eq!(
            h.last(),
            Some(semver[1].0.as_str()),
            "the practice answer came last"
        );
        assert_eq!(h.seen(), [semver[0].0.clone(), semver[1].0.clone()].into());
        // Only answers after `since` are recent; every answered question stays seen.
        let h = store
            .member_history(
                Some(GuildId(GUILD)),
                UserId(ADA),
                start + Duration::seconds(30),
            )
            .await
            .unwrap();
        assert_eq!((h.recent.len(), h.answered.len()), (1, 2));
        let dms = store
            .member_history(None, UserId(ADA), start - Duration::days(30))
            .await
            .unwrap();
        assert_eq!(dms.last(), Some(semver[4].0.as_str()));
        assert_eq!(dms.recent.len(), 1);
        let attempts = store
            .member_attempts(GuildId(GUILD), UserId(ADA), start - Duration::days(30))
            .await
            .unwrap();
        assert_eq!(attempts.len(), 2);
        s.check_spec();
    });
}
