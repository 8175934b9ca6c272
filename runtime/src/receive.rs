//! Receiving queue events over HTTP (feature `receiver`), independent of any server framework:
//! [`payload`] turns what a request carried (a JSON body, a form body or a query string) into
//! the JSON object that a generated `Event::from_json` decodes, keeping every extra variable;
//! anything else is a [`Rejection`] with the 4xx status to answer and a reason that says what
//! is wrong.
//!
//! ```
//! use dataapi::queue::Event;
//! use dataapi::runtime::receive::{Limits, payload};
//!
//! let body = b"event=Joined&channel=call&member_channel_id=42&crm_deal_id=77";
//! let json = payload(Some("application/x-www-form-urlencoded"), None, body, &Limits::default()).unwrap();
//! let event = Event::from_json(json).unwrap();
//! assert_eq!(event.name(), "Joined");
//! assert_eq!(event.to_json()["crm_deal_id"], "77"); // a variable of the member, kept
//! ```

use std::fmt;

use serde_json::Value;

use super::event::pairs_to_json;

/// What a receiver accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest body, in bytes.
    pub max_body: usize,
    /// Most form or query pairs.
    pub max_pairs: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_body: 64 * 1024, max_pairs: 1000 }
    }
}

/// Why a request carries no event: the status to answer and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// An HTTP 4xx status.
    pub status: u16,
    /// What is wrong, for the sender.
    pub reason: String,
}

impl Rejection {
    /// A rejection with `status` and `reason`.
    pub fn new(status: u16, reason: impl Into<String>) -> Self {
        Rejection { status, reason: reason.into() }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.reason)
    }
}

impl std::error::Error for Rejection {}

/// The event's payload as a JSON object, from the request's `Content-Type`, query string
/// (without `?`) and body: a JSON body (`application/json`, or a body that starts with `{`
/// without a type), a form body (`application/x-www-form-urlencoded`), or, with an empty body,
/// the query string's pairs. Form and query values are strings, as a template renders them;
/// the generated event types read numbers and booleans from strings.
///
/// Rejections: 413 for a body over [`Limits::max_body`], 415 for another content type, 400
/// for malformed JSON (nesting deeper than serde_json's limit of 128 included), a payload
/// that is not an object, too many pairs, or no payload at all.
pub fn payload(
    content_type: Option<&str>,
    query: Option<&str>,
    body: &[u8],
    limits: &Limits,
) -> Result<Value, Rejection> {
    if body.len() > limits.max_body {
        return Err(Rejection::new(
            413,
            format!("the body has {} bytes; at most {} are accepted", body.len(), limits.max_body),
        ));
    }
    let media = content_type.map(|t| t.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let trimmed = body.iter().position(|b| !b.is_ascii_whitespace()).map_or(&[][..], |i| &body[i..]);
    if trimmed.is_empty() {
        return match query.filter(|q| !q.is_empty()) {
            Some(q) => pairs("the query string", q.as_bytes(), limits),
            None => Err(Rejection::new(400, "no event: the body is empty and there is no query string")),
        };
    }
    match media.as_deref() {
        Some("application/json") | Some("text/json") => json(body),
        Some(m) if m.ends_with("+json") => json(body),
        Some("application/x-www-form-urlencoded") => pairs("the form body", body, limits),
        None | Some("") | Some("text/plain") if trimmed.starts_with(b"{") => json(body),
        None | Some("") => pairs("the body", body, limits),
        Some(other) => Err(Rejection::new(
            415,
            format!(
                "a body of type `{other}` is not accepted: send application/json or application/x-www-form-urlencoded"
            ),
        )),
    }
}

fn json(body: &[u8]) -> Result<Value, Rejection> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(other) => {
            let kind = match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                _ => "an array",
            };
            Err(Rejection::new(400, format!("the JSON body is {kind}, not an object")))
        }
        Err(e) => Err(Rejection::new(400, format!("the body is not JSON: {e}"))),
    }
}

fn pairs(source: &str, bytes: &[u8], limits: &Limits) -> Result<Value, Rejection> {
    let parsed: Vec<(String, String)> = form_urlencoded::parse(bytes)
        .take(limits.max_pairs + 1)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if parsed.len() > limits.max_pairs {
        return Err(Rejection::new(400, format!("{source} has more than {} pairs", limits.max_pairs)));
    }
    if parsed.is_empty() {
        return Err(Rejection::new(400, format!("{source} has no pairs")));
    }
    Ok(pairs_to_json(parsed))
}
