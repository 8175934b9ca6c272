use serde::Deserialize;

/// `schema/errors.yaml`: the API's error codes and their mnemonics.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsFile {
    /// One entry per JSON-RPC error code.
    pub errors: Vec<ErrorCodeDef>,
}

/// A JSON-RPC error code and the mnemonics reported under it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCodeDef {
    /// The code (`-32602`).
    pub code: i64,
    /// The group name (`parameters`).
    pub group: String,
    /// English description of the group.
    pub en: Option<String>,
    /// Russian description of the group.
    pub ru: Option<String>,
    /// The mnemonics.
    pub mnemonics: Vec<MnemonicDef>,
}

/// One error mnemonic (`data.mnemonic` in an error reply).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MnemonicDef {
    /// The mnemonic as it is on the wire.
    pub mnemonic: String,
    /// Rust variant name, where the PascalCase of `mnemonic` does not fit.
    pub rust_name: Option<String>,
    /// Other spellings the server has used for the same error.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether only `get.*` methods report it.
    #[serde(default)]
    pub get_only: bool,
    /// English description.
    pub en: Option<String>,
    /// Russian description.
    pub ru: Option<String>,
}
