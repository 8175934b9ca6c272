//! Per-token request budgets: a day and a "minute" (its length is an option, so that tests
//! need not wait a minute). Windows are fixed and counted from the server's start. A call
//! reserves a point before it runs and gives it back if it fails, so only successful calls
//! are charged, also under concurrency.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitOptions {
    /// Points per day; `None`: no daily limit.
    pub day: Option<u32>,
    /// Points per minute; `None`: no per-minute limit.
    pub minute: Option<u32>,
    /// How long a "minute" lasts.
    pub minute_length: Duration,
    /// How long a "day" lasts.
    pub day_length: Duration,
}

impl Default for LimitOptions {
    fn default() -> Self {
        LimitOptions {
            day: None,
            minute: None,
            minute_length: Duration::from_secs(60),
            day_length: Duration::from_secs(86_400),
        }
    }
}

/// What is left of a token's budgets, as `metadata.limits` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Remaining {
    /// Points per day, where limited.
    pub day_limit: Option<u32>,
    /// Points left today.
    pub day_remaining: u32,
    /// Seconds until the daily budget resets.
    pub day_reset: u64,
    /// Points per minute, where limited.
    pub minute_limit: Option<u32>,
    /// Points left this minute.
    pub minute_remaining: u32,
    /// Seconds until the per-minute budget resets.
    pub minute_reset: u64,
}

impl Remaining {
    /// `metadata.limits`: `{}` when nothing is limited.
    pub fn to_json(self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        if let Some(limit) = self.day_limit {
            map.insert("day_limit".into(), limit.into());
            map.insert("day_remaining".into(), self.day_remaining.into());
            map.insert("day_reset".into(), self.day_reset.into());
        }
        if let Some(limit) = self.minute_limit {
            map.insert("minute_limit".into(), limit.into());
            map.insert("minute_remaining".into(), self.minute_remaining.into());
            map.insert("minute_reset".into(), self.minute_reset.into());
        }
        serde_json::Value::Object(map)
    }
}

/// Which budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spent {
    /// The daily one.
    Day,
    /// The per-minute one.
    Minute,
}

#[derive(Debug, Default, Clone, Copy)]
struct Used {
    day_window: u64,
    day: u32,
    minute_window: u64,
    minute: u32,
}

/// The budgets of every token.
#[derive(Debug)]
pub struct Limiter {
    options: LimitOptions,
    start: Instant,
    used: Mutex<HashMap<String, Used>>,
}

fn window(elapsed: Duration, length: Duration) -> (u64, u64) {
    let length = length.as_nanos().max(1);
    let index = elapsed.as_nanos() / length;
    let left = length - elapsed.as_nanos() % length;
    // Seconds until the reset, rounded up: a budget never resets before it says.
    (index as u64, left.div_ceil(1_000_000_000) as u64)
}

impl Limiter {
    /// Budgets from now on.
    pub fn new(options: LimitOptions) -> Self {
        Limiter { options, start: Instant::now(), used: Mutex::new(HashMap::new()) }
    }

    fn state(&self, used: &mut Used) -> Remaining {
        let elapsed = self.start.elapsed();
        let (day_window, day_reset) = window(elapsed, self.options.day_length);
        let (minute_window, minute_reset) = window(elapsed, self.options.minute_length);
        if used.day_window != day_window {
            used.day_window = day_window;
            used.day = 0;
        }
        if used.minute_window != minute_window {
            used.minute_window = minute_window;
            used.minute = 0;
        }
        Remaining {
            day_limit: self.options.day,
            day_remaining: self.options.day.map_or(0, |l| l.saturating_sub(used.day)),
            day_reset,
            minute_limit: self.options.minute,
            minute_remaining: self.options.minute.map_or(0, |l| l.saturating_sub(used.minute)),
            minute_reset,
        }
    }

    /// Takes a point from `token`'s budgets, or says which is spent.
    pub fn reserve(&self, token: &str) -> Result<Remaining, (Spent, Remaining)> {
        let mut all = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let used = all.entry(token.to_owned()).or_default();
        let now = self.state(used);
        if self.options.day.is_some() && now.day_remaining == 0 {
            return Err((Spent::Day, now));
        }
        if self.options.minute.is_some() && now.minute_remaining == 0 {
            return Err((Spent::Minute, now));
        }
        used.day += 1;
        used.minute += 1;
        Ok(self.state(used))
    }

    /// Gives back a point taken by [`Limiter::reserve`] for a call that failed.
    pub fn refund(&self, token: &str) {
        let mut all = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(used) = all.get_mut(token) {
            used.day = used.day.saturating_sub(1);
            used.minute = used.minute.saturating_sub(1);
        }
    }
}
