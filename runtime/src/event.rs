//! Decoding events: take the name out of the payload, then decode the rest by name.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Why an event payload could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// The payload is not a JSON object.
    #[error("an event payload is a JSON object, not {0}")]
    NotAnObject(&'static str),
    /// The key that names the event is missing or not a string.
    #[error("the payload has no event name under `{0}`")]
    NoName(&'static str),
    /// A field has a value of the wrong kind.
    #[error("event `{event}`: field `{path}`: {source}")]
    Field {
        /// The event's name.
        event: String,
        /// The field.
        path: String,
        /// What was wrong.
        source: serde_json::Error,
    },
}

/// Why an event does not fit what the schema says of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventProblem {
    /// The event does not occur in this kind of queue.
    #[error("`{event}` does not occur in a `{queue}` queue; it occurs in {expected}")]
    WrongQueue {
        /// The event's name.
        event: String,
        /// The queue type it came from.
        queue: String,
        /// Where it occurs.
        expected: String,
    },
    /// A field the event always carries is absent.
    #[error("`{event}` has no `{field}`, which it always carries")]
    Missing {
        /// The event's name.
        event: String,
        /// The field.
        field: &'static str,
    },
}

/// Splits a payload into the event's name (under `key`) and its other keys.
pub fn split(value: Value, key: &'static str) -> Result<(String, Map<String, Value>), EventError> {
    let mut fields = match value {
        Value::Object(map) => map,
        Value::Null => return Err(EventError::NotAnObject("null")),
        Value::Bool(_) => return Err(EventError::NotAnObject("a boolean")),
        Value::Number(_) => return Err(EventError::NotAnObject("a number")),
        Value::String(_) => return Err(EventError::NotAnObject("a string")),
        Value::Array(_) => return Err(EventError::NotAnObject("an array")),
    };
    match fields.remove(key) {
        Some(Value::String(name)) => Ok((name.trim().to_owned(), fields)),
        _ => Err(EventError::NoName(key)),
    }
}

/// Decodes the payload of the event `name`.
pub fn payload<T: DeserializeOwned>(name: &str, fields: Map<String, Value>) -> Result<T, EventError> {
    serde_path_to_error::deserialize(Value::Object(fields)).map_err(|e| EventError::Field {
        event: name.to_owned(),
        path: e.path().to_string(),
        source: e.into_inner(),
    })
}

/// Form or query pairs as a JSON object of strings; a repeated key keeps its last value.
pub fn pairs_to_json<I, K, V>(pairs: I) -> Value
where
    I: IntoIterator<Item = (K, V)>,
    K: Into<String>,
    V: Into<String>,
{
    Value::Object(pairs.into_iter().map(|(k, v)| (k.into(), Value::String(v.into()))).collect())
}

/// A payload as a JSON object with its name under `key`.
pub fn encode<T: Serialize>(key: &str, name: &str, payload: &T) -> Value {
    let mut map = match serde_json::to_value(payload) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    map.insert(key.to_owned(), Value::String(name.to_owned()));
    Value::Object(map)
}

/// The names in `required` that the encoded event `json` lacks.
pub fn missing(required: &'static [&'static str], json: &Value) -> Vec<&'static str> {
    required.iter().copied().filter(|name| json.get(name).is_none_or(Value::is_null)).collect()
}

/// The checks of a decoded event: it occurs in `queue` (when the queue type is known and the
/// event lists any), and it lacks none of the fields it always carries.
pub fn check(
    event: &str,
    queue: Option<&str>,
    allowed: &[&str],
    missing: Vec<&'static str>,
) -> Result<(), Vec<EventProblem>> {
    let mut problems = Vec::new();
    if let Some(queue) = queue
        && !allowed.is_empty()
        && !allowed.contains(&queue)
    {
        problems.push(EventProblem::WrongQueue {
            event: event.to_owned(),
            queue: queue.to_owned(),
            expected: allowed.join(", "),
        });
    }
    problems.extend(missing.into_iter().map(|field| EventProblem::Missing { event: event.to_owned(), field }));
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}
