//! The client (feature `client`): one call, or a complete pull of a period.
//!
//! ```no_run
//! # async fn run() -> Result<(), dataapi::client::Error> {
//! use dataapi::client::Client;
//! use dataapi::{DateTime, calls_report};
//!
//! let client = Client::builder().comagic().token("my-token").build()?;
//! let from = DateTime::from_ymd_hms(2026, 1, 1, 0, 0, 0).unwrap();
//! let till = DateTime::from_ymd_hms(2026, 6, 30, 23, 59, 59).unwrap();
//! let mut pull = client.rows(calls_report::Request::new(from, till));
//! while let Some(row) = pull.next().await {
//!     let row = row?;
//!     println!("{:?}", row.id);
//! }
//! # Ok(()) }
//! ```
//!
//! [`Client::call`] sends one request and decodes its page. [`Client::rows`] pulls every row of
//! the request's period exactly once, on data that moves while it is read (the contract and
//! the strategy are in the docs of [`Pull`]): it splits the period into windows the method
//! allows, reads each page at `offset` 0 from where the last one ended, waits on the API's
//! limits, retries what can be retried, and can resume from its [`PullState`] without
//! repeating a row.

mod call;
mod json;
mod limits;
mod pull;

use std::sync::Arc;
use std::time::Duration;

pub use call::Error;
pub use json::JsonRequest;
pub use limits::{Progress, Snapshot};
pub use pull::{Pull, PullState, WindowState};

use dataapi_runtime::{AccessToken, Password};

/// Where the API is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `https://dataapi.comagic.ru/v2.0`.
    Comagic,
    /// `https://dataapi.uiscom.ru/v2.0`.
    Uis,
    /// `https://dataapi.callgear.com/v2.0`.
    CallGear,
    /// Any other build of the same API (a white label, a regional host, the fake server).
    Url(String),
}

impl Endpoint {
    /// The URL calls are posted to.
    pub fn url(&self) -> &str {
        match self {
            Endpoint::Comagic => "https://dataapi.comagic.ru/v2.0",
            Endpoint::Uis => "https://dataapi.uiscom.ru/v2.0",
            Endpoint::CallGear => "https://dataapi.callgear.com/v2.0",
            Endpoint::Url(url) => url,
        }
    }
}

/// How the client authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A permanent or temporary access key from the client area; sent as it is.
    Token(AccessToken),
    /// `login.user`: logs in when first needed, again shortly before the session expires, and
    /// once when the API says the token expired or is invalid.
    Login {
        /// The login.
        login: String,
        /// The password (`Debug` prints `***`).
        password: Password,
    },
}

/// Settings of a [`Client`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to send calls.
    pub endpoint: Endpoint,
    /// How to authenticate.
    pub auth: Option<Auth>,
    /// Time allowed for one call, reply included.
    pub timeout: Duration,
    /// Retries of one call after a transport error, an HTTP 5xx, `internal_error` or a
    /// truncated body; nothing else is retried.
    pub retries: usize,
    /// First wait between retries; it doubles, with jitter.
    pub backoff: Duration,
    /// Windows fetched at once by [`Client::rows`].
    pub concurrency: usize,
    /// Rows per page (the method's maximum when larger).
    pub page_size: u32,
    /// How long before a login session expires the client logs in again.
    pub relogin_margin: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            endpoint: Endpoint::Comagic,
            auth: None,
            timeout: Duration::from_secs(120),
            retries: 5,
            backoff: Duration::from_millis(200),
            concurrency: 2,
            page_size: 10_000,
            relogin_margin: Duration::from_secs(120),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug, Clone, Default)]
pub struct Builder {
    config: Config,
}

impl Builder {
    /// CoMagic's endpoint (the default).
    #[must_use]
    pub fn comagic(mut self) -> Self {
        self.config.endpoint = Endpoint::Comagic;
        self
    }

    /// UIS's endpoint.
    #[must_use]
    pub fn uis(mut self) -> Self {
        self.config.endpoint = Endpoint::Uis;
        self
    }

    /// CallGear's endpoint.
    #[must_use]
    pub fn callgear(mut self) -> Self {
        self.config.endpoint = Endpoint::CallGear;
        self
    }

    /// Another endpoint, such as the fake server's URL.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint = Endpoint::Url(url.into());
        self
    }

    /// Authenticates with an access key.
    #[must_use]
    pub fn token(mut self, token: impl Into<AccessToken>) -> Self {
        self.config.auth = Some(Auth::Token(token.into()));
        self
    }

    /// Authenticates with `login.user`.
    #[must_use]
    pub fn login(mut self, login: impl Into<String>, password: impl Into<Password>) -> Self {
        self.config.auth = Some(Auth::Login { login: login.into(), password: password.into() });
        self
    }

    /// Time allowed for one call (default 120 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// Retries of one call (default 5) and the first wait between them (default 200 ms).
    #[must_use]
    pub fn retries(mut self, retries: usize, backoff: Duration) -> Self {
        self.config.retries = retries;
        self.config.backoff = backoff;
        self
    }

    /// Windows fetched at once by a pull (default 2, at least 1).
    #[must_use]
    pub fn concurrency(mut self, windows: usize) -> Self {
        self.config.concurrency = windows.max(1);
        self
    }

    /// Rows per page of a pull (default 10 000, the API's maximum).
    #[must_use]
    pub fn page_size(mut self, rows: u32) -> Self {
        self.config.page_size = rows.max(1);
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .timeout(self.config.timeout)
            .gzip(true)
            .user_agent(concat!("dataapi-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok(Client { inner: Arc::new(call::Inner::new(http, self.config)) })
    }
}

/// A Data API client; cheap to clone (clones share the session, the budget and the progress
/// counters of calls).
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<call::Inner>,
}

impl Client {
    /// A builder with the defaults of [`Config`].
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }
}
