//! The API's request budget as the replies report it, and the progress counters of a client.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use dataapi_runtime::Limits;

/// What the last replies said about the per-minute and per-day budgets.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Calls this minute may still make, counting calls in flight; unknown until a reply says.
    minute_left: Option<i64>,
    /// When the minute budget resets.
    minute_reset: Option<Instant>,
    /// When the day budget resets, once a reply said it is spent.
    day_spent_until: Option<Instant>,
}

/// Why a call may not be sent now.
pub(crate) enum Gate {
    /// Go.
    Go,
    /// Wait this long for the minute budget.
    Wait(Duration),
    /// The day budget is spent; it resets in this long.
    DaySpent(Duration),
}

impl Budget {
    /// Takes one point for a call about to be sent, or says how long to wait for one.
    pub(crate) async fn take(&self) -> Gate {
        let mut s = self.state.lock().await;
        let now = Instant::now();
        if let Some(until) = s.day_spent_until {
            if until > now {
                return Gate::DaySpent(until - now);
            }
            s.day_spent_until = None;
        }
        match (s.minute_left, s.minute_reset) {
            (Some(left), Some(reset)) if left <= 0 && reset > now => Gate::Wait(reset - now),
            (Some(left), Some(reset)) if left <= 0 && reset <= now => {
                // A new minute: the next reply says how much of it is left.
                s.minute_left = None;
                s.minute_reset = None;
                Gate::Go
            }
            (Some(left), _) => {
                s.minute_left = Some(left - 1);
                Gate::Go
            }
            _ => Gate::Go,
        }
    }

    /// Reads the budget a reply reports (`minute_remaining` counts after that call). Calls
    /// still in flight were taken from the count already, so the reply's figure is lowered by
    /// them.
    pub(crate) async fn update(&self, limits: &Limits, in_flight: i64) {
        let mut s = self.state.lock().await;
        let now = Instant::now();
        if let Some(remaining) = limits.minute_remaining {
            s.minute_left = Some(remaining - in_flight);
            let reset = limits.minute_reset.unwrap_or(60).max(0);
            s.minute_reset = Some(now + Duration::from_secs(reset as u64));
        }
        if limits.day_remaining.is_some_and(|d| d <= 0) {
            let reset = limits.day_reset.unwrap_or(86_400).max(1);
            s.day_spent_until = Some(now + Duration::from_secs(reset as u64));
        }
    }

    /// The API answered `limit_exceeded` for the minute budget: nothing more until it resets.
    pub(crate) async fn minute_spent(&self, reset_in: Duration) {
        let mut s = self.state.lock().await;
        s.minute_left = Some(0);
        s.minute_reset = Some(Instant::now() + reset_in);
    }

    /// The API answered `limit_exceeded` for the day budget.
    pub(crate) async fn day_spent(&self, reset_in: Duration) {
        self.state.lock().await.day_spent_until = Some(Instant::now() + reset_in);
    }
}

/// Counters of a client's calls and a pull's rows, readable while it runs (for a progress bar).
#[derive(Debug, Default)]
pub struct Progress {
    rows: AtomicU64,
    total: AtomicU64,
    requests: AtomicU64,
    retries: AtomicU64,
    waiting: AtomicBool,
    waits: AtomicU64,
    refused: AtomicU64,
    /// When the current wait ends, as milliseconds since `epoch`.
    wait_until: AtomicU64,
    epoch: std::sync::OnceLock<std::time::Instant>,
}

/// A copy of the [`Progress`] counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Rows yielded so far.
    pub rows: u64,
    /// Rows expected in all, from the windows' `total_items` read so far.
    pub total: u64,
    /// Calls sent, retries and logins included.
    pub requests: u64,
    /// Calls sent again after a fault.
    pub retries: u64,
    /// Whether the client is waiting for the API's limit to reset.
    pub waiting: bool,
    /// Waits on the API's limits so far (a spent budget waited out before or after a call).
    pub waits: u64,
    /// Calls the API answered `limit_exceeded` (each was waited out and sent again).
    pub refused: u64,
    /// While waiting: how long the wait has left.
    pub wait_left: Option<std::time::Duration>,
}

impl Progress {
    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            rows: self.rows.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            waiting: self.waiting.load(Ordering::Relaxed),
            waits: self.waits.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            wait_left: self.waiting.load(Ordering::Relaxed).then(|| {
                let until = std::time::Duration::from_millis(self.wait_until.load(Ordering::Relaxed));
                until.saturating_sub(self.epoch().elapsed())
            }),
        }
    }

    pub(crate) fn row(&self) {
        self.rows.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn expect(&self, rows: u64) {
        self.total.fetch_add(rows, Ordering::Relaxed);
    }

    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn set_waiting(&self, waiting: bool) {
        self.waiting.store(waiting, Ordering::Relaxed);
    }

    fn epoch(&self) -> std::time::Instant {
        *self.epoch.get_or_init(std::time::Instant::now)
    }

    /// A wait of `wait` on the API's limits begins.
    pub(crate) fn limit_wait(&self, wait: std::time::Duration) {
        let until = self.epoch().elapsed() + wait;
        self.wait_until.store(until.as_millis() as u64, Ordering::Relaxed);
        self.waits.fetch_add(1, Ordering::Relaxed);
        self.set_waiting(true);
    }

    /// The API answered `limit_exceeded`.
    pub(crate) fn limit_refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }
}
