//! The options `pull` and `sync` share: where the API is and how to sign in to it.

use clap::Args;

/// Where the API is and how to sign in. Secrets are never arguments: the options name the
/// environment variables that hold them.
#[derive(Debug, Args)]
pub struct Endpoint {
    /// The brand whose endpoint to call (comagic, the default, uis or callgear); the request
    /// is held to its docs (a field only another brand documents is refused).
    #[arg(long, value_parser = ["comagic", "uis", "callgear"], conflicts_with = "url")]
    pub brand: Option<String>,
    /// Another endpoint (a white label, the fake server).
    #[arg(long)]
    pub url: Option<String>,
    /// The environment variable holding the access token.
    #[arg(long, value_name = "VAR", conflicts_with_all = ["login", "password_env"])]
    pub token_env: Option<String>,
    /// The login for `login.user` (with --password-env).
    #[arg(long, requires = "password_env")]
    pub login: Option<String>,
    /// The environment variable holding the password of --login.
    #[arg(long, value_name = "VAR", requires = "login")]
    pub password_env: Option<String>,
}

impl Endpoint {
    /// The brand, `comagic` when none was given.
    pub fn brand(&self) -> &str {
        self.brand.as_deref().unwrap_or("comagic")
    }
}
