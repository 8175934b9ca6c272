//! Error mnemonics as open values.
//!
//! The runtime never names a generated type: a mnemonic is kept as the text the server sent,
//! and a schema's own error table (the bundled `dataapi::errors::Mnemonic`, or the one a
//! build script generates from a user's `errors.yaml`) gives it a name with
//! [`Mnemonic::named`]. The few mnemonics the runtime reports itself (the validator's) are
//! constants here; a test checks each against the bundled error table.

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What went wrong, as `error.data.mnemonic` says; unlike the JSON-RPC code, it is unique.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mnemonic(Cow<'static, str>);

impl Mnemonic {
    /// `required_parameter_missed`.
    pub const REQUIRED_PARAMETER_MISSED: Mnemonic = Mnemonic::from_static("required_parameter_missed");
    /// `invalid_parameter_value`.
    pub const INVALID_PARAMETER_VALUE: Mnemonic = Mnemonic::from_static("invalid_parameter_value");
    /// `unexpected_parameters`.
    pub const UNEXPECTED_PARAMETERS: Mnemonic = Mnemonic::from_static("unexpected_parameters");
    /// `invalid_parameters_combination`.
    pub const INVALID_PARAMETERS_COMBINATION: Mnemonic = Mnemonic::from_static("invalid_parameters_combination");
    /// `data_type_error`.
    pub const DATA_TYPE_ERROR: Mnemonic = Mnemonic::from_static("data_type_error");
    /// `sort_prohibited`.
    pub const SORT_PROHIBITED: Mnemonic = Mnemonic::from_static("sort_prohibited");
    /// `filter_prohibited`.
    pub const FILTER_PROHIBITED: Mnemonic = Mnemonic::from_static("filter_prohibited");
    /// `date_interval_limit_reached`.
    pub const DATE_INTERVAL_LIMIT_REACHED: Mnemonic = Mnemonic::from_static("date_interval_limit_reached");

    /// The mnemonics the runtime itself reports, for the test that keeps them in the schema.
    pub const RUNTIME: &'static [Mnemonic] = &[
        Mnemonic::REQUIRED_PARAMETER_MISSED,
        Mnemonic::INVALID_PARAMETER_VALUE,
        Mnemonic::UNEXPECTED_PARAMETERS,
        Mnemonic::INVALID_PARAMETERS_COMBINATION,
        Mnemonic::DATA_TYPE_ERROR,
        Mnemonic::SORT_PROHIBITED,
        Mnemonic::FILTER_PROHIBITED,
        Mnemonic::DATE_INTERVAL_LIMIT_REACHED,
    ];

    /// A mnemonic known when the program is written.
    pub const fn from_static(text: &'static str) -> Self {
        Mnemonic(Cow::Borrowed(text))
    }

    /// A mnemonic as received.
    pub fn new(text: impl Into<String>) -> Self {
        Mnemonic(Cow::Owned(text.into()))
    }

    /// The text, as on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This mnemonic as an error table names it, other spellings included:
    /// `error.mnemonic().map(|m| m.named::<dataapi::errors::Mnemonic>())`.
    pub fn named<T: FromStr<Err = Infallible>>(&self) -> T {
        match self.0.parse() {
            Ok(named) => named,
            Err(never) => match never {},
        }
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Mnemonic {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Mnemonic {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The name an error table gives a mnemonic: what generated `Mnemonic` enums implement, so
/// that a runtime [`Mnemonic`] compares equal to the variant it names.
pub trait ErrorTable: FromStr<Err = Infallible> + PartialEq {}

/// Generated error tables: `impl ErrorTable for Mnemonic` and the comparisons with the
/// runtime's [`Mnemonic`].
#[doc(hidden)]
#[macro_export]
macro_rules! error_table {
    ($name:ident) => {
        impl $crate::ErrorTable for $name {}

        impl ::core::cmp::PartialEq<$name> for $crate::Mnemonic {
            fn eq(&self, other: &$name) -> bool {
                self.named::<$name>() == *other
            }
        }

        impl ::core::convert::From<$name> for $crate::Mnemonic {
            fn from(named: $name) -> Self {
                $crate::Mnemonic::new(named.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mnemonic_compares_with_its_text_and_keeps_unknown_ones() {
        let m: Mnemonic = serde_json::from_str("\"filter_prohibited\"").unwrap();
        assert_eq!(m, Mnemonic::FILTER_PROHIBITED);
        assert_eq!(m, "filter_prohibited");
        let odd: Mnemonic = serde_json::from_str("\"brand_new\"").unwrap();
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"brand_new\"");
        assert_eq!(format!("{odd} {odd:?}"), "brand_new \"brand_new\"");
    }
}
