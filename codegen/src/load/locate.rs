//! Maps YAML paths (`fields[12].enum`) to where their nodes start in the text.
//!
//! serde_yaml deserializes but keeps no positions, so a second, event-level pass over the same
//! text records where every node begins. A path the index does not know (for example inside
//! an alias) falls back to its nearest known ancestor.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::Location;

/// How deep a schema document may nest. Real ones need a handful of levels; libyaml's scanner
/// takes time quadratic in the depth of flow collections, so a deeper document is refused
/// before serde_yaml sees it.
pub const MAX_DEPTH: usize = 64;

/// How deep brackets may nest, counted as characters wherever they are. This catches deep
/// flow collections where the event pass cannot see them (after a syntax error yaml-rust2
/// stops at, or in a second document); quoted brackets count too, so it is set far above
/// anything a schema needs.
const MAX_BRACKETS: usize = 256;

/// The characters YAML breaks lines at (`\r\n` is one break).
pub const LINE_BREAKS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// Start positions of the nodes of one YAML document, by path.
#[derive(Debug)]
pub struct PathIndex {
    starts: HashMap<String, Location>,
    /// Where a path starts the second time: a key written twice in one mapping.
    repeats: HashMap<String, Location>,
    /// Where the document first nests deeper than `MAX_DEPTH`.
    pub too_deep: Option<Location>,
    /// Just past the last character: no place is later (yaml-rust2 puts an empty value at
    /// the end of a file on the line after it).
    pub end: Location,
}

impl PathIndex {
    /// Indexes `text`; on a syntax error the index holds what came before it.
    pub fn build(text: &str) -> Self {
        let mut builder = Builder::default();
        // A syntax error is reported by serde_yaml, with its own location; but yaml-rust2 stops
        // at 255 levels of flow collections, before it has sent their events.
        if let Err(e) = Parser::new_from_str(text).load(&mut builder, false)
            && e.info() == "recursion limit exceeded"
        {
            builder.too_deep.get_or_insert(location(*e.marker()));
        }
        let too_deep = builder.too_deep.or_else(|| deep_brackets(text));
        PathIndex { starts: builder.starts, repeats: builder.repeats, too_deep, end: end_of(text) }
    }

    /// Where the node at `path` starts, or its nearest ancestor that the index knows.
    /// The whole document (the empty path) is at its first line and column.
    pub fn locate(&self, path: &str) -> Location {
        let mut path = path;
        while !path.is_empty() {
            if let Some(at) = self.starts.get(path) {
                return (*at).min(self.end);
            }
            path = parent(path);
        }
        Location { line: 1, column: 1 }
    }

    /// Where the node at `path` starts for the second time, when its key is repeated.
    pub fn repeat(&self, path: &str) -> Option<Location> {
        self.repeats.get(path).map(|at| (*at).min(self.end))
    }
}

/// Where brackets first nest deeper than [`MAX_BRACKETS`], counting every bracket character.
fn deep_brackets(text: &str) -> Option<Location> {
    let (mut depth, mut line, mut column) = (0usize, 1, 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_BRACKETS {
            return Some(Location { line, column });
        }
        if LINE_BREAKS.contains(&c) && !(c == '\r' && chars.peek() == Some(&'\n')) {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    None
}

/// The place just past the end of `text`, with lines broken where YAML breaks them.
pub(crate) fn end_of(text: &str) -> Location {
    let text = text.replace("\r\n", "\n");
    let line_start = text.rfind(LINE_BREAKS).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    Location { line: text.matches(LINE_BREAKS).count() + 1, column: text[line_start..].chars().count() + 1 }
}

/// yaml-rust2 counts lines from 1 and columns from 0.
fn location(mark: Marker) -> Location {
    Location { line: mark.line(), column: mark.col() + 1 }
}

/// `a.b[3].c` → `a.b[3]` → `a.b` → `a` → ``.
fn parent(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    }
}

enum Frame {
    /// `fresh` until its first key: the parser marks a block mapping at its first `:`, and
    /// the first key moves the start back to where the mapping is written.
    Map {
        path: String,
        key: Option<String>,
        is_key: bool,
        fresh: bool,
    },
    Seq {
        path: String,
        next: usize,
        is_key: bool,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    starts: HashMap<String, Location>,
    repeats: HashMap<String, Location>,
    too_deep: Option<Location>,
}

impl Builder {
    /// The path of the node that starts now, or `None` when it is a mapping key.
    fn next_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Map { path, key, .. }) => {
                let key = key.take().unwrap_or_default();
                Some(if path.is_empty() { key } else { format!("{path}.{key}") })
            }
            Some(Frame::Seq { path, next, .. }) => {
                *next += 1;
                Some(format!("{path}[{}]", *next - 1))
            }
        }
    }

    fn record(&mut self, path: &str, mark: Marker) {
        let at = location(mark);
        if self.starts.contains_key(path) {
            self.repeats.entry(path.to_owned()).or_insert(at);
        } else {
            self.starts.insert(path.to_owned(), at);
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, ..) => match self.next_path() {
                Some(path) => self.record(&path, mark),
                None => {
                    if let Some(Frame::Map { path, key, fresh, .. }) = self.stack.last_mut() {
                        *key = Some(value);
                        if std::mem::take(fresh) {
                            let at = location(mark);
                            for start in [self.starts.get_mut(path.as_str()), self.repeats.get_mut(path.as_str())] {
                                if let Some(start) = start.filter(|start| at < **start) {
                                    *start = at;
                                }
                            }
                        }
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.next_path() {
                    self.record(&path, mark);
                } else if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                    *key = Some("*".into());
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A complex key (a mapping or sequence used as a key) gets a placeholder path.
                let (mut path, is_key) = match self.next_path() {
                    Some(path) => (path, false),
                    None => ("?".into(), true),
                };
                if self.stack.len() >= MAX_DEPTH {
                    // Past the limit, paths are not worth their quadratic length.
                    self.too_deep.get_or_insert(location(mark));
                    path.clear();
                } else {
                    self.record(&path, mark);
                }
                self.stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map { path, key: None, is_key, fresh: true }
                } else {
                    Frame::Seq { path, next: 0, is_key }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let was_key =
                    matches!(self.stack.pop(), Some(Frame::Map { is_key: true, .. } | Frame::Seq { is_key: true, .. }));
                if was_key && let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                    *key = Some("?".into());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "method: get.x\nfields:\n  - name: id\n    type: integer\n  - {name: b, type: enum}\n";

    #[test]
    fn locates_nested_nodes() {
        let index = PathIndex::build(DOC);
        let at = |p: &str| {
            let l = index.locate(p);
            Some((l.line, l.column))
        };
        assert_eq!(at("method"), Some((1, 9)));
        assert_eq!(at("fields[0].type"), Some((4, 11)));
        assert_eq!(at("fields[0]"), Some((3, 5)));
        assert_eq!(at("fields[1]"), Some((5, 5)));
        assert_eq!(at("fields[1].type"), Some((5, 21)));
        // Unknown paths fall back to the nearest known ancestor.
        assert_eq!(at("fields[1].enum"), Some((5, 5)));
        assert_eq!(at("nothing"), Some((1, 1)));
    }

    #[test]
    fn marks_where_a_document_nests_too_deep() {
        let nested = |n: usize| format!("a:\n  b: {}{}", "[".repeat(n), "]".repeat(n));
        // The document and `a` are two levels, and each `[` one more: the 63rd `[` is one too many.
        assert_eq!(PathIndex::build(&nested(MAX_DEPTH * 2)).too_deep.map(|l| (l.line, l.column)), Some((2, 6 + 62)));
        // yaml-rust2 gives up at 255 flow levels, and says where.
        assert!(PathIndex::build(&nested(100_000)).too_deep.is_some());
        assert_eq!(PathIndex::build(&nested(MAX_DEPTH - 2)).too_deep, None);
        // Where the event pass stops early (a tab yaml-rust2 rejects and libyaml takes, or a
        // second document), the brackets are counted as characters.
        for head in ["x:\t1\n", "a: 1\n---\n"] {
            let text = format!("{head}{}", nested(100_000));
            let at = PathIndex::build(&text).too_deep.expect("too deep");
            assert_eq!((at.line, at.column), (head.matches('\n').count() + 2, 6 + MAX_BRACKETS));
        }
        assert_eq!(PathIndex::build(DOC).too_deep, None);
    }

    #[test]
    fn an_empty_value_at_the_end_is_inside_the_file() {
        let index = PathIndex::build("method: x\nfields:");
        assert_eq!(index.locate("fields"), Location { line: 2, column: 8 });
    }

    #[test]
    fn broken_text_still_indexes_what_came_first() {
        let index = PathIndex::build("method: x\nfields: [\n");
        assert_eq!(index.locate("method").line, 1);
    }
}
