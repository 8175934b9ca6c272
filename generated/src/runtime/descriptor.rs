//! Static descriptions of methods and fields, for validators and the `describe` command.

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
}

/// Limits of a method's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitsDescriptor {
    /// Longest date range in days.
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
    /// Wire names of the operators it accepts.
    pub operators: &'static [&'static str],
    /// Method-specific parameters.
    pub params: &'static [FieldDescriptor],
    /// Reply fields.
    pub fields: &'static [FieldDescriptor],
}

impl MethodDescriptor {
    /// The top-level reply field with this wire name.
    pub fn field(&self, name: &str) -> Option<&'static FieldDescriptor> {
        self.fields.iter().find(|f| f.name == name)
    }
}
