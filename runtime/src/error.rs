//! Errors: the API's error object, and replies that cannot be decoded.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::mnemonic::Mnemonic;
use super::secret::{SECRET_KEYS, redacted};

/// The `error` of a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub struct ApiError {
    /// JSON-RPC code; several mnemonics share one, so branch on [`ApiError::mnemonic`].
    pub code: i64,
    /// The server's message.
    #[serde(default)]
    pub message: String,
    /// Details (boxed: errors travel in `Result`s and should stay small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Box<ErrorData>>,
}

/// The `data` of an error. Its `Debug` output masks secrets: the request the server echoes in
/// `params` carries the access token (or the `login.user` password).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorData {
    /// What went wrong; unique, unlike the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mnemonic: Option<Mnemonic>,
    /// The parameter or field concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The offending value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// The request parameters as the server saw them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<serde_json::Value>,
    /// A longer explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_helper: Option<String>,
    /// Limits and the like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

impl fmt::Debug for ErrorData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |v: &Option<serde_json::Value>| v.as_ref().map(redacted);
        let secret_field = self.field.as_deref().is_some_and(|field| SECRET_KEYS.contains(&field));
        let value = if secret_field { self.value.as_ref().map(|_| "***".into()) } else { masked(&self.value) };
        f.debug_struct("ErrorData")
            .field("mnemonic", &self.mnemonic)
            .field("field", &self.field)
            .field("value", &value)
            .field("params", &masked(&self.params))
            .field("extended_helper", &self.extended_helper)
            .field("metadata", &masked(&self.metadata))
            .finish()
    }
}

impl ApiError {
    /// The mnemonic, where the server sent one; [`Mnemonic::named`] names it by a schema's
    /// error table, and it compares equal to the variant of that table it names.
    pub fn mnemonic(&self) -> Option<&Mnemonic> {
        self.data.as_ref()?.mnemonic.as_ref()
    }

    pub(crate) fn empty_reply() -> Self {
        ApiError { code: -32603, message: "the reply has neither `result` nor `error`".into(), data: None }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error {}", self.code)?;
        if let Some(m) = self.mnemonic() {
            write!(f, " ({m})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(field) = self.data.as_ref().and_then(|d| d.field.as_deref()) {
            write!(f, " [field `{field}`]")?;
        }
        Ok(())
    }
}

/// Why a reply gave no page.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    /// The API answered with an error.
    #[error(transparent)]
    Api(ApiError),
    /// The body is not a reply of this method.
    #[error("the reply cannot be decoded at `{path}`: {source}")]
    Decode {
        /// Where in the body (`result.data[3].start_time`).
        path: String,
        /// What serde_json said.
        source: serde_json::Error,
    },
}

impl ReplyError {
    pub(crate) fn decode(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        ReplyError::Decode { path: e.path().to_string(), source: e.into_inner() }
    }
}
