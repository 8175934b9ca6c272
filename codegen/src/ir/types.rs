//! Field types and the kinds operators are matched against.

use super::{EnumRef, Field};

/// A scalar reply type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// Whole number (ids, counts, durations).
    Integer,
    /// Exact fraction (money).
    Decimal,
    /// Text.
    String,
    /// `true` / `false`.
    Boolean,
    /// `YYYY-MM-DD hh:mm:ss`, account-local.
    DateTime,
    /// `YYYY-MM-DD`.
    Date,
}

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// A scalar.
    Scalar(Scalar),
    /// An enum.
    Enum(EnumRef),
    /// The flat reports' `{value, value_id}`.
    ValueObject,
    /// A nested object; the Rust type name and its fields.
    Object {
        /// Rust type name.
        rust_name: String,
        /// Fields.
        fields: Vec<Field>,
    },
    /// An array.
    Array(Box<FieldType>),
    /// A filter expression (request parameters only).
    Filter,
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

impl Kind {
    /// Every kind, with its name in the operator table.
    pub const ALL: [(&'static str, Kind); 9] = [
        ("number", Kind::Number),
        ("string", Kind::String),
        ("boolean", Kind::Boolean),
        ("iso8601", Kind::Iso8601),
        ("enum", Kind::Enum),
        ("array", Kind::Array),
        ("object", Kind::Object),
        ("value_object", Kind::ValueObject),
        ("any", Kind::Any),
    ];

    /// The name in the operator table.
    pub fn as_str(self) -> &'static str {
        Kind::ALL.iter().find(|(_, k)| *k == self).map_or("any", |(n, _)| n)
    }

    /// The name of its marker in the runtime (`value_object` → `ValueObject`).
    pub fn rust_name(self) -> String {
        heck::ToUpperCamelCase::to_upper_camel_case(self.as_str())
    }
}

impl FieldType {
    /// The kind the operator table matches.
    pub fn kind(&self) -> Kind {
        match self {
            FieldType::Scalar(Scalar::Integer | Scalar::Decimal) => Kind::Number,
            FieldType::Scalar(Scalar::String) => Kind::String,
            FieldType::Scalar(Scalar::Boolean) => Kind::Boolean,
            FieldType::Scalar(Scalar::DateTime | Scalar::Date) => Kind::Iso8601,
            FieldType::Enum(_) => Kind::Enum,
            FieldType::ValueObject => Kind::ValueObject,
            FieldType::Object { .. } | FieldType::Filter => Kind::Object,
            FieldType::Array(_) => Kind::Array,
        }
    }

    /// Calls `visit` on this type and every type inside it: an array's items, an object's
    /// fields, their items and fields, and so on.
    pub fn visit<'a>(&'a self, visit: &mut impl FnMut(&'a FieldType)) {
        visit(self);
        match self {
            FieldType::Array(item) => item.visit(visit),
            FieldType::Object { fields, .. } => fields.iter().for_each(|f| f.ty.visit(visit)),
            _ => {}
        }
    }

    /// Calls `visit` on this type and every type inside it, mutably.
    pub fn visit_mut(&mut self, visit: &mut impl FnMut(&mut FieldType)) {
        visit(self);
        match self {
            FieldType::Array(item) => item.visit_mut(visit),
            FieldType::Object { fields, .. } => fields.iter_mut().for_each(|f| f.ty.visit_mut(visit)),
            _ => {}
        }
    }

    /// The type as the schema writes it (`array of enum finish_reason`).
    pub fn describe(&self) -> String {
        match self {
            FieldType::Scalar(s) => s.as_str().to_owned(),
            FieldType::Enum(r) => format!("enum {}", r.name),
            FieldType::ValueObject => "value_object".into(),
            FieldType::Object { .. } => "object".into(),
            FieldType::Array(item) => format!("array of {}", item.describe()),
            FieldType::Filter => "filter".into(),
        }
    }
}

impl Scalar {
    /// Every scalar, with its schema name.
    pub const ALL: [(&'static str, Scalar); 6] = [
        ("integer", Scalar::Integer),
        ("decimal", Scalar::Decimal),
        ("string", Scalar::String),
        ("boolean", Scalar::Boolean),
        ("datetime", Scalar::DateTime),
        ("date", Scalar::Date),
    ];

    /// The schema name.
    pub fn as_str(self) -> &'static str {
        Scalar::ALL.iter().find(|(_, s)| *s == self).map_or("string", |(n, _)| n)
    }
}
