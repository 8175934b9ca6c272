//! The fake server's data set: every row of every method, computed on demand from the seed.
//!
//! Nothing is stored. A method's rows are numbered `0..days × rows_per_day` in time order;
//! row `g` lies on day `g / rows_per_day`, and each of its cells is a pure function of the
//! seed, the method's name, `g` and the field's name, drawn from a small PRNG (splitmix64)
//! that this file owns. So any cell of any row costs a few hashes, a date window is found by
//! binary search, a page is built from its own rows only, and the same seed and options give
//! the same rows on every machine and in every order of access.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::ops::Range;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use crate::runtime::{FieldDescriptor, MethodDescriptor, TypeDescriptor};

/// One step of splitmix64: a well-mixed 64-bit hash of `z`.
pub(crate) const fn mix(z: u64) -> u64 {
    let mut z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a name: stable across machines and runs, unlike `std`'s hashers.
pub(crate) fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A splitmix64 stream.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// One value of a row, in a form that compares and prints cheaply.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// `null`.
    Null,
    /// A whole number.
    Int(i64),
    /// A decimal, in hundredths.
    Cents(i64),
    /// Text.
    Str(Cow<'static, str>),
    /// A boolean.
    Bool(bool),
    /// A date-time, as seconds since 1970-01-01 00:00:00 (naive, account-local).
    DateTime(i64),
    /// A date, as days since 1970-01-01.
    Date(i64),
    /// An enum code, known or not.
    Enum(Cow<'static, str>),
    /// `{value, value_id}`.
    ValueObject {
        /// The display text.
        value: String,
        /// The code.
        id: ValueIdCell,
    },
    /// An array.
    Array(Vec<Cell>),
    /// An object, its fields in schema order.
    Object(Vec<(&'static str, Cell)>),
}

/// The code of a value object.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueIdCell {
    /// A number.
    Int(i64),
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

/// `YYYY-MM-DD hh:mm:ss` of seconds since the epoch.
pub fn datetime_of(secs: i64) -> NaiveDateTime {
    EPOCH.and_hms_opt(0, 0, 0).expect("midnight") + TimeDelta::seconds(secs)
}

/// Seconds since the epoch of a naive date-time.
pub fn secs_of(t: NaiveDateTime) -> i64 {
    (t - EPOCH.and_hms_opt(0, 0, 0).expect("midnight")).num_seconds()
}

/// Days since the epoch of a date.
pub fn days_of(d: NaiveDate) -> i64 {
    (d - EPOCH).num_days()
}

impl Cell {
    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }

    /// Appends the cell's wire form (JSON) to `out`.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Cell::Null => out.push_str("null"),
            Cell::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Cell::Cents(c) => {
                let sign = if *c < 0 { "-" } else { "" };
                let _ = write!(out, "{sign}{}.{:02}", c.unsigned_abs() / 100, c.unsigned_abs() % 100);
            }
            Cell::Str(s) | Cell::Enum(s) => write_str(out, s),
            Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Cell::DateTime(secs) => {
                let _ = write!(out, "\"{}\"", crate::runtime::DateTime(datetime_of(*secs)));
            }
            Cell::Date(days) => {
                let _ = write!(out, "\"{}\"", crate::runtime::Date(EPOCH + TimeDelta::days(*days)));
            }
            Cell::ValueObject { value, id } => {
                out.push_str("{\"value\":");
                write_str(out, value);
                out.push_str(",\"value_id\":");
                match id {
                    ValueIdCell::Int(n) => {
                        let _ = write!(out, "{n}");
                    }
                    ValueIdCell::Str(s) => write_str(out, s),
                    ValueIdCell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                }
                out.push('}');
            }
            Cell::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Cell::Object(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, name);
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The cell as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        let mut s = String::new();
        self.write_json(&mut s);
        serde_json::from_str(&s).expect("cells print as JSON")
    }

    /// The sort order: values of one type in their natural order (text by bytes, `false`
    /// before `true`, arrays item by item), `null` after every value, as PostgreSQL sorts.
    pub fn sort_cmp(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Null, Cell::Null) => Ordering::Equal,
            (Cell::Null, _) => Ordering::Greater,
            (_, Cell::Null) => Ordering::Less,
            (Cell::Int(a), Cell::Int(b))
            | (Cell::Cents(a), Cell::Cents(b))
            | (Cell::DateTime(a), Cell::DateTime(b))
            | (Cell::Date(a), Cell::Date(b)) => a.cmp(b),
            (Cell::Str(a) | Cell::Enum(a), Cell::Str(b) | Cell::Enum(b)) => a.cmp(b),
            (Cell::Bool(a), Cell::Bool(b)) => a.cmp(b),
            (Cell::ValueObject { id: a, .. }, Cell::ValueObject { id: b, .. }) => a.sort_cmp(b),
            (Cell::Array(a), Cell::Array(b)) => {
                a.iter().zip(b).map(|(x, y)| x.sort_cmp(y)).find(|o| o.is_ne()).unwrap_or(a.len().cmp(&b.len()))
            }
            // Cells of one field have one type; anything else is ordered by its rank.
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Cell::Int(_) => 0,
            Cell::Cents(_) => 1,
            Cell::Str(_) => 2,
            Cell::Bool(_) => 3,
            Cell::DateTime(_) => 4,
            Cell::Date(_) => 5,
            Cell::Enum(_) => 6,
            Cell::ValueObject { .. } => 7,
            Cell::Array(_) => 8,
            Cell::Object(_) => 9,
            Cell::Null => 10,
        }
    }
}

impl ValueIdCell {
    fn sort_cmp(&self, other: &ValueIdCell) -> Ordering {
        match (self, other) {
            (ValueIdCell::Int(a), ValueIdCell::Int(b)) => a.cmp(b),
            (ValueIdCell::Str(a), ValueIdCell::Str(b)) => a.cmp(b),
            (ValueIdCell::Bool(a), ValueIdCell::Bool(b)) => a.cmp(b),
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            ValueIdCell::Int(_) => 0,
            ValueIdCell::Str(_) => 1,
            ValueIdCell::Bool(_) => 2,
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    // serde_json's escaping, written into the same buffer.
    let quoted = serde_json::to_string(s).expect("a string serializes");
    out.push_str(&quoted);
}

/// Words text fields are made of: mixed case and two scripts, so that `like`, `ilike` and
/// `regexp` have something to tell apart.
const WORDS: [&str; 12] =
    ["alpha", "Beta", "GAMMA", "delta", "Эпсилон", "zeta", "Eta", "theta", "Йота", "kappa", "Lambda", "mu"];

/// What the data set is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataOptions {
    /// The seed: the same seed and options give the same rows.
    pub seed: u64,
    /// The first day with rows.
    pub from: NaiveDate,
    /// The last day with rows (inclusive).
    pub till: NaiveDate,
    /// Rows of each method on each day.
    pub rows_per_day: u32,
}

impl Default for DataOptions {
    fn default() -> Self {
        DataOptions {
            seed: 7,
            from: NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date"),
            till: NaiveDate::from_ymd_opt(2026, 3, 31).expect("a valid date"),
            rows_per_day: 300,
        }
    }
}

/// The rows of every method, computed on demand.
#[derive(Debug, Clone)]
pub struct Dataset {
    options: DataOptions,
    days: u64,
    methods: Vec<MethodData>,
}

/// One method's rows.
#[derive(Debug, Clone)]
pub struct MethodData {
    /// Its description.
    pub descriptor: &'static MethodDescriptor,
    salt: u64,
    time: Option<usize>,
    id: Option<usize>,
    rows_per_day: u64,
    days: u64,
    first_day: i64,
    field_salts: Vec<u64>,
}

/// The field that gives a row its time (the date window and the spreading of rows over the
/// period): the method's first top-level date-time field.
pub fn time_field(method: &MethodDescriptor) -> Option<usize> {
    method.fields.iter().position(|f| matches!(f.ty, TypeDescriptor::DateTime))
}

/// The field that identifies a row, where there is one: `id`.
pub fn id_field(method: &MethodDescriptor) -> Option<usize> {
    method.fields.iter().position(|f| f.name == "id")
}

impl Dataset {
    /// The data set of `methods` under `options`.
    pub fn new(methods: &[&'static MethodDescriptor], options: DataOptions) -> Self {
        let days = u64::try_from((options.till - options.from).num_days() + 1).unwrap_or(0);
        let methods = methods
            .iter()
            .map(|&descriptor| MethodData {
                descriptor,
                salt: mix(options.seed ^ mix(name_hash(descriptor.name))),
                time: time_field(descriptor),
                id: id_field(descriptor),
                rows_per_day: u64::from(options.rows_per_day),
                days,
                first_day: days_of(options.from),
                field_salts: descriptor.fields.iter().map(|f| name_hash(f.name)).collect(),
            })
            .collect();
        Dataset { options, days, methods }
    }

    /// The options it was made from.
    pub fn options(&self) -> DataOptions {
        self.options
    }

    /// Days in the period.
    pub fn days(&self) -> u64 {
        self.days
    }

    /// The rows of a method, by wire name.
    pub fn method(&self, name: &str) -> Option<&MethodData> {
        self.methods.iter().find(|m| m.descriptor.name == name)
    }

    /// Every method.
    pub fn methods(&self) -> impl Iterator<Item = &MethodData> {
        self.methods.iter()
    }
}

impl MethodData {
    /// How many rows the method has over the whole period.
    pub fn len(&self) -> u64 {
        self.days * self.rows_per_day
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of the field that gives rows their time.
    pub fn time_field(&self) -> Option<usize> {
        self.time
    }

    /// The time of row `g` in seconds since the epoch: rows are spread evenly over their day,
    /// each at a random second of its own slot, so times never decrease with `g`.
    pub fn time_of(&self, g: u64) -> i64 {
        let n = self.rows_per_day.max(1);
        let (day, i) = (g / n, g % n);
        let jitter = u128::from(mix(self.salt ^ mix(g) ^ 0x7117) >> 32);
        let offset = ((u128::from(i) << 32) + jitter) * 86_400 / (u128::from(n) << 32);
        (self.first_day + day as i64) * 86_400 + offset as i64
    }

    /// The rows whose time is within `from..=till` (seconds): one run, as times never
    /// decrease. A method without a time field has every row in every window.
    pub fn window(&self, from: i64, till: i64) -> Range<u64> {
        if self.time.is_none() {
            return 0..self.len();
        }
        let first = self.partition(|t| t < from);
        let end = self.partition(|t| t <= till);
        first..end.max(first)
    }

    /// The first row for which `before` is false.
    fn partition(&self, before: impl Fn(i64) -> bool) -> u64 {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if before(self.time_of(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The cell of field `f` (an index into the method's fields) of row `g`.
    pub fn cell(&self, g: u64, f: usize) -> Cell {
        let field = &self.descriptor.fields[f];
        if Some(f) == self.time {
            return Cell::DateTime(self.time_of(g));
        }
        let mut rng = Rng::new(self.salt ^ mix(g ^ self.field_salts[f].rotate_left(17)));
        if Some(f) == self.id {
            let spread = (rng.below(4)) as i64;
            return match field.ty {
                TypeDescriptor::String => Cell::Str(Cow::Owned((1_000_000 + g as i64 * 4 + spread).to_string())),
                _ => Cell::Int(1_000_000 + g as i64 * 4 + spread),
            };
        }
        let day = self.first_day + (g / self.rows_per_day.max(1)) as i64;
        if rng.chance(8) {
            return Cell::Null;
        }
        generate(field, &field.ty, &mut rng, day, 0)
    }

    /// Appends row `g` as a JSON object of the fields `fields` (indices) to `out`.
    pub fn write_row(&self, g: u64, fields: &[usize], out: &mut String) {
        out.push('{');
        for (i, &f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(out, self.descriptor.fields[f].name);
            out.push(':');
            self.cell(g, f).write_json(out);
        }
        out.push('}');
    }

    /// The row's identity for the sort's last tie-break: its position.
    pub fn identity(&self, g: u64) -> u64 {
        g
    }
}

/// A value of type `ty` for `field`, on day `day` (days since the epoch).
fn generate(field: &FieldDescriptor, ty: &TypeDescriptor, rng: &mut Rng, day: i64, depth: u32) -> Cell {
    let name = field.name;
    match ty {
        TypeDescriptor::Integer => Cell::Int(integer(name, rng)),
        TypeDescriptor::Decimal => Cell::Cents(rng.below(1_000_000) as i64),
        TypeDescriptor::String => Cell::Str(Cow::Owned(text(name, rng))),
        TypeDescriptor::Boolean => Cell::Bool(rng.below(2) == 1),
        TypeDescriptor::DateTime => Cell::DateTime(day * 86_400 + rng.below(86_400) as i64),
        TypeDescriptor::Date => Cell::Date(day),
        TypeDescriptor::Enum { name: enum_name, codes } => {
            if codes.is_empty() || rng.chance(8) {
                // Codes added after the schema: the client must keep them.
                Cell::Enum(Cow::Owned(format!("{enum_name}_new_{}", rng.below(3))))
            } else {
                Cell::Enum(Cow::Borrowed(codes[rng.below(codes.len() as u64) as usize]))
            }
        }
        TypeDescriptor::ValueObject => {
            let k = rng.below(5) as i64;
            let id = match name_hash(name) % 3 {
                0 => ValueIdCell::Int(k),
                1 => ValueIdCell::Str(format!("code_{k}")),
                _ => ValueIdCell::Bool(k % 2 == 0),
            };
            Cell::ValueObject { value: format!("{} {k}", WORDS[k as usize % WORDS.len()]), id }
        }
        TypeDescriptor::Object(fields) => Cell::Object(
            fields
                .iter()
                .map(|f| {
                    let value =
                        if depth > 3 || rng.chance(5) { Cell::Null } else { generate(f, &f.ty, rng, day, depth + 1) };
                    (f.name, value)
                })
                .collect(),
        ),
        TypeDescriptor::Array(item) => {
            let len = if depth > 3 { 0 } else { rng.below(4) };
            Cell::Array((0..len).map(|_| generate(field, item, rng, day, depth + 1)).collect())
        }
        TypeDescriptor::Filter => Cell::Null,
    }
}

fn integer(name: &str, rng: &mut Rng) -> i64 {
    if name.ends_with("_id") {
        1 + rng.below(500) as i64
    } else if name.contains("duration") {
        rng.below(3_600) as i64
    } else {
        rng.below(1_000) as i64
    }
}

fn text(name: &str, rng: &mut Rng) -> String {
    let k = rng.below(20);
    if name.contains("phone") {
        format!("7495000{:04}", rng.below(200))
    } else if name.contains("email") {
        format!("user{k}@example.com")
    } else if name.contains("url") || name.contains("link") || name.contains("record") || name.contains("page") {
        format!("https://example.com/{name}/{k}")
    } else {
        format!("{} {k}", WORDS[rng.below(WORDS.len() as u64) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls() -> MethodData {
        Dataset::new(crate::METHODS, DataOptions::default()).method("get.calls_report").unwrap().clone()
    }

    #[test]
    fn times_never_decrease_and_stay_in_their_day() {
        let m = calls();
        let mut last = i64::MIN;
        for g in 0..m.len() {
            let t = m.time_of(g);
            assert!(t >= last);
            assert_eq!(t.div_euclid(86_400), m.first_day + (g / 300) as i64);
            last = t;
        }
    }

    #[test]
    fn a_window_is_every_row_within_it() {
        let m = calls();
        let from = m.time_of(1000);
        let till = m.time_of(4000);
        let w = m.window(from, till);
        let expected: Vec<u64> = (0..m.len()).filter(|&g| (from..=till).contains(&m.time_of(g))).collect();
        assert_eq!(w.clone().collect::<Vec<_>>(), expected);
        assert!(m.window(till, from).is_empty() || from == till);
    }

    #[test]
    fn ids_are_unique_and_cells_repeat() {
        let m = calls();
        let id = m.id.unwrap();
        let ids: std::collections::BTreeSet<_> =
            (0..m.len()).map(|g| m.cell(g, id)).map(|c| format!("{c:?}")).collect();
        assert_eq!(ids.len() as u64, m.len());
        for f in 0..m.descriptor.fields.len() {
            assert_eq!(m.cell(77, f), m.cell(77, f));
        }
    }

    #[test]
    fn every_row_prints_as_json() {
        let m = calls();
        let all: Vec<usize> = (0..m.descriptor.fields.len()).collect();
        for g in 0..200 {
            let mut s = String::new();
            m.write_row(g, &all, &mut s);
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(v.as_object().unwrap().len(), all.len());
        }
    }
}
