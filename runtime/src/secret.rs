//! Secrets: the access token and the `login.user` password. They never show in `Debug` or
//! `Display` output, and JSON that may hold them (an error's echo of the request) is shown
//! with their values masked.

use std::fmt;

use serde::de::{self, Unexpected};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A string newtype that serializes as itself and prints as `***`.
macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(SecretText).map($name)
            }
        }

        impl $name {
            /// Wraps a secret.
            pub fn new(secret: impl Into<String>) -> Self {
                $name(secret.into())
            }

            /// The secret itself, for where it must be sent.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("***")
            }
        }

        impl<T: Into<String>> From<T> for $name {
            fn from(secret: T) -> Self {
                $name::new(secret)
            }
        }
    };
}

secret_string!(
    /// An access token (a permanent key from the client area, or the `access_token` of
    /// `login.user`).
    ///
    /// `Debug` and `Display` print `***`, so a token never ends up in logs or error messages;
    /// [`AccessToken::expose`] gives the text where it is needed.
    AccessToken
);

secret_string!(
    /// The password of `login.user`.
    ///
    /// `Debug` and `Display` print `***`; [`Password::expose`] gives the text.
    Password
);

/// Reads a secret's text. A value of another kind is reported by its kind alone: serde's
/// default message would quote it, and a token sent as a number is still a token.
struct SecretText;

impl de::Visitor<'_> for SecretText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
        Ok(text.to_owned())
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<String, E> {
        Ok(text)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<String, E> {
        Err(E::invalid_type(Unexpected::Other("a boolean"), &self))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<String, E> {
        Err(E::invalid_type(Unexpected::Other("a number"), &self))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<String, E> {
        Err(E::invalid_type(Unexpected::Other("a number"), &self))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<String, E> {
        Err(E::invalid_type(Unexpected::Other("a number"), &self))
    }
}

/// The keys whose values are secrets wherever they appear in a JSON value.
pub const SECRET_KEYS: [&str; 2] = ["access_token", "password"];

/// `value` with the value of every [`SECRET_KEYS`] key, at any depth, replaced by `"***"`.
pub fn redacted(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if SECRET_KEYS.contains(&k.as_str()) { Value::from("***") } else { redacted(v) };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redacted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_a_secret() {
        let token = AccessToken::new("s3cr3t-token");
        let password = Password::new("pa55word");
        let shown = format!("{token:?} {token} {:?} {password:?} {password} {:#?}", Some(&token), password);
        assert!(!shown.contains("s3cr3t") && !shown.contains("pa55"), "{shown}");
        assert_eq!(serde_json::to_string(&token).unwrap(), "\"s3cr3t-token\"");
        assert_eq!(serde_json::to_string(&password).unwrap(), "\"pa55word\"");
    }

    #[test]
    fn a_secret_of_the_wrong_kind_is_not_quoted() {
        for json in ["123456789", "-123456789", "1234.5678", "true"] {
            let e = serde_json::from_str::<AccessToken>(json).unwrap_err().to_string();
            assert!(!e.contains(json), "{e}");
            assert!(e.starts_with("invalid type: a "), "{e}");
        }
        assert_eq!(serde_json::from_str::<Password>("\"x\"").unwrap().expose(), "x");
    }

    #[test]
    fn masks_secret_keys_at_any_depth() {
        let echo = serde_json::json!({
            "access_token": "s3cr3t",
            "filter": {"filters": [{"field": "id", "value": 1}]},
            "nested": [{"password": "pa55", "login": "me"}]
        });
        let shown = redacted(&echo).to_string();
        assert!(!shown.contains("s3cr3t") && !shown.contains("pa55"), "{shown}");
        assert!(shown.contains("\"login\":\"me\"") && shown.contains("\"value\":1"), "{shown}");
    }
}
