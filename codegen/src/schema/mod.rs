//! The schema language as written in YAML: one serde type per kind of file.
//!
//! These types mirror the files one to one and hold words (types, flags, access, kinds) as
//! plain strings, so that every mistake in a file can be reported at once by `check`, with a
//! location and a suggestion, instead of serde stopping at the first one.

mod enums;
mod errors;
mod events;
mod method;
mod operators;

pub use enums::{EnumDef, EnumValueDef, EnumsFile};
pub use errors::{ErrorCodeDef, ErrorsFile, MnemonicDef};
pub use events::{EventDef, EventFamilyFile, QueueTypeDef};
pub use method::{FieldDef, FilterRequiresDef, GroupDef, LimitsDef, MethodFile, PagingDef, ParamDef};
pub use operators::{OperatorDef, OperatorsFile};

use serde::Deserialize;

/// A text in English and Russian; either may be missing where the docs give only one.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English text.
    pub en: Option<String>,
    /// Russian text.
    pub ru: Option<String>,
}
