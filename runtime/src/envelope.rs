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

/// Decodes a body into any type, with the path of the offending value when it fails; the
/// body's UTF-8 is checked once (by simdutf8 with the feature `simd`). What [`Reply::decode`]
/// and the client's pages use.
pub fn decode_body<R: DeserializeOwned>(body: &[u8]) -> Result<R, ReplyError> {
    decode_checked(body, utf8(body))
}

/// The body as text, or `None` where it is not UTF-8. With the feature `simd`, simdutf8 checks
/// it (AVX2 or SSE 4.2 where the processor has them, chosen at run time); it accepts exactly
/// the texts `std::str::from_utf8` accepts, only faster.
fn utf8(body: &[u8]) -> Option<&str> {
    #[cfg(feature = "simd")]
    return simdutf8::basic::from_utf8(body).ok();
    #[cfg(not(feature = "simd"))]
    return std::str::from_utf8(body).ok();
}

/// [`decode_body`] once `text` says whether the body is UTF-8.
fn decode_checked<R: DeserializeOwned>(body: &[u8], text: Option<&str>) -> Result<R, ReplyError> {
    // The whole body's UTF-8 is checked once, so that serde_json reads it as text and does not
    // check string by string. Tracking the path of every value costs half the decoding time,
    // so a body is decoded plainly, and only a body that fails is decoded again to say where.
    // A body that is not UTF-8 is read from bytes, so that serde_json says where it breaks.
    let Some(text) = text else {
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

#[cfg(all(test, feature = "simd"))]
mod simd_tests {
    use super::*;
    use dataapi::calls_report::Row;

    const FIXTURE: &str = include_str!("../../tests/fixtures/calls_report_reply.json");

    /// What a decode gave, comparable: the value, or the error's path and message.
    fn outcome<R: std::fmt::Debug>(result: Result<R, ReplyError>) -> Result<String, (String, String)> {
        match result {
            Ok(value) => Ok(format!("{value:?}")),
            Err(ReplyError::Decode { path, source }) => Err((path, source.to_string())),
            Err(other) => Err((String::new(), other.to_string())),
        }
    }

    /// `body` decodes to the same value, or fails with the same path and message, with the
    /// feature's check (`decode_body`) as with the standard library's (the build without it).
    fn same(body: &[u8]) -> Result<String, (String, String)> {
        assert_eq!(utf8(body).is_some(), std::str::from_utf8(body).is_ok(), "{body:?}");
        let simd = outcome(decode_body::<Reply<Row>>(body));
        let std = outcome(decode_checked::<Reply<Row>>(body, std::str::from_utf8(body).ok()));
        assert_eq!(simd, std, "{}", String::from_utf8_lossy(body));
        simd
    }

    fn row(fields: &str) -> Vec<u8> {
        format!(r#"{{"jsonrpc":"2.0","id":1,"result":{{"data":[{{"id":1}},{fields}]}}}}"#).into_bytes()
    }

    #[test]
    fn replies_decode_alike() {
        assert!(same(FIXTURE.as_bytes()).is_ok());
        let cases = [
            row(r#"{"finish_reason":"brand_new","communication_id":"12","cpn_region_name":"\u041c\u043e\"/"}"#),
            br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"bad","data":{"mnemonic":"x"}}}"#.to_vec(),
            br#"{"result":{"data":null,"metadata":null}}"#.to_vec(),
            " {\"result\":{\"data\":[{\"cpn_region_name\":\"Москва 😀\",\"sale_cost\":1500.50}]}} ".as_bytes().to_vec(),
        ];
        for body in &cases {
            assert!(same(body).is_ok(), "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn bad_bodies_fail_with_the_same_located_errors() {
        let mut cases = vec![
            row(r#"{"start_time":"2026-01-31T10:00:00"}"#),
            row(r#"{"id":"seven"}"#),
            row(r#"{"tags":[{"tag_id":1},{"tag_id":true}]}"#),
            row(r#"{"sale_cost":1e400}"#),
            row(r#"{"cpn_region_name":"\ud800"}"#),
            row("{\"cpn_region_name\":\"a\nb\"}"),
            br#"{"jsonrpc":"2.0","id":1,"result":{"data":[]}} trailing"#.to_vec(),
            br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":1}"#.to_vec(),
            format!(r#"{{"result":{{"metadata":{{"version":{}{}}}}}}}"#, "[".repeat(300), "]".repeat(300)).into_bytes(),
            b"".to_vec(),
            b"\xef\xbb\xbf{}".to_vec(),
        ];
        // Bytes that are not UTF-8, in a string and between values: a stray continuation byte,
        // an overlong form, a surrogate, a code point above U+10FFFF, and sequences cut short
        // (also at the very end, where a check that reads in blocks has to finish by hand).
        for bad in [&b"\x80"[..], b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xf0\x9f\x98"] {
            let mut text = row(r#"{"cpn_region_name":"Москва XX"}"#);
            let at = text.windows(2).position(|w| w == b"XX").unwrap();
            text.splice(at..at + 2, bad.iter().copied());
            cases.push(text);
            let mut long = FIXTURE.as_bytes().to_vec();
            long.extend_from_slice(bad);
            cases.push(long);
        }
        for body in &cases {
            assert!(same(body).is_err(), "{}", String::from_utf8_lossy(body));
        }
    }
}
