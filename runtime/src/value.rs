//! The flat reports' value objects: `{"value": <display text>, "value_id": <code>}`.

use serde::{Deserialize, Serialize};

/// A column of a flat user report that carries a display text and a code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValueObject {
    /// The display text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The code behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_id: Option<ValueId>,
}

/// The code of a value object: a string, a number or a boolean, kept as it came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ValueId {
    /// A boolean code.
    Boolean(bool),
    /// A numeric code.
    Number(serde_json::Number),
    /// A text code.
    Text(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_kind_of_code() {
        for json in [
            r#"{"value":"Входящий","value_id":"in"}"#,
            r#"{"value":"Да","value_id":true}"#,
            r#"{"value":"Пн","value_id":1}"#,
        ] {
            let v: ValueObject = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), json);
        }
    }
}
