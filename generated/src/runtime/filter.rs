//! Filters and sorting as they go over the wire.

use serde::{Deserialize, Serialize};

/// A filter: one condition, or a tree of them joined by `and` / `or`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Filter {
    /// `{"filters": [...], "condition": "and" | "or"}`.
    Tree {
        /// The branches.
        filters: Vec<Filter>,
        /// How they combine.
        condition: Condition,
    },
    /// `{"field": …, "operator": …, "value": …}`.
    Condition {
        /// The field's wire name.
        field: String,
        /// The operator's wire name.
        operator: String,
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

/// One sort key: `{"field": …, "order": "asc" | "desc"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    /// The field's wire name.
    pub field: String,
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
