//! Rust names for wire names: snake_case for fields and modules, PascalCase for types and
//! variants, with the cases Rust cannot take reported instead of emitted.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be identifiers at all, not even raw.
const NEVER: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Why a name cannot be a Rust name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    /// Nothing is left after case conversion.
    Empty,
    /// Rust names must be ASCII here (Unicode names trip lints and are hard to type).
    NotAscii,
    /// A Rust name cannot start with a digit.
    LeadingDigit,
    /// A character Rust names cannot hold.
    BadChar(char),
    /// `self`, `Self`, `super`, `crate`, `_`.
    Reserved,
    /// A keyword, which a module name cannot be: its file and every path to it would need `r#`.
    KeywordModule,
    /// A module name written in the schema that is not snake_case (two such names could be
    /// one file on a case-insensitive file system).
    NotSnakeCase,
}

impl NameProblem {
    /// The message for a diagnostic about `name`.
    pub fn message(&self, what: &str, wire: &str, rust: &str) -> String {
        match self {
            NameProblem::Empty => format!("{what} `{wire}` has no letters or digits to make a Rust name from"),
            NameProblem::NotAscii => format!("{what} `{wire}` would become `{rust}`, which is not ASCII"),
            NameProblem::LeadingDigit => format!("{what} `{wire}` would become `{rust}`, which starts with a digit"),
            NameProblem::BadChar(c) => format!("{what} `{wire}` would become `{rust}`, which holds `{c}`"),
            NameProblem::Reserved => format!("{what} `{wire}` would become `{rust}`, which Rust reserves"),
            NameProblem::KeywordModule => {
                format!("{what} `{wire}` would become the module `{rust}`, which is a Rust keyword")
            }
            NameProblem::NotSnakeCase => {
                format!("{what} `{wire}` would become the module `{rust}`, which is not snake_case")
            }
        }
    }
}

fn validate(name: &str) -> Result<(), NameProblem> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(NameProblem::Empty);
    };
    if !name.is_ascii() {
        return Err(NameProblem::NotAscii);
    }
    if first.is_ascii_digit() {
        return Err(NameProblem::LeadingDigit);
    }
    if let Some(c) = name.chars().find(|&c| !unicode_ident::is_xid_continue(c)) {
        return Err(NameProblem::BadChar(c));
    }
    if NEVER.contains(&name) {
        return Err(NameProblem::Reserved);
    }
    Ok(())
}

/// A field, parameter or module name: snake_case, raw where it is a keyword.
/// `explicit` is a `rust_name` from the schema, used as written.
pub fn snake(wire: &str, explicit: Option<&str>) -> Result<String, (String, NameProblem)> {
    let name = explicit.map_or_else(|| wire.to_snake_case(), str::to_owned);
    let bare = name.strip_prefix("r#").unwrap_or(&name);
    validate(bare).map_err(|p| (name.clone(), p))?;
    Ok(if RAW_OK.contains(&bare) { format!("r#{bare}") } else { name })
}

/// A module name: snake_case, and not a keyword.
pub fn module(wire: &str, explicit: Option<&str>) -> Result<String, (String, NameProblem)> {
    let name = snake(wire, explicit)?;
    if let Some(bare) = name.strip_prefix("r#") {
        return Err((bare.to_owned(), NameProblem::KeywordModule));
    }
    if name != name.to_snake_case() {
        return Err((name, NameProblem::NotSnakeCase));
    }
    Ok(name)
}

/// A type or variant name: PascalCase. `explicit` is a `rust_name` from the schema.
pub fn pascal(wire: &str, explicit: Option<&str>) -> Result<String, (String, NameProblem)> {
    let name = explicit.map_or_else(|| wire.to_upper_camel_case(), str::to_owned);
    validate(&name).map_err(|p| (name.clone(), p))?;
    Ok(name)
}

/// The singular of an English plural, for the item type of an array (`tags` → `tags`'s `tag`).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") || word.ends_with("us") || !word.ends_with('s') {
        word.to_owned()
    } else {
        word[..word.len() - 1].to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        assert_eq!(snake("finish_reason", None).unwrap(), "finish_reason");
        assert_eq!(snake("off-target", None).unwrap(), "off_target");
        assert_eq!(snake("type", None).unwrap(), "r#type");
        assert_eq!(snake("self", None).unwrap_err().1, NameProblem::Reserved);
        assert_eq!(snake("1st", None).unwrap_err().1, NameProblem::LeadingDigit);
        assert_eq!(snake("имя", None).unwrap_err().1, NameProblem::NotAscii);
        assert_eq!(snake("%", None).unwrap_err().1, NameProblem::Empty);
        assert_eq!(snake("1st", Some("first")).unwrap(), "first");
    }

    #[test]
    fn module_names() {
        assert_eq!(module("calls_report", None).unwrap(), "calls_report");
        assert_eq!(module("match", None).unwrap_err(), ("match".to_owned(), NameProblem::KeywordModule));
        assert_eq!(module("match", Some("matches")).unwrap(), "matches");
        assert_eq!(module("match", Some("Matches")).unwrap_err().1, NameProblem::NotSnakeCase);
    }

    #[test]
    fn pascal_names() {
        assert_eq!(pascal("off-target", None).unwrap(), "OffTarget");
        assert_eq!(pascal("MASHINE", None).unwrap(), "Mashine");
        assert_eq!(pascal("self", None).unwrap_err().1, NameProblem::Reserved);
        assert_eq!(pascal("2xx", None).unwrap_err().1, NameProblem::LeadingDigit);
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("tags"), "tag");
        assert_eq!(singular("visitor_custom_properties"), "visitor_custom_property");
        assert_eq!(singular("recognized_text"), "recognized_text");
        assert_eq!(singular("status"), "status");
    }
}
