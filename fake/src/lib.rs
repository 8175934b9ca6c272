//! A fake Data API server built from the schema, for tests that need something that behaves
//! like the real API without credentials (feature `fake`).
//!
//! It serves JSON-RPC 2.0 over HTTP/1.1 on loopback at `/v2.0`, for every method it is
//! given as [`MethodDescriptor`]s (the bundled `dataapi::METHODS`, or the `METHODS` a build
//! script generated), and holds each request to the API's rules:
//!
//! - the envelope: JSON (`parse_error`), an object (`invalid_request`), not a batch
//!   (`batch_operations_not_supported`), with an `id` (`notifications_not_supported`), a
//!   known method (`method_not_found`);
//! - the token: permanent tokens and `login.user` sessions (`access_token_invalid`,
//!   `access_token_expired`, `auth_error` for a wrong password);
//! - the parameters, through the client's own validator ([`dataapi_runtime::validate::params`]),
//!   whose first violation becomes the API's error object (`code`, `message`,
//!   `data.mnemonic`, `data.field`, `data.value`);
//! - the budgets: each successful call costs a point of the token's day and minute budgets,
//!   reported in `metadata.limits`; a spent budget is `-32029 limit_exceeded`;
//! - and then the data: rows of a deterministic [`Dataset`] within `date_from ≤ time ≤
//!   date_till` (both inclusive, to the second), through `filter`, `sort`, `fields` (the
//!   default-reply fields when omitted), `offset` and `limit`, with `metadata.total_items`.
//!
//! How each operator reads: `=`, `!=`, `<`, `>`, `<=`, `>=` compare numbers as numbers,
//! date-times and dates as times, text and enum codes byte for byte, value objects by their
//! `value_id`; `=`/`!=` with `null` test for an empty cell. `like`, `not_like` (case-sensitive)
//! and `ilike`, `not_ilike` (case-insensitive): `%` matches any run of characters, every other
//! character itself. `regexp`: a regular expression in the `regex` crate's syntax, unanchored.
//! `in`, `not_in`: the cell equals one / none of the values. `overlap`, `not_overlap`: the
//! array cell has one / none of the values. `is_null`, `is_not_null`: the cell is / is not
//! `null` (an empty array is not). As in SQL, a `null` cell matches no comparison and no
//! pattern. `jsquery` is refused (`invalid_parameter_value`): the fake server does not
//! evaluate it. Sorting puts `null` after every value (first when descending), as PostgreSQL
//! does; rows that compare equal keep their order in the data set (by `id`).
//!
//! Faults ([`FaultKind`]) can be injected at a rate, drawn from the seed. `GET /__stats`
//! answers the counters ([`Stats`]).
//!
//! The server has a [`Clock`] (the wall clock, or a manual one moved by [`Clock::advance`] and
//! `POST /__clock`), stated in every reply's `Date` header. With a history
//! ([`HistoryOptions`]: late rows, edits, deletions, dense seconds, unstable ties) a request
//! answered at moment *t* sees exactly [`Dataset::as_of`] *t*; without one, every row is there
//! and every reply body is as it was before the clock existed.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use dataapi::fake::FakeServer;
//! use dataapi::Date;
//!
//! let server = FakeServer::builder()
//!     .methods(dataapi::METHODS)
//!     .seed(7)
//!     .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 31).unwrap())
//!     .rows_per_day(100)
//!     .token("T")
//!     .start()
//!     .await?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! assert!(server.url().ends_with("/v2.0"));
//! let rows = server.dataset().method("get.calls_report").unwrap();
//! assert_eq!(rows.len(), 31 * 100);
//! server.stop().await;
//! # Ok(())
//! # }
//! ```

mod auth;
mod clock;
mod data;
mod eval;
mod faults;
mod limits;
mod rpc;
mod server;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use chrono_tz::Tz;
pub use clock::{Clock, http_date, parse_zone};
pub use data::{
    ACCOUNT_METHOD, AsOf, DataOptions, Dataset, HistoryOptions, LIST_ROWS, MethodAsOf, MethodData, RowHistory, secs_of,
};
pub use faults::{FaultKind, FaultOptions};
pub use limits::LimitOptions;
pub use rpc::{ClockStats, HistoryCounts, HistoryStats, Stats, code_of};
pub use server::MAX_BODY_BYTES;

use chrono::NaiveDateTime;
use dataapi_runtime::{Date, DateTime, MethodDescriptor};

/// Everything a fake server is made from; build one with [`FakeServer::builder`].
#[derive(Debug, Clone)]
pub struct FakeServerBuilder {
    methods: Vec<&'static MethodDescriptor>,
    data: DataOptions,
    tokens: Vec<String>,
    logins: Vec<(String, String)>,
    token_ttl: Duration,
    limits: LimitOptions,
    faults: FaultOptions,
    addr: SocketAddr,
    max_body: usize,
    clock_start: Option<NaiveDateTime>,
    manual_clock: bool,
    zone_error: Option<String>,
}

impl Default for FakeServerBuilder {
    fn default() -> Self {
        FakeServerBuilder {
            methods: Vec::new(),
            data: DataOptions::default(),
            tokens: Vec::new(),
            logins: Vec::new(),
            token_ttl: Duration::from_secs(3600),
            limits: LimitOptions::default(),
            faults: FaultOptions { rates: Vec::new(), slow_delay: Duration::from_secs(1) },
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            max_body: MAX_BODY_BYTES,
            clock_start: None,
            manual_clock: false,
            zone_error: None,
        }
    }
}

impl FakeServerBuilder {
    /// The methods to serve (required): the bundled ones, `.methods(dataapi::METHODS)`, or a
    /// build script's generated `METHODS` (`.methods(api::METHODS)`), or any descriptors.
    pub fn methods(mut self, methods: &[&'static MethodDescriptor]) -> Self {
        self.methods = methods.to_vec();
        self
    }

    /// The seed of the data set and of the faults (default 7).
    pub fn seed(mut self, seed: u64) -> Self {
        self.data.seed = seed;
        self
    }

    /// The days that have rows, both inclusive (default 2026-01-01 to 2026-03-31).
    pub fn period(mut self, from: Date, till: Date) -> Self {
        self.data.from = from.0;
        self.data.till = till.0;
        self
    }

    /// Rows of each method on each day (default 300).
    pub fn rows_per_day(mut self, rows: u32) -> Self {
        self.data.rows_per_day = rows;
        self
    }

    /// A permanent access token (repeatable).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens.push(token.into());
        self
    }

    /// A login and password that `login.user` accepts (repeatable).
    pub fn login(mut self, login: impl Into<String>, password: impl Into<String>) -> Self {
        self.logins.push((login.into(), password.into()));
        self
    }

    /// How long a `login.user` session lasts (default an hour).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Points per token per day (default: no limit).
    pub fn day_limit(mut self, points: u32) -> Self {
        self.limits.day = Some(points);
        self
    }

    /// Points per token per minute (default: no limit).
    pub fn minute_limit(mut self, points: u32) -> Self {
        self.limits.minute = Some(points);
        self
    }

    /// How long the "minute" of the per-minute budget lasts (default 60 s).
    pub fn minute_length(mut self, length: Duration) -> Self {
        self.limits.minute_length = length;
        self
    }

    /// How long the "day" of the daily budget lasts (default 86 400 s).
    pub fn day_length(mut self, length: Duration) -> Self {
        self.limits.day_length = length;
        self
    }

    /// Faults at a total rate from 0 to 1, spread evenly over every kind.
    pub fn faults(mut self, rate: f64) -> Self {
        let slow_delay = self.faults.slow_delay;
        self.faults = FaultOptions { slow_delay, ..FaultOptions::uniform(rate) };
        self
    }

    /// Faults of one kind at a rate from 0 to 1 (rates of several kinds add up).
    pub fn fault(mut self, kind: FaultKind, rate: f64) -> Self {
        self.faults.rates.retain(|(k, _)| *k != kind);
        self.faults.rates.push((kind, rate));
        self
    }

    /// How late a slow reply is (default 1 s).
    pub fn slow_delay(mut self, delay: Duration) -> Self {
        self.faults.slow_delay = delay;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The largest request body accepted (default [`MAX_BODY_BYTES`]).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Starts the clock at `t` (a naive local time in the account's zone) instead of the wall
    /// clock's present moment. Rows are then visible only from the moment they appear.
    pub fn clock_start(mut self, t: DateTime) -> Self {
        self.clock_start = Some(t.0);
        self.data.history.clocked = true;
        self
    }

    /// The clock stands still and moves only when told ([`Clock::advance`], [`Clock::set`],
    /// `POST /__clock`). Rows are then visible only from the moment they appear.
    pub fn manual_clock(mut self) -> Self {
        self.manual_clock = true;
        self.data.history.clocked = true;
        self
    }

    /// The account's time zone, an IANA name (default `Europe/Moscow`): `get.account`
    /// answers it and the `Date` header is the clock's now read in it.
    pub fn time_zone(mut self, name: &str) -> Self {
        match parse_zone(name) {
            Ok(zone) => {
                self.data.time_zone = zone;
                self.zone_error = None;
            }
            Err(message) => self.zone_error = Some(message),
        }
        self
    }

    /// Rows appear at their time plus a delay drawn from `0..=seconds` (default 0).
    pub fn late_seconds(mut self, seconds: u64) -> Self {
        self.data.history.late_seconds = seconds;
        self
    }

    /// This share of rows (0 to 1) gets a second version of some non-key fields within the
    /// edit window after appearing (default 0).
    pub fn edit_rate(mut self, rate: f64) -> Self {
        self.data.history.edit_rate = rate;
        self
    }

    /// Edits and deletions happen within this many seconds after a row appeared (default a
    /// day).
    pub fn edit_window(mut self, seconds: u64) -> Self {
        self.data.history.edit_window = seconds;
        self
    }

    /// This share of rows (0 to 1) disappears within the edit window after appearing
    /// (default 0).
    pub fn delete_rate(mut self, rate: f64) -> Self {
        self.data.history.delete_rate = rate;
        self
    }

    /// This many seconds of the period each hold [`dense_rows`](Self::dense_rows) rows of
    /// their own (default 0), more than a page: seconds that a window cannot split.
    pub fn dense_seconds(mut self, seconds: u32) -> Self {
        self.data.history.dense_seconds = seconds;
        self
    }

    /// Rows in each dense second (default 12 000).
    pub fn dense_rows(mut self, rows: u32) -> Self {
        self.data.history.dense_rows = rows;
        self
    }

    /// Rows that tie on every sort key come back in a different order on every request.
    pub fn unstable_ties(mut self) -> Self {
        self.data.history.unstable_ties = true;
        self
    }

    /// A realistic mix ([`HistoryOptions::live`]): rows up to 2 hours late, 5 % edited and
    /// 1 % deleted within a day, unstable ties. Options set after it override its values.
    pub fn live(mut self) -> Self {
        let dense = (self.data.history.dense_seconds, self.data.history.dense_rows);
        self.data.history =
            HistoryOptions { dense_seconds: dense.0, dense_rows: dense.1, clocked: true, ..HistoryOptions::live() };
        self
    }

    /// Every history option at once.
    pub fn history(mut self, history: HistoryOptions) -> Self {
        self.data.history = history;
        self
    }

    fn served(&self) -> Vec<&'static MethodDescriptor> {
        self.methods.clone()
    }

    /// Whether the options make sense; the message says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.methods.is_empty() {
            return Err("no methods to serve: give them with `.methods(dataapi::METHODS)` (the bundled \
                        ones) or a build script's `METHODS`"
                .into());
        }
        if self.data.from > self.data.till {
            return Err(format!("the period ends ({}) before it starts ({})", self.data.till, self.data.from));
        }
        if self.data.rows_per_day == 0 {
            return Err("rows per day must be at least 1".into());
        }
        let mut total = 0.0;
        for (kind, rate) in &self.faults.rates {
            if !(0.0..=1.0).contains(rate) {
                return Err(format!("the rate of fault `{}` must be from 0 to 1, not {rate}", kind.as_str()));
            }
            total += rate;
        }
        if total > 1.0 + 1e-9 {
            return Err(format!("fault rates add up to {total}, more than 1"));
        }
        if self.limits.minute_length.is_zero() || self.limits.day_length.is_zero() {
            return Err("a budget's window cannot last 0 s".into());
        }
        if let Some(message) = &self.zone_error {
            return Err(message.clone());
        }
        self.data.history.check()
    }

    /// The data set the server would serve.
    pub fn dataset(&self) -> Dataset {
        Dataset::new(&self.served(), self.data)
    }

    /// Binds the address and serves on the current tokio runtime until the handle is stopped
    /// or dropped.
    pub async fn start(self) -> io::Result<FakeServer> {
        self.check().map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
        let listener = server::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let seed = self.data.seed;
        let shared = Arc::new(server::Shared {
            service: rpc::Service {
                dataset: self.dataset(),
                auth: auth::Auth::new(self.tokens, self.logins, self.token_ttl, seed),
                limiter: limits::Limiter::new(self.limits),
                counters: rpc::Counters::default(),
                app_id: 1,
                clock: Clock::new(self.clock_start, self.manual_clock, self.data.time_zone),
                tickets: Default::default(),
            },
            faults: faults::Faults::new(self.faults, seed),
            max_body: self.max_body,
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        Ok(FakeServer { addr, shared, stop, task: Some(task) })
    }
}

/// A running fake server. Dropping it stops it.
#[derive(Debug)]
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// The options, to change before [`FakeServerBuilder::start`].
    pub fn builder() -> FakeServerBuilder {
        FakeServerBuilder::default()
    }

    /// The endpoint: `http://127.0.0.1:PORT/v2.0`.
    pub fn url(&self) -> String {
        format!("http://{}/v2.0", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The rows it serves.
    pub fn dataset(&self) -> &Dataset {
        &self.shared.service.dataset
    }

    /// The counters, as `GET /__stats` answers them (with a history, the clock and what has
    /// happened to the rows so far too).
    pub fn stats(&self) -> Stats {
        self.shared.service.stats()
    }

    /// The server's clock: what a request sees depends on its now.
    pub fn clock(&self) -> &Clock {
        &self.shared.service.clock
    }

    /// The endpoint without `/v2.0`, where `/__stats` and `/__clock` are.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and returns when the listener is closed; open connections
    /// finish the request they are on and then close.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
