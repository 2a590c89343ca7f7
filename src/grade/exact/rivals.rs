//! Rival names: the names a short question's author lists as answers to a neighbouring question
//! ("Avro" beside "Parquet", "deadlock" beside "race condition", "Luigi" beside "Airflow").
//!
//! An answer that offers a rival beside the right name has not chosen, however it is punctuated:
//! "Parquet, Avro, ORC" hedges as "Parquet or Avro" does, and an interviewer gives it half. A list
//! of related words that are not rivals ("Parquet, ORC, columnar, compression") is an answer with
//! its reasons, so only the names the rubric lists count, never any word that is not accepted.

use super::{short, Settled, DENIALS, HEDGE_FILLER, SET_APART};
use crate::bank::Normaliser;
use crate::grade::text::fold;

/// The items of an answer that is one list ("Parquet, Avro, ORC", "softmax / logits / argmax"),
/// parted by commas, slashes, semicolons, colons, brackets and dashes; none for prose, where a
/// rival named in passing ("WordPiece is a cousin of it") is context, not a second guess.
fn items(folded: &str) -> Vec<String> {
    if super::sentences(folded).len() > 1 || !folded.contains([',', '/', ';', '|']) {
        return Vec::new();
    }
    format!(" {folded} ")
        .replace(" - ", " , ")
        .split([
            ',', '/', ';', '|', ':', '(', ')', '?', '!', '\u{2014}', '\u{2013}', '\u{2192}',
        ])
        .map(|i| i.trim().trim_end_matches('.').trim().to_string())
        .filter(|i| !i.is_empty())
        .collect()
}

/// A name as a list item gives it: folded as short answers are, without the words around a
/// hedge ("I think it's Avro" is `avro`, "Murphy's law" is `murphy law`).
fn name_of(item: &str) -> String {
    super::normalise(item, Normaliser::Text)
        .split(' ')
        .filter(|w| !HEDGE_FILLER.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a short answer that gives the right name ends when it also offers a rival, or `None`
/// when it offers none. A rival the answer denies or sets apart is not offered ("Parquet, not
/// Avro", "Parquet; unlike Avro, ..."), nor is any item after such a denial in the same list, up
/// to the right name ("Not Python, Java, R: Scala").
pub(super) fn listed(answer: &str, expected: &[&str], rivals: &[&str]) -> Option<Settled> {
    if rivals.is_empty() {
        return None;
    }
    let rivals: Vec<String> = rivals.iter().map(|r| name_of(r)).collect();
    let folded = fold(answer);
    let (mut offered, mut right, mut denying) = (false, false, false);
    let mut phrases = 0;
    for item in items(&folded) {
        let words: Vec<&str> = item
            .split(|c: char| !c.is_alphanumeric() && !matches!(c, '.' | '-' | '+'))
            .filter(|w| !w.is_empty())
            .collect();
        if words
            .iter()
            .any(|w| DENIALS.contains(w) || SET_APART.contains(w))
        {
            denying = true;
            continue;
        }
        let name = name_of(&item);
        let len = name.split(' ').filter(|w| !w.is_empty()).count();
        if len > 3 {
            // A list has at most one phrase among its names ("BAIR = Bay Area AI Research,
            // Stanford / Berkeley"); more make it prose.
            phrases += 1;
            if phrases > 1 {
                return None;
            }
            continue;
        }
        if len == 0 {
            continue;
        }
        if short(&item, expected, Normaliser::Text) {
            right = true;
            denying = false;
        } else if !denying && rivals.contains(&name) {
            offered = true;
        }
    }
    // One sentence never settles: the list is the whole answer.
    (offered && right).then_some(Settled::Not)
}
