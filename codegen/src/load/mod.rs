//! Reading schema files: find them, parse each with serde_yaml, and index node positions.
//!
//! A file that does not parse gives one located diagnostic and is left out; the other files
//! are still read, so one run reports the problems of every file.

mod locate;

use std::fs;
use std::path::Path;

use serde::de::DeserializeOwned;

pub use locate::{LINE_BREAKS, PathIndex};

use crate::diagnostic::{Diagnostic, Location};
use crate::schema::{EnumsFile, ErrorsFile, EventFamilyFile, MethodFile, OperatorsFile};

/// What a schema file describes, decided by its place in the schema folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `enums.yaml`
    Enums,
    /// `operators.yaml`
    Operators,
    /// `errors.yaml`
    Errors,
    /// `methods/*.yaml`
    Method,
    /// `events/*.yaml`
    Events,
}

impl FileKind {
    /// The kind of the file at `relative` (a path inside the schema folder, `/`-separated).
    pub fn of(relative: &str) -> Option<FileKind> {
        match relative.split_once('/') {
            None => match yaml(relative)? {
                "enums" => Some(FileKind::Enums),
                "operators" => Some(FileKind::Operators),
                "errors" => Some(FileKind::Errors),
                _ => None,
            },
            Some(("methods", name)) if !name.contains('/') => yaml(name).map(|_| FileKind::Method),
            Some(("events", name)) if !name.contains('/') => yaml(name).map(|_| FileKind::Events),
            _ => None,
        }
    }
}

/// One schema file's text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    /// The name diagnostics show (`schema/methods/get.calls_report.yaml`).
    pub name: String,
    /// What it describes.
    pub kind: FileKind,
    /// The YAML text.
    pub text: String,
}

impl Source {
    /// A file read as bytes: text that is not UTF-8 gives a diagnostic at the first bad byte.
    pub fn from_bytes(name: impl Into<String>, kind: FileKind, bytes: Vec<u8>) -> Result<Source, Diagnostic> {
        let name = name.into();
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source { name, kind, text }),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let before = String::from_utf8_lossy(&e.as_bytes()[..valid]);
                Err(Diagnostic {
                    location: Some(locate::end_of(&before)),
                    help: Some("save the file as UTF-8".into()),
                    ..file_error(&name, format!("not valid UTF-8 (byte {valid})"))
                })
            }
        }
    }
}

/// A parsed file with what is needed to locate its nodes.
#[derive(Debug)]
pub struct Parsed<T> {
    /// The file's name.
    pub file: String,
    /// The document.
    pub doc: T,
    /// Node positions.
    pub index: PathIndex,
}

/// Every file of a schema, parsed.
#[derive(Debug, Default)]
pub struct RawSchema {
    /// Shared enum files.
    pub enums: Vec<Parsed<EnumsFile>>,
    /// Operator tables.
    pub operators: Vec<Parsed<OperatorsFile>>,
    /// Error tables.
    pub errors: Vec<Parsed<ErrorsFile>>,
    /// Methods.
    pub methods: Vec<Parsed<MethodFile>>,
    /// Event families.
    pub events: Vec<Parsed<EventFamilyFile>>,
}

/// Reads every schema file under `root`, in path order. Files that are not YAML (such as
/// `README.md`) are skipped; YAML files in a place the language does not know are errors.
/// `root`'s display form prefixes every file name. Returns the files that could be read and
/// a diagnostic for each that could not.
pub fn read_dir(root: &Path) -> (Vec<Source>, Vec<Diagnostic>) {
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                diags.push(file_error(&dir.display().to_string(), format!("cannot read the folder: {e}")));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = relative_name(root, &path);
            let name = path.display().to_string();
            let is_yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
            if !is_yaml {
                continue;
            }
            let Some(kind) = FileKind::of(&relative) else {
                diags.push(Diagnostic {
                    help: Some(
                        "schema files are `enums.yaml`, `operators.yaml`, `errors.yaml`, `methods/<method>.yaml` \
                         and `events/<family>.yaml`"
                            .into(),
                    ),
                    ..file_error(&name, "not a place for a schema file".into())
                });
                continue;
            };
            match read_text(&path, kind) {
                Ok(source) => sources.push(source),
                Err(d) => diags.push(d),
            }
        }
    }
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    (sources, diags)
}

/// Reads one schema file given by its path; its kind comes from its folder and name
/// (`…/methods/get.widgets.yaml`, `…/enums.yaml`), as inside a schema folder.
pub fn read_file(path: &Path) -> Result<Source, Diagnostic> {
    let name = path.display().to_string();
    let parts: Vec<String> =
        path.components().rev().take(2).map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let two = parts.iter().rev().cloned().collect::<Vec<_>>().join("/");
    let kind = FileKind::of(&two).or_else(|| FileKind::of(&parts[0])).ok_or_else(|| Diagnostic {
        help: Some(
            "name it `enums.yaml`, `operators.yaml` or `errors.yaml`, or put it in a `methods/` or `events/` folder"
                .into(),
        ),
        ..file_error(&name, "not a place for a schema file".into())
    })?;
    read_text(path, kind)
}

fn read_text(path: &Path, kind: FileKind) -> Result<Source, Diagnostic> {
    let name = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| file_error(&name, format!("cannot read the file: {e}")))?;
    Source::from_bytes(name, kind, bytes)
}

fn relative_name(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn file_error(file: &str, message: String) -> Diagnostic {
    Diagnostic { file: file.to_owned(), location: None, path: String::new(), message, help: None }
}

/// Parses every source; returns what parsed and a diagnostic for each file that did not.
pub fn parse(sources: &[Source]) -> (RawSchema, Vec<Diagnostic>) {
    let mut raw = RawSchema::default();
    let mut diags = Vec::new();
    for source in sources {
        match source.kind {
            FileKind::Enums => raw.enums.extend(parse_one(source, &mut diags)),
            FileKind::Operators => raw.operators.extend(parse_one(source, &mut diags)),
            FileKind::Errors => raw.errors.extend(parse_one(source, &mut diags)),
            FileKind::Method => raw.methods.extend(parse_one(source, &mut diags)),
            FileKind::Events => raw.events.extend(parse_one(source, &mut diags)),
        }
    }
    (raw, diags)
}

/// Parses one file, adding its problems to `diags`. serde stops at the first unknown key; the
/// file is then read again without each unknown key in turn, so that one run reports every
/// one, and the file, once it parses, goes on to be checked like the others.
fn parse_one<T: DeserializeOwned>(source: &Source, diags: &mut Vec<Diagnostic>) -> Option<Parsed<T>> {
    let index = PathIndex::build(&source.text);
    let doc = match parse_strict(source, &index) {
        Ok(doc) => doc,
        Err(first) => {
            let unknown = quoted_after(&first.message, "unknown field ").map(|key| (first.path.clone(), key.to_owned()));
            diags.push(first);
            read_past_unknown_keys(source, &index, unknown?, diags)?
        }
    };
    Some(Parsed { file: source.name.clone(), doc, index })
}

/// At most this many unknown keys are read past in one file; a file with more is likely not a
/// schema file at all, and its first problems say enough.
const MAX_UNKNOWN_KEYS: usize = 50;

/// Reads the file as YAML values, removes the unknown key `first` (already reported) and every
/// further one serde finds, reporting each, until the document parses or another problem stops
/// it (reported too, at the path where it was found).
fn read_past_unknown_keys<T: DeserializeOwned>(
    source: &Source,
    index: &PathIndex,
    first: (String, String),
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let mut value: serde_yaml::Value = serde_yaml::from_str(&source.text).ok()?;
    let (mut path, mut key) = first;
    for _ in 0..MAX_UNKNOWN_KEYS {
        remove_key(&mut value, &path, &key)?;
        let e = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(doc) => return Some(doc),
            Err(e) => e,
        };
        path = e.path().to_string();
        if path == "." {
            path.clear();
        }
        let message = e.inner().to_string();
        let mut d = Diagnostic {
            file: source.name.clone(),
            location: Some(index.locate(&path)),
            path: path.clone(),
            message: plain_types(&message),
            help: None,
        };
        let Some(unknown) = quoted_after(&message, "unknown field ") else {
            diags.push(d);
            return None;
        };
        key = unknown.to_owned();
        // serde_path_to_error ends the path with the key itself; serde_yaml names the mapping.
        let at = path.clone();
        path = path.strip_suffix(&key).map_or(path.as_str(), |p| p.strip_suffix('.').unwrap_or(p)).to_owned();
        d.location = Some(index.locate(&at));
        d.path = path.clone();
        with_key_help(&mut d, &key, &message);
        diags.push(d);
    }
    None
}

/// Removes `key` from the mapping at `path` (`fields[2]`, `limits.limit`, or empty for the
/// document); `None` when there is no such mapping.
fn remove_key(value: &mut serde_yaml::Value, path: &str, key: &str) -> Option<()> {
    let mut node = value;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, indexes) = part.split_once('[').map_or((part, ""), |(n, rest)| (n, rest));
        if !name.is_empty() {
            node = node.get_mut(name)?;
        }
        for i in indexes.split('[').filter(|i| !i.is_empty()) {
            node = node.get_mut(i.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    node.as_mapping_mut()?.remove(key).map(drop)
}

/// Parses one file strictly; on failure, its first problem.
fn parse_strict<T: DeserializeOwned>(source: &Source, index: &PathIndex) -> Result<T, Diagnostic> {
    if let Some(at) = index.too_deep {
        return Err(Diagnostic {
            file: source.name.clone(),
            location: Some(at),
            path: String::new(),
            message: format!("the document nests too deep here (a schema file may nest {} levels)", locate::MAX_DEPTH),
            help: Some("a schema file needs a few levels; look for brackets that are not closed".into()),
        });
    }
    match serde_yaml::from_str::<T>(&source.text) {
        Ok(doc) => Ok(doc),
        // serde_yaml reads an empty file as a mapping without keys: "missing field `method`".
        Err(_) if is_blank(&source.text) => Err(Diagnostic {
            file: source.name.clone(),
            location: Some(Location { line: 1, column: 1 }),
            path: String::new(),
            message: "the file is empty; a schema file is a YAML mapping".into(),
            help: Some("fill the file in, or delete it".into()),
        }),
        Err(e) => Err(yaml_error(&source.name, &source.text, &e, index)),
    }
}

/// Whether `text` holds nothing but blank lines, comments and document markers.
fn is_blank(text: &str) -> bool {
    text.lines().map(str::trim).all(|l| l.is_empty() || l.starts_with('#') || l == "---" || l == "...")
}

/// serde_yaml says `path: message at line L column C`; split that into a diagnostic, with the
/// words of a Rust type (`expected struct Text`, `expected u32`) put in the schema's terms.
fn yaml_error(file: &str, text: &str, e: &serde_yaml::Error, index: &PathIndex) -> Diagnostic {
    let location = e.location().map(|l| Location { line: l.line(), column: l.column() });
    let mut full = e.to_string();
    if let Some(l) = location {
        full = full.replacen(&format!(" at line {} column {}", l.line, l.column), "", 1);
    }
    // libyaml puts an error at the end of a file without a final line break on the line after
    // it, which no editor can show: it is the end of the last line.
    let location = location.map(|l| l.min(index.end));
    // What is left is where libyaml began the construct it could not finish.
    let full = full.replace(" at line ", " that starts at line ");
    let (path, message) = split_path(&full);
    let mut d = Diagnostic {
        file: file.to_owned(),
        location: Some(location.unwrap_or_else(|| index.locate(path))),
        path: path.to_owned(),
        message: plain_types(message),
        help: None,
    };
    if let Some(key) = quoted_after(message, "unknown field ") {
        with_key_help(&mut d, key, message);
    } else if let Some(key) = quoted_after(message, "duplicate field ") {
        // serde_yaml points at the mapping; point at the second key instead.
        let key_path = if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
        if let Some(again) = index.repeat(&key_path) {
            d.message = format!("duplicate field `{key}` (first at line {})", index.locate(&key_path).line);
            d.location = Some(again);
            d.path = key_path;
            d.help = Some("a key may appear only once in a mapping".into());
        }
    } else if message.starts_with("found character that cannot start any token")
        && let Some(l) = location
        && text.lines().nth(l.line - 1).and_then(|line| line.chars().nth(l.column - 1)) == Some('\t')
    {
        d.help = Some("YAML does not allow tabs for indentation; indent with spaces".into());
    } else if message.contains("expected a sequence") {
        d.help = Some("write a list: `[a, b]`, or one `- item` a line".into());
    }
    d
}

/// serde's `unknown field `colr`, expected one of `a`, `b`, …` → `unknown field `colr`` and
/// "did you mean" the closest expected key, when one is close.
fn with_key_help(d: &mut Diagnostic, key: &str, message: &str) {
    let expected = message.split_once(", expected ").map_or("", |(_, rest)| rest);
    let keys: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if let Some(key_like) = crate::check::closest(key, keys.iter().copied()) {
        d.message = format!("unknown field `{key}`");
        d.help = Some(format!("did you mean `{key_like}`?"));
    }
}

/// The word in backquotes right after `prefix` at the start of `message`.
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message.strip_prefix(prefix)?.strip_prefix('`')?.split('`').next()
}

/// `expected struct Text` → `expected a mapping`, `expected u32` → `expected a whole number, 0 or more`.
fn plain_types(message: &str) -> String {
    let mut out = message
        .replace("expected u32", "expected a whole number, 0 or more")
        .replace("expected i64", "expected a whole number");
    if let Some(at) = out.find("expected struct ") {
        let name_end = out[at + 16..].find(|c: char| !c.is_alphanumeric()).map_or(out.len(), |n| at + 16 + n);
        out.replace_range(at..name_end, "expected a mapping");
    }
    out
}

/// `fields[3].name: missing field` → (`fields[3].name`, `missing field`).
fn split_path(text: &str) -> (&str, &str) {
    match text.split_once(": ") {
        Some((path, rest))
            if !path.is_empty()
                && path.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-')) =>
        {
            (path, rest)
        }
        _ => ("", text),
    }
}

fn yaml(name: &str) -> Option<&str> {
    name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_folder_layout() {
        assert_eq!(FileKind::of("enums.yaml"), Some(FileKind::Enums));
        assert_eq!(FileKind::of("methods/get.calls_report.yaml"), Some(FileKind::Method));
        assert_eq!(FileKind::of("events/queue.yml"), Some(FileKind::Events));
        assert_eq!(FileKind::of("methods/x/y.yaml"), None);
        assert_eq!(FileKind::of("calls.yaml"), None);
    }

    fn strict(source: &Source) -> Diagnostic {
        parse_strict::<ErrorsFile>(source, &PathIndex::build(&source.text)).unwrap_err()
    }

    #[test]
    fn serde_errors_keep_path_and_location() {
        let source = Source {
            name: "m.yaml".into(),
            kind: FileKind::Errors,
            text: "errors:\n  - code: -1\n    group: g\n    mnemonics: []\n    colour: red\n".into(),
        };
        let err = strict(&source);
        assert_eq!(err.path, "errors[0]");
        assert!(err.message.starts_with("unknown field `colour`"), "{}", err.message);
        assert_eq!(err.location.map(|l| l.line), Some(5));
    }

    #[test]
    fn an_error_at_the_end_is_inside_the_file() {
        let source =
            Source { name: "m.yaml".into(), kind: FileKind::Errors, text: "errors:\n  - code: -1\n    en".into() };
        let err = strict(&source);
        assert_eq!(err.location, Some(Location { line: 3, column: 7 }), "{err}");
        // libyaml breaks lines at U+2028 too, here inside a quoted text.
        let text = "errors:\n  - code: -1\n    en: \"a\u{2028}b\"\n    x".into();
        let err = strict(&Source { text, ..source });
        assert_eq!(err.location, Some(Location { line: 5, column: 6 }), "{err}");
    }

    #[test]
    fn bad_utf8_is_located_at_its_first_byte() {
        let bytes = b"method: get.x\ntitle: {en: caf\xe9}\n".to_vec();
        let d = Source::from_bytes("m.yaml", FileKind::Method, bytes).unwrap_err();
        assert_eq!(d.to_string(), "m.yaml:2:16: not valid UTF-8 (byte 29)\n  help: save the file as UTF-8");
    }
}
