//! Filters and sort keys the compiler checks.
//!
//! Every reply field of a method is a type (`calls_report::fields::finish_reason`) that
//! implements [`Field`], and [`Filterable`] / [`Sortable`] where the docs allow it. The
//! operators are the methods of the generated `FilterOps` trait; each requires that the field
//! can be filtered and that the operator fits the field's kind ([`Fits`], implemented from the
//! schema's operator table). Misuse does not compile, and the message says why.
//!
//! `FilterOps` itself is generated with the operator table (`dataapi::operators::FilterOps`),
//! so that a schema with operators of its own gets its own; the runtime never names it.

use std::marker::PhantomData;

use serde::Serialize;

use super::filter::{Condition, Order, RawFilter, RawSort};

/// A reply field of a method.
pub trait Field: Copy {
    /// The method (`calls_report::CallsReport`).
    type Method;
    /// The type a value of the field has in a filter (an array field: its item's type).
    type Value: Serialize;
    /// The field's kind, a type of [`kind`].
    type Kind;
    /// Whether the docs allow filtering on it: [`flag::Yes`] or [`flag::No`].
    type Filter;
    /// Whether the docs allow sorting on it: [`flag::Yes`] or [`flag::No`].
    type Sort;
    /// The wire name.
    const NAME: &'static str;
}

/// Whether the docs allow something, as a type.
pub mod flag {
    /// The docs say yes.
    #[derive(Debug, Clone, Copy)]
    pub struct Yes;
    /// The docs say no, or leave the cell empty.
    #[derive(Debug, Clone, Copy)]
    pub struct No;
}

/// A field the docs allow filtering on.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be filtered: the docs do not mark it filterable",
    label = "not filterable in this method",
    note = "the rustdoc of each field of the method's `Row` says whether it can be filtered (`Filter: yes`)"
)]
pub trait Filterable: Field {}

// One blanket impl, so that a misuse is reported as the field's, without a list of every
// filterable field of every method.
#[diagnostic::do_not_recommend]
impl<F: Field<Filter = flag::Yes>> Filterable for F {}

/// A field the docs allow sorting on.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sorted: the docs do not mark it sortable",
    label = "not sortable in this method",
    note = "the rustdoc of each field of the method's `Row` says whether it can be sorted (`sort: yes`)"
)]
pub trait Sortable: Field {}

#[diagnostic::do_not_recommend]
impl<F: Field<Sort = flag::Yes>> Sortable for F {}

/// Declares a reply field as a type; the generated `fields` modules call it once per field,
/// with `Method` in scope naming the method: `field!(id: i64, Number, Yes, No)` for the field
/// `id` of type `i64`, filterable and not sortable; `field!(r#type = "type": …)` where the
/// identifier is not the wire name.
#[doc(hidden)]
#[macro_export]
macro_rules! field {
    ($(#[$attr:meta])* $ident:ident: $($rest:tt)*) => {
        $crate::field!(@ ::core::stringify!($ident), $(#[$attr])* $ident: $($rest)*);
    };
    ($(#[$attr:meta])* $ident:ident = $name:literal: $($rest:tt)*) => {
        $crate::field!(@ $name, $(#[$attr])* $ident: $($rest)*);
    };
    (@ $name:expr, $(#[$attr:meta])* $ident:ident: $value:ty, $kind:ident, $filter:ident, $sort:ident) => {
        #[doc = ::core::concat!("The reply field `", $name, "`, for typed filters and sort keys.")]
        $(#[$attr])*
        #[derive(Debug, Clone, Copy)]
        #[allow(non_camel_case_types, deprecated)]
        pub struct $ident;

        // A deprecated field warns where users name it, not here.
        #[allow(deprecated)]
        impl $crate::Field for $ident {
            type Method = Method;
            type Value = $value;
            type Kind = $crate::kind::$kind;
            type Filter = $crate::typed::flag::$filter;
            type Sort = $crate::typed::flag::$sort;
            const NAME: &'static str = $name;
        }
    };
}

/// The operator `Op` applies to fields of this kind.
#[diagnostic::on_unimplemented(
    message = "the operator `{Op}` does not fit a field of kind `{Self}`",
    label = "this operator does not apply to this field",
    note = "the rustdoc of each operator of `FilterOps` says which kinds of field it fits"
)]
pub trait Fits<Op> {}

/// The kinds of field the operator table distinguishes.
pub mod kind {
    /// Integer or decimal.
    #[derive(Debug, Clone, Copy)]
    pub struct Number;
    /// Text.
    #[derive(Debug, Clone, Copy)]
    pub struct String;
    /// Boolean.
    #[derive(Debug, Clone, Copy)]
    pub struct Boolean;
    /// Date-time or date.
    #[derive(Debug, Clone, Copy)]
    pub struct Iso8601;
    /// Enum.
    #[derive(Debug, Clone, Copy)]
    pub struct Enum;
    /// Array.
    #[derive(Debug, Clone, Copy)]
    pub struct Array;
    /// Object.
    #[derive(Debug, Clone, Copy)]
    pub struct Object;
    /// `{value, value_id}`.
    #[derive(Debug, Clone, Copy)]
    pub struct ValueObject;
}

/// A filter of method `M`: one condition or a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter<M> {
    raw: RawFilter,
    method: PhantomData<fn() -> M>,
}

impl<M> Filter<M> {
    /// A condition `{field, operator, value}`; the generated operators call this.
    #[doc(hidden)]
    pub fn condition(field: &'static str, operator: &'static str, value: serde_json::Value) -> Self {
        Filter::from_raw(RawFilter::Condition { field: field.into(), operator: operator.into(), value })
    }

    fn from_raw(raw: RawFilter) -> Self {
        Filter { raw, method: PhantomData }
    }

    /// All of `filters` hold: `{"filters": [...], "condition": "and"}`.
    pub fn all(filters: impl IntoIterator<Item = Filter<M>>) -> Self {
        Self::tree(filters, Condition::And)
    }

    /// Any of `filters` holds: `{"filters": [...], "condition": "or"}`.
    pub fn any(filters: impl IntoIterator<Item = Filter<M>>) -> Self {
        Self::tree(filters, Condition::Or)
    }

    fn tree(filters: impl IntoIterator<Item = Filter<M>>, condition: Condition) -> Self {
        Filter::from_raw(RawFilter::Tree { filters: filters.into_iter().map(|f| f.raw).collect(), condition })
    }

    /// This and `other`; joins an `and` tree rather than nesting one in another.
    pub fn and(self, other: Filter<M>) -> Self {
        self.join(other, Condition::And)
    }

    /// This or `other`; joins an `or` tree rather than nesting one in another.
    pub fn or(self, other: Filter<M>) -> Self {
        self.join(other, Condition::Or)
    }

    fn join(self, other: Filter<M>, condition: Condition) -> Self {
        match self.raw {
            RawFilter::Tree { mut filters, condition: c } if c == condition => {
                filters.push(other.raw);
                Filter::from_raw(RawFilter::Tree { filters, condition })
            }
            raw => Filter::from_raw(RawFilter::Tree { filters: vec![raw, other.raw], condition }),
        }
    }

    /// The wire form.
    pub fn into_raw(self) -> RawFilter {
        self.raw
    }

    /// The wire form, borrowed.
    pub fn as_raw(&self) -> &RawFilter {
        &self.raw
    }
}

impl<M> Serialize for Filter<M> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

/// A sort key of method `M`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort<M> {
    raw: RawSort,
    method: PhantomData<fn() -> M>,
}

impl<M> Sort<M> {
    /// The wire form.
    pub fn into_raw(self) -> RawSort {
        self.raw
    }
}

/// `.asc()` and `.desc()` on the fields of a method.
pub trait SortOps: Field {
    /// Ascending by this field.
    fn asc(self) -> Sort<Self::Method>
    where
        Self: Sortable,
    {
        Sort { raw: RawSort { field: Self::NAME.into(), order: Order::Asc }, method: PhantomData }
    }

    /// Descending by this field.
    fn desc(self) -> Sort<Self::Method>
    where
        Self: Sortable,
    {
        Sort { raw: RawSort { field: Self::NAME.into(), order: Order::Desc }, method: PhantomData }
    }
}

impl<F: Field> SortOps for F {}

/// The JSON form of a filter value; values come from `Serialize` types that always succeed.
#[doc(hidden)]
pub fn to_json<T: Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
