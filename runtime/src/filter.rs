//! Filters and sorting as they go over the wire.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A filter as it goes over the wire: one condition, or a tree of them joined by `and` / `or`.
///
/// Nothing checks it when it is built; [`crate::validate`] does. For filters the
/// compiler checks, use the typed [`Filter`](crate::typed::Filter) that the fields of
/// each method build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawFilter {
    /// `{"filters": [...], "condition": "and" | "or"}`.
    Tree {
        /// The branches.
        filters: Vec<RawFilter>,
        /// How they combine.
        condition: Condition,
    },
    /// `{"field": …, "operator": …, "value": …}`.
    Condition {
        /// The field's wire name (borrowed when it comes from the schema, as the typed builders'
        /// names do).
        field: Cow<'static, str>,
        /// The operator's wire name.
        operator: Cow<'static, str>,
        /// The value; `null` where absent.
        #[serde(default)]
        value: serde_json::Value,
    },
}

/// How the branches of a filter tree combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    /// All branches hold.
    And,
    /// Any branch holds.
    Or,
}

/// One sort key as it goes over the wire: `{"field": …, "order": "asc" | "desc"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawSort {
    /// The field's wire name.
    pub field: Cow<'static, str>,
    /// The direction.
    #[serde(default)]
    pub order: Order,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Ascending, the API's default.
    #[default]
    Asc,
    /// Descending.
    Desc,
}
