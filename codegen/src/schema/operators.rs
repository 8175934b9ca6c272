use serde::Deserialize;

/// `schema/operators.yaml`: the filter operators and what each fits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorsFile {
    /// The operators.
    pub operators: Vec<OperatorDef>,
}

/// One filter operator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorDef {
    /// The operator as it is on the wire (`=`, `like`, `not_in`).
    pub operator: String,
    /// Name of the builder method (`eq`, `like`, `not_in`).
    pub rust_name: String,
    /// The kinds of field it applies to: `number`, `string`, `boolean`, `iso8601`, `enum`,
    /// `array`, `object`, or `any`.
    pub fits: Vec<String>,
    /// What the value is: `same`, `list`, `items`, `text` or `null`.
    pub value: String,
    /// Whether `null` is also accepted as the value (tests for an empty field).
    #[serde(default)]
    pub null: bool,
    /// `all` when every method accepts it, `some` when the docs say it is not available for all.
    pub availability: String,
    /// English description.
    pub en: Option<String>,
    /// Russian description.
    pub ru: Option<String>,
}
