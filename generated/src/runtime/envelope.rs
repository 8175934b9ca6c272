//! The JSON-RPC 2.0 envelope of requests and replies.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::{ApiError, ReplyError};

/// A request or reply id: the API takes a string or a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Id {
    /// A numeric id.
    Number(i64),
    /// A text id.
    Text(String),
}

impl From<i64> for Id {
    fn from(n: i64) -> Self {
        Id::Number(n)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id::Text(s.to_owned())
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id::Text(s)
    }
}

/// A JSON-RPC call: `{"jsonrpc":"2.0","id":…,"method":…,"params":…}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RpcRequest<'a, P> {
    /// Always `2.0`.
    pub jsonrpc: &'static str,
    /// The id the reply repeats; the API rejects calls without one.
    pub id: Id,
    /// The method's wire name.
    pub method: &'static str,
    /// The parameters.
    pub params: &'a P,
}

impl<'a, P> RpcRequest<'a, P> {
    /// Wraps `params` of `method`.
    pub fn new(id: impl Into<Id>, method: &'static str, params: &'a P) -> Self {
        RpcRequest { jsonrpc: "2.0", id: id.into(), method, params }
    }
}

/// One page of a report: the rows and what the server said about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// The rows.
    #[serde(default, deserialize_with = "null_as_default")]
    pub data: Vec<T>,
    /// Counts and limits.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Metadata,
}

/// The `metadata` of a reply; every member may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// Rows matching the request, over all pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<u64>,
    /// Request budgets; `{}` where they do not apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// Present when the called API version is deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<ApiVersion>,
    /// Undocumented; real replies carry `"version": null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<serde_json::Value>,
}

/// Request budgets of the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Points per day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_limit: Option<i64>,
    /// Points left today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_remaining: Option<i64>,
    /// Seconds until the daily budget resets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_reset: Option<i64>,
    /// Points per minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute_limit: Option<i64>,
    /// Points left this minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute_remaining: Option<i64>,
    /// Seconds until the per-minute budget resets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute_reset: Option<i64>,
}

/// Version information sent when the called version is deprecated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiVersion {
    /// Whether the called version is deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version_deprecated: Option<bool>,
    /// The called version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<String>,
    /// The newest version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<String>,
}

/// `null` reads as the empty value, as an absent key does.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A whole reply: a result page or an error.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Reply<T> {
    /// The id of the request (`null` in some error replies).
    #[serde(default)]
    pub id: Option<Id>,
    /// The page, on success.
    #[serde(default)]
    pub result: Option<Page<T>>,
    /// The error, on failure.
    #[serde(default)]
    pub error: Option<ApiError>,
}

impl<T> Reply<T> {
    /// The page, or the API's error. A reply with neither is an error without data.
    pub fn into_result(self) -> Result<Page<T>, ApiError> {
        match (self.result, self.error) {
            (_, Some(error)) => Err(error),
            (Some(page), None) => Ok(page),
            (None, None) => Err(ApiError::empty_reply()),
        }
    }
}

impl<T: DeserializeOwned> Reply<T> {
    /// Decodes a reply body into its page, or into why there is none: the API's error, or a
    /// body that is not a reply (with the path of the offending value).
    pub fn decode(body: &[u8]) -> Result<Page<T>, ReplyError> {
        decode_body::<Reply<T>>(body)?.into_result().map_err(ReplyError::Api)
    }
}

/// Decodes a body, with the path of the offending value when it fails.
pub(crate) fn decode_body<R: DeserializeOwned>(body: &[u8]) -> Result<R, ReplyError> {
    // The whole body's UTF-8 is checked once, so that serde_json reads it as text and does not
    // check string by string. Tracking the path of every value costs half the decoding time,
    // so a body is decoded plainly, and only a body that fails is decoded again to say where.
    let Ok(text) = std::str::from_utf8(body) else {
        return serde_json::from_slice(body)
            .map_err(|plain| located::<R>(serde_json::Deserializer::from_slice(body), plain));
    };
    serde_json::from_str(text).map_err(|plain| located::<R>(serde_json::Deserializer::from_str(text), plain))
}

/// The error of a body that failed to decode, with the path of the offending value.
fn located<'de, R: DeserializeOwned>(
    mut de: serde_json::Deserializer<impl serde_json::de::Read<'de>>,
    plain: serde_json::Error,
) -> ReplyError {
    match serde_path_to_error::deserialize::<_, R>(&mut de) {
        Err(e) => ReplyError::decode(e),
        // Not expected: the same input and types fail the same way twice.
        Ok(_) => ReplyError::Decode { path: String::new(), source: plain },
    }
}
