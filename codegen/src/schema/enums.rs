use serde::Deserialize;

/// `schema/enums.yaml`: enums shared by several methods.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumsFile {
    /// The shared enums.
    pub enums: Vec<EnumDef>,
}

/// An enum: a named, open set of wire codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    /// Schema name, referenced by fields (`enum: finish_reason`).
    pub name: String,
    /// Adds `values` to the shared enum of this name declared in another file (a user's
    /// schema laid over the bundled one) instead of declaring a new enum.
    #[serde(default)]
    pub extend: bool,
    /// English description.
    pub en: Option<String>,
    /// Russian description.
    pub ru: Option<String>,
    /// A remark on how the docs and the API differ.
    pub note: Option<String>,
    /// Rust type name, where the PascalCase of `name` does not fit.
    pub rust_name: Option<String>,
    /// The known codes.
    pub values: Vec<EnumValueDef>,
}

/// One known code of an enum.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValueDef {
    /// The code as it is on the wire.
    pub code: String,
    /// English description.
    pub en: Option<String>,
    /// Russian description.
    pub ru: Option<String>,
    /// A remark on the code.
    pub note: Option<String>,
    /// Rust variant name, where the PascalCase of `code` does not fit.
    pub rust_name: Option<String>,
    /// Other wire spellings of the code (another brand's docs); they decode to the same variant.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The display labels the docs show instead of the code, where they show no code.
    pub labels: Option<super::Text>,
}
