//! Discord's size limits on what the bot sends, and the helpers that keep a reply within them.
//!
//! Discord refuses a whole reply when one part is too long ("This interaction failed"), so text
//! that can grow (a member's input echoed back, bank text) is clipped to its limit here, by
//! characters (as Discord counts), with an ellipsis marking the cut.

use serenity::all::AutocompleteChoice;

/// A message's content.
pub const CONTENT: usize = 2000;
/// An embed's title.
pub const TITLE: usize = 256;
/// An embed's description.
pub const DESCRIPTION: usize = 4096;
/// An embed field's value.
pub const FIELD_VALUE: usize = 1024;
/// An autocomplete choice's name, and its value.
pub const CHOICE: usize = 100;
/// The most of a member's input that a reply quotes back: enough to recognise it, and short
/// enough that the rest of the reply always fits.
pub const ECHO: usize = 100;

/// Cuts a text to `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A member's input as a reply quotes it back.
pub fn echo(input: &str) -> String {
    clip(input, ECHO)
}

/// An autocomplete choice, its name clipped to Discord's limit. A value over the limit cannot
/// be clipped (the clipped value is not what the member would pick), so it is no choice at all.
pub fn choice(name: &str, value: impl Into<String>) -> Option<AutocompleteChoice> {
    let value = value.into();
    (value.chars().count() <= CHOICE).then(|| AutocompleteChoice::new(clip(name, CHOICE), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_counts_characters_and_marks_the_cut() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("exactly10!", 10), "exactly10!");
        assert_eq!(clip("ééééé", 3), "éé…");
        assert_eq!(clip(&"x".repeat(3000), CONTENT).chars().count(), CONTENT);
    }

    #[test]
    fn a_choice_value_over_the_limit_is_skipped_and_a_long_name_clipped() {
        assert!(choice("name", "v".repeat(CHOICE + 1)).is_none());
        let c = choice(&"n".repeat(300), "v".repeat(CHOICE)).unwrap();
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["name"].as_str().unwrap().chars().count(), CHOICE);
        assert_eq!(v["value"].as_str().unwrap().chars().count(), CHOICE);
    }
}
