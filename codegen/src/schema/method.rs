use serde::Deserialize;

use super::{EnumDef, Text};

/// `schema/methods/<method>.yaml`: one API method.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodFile {
    /// Wire name (`get.calls_report`).
    pub method: String,
    /// Rust module name, where the one made from `method` does not fit (`get.self`); the
    /// method's type takes its PascalCase.
    pub rust_name: Option<String>,
    /// Title.
    pub title: Text,
    /// Description.
    pub description: Option<Text>,
    /// Who may call it: `partner` (agent), `customer` (client).
    pub access: Vec<String>,
    /// Points charged per call.
    pub weight: u32,
    /// Components the account needs enabled.
    #[serde(default)]
    pub components: Vec<String>,
    /// Kind of request: `report` (classic) or `flat_report` (user report).
    pub kind: String,
    /// Parameters beyond those every report takes.
    #[serde(default)]
    pub params: Vec<ParamDef>,
    /// Limits the validators enforce.
    pub limits: LimitsDef,
    /// The filter operators this method accepts; all of them when absent.
    pub operators: Option<Vec<String>>,
    /// The doc sections fields belong to.
    #[serde(default)]
    pub groups: Vec<GroupDef>,
    /// Enums of this method; they take precedence over shared enums of the same name.
    #[serde(default)]
    pub enums: Vec<EnumDef>,
    /// Reply fields, in doc order.
    pub fields: Vec<FieldDef>,
    /// Reply keys the fields do not list: `ignore` them (the default), or `keep` them in each
    /// row's `unknown_keys` map.
    pub unknown_keys: Option<String>,
    /// Sets of parameters of which a request must carry at least one in full (`[[chat_id],
    /// [chat_ids], [date_from, date_till]]`); naming the dates makes them optional.
    #[serde(default)]
    pub requires_one_of: Vec<Vec<String>>,
    /// Reply fields that may be filtered only together with another filter or parameter.
    #[serde(default)]
    pub filter_requires: Vec<FilterRequiresDef>,
    /// The top-level reply fields whose values together tell rows apart (`[call_session_id,
    /// leg_id]`); `[id]` when absent and the method has an `id` field.
    pub key: Option<Vec<String>>,
}

/// A field that may be filtered only together with one of some others.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterRequiresDef {
    /// Reply fields whose filters need company.
    pub fields: Vec<String>,
    /// Request parameters, or reply fields filtered in the same filter, of which one must be
    /// present.
    pub with_one_of: Vec<String>,
    /// The mnemonic the API answers without it; `invalid_parameters_combination` when absent.
    pub mnemonic: Option<String>,
    /// English description of the rule.
    pub en: Option<String>,
    /// Russian description of the rule.
    pub ru: Option<String>,
}

/// A doc section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// Identifier used by `group:` on fields.
    pub id: String,
    /// English title.
    pub en: Option<String>,
    /// Russian title.
    pub ru: Option<String>,
}

/// Limits of a method's request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsDef {
    /// Longest `date_from`..`date_till` range in days, as the method's page states it.
    pub date_range_days: Option<u32>,
    /// Instead of `date_range_days`: `general` (the page states no range; the API-wide rule of
    /// 3 months, taken as 90 days, applies) or `none` (the request takes no dates).
    pub date_range: Option<String>,
    /// Deepest filter tree; absent where the docs set no limit.
    pub filter_depth: Option<u32>,
    /// `limit` parameter.
    pub limit: PagingDef,
    /// `offset` parameter.
    pub offset: PagingDef,
}

/// Default and maximum of a paging parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingDef {
    /// Value the server uses when the parameter is absent.
    pub default: u32,
    /// Largest accepted value.
    pub max: u32,
}

/// A method-specific request parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    /// Wire name.
    pub name: String,
    /// Type: a field type, or `filter` for a filter expression.
    #[serde(rename = "type")]
    pub ty: String,
    /// Item type of an array.
    pub items: Option<String>,
    /// Enum of an enum (or array of enum) parameter.
    #[serde(rename = "enum")]
    pub enum_ref: Option<String>,
    /// Whether a request must carry it.
    #[serde(default)]
    pub required: bool,
    /// English description.
    pub en: Option<String>,
    /// Russian description.
    pub ru: Option<String>,
    /// A remark on how the docs and the API differ.
    pub note: Option<String>,
    /// Rust name, where the snake_case of `name` does not fit.
    pub rust_name: Option<String>,
}

/// A reply field (also an event field, and a nested field of an array or object).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Wire name.
    pub name: String,
    /// Type: `integer`, `decimal`, `string`, `boolean`, `datetime`, `date`, `enum`, `array`,
    /// `object` or `value_object`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Item type of an array.
    pub items: Option<String>,
    /// Enum of an enum (or array of enum) field.
    #[serde(rename = "enum")]
    pub enum_ref: Option<String>,
    /// Nested fields of an object or an array of objects.
    pub fields: Option<Vec<FieldDef>>,
    /// Filtering: `yes`, `no`, or absent where the docs leave the cell empty.
    pub filter: Option<String>,
    /// Sorting: `yes`, `no`, or absent.
    pub sort: Option<String>,
    /// Returned without `fields`: `yes`, `no`, or absent.
    pub default: Option<String>,
    /// Doc section (`groups[].id`).
    pub group: Option<String>,
    /// Whether an event payload must carry it.
    #[serde(default)]
    pub required: bool,
    /// Accept a number or a numeric string alike (the docs and the replies disagree).
    #[serde(default)]
    pub lenient: bool,
    /// English description.
    pub en: Option<String>,
    /// Russian description.
    pub ru: Option<String>,
    /// A remark on how the docs and the API differ.
    pub note: Option<String>,
    /// Rust name, where the snake_case of `name` does not fit.
    pub rust_name: Option<String>,
    /// Rust name of the nested struct of an object (or array of objects) field.
    pub type_name: Option<String>,
    /// The docs mark the field deprecated: it is going away.
    #[serde(default)]
    pub deprecated: bool,
    /// The brands whose docs list the field (`comagic`, `callgear`); every brand when absent.
    pub brands: Option<Vec<String>>,
}
