//! The rules of `topics`: the 30-day window on a settable clock, the weakest-topic rule and the
//! order `/quiz` picks in, with a seeded random stream.

use super::*;
use crate::bank::{Bank, BankSource};
use crate::quiz::{Clock, ManualClock};

fn now() -> DateTime<Utc> {
    "2026-06-10T12:00:00Z".parse().unwrap()
}

fn at(topic: Option<&str>, question: &str, verdict: Verdict, t: DateTime<Utc>) -> Attempt {
    Attempt {
        question: question.into(),
        topic: topic.map(str::to_string),
        verdict,
        at: t,
    }
}

/// `n` answers of `topic` a day ago, `right` of them correct.
fn answers(topic: &str, n: usize, right: usize) -> Vec<Attempt> {
    (0..n)
        .map(|i| {
            let v = if i < right {
                Verdict::Correct
            } else {
                Verdict::Wrong
            };
            at(
                Some(topic),
                &format!("{topic}-{i}"),
                v,
                now() - Duration::days(1),
            )
        })
        .collect()
}

fn summary(attempts: &[Attempt]) -> Summary {
    Summary::of(attempts, |_| None, now())
}

#[test]
fn accuracy_counts_the_last_30_days_and_a_partial_answer_as_half() {
    let clock = ManualClock::new(now());
    let day = Duration::days(1);
    let attempts = vec![
        // Older than the window: never counts.
        at(Some("semver"), "a", Verdict::Wrong, now() - day * 31),
        // Exactly 30 days old: out, the window is the last 30 × 24 hours.
        at(Some("semver"), "b", Verdict::Wrong, now() - day * 30),
        at(Some("semver"), "c", Verdict::Correct, now() - day * 29),
        at(Some("semver"), "d", Verdict::Partial, now() - day),
        // Practice: the topic is the question's.
        at(None, "attention-cost", Verdict::Correct, now() - day * 2),
        // A practice question no longer known is left out.
        at(None, "gone", Verdict::Wrong, now() - day),
    ];
    let topic_of = |q: &str| (q == "attention-cost").then_some("transformers");
    let s = Summary::of(&attempts, topic_of, clock.now());
    assert_eq!(s.answers(), 3);
    let semver = &s.topics[0];
    assert_eq!((semver.topic.as_str(), semver.answers), ("semver", 2));
    assert!((semver.accuracy() - 0.75).abs() < 1e-9, "1 + 0.5 over 2");
    assert_eq!(s.topics[1].topic, "transformers");
    assert!((s.average().unwrap() - 2.5 / 3.0).abs() < 1e-9);

    // Two days on, the answer of 29 days ago has left the window.
    clock.advance(day * 2);
    let s = Summary::of(&attempts, topic_of, clock.now());
    assert_eq!((s.topics[0].answers, s.topics[0].credit), (1, 0.5));
    // A month on, nothing is left.
    clock.advance(day * 30);
    let s = Summary::of(&attempts, topic_of, clock.now());
    assert_eq!((s.answers(), s.average()), (0, None));
    assert_eq!(s.weakest(), Weakest::TooLittle);
}

#[test]
fn one_wrong_answer_does_not_make_a_topic_the_weakest() {
    assert_eq!(summary(&[]).weakest(), Weakest::TooLittle);
    // Two wrong answers are still too few to rank the topic.
    assert_eq!(
        summary(&answers("semver", 2, 0)).weakest(),
        Weakest::TooLittle
    );
    let mut a = answers("semver", 1, 0);
    a.extend(answers("transformers", 3, 3));
    let s = summary(&a);
    assert_eq!(
        s.weakest(),
        Weakest::NoneWeak,
        "the only ranked topic is perfect"
    );
    assert!(s.weak_topics().is_empty());
    // The third wrong answer ranks it.
    a.extend(answers("semver", 2, 0));
    match summary(&a).weakest() {
        Weakest::Topic(t) => assert_eq!((t.topic.as_str(), t.answers), ("semver", 3)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_weakest_is_the_ranked_topic_with_the_lowest_accuracy_and_more_answers_break_ties() {
    let mut a = answers("ai-learning", 3, 1);
    a.extend(answers("semver", 6, 2)); // also a third, on more answers
    a.extend(answers("transformers", 4, 3));
    a.extend(answers("data-engineering", 2, 0)); // lower, but unranked
    let s = summary(&a);
    let Weakest::Topic(t) = s.weakest() else {
        panic!("{:?}", s.weakest())
    };
    assert_eq!(t.topic, "semver");
    // Below the average (6 of 15 = 0.4): the two topics at a third, not transformers.
    let weak: Vec<&str> = s.weak_topics().iter().map(|(t, _)| *t).collect();
    assert_eq!(weak, ["ai-learning", "semver"]);
}

fn bank() -> Bank {
    Bank::load(&BankSource::Dir(
        concat!(env!("CARGO_MANIFEST_DIR"), "/questions").into(),
    ))
    .unwrap()
}

fn ids(qs: &[&Question]) -> Vec<String> {
    qs.iter().map(|q| q.id.0.clone()).collect()
}

#[test]
fn due_questions_come_first_in_the_order_given() {
    let bank = bank();
    let pool: Vec<&Question> = bank.questions().iter().collect();
    let [a, b, c] = [&pool[3], &pool[7], &pool[9]].map(|q| q.id.clone());
    let s = summary(&answers("semver", 5, 0)); // a weak topic, which waits behind them
    let seen = HashSet::new();
    let just_had = vec![a.0.clone()];
    let not_in_pool = QuestionId("not-in-the-pool".into());
    let due = [not_in_pool, a, b.clone(), c];
    let input = PickInput {
        pool: &pool,
        due: &due,
        summary: &s,
        seen: &seen,
        just_had: &just_had,
    };
    for seed in 0..20 {
        let (q, why) = pick(&input, &mut SeededRng::new(seed)).unwrap();
        assert_eq!(
            (&q.id, why),
            (&b, Why::Due),
            "the first due one allowed and not just had"
        );
    }
    // Without due questions, the weak topic leads.
    let input = PickInput { due: &[], ..input };
    let (_, why) = pick(&input, &mut SeededRng::new(1)).unwrap();
    assert_ne!(why, Why::Due);
}

#[test]
fn quiz_leans_toward_weak_topics_then_unseen_questions() {
    let bank = bank();
    let pool: Vec<&Question> = bank.questions().iter().collect();
    let mut a = answers("semver", 4, 0);
    a.extend(answers("transformers", 4, 4));
    let s = summary(&a);
    let seen = HashSet::new();
    let input = PickInput {
        pool: &pool,
        due: &[],
        summary: &s,
        seen: &seen,
        just_had: &[],
    };
    let mut rng = SeededRng::new(7);
    let draws = 2000;
    let (mut semver, mut weak) = (0, 0);
    for _ in 0..draws {
        let (q, why) = pick(&input, &mut rng).unwrap();
        semver += usize::from(q.topic == "semver");
        if why == Why::WeakTopic {
            weak += 1;
            assert_eq!(q.topic, "semver");
        } else {
            assert_eq!(why, Why::Unseen);
        }
    }
    let share = |n: usize| n as f64 / draws as f64;
    let bank_share = pool.iter().filter(|q| q.topic == "semver").count() as f64 / pool.len() as f64;
    assert!(
        (share(weak) - 0.70).abs() < 0.05,
        "70% from weak topics: {}",
        share(weak)
    );
    assert!(
        share(semver) > 0.70 && bank_share < 0.25,
        "the weak topic comes up far above its share of the bank: {} vs {bank_share}",
        share(semver)
    );

    // Within the weak topic, questions not yet answered come first.
    let semver_ids: Vec<String> = ids(&pool)
        .into_iter()
        .filter(|id| bank.get(id).unwrap().topic == "semver")
        .collect();
    let seen: HashSet<String> = semver_ids[1..].iter().cloned().collect();
    let input = PickInput {
        seen: &seen,
        ..input
    };
    for seed in 0..50 {
        if let (q, Why::WeakTopic) = pick(&input, &mut SeededRng::new(seed)).unwrap() {
            assert_eq!(q.id.0, semver_ids[0]);
        }
    }
}

#[test]
fn unseen_questions_come_before_seen_ones_and_filters_bound_every_tier() {
    let bank = bank();
    // A pool as `/quiz topic:transformers` gives it: the weak topic (semver) is not in it.
    let pool: Vec<&Question> = bank
        .questions()
        .iter()
        .filter(|q| q.topic == "transformers")
        .collect();
    let mut seen: HashSet<String> = ids(&pool).into_iter().collect();
    let left = [pool[2].id.0.clone(), pool[5].id.0.clone()];
    for id in &left {
        seen.remove(id);
    }
    let mut a = answers("semver", 4, 0);
    a.extend(answers("transformers", 4, 4));
    let s = summary(&a);
    let due = [QuestionId("semver-bump".into())];
    let input = PickInput {
        pool: &pool,
        due: &due,
        summary: &s,
        seen: &seen,
        just_had: &[],
    };
    let mut rng = SeededRng::new(3);
    for _ in 0..100 {
        let (q, why) = pick(&input, &mut rng).unwrap();
        assert_eq!(why, Why::Unseen);
        assert!(left.contains(&q.id.0), "{} was seen", q.id);
    }
    // All seen: any of the pool.
    let all: HashSet<String> = ids(&pool).into_iter().collect();
    let input = PickInput {
        seen: &all,
        ..input
    };
    let (q, why) = pick(&input, &mut rng).unwrap();
    assert_eq!((q.topic.as_str(), why), ("transformers", Why::Any));
}

#[test]
fn the_question_just_had_is_never_picked_while_another_is_allowed() {
    let bank = bank();
    let pool: Vec<&Question> = bank.questions().iter().take(2).collect();
    let [a, b] = [pool[0].id.0.clone(), pool[1].id.0.clone()];
    let seen: HashSet<String> = [a.clone(), b.clone()].into();
    let s = summary(&answers(&pool[0].topic, 5, 0));
    let just_had = vec![a.clone()];
    let due = [QuestionId(a.clone())];
    let input = PickInput {
        pool: &pool,
        due: &due,
        summary: &s,
        seen: &seen,
        just_had: &just_had,
    };
    let mut rng = SeededRng::new(11);
    for _ in 0..200 {
        assert_eq!(pick(&input, &mut rng).unwrap().0.id.0, b);
    }
    // The only question the filters allow: asked again rather than nothing.
    let one = &pool[..1];
    let input = PickInput { pool: one, ..input };
    assert_eq!(pick(&input, &mut rng).unwrap(), (pool[0], Why::Any));
    let input = PickInput { pool: &[], ..input };
    assert!(pick(&input, &mut rng).is_none());
}
