//! The fake server's data set: every row of every method, computed on demand from the seed.
//!
//! Rows are not stored (only the columns that filters and sorts read, for small data sets). A
//! method's rows are numbered `0..days × rows_per_day` in time order; row `g` lies on day
//! `g / rows_per_day`, and each of its cells is a pure function of the seed, the method's
//! name, `g` and the field's name, drawn from a small PRNG (splitmix64) that this file owns.
//! So any cell of any row costs a few hashes, a date window is found by binary search, a page
//! is built from its own rows only, and the same seed and options give the same rows on every
//! machine and in every order of access.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use chrono_tz::Tz;

use dataapi_runtime::{FieldDescriptor, MethodDescriptor, TypeDescriptor};

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
pub(crate) enum Cell {
    /// `null`.
    Null,
    /// A whole number.
    Int(i64),
    /// A decimal, in hundredths.
    Cents(i64),
    /// Text.
    Str(Cow<'static, str>),
    /// Generated text, kept in parts and printed without being built first.
    Text(Text),
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

/// Text the generator made: a few words and numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text {
    /// `{word} {k}`.
    Word(u8, u8),
    /// `7495000{n:04}`.
    Phone(u16),
    /// `user{k}@example.com`.
    Email(u8),
    /// `https://example.com/{field}/{k}`.
    Link(&'static str, u8),
}

impl Text {
    /// Appends the text (which never needs escaping, field names aside) to `out`.
    fn write(&self, out: &mut String) {
        match *self {
            Text::Word(w, k) => {
                out.push_str(WORDS[usize::from(w)]);
                out.push(' ');
                write_u64(out, u64::from(k));
            }
            Text::Phone(n) => {
                out.push_str("7495000");
                let n = u32::from(n);
                two(out, n / 100);
                two(out, n % 100);
            }
            Text::Email(k) => {
                out.push_str("user");
                write_u64(out, u64::from(k));
                out.push_str("@example.com");
            }
            Text::Link(name, k) => {
                out.push_str("https://example.com/");
                out.push_str(name);
                out.push('/');
                write_u64(out, u64::from(k));
            }
        }
    }

    /// The text.
    pub fn to_text(self) -> String {
        let mut s = String::with_capacity(32);
        self.write(&mut s);
        s
    }
}

/// The code of a value object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValueIdCell {
    /// A number.
    Int(i64),
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

/// `YYYY-MM-DD hh:mm:ss` of seconds since the epoch.
pub(crate) fn datetime_of(secs: i64) -> NaiveDateTime {
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

    /// The text of a text or enum cell.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Cell::Str(s) | Cell::Enum(s) => Some(Cow::Borrowed(s)),
            Cell::Text(t) => Some(Cow::Owned(t.to_text())),
            _ => None,
        }
    }

    /// Appends the cell's wire form (JSON) to `out`.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Cell::Null => out.push_str("null"),
            Cell::Int(n) => {
                if *n < 0 {
                    out.push('-');
                }
                write_u64(out, n.unsigned_abs());
            }
            Cell::Cents(c) => {
                let sign = if *c < 0 { "-" } else { "" };
                let _ = write!(out, "{sign}{}.{:02}", c.unsigned_abs() / 100, c.unsigned_abs() % 100);
            }
            Cell::Str(s) | Cell::Enum(s) => write_str(out, s),
            Cell::Text(t @ Text::Link(..)) => write_str(out, &t.to_text()),
            Cell::Text(t) => {
                out.push('"');
                t.write(out);
                out.push('"');
            }
            Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Cell::DateTime(secs) => write_datetime(out, *secs),
            Cell::Date(days) => {
                out.push('"');
                write_date(out, *days);
                out.push('"');
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
            (Cell::Str(a) | Cell::Enum(a), Cell::Str(b) | Cell::Enum(b)) => a.as_ref().cmp(b.as_ref()),
            (
                a @ (Cell::Str(_) | Cell::Enum(_) | Cell::Text(_)),
                b @ (Cell::Str(_) | Cell::Enum(_) | Cell::Text(_)),
            ) => a.text().cmp(&b.text()),
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
            Cell::Str(_) | Cell::Text(_) => 2,
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
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        // Nothing to escape: the common case, without serde_json's byte-by-byte writer.
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).expect("a string serializes"));
    }
}

/// Writes `YYYY-MM-DD` of days since the epoch.
fn write_date(out: &mut String, days: i64) {
    use chrono::Datelike;
    let d = EPOCH + TimeDelta::days(days);
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10];
        for n in digits {
            out.push(char::from(b'0' + n as u8));
        }
        for (sep, n) in [('-', m), ('-', day)] {
            out.push(sep);
            two(out, n);
        }
    } else {
        let _ = write!(out, "{}", dataapi_runtime::Date(d));
    }
}

/// Writes a number in decimal without the formatting machinery.
fn write_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[at..]).expect("digits"));
}

fn two(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Writes `"YYYY-MM-DD hh:mm:ss"` of seconds since the epoch.
fn write_datetime(out: &mut String, secs: i64) {
    out.push('"');
    write_date(out, secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400) as u32;
    out.push(' ');
    two(out, t / 3600);
    out.push(':');
    two(out, t / 60 % 60);
    out.push(':');
    two(out, t % 60);
    out.push('"');
}

/// Words text fields are made of: mixed case and two scripts, so that `like`, `ilike` and
/// `regexp` have something to tell apart.
const WORDS: [&str; 12] =
    ["alpha", "Beta", "GAMMA", "delta", "Эпсилон", "zeta", "Eta", "theta", "Йота", "kappa", "Lambda", "mu"];

/// What the data set is made from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataOptions {
    /// The seed: the same seed and options give the same rows.
    pub seed: u64,
    /// The first day with rows.
    pub from: NaiveDate,
    /// The last day with rows (inclusive).
    pub till: NaiveDate,
    /// Rows of each method on each day.
    pub rows_per_day: u32,
    /// The account's time zone (what `get.account` answers; the rows' times are naive local
    /// times in it).
    pub time_zone: Tz,
    /// How rows arrive, change and disappear (default: never; every row always there).
    pub history: HistoryOptions,
}

impl Default for DataOptions {
    fn default() -> Self {
        DataOptions {
            seed: 7,
            from: NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date"),
            till: NaiveDate::from_ymd_opt(2026, 3, 31).expect("a valid date"),
            rows_per_day: 300,
            time_zone: chrono_tz::Europe::Moscow,
            history: HistoryOptions::default(),
        }
    }
}

/// How a method's rows live: when each appears, is edited and disappears, all drawn from the
/// seed, the method and the row, so the same options give the same history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryOptions {
    /// A row appears at its time plus a delay drawn from `0..=late_seconds`.
    pub late_seconds: u64,
    /// The share of rows (0 to 1) that get a second version of some non-key fields.
    pub edit_rate: f64,
    /// Edits and deletions happen within this many seconds after a row appeared (at least 1).
    pub edit_window: u64,
    /// The share of rows (0 to 1) that disappear.
    pub delete_rate: f64,
    /// Seconds of the period that each hold `dense_rows` rows of their own.
    pub dense_seconds: u32,
    /// Rows in each dense second.
    pub dense_rows: u32,
    /// Rows that tie on every sort key come back in an order that changes from request to
    /// request (without `sort`, the order is by the row's time, so rows of one second tie).
    pub unstable_ties: bool,
    /// Rows are visible only from the moment they appear, as the server's clock reads it. On
    /// whenever a clock start or a manual clock is given, or any other option here is.
    pub clocked: bool,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        HistoryOptions {
            late_seconds: 0,
            edit_rate: 0.0,
            edit_window: 86_400,
            delete_rate: 0.0,
            dense_seconds: 0,
            dense_rows: 12_000,
            unstable_ties: false,
            clocked: false,
        }
    }
}

impl HistoryOptions {
    /// A realistic mix: rows up to 2 hours late, 5 % edited and 1 % deleted within a day of
    /// appearing, unstable ties.
    pub fn live() -> Self {
        HistoryOptions {
            late_seconds: 7_200,
            edit_rate: 0.05,
            edit_window: 86_400,
            delete_rate: 0.01,
            unstable_ties: true,
            clocked: true,
            ..HistoryOptions::default()
        }
    }

    /// Whether rows have a history at all (otherwise every row is there, as it first was).
    pub fn is_on(&self) -> bool {
        self.clocked
            || self.late_seconds > 0
            || self.edit_rate > 0.0
            || self.delete_rate > 0.0
            || self.dense_seconds > 0
            || self.unstable_ties
    }

    /// Whether the options make sense; the message says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        for (name, rate) in [("edit rate", self.edit_rate), ("delete rate", self.delete_rate)] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("the {name} must be from 0 to 1, not {rate}"));
            }
        }
        if self.edit_window == 0 {
            return Err("the edit window must be at least 1 second".into());
        }
        if self.edit_window > MAX_DELAY || self.late_seconds > MAX_DELAY {
            return Err(format!("late seconds and the edit window are at most {MAX_DELAY} (ten years)"));
        }
        if self.dense_seconds > 0 && self.dense_rows == 0 {
            return Err("a dense second needs at least 1 row".into());
        }
        if u64::from(self.dense_seconds) * u64::from(self.dense_rows) > 10_000_000 {
            return Err("dense seconds hold at most 10 000 000 rows in all".into());
        }
        Ok(())
    }
}

/// The longest delay of a row or of its edit: ten years.
const MAX_DELAY: u64 = 10 * 366 * 86_400;

/// When a row appears, is edited and disappears (seconds since 1970-01-01, naive local).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowHistory {
    /// From this moment on the row is visible.
    pub appears: i64,
    /// From this moment on the row has its second version.
    pub edited: Option<i64>,
    /// From this moment on the row is gone.
    pub deleted: Option<i64>,
}

impl RowHistory {
    /// Whether the row is visible at `t`.
    pub fn visible_at(&self, t: i64) -> bool {
        self.appears <= t && self.deleted.is_none_or(|d| t < d)
    }

    /// The row's version at `t`: 0 as it appeared, 1 once edited.
    pub fn version_at(&self, t: i64) -> u8 {
        u8::from(self.edited.is_some_and(|e| e <= t))
    }
}

/// A number in `[0, 1)` from a hash.
fn fraction(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Rows of a method without a time field (a list, such as the chat channels): a list's size,
/// not a period's.
pub const LIST_ROWS: u64 = 300;

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
    flavors: Vec<Flavor>,
    /// `"name":` of each field, printed once.
    keys: Vec<String>,
    /// Columns that filters and sorts have read, computed once (small data sets only).
    columns: Vec<OnceLock<Box<[Cell]>>>,
    /// How many rows it has.
    len: u64,
    history: HistoryOptions,
    /// The dense seconds, in time order: each second and the number of ordinary rows at or
    /// before it (its block of `dense_rows` rows follows them).
    dense: Vec<(i64, u64)>,
    dense_rows: u64,
    /// `get.account`: the one row is the account.
    account: Option<Tz>,
    /// Every row's history, computed once (small data sets only).
    histories: OnceLock<Box<[RowHistory]>>,
}

/// The most rows whose columns are kept once a filter or sort reads them (about 20 MB a
/// column at most); larger data sets compute every cell each time it is read.
const CACHED_ROWS: u64 = 300_000;

/// What kind of text or number a field holds, guessed once from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// `…_id`: small ids that repeat.
    Id,
    /// `…duration…`: seconds up to an hour.
    Duration,
    /// `…phone…`: phone numbers.
    Phone,
    /// `…email…`: addresses.
    Email,
    /// `…url…`, `…link…`, `…record…`, `…page…`: links.
    Link,
    /// Anything else.
    Plain,
}

impl Flavor {
    fn of(name: &str) -> Flavor {
        if name.ends_with("_id") {
            Flavor::Id
        } else if name.contains("duration") {
            Flavor::Duration
        } else if name.contains("phone") {
            Flavor::Phone
        } else if name.contains("email") {
            Flavor::Email
        } else if ["url", "link", "record", "page"].iter().any(|w| name.contains(w)) {
            Flavor::Link
        } else {
            Flavor::Plain
        }
    }
}

/// The field that gives a row its time (the date window and the spreading of rows over the
/// period): the method's first top-level date-time field.
pub fn time_field(method: &MethodDescriptor) -> Option<usize> {
    method.fields.iter().position(|f| matches!(f.ty, TypeDescriptor::DateTime))
}

/// The field that identifies a row, where there is one: `id`.
pub fn id_field(method: &MethodDescriptor) -> Option<usize> {
    // `id`, or else the first plain field of the method's key: unique per row, so that the
    // key tells rows apart as the schema says it does.
    method.fields.iter().position(|f| f.name == "id").or_else(|| {
        method.fields.iter().position(|f| {
            method.key.contains(&f.name) && matches!(f.ty, TypeDescriptor::Integer | TypeDescriptor::String)
        })
    })
}

impl Dataset {
    /// The data set of `methods` under `options`.
    pub fn new(methods: &[&'static MethodDescriptor], options: DataOptions) -> Self {
        let days = u64::try_from((options.till - options.from).num_days() + 1).unwrap_or(0);
        let methods = methods
            .iter()
            .map(|&descriptor| {
                let mut m = MethodData {
                    descriptor,
                    salt: mix(options.seed ^ mix(name_hash(descriptor.name))),
                    time: time_field(descriptor),
                    id: id_field(descriptor),
                    rows_per_day: u64::from(options.rows_per_day),
                    days,
                    first_day: days_of(options.from),
                    field_salts: descriptor.fields.iter().map(|f| name_hash(f.name)).collect(),
                    flavors: descriptor.fields.iter().map(|f| Flavor::of(f.name)).collect(),
                    keys: descriptor
                        .fields
                        .iter()
                        .map(|f| {
                            let mut key = String::new();
                            write_str(&mut key, f.name);
                            key.push(':');
                            key
                        })
                        .collect(),
                    columns: descriptor.fields.iter().map(|_| OnceLock::new()).collect(),
                    len: days * u64::from(options.rows_per_day),
                    history: options.history,
                    dense: Vec::new(),
                    dense_rows: u64::from(options.history.dense_rows),
                    account: (descriptor.name == ACCOUNT_METHOD).then_some(options.time_zone),
                    histories: OnceLock::new(),
                };
                if m.account.is_some() {
                    m.len = 1;
                    m.time = None;
                } else if m.time.is_none() {
                    m.len = m.len.min(LIST_ROWS);
                } else if options.history.dense_seconds > 0 && m.len > 0 {
                    m.place_dense_seconds(options.history.dense_seconds);
                }
                m
            })
            .collect();
        Dataset { options, days, methods }
    }

    /// The rows visible at `t` with their values then. Without a history
    /// ([`HistoryOptions::is_on`]) that is every row, whatever `t`.
    pub fn as_of(&self, t: NaiveDateTime) -> AsOf<'_> {
        AsOf { dataset: self, at: self.options.history.is_on().then(|| secs_of(t)) }
    }

    /// Whether rows have a history (and so the clock decides what a request sees).
    pub fn is_live(&self) -> bool {
        self.options.history.is_on()
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
    /// How many rows the method has over the whole period, whatever their history.
    pub fn len(&self) -> u64 {
        self.len
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
    /// each at a random second of its own slot, and the blocks of dense seconds lie among
    /// them, so times never decrease with `g`.
    pub fn time_of(&self, g: u64) -> i64 {
        if self.dense.is_empty() {
            return self.ordinary_time(g);
        }
        match self.slot(g) {
            Ok(i) => self.ordinary_time(i),
            Err(k) => self.dense[k].0,
        }
    }

    /// Row `g` as the ordinary row `Ok(i)` or a row of dense second `Err(k)`.
    fn slot(&self, g: u64) -> Result<u64, usize> {
        let d = self.dense_rows;
        for (k, &(_, before)) in self.dense.iter().enumerate() {
            let start = before + k as u64 * d;
            if g < start {
                return Ok(g - k as u64 * d);
            }
            if g < start + d {
                return Err(k);
            }
        }
        Ok(g - self.dense.len() as u64 * d)
    }

    /// Draws `n` dense seconds within the period and lays their blocks among the rows.
    fn place_dense_seconds(&mut self, n: u32) {
        let ordinary = self.len;
        let mut rng = Rng::new(self.salt ^ 0xde45_e5ec);
        let span = self.days * 86_400;
        let mut seconds: Vec<i64> = (0..n).map(|_| self.first_day * 86_400 + rng.below(span.max(1)) as i64).collect();
        seconds.sort_unstable();
        self.dense = seconds
            .into_iter()
            .map(|second| {
                let (mut lo, mut hi) = (0, ordinary);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if self.ordinary_time(mid) <= second {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                (second, lo)
            })
            .collect();
        self.len = ordinary + u64::from(n) * self.dense_rows;
    }

    /// The time of ordinary row `i`.
    fn ordinary_time(&self, g: u64) -> i64 {
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
    pub(crate) fn cell(&self, g: u64, f: usize) -> Cell {
        self.cell_of(g, f, 0)
    }

    /// The cell of field `f` of row `g` in its first version (`edit` 0) or as edited (a
    /// seed of its own).
    fn cell_of(&self, g: u64, f: usize, edit: u64) -> Cell {
        let field = &self.descriptor.fields[f];
        if let Some(zone) = self.account {
            return match field.name {
                "app_id" => Cell::Int(1),
                "name" => Cell::Str(Cow::Borrowed("Fake account")),
                "timezone" => Cell::Str(Cow::Borrowed(zone.name())),
                _ => Cell::Null,
            };
        }
        if Some(f) == self.time {
            return Cell::DateTime(self.time_of(g));
        }
        let mut rng = Rng::new(self.salt ^ mix(g ^ self.field_salts[f].rotate_left(17)) ^ edit);
        if Some(f) == self.id {
            let spread = (rng.below(4)) as i64;
            return match field.ty {
                TypeDescriptor::String => Cell::Str(Cow::Owned((1_000_000 + g as i64 * 4 + spread).to_string())),
                _ => Cell::Int(1_000_000 + g as i64 * 4 + spread),
            };
        }
        let day = if self.dense.is_empty() {
            self.first_day + (g / self.rows_per_day.max(1)) as i64
        } else {
            self.time_of(g).div_euclid(86_400)
        };
        // A key field always has a value.
        if rng.chance(8) && !self.descriptor.key.contains(&field.name) {
            return Cell::Null;
        }
        generate(field, self.flavors[f], &field.ty, &mut rng, day, 0)
    }

    /// When row `g` appears, is edited and disappears. Without a history, and for rows
    /// without a time (lists), it is there from the beginning and never changes.
    pub fn history(&self, g: u64) -> RowHistory {
        if self.len > CACHED_ROWS || !self.history.is_on() {
            return self.history_of(g);
        }
        self.histories.get_or_init(|| (0..self.len).map(|g| self.history_of(g)).collect())[g as usize]
    }

    fn history_of(&self, g: u64) -> RowHistory {
        let h = &self.history;
        if self.time.is_none() || !h.is_on() {
            return RowHistory { appears: i64::MIN, edited: None, deleted: None };
        }
        let base = mix(self.salt ^ 0x4157_0badu64 ^ mix(g));
        let draw = |k: u64| mix(base ^ k);
        let delay = if h.late_seconds > 0 { draw(1) % (h.late_seconds + 1) } else { 0 };
        let appears = self.time_of(g).saturating_add(delay as i64);
        let within = |k: u64| appears.saturating_add(1 + (draw(k) % h.edit_window.max(1)) as i64);
        let edited = (h.edit_rate > 0.0 && fraction(draw(2)) < h.edit_rate).then(|| within(3));
        let deleted = (h.delete_rate > 0.0 && fraction(draw(4)) < h.delete_rate).then(|| within(5));
        RowHistory { appears, edited, deleted }
    }

    /// Whether an edit of row `g` changes field `f` (never its key nor its time: about half
    /// of the other fields).
    pub fn edit_changes(&self, g: u64, f: usize) -> bool {
        Some(f) != self.id
            && Some(f) != self.time
            && !self.descriptor.key.contains(&self.descriptor.fields[f].name)
            && mix(self.salt ^ mix(g ^ self.field_salts[f]) ^ 0xed17) & 1 == 1
    }

    /// The cell of field `f` of row `g` in version `version` (0 as it appeared, 1 edited).
    pub(crate) fn cell_at(&self, g: u64, f: usize, version: u8) -> Cow<'_, Cell> {
        if version > 0 && self.edit_changes(g, f) {
            Cow::Owned(self.cell_of(g, f, EDIT_SALT))
        } else {
            self.cell_ref(g, f)
        }
    }

    /// The version of row `g` at `at` (`None`: no history, the first version).
    pub(crate) fn version_at(&self, g: u64, at: Option<i64>) -> u8 {
        at.map_or(0, |t| self.history(g).version_at(t))
    }

    /// Whether row `g` is visible at `at` (`None`: no history, always).
    pub(crate) fn visible_at(&self, g: u64, at: Option<i64>) -> bool {
        at.is_none_or(|t| self.history(g).visible_at(t))
    }

    /// The cell of field `f` of row `g`, from the field's column where the data set is small
    /// enough to keep it: filters and sorts read the same columns request after request.
    pub(crate) fn cell_ref(&self, g: u64, f: usize) -> Cow<'_, Cell> {
        if self.len() > CACHED_ROWS {
            return Cow::Owned(self.cell(g, f));
        }
        let column = self.columns[f].get_or_init(|| (0..self.len()).map(|g| self.cell(g, f)).collect());
        Cow::Borrowed(&column[g as usize])
    }

    /// Appends row `g` as a JSON object of the fields `fields` (indices) to `out`.
    pub fn write_row(&self, g: u64, fields: &[usize], out: &mut String) {
        self.write_row_version(g, fields, 0, out);
    }

    /// Appends row `g` in version `version` (0 as it appeared, 1 edited) to `out`.
    pub fn write_row_version(&self, g: u64, fields: &[usize], version: u8, out: &mut String) {
        out.push('{');
        for (i, &f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&self.keys[f]);
            if version > 0 && self.edit_changes(g, f) {
                self.cell_of(g, f, EDIT_SALT).write_json(out);
            } else {
                self.cell(g, f).write_json(out);
            }
        }
        out.push('}');
    }

    /// The row's identity for the sort's last tie-break: its position.
    pub fn identity(&self, g: u64) -> u64 {
        g
    }
}

/// The method whose one row is the account.
pub const ACCOUNT_METHOD: &str = "get.account";

/// What an edit mixes into a cell's seed.
const EDIT_SALT: u64 = 0x5eed_0000_0000_ed17;

/// The data set as it was at one moment.
#[derive(Debug, Clone, Copy)]
pub struct AsOf<'d> {
    dataset: &'d Dataset,
    at: Option<i64>,
}

impl<'d> AsOf<'d> {
    /// One method's rows at that moment, by wire name.
    pub fn method(&self, name: &str) -> Option<MethodAsOf<'d>> {
        self.dataset.method(name).map(|rows| MethodAsOf { rows, at: self.at })
    }
}

/// One method's rows at one moment.
#[derive(Debug, Clone, Copy)]
pub struct MethodAsOf<'d> {
    /// All of the method's rows.
    pub rows: &'d MethodData,
    at: Option<i64>,
}

impl MethodAsOf<'_> {
    /// The rows visible then whose time is within `from..=till` (seconds since the epoch), in
    /// the data set's order.
    pub fn window(&self, from: i64, till: i64) -> impl Iterator<Item = u64> + '_ {
        self.rows.window(from, till).filter(|&g| self.rows.visible_at(g, self.at))
    }

    /// How many rows are visible then.
    pub fn len(&self) -> u64 {
        self.window(i64::MIN, i64::MAX).count() as u64
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends row `g` with its values then (fields by index) to `out`.
    pub fn write_row(&self, g: u64, fields: &[usize], out: &mut String) {
        self.rows.write_row_version(g, fields, self.rows.version_at(g, self.at), out);
    }
}

/// A value of type `ty` for `field`, on day `day` (days since the epoch).
fn generate(
    field: &'static FieldDescriptor,
    flavor: Flavor,
    ty: &TypeDescriptor,
    rng: &mut Rng,
    day: i64,
    depth: u32,
) -> Cell {
    let name = field.name;
    match ty {
        TypeDescriptor::Integer => Cell::Int(integer(flavor, rng)),
        TypeDescriptor::Decimal => Cell::Cents(rng.below(1_000_000) as i64),
        TypeDescriptor::String => Cell::Text(text(name, flavor, rng)),
        TypeDescriptor::Boolean => Cell::Bool(rng.below(2) == 1),
        TypeDescriptor::DateTime => Cell::DateTime(day * 86_400 + rng.below(86_400) as i64),
        TypeDescriptor::Date => Cell::Date(day),
        TypeDescriptor::Enum { name: enum_name, codes, .. } => {
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
                    let value = if depth > 3 || rng.chance(5) {
                        Cell::Null
                    } else {
                        generate(f, Flavor::of(f.name), &f.ty, rng, day, depth + 1)
                    };
                    (f.name, value)
                })
                .collect(),
        ),
        TypeDescriptor::Array(item) => {
            let len = if depth > 3 { 0 } else { rng.below(4) };
            Cell::Array((0..len).map(|_| generate(field, flavor, item, rng, day, depth + 1)).collect())
        }
        TypeDescriptor::Filter => Cell::Null,
    }
}

fn integer(flavor: Flavor, rng: &mut Rng) -> i64 {
    match flavor {
        Flavor::Id => 1 + rng.below(500) as i64,
        Flavor::Duration => rng.below(3_600) as i64,
        _ => rng.below(1_000) as i64,
    }
}

fn text(name: &'static str, flavor: Flavor, rng: &mut Rng) -> Text {
    let k = rng.below(20) as u8;
    match flavor {
        Flavor::Phone => Text::Phone(rng.below(200) as u16),
        Flavor::Email => Text::Email(k),
        Flavor::Link => Text::Link(name, k),
        _ => Text::Word(rng.below(WORDS.len() as u64) as u8, k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls() -> MethodData {
        Dataset::new(dataapi::METHODS, DataOptions::default()).method("get.calls_report").unwrap().clone()
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
    fn dates_print_as_the_runtime_prints_them() {
        for secs in [0, 59, 86_399, 1_767_225_600, 1_767_225_600 + 86_400 * 400 + 3_723, -86_400 * 3 + 5] {
            let mut s = String::new();
            write_datetime(&mut s, secs);
            assert_eq!(s, format!("\"{}\"", dataapi_runtime::DateTime(datetime_of(secs))));
            let mut s = String::new();
            write_date(&mut s, secs.div_euclid(86_400));
            assert_eq!(s, dataapi_runtime::Date(datetime_of(secs).date()).to_string());
        }
        let mut s = String::new();
        write_str(&mut s, "a \"quote\" \\ and \n");
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), "a \"quote\" \\ and \n");
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
