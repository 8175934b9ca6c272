//! The accounts and streams of many syncs in one file (`sync.toml`), and how an account's
//! client is built: secrets are never in the file, only the names of the environment
//! variables that hold them.
//!
//! ```toml
//! into = "warehouse"                  # a folder, s3://bucket/prefix or postgres://…
//! lookback_days = 3                   # defaults of every stream
//! lag_minutes = 10
//!
//! [[accounts]]
//! name = "shop"
//! brand = "comagic"                   # or url = "https://…"
//! token_env = "SHOP_TOKEN"            # or login = "…" with password_env = "…"
//!
//! [[streams]]
//! method = "get.calls_report"
//! since = "2026-09-01"
//! fields = ["id", "start_time", "finish_reason", "tags"]
//! filter = { field = "direction", operator = "=", value = "in" }
//! accounts = ["shop"]                 # every account when left out
//! ```

use chrono::NaiveDate;
use dataapi_client::Client;
use dataapi_runtime::{Brand, MethodDescriptor};
use serde::Deserialize;
use serde_json::Value;

use crate::{Error, Stream};

/// A configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The target: a folder, `s3://bucket/prefix` or `postgres://…`.
    pub into: String,
    /// The endpoint of an S3-compatible store.
    #[serde(default)]
    pub s3_endpoint: Option<String>,
    /// Days re-read on every run, for streams that do not say.
    #[serde(default)]
    pub lookback_days: Option<u32>,
    /// Minutes before the API's now not read yet, for streams that do not say.
    #[serde(default)]
    pub lag_minutes: Option<u32>,
    /// The accounts.
    pub accounts: Vec<Account>,
    /// The streams, each synced for every account it names (every account by default).
    pub streams: Vec<StreamConfig>,
}

/// An account: its endpoint and the names of the variables holding its secrets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// A name: the account's folder in a dataset and its value in PostgreSQL's
    /// `_dataapi_account` column.
    pub name: String,
    /// `comagic` (the default), `uis` or `callgear`.
    #[serde(default)]
    pub brand: Option<String>,
    /// Another endpoint (a white label, a fake server), instead of the brand's.
    #[serde(default)]
    pub url: Option<String>,
    /// The environment variable holding the access token.
    #[serde(default)]
    pub token_env: Option<String>,
    /// The login for `login.user` (with `password_env`).
    #[serde(default)]
    pub login: Option<String>,
    /// The environment variable holding the password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// The account's time zone, instead of the one `get.account` answers.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// A stream of the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamConfig {
    /// The method's wire name.
    pub method: String,
    /// The first day kept.
    pub since: NaiveDate,
    /// The fields (the method's default replies when left out).
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    /// The filter, as a table or as JSON text.
    #[serde(default)]
    pub filter: Option<Value>,
    /// Days re-read on every run.
    #[serde(default)]
    pub lookback_days: Option<u32>,
    /// Minutes before the API's now not read yet.
    #[serde(default)]
    pub lag_minutes: Option<u32>,
    /// PostgreSQL: the table.
    #[serde(default)]
    pub table: Option<String>,
    /// The accounts it is synced for (every account when left out).
    #[serde(default)]
    pub accounts: Option<Vec<String>>,
}

impl Config {
    /// Reads a configuration from its text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, Error> {
        let config: Config = toml::from_str(text).map_err(|e| Error::Invalid(format!("{file}: {e}")))?;
        let mut problems = Vec::new();
        let mut names = std::collections::HashSet::new();
        for a in &config.accounts {
            if !names.insert(a.name.as_str()) {
                problems.push(format!("the account `{}` is named twice", a.name));
            }
            if let Err(p) = a.check() {
                problems.push(p);
            }
        }
        for (i, s) in config.streams.iter().enumerate() {
            for name in s.accounts.iter().flatten() {
                if !names.contains(name.as_str()) {
                    problems.push(format!("streams[{i}] ({}): no account `{name}`", s.method));
                }
            }
        }
        if config.accounts.is_empty() {
            problems.push("no [[accounts]]".into());
        }
        if config.streams.is_empty() {
            problems.push("no [[streams]]".into());
        }
        if problems.is_empty() { Ok(config) } else { Err(Error::Invalid(format!("{file}: {}", problems.join("; ")))) }
    }

    /// The streams of each account, in the configuration's order, their methods found among
    /// `methods`; every problem at once.
    pub fn streams(&self, methods: &[&'static MethodDescriptor]) -> Result<Vec<(Account, Vec<Stream>)>, Error> {
        let mut problems = Vec::new();
        let mut out = Vec::new();
        for account in &self.accounts {
            let mut streams = Vec::new();
            for (i, s) in self.streams.iter().enumerate() {
                if s.accounts.as_ref().is_some_and(|names| !names.contains(&account.name)) {
                    continue;
                }
                let Some(method) = methods.iter().copied().find(|m| m.name == s.method) else {
                    let names: Vec<_> = methods.iter().map(|m| m.name).collect();
                    problems.push(format!(
                        "streams[{i}]: no method `{}`; the methods are {}",
                        s.method,
                        names.join(", ")
                    ));
                    continue;
                };
                let filter = match &s.filter {
                    Some(Value::String(json)) => match serde_json::from_str(json) {
                        Ok(f) => Some(f),
                        Err(e) => {
                            problems.push(format!("streams[{i}].filter: not JSON: {e}"));
                            continue;
                        }
                    },
                    other => other.clone(),
                };
                let mut stream = Stream::new(account.name.clone(), method, s.since);
                stream.brand = account.brand_docs();
                stream.filter = filter;
                stream.lookback_days = s.lookback_days.or(self.lookback_days).unwrap_or(stream.lookback_days);
                stream.lag_minutes = s.lag_minutes.or(self.lag_minutes).unwrap_or(stream.lag_minutes);
                stream.table = s.table.clone();
                let stream = match &s.fields {
                    Some(fields) => stream.fields(fields),
                    None => stream.fields(&[]),
                };
                if let Err(v) = stream.check() {
                    problems.push(format!("streams[{i}] ({}) for {}: {v}", s.method, account.name));
                    continue;
                }
                streams.push(stream);
            }
            out.push((account.clone(), streams));
        }
        if problems.is_empty() { Ok(out) } else { Err(Error::Invalid(problems.join("\n"))) }
    }
}

impl Account {
    /// Checks the account's options (not its variables, which [`Account::client`] reads).
    pub fn check(&self) -> Result<(), String> {
        let at = &self.name;
        if self.name.is_empty() || self.name.contains(['/', '\\']) || self.name.starts_with(['.', '_']) {
            return Err(format!(
                "the account name `{at}` must be a folder name (not empty, no slash, not starting with . or _)"
            ));
        }
        if let Some(brand) = &self.brand
            && !matches!(brand.as_str(), "comagic" | "uis" | "callgear")
        {
            return Err(format!("account {at}: brand `{brand}`: comagic, uis or callgear"));
        }
        if self.brand.is_some() && self.url.is_some() {
            return Err(format!("account {at}: give a brand or a url, not both"));
        }
        match (&self.token_env, &self.login, &self.password_env) {
            (Some(_), None, None) | (None, Some(_), Some(_)) => {}
            _ => return Err(format!("account {at}: give token_env, or login with password_env")),
        }
        if let Some(zone) = &self.time_zone
            && zone.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(format!("account {at}: time_zone `{zone}` is not an IANA zone (Europe/Moscow)"));
        }
        Ok(())
    }

    /// The brand whose docs hold the requests: none behind another URL; UIS serves CoMagic's.
    pub fn brand_docs(&self) -> Option<Brand> {
        match (&self.url, self.brand.as_deref()) {
            (Some(_), _) => None,
            (None, Some("callgear")) => Some(Brand::CallGear),
            (None, _) => Some(Brand::CoMagic),
        }
    }

    /// The account's time zone, if given.
    pub fn zone(&self) -> Option<chrono_tz::Tz> {
        self.time_zone.as_deref().and_then(|z| z.parse().ok())
    }

    /// A client of the account, its secrets read from their variables, `page_size` rows a page.
    pub fn client(&self, page_size: u32) -> Result<Client, Error> {
        Ok(self.builder()?.page_size(page_size).build()?)
    }

    /// A client builder of the account: its endpoint, and its secrets read from their
    /// variables.
    pub fn builder(&self) -> Result<dataapi_client::Builder, Error> {
        self.check().map_err(Error::Invalid)?;
        let builder = Client::builder();
        let builder = match (&self.url, self.brand.as_deref()) {
            (Some(url), _) => builder.url(url.clone()),
            (None, Some("uis")) => builder.uis(),
            (None, Some("callgear")) => builder.callgear(),
            (None, _) => builder.comagic(),
        };
        let var = |setting: &str, name: &str| match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(value),
            _ => Err(Error::Invalid(format!(
                "account {}: {setting} {name}: the environment variable is not set or empty",
                self.name
            ))),
        };
        let builder = match (&self.token_env, &self.login, &self.password_env) {
            (Some(token), _, _) => builder.token(var("token_env", token)?),
            (None, Some(login), Some(password)) => builder.login(login.clone(), var("password_env", password)?),
            _ => {
                return Err(Error::Invalid(format!(
                    "account {}: give token_env, or login with password_env",
                    self.name
                )));
            }
        };
        Ok(builder)
    }
}
