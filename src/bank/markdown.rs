//! Code blocks in bank texts: Discord markdown's fenced blocks (```lang ... ```), found, checked
//! and kept whole when a text must be cut.
//!
//! A prompt or explanation may show code. A fence left open turns everything after it, in the
//! same embed, into code (the closing time of the daily post too), and a text clipped in the middle
//! of a block leaves exactly such an open fence; so the loader refuses an open fence, and [`clip`]
//! never cuts a block open.

use std::ops::Range;

/// A code fence.
pub const FENCE: &str = "```";

/// A fence that opens a code block and is never closed, as a byte offset into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFence(pub usize);

impl OpenFence {
    /// The line (1-based) of the text the fence is on.
    pub fn line(self, text: &str) -> usize {
        text[..self.0].matches('\n').count() + 1
    }
}

/// The code blocks of a text, each from its opening fence to the end of its closing one (byte
/// ranges), or the fence that is never closed.
pub fn code_blocks(text: &str) -> Result<Vec<Range<usize>>, OpenFence> {
    let mut blocks = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find(FENCE).map(|i| at + i) {
        let body = open + FENCE.len();
        let Some(close) = text[body..].find(FENCE).map(|i| body + i) else {
            return Err(OpenFence(open));
        };
        let end = close + FENCE.len();
        blocks.push(open..end);
        at = end;
    }
    Ok(blocks)
}

/// Cuts a text to at most `max` characters (as Discord counts them), marking the cut with `…`,
/// and never leaves a code block open: a cut inside a block keeps the block's whole lines that fit
/// and closes it (`…` as its last line), or, when none fits, falls before the block.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let byte_at = |chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i)
    };
    let plain = |chars: usize| format!("{}…", &text[..byte_at(chars)]);
    let budget = max.saturating_sub(1);
    let cut = byte_at(budget);
    let blocks = code_blocks(text).unwrap_or_default();
    let Some(block) = blocks.iter().find(|b| b.start < cut && cut < b.end) else {
        return plain(budget);
    };
    // Inside a block: whole lines of code, then the mark and the closing fence.
    const CLOSE: &str = "\n…\n```";
    let room = max.saturating_sub(CLOSE.chars().count());
    let room_cut = byte_at(room);
    let body_start = text[block.start..]
        .find('\n')
        .map_or(block.end, |i| block.start + i + 1);
    // A line that ends exactly at the room still fits: its newline is where the mark goes.
    let room_cut = room_cut + usize::from(text.as_bytes().get(room_cut) == Some(&b'\n'));
    if let Some(line_end) = text[..room_cut].rfind('\n') {
        if line_end >= body_start {
            return format!("{}{CLOSE}", &text[..line_end]);
        }
    }
    // No line of the block fits: cut before it.
    let before = text[..block.start].trim_end();
    if before.is_empty() {
        // Only code, and too little room for a line of it: the fence and the mark alone.
        let empty = format!("{}\n…\n```", &text[..body_start].trim_end_matches('\n'));
        return if empty.chars().count() <= max {
            empty
        } else {
            "…".chars().take(max).collect()
        };
    }
    format!("{before}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Read this:\n\n```rust\nfn main() {\n    let x = 1;\n    println!(\"{x}\");\n}\n```\nWhat does it print?";

    #[test]
    fn blocks_are_found_and_an_open_fence_is_located() {
        let blocks = code_blocks(TEXT).unwrap();
        assert_eq!(blocks.len(), 1);
        assert!(TEXT[blocks[0].clone()].starts_with("```rust\n"));
        assert!(TEXT[blocks[0].clone()].ends_with("}\n```"));
        assert!(code_blocks("no code").unwrap().is_empty());
        assert!(code_blocks("`inline` and ``double``").unwrap().is_empty());
        let open = "one\ntwo ```py\nx = 1\n";
        let fence = code_blocks(open).unwrap_err();
        assert_eq!(fence.line(open), 2);
        assert_eq!(code_blocks("```a``` then ```b").unwrap_err(), OpenFence(13));
    }

    #[test]
    fn a_text_that_fits_is_untouched() {
        let n = TEXT.chars().count();
        assert_eq!(clip(TEXT, n), TEXT);
        assert_eq!(clip(TEXT, n + 10), TEXT);
    }

    #[test]
    fn every_cut_fits_and_leaves_no_block_open() {
        let texts = [
            TEXT.to_string(),
            format!("{TEXT}\n\n```\nsecond block\nwith two lines\n```\nend"),
            "```c\nint x;\nint y;\n```".to_string(),
            "é ```\nü ü ü\n```".to_string(),
        ];
        for text in &texts {
            for max in 1..text.chars().count() {
                let out = clip(text, max);
                assert!(out.chars().count() <= max, "{max}: {out:?}");
                assert!(
                    out.ends_with('…') || out.ends_with("…\n```"),
                    "{max}: {out:?}"
                );
                assert!(
                    code_blocks(&out).is_ok(),
                    "{max} leaves a block open: {out:?}"
                );
            }
        }
    }

    #[test]
    fn a_cut_inside_a_block_keeps_whole_lines_and_closes_it() {
        // Room for the text before the block and two lines of code.
        let upto = TEXT.find("    let x").unwrap() + "    let x = 1;".len();
        let max = TEXT[..upto].chars().count() + "\n…\n```".chars().count();
        assert_eq!(
            clip(TEXT, max),
            "Read this:\n\n```rust\nfn main() {\n    let x = 1;\n…\n```"
        );
        // Too little room for a line of code: the cut falls before the block.
        assert_eq!(clip(TEXT, 22), "Read this:…");
    }
}
