//! Semantic checks: turn the parsed YAML into the IR, collecting every problem on the way.

mod enums;
mod fields;
mod methods;
mod names;
mod suggest;
mod tables;

use std::collections::HashMap;

pub use methods::COMMON_PARAMS;
pub use names::{NameProblem, module as module_name, pascal, singular, snake};
pub use suggest::closest;

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::Schema;
use crate::load::{PathIndex, RawSchema};

/// Checks a parsed schema and builds its IR, or returns every problem found.
pub fn check(raw: &RawSchema) -> Result<Schema, Diagnostics> {
    let mut cx = Checker::default();
    let mut schema = Schema::default();
    schema.operators = cx.operators(&raw.operators);
    schema.errors = cx.errors(&raw.errors);
    schema.mnemonics = tables::mnemonic_enum(&schema.errors);
    schema.enums = cx.shared_enums(&raw.enums);
    schema.methods = cx.methods(&raw.methods, &schema);
    schema.event_families = cx.event_families(&raw.events, &schema);
    cx.module_names(&schema, raw);
    if cx.diags.is_empty() { Ok(schema) } else { Err(Diagnostics(cx.diags).finish()) }
}

/// A file being checked: its name and node positions.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    file: &'a str,
    index: &'a PathIndex,
}

impl<'a> At<'a> {
    pub(crate) fn new(file: &'a str, index: &'a PathIndex) -> Self {
        At { file, index }
    }

    fn location(&self, path: &str) -> Option<Location> {
        Some(self.index.locate(path))
    }
}

#[derive(Default)]
pub(crate) struct Checker {
    diags: Vec<Diagnostic>,
}

impl Checker {
    fn error(&mut self, at: At<'_>, path: &str, message: impl Into<String>, help: Option<String>) {
        self.diags.push(Diagnostic {
            file: at.file.to_owned(),
            location: at.location(path),
            path: path.to_owned(),
            message: message.into(),
            help,
        });
    }

    /// Reports a Rust-name problem at the key the name comes from, with the fix.
    fn name_problem(
        &mut self,
        at: At<'_>,
        path: &str,
        from: NameFrom,
        what: &str,
        wire: &str,
        (rust, problem): (String, NameProblem),
    ) {
        let (key, help) = match from {
            NameFrom::Wire(key, over) => {
                (key, Some(format!("add a `{over}:` with a valid Rust name; the wire name stays as it is")))
            }
            NameFrom::Written(key) => (key, Some("write another Rust name here".to_owned())),
        };
        let path = if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
        self.error(at, &path, problem.message(what, wire, &rust), help);
    }
}

/// Where a Rust name comes from: the key a problem with it is reported at, and how to fix it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NameFrom {
    /// Made from the wire name at the first key; the second key may set another.
    Wire(&'static str, &'static str),
    /// Written in the schema at this key.
    Written(&'static str),
}

impl NameFrom {
    /// `Written(over)` when the schema sets `over`, else `Wire(key, over)`.
    pub(crate) fn of(key: &'static str, over: &'static str, written: bool) -> Self {
        if written { NameFrom::Written(over) } else { NameFrom::Wire(key, over) }
    }
}

/// Finds repeats in a list of names: reports each repeat with where the first one was.
pub(crate) struct Seen<'a> {
    first: HashMap<String, (At<'a>, String)>,
}

impl<'a> Seen<'a> {
    pub(crate) fn new() -> Self {
        Seen { first: HashMap::new() }
    }

    /// Records `name`; reports `what` when it was seen before. Returns whether it is new.
    pub(crate) fn add(&mut self, cx: &mut Checker, at: At<'a>, path: &str, what: &str, name: &str) -> bool {
        if let Some((first_at, first_path)) = self.first.get(name) {
            let place = match first_at.location(first_path) {
                Some(l) if first_at.file == at.file => format!("line {}", l.line),
                Some(l) => format!("{}:{}", first_at.file, l.line),
                None => first_at.file.to_owned(),
            };
            cx.error(at, path, format!("duplicate {what} `{name}` (first at {place})"), None);
            false
        } else {
            self.first.insert(name.to_owned(), (at, path.to_owned()));
            true
        }
    }
}

/// Reports two wire names that become one Rust name.
pub(crate) struct RustNames {
    first: HashMap<String, String>,
    /// A field the generator adds to these structs, and what it holds.
    reserved: Option<(&'static str, &'static str)>,
}

impl RustNames {
    pub(crate) fn new() -> Self {
        RustNames { first: HashMap::new(), reserved: None }
    }

    /// Names of a struct the generator adds the field `name` to, a map that keeps `holds`.
    pub(crate) fn reserving(name: &'static str, holds: &'static str) -> Self {
        RustNames { first: HashMap::new(), reserved: Some((name, holds)) }
    }

    /// Records that `wire` becomes `rust`; reports when another wire name already did.
    pub(crate) fn add(&mut self, cx: &mut Checker, at: At<'_>, path: &str, what: &str, wire: &str, rust: &str) {
        if let Some((name, holds)) = self.reserved.filter(|(name, _)| *name == rust) {
            let message = format!("{what} `{wire}` becomes `{name}`, the field that keeps {holds}");
            return cx.error(at, path, message, Some("add a `rust_name:`".into()));
        }
        match self.first.get(rust) {
            Some(other) if other != wire => cx.error(
                at,
                path,
                format!("{what}s `{other}` and `{wire}` both become `{rust}` in Rust"),
                Some("add a `rust_name:` to one of them".into()),
            ),
            Some(_) => {}
            None => {
                self.first.insert(rust.to_owned(), wire.to_owned());
            }
        }
    }
}

/// `yes` / `no` / absent.
pub(crate) fn flag(cx: &mut Checker, at: At<'_>, path: &str, value: Option<&str>) -> crate::ir::Stated {
    use crate::ir::Stated;
    match value {
        None => Stated::NotStated,
        Some("yes") => Stated::Yes,
        Some("no") => Stated::No,
        Some(other) => {
            cx.error(
                at,
                path,
                format!("`{other}` is not a flag value"),
                Some("write `yes` or `no`, or leave the key out where the docs leave the cell empty".into()),
            );
            Stated::NotStated
        }
    }
}

fn text(en: &Option<String>, ru: &Option<String>) -> crate::ir::Text {
    crate::ir::Text { en: en.clone(), ru: ru.clone() }
}

fn text_of(t: &crate::schema::Text) -> crate::ir::Text {
    text(&t.en, &t.ru)
}
