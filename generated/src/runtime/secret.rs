//! Secrets: the access token and the `login.user` password. They never show in `Debug` or
//! `Display` output, and JSON that may hold them (an error's echo of the request) is shown
//! with their values masked.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A string newtype that serializes as itself and prints as `***`.
macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

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
