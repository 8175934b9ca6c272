//! The server's clock: the moment ("now") that decides which rows a request sees, as a naive
//! local time in the account's time zone, like every time of the API.
//!
//! It runs with the wall clock from its start, or stands still until it is told to move
//! ([`Clock::advance`], [`Clock::set`], `POST /__clock`). The HTTP `Date` header of every reply
//! states it in GMT, converted from the zone.

use std::sync::Mutex;
use std::time::Instant;

use chrono::{LocalResult, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use super::data::{datetime_of, secs_of};

/// The server's "now".
#[derive(Debug)]
pub struct Clock {
    /// The local time at `anchor` (seconds since 1970-01-01 00:00:00, naive) and the instant
    /// it was read or set.
    state: Mutex<(i64, Instant)>,
    start: i64,
    manual: bool,
    zone: Tz,
}

impl Clock {
    /// A clock that starts at `start` (naive local time in `zone`; `None`: the wall clock's
    /// present moment in `zone`) and runs with the wall clock, or stands still when `manual`.
    pub fn new(start: Option<NaiveDateTime>, manual: bool, zone: Tz) -> Self {
        let start = start.map_or_else(|| local_now(zone), secs_of);
        Clock { state: Mutex::new((start, Instant::now())), start, manual, zone }
    }

    /// Now, in seconds since 1970-01-01 00:00:00 (naive local time).
    pub fn now_secs(&self) -> i64 {
        let (at, anchor) = *self.state.lock().unwrap_or_else(|e| e.into_inner());
        if self.manual { at } else { at.saturating_add(anchor.elapsed().as_secs() as i64) }
    }

    /// Now, as a naive local time in the account's zone.
    pub fn now(&self) -> NaiveDateTime {
        datetime_of(self.now_secs())
    }

    /// Where the clock started.
    pub fn start(&self) -> NaiveDateTime {
        datetime_of(self.start)
    }

    /// Whether it moves only when told.
    pub fn is_manual(&self) -> bool {
        self.manual
    }

    /// The account's time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Moves the clock forward by `seconds` and returns the new now.
    pub fn advance(&self, seconds: u64) -> NaiveDateTime {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = if self.manual { state.0 } else { state.0.saturating_add(state.1.elapsed().as_secs() as i64) };
        let step = i64::try_from(seconds).unwrap_or(i64::MAX);
        *state = (clamp(now.saturating_add(step)), Instant::now());
        datetime_of(state.0)
    }

    /// Sets the clock to `t` (it may go back) and returns it.
    pub fn set(&self, t: NaiveDateTime) -> NaiveDateTime {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state = (secs_of(t), Instant::now());
        t
    }

    /// Now as an HTTP date (`Tue, 03 Mar 2026 09:00:00 GMT`): the local time read in the zone.
    pub fn http_date(&self) -> String {
        http_date(self.now(), self.zone)
    }
}

/// The latest moment the clock reaches: 9999-12-31 23:59:59, so that times keep four digits.
const LAST: i64 = 253_402_300_799;

fn clamp(secs: i64) -> i64 {
    secs.min(LAST)
}

/// The wall clock's present moment as a naive local time in `zone`.
pub(crate) fn local_now(zone: Tz) -> i64 {
    secs_of(chrono::DateTime::<Utc>::from(std::time::SystemTime::now()).with_timezone(&zone).naive_local())
}

/// A naive local time in `zone` as an HTTP date in GMT. A time that the zone skips (a spring
/// gap) is read an hour later; one that it repeats, at its first occurrence.
pub fn http_date(local: NaiveDateTime, zone: Tz) -> String {
    let utc = match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => match zone.from_local_datetime(&(local + TimeDelta::hours(1))) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            LocalResult::None => local.and_utc(),
        },
    };
    utc.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// An IANA zone by name, or a message that says it is not one.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| format!("`{name}` is not an IANA time zone (such as Europe/Moscow)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let c = Clock::new(Some(at("2026-01-05 12:00:00")), true, chrono_tz::Europe::Moscow);
        assert_eq!(c.now(), at("2026-01-05 12:00:00"));
        assert_eq!(c.advance(90), at("2026-01-05 12:01:30"));
        assert_eq!(c.now(), at("2026-01-05 12:01:30"));
        c.set(at("2026-01-01 00:00:00"));
        assert_eq!(c.now(), at("2026-01-01 00:00:00"));
        assert_eq!(c.start(), at("2026-01-05 12:00:00"));
        c.advance(u64::MAX);
        assert_eq!(c.now(), at("9999-12-31 23:59:59"));
    }

    #[test]
    fn http_dates_are_gmt() {
        let moscow = chrono_tz::Europe::Moscow;
        assert_eq!(http_date(at("2026-01-05 12:00:00"), moscow), "Mon, 05 Jan 2026 09:00:00 GMT");
        let ny = parse_zone("America/New_York").unwrap();
        assert_eq!(http_date(at("2026-07-01 08:00:00"), ny), "Wed, 01 Jul 2026 12:00:00 GMT");
        // 02:30 does not exist on 2026-03-08 in New York: read as 03:30 EDT.
        assert_eq!(http_date(at("2026-03-08 02:30:00"), ny), "Sun, 08 Mar 2026 07:30:00 GMT");
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
