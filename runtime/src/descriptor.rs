//! Static descriptions of methods and fields, for validators and the `describe` command.

use std::fmt;

/// A three-valued fact from the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stated {
    /// The docs say yes.
    Yes,
    /// The docs say no.
    No,
    /// The docs leave it empty.
    NotStated,
}

impl Stated {
    /// Only an explicit yes allows something.
    pub const fn allows(self) -> bool {
        matches!(self, Stated::Yes)
    }
}

/// The kind of request a method takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A classic report.
    Report,
    /// A flat user report: `fields` is ordered and required for data.
    FlatReport,
}

/// The type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeDescriptor {
    /// Whole number.
    Integer,
    /// Exact fraction.
    Decimal,
    /// Text.
    String,
    /// Boolean.
    Boolean,
    /// `YYYY-MM-DD hh:mm:ss`.
    DateTime,
    /// `YYYY-MM-DD`.
    Date,
    /// An enum: its schema name and known codes.
    Enum {
        /// Schema name.
        name: &'static str,
        /// Known codes.
        codes: &'static [&'static str],
        /// The display labels the docs show for codes they do not name (`form_type`).
        labels: &'static [Label],
    },
    /// `{value, value_id}`.
    ValueObject,
    /// A nested object.
    Object(&'static [FieldDescriptor]),
    /// An array.
    Array(&'static TypeDescriptor),
    /// A filter expression.
    Filter,
}

/// The display label the docs show in place of an enum code, and the code it is believed to
/// stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// The code the label is believed to stand for.
    pub code: &'static str,
    /// English label.
    pub en: Option<&'static str>,
    /// Russian label.
    pub ru: Option<&'static str>,
}

/// A brand whose docs describe the API (one white-labelled codebase with small differences).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Brand {
    /// CoMagic and UIS (the Russian docs).
    CoMagic,
    /// CallGear (the English docs).
    CallGear,
}

impl fmt::Display for Brand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Brand::CoMagic => "CoMagic",
            Brand::CallGear => "CallGear",
        })
    }
}

/// Where a method's longest date range comes from, and whether its requests carry dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateRange {
    /// The method's page states it.
    Documented,
    /// The page states none; the API-wide rule of 3 months, taken as 90 days, applies.
    General,
    /// The request takes no `date_from`/`date_till`.
    NoDates,
}

/// A rule that a filter on some reply fields needs a companion: a parameter of the request,
/// or a condition on another reply field in the same filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterRequires {
    /// The fields whose filters need company.
    pub fields: &'static [&'static str],
    /// Parameters or reply fields of which one must be present.
    pub with_one_of: &'static [&'static str],
    /// What the API answers without one.
    pub mnemonic: &'static str,
}

/// What kind of value a field holds, as the operator table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Integer or decimal.
    Number,
    /// Text.
    String,
    /// Boolean.
    Boolean,
    /// Date-time or date.
    Iso8601,
    /// Enum.
    Enum,
    /// Array.
    Array,
    /// Object.
    Object,
    /// `{value, value_id}`.
    ValueObject,
    /// Every kind (in an operator's `fits`).
    Any,
}

impl TypeDescriptor {
    /// The kind the operator table matches.
    pub const fn kind(&self) -> Kind {
        match self {
            TypeDescriptor::Integer | TypeDescriptor::Decimal => Kind::Number,
            TypeDescriptor::String => Kind::String,
            TypeDescriptor::Boolean => Kind::Boolean,
            TypeDescriptor::DateTime | TypeDescriptor::Date => Kind::Iso8601,
            TypeDescriptor::Enum { .. } => Kind::Enum,
            TypeDescriptor::ValueObject => Kind::ValueObject,
            TypeDescriptor::Object(_) | TypeDescriptor::Filter => Kind::Object,
            TypeDescriptor::Array(_) => Kind::Array,
        }
    }
}

/// What an operator's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueShape {
    /// One value of the field's type.
    Same,
    /// A non-empty list of values of the field's type.
    List,
    /// A non-empty list of values of an array field's item type.
    Items,
    /// A pattern or expression string.
    Text,
    /// `null`.
    Null,
}

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorDescriptor {
    /// Wire name.
    pub wire: &'static str,
    /// Kinds of field it applies to.
    pub fits: &'static [Kind],
    /// What its value is.
    pub value: ValueShape,
    /// Whether `null` may stand for the value.
    pub null: bool,
    /// Whether every method accepts it.
    pub everywhere: bool,
}

impl OperatorDescriptor {
    /// Whether it applies to a field of this kind.
    pub fn fits(&self, kind: Kind) -> bool {
        self.fits.iter().any(|&k| k == Kind::Any || k == kind)
    }
}

/// A reply field or request parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDescriptor {
    /// Wire name.
    pub name: &'static str,
    /// Type.
    pub ty: TypeDescriptor,
    /// Filtering allowed.
    pub filter: Stated,
    /// Sorting allowed.
    pub sort: Stated,
    /// Returned by default.
    pub default: Stated,
    /// Required (parameters and event fields).
    pub required: bool,
    /// The docs mark it deprecated.
    pub deprecated: bool,
    /// The brands whose docs list it; empty: every brand.
    pub brands: &'static [Brand],
    /// The first line of its description in the schema (English where there is one); empty
    /// where the schema has none.
    pub doc: &'static str,
}

impl FieldDescriptor {
    /// Whether `brand`'s docs list the field.
    pub fn documented_for(&self, brand: Brand) -> bool {
        self.brands.is_empty() || self.brands.contains(&brand)
    }
}

/// Limits of a method's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitsDescriptor {
    /// Where the date range comes from; [`DateRange::NoDates`]: the request has no dates.
    pub date_range: DateRange,
    /// Longest date range in days (0 where the request has no dates).
    pub date_range_days: u32,
    /// Deepest filter tree, where documented.
    pub filter_depth: Option<u32>,
    /// Default `limit`.
    pub limit_default: u32,
    /// Largest `limit`.
    pub limit_max: u32,
    /// Default `offset`.
    pub offset_default: u32,
    /// Largest `offset`.
    pub offset_max: u32,
}

/// A method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodDescriptor {
    /// Wire name.
    pub name: &'static str,
    /// Kind of request.
    pub kind: RequestKind,
    /// Limits.
    pub limits: LimitsDescriptor,
    /// The operators it accepts.
    pub operators: &'static [&'static OperatorDescriptor],
    /// Method-specific parameters.
    pub params: &'static [FieldDescriptor],
    /// Reply fields.
    pub fields: &'static [FieldDescriptor],
    /// Sets of parameters of which a request must carry one in full; where the dates are in
    /// one, a request may leave them out.
    pub requires_one_of: &'static [&'static [&'static str]],
    /// Filters that need a companion.
    pub filter_requires: &'static [FilterRequires],
    /// The reply fields whose values together tell rows apart (`["id"]`, or `["call_session_id",
    /// "leg_id"]`); empty where the schema knows none. A complete pull skips rows it already
    /// yielded by it.
    pub key: &'static [&'static str],
}

impl FieldDescriptor {
    /// A field of this name and type, with no flag stated and not required; the generated
    /// descriptors add the flags the docs state.
    pub const fn new(name: &'static str, ty: TypeDescriptor) -> Self {
        FieldDescriptor {
            name,
            ty,
            filter: Stated::NotStated,
            sort: Stated::NotStated,
            default: Stated::NotStated,
            required: false,
            deprecated: false,
            brands: &[],
            doc: "",
        }
    }

    /// With filtering as the docs state it.
    pub const fn filter(mut self, filter: Stated) -> Self {
        self.filter = filter;
        self
    }

    /// With sorting as the docs state it.
    pub const fn sort(mut self, sort: Stated) -> Self {
        self.sort = sort;
        self
    }

    /// Returned by default, as the docs state it.
    pub const fn default(mut self, default: Stated) -> Self {
        self.default = default;
        self
    }

    /// Required (a parameter or an event field).
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Deprecated by the docs.
    pub const fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// Documented by these brands only.
    pub const fn brands(mut self, brands: &'static [Brand]) -> Self {
        self.brands = brands;
        self
    }

    /// With the first line of its description.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }
}

/// The parameters every report takes besides its own, in the order requests write them.
pub const COMMON_PARAMS: [&str; 9] =
    ["access_token", "user_id", "offset", "limit", "date_from", "date_till", "filter", "sort", "fields"];

impl MethodDescriptor {
    /// The top-level reply field with this wire name.
    pub fn field(&self, name: &str) -> Option<&'static FieldDescriptor> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The period field, which a report's rows are dated by: its first date-time field
    /// (`start_time` of `get.calls_report`), if it has one.
    pub fn period_field(&self) -> Option<&'static str> {
        self.fields.iter().find(|f| matches!(f.ty, TypeDescriptor::DateTime)).map(|f| f.name)
    }

    /// The fields a complete pull needs in every row, to date it and to tell it from the
    /// others: the period field, then the [`key`](MethodDescriptor::key).
    pub fn pull_fields(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.period_field().into_iter().chain(self.key.iter().copied())
    }
}

impl Stated {
    fn mark(self) -> &'static str {
        match self {
            Stated::Yes => "yes",
            Stated::No => "no",
            Stated::NotStated => "-",
        }
    }
}

impl fmt::Display for TypeDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeDescriptor::Integer => f.write_str("integer"),
            TypeDescriptor::Decimal => f.write_str("decimal"),
            TypeDescriptor::String => f.write_str("string"),
            TypeDescriptor::Boolean => f.write_str("boolean"),
            TypeDescriptor::DateTime => f.write_str("datetime"),
            TypeDescriptor::Date => f.write_str("date"),
            TypeDescriptor::Enum { name, codes, .. } => write!(f, "enum {name} ({} codes)", codes.len()),
            TypeDescriptor::ValueObject => f.write_str("value_object"),
            TypeDescriptor::Object(fields) => write!(f, "object ({} fields)", fields.len()),
            TypeDescriptor::Array(item) => write!(f, "array of {item}"),
            TypeDescriptor::Filter => f.write_str("filter"),
        }
    }
}

/// A text table: the method's limits, parameters, and every reply field with its type and flags.
impl fmt::Display for MethodDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = &self.limits;
        writeln!(f, "{} ({:?})", self.name, self.kind)?;
        let depth = l.filter_depth.map_or("not documented".to_owned(), |d| d.to_string());
        let range = match l.date_range {
            DateRange::Documented => format!("date range {} days", l.date_range_days),
            DateRange::General => format!("date range {} days (the general rule)", l.date_range_days),
            DateRange::NoDates => "no dates".to_owned(),
        };
        writeln!(
            f,
            "limits: {range}, filter depth {depth}, limit {} (default {}), offset up to {}",
            l.limit_max, l.limit_default, l.offset_max
        )?;
        if !self.requires_one_of.is_empty() {
            let sets: Vec<String> = self.requires_one_of.iter().map(|set| set.join(" + ")).collect();
            writeln!(f, "requires one of: {}", sets.join(" | "))?;
        }
        for rule in self.filter_requires {
            writeln!(
                f,
                "filter on {} needs one of {} ({})",
                rule.fields.join(", "),
                rule.with_one_of.join(", "),
                rule.mnemonic
            )?;
        }
        let operators: Vec<_> = self.operators.iter().map(|o| o.wire).collect();
        writeln!(f, "operators: {}", operators.join(" "))?;
        for p in self.params {
            writeln!(f, "param {}: {}{}", p.name, p.ty, if p.required { ", required" } else { "" })?;
        }
        let width = self.fields.iter().map(|x| x.name.len()).max().unwrap_or(0).max(5);
        writeln!(f, "{:<width$}  filter  sort  default  type", "field")?;
        for x in self.fields {
            let mut extra = String::new();
            if x.deprecated {
                extra.push_str(", deprecated");
            }
            for b in x.brands {
                extra.push_str(&format!(", {b} only"));
            }
            writeln!(
                f,
                "{:<width$}  {:<6}  {:<4}  {:<7}  {}{extra}",
                x.name,
                x.filter.mark(),
                x.sort.mark(),
                x.default.mark(),
                x.ty
            )?;
        }
        Ok(())
    }
}
