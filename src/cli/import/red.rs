//! Reading a Red-DiscordBot trivia list: a YAML mapping of `question: [answers]`, beside the keys
//! that are not questions (`AUTHOR`, `DESCRIPTION`, `CONFIG`, `$schema`).
//!
//! The YAML is read as parser events (yaml-rust2), so every entry keeps its line for the report.
//! Scalars are taken as written: Red's YAML 1.1 loader turns an answer `No` into `False`, here it
//! stays `No`, which is what a member would type.

use super::{Entry, Parsed, Skipped};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML node with the line it starts on.
#[derive(Debug)]
enum Node {
    Scalar {
        text: String,
        null: bool,
        line: usize,
    },
    Seq {
        items: Vec<Node>,
        line: usize,
    },
    Map {
        pairs: Vec<(Node, Node)>,
        line: usize,
    },
    Alias {
        line: usize,
    },
}

impl Node {
    fn line(&self) -> usize {
        match self {
            Node::Scalar { line, .. }
            | Node::Seq { line, .. }
            | Node::Map { line, .. }
            | Node::Alias { line } => *line,
        }
    }
}

/// Builds the document's tree from the parser's events.
#[derive(Default)]
struct Builder {
    /// Open sequences and mappings (a mapping's keys and values alternate), with their lines.
    stack: Vec<(bool, Vec<Node>, usize)>,
    root: Option<Node>,
}

impl Builder {
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some((_, items, _)) => items.push(node),
            None => {
                self.root.get_or_insert(node);
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, style, _, _) => {
                let null = style == TScalarStyle::Plain
                    && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL");
                self.push(Node::Scalar {
                    text,
                    null,
                    line: mark.line(),
                });
            }
            Event::SequenceStart(..) => self.stack.push((false, Vec::new(), mark.line())),
            Event::MappingStart(..) => self.stack.push((true, Vec::new(), mark.line())),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((is_map, items, line)) = self.stack.pop() else {
                    return;
                };
                let node = if is_map {
                    let mut pairs = Vec::new();
                    let mut it = items.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        pairs.push((k, v));
                    }
                    Node::Map { pairs, line }
                } else {
                    Node::Seq { items, line }
                };
                self.push(node);
            }
            Event::Alias(_) => self.push(Node::Alias { line: mark.line() }),
            _ => {}
        }
    }
}

/// Keys of a trivia list that are not questions.
const NOT_QUESTIONS: [&str; 4] = ["AUTHOR", "DESCRIPTION", "CONFIG", "$schema"];

/// The list's questions, what was left out and why, and its author and description.
pub fn parse(src: &str) -> Result<Parsed, String> {
    let mut builder = Builder::default();
    Parser::new_from_str(src)
        .load(&mut builder, false)
        .map_err(|e| {
            format!(
                "line {}: this is not valid YAML ({}); Red's own loader would refuse it too",
                e.marker().line(),
                e.info()
            )
        })?;
    let Some(Node::Map { pairs, .. }) = builder.root else {
        return Err("this is not a Red trivia list: it must be a YAML mapping of `question: [answers]` lines".into());
    };
    let mut parsed = Parsed::default();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (key, value) in pairs {
        let Node::Scalar { text, line, .. } = key else {
            parsed.skipped.push(Skipped {
                line: key.line(),
                why: "the question is not a text (a list, mapping or alias as a key)".into(),
            });
            continue;
        };
        if NOT_QUESTIONS.contains(&text.as_str()) {
            if let Node::Scalar { text: v, .. } = value {
                match text.as_str() {
                    "AUTHOR" => parsed.author = Some(v),
                    "DESCRIPTION" => parsed.description = Some(v),
                    _ => {}
                }
            }
            continue;
        }
        let prompt = text.trim().to_string();
        if prompt.is_empty() {
            parsed.skipped.push(Skipped {
                line,
                why: "the question is empty".into(),
            });
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(p, _)| *p == prompt) {
            parsed.skipped.push(Skipped {
                line,
                why: format!("repeats the question at line {first} (Red keeps only the last)"),
            });
            continue;
        }
        seen.push((prompt.clone(), line));
        match answers(value) {
            Ok(answers) => parsed.entries.push(Entry {
                line,
                prompt,
                answers,
                ..Entry::default()
            }),
            Err(why) => parsed.skipped.push(Skipped { line, why }),
        }
    }
    Ok(parsed)
}

/// A question's answers: a list of texts (one text alone is taken as a list of one).
fn answers(value: Node) -> Result<Vec<String>, String> {
    let items = match value {
        Node::Seq { items, .. } => items,
        Node::Scalar { null: true, .. } => return Err("has no answers".into()),
        scalar @ Node::Scalar { .. } => vec![scalar],
        Node::Map { .. } => {
            return Err(
                "its answers are a mapping, not a list: write them as `- answer` lines".into(),
            )
        }
        Node::Alias { .. } => {
            return Err("its answers are a YAML alias (*name): write them out".into());
        }
    };
    let mut out: Vec<String> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Node::Scalar { null: true, .. } => {}
            Node::Scalar { text, .. } => {
                let text = text.trim().to_string();
                if !text.is_empty() && !out.contains(&text) {
                    out.push(text);
                }
            }
            _ => {
                return Err(format!(
                    "answer {} is not a text (a nested list, mapping or alias)",
                    i + 1
                ))
            }
        }
    }
    if out.is_empty() {
        return Err("has no answers".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_keep_their_lines_and_the_other_keys_are_not_questions() {
        let src = "AUTHOR: Ann\nDESCRIPTION: Tests\nCONFIG:\n  max_score: 5\n$schema: x\nWhat is 2+2?:\n- 4\n- four\n\"Is it: quoted?\":\n  - yes\n  - 'No'\n";
        let p = parse(src).unwrap();
        assert_eq!(p.author.as_deref(), Some("Ann"));
        assert_eq!(p.description.as_deref(), Some("Tests"));
        let got: Vec<(usize, &str, Vec<&str>)> = p
            .entries
            .iter()
            .map(|e| {
                (
                    e.line,
                    e.prompt.as_str(),
                    e.answers.iter().map(|a| a.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (6, "What is 2+2?", vec!["4", "four"]),
                (9, "Is it: quoted?", vec!["yes", "No"]),
            ]
        );
        assert!(p.skipped.is_empty());
    }

    #[test]
    fn what_cannot_be_read_is_skipped_with_its_line_and_why() {
        let src = "No answers?:\nEmpty list?: []\nA map?:\n  a: b\nNested?:\n- [x, y]\nWhat is 2+2?:\n- 4\nWhat is 2+2?:\n- four\n";
        let p = parse(src).unwrap();
        let skipped: Vec<(usize, &str)> =
            p.skipped.iter().map(|s| (s.line, s.why.as_str())).collect();
        assert_eq!(skipped[0], (1, "has no answers"));
        assert_eq!(skipped[1], (2, "has no answers"));
        assert_eq!(skipped[2].0, 3);
        assert!(skipped[2].1.contains("mapping"));
        assert_eq!(skipped[3].0, 5);
        assert!(skipped[3].1.starts_with("answer 1 is not a text"));
        assert_eq!(skipped[4].0, 9);
        assert!(skipped[4].1.contains("repeats the question at line 7"));
        assert_eq!(p.entries.len(), 1);
    }

    #[test]
    fn a_document_that_is_not_a_list_is_refused() {
        assert!(parse("- a\n- b\n")
            .unwrap_err()
            .contains("not a Red trivia list"));
        assert!(parse("a: [b\n").unwrap_err().contains("not valid YAML"));
    }
}
