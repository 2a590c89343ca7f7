//! Text analysis: folding, pieces, stems, negations, clauses, typo tolerance.

use super::*;

fn lex() -> Lexicon {
    let mut l = Lexicon::new(
        &[
            vec!["memory".into(), "address space".into(), "heap".into()],
            vec!["breaking".into(), "not backward compatible".into()],
        ],
        &[],
    );
    l.learn("threads share memory");
    l.learn("own stack");
    l
}

#[test]
fn folds_case_accents_and_quotes() {
    assert_eq!(fold("Thréads DON\u{2019}T"), "threads don't");
    // The plain-ASCII path folds the same way.
    assert_eq!(fold("Threads DON`T"), "threads don't");
    assert_eq!(fold("Threads DON`T"), fold("Threads DON\u{2019}T"));
}

#[test]
fn equals_signs_and_a_lone_one_read_as_words() {
    let words = |t: &str| -> Vec<String> {
        pieces(t)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Word(w) => Some(w),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        words("process = program running"),
        ["process", "is", "program", "running"]
    );
    assert_eq!(words("all on 1 thread"), ["all", "on", "one", "thread"]);
    // Versions, dotted labels, abbreviations, comparisons and numbers in code stay as they are.
    assert_eq!(
        words("1.10.0 beta.dev e.g. a == b fetch_add(1)"),
        ["1.10.0", "beta.dev", "e.g", "a", "b", "fetch", "add", "1"]
    );
}

#[test]
fn contractions_become_negations() {
    let words: Vec<Piece> = pieces("Threads don't share");
    assert!(words.contains(&Piece::Word("not".into())));
}

#[test]
fn stems_synonyms_and_typos_meet_on_one_term() {
    let l = lex();
    let a = l.analyse("Threading shares the adress space");
    let b = l.analyse("threads share memory");
    let ta: Vec<Term> = a.tokens.iter().map(|t| t.term).collect();
    let tb: Vec<Term> = b.tokens.iter().map(|t| t.term).collect();
    // "threading" stems to "thread"; "address space" is a synonym phrase of "memory", but its
    // typo'd form is not, so only the first two meet.
    assert_eq!(ta[..2], tb[..2]);
    let c = l.analyse("thraeds onw memroy");
    assert_eq!(
        c.tokens[0].term, tb[0],
        "a transposition in a long word is forgiven"
    );
    assert_eq!(c.tokens[2].term, tb[2]);
    assert!(
        !Analysis::is_known(c.tokens[1].term),
        "short words must be spelt right"
    );
}

#[test]
fn negation_marks_the_next_few_words_of_its_clause() {
    let l = lex();
    let a = l.analyse("threads do not share memory, processes share memory");
    let negated: Vec<bool> = a.tokens.iter().map(|t| t.negated).collect();
    assert_eq!(negated, vec![false, true, true, false, false, false]);
}

#[test]
fn a_synonym_phrase_with_a_negation_is_not_negated_again() {
    let l = lex();
    let a = l.analyse("the change is not backward compatible");
    let last = a.tokens.last().unwrap();
    assert_eq!(l.name(last.term), "break");
    assert!(!last.negated);
}

#[test]
fn sentences_and_function_words_are_counted() {
    let l = lex();
    let a = l.analyse("Threads share memory. The process owns it!");
    assert_eq!(a.sentences, 2);
    assert_eq!(a.function_words, 2);
}

#[test]
fn a_few_words_before_a_colon_head_a_note() {
    let mut l = lex();
    l.learn("a process");
    let heads = |text: &str| -> Vec<String> {
        let a = l.analyse(text);
        a.headings
            .iter()
            .map(|&h| l.name(a.tokens[h].term).to_string())
            .collect()
    };
    assert_eq!(
        heads("process: own memory, isolated. thread: shared heap"),
        ["process", "thread"]
    );
    // After a semicolon, a second heading in the same sentence.
    assert_eq!(
        heads("process: own memory; thread: stack"),
        ["process", "thread"]
    );
    // A colon after a long clause, or in the middle of a sentence, heads nothing.
    assert!(heads("The difference between the two of them is simple: memory").is_empty());
    assert!(heads("In short, processes differ: memory").is_empty());
}
