//! Byte offsets to line numbers, so every bank error can name its `file:line`.
//!
//! The newlines of a file are found once, in one pass; each lookup is then a binary search. The
//! loader locates every question and every example, so counting newlines from the start for each
//! one made a big file quadratic (20,000 questions in one file took 15.8 s to load).

/// The line starts of one text.
pub struct Lines {
    /// Byte offsets of every `\n`, in order.
    newlines: Vec<usize>,
}

impl Lines {
    pub fn new(src: &str) -> Lines {
        Lines {
            newlines: src
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The line (1-based) of a byte offset; an offset past the end is on the last line.
    pub fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition: one more than the newlines before the offset.
    fn counted(src: &str, offset: usize) -> usize {
        src.as_bytes()[..offset.min(src.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    #[test]
    fn every_offset_gets_the_line_counting_gives() {
        for src in [
            "",
            "no newline",
            "\n",
            "\n\n\n",
            "a\nb\n",
            "topic = \"x\"\r\n\r\n[[question]]\r\nid = \"é-ü\"\n\nlast",
        ] {
            let lines = Lines::new(src);
            for offset in 0..=src.len() + 2 {
                assert_eq!(
                    lines.line_of(offset),
                    counted(src, offset),
                    "offset {offset} of {src:?}"
                );
            }
        }
    }

    #[test]
    fn a_newline_belongs_to_the_line_it_ends() {
        let lines = Lines::new("ab\ncd\n");
        assert_eq!(lines.line_of(2), 1, "the first `\\n` ends line 1");
        assert_eq!(lines.line_of(3), 2, "`c` starts line 2");
        assert_eq!(lines.line_of(6), 3, "the end of a file that ends in `\\n`");
    }
}
