//! The exact kinds' grading: multi, order, short answers, versions, hedges.

use super::*;

#[test]
fn multi_gives_partial_credit_never_below_zero() {
    assert_eq!(multi(&[0, 2], &[0, 2]), 1.0);
    assert_eq!(multi(&[0, 2], &[0]), 0.5);
    assert_eq!(multi(&[0, 2], &[0, 1]), 0.0);
    assert_eq!(multi(&[0, 2], &[1, 3]), 0.0);
    assert_eq!(multi(&[0, 1, 2], &[0, 1, 3]), 1.0 / 3.0);
}

#[test]
fn order_counts_pairs_in_the_right_order() {
    assert_eq!(order(&[0, 1, 2, 3], 4), 1.0);
    assert_eq!(order(&[3, 2, 1, 0], 4), 0.0);
    assert_eq!(order(&[1, 0, 2, 3], 4), 5.0 / 6.0);
    assert_eq!(order(&[0, 1], 4), 0.0, "an incomplete order earns nothing");
}

#[test]
fn short_answers_fold_case_space_punctuation_and_quotes() {
    let ps = ["ps", "ps aux", "ps -ef", "top", "ls /proc", "sql"];
    for a in [
        "ps",
        " PS ",
        "`ps`",
        "\"ps aux\"",
        "ps -ef",
        "ps  -EF",
        "ls /proc",
        "I would use ps aux",
        "I'd run `ps aux | less` and look for it",
        "probably ps -ef, not kill",
    ] {
        assert!(short(a, &ps, Normaliser::Text), "{a}");
    }
    for a in [
        "pd",
        "ls",
        "kill",
        "ps is not it at all, use something else",
        "definitely not ps aux, use kill",
        "PL/SQL I think",
    ] {
        assert!(!short(a, &ps, Normaliser::Text), "{a}");
    }
    assert!(
        short("Sofmax", &["softmax"], Normaliser::Text),
        "one typo in a long word"
    );
    assert!(!short("Sofmix", &["softmax"], Normaliser::Text));
}

#[test]
fn versions_drop_a_leading_v_and_never_forgive_a_digit() {
    assert!(short("v1.4.3", &["1.4.3"], Normaliser::Version));
    assert!(short("Version 1.4.3.", &["1.4.3"], Normaliser::Version));
    assert!(short("`2.0.0-rc.1`", &["2.0.0-rc.1"], Normaliser::Version));
    assert!(!short("1.4.4", &["1.4.3"], Normaliser::Version));
    assert!(short(
        "Not 0.10.0 but 1.0.0.",
        &["1.0.0"],
        Normaliser::Version
    ));
    assert!(short(
        "Not 0.10.0 - 1.0.0.",
        &["1.0.0"],
        Normaliser::Version
    ));
    assert!(!short("it's not 1.0.0", &["1.0.0"], Normaliser::Version));
    // SemVer compares pre-release identifiers case-sensitively.
    assert!(!short("3.2.0-RC.1", &["3.2.0-rc.1"], Normaliser::Version));
    assert!(short("V3.2.0-rc.1", &["3.2.0-rc.1"], Normaliser::Version));
    assert!(short(
        "Not 3.1.5-rc.1 but 3.2.0-rc.1",
        &["3.2.0-rc.1"],
        Normaliser::Version
    ));
    assert!(short(
        "2.5.0, and later 3.0.0 removes it",
        &["2.5.0"],
        Normaliser::Version
    ));
    // Examples and traps on the way to the answer are not the answer.
    for a in [
        "Like Python 3.12.0rc2 becoming 3.12.0: here 2.0.0.",
        "2.0.0, the same way 1.5.0-rc.1 went to 1.5.0.",
        "Like Python 3.12.0rc2 → 3.12.0: 2.0.0.",
        "Same as Spring shipping 6.0.0-RC2 and then 6.0.0 - the final is just 2.0.0.",
        "Like Python shipping 3.12.0rc2 and then just 3.12.0 - here, 2.0.0.",
        "Like Terraform when it was declared stable: 0.15.x → 1.0.0. So 2.0.0.",
    ] {
        assert!(short(a, &["2.0.0"], Normaliser::Version), "{a}");
    }
    assert!(short(
        "Like Python going from 3.9 to 3.10, not to 4.0. So 1.10.0.",
        &["1.10.0"],
        Normaliser::Version
    ));
    for a in [
        "Not 2.0.0-rc.3 or 2.0.1, just 2.0.0.",
        "2.0.0 — not 2.0.0-rc.3 or 2.0.1, just drop the pre-release tag.",
    ] {
        assert!(short(a, &["2.0.0"], Normaliser::Version), "{a}");
    }
    // The version an answer leads with, set apart, is its answer; what follows explains it.
    for (a, v) in [
        (
            "1.10.0. Not 2.0.0! Each part is its own integer; 1.9 to 2.0 is a price tag.",
            "1.10.0",
        ),
        (
            "Just 2.0.0: drop the -rc.2. Publishing 2.0.0-final would sort below 2.0.0.",
            "2.0.0",
        ),
        (
            "2.5.0. I'd have said 2.4.2, but a deprecation needs a minor.",
            "2.5.0",
        ),
    ] {
        assert!(short(a, &[v], Normaliser::Version), "{a}");
    }
    // Not when it is a first guess, or not set apart.
    for a in [
        "1.10.0. Or maybe 2.0.0.",
        "1.10.0 I think, or 2.0.0",
        "2.0.0. No wait, 1.10.0 is right.",
    ] {
        assert!(!short(a, &["1.10.0"], Normaliser::Version), "{a}");
    }
    assert!(!short(
        "So 2.0.0, or maybe 2.0.1",
        &["2.0.0"],
        Normaliser::Version
    ));
    assert!(!short(
        "Not 2.0.0-rc.3, 2.0.1 is it",
        &["2.0.0"],
        Normaliser::Version
    ));
    assert!(short(
        "3.2.0-rc.1. I almost wrote 3.1.5-rc.1, which is the trap.",
        &["3.2.0-rc.1"],
        Normaliser::Version
    ));
    for a in [
        "2.0.1, like 2.0.0 was before",
        "2.0.0 or 2.0.1",
        "2.0.1 then 2.0.0",
    ] {
        assert!(!short(a, &["2.0.0"], Normaliser::Version), "{a}");
    }
    assert!(!short("1.4.3 or 1.5.0", &["1.4.3"], Normaliser::Version));
    assert!(short("Equal", &["equal", "same"], Normaliser::Version));
    assert!(short(
        "2.0.0, not 2.0.1: the release outranks its candidates",
        &["2.0.0"],
        Normaliser::Version
    ));
    assert!(short(
        "1.0.0 rather than 0.10.0; 0.x is for development",
        &["1.0.0"],
        Normaliser::Version
    ));
    assert!(!short("2.0.0 or 2.0.1", &["2.0.0"], Normaliser::Version));
    assert!(short_in(
        "3.1.4 plus a feature gives 3.2.0",
        &["3.2.0"],
        Normaliser::Version,
        "The current version is 3.1.4. What comes next after a feature?"
    ));
    assert!(short(
        "3.2.0-rc.1, a pre-release of 3.2.0",
        &["3.2.0-rc.1"],
        Normaliser::Version
    ));
    assert!(!short("3.2.0", &["3.2.0-rc.1"], Normaliser::Version));
}

#[test]
fn a_name_the_answer_opens_by_denying_is_not_its_answer() {
    let zombie = ["zombie"];
    for a in [
        "Not a zombie, zombies are processes whose parent died; this is an orphan.",
        "An orphan, unlike a zombie, which its parent still has to reap.",
    ] {
        assert!(!short(a, &zombie, Normaliser::Text), "{a}");
    }
    // Denying another name first, or the name after giving it, keeps the answer.
    for a in [
        "Not an orphan: a zombie.",
        "A zombie; not a zombie thread though, a zombie process.",
    ] {
        assert!(short(a, &zombie, Normaliser::Text), "{a}");
    }
}

#[test]
fn a_hedge_between_names_is_half_right() {
    let sm = ["softmax"];
    let score = |a: &str, e: &[&str]| short_score(a, e, &[], Normaliser::Text, "");
    assert_eq!(score("softmax", &sm), 1.0);
    assert_eq!(
        score("softmax, logits", &sm),
        1.0,
        "related names, no hedge"
    );
    assert_eq!(score("softmax or argmax", &sm), 0.5);
    assert_eq!(
        score("I think it's Berkeley? Or maybe CMU", &["berkeley"]),
        0.5
    );
    assert_eq!(score("ps or top", &["ps", "top"]), 1.0);
    assert_eq!(score("ps / top", &["ps", "top"]), 1.0);
    assert_eq!(score("SQL / ANSI SQL / T-SQL", &["sql"]), 1.0);
    assert_eq!(score("Not sigmoid or ReLU, softmax.", &sm), 1.0);
    assert_eq!(score("Not sigmoid or ReLU \u{2014} softmax.", &sm), 1.0);
    assert_eq!(
        score("Berkeley or Stanford, I always mix them up.", &["berkeley"]),
        0.5
    );
    assert_eq!(
        score(
            "Coursera? Or maybe deeplearning.ai, I think he did both.",
            &["deeplearning.ai"]
        ),
        0.5
    );
    assert_eq!(
        score("Sinusoidal, position, embeddings", &["position embeddings"]),
        0.0,
        "a name never spans a comma"
    );
    assert_eq!(score("I'd use softmax on the logits", &sm), 1.0);
    assert_eq!(score("argmax", &sm), 0.0);
    assert_eq!(score("DeepLearnng.AI", &["DeepLearning.AI"]), 1.0);
    assert_eq!(score("Not Python, not Spark: SQL.", &["sql"]), 1.0);
    assert_eq!(score("Not sigmoid - softmax.", &["softmax"]), 1.0);
    assert_eq!(score("don't use softmax", &["softmax"]), 0.0);
    assert_eq!(score("not really softmax, sigmoid", &["softmax"]), 0.0);
    assert_eq!(score("not SQL, Python", &["sql"]), 0.0);
}

#[test]
fn a_hedge_that_settles_on_a_name_is_that_name() {
    let score = |a: &str, e: &[&str]| short_score(a, e, &[], Normaliser::Text, "");
    let berkeley = ["berkeley"];
    for a in [
        "Berkeley or Stanford. I'd guess Berkeley but not sure.",
        "Stanford? Or Berkeley... I'm pretty sure Berkeley.",
        "Berkeley, I think. Or is it Stanford? No, Stanford is the other one. Berkeley.",
    ] {
        assert_eq!(score(a, &berkeley), 1.0, "{a}");
    }
    for a in [
        "Berkeley or Stanford. Probably Stanford.",
        "Maybe Stanford or Berkeley... I'd say Stanford.",
    ] {
        assert_eq!(
            score(a, &berkeley),
            0.0,
            "it settles on the other name: {a}"
        );
    }
    for a in [
        // A settling sentence that also denies a name is not read as a pick.
        "Berkeley? Or Stanford. I think Stanford, not Berkeley.",
        // Its last sentence is one more choice, or a question.
        "I think it's Berkeley. Or maybe Stanford.",
        "Stanford or Berkeley. Berkeley or Stanford?",
        "Stanford. Or Berkeley. Berkeley or Stanford, one of those.",
    ] {
        assert_eq!(score(a, &berkeley), 0.5, "{a}");
    }
}

#[test]
fn a_hedge_between_versions_is_half_right_unless_it_settles() {
    let score = |a: &str| short_score(a, &["1.0.0"], &[], Normaliser::Version, "");
    assert_eq!(score("1.0.0"), 1.0);
    for a in [
        "1.0.0 I think, or 0.10.0 if they want to keep going.",
        "0.10.0, or maybe just 1.0.0.",
        "1.0.0, or maybe 1.0.0-final?",
    ] {
        assert_eq!(score(a), 0.5, "{a}");
    }
    assert_eq!(
        score("0.10.0? Or 1.0.0, I think 1.0.0 is when it's stable."),
        1.0
    );
    assert_eq!(score("1.0.0 or 0.10.0. I'd say 0.10.0."), 0.0);
    // Not a hedge: one version given, the other denied or quoted by the prompt.
    assert_eq!(score("1.0.0, not 0.10.0"), 1.0);
    assert_eq!(
        short_score(
            "After 0.9.3 or so comes 1.0.0",
            &["1.0.0"],
            &[],
            Normaliser::Version,
            "What follows 0.9.3 once the API is stable?"
        ),
        1.0
    );
    assert_eq!(
        score("0.10.0 or 0.11.0"),
        0.0,
        "no right version among them"
    );
}

#[test]
fn versions_the_prompt_quotes_are_no_choice_in_a_hedge() {
    let prompt = "A crate at v0.9.3 has a stable API now. What should it release next?";
    assert_eq!(quoted_versions(prompt), ["0.9.3"]);
    // The quoted version, in whatever spelling, is context: only 1.0.0 is offered.
    assert!(version_hedge("v0.9.3 or 1.0.0", &["1.0.0"], prompt).is_none());
    assert!(matches!(
        version_hedge("v0.9.3 or 1.0.0", &["1.0.0"], ""),
        Some(Settled::Not)
    ));
}

#[test]
fn a_denial_or_contrast_reaches_over_or() {
    let score = |a: &str| short_score(a, &["parquet"], &[], Normaliser::Text, "");
    for a in [
        "Parquet \u{2014} unlike CSV or Avro, which are row-based.",
        "Parquet, not CSV or Avro, which are row-oriented.",
        "Parquet rather than CSV or Avro.",
        "Parquet (not Avro or ORC).",
    ] {
        assert_eq!(score(a), 1.0, "{a}");
    }
    // Without a denial, an "or" still offers a choice.
    assert_eq!(score("Parquet, columnar. Or ORC."), 0.5);
    assert_eq!(score("Parquet or Avro, which are columnar."), 0.5);
}

#[test]
fn a_hedge_in_any_text_is_read_without_panicking() {
    // Offsets found in lower-cased text are used on the original: lower case must not move them.
    for a in [
        "İİ or 1.0.0, İ think 1.0.0",
        "or",
        "or ,",
        " or or or ",
        "1.0.0 or",
        "Or 1.0.0, ß",
        "ß or 1.0.0. Ünïcödé 1.0.0?",
        "0.1.0 or 1.0.0 or, İ 1.0.0.",
    ] {
        for how in [Normaliser::Text, Normaliser::Version] {
            let s = short_score(a, &["1.0.0"], &[], how, "");
            assert!((0.0..=1.0).contains(&s), "{a}: {s}");
        }
    }
    assert_eq!(
        short_score(
            "0.1.0 or 1.0.0 or, İ 1.0.0.",
            &["1.0.0"],
            &[],
            Normaliser::Version,
            ""
        ),
        1.0,
        "it settles on 1.0.0 after the comma"
    );
}

#[test]
fn a_list_that_offers_a_rival_beside_the_answer_is_half_right() {
    let rivals = ["Avro", "CSV", "Murphy's law", "Java", "Python", "R"];
    let score = |a: &str, e: &[&str]| short_score(a, e, &rivals, Normaliser::Text, "");
    let parquet = ["Parquet", "ORC"];
    for a in [
        "Parquet, Avro, ORC",
        "Parquet / CSV",
        "I think it's Parquet; Avro; Iceberg",
    ] {
        assert_eq!(score(a, &parquet), 0.5, "{a}");
    }
    assert_eq!(
        score("Goodhart's law / Murphy's law", &["Goodhart's law"]),
        0.5
    );
    for a in [
        // Related words that are no rival: the answer and its reasons.
        "Parquet, ORC, columnar, compression",
        // A rival denied or set apart, and what follows the denial up to the answer.
        "Parquet, not Avro",
        "Parquet; unlike Avro, which is row-based",
        // Prose names a rival in passing.
        "Parquet. Avro is the row-based one, and CSV has no schema.",
        // No rival in the list.
        "Parquet",
    ] {
        assert_eq!(score(a, &parquet), 1.0, "{a}");
    }
    assert_eq!(score("Not Python, Java, R: Scala", &["Scala"]), 1.0);
    assert_eq!(score("Avro, CSV", &parquet), 0.0, "no right name");
    // Without rivals, a list is an answer, as before.
    assert_eq!(
        short_score("Parquet, Avro", &parquet, &[], Normaliser::Text, ""),
        1.0
    );
}

#[test]
fn an_accepted_version_without_a_dot_counts_when_marked_as_a_version() {
    let score = |a: &str| short_score(a, &["1.0.0", "1.0", "1"], &[], Normaliser::Version, "");
    for a in [
        "v1 / GA / stable",
        "Version 1, stable API",
        "It becomes v1.",
    ] {
        assert_eq!(score(a), 1.0, "{a}");
    }
    // A bare number in a sentence is not a version, and another version still makes it wrong.
    assert_eq!(score("step 1 is 0.10.0"), 0.0);
    assert_eq!(score("0.10.0 then v1"), 0.0);
}
