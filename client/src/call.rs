//! One call: authentication, the budget, retries, and the typed error.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use backon::BackoffBuilder;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::limits::{Budget, Gate, Progress};
use super::pull::Paged;
use super::{Auth, Client, Config, PullState};
use dataapi_runtime::login::Login;
use dataapi_runtime::{
    AccessToken, ApiError, DateTime, Method, Mnemonic, Page, Reply, ReplyError, Request, Violations,
};

/// Why a call or a pull failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks rules the schema knows; it was not sent.
    #[error("the request would be refused:\n{0}")]
    Invalid(Violations),
    /// The API refused the call; branch on [`ApiError::mnemonic`].
    #[error(transparent)]
    Api(ApiError),
    /// The call did not reach the API or its reply did not come back, after every retry.
    #[error("transport: {0}")]
    Transport(String),
    /// The server answered with an HTTP error status, after every retry.
    #[error("HTTP status {status}")]
    Http {
        /// The status code.
        status: u16,
    },
    /// The reply is not a reply of this method.
    #[error("the reply cannot be decoded at `{path}`: {message}")]
    Decode {
        /// Where in the body (`result.data[3].start_time`).
        path: String,
        /// What serde_json said.
        message: String,
    },
    /// The minute budget stayed spent through every wait allowed.
    #[error("the API's minute limit is spent; retry in {} s", retry_after.as_secs())]
    RateLimited {
        /// When to try again.
        retry_after: Duration,
    },
    /// The day budget is spent: the pull stops, and resumes from `resume` once it resets.
    #[error("the API's day limit is spent; it resets in {} s", reset_in.as_secs())]
    DayLimit {
        /// When the day budget resets.
        reset_in: Duration,
        /// Where a pull stopped (`None` for a single call).
        resume: Option<Box<PullState>>,
    },
    /// One second of the period (or one value of the key's first field within it) holds a page
    /// or more of rows, and the method has no further key field that can be filtered by ranges
    /// to tell them apart, so they cannot all be read with this page size.
    #[error(
        "the second {second} holds {rows} rows or more, a page ({reachable}) or more, and they cannot be told \
         apart by ranges of the key; use larger pages, narrow the filter, or pull another method"
    )]
    TooDense {
        /// The second.
        second: DateTime,
        /// Its rows (at least one page).
        rows: u64,
        /// The most rows one request yields.
        reachable: u64,
    },
    /// A request without a period holds more rows than one page, and the method has no key
    /// field that can be filtered by ranges to read them in parts.
    #[error(
        "the request holds {rows} rows, more than one page ({reachable}), has no period to cut and no key to \
         read it by; narrow the filter"
    )]
    TooMany {
        /// Its rows.
        rows: u64,
        /// The most rows one request yields.
        reachable: u64,
    },
    /// A pull could not prove that it read every row of a window; its state resumes without
    /// repeating a row.
    #[error("cannot establish that every row of {window} was read: {why}")]
    Incomplete {
        /// The window: the method and the period or second.
        window: String,
        /// Why, and what to do.
        why: String,
    },
    /// A pull cannot take this request as it is (the message says what to change).
    #[error("{0}")]
    Unsupported(String),
    /// The client was built without [`Auth`].
    #[error("the client has no token and no login: call `token(…)` or `login(…)` on the builder")]
    NoAuth,
}

impl Error {
    /// Worth sending the same call again: a fault of the network or the server, not of the call.
    fn retryable(&self) -> bool {
        match self {
            Error::Transport(_) => true,
            Error::Http { status } => *status >= 500,
            Error::Api(e) => e.mnemonic().is_some_and(|m| m == "internal_error"),
            Error::Decode { message, .. } => message.starts_with("EOF"),
            _ => false,
        }
    }

    fn from_reply(e: ReplyError) -> Self {
        match e {
            ReplyError::Api(e) => Error::Api(e),
            ReplyError::Decode { path, source } => Error::Decode { path, message: source.to_string() },
        }
    }
}

/// A login session.
#[derive(Debug, Clone)]
struct Session {
    token: AccessToken,
    /// When to log in again: the relogin margin before it expires (a quarter of the session
    /// at most, for short sessions).
    renew_at: Option<Instant>,
}

/// What clones of a [`Client`] share.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: Config,
    http: reqwest::Client,
    session: Mutex<Option<Session>>,
    pub(crate) budget: Budget,
    in_flight: AtomicI64,
    ids: AtomicU64,
    /// The API's clock less the local one, in seconds, from the last reply's `Date` header.
    skew: std::sync::Mutex<Option<i64>>,
    /// Pulls under way; the last to end logs out of a `login.user` session.
    pub(crate) pulls: AtomicUsize,
}

impl Inner {
    pub(crate) fn new(http: reqwest::Client, config: Config) -> Self {
        Inner {
            config,
            http,
            session: Mutex::new(None),
            budget: Budget::default(),
            in_flight: AtomicI64::new(0),
            ids: AtomicU64::new(1),
            skew: std::sync::Mutex::new(None),
            pulls: AtomicUsize::new(0),
        }
    }
}

/// How many times the client waits out a spent minute budget for one call before it gives up.
const LIMIT_WAITS: usize = 5;

impl Client {
    /// Sends one request with the client's token and decodes its page. The request is checked
    /// first; its own `access_token` is replaced by the client's.
    pub async fn call<M>(&self, request: &Request<M>) -> Result<Page<M::Row>, Error>
    where
        M: Method,
        M::Row: DeserializeOwned,
    {
        check(request)?;
        self.send(request, &Progress::default(), Reply::<M::Row>::decode).await
    }

    /// Sends `request` with the current token and decodes the reply with `decode`; waits on the
    /// budget, logs in again once on an expired token, and retries faults.
    pub(crate) async fn send<Q: Paged, T>(
        &self,
        request: &Q,
        progress: &Progress,
        decode: impl Fn(&[u8]) -> Result<Page<T>, ReplyError>,
    ) -> Result<Page<T>, Error> {
        let inner = &self.inner;
        let mut delays = backon::ExponentialBuilder::default()
            .with_min_delay(inner.config.backoff)
            .with_max_delay(Duration::from_secs(30))
            .with_max_times(inner.config.retries)
            .with_jitter()
            .build();
        let mut relogged = false;
        let mut limit_waits = 0;
        loop {
            match inner.budget.take().await {
                Gate::Go => {}
                Gate::Wait(wait) => {
                    progress.limit_wait(wait);
                    tokio::time::sleep(wait).await;
                    progress.set_waiting(false);
                    continue;
                }
                Gate::DaySpent(reset_in) => return Err(Error::DayLimit { reset_in, resume: None }),
            }
            let token = self.token(progress).await?;
            let mut sent = request.clone();
            sent.set_token(token.clone());
            let result = self
                .post(request.descriptor().name, &sent, progress)
                .await
                .and_then(|body| decode(&body).map_err(Error::from_reply));
            match result {
                Ok(page) => {
                    if let Some(limits) = &page.metadata.limits {
                        inner.budget.update(limits, inner.in_flight.load(Ordering::Relaxed)).await;
                    }
                    return Ok(page);
                }
                Err(Error::Api(e)) if is(&e, "limit_exceeded") => {
                    let (reset_in, day) = limit_of(&e);
                    if day {
                        inner.budget.day_spent(reset_in).await;
                        return Err(Error::DayLimit { reset_in, resume: None });
                    }
                    inner.budget.minute_spent(reset_in).await;
                    progress.limit_refused();
                    limit_waits += 1;
                    if limit_waits > LIMIT_WAITS {
                        return Err(Error::RateLimited { retry_after: reset_in });
                    }
                }
                Err(Error::Api(e))
                    if !relogged
                        && matches!(inner.config.auth, Some(Auth::Login { .. }))
                        && (is(&e, "access_token_expired") || is(&e, "access_token_invalid")) =>
                {
                    // The session ended early: never send that token again; log in once more.
                    relogged = true;
                    self.forget(&token).await;
                }
                Err(e) if e.retryable() => match delays.next() {
                    Some(delay) => {
                        progress.retry();
                        tokio::time::sleep(delay).await;
                    }
                    None => return Err(e),
                },
                Err(e) => return Err(e),
            }
        }
    }

    /// POSTs one JSON-RPC call and returns the body of a 2xx reply.
    async fn post<P: Serialize>(
        &self,
        method: &'static str,
        params: &P,
        progress: &Progress,
    ) -> Result<Vec<u8>, Error> {
        let inner = &self.inner;
        let id = inner.ids.fetch_add(1, Ordering::Relaxed) as i64;
        let call = dataapi_runtime::RpcRequest::new(id, method, params);
        let body = serde_json::to_vec(&call).map_err(|e| Error::Transport(format!("cannot encode the call: {e}")))?;
        progress.request();
        inner.in_flight.fetch_add(1, Ordering::Relaxed);
        let reply = inner
            .http
            .post(inner.config.endpoint.url())
            .header(reqwest::header::CONTENT_TYPE, "application/json; charset=UTF-8")
            .body(body)
            .send()
            .await;
        if let Ok(reply) = &reply
            && let Some(api) =
                reply.headers().get(reqwest::header::DATE).and_then(|d| d.to_str().ok()).and_then(http_date)
        {
            *inner.skew.lock().unwrap_or_else(|p| p.into_inner()) = Some(api - unix_now());
        }
        let result = match reply {
            Err(e) => Err(Error::Transport(transport_message(&e))),
            Ok(reply) if !reply.status().is_success() => Err(Error::Http { status: reply.status().as_u16() }),
            Ok(reply) => reply.bytes().await.map(|b| b.to_vec()).map_err(|e| Error::Transport(transport_message(&e))),
        };
        inner.in_flight.fetch_sub(1, Ordering::Relaxed);
        result
    }

    /// The token to send: the permanent one, or the login session's, logging in when there is
    /// none or it expires within the margin.
    async fn token(&self, progress: &Progress) -> Result<AccessToken, Error> {
        let inner = &self.inner;
        let (login, password) = match &inner.config.auth {
            None => return Err(Error::NoAuth),
            Some(Auth::Token(token)) => return Ok(token.clone()),
            Some(Auth::Login { login, password }) => (login, password),
        };
        let mut session = inner.session.lock().await;
        let fresh = |s: &Session| s.renew_at.is_none_or(|at| at > Instant::now());
        if let Some(s) = session.as_ref().filter(|s| fresh(s)) {
            return Ok(s.token.clone());
        }
        let request = Login::new(login.clone(), password.clone());
        let mut delays = backon::ExponentialBuilder::default()
            .with_min_delay(inner.config.backoff)
            .with_max_times(inner.config.retries)
            .with_jitter()
            .build();
        let mut limit_waits = 0;
        let logged = loop {
            let result = self
                .post(Login::METHOD, &request, progress)
                .await
                .and_then(|body| Login::decode_reply(&body).map_err(Error::from_reply));
            match result {
                Ok(s) => break s,
                // A spent minute budget holds for `login.user` too: wait it out like any call.
                Err(Error::Api(e)) if is(&e, "limit_exceeded") => {
                    let (reset_in, day) = limit_of(&e);
                    if day {
                        return Err(Error::DayLimit { reset_in, resume: None });
                    }
                    limit_waits += 1;
                    if limit_waits > LIMIT_WAITS {
                        return Err(Error::RateLimited { retry_after: reset_in });
                    }
                    progress.limit_wait(reset_in);
                    tokio::time::sleep(reset_in).await;
                    progress.set_waiting(false);
                }
                Err(e) if e.retryable() => match delays.next() {
                    Some(delay) => {
                        progress.retry();
                        tokio::time::sleep(delay).await
                    }
                    None => return Err(e),
                },
                Err(e) => return Err(e),
            }
        };
        // How long the session has left, by the API's clock where its replies state it; a
        // span that is not positive by the local clock is not trusted, and the session is then
        // renewed when the API says it expired (one extra login at most).
        let left = logged.expire_at - self.api_now();
        let renew_at = (logged.expire_at > 0 && left > 0).then(|| {
            let left = Duration::from_secs(left as u64);
            Instant::now() + left - inner.config.relogin_margin.min(left / 4)
        });
        *session = Some(Session { token: logged.access_token.clone(), renew_at });
        Ok(logged.access_token)
    }

    /// The API's clock now, in Unix seconds: the local clock corrected by the `Date` header of
    /// the last reply (the local clock alone before any reply).
    pub(crate) fn api_now(&self) -> i64 {
        unix_now() + self.inner.skew.lock().unwrap_or_else(|p| p.into_inner()).unwrap_or(0)
    }

    /// The API's clock, as the `Date` header of its last reply set it (HTTP dates are in GMT);
    /// `None` before any reply that carried one. Replies state whole seconds.
    pub fn api_time(&self) -> Option<SystemTime> {
        let skew = (*self.inner.skew.lock().unwrap_or_else(|p| p.into_inner()))?;
        let now = SystemTime::now();
        Some(if skew >= 0 { now + Duration::from_secs(skew as u64) } else { now - Duration::from_secs((-skew) as u64) })
    }

    /// Ends the `login.user` session, if there is one (`logout.user`); a later call logs in
    /// again. Pulls do this when the last of them ends. A permanent token is left alone.
    pub async fn logout(&self) -> Result<(), Error> {
        let Some(session) = self.inner.session.lock().await.take() else { return Ok(()) };
        let params = serde_json::json!({ "access_token": session.token });
        self.post("logout.user", &params, &Progress::default()).await.map(|_| ())
    }

    /// Drops the session whose token the API refused, unless another call already replaced it.
    async fn forget(&self, token: &AccessToken) {
        let mut session = self.inner.session.lock().await;
        if session.as_ref().is_some_and(|s| &s.token == token) {
            *session = None;
        }
    }
}

/// Checks a request as the client will send it: with the client's token, not its own.
pub(crate) fn check<M: Method>(request: &Request<M>) -> Result<(), Error> {
    let mut sent = request.clone();
    sent.access_token = None;
    sent.validate().map_err(Error::Invalid)
}

fn is(e: &ApiError, mnemonic: &str) -> bool {
    e.mnemonic().is_some_and(|m: &Mnemonic| m == mnemonic)
}

/// How long a `limit_exceeded` asks to wait, and whether it is the day budget.
fn limit_of(e: &ApiError) -> (Duration, bool) {
    let limits = e.data.as_ref().and_then(|d| d.metadata.as_ref()).and_then(|m| m.get("limits"));
    let number = |key: &str| limits.and_then(|l| l.get(key)).and_then(serde_json::Value::as_i64);
    let day = e.message.to_lowercase().contains("day") || number("day_remaining").is_some_and(|d| d <= 0);
    let reset = if day { number("day_reset").unwrap_or(86_400) } else { number("minute_reset").unwrap_or(60) };
    (Duration::from_secs(reset.max(1) as u64), day)
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) in Unix seconds.
fn http_date(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(text).ok().map(|t| t.timestamp())
}

fn transport_message(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}
