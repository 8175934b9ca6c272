//! Which days a run reads: every day from the stream's first that is not settled, which takes
//! in every day within the lookback, up to the API's now less the lag.

use chrono::{Days, NaiveDate, NaiveDateTime, TimeDelta};
use dataapi_runtime::DateTime;

use crate::state::{StreamState, last_second};

/// A day to read, and up to which second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRead {
    /// The day.
    pub day: NaiveDate,
    /// Its last second, or the cut-off when the day is not over.
    pub till: DateTime,
}

/// The days to read at the API's `now` (local time): those from `since` to the day of
/// `now - lag` that `state` does not hold settled (all of them with `full_refresh`), oldest
/// first.
pub fn plan(
    state: Option<&StreamState>,
    since: NaiveDate,
    now: NaiveDateTime,
    lookback_days: u32,
    lag_minutes: u32,
    full_refresh: bool,
) -> Vec<DayRead> {
    let cutoff = now - TimeDelta::minutes(i64::from(lag_minutes));
    let mut days = Vec::new();
    let mut day = since;
    while day <= cutoff.date() {
        let settled =
            !full_refresh && state.and_then(|s| s.days.get(&day)).is_some_and(|d| d.settled(day, lookback_days));
        if !settled {
            let till = if day < cutoff.date() { last_second(day) } else { DateTime(cutoff) };
            days.push(DayRead { day, till });
        }
        match day.checked_add_days(Days::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::DayState;
    use std::collections::BTreeMap;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn state(days: &[(&str, &str, &str)]) -> StreamState {
        StreamState {
            version: crate::state::STATE_VERSION,
            account: "a".into(),
            method: "get.calls_report".into(),
            filter: None,
            fields: vec![],
            time_zone: "Europe/Moscow".into(),
            synced_to: None,
            days: days
                .iter()
                .map(|(d, till, as_of)| {
                    (day(d), DayState { till: DateTime(at(till)), as_of: DateTime(at(as_of)), rows: 1 })
                })
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn days(reads: &[DayRead]) -> Vec<String> {
        reads.iter().map(|r| format!("{} {}", r.day, r.till.0.time())).collect()
    }

    #[test]
    fn a_first_run_reads_every_day_up_to_now_less_the_lag() {
        let reads = plan(None, day("2026-11-28"), at("2026-12-01 00:05:00"), 3, 10, false);
        assert_eq!(
            days(&reads),
            ["2026-11-28 23:59:59", "2026-11-29 23:59:59", "2026-11-30 23:50:59"]
                .map(|s| s.replace("23:50:59", "23:55:00"))
        );
    }

    #[test]
    fn settled_days_are_skipped_and_the_lookback_is_read_again() {
        let s = state(&[
            ("2026-11-20", "2026-11-20 23:59:59", "2026-11-24 00:00:00"), // settled: read 3 days after
            ("2026-11-21", "2026-11-21 23:59:59", "2026-11-22 01:00:00"), // read too soon: not settled
            ("2026-11-22", "2026-11-22 12:00:00", "2026-11-26 00:00:00"), // not whole: not settled
            ("2026-11-23", "2026-11-23 23:59:59", "2026-11-27 09:00:00"), // settled
        ]);
        let reads = plan(Some(&s), day("2026-11-20"), at("2026-11-27 10:00:00"), 3, 10, false);
        let read: Vec<_> = reads.iter().map(|r| r.day.to_string()).collect();
        assert_eq!(read, ["2026-11-21", "2026-11-22", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]);
        assert_eq!(reads.last().unwrap().till, DateTime(at("2026-11-27 09:50:00")));
        let all = plan(Some(&s), day("2026-11-20"), at("2026-11-27 10:00:00"), 3, 10, true);
        assert_eq!(all.len(), 8, "a full refresh reads every day");
    }

    #[test]
    fn nothing_is_read_before_the_first_day_or_after_the_cutoff() {
        assert!(plan(None, day("2026-12-02"), at("2026-12-01 12:00:00"), 3, 10, false).is_empty());
        let reads = plan(None, day("2026-12-01"), at("2026-12-01 00:05:00"), 3, 10, false);
        assert!(reads.is_empty(), "the day has not begun once the lag is taken off: {reads:?}");
    }
}
