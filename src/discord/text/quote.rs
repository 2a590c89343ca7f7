//! A member's words quoted where everyone reads them (the reveal's best answer), made to say
//! only what they say. Pure functions, so every trick is tested here:
//!
//! - **No mention**: every `@` is followed by a zero-width space (`@everyone`, `@here` and a
//!   bare `@name` become text), and the `<` that opens `<@id>`, `<@!id>`, `<@&role>`, `<#id>`,
//!   `</command:id>`, `<t:...>` and custom emoji is escaped, so the raw text shows instead. (The
//!   message's `allowed_mentions` is empty as well: even a mention that slipped through would
//!   ping nobody.)
//! - **No markdown breakout**: every character Discord's markdown gives a meaning to is escaped
//!   with a backslash (Discord shows `\x` as `x` for any punctuation `x`), so code fences, block
//!   quotes, headings, lists, links, masked links, spoilers, emphasis and autolinks (`https:`)
//!   stay plain text inside the quote.
//! - **No invisible tricks**: control characters and the bidirectional overrides that reorder
//!   text on screen are dropped; line separators become new lines; blank lines go.
//! - **Short**: at most [`MAX_LINES`] lines and [`MAX_CHARS`] characters of the answer, an
//!   ellipsis marking a cut; so the quote always fits an embed field with room for the credit.

/// The most characters of an answer a quote shows.
pub const MAX_CHARS: usize = 300;
/// The most lines of an answer a quote shows.
pub const MAX_LINES: usize = 8;

/// The longest quote [`block_quote`] makes: every character escaped (two for one), the `> ` and
/// new line of each line, and the ellipsis.
pub const MAX_QUOTE_CHARS: usize = 2 * MAX_CHARS + 3 * MAX_LINES + 1;

/// ASCII characters that Discord's markdown reads: escaped with a backslash.
const MARKDOWN: &[char] = &[
    '\\', '*', '_', '~', '`', '|', '>', '<', '#', '[', ']', '(', ')', '-', '+', '.', '!', ':',
];

const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// Whether a character is dropped: controls (a new line is kept as a line break) and the
/// bidirectional marks and overrides that make text read otherwise than it is stored.
fn invisible(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c,
            '\u{200E}' | '\u{200F}' | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}')
}

/// One line of a member's text, escaped: no mention, no markdown.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        if invisible(c) || c == '\n' {
            continue;
        }
        if c == '@' {
            out.push('@');
            out.push(ZERO_WIDTH_SPACE);
        } else {
            if MARKDOWN.contains(&c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The lines of a text as a quote shows them: line breaks of every kind, no blank lines, no
/// invisible characters, spaces at either end trimmed.
fn lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}', '\u{0085}'], "\n")
        .split('\n')
        .map(|l| {
            l.chars()
                .filter(|c| !invisible(*c))
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// A member's answer as a block quote (each line starts with `> `), escaped and clipped to
/// [`MAX_LINES`] lines and [`MAX_CHARS`] characters. Empty when nothing visible is left.
pub fn block_quote(text: &str) -> String {
    let all = lines(text);
    let mut kept: Vec<String> = Vec::new();
    let mut budget = MAX_CHARS;
    let mut cut = all.len() > MAX_LINES;
    for line in all.iter().take(MAX_LINES) {
        let n = line.chars().count();
        if n <= budget {
            kept.push(line.clone());
            budget -= n;
        } else {
            if budget > 0 {
                kept.push(line.chars().take(budget).collect());
            }
            cut = true;
            break;
        }
    }
    let last = kept.len().saturating_sub(1);
    kept.iter()
        .enumerate()
        .map(|(i, l)| {
            let mut q = format!("> {}", escape(l));
            if cut && i == last {
                q.push('…');
            }
            q
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a quote must never contain, whatever the member wrote.
    fn assert_harmless(quote: &str) {
        for bad in ["@everyone", "@here"] {
            assert!(!quote.contains(bad), "{bad:?} in {quote:?}");
        }
        // No `@` can start a mention: a zero-width space always follows it (and the `<` of
        // `<@id>`, `<#id>`, `<t:..>` is escaped, checked below with the markdown).
        let chars: Vec<char> = quote.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if *c == '@' {
                assert_eq!(chars.get(i + 1), Some(&ZERO_WIDTH_SPACE), "{quote:?}");
            }
        }
        for line in quote.lines() {
            let body = line
                .strip_prefix("> ")
                .unwrap_or_else(|| panic!("a line outside the quote: {line:?}"));
            // Every markdown character is escaped: after removing escaped pairs, none is left.
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    let next = chars.next();
                    assert!(
                        next.is_some_and(|n| MARKDOWN.contains(&n)),
                        "a stray backslash in {line:?}"
                    );
                } else {
                    assert!(!MARKDOWN.contains(&c), "{c:?} unescaped in {line:?}");
                }
            }
        }
        assert!(
            !quote.chars().any(|c| invisible(c) && c != '\n'),
            "an invisible character in {quote:?}"
        );
        assert!(quote.chars().count() <= MAX_QUOTE_CHARS, "{quote:?}");
    }

    #[test]
    fn plain_words_are_kept_as_written() {
        assert_eq!(
            block_quote("Threads share their process's memory"),
            "> Threads share their process's memory"
        );
        assert_eq!(
            block_quote("  two\n\n\n lines  "),
            "> two\n> lines",
            "blank lines and outer spaces go"
        );
        assert_eq!(block_quote("  \n\t "), "");
    }

    #[test]
    fn mentions_never_survive() {
        let hostile = "@everyone @here <@123> <@!456> <@&789> <#42> </quiz:1> <t:1:R> <:pog:1> <a:x:2> @@everyone";
        let q = block_quote(hostile);
        assert_harmless(&q);
        assert!(
            q.contains("@\u{200B}everyone") && q.contains("\\<@\u{200B}123\\>"),
            "{q}"
        );
    }

    #[test]
    fn markdown_cannot_break_out_of_the_quote() {
        for hostile in [
            "```\ncode fence\n```\nafter",
            "> nested quote\n>>> everything below",
            "# Heading\n## smaller\n-# subtext",
            "[click me](https://evil.example/x) and <https://evil.example>",
            "https://evil.example/autolink",
            "||spoiler|| **bold** __under__ ~~strike~~ *it* `tick`",
            "1. ordered\n- bullet\n+ plus\n* star",
            "\\\\ backslashes \\` escaped fence \\\\```",
            "end with a backslash \\",
        ] {
            let q = block_quote(hostile);
            assert_harmless(&q);
            assert!(
                !q.contains("```") && !q.contains("](") && !q.contains("https:"),
                "{q}"
            );
            assert!(q.lines().all(|l| l.starts_with("> ")), "{q}");
        }
    }

    #[test]
    fn invisible_and_reordering_characters_are_dropped() {
        let q = block_quote(
            "safe\u{202E}txet\u{2066} \u{0007}bell\u{0000}\u{FEFF}\r\nnext\u{2028}line\rthird",
        );
        assert_eq!(q, "> safetxet bell\n> next\n> line\n> third");
        assert_harmless(&q);
    }

    #[test]
    fn long_answers_are_clipped_with_a_mark() {
        let q = block_quote(&"word ".repeat(1000));
        assert!(q.ends_with('…'), "{q}");
        assert_eq!(q.lines().count(), 1);
        assert_eq!(q.chars().count(), 2 + MAX_CHARS + 1);

        let many = (1..=20)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let q = block_quote(&many);
        assert_eq!(q.lines().count(), MAX_LINES);
        assert!(q.ends_with("line 8…"), "{q}");

        // The worst case: every character escaped, on as many lines as allowed.
        let worst = vec!["*".repeat(MAX_CHARS / MAX_LINES + 5); MAX_LINES + 2].join("\n");
        let q = block_quote(&worst);
        assert_harmless(&q);
        let zalgo = "é\u{0301}\u{0302}\u{0303}".repeat(500);
        assert_harmless(&block_quote(&zalgo));
        let mentions = "@".repeat(5000);
        assert_harmless(&block_quote(&mentions));
    }

    #[test]
    fn an_answer_of_exactly_the_limit_is_not_marked() {
        let q = block_quote(&"x".repeat(MAX_CHARS));
        assert!(!q.ends_with('…'));
        let lines = (1..=MAX_LINES)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!block_quote(&lines).contains('…'));
    }
}
