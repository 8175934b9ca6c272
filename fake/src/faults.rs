//! Faults: replies that go wrong on the way, drawn for each request from the seed and the
//! request's number, so a run with the same requests in the same order sees the same faults.
//! No fault changes the data: a faulty reply is refused, late, or visibly broken.

use std::time::Duration;

use super::data::mix;

/// A kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    /// HTTP 502 Bad Gateway, with an HTML body.
    BadGateway,
    /// HTTP 503 Service Unavailable, with `Retry-After: 1`.
    Unavailable,
    /// A JSON-RPC error reply `-32603 internal_error`.
    ErrorReply,
    /// The right reply, after a delay.
    Slow,
    /// The connection is closed after part of the body.
    Disconnect,
    /// A complete HTTP reply whose JSON body is cut short.
    Truncated,
    /// A report's reply without `metadata.total_items` (the rows are right). Not among
    /// [`FaultKind::ALL`], which `faults(rate)` spreads over: ask for it by name.
    OmitTotalItems,
}

impl FaultKind {
    /// The kinds that a total rate (`faults(rate)`, `--faults P`) spreads over.
    pub const ALL: [FaultKind; 6] = [
        FaultKind::BadGateway,
        FaultKind::Unavailable,
        FaultKind::ErrorReply,
        FaultKind::Slow,
        FaultKind::Disconnect,
        FaultKind::Truncated,
    ];

    /// Its name on the command line and in `/__stats`.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::BadGateway => "http_502",
            FaultKind::Unavailable => "http_503",
            FaultKind::ErrorReply => "internal_error",
            FaultKind::Slow => "slow",
            FaultKind::Disconnect => "disconnect",
            FaultKind::Truncated => "truncated",
            FaultKind::OmitTotalItems => "omit_total_items",
        }
    }

    /// Every kind, the ones asked for by name included.
    pub const EVERY: [FaultKind; 7] = [
        FaultKind::BadGateway,
        FaultKind::Unavailable,
        FaultKind::ErrorReply,
        FaultKind::Slow,
        FaultKind::Disconnect,
        FaultKind::Truncated,
        FaultKind::OmitTotalItems,
    ];

    /// The kind with this name.
    pub fn parse(name: &str) -> Option<FaultKind> {
        FaultKind::EVERY.into_iter().find(|k| k.as_str() == name)
    }
}

/// How often each fault happens.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultOptions {
    /// The chance of each kind per request (they add up; at most 1 in all).
    pub rates: Vec<(FaultKind, f64)>,
    /// How late a slow reply is.
    pub slow_delay: Duration,
}

impl FaultOptions {
    /// A total rate spread evenly over every kind.
    pub fn uniform(rate: f64) -> Self {
        let each = rate / FaultKind::ALL.len() as f64;
        FaultOptions { rates: FaultKind::ALL.iter().map(|&k| (k, each)).collect(), slow_delay: Duration::from_secs(1) }
    }
}

/// Draws faults.
#[derive(Debug)]
pub struct Faults {
    options: FaultOptions,
    seed: u64,
}

impl Faults {
    /// Faults of `options`, drawn from `seed`.
    pub fn new(options: FaultOptions, seed: u64) -> Self {
        Faults { options, seed }
    }

    /// How late a slow reply is.
    pub fn slow_delay(&self) -> Duration {
        self.options.slow_delay
    }

    /// The fault of request number `n`, if any.
    pub fn draw(&self, n: u64) -> Option<FaultKind> {
        if self.options.rates.is_empty() {
            return None;
        }
        // 53 random bits as a fraction in [0, 1), computed the same way everywhere.
        let x = (mix(self.seed ^ 0xfa17 ^ mix(n)) >> 11) as f64 / (1u64 << 53) as f64;
        let mut edge = 0.0;
        for &(kind, rate) in &self.options.rates {
            edge += rate;
            if x < edge {
                return Some(kind);
            }
        }
        None
    }
}
