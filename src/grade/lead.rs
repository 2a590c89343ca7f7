//! What a short answer leads with. An answer that opens with a name or a version set apart
//! ("Java. Scala is just a wrapper on top.", "1.10.0. Not 2.0.0! ...") has given its answer
//! there; what follows explains it, whatever other names the explanation mentions.

use super::exact::{bare, is_version, normalise, CONTEXT_MARKERS, DENIALS, DENIAL_REACH};
use crate::bank::Normaliser;

/// Words an answer may open with before the version it gives ("Just 2.0.0.", "It's 1.10.0:").
const LEAD_WORDS: &[&str] = &[
    "just", "it", "its", "it's", "s", "is", "simply", "so", "answer",
];

/// Words that offer another version as a second guess ("1.10.0. Or maybe 2.0.0").
const SECOND_GUESS: &[&str] = &["or", "maybe", "perhaps", "possibly", "probably"];

/// The version an answer leads with, set apart by a full stop, colon or dash before anything
/// else is said ("1.10.0. Not 2.0.0! Each part is its own integer ..."): what follows explains
/// it, whatever other versions the explanation names. None when the answer later offers another
/// version as a second guess.
pub fn leading_version(words: &[String]) -> Option<String> {
    let at = words
        .iter()
        .take(3)
        .position(|w| !LEAD_WORDS.contains(&bare(w).as_str()))?;
    let w = &words[at];
    let v = normalise(w, Normaliser::Version);
    let set_apart = w.ends_with(['.', ':', '!', ';'])
        || words
            .get(at + 1)
            .is_none_or(|n| matches!(n.as_str(), "-" | "\u{2013}" | "\u{2014}"));
    let second_guess = words[at + 1..].iter().enumerate().any(|(k, x)| {
        is_version(&normalise(x, Normaliser::Version)) && {
            let before = &words[at + 1 + k.saturating_sub(DENIAL_REACH)..at + 1 + k];
            // "things like 2.0.0-final or 2.0.0-release" lists examples, not guesses.
            before
                .iter()
                .any(|b| SECOND_GUESS.contains(&bare(b).as_str()))
                && !before
                    .iter()
                    .any(|b| CONTEXT_MARKERS.contains(&bare(b).as_str()))
        }
    });
    (is_version(&v) && set_apart && !second_guess).then_some(v)
}

/// Words an answer may open with before the name it gives ("It's Luigi.", "That's Campbell's
/// law —", "I'd say Java.").
const NAME_LEAD_WORDS: &[&str] = &[
    "it", "its", "it's", "s", "is", "that", "that's", "thats", "just", "simply", "i", "i'd", "d",
    "say", "think", "guess", "probably", "the", "answer",
];

/// Openings that are not names: "Easy: ...", "Good question — ...", "Yes. ...".
const INTERJECTIONS: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "no",
    "nope",
    "easy",
    "hmm",
    "hm",
    "well",
    "ok",
    "okay",
    "sure",
    "so",
    "oh",
    "ah",
    "um",
    "uh",
    "right",
    "simple",
    "obviously",
    "definitely",
    "honestly",
    "basically",
    "classic",
    "good question",
    "great question",
    "trick question",
    "short answer",
    "tl dr",
    "tldr",
    "fun fact",
    "interesting",
    "true",
    "correct",
    "exactly",
    "of course",
    "spoiler",
    "hint",
    "note",
    "careful",
    "trap",
    "gotcha",
    "classic trap",
];

/// Words right after the opening that take it back ("Python. Actually no, Scala."): the opening
/// was not the answer.
const TAKE_BACK: &[&str] = &[
    "no", "wait", "actually", "sorry", "or", "maybe", "mean", "scratch", "hmm", "oops", "hold",
];

/// Small words no name of three words or fewer holds: an opening with one is a phrase ("expand
/// the acronym:", "think of a backtest:"), not a name.
const PHRASE_WORDS: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "for", "with", "and", "my", "your", "this", "we",
    "you", "me", "our", "let", "let's",
];

/// How many words after the opening a take-back is looked for.
const TAKE_BACK_REACH: usize = 4;

/// The name an answer leads with, set apart by a full stop, colon, semicolon, exclamation mark
/// or dash before anything else is said ("Java. Scala is just a wrapper on top.", "Avro — it's
/// the columnar one; Parquet is row-based."): at most three words, not denied ("Not Python —
/// ..."), not an example ("Like a bookmark: ..."), not an interjection ("Easy: ..."), not taken
/// back by what follows ("Python. Actually no, Scala."). None when the answer does not open so.
pub fn leading_name(answer: &str) -> Option<&str> {
    let answer = answer.trim();
    let (head, rest) = split_at_separator(answer)?;
    if head.contains(['(', '[', '{', '<', '=', '/', '|', ',', '"', '?']) {
        return None;
    }
    let words: Vec<String> = head.split_whitespace().map(bare).collect();
    let at = words
        .iter()
        .position(|w| !NAME_LEAD_WORDS.contains(&w.as_str()))?;
    let name = &words[at..];
    let joined = name.join(" ");
    let denied = name.iter().any(|w| DENIALS.contains(&w.as_str()));
    let phrase = name.iter().any(|w| PHRASE_WORDS.contains(&w.as_str()));
    let example = name.iter().any(|w| CONTEXT_MARKERS.contains(&w.as_str()));
    let taken_back = rest
        .split_whitespace()
        .take(TAKE_BACK_REACH)
        .any(|w| TAKE_BACK.contains(&bare(w).as_str()));
    if name.is_empty()
        || name.len() > 3
        || denied
        || phrase
        || example
        || taken_back
        || INTERJECTIONS.contains(&joined.as_str())
    {
        return None;
    }
    Some(head)
}

/// The answer's opening and the rest, split at its first full stop, colon, semicolon,
/// exclamation mark or dash that is followed by more words. A full stop inside a name
/// ("DeepLearning.AI") or an ellipsis ("BAIR... I remember") is not a split.
fn split_at_separator(answer: &str) -> Option<(&str, &str)> {
    let chars: Vec<(usize, char)> = answer.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let split = match c {
            '.' => {
                if prev == Some('.') || next == Some('.') {
                    return None;
                }
                next.is_some_and(char::is_whitespace)
            }
            '\u{2026}' => return None,
            // "√d_k; 8; d_k = 64": items of a list, none of them leading.
            ';' if answer[i + 1..].contains(';') => return None,
            ':' | ';' | '!' => next.is_some_and(char::is_whitespace),
            '\u{2014}' | '\u{2013}' => true,
            '-' => prev.is_some_and(char::is_whitespace) && next.is_some_and(char::is_whitespace),
            _ => false,
        };
        if split {
            let rest = answer[i + c.len_utf8()..].trim();
            return (!rest.is_empty()).then(|| (answer[..i].trim(), rest));
        }
    }
    None
}

/// Phrases after which a hesitant answer names its final pick ("I always mix them up. I'll go
/// with Luigi.").
const FINAL_PICK: &[&str] = &[
    "ll go with",
    "d go with",
    "will go with",
    "would go with",
    "s go with",
    "going with",
    "final answer",
    "ll stick with",
    "sticking with",
    "ll settle on",
];

/// The name a hesitant answer finally picks: the words after its last "I'll go with", "final
/// answer:" and the like, up to the next punctuation mark, at most three words.
pub fn final_pick(answer: &str) -> Option<String> {
    let lower = answer.to_lowercase();
    let (at, marker) = FINAL_PICK
        .iter()
        .filter_map(|m| lower.rfind(m).map(|i| (i, m)))
        .max_by_key(|(i, _)| *i)?;
    // Read from the lower-cased text: lower case can change a character's length in bytes
    // ("İ"), so an offset into it is not one into `answer`. Case is folded later anyway.
    let after = &lower[at + marker.len()..];
    let pick: Vec<&str> = after
        .split(['.', ',', ';', '!', '?', '\u{2014}', '\u{2013}', '(', ')'])
        .next()?
        .trim_start_matches([':', ' '])
        .split_whitespace()
        .collect();
    let pronoun = pick
        .first()
        .is_some_and(|w| ["it", "that", "this", "them", "those"].contains(&bare(w).as_str()));
    (!pick.is_empty() && pick.len() <= 3 && !pronoun).then(|| pick.join(" "))
}

#[cfg(test)]
mod tests {
    use super::super::exact::short;
    use super::*;

    #[test]
    fn the_name_an_answer_leads_with_is_its_answer() {
        let scala = ["Scala"];
        for a in [
            "Java. Scala is just a wrapper on top.",
            "Python \u{2014} PySpark is the native API and the Scala one is a port.",
            "It's Java: Scala came later.",
        ] {
            assert!(!short(a, &scala, Normaliser::Text), "{a}");
        }
        for a in [
            "Scala. Java and Python call into it.",
            "Not Python \u{2014} PySpark is a wrapper; Spark itself is Scala.",
            "Python. Actually no, Scala.",
            "Easy: Scala.",
            "Good question \u{2014} it's Scala.",
            "Like most JVM projects: Scala.",
            "Just expand the acronym: it's written in Scala.",
            "Hmm... Java? No, Scala.",
        ] {
            assert!(short(a, &scala, Normaliser::Text), "{a}");
        }
    }

    #[test]
    fn a_hesitant_answer_is_its_final_pick() {
        let airflow = ["Airflow"];
        let a = "I want to say Luigi... or was Airflow the Spotify one? I'll go with Luigi.";
        assert!(!short(a, &airflow, Normaliser::Text));
        let a = "Luigi? Or Airflow? Final answer: Airflow.";
        assert!(short(a, &airflow, Normaliser::Text));
        assert_eq!(final_pick("Airflow. I'd go with it for Python DAGs."), None);
        assert_eq!(
            final_pick("İİİ, I always mix them up. I'll go with Luigi."),
            Some("luigi".into()),
            "a letter whose lower case is longer moves no offset"
        );
    }

    #[test]
    fn an_opening_is_a_name_only_when_set_apart_and_short() {
        assert_eq!(
            leading_name("Avro \u{2014} the columnar one."),
            Some("Avro")
        );
        assert_eq!(
            leading_name("That's Campbell's law - about indicators."),
            Some("That's Campbell's law")
        );
        assert_eq!(leading_name("DeepLearning.AI"), None, "a dot inside a name");
        assert_eq!(leading_name("DeepLearning.AI, MOOCs, courses"), None);
        assert_eq!(leading_name("BAIR... I remember it as Berkeley."), None);
        assert_eq!(leading_name("sqrt d_k; 8; d_k = 64"), None, "a list");
        assert_eq!(leading_name("Think of a backtest: ..."), None);
        assert_eq!(leading_name("Stanford, I think. Or Berkeley."), None);
        assert_eq!(
            leading_name("The Java Virtual Machine project. Yes."),
            None,
            "four words"
        );
    }

    #[test]
    fn a_version_named_as_a_later_step_or_a_denied_bump_is_not_the_answer() {
        let v = |a: &str, e: &str| short(a, &[e], Normaliser::Version);
        assert!(v("Not a patch (2.4.2) \u{2014} a minor: 2.5.0.", "2.5.0"));
        assert!(v("2.5.0, not a patch 2.4.2.", "2.5.0"));
        assert!(v(
            "Deprecate with a warning in 2.5.0, then remove it in 3.0.0.",
            "2.5.0"
        ));
        assert!(v(
            "It is 3.2.0-rc.1. It took me years to stop writing 3.1.5 here.",
            "3.2.0-rc.1"
        ));
        assert!(v(
            "Just 2.0.0: drop the suffix. People publish things like 2.0.0-final or 2.0.0-release.",
            "2.0.0"
        ));
        assert!(!v("2.5.0. Or maybe 3.0.0.", "2.5.0"), "a second guess");
        assert!(!v("A patch: 2.4.2, not 2.5.0.", "2.5.0"));
    }
}
