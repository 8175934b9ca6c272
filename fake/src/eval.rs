//! Filters and sort keys of a request that passed the validator, evaluated over rows.
//!
//! The reading of each operator:
//! - `=`, `!=`, `<`, `>`, `<=`, `>=` compare numbers as numbers, date-times and dates as
//!   times, text and enum codes byte for byte, value objects by their `value_id`;
//!   `=`/`!=` with `null` test for an empty cell (`is_null`/`is_not_null`);
//! - `like`, `not_like` (case-sensitive) and `ilike`, `not_ilike` (case-insensitive): `%`
//!   matches any run of characters, every other character itself;
//! - `regexp`: a regular expression (the `regex` crate's syntax, a superset of POSIX ERE for
//!   the usual cases), unanchored;
//! - `in`, `not_in`: the cell equals one / none of the values;
//! - `overlap`, `not_overlap`: the array cell has one / none of the values (an item that is
//!   an object equals a value with the same members);
//! - `is_null`, `is_not_null`: the cell is / is not `null` (an empty array is not `null`);
//! - `jsquery` is refused: the fake server does not evaluate jsquery.
//!
//! As in SQL, a `null` cell matches no comparison and no pattern: only `is_null` and `= null`
//! find it. Sorting puts `null` after every value, as PostgreSQL does (so first when
//! descending); nested objects have no order of their own; rows that compare equal keep their
//! order in the data set.

use std::borrow::Cow;
use std::cmp::Ordering;

use regex::Regex;
use rust_decimal::Decimal;
use serde_json::Value;

use super::data::{Cell, MethodData, ValueIdCell, days_of, mix, secs_of};
use dataapi_runtime::{Date, DateTime, MethodDescriptor, TypeDescriptor};

/// Why a request that passed the validator still cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The mnemonic.
    pub mnemonic: &'static str,
    /// Where in `params`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A compiled filter.
#[derive(Debug)]
pub enum Compiled {
    /// Every child matches.
    All(Vec<Compiled>),
    /// Some child matches.
    Any(Vec<Compiled>),
    /// One condition on one field.
    Test {
        /// Index of the field.
        field: usize,
        /// What to test.
        test: Test,
    },
}

/// A condition's operator with its value, ready to apply to a cell.
#[derive(Debug)]
pub enum Test {
    /// `is_null`, `= null`.
    Null,
    /// `is_not_null`, `!= null`.
    NotNull,
    /// A comparison with one value.
    Compare(Cmp, Lit),
    /// `in` (`true`) or `not_in` (`false`).
    In(Values, bool),
    /// `overlap` (`true`) or `not_overlap` (`false`).
    Shares(Vec<Lit>, bool),
    /// `like` family: the pattern, case-insensitive, negated.
    Pattern(Vec<Piece>, bool, bool),
    /// `regexp`.
    Regex(Box<Regex>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `=`.
    Equal,
    /// `!=`.
    NotEqual,
    /// `<`.
    Less,
    /// `>`.
    Greater,
    /// `<=`.
    AtMost,
    /// `>=`.
    AtLeast,
}

/// A filter value, read by the type of its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A whole number.
    Int(i64),
    /// Any number.
    Dec(Decimal),
    /// Text or an enum code.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// Seconds since the epoch.
    Time(i64),
    /// Days since the epoch.
    Day(i64),
    /// An object (an item of an array of objects), equal to a cell with the same members.
    Json(Value),
}

/// The values of `in` and `not_in`: whole numbers and texts in sets, so that a long list
/// costs a lookup per row rather than a scan.
#[derive(Debug)]
pub struct Values {
    ints: std::collections::HashSet<i64>,
    texts: std::collections::HashSet<String>,
    others: Vec<Lit>,
}

impl Values {
    fn new(list: Vec<Lit>) -> Self {
        let mut values = Values { ints: Default::default(), texts: Default::default(), others: Vec::new() };
        for lit in list {
            match lit {
                Lit::Int(n) => {
                    values.ints.insert(n);
                }
                Lit::Str(s) => {
                    values.texts.insert(s);
                }
                other => values.others.push(other),
            }
        }
        values
    }

    fn contains(&self, cell: &Cell) -> bool {
        let found = match cell {
            Cell::Int(n) => self.ints.contains(n),
            Cell::ValueObject { id: ValueIdCell::Int(n), .. } => self.ints.contains(n),
            Cell::Cents(c) if c % 100 == 0 => self.ints.contains(&(c / 100)),
            Cell::ValueObject { id: ValueIdCell::Str(s), .. } => self.texts.contains(s.as_str()),
            c => c.text().is_some_and(|t| self.texts.contains(t.as_ref())),
        };
        found || self.others.iter().any(|l| equals(cell, l))
    }
}

/// A piece of a `like` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Characters that must be there.
    Text(String),
    /// `%`.
    Any,
}

/// A sort key: a field and whether it is descending.
#[derive(Debug, Clone, Copy)]
pub struct SortKey {
    /// Index of the field.
    pub field: usize,
    /// Descending.
    pub desc: bool,
}

fn refuse(field: String, message: String) -> Refusal {
    Refusal { mnemonic: "invalid_parameter_value", field, message }
}

/// Compiles a filter that the validator accepted.
pub fn compile(method: &MethodDescriptor, node: &Value, path: &str) -> Result<Compiled, Refusal> {
    let obj = node.as_object().ok_or_else(|| refuse(path.into(), "a filter is an object".into()))?;
    if let Some(children) = obj.get("filters") {
        let list = children.as_array().map(Vec::as_slice).unwrap_or_default();
        let compiled = list
            .iter()
            .enumerate()
            .map(|(i, c)| compile(method, c, &format!("{path}.filters[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(match obj.get("condition").and_then(Value::as_str) {
            Some("or") => Compiled::Any(compiled),
            _ => Compiled::All(compiled),
        });
    }
    let name = obj.get("field").and_then(Value::as_str).unwrap_or_default();
    let field = method
        .fields
        .iter()
        .position(|f| f.name == name)
        .ok_or_else(|| refuse(format!("{path}.field"), format!("no field `{name}`")))?;
    let ty = &method.fields[field].ty;
    let op = obj.get("operator").and_then(Value::as_str).unwrap_or_default();
    let value = obj.get("value").unwrap_or(&Value::Null);
    let at = format!("{path}.value");
    let item = match ty {
        TypeDescriptor::Array(item) => item,
        ty => ty,
    };
    let test = match (op, value) {
        ("is_null", _) | ("=", Value::Null) => Test::Null,
        ("is_not_null", _) | ("!=", Value::Null) => Test::NotNull,
        ("=" | "!=" | "<" | ">" | "<=" | ">=", v) => {
            let cmp = match op {
                "=" => Cmp::Equal,
                "!=" => Cmp::NotEqual,
                "<" => Cmp::Less,
                ">" => Cmp::Greater,
                "<=" => Cmp::AtMost,
                _ => Cmp::AtLeast,
            };
            Test::Compare(cmp, literal(ty, v, &at)?)
        }
        ("in" | "not_in", Value::Array(list)) => Test::In(Values::new(literals(ty, list, &at)?), op == "in"),
        ("overlap" | "not_overlap", Value::Array(list)) => Test::Shares(literals(item, list, &at)?, op == "overlap"),
        ("like" | "ilike" | "not_like" | "not_ilike", Value::String(p)) => {
            let insensitive = op.contains("ilike");
            Test::Pattern(pattern(p, insensitive), insensitive, op.starts_with("not_"))
        }
        ("regexp", Value::String(p)) => {
            let re = regex::RegexBuilder::new(p)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| refuse(at, format!("not a regular expression: {e}")))?;
            Test::Regex(Box::new(re))
        }
        ("jsquery", _) => {
            return Err(refuse(format!("{path}.operator"), "the fake server does not support `jsquery`".into()));
        }
        (op, _) => return Err(refuse(format!("{path}.operator"), format!("`{op}` cannot take this value"))),
    };
    Ok(Compiled::Test { field, test })
}

fn literals(ty: &TypeDescriptor, list: &[Value], at: &str) -> Result<Vec<Lit>, Refusal> {
    list.iter().enumerate().map(|(i, v)| literal(ty, v, &format!("{at}[{i}]"))).collect()
}

/// A filter value as the type of its field reads it.
fn literal(ty: &TypeDescriptor, v: &Value, at: &str) -> Result<Lit, Refusal> {
    let bad = || refuse(at.into(), format!("expected a value of type {ty}, not {v}"));
    Ok(match (ty, v) {
        (TypeDescriptor::Integer, Value::Number(n)) => match n.as_i64() {
            Some(i) => Lit::Int(i),
            None => Lit::Dec(n.to_string().parse().map_err(|_| bad())?),
        },
        (TypeDescriptor::Decimal, Value::Number(n)) => {
            let text = n.to_string();
            Lit::Dec(text.parse().or_else(|_| Decimal::from_scientific(&text)).map_err(|_| bad())?)
        }
        (TypeDescriptor::DateTime, Value::String(s)) => Lit::Time(secs_of(s.parse::<DateTime>().map_err(|_| bad())?.0)),
        (TypeDescriptor::Date, Value::String(s)) => Lit::Day(days_of(s.parse::<Date>().map_err(|_| bad())?.0)),
        (_, Value::String(s)) => Lit::Str(s.clone()),
        (_, Value::Bool(b)) => Lit::Bool(*b),
        (_, Value::Number(n)) => match n.as_i64() {
            Some(i) => Lit::Int(i),
            None => Lit::Dec(n.to_string().parse().map_err(|_| bad())?),
        },
        (TypeDescriptor::Object(_), Value::Object(_)) => Lit::Json(v.clone()),
        _ => return Err(bad()),
    })
}

/// Splits a `like` pattern at its `%`s.
fn pattern(p: &str, insensitive: bool) -> Vec<Piece> {
    let p = if insensitive { p.to_lowercase() } else { p.to_owned() };
    let mut pieces = Vec::new();
    for (i, part) in p.split('%').enumerate() {
        if i > 0 {
            pieces.push(Piece::Any);
        }
        if !part.is_empty() {
            pieces.push(Piece::Text(part.to_owned()));
        }
    }
    pieces
}

/// Whether `text` matches the pattern pieces: the first piece is anchored at the start, the
/// last at the end, and the ones between are found leftmost first, which is exact for `%`
/// patterns and linear in the text (no backtracking on hostile patterns).
pub fn like(pieces: &[Piece], text: &str) -> bool {
    if pieces.is_empty() {
        return text.is_empty();
    }
    let mut rest = text;
    let mut pieces = pieces;
    if let [Piece::Text(first), tail @ ..] = pieces {
        match rest.strip_prefix(first.as_str()) {
            Some(r) => rest = r,
            None => return false,
        }
        pieces = tail;
        if pieces.is_empty() {
            return rest.is_empty();
        }
    }
    let (middle, last) = match pieces {
        [middle @ .., Piece::Text(last)] => (middle, Some(last)),
        all => (all, None),
    };
    for piece in middle {
        if let Piece::Text(t) = piece {
            match rest.find(t.as_str()) {
                Some(at) => rest = &rest[at + t.len()..],
                None => return false,
            }
        }
    }
    last.is_none_or(|l| rest.ends_with(l.as_str()))
}

/// How a cell compares with a value, where they are comparable.
fn compare(cell: &Cell, lit: &Lit) -> Option<Ordering> {
    if let (Cell::Text(t), Lit::Str(b)) = (cell, lit) {
        return Some(t.to_text().as_str().cmp(b.as_str()));
    }
    Some(match (cell, lit) {
        (Cell::Int(a), Lit::Int(b)) => a.cmp(b),
        (Cell::Int(a), Lit::Dec(b)) => Decimal::from(*a).cmp(b),
        (Cell::Cents(a), Lit::Int(b)) => Decimal::new(*a, 2).cmp(&Decimal::from(*b)),
        (Cell::Cents(a), Lit::Dec(b)) => Decimal::new(*a, 2).cmp(b),
        (Cell::Str(a) | Cell::Enum(a), Lit::Str(b)) => a.as_ref().cmp(b.as_str()),
        (Cell::Bool(a), Lit::Bool(b)) => a.cmp(b),
        (Cell::DateTime(a), Lit::Time(b)) | (Cell::Date(a), Lit::Day(b)) => a.cmp(b),
        (Cell::Object(_), Lit::Json(v)) => return (cell.to_json() == *v).then_some(Ordering::Equal),
        (Cell::ValueObject { id, .. }, lit) => match (id, lit) {
            (ValueIdCell::Int(a), Lit::Int(b)) => a.cmp(b),
            (ValueIdCell::Int(a), Lit::Dec(b)) => Decimal::from(*a).cmp(b),
            (ValueIdCell::Str(a), Lit::Str(b)) => a.cmp(b),
            (ValueIdCell::Bool(a), Lit::Bool(b)) => a.cmp(b),
            _ => return None,
        },
        _ => return None,
    })
}

fn equals(cell: &Cell, lit: &Lit) -> bool {
    compare(cell, lit) == Some(Ordering::Equal)
}

impl Test {
    /// Whether a cell passes.
    pub fn matches(&self, cell: &Cell) -> bool {
        match (self, cell) {
            (Test::Null, c) => c.is_null(),
            (Test::NotNull, c) => !c.is_null(),
            (_, Cell::Null) => false,
            (Test::Compare(cmp, lit), c) => match compare(c, lit) {
                None => *cmp == Cmp::NotEqual,
                Some(o) => match cmp {
                    Cmp::Equal => o.is_eq(),
                    Cmp::NotEqual => o.is_ne(),
                    Cmp::Less => o.is_lt(),
                    Cmp::Greater => o.is_gt(),
                    Cmp::AtMost => o.is_le(),
                    Cmp::AtLeast => o.is_ge(),
                },
            },
            (Test::In(values, positive), c) => values.contains(c) == *positive,
            (Test::Shares(list, positive), Cell::Array(items)) => {
                items.iter().any(|item| list.iter().any(|l| equals(item, l))) == *positive
            }
            (Test::Shares(..), _) => false,
            (Test::Pattern(pieces, insensitive, negated), c) => match c.text() {
                Some(s) => {
                    let hit = if *insensitive { like(pieces, &s.to_lowercase()) } else { like(pieces, &s) };
                    hit != *negated
                }
                None => false,
            },
            (Test::Regex(re), c) => c.text().is_some_and(|s| re.is_match(&s)),
        }
    }
}

impl Compiled {
    /// Whether row `g` in version `version` (0 as it appeared, 1 edited) passes.
    pub fn matches(&self, rows: &MethodData, g: u64, version: u8) -> bool {
        match self {
            Compiled::All(children) => children.iter().all(|c| c.matches(rows, g, version)),
            Compiled::Any(children) => children.iter().any(|c| c.matches(rows, g, version)),
            Compiled::Test { field, test } => test.matches(&rows.cell_at(g, *field, version)),
        }
    }
}

/// Reads the validated `sort` list.
pub fn sort_keys(method: &MethodDescriptor, sort: Option<&Value>) -> Vec<SortKey> {
    let list = sort.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .filter_map(|k| {
            let name = k.get("field")?.as_str()?;
            let field = method.fields.iter().position(|f| f.name == name)?;
            Some(SortKey { field, desc: k.get("order").and_then(Value::as_str) == Some("desc") })
        })
        .collect()
}

/// Sorts rows by the keys (each row in the version that `version` gives), then by their
/// place in the data set, or, with `ties`, in an order drawn from it (as a sort without a
/// tie-breaker may order them). Without keys, the rows keep their place, except that with
/// `ties` rows of the same time are shuffled among themselves.
pub fn sort(rows: &MethodData, ids: &mut Vec<u64>, keys: &[SortKey], version: impl Fn(u64) -> u8, ties: Option<u64>) {
    let rank = |g: u64| match ties {
        Some(t) => mix(t ^ mix(g)),
        None => rows.identity(g),
    };
    if keys.is_empty() {
        let all = 0..ids.len();
        shuffle_ties(rows, ids, all, ties);
        return;
    }
    let mut keyed: Vec<(Vec<Cow<'_, Cell>>, u64, u64)> = ids
        .iter()
        .map(|&g| {
            let v = version(g);
            (keys.iter().map(|k| rows.cell_at(g, k.field, v)).collect(), rank(g), g)
        })
        .collect();
    keyed.sort_by(|(a, ra, _), (b, rb, _)| {
        for ((x, y), key) in a.iter().zip(b).zip(keys) {
            let o = x.sort_cmp(y);
            let o = if key.desc { o.reverse() } else { o };
            if o.is_ne() {
                return o;
            }
        }
        ra.cmp(rb)
    });
    ids.clear();
    ids.extend(keyed.into_iter().map(|(_, _, g)| g));
}

/// Without sort keys and with `ties`, shuffles the rows of each second among themselves, for
/// the seconds that have a row within `part` of `ids` (rows in the data set's order, so the
/// rows of one second are neighbours): enough to answer the page `part`.
pub fn shuffle_ties(rows: &MethodData, ids: &mut [u64], part: std::ops::Range<usize>, ties: Option<u64>) {
    let Some(ties) = ties else { return };
    if rows.time_field().is_none() || part.is_empty() {
        return;
    }
    let end = part.end.min(ids.len());
    let mut start = part.start.min(end);
    // Back to the first row of the page's first second.
    if start < end {
        let t = rows.time_of(ids[start]);
        while start > 0 && rows.time_of(ids[start - 1]) == t {
            start -= 1;
        }
    }
    while start < end {
        let t = rows.time_of(ids[start]);
        let mut run = start + 1;
        while run < ids.len() && rows.time_of(ids[run]) == t {
            run += 1;
        }
        if run - start > 1 {
            ids[start..run].sort_by_key(|&g| mix(ties ^ mix(g)));
        }
        start = run;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        let p = |s| pattern(s, false);
        assert!(like(&p("al%"), "alpha 3"));
        assert!(like(&p("%3"), "alpha 3"));
        assert!(like(&p("%ph%"), "alpha 3"));
        assert!(!like(&p("ph%"), "alpha 3"));
        assert!(like(&p("%"), ""));
        assert!(like(&p("a%a%3"), "alpha 3"));
        assert!(!like(&p("alpha"), "alpha 3"));
        assert!(like(&pattern("эПС%", true), "эпсилон 1"));
        assert!(!like(&p(""), "a"));
        assert!(like(&p("a%%b"), "ab"));
        assert!(!like(&p("ab%ba"), "aba"));
        let hostile = format!("{}b", "%a".repeat(200));
        assert!(!like(&p(&hostile), &"a".repeat(1000)));
    }
}
