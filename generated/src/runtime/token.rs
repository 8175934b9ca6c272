//! The access token, which never shows in `Debug` or `Display` output.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An access token (a permanent key from the client area, or the `access_token` of `login.user`).
///
/// `Debug` and `Display` print `***`, so a token never ends up in logs or error messages;
/// [`AccessToken::expose`] gives the text where it is needed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T: Into<String>> From<T> for AccessToken {
    fn from(token: T) -> Self {
        AccessToken::new(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_token() {
        let token = AccessToken::new("s3cr3t-token");
        assert!(!format!("{token:?} {token} {:?}", Some(&token)).contains("s3cr3t"));
        assert_eq!(serde_json::to_string(&token).unwrap(), "\"s3cr3t-token\"");
    }
}
