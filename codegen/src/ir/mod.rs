//! The checked schema: every reference resolved, every Rust name chosen.
//!
//! Emitters, the `check`/`describe` commands, the build.rs builder and the derive macros all
//! read this form and never the YAML model, so a rule is decided once, in `check`.

mod types;

pub use types::{FieldType, Kind, Scalar};

/// A text in English and Russian.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: Option<String>,
    /// Russian.
    pub ru: Option<String>,
}

impl Text {
    /// The first line of the English text, or of the Russian one where there is no English,
    /// with its runs of whitespace made single spaces; empty where there is neither. The
    /// descriptors carry it as a field's doc.
    pub fn headline(&self) -> String {
        let text = self.en.as_deref().or(self.ru.as_deref()).unwrap_or_default();
        let line = text.trim().lines().next().unwrap_or_default();
        line.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A three-valued fact from the docs: yes, no, or an empty cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::enum_variant_names, reason = "the same words as `dataapi::runtime::Stated`")]
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
    pub fn allows(self) -> bool {
        self == Stated::Yes
    }

    /// `yes`, `no` or `-`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stated::Yes => "yes",
            Stated::No => "no",
            Stated::NotStated => "-",
        }
    }
}

/// The whole API.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Enums shared by several methods, by name.
    pub enums: Vec<Enum>,
    /// Filter operators, in table order.
    pub operators: Vec<Operator>,
    /// Error codes, in table order.
    pub errors: Vec<ErrorCode>,
    /// Every mnemonic of the error table as one open enum, in table order (the values'
    /// aliases are the other spellings).
    pub mnemonics: Enum,
    /// Methods, by wire name.
    pub methods: Vec<Method>,
    /// Event families, by name.
    pub event_families: Vec<EventFamily>,
}

impl Schema {
    /// The method with this wire name.
    pub fn method(&self, name: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.name == name)
    }

    /// The operator with this wire name.
    pub fn operator(&self, wire: &str) -> Option<&Operator> {
        self.operators.iter().find(|o| o.wire == wire)
    }

    /// A shared enum by schema name.
    pub fn shared_enum(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The enum a reference points to.
    pub fn resolve<'a>(&'a self, method: &'a [Enum], r: &EnumRef) -> &'a Enum {
        let list = match r.scope {
            EnumScope::Shared => &self.enums,
            EnumScope::Local => method,
        };
        &list[r.index]
    }
}

/// Where an enum is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnumScope {
    /// In `enums.yaml`.
    Shared,
    /// In the method or event family that uses it.
    Local,
}

/// A resolved reference to an enum.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumRef {
    /// Where it is declared.
    pub scope: EnumScope,
    /// Index in the shared list or in the owner's `enums`.
    pub index: usize,
    /// Schema name.
    pub name: String,
}

/// An open enum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enum {
    /// Schema name.
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// Description.
    pub doc: Text,
    /// A remark on how the docs and the API differ.
    pub note: Option<String>,
    /// Known codes, in doc order.
    pub values: Vec<EnumValue>,
}

/// A known code of an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// The code on the wire.
    pub code: String,
    /// Rust variant name.
    pub rust_name: String,
    /// Description.
    pub doc: Text,
    /// A remark.
    pub note: Option<String>,
    /// Other wire spellings (another brand's docs, older docs), decoded to the same variant.
    pub aliases: Vec<String>,
    /// The display labels the docs show in place of the code, where they show no code.
    pub labels: Text,
}

/// The name of the catch-all variant of every generated enum; no code may take it.
pub const CATCH_ALL_VARIANT: &str = "Unrecognized";

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// Wire name (`=`, `not_in`).
    pub wire: String,
    /// Builder method name.
    pub rust_name: String,
    /// The marker type named in compiler messages (`NotIn`).
    pub marker: String,
    /// The static holding its descriptor (`NOT_IN`).
    pub static_name: String,
    /// The builder method of its `null` form (`eq_null`), where `null` may stand for the value
    /// of an operator that takes one.
    pub null_method: Option<String>,
    /// Kinds of field it applies to.
    pub fits: Vec<Kind>,
    /// What its value is.
    pub value: ValueShape,
    /// Whether `null` may stand for the value.
    pub null: bool,
    /// Whether every method accepts it (`false`: the docs say not all do).
    pub everywhere: bool,
    /// Description.
    pub doc: Text,
}

impl Operator {
    /// Whether the operator applies to a field of this kind.
    pub fn fits(&self, kind: Kind) -> bool {
        self.fits.iter().any(|&k| k == Kind::Any || k == kind)
    }
}

/// A JSON-RPC error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code.
    pub code: i64,
    /// Group name.
    pub group: String,
    /// Description.
    pub doc: Text,
    /// Mnemonics reported under it.
    pub mnemonics: Vec<Mnemonic>,
}

/// An error mnemonic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mnemonic {
    /// The mnemonic on the wire.
    pub name: String,
    /// Rust variant name.
    pub rust_name: String,
    /// Other spellings of it.
    pub aliases: Vec<String>,
    /// Only `get.*` methods report it.
    pub get_only: bool,
    /// Description.
    pub doc: Text,
}

/// Who may call a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// An agent acting for its clients.
    Partner,
    /// A client.
    Customer,
}

/// The kind of request a method takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A classic report.
    Report,
    /// A flat user report: `fields` is ordered and required for data.
    FlatReport,
}

/// Where a method's date range comes from, and whether its requests carry dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateRange {
    /// The method's page states the range.
    Documented,
    /// The page states none: the API-wide rule of 3 months (90 days) applies.
    General,
    /// The request takes no `date_from`/`date_till` (a list, not a dated report).
    NoDates,
}

/// A brand whose docs describe the API; they are one white-labelled codebase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Brand {
    /// CoMagic and UIS (the Russian docs).
    CoMagic,
    /// CallGear (the English docs).
    CallGear,
}

impl Brand {
    /// Every brand, with its schema word.
    pub const ALL: [(&'static str, Brand); 2] = [("comagic", Brand::CoMagic), ("callgear", Brand::CallGear)];

    /// The Rust variant name (`CoMagic`).
    pub fn rust_name(self) -> &'static str {
        match self {
            Brand::CoMagic => "CoMagic",
            Brand::CallGear => "CallGear",
        }
    }
}

/// Reply fields whose filters need a companion: a request parameter, or a filter on another
/// reply field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterRequires {
    /// The fields the rule is about.
    pub fields: Vec<String>,
    /// Parameters or reply fields of which one must be present.
    pub with_one_of: Vec<String>,
    /// The mnemonic the API answers without one.
    pub mnemonic: String,
    /// Description.
    pub doc: Text,
}

/// Limits the validators enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Where the date range comes from; [`DateRange::NoDates`]: the request has no dates.
    pub date_range: DateRange,
    /// Longest date range in days (90 for [`DateRange::General`], 0 for
    /// [`DateRange::NoDates`]).
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

/// A doc section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: Text,
}

/// An API method.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// Wire name (`get.calls_report`).
    pub name: String,
    /// Rust module name (`calls_report`).
    pub module: String,
    /// Rust type stem (`CallsReport`).
    pub rust_name: String,
    /// Title.
    pub title: Text,
    /// Description.
    pub description: Text,
    /// Who may call it.
    pub access: Vec<Access>,
    /// Points charged per call.
    pub weight: u32,
    /// Components the account needs.
    pub components: Vec<String>,
    /// Kind of request.
    pub kind: RequestKind,
    /// Method-specific request parameters.
    pub params: Vec<Field>,
    /// Limits.
    pub limits: Limits,
    /// Indices into [`Schema::operators`] of the operators it accepts.
    pub operators: Vec<usize>,
    /// Doc sections.
    pub groups: Vec<Group>,
    /// The method's own enums.
    pub enums: Vec<Enum>,
    /// Reply fields.
    pub fields: Vec<Field>,
    /// Whether rows keep the reply keys the fields do not list, in an `unknown_keys` map.
    pub keep_unknown_keys: bool,
    /// Sets of parameters of which a request must carry one in full.
    pub requires_one_of: Vec<Vec<String>>,
    /// Filters that need a companion.
    pub filter_requires: Vec<FilterRequires>,
    /// The reply fields whose values together tell rows apart; empty where none do.
    pub key: Vec<String>,
}

impl Field {
    /// The identifier: raw (`r#type`) where the name check decided so.
    pub fn ident(&self) -> proc_macro2::Ident {
        match self.rust_name.strip_prefix("r#") {
            Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
            None => proc_macro2::Ident::new(&self.rust_name, proc_macro2::Span::call_site()),
        }
    }

    /// Whether serde needs a `rename`: the Rust name is not the wire name.
    pub fn renamed(&self) -> bool {
        self.rust_name.strip_prefix("r#").unwrap_or(&self.rust_name) != self.name
    }
}

impl Method {
    /// The top-level reply field with this wire name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether a request carries dates: `Some(true)` always, `Some(false)` where
    /// `requires_one_of` names them (they may be left out), `None` where it has none.
    pub fn dates_required(&self) -> Option<bool> {
        if self.limits.date_range == DateRange::NoDates {
            return None;
        }
        Some(!self.requires_one_of.iter().flatten().any(|p| p == "date_from" || p == "date_till"))
    }
}

/// A reply field, request parameter or event field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Rust name (snake_case, `r#`-escaped where needed).
    pub rust_name: String,
    /// Type.
    pub ty: FieldType,
    /// Filtering allowed.
    pub filter: Stated,
    /// Sorting allowed.
    pub sort: Stated,
    /// Returned by default.
    pub default: Stated,
    /// Index into the owner's groups.
    pub group: Option<usize>,
    /// Required (parameters and event fields).
    pub required: bool,
    /// A number and a numeric string decode alike.
    pub lenient: bool,
    /// Description.
    pub doc: Text,
    /// A remark.
    pub note: Option<String>,
    /// The docs mark it deprecated.
    pub deprecated: bool,
    /// The brands whose docs list it; empty: every brand.
    pub brands: Vec<Brand>,
}

/// A queue type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueType {
    /// Code.
    pub code: String,
    /// Rust variant name.
    pub rust_name: String,
    /// Whether an agent takes part.
    pub with_agent: bool,
    /// Description.
    pub doc: Text,
}

/// A family of events.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFamily {
    /// Rust module (`queue`).
    pub name: String,
    /// The family's name as the schema writes it.
    pub family: String,
    /// Title.
    pub title: Text,
    /// Description.
    pub description: Text,
    /// The payload key that names the event.
    pub event_key: String,
    /// Whether payloads carry extra variables.
    pub extra_variables: bool,
    /// Queue types.
    pub queue_types: Vec<QueueType>,
    /// The queue types as the open enum `QueueType`, in the same order.
    pub queue_type: Enum,
    /// Enums of the family.
    pub enums: Vec<Enum>,
    /// Events.
    pub events: Vec<Event>,
}

/// One event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Wire name (`Answered`).
    pub name: String,
    /// Rust name (`Answered`).
    pub rust_name: String,
    /// Description.
    pub doc: Text,
    /// Indices into the family's queue types.
    pub queues: Vec<usize>,
    /// The event whose payload type it shares (`Active` shares `Answered`'s).
    pub same_as: Option<usize>,
    /// Fields (copied from `same_as` where set).
    pub fields: Vec<Field>,
}

/// The names a method's `fields` module imports for its markers; no reply field's Rust name
/// may be one of them.
pub const FIELDS_MODULE_NAMES: [&str; 6] = ["Method", "Date", "DateTime", "Decimal", "ValueId", "Value"];

/// Module names the generated crate keeps for itself; no method or family may take them.
pub const RESERVED_MODULES: [&str; 8] =
    ["enums", "error", "filter", "prelude", "reply", "request", "runtime", "validate"];
