//! What a target records of a stream: which days it holds, read up to when, as of what API
//! time. It lives in the target itself, so that the data and the record of it change together.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, NaiveTime};
use dataapi_runtime::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Stream;

/// The version of [`StreamState`]'s format; a state of another version is refused.
pub const STATE_VERSION: u32 = 1;

/// The record of a stream in its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamState {
    /// [`STATE_VERSION`].
    pub version: u32,
    /// The account.
    pub account: String,
    /// The method's wire name.
    pub method: String,
    /// The filter the days were read with.
    pub filter: Option<Value>,
    /// The fields the last days were read with.
    pub fields: Vec<String>,
    /// The account's time zone the API's times are in.
    pub time_zone: String,
    /// The API's local time every day up to which was read at the last run.
    pub synced_to: Option<DateTime>,
    /// The days the target holds.
    pub days: BTreeMap<NaiveDate, DayState>,
}

/// One day the target holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayState {
    /// Read up to this second (the day's last when whole).
    pub till: DateTime,
    /// The API's time when the read began: the day is as the API had it then, or later.
    pub as_of: DateTime,
    /// Its rows.
    pub rows: u64,
}

/// The last second of `day`.
pub fn last_second(day: NaiveDate) -> DateTime {
    DateTime(day.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("a valid time")))
}

impl DayState {
    /// Whether the day is done: read whole, at least `lookback_days` after it ended. Edits
    /// and late rows are expected within that time, so a settled day is not read again.
    pub fn settled(&self, day: NaiveDate, lookback_days: u32) -> bool {
        let Some(done) = day.checked_add_days(Days::new(1 + u64::from(lookback_days))) else { return false };
        self.till == last_second(day) && self.as_of.0.date() >= done
    }
}

impl StreamState {
    /// A record of nothing yet.
    pub fn new(stream: &Stream, time_zone: &str) -> Self {
        StreamState {
            version: STATE_VERSION,
            account: stream.account.clone(),
            method: stream.method.name.to_owned(),
            filter: stream.filter.clone(),
            fields: stream.fields.clone(),
            time_zone: time_zone.to_owned(),
            synced_to: None,
            days: BTreeMap::new(),
        }
    }

    /// Why the record is another stream's (another account or method kept in the same
    /// place), if so: a run refuses to write over it.
    pub fn other_stream(&self, stream: &Stream) -> Option<String> {
        if self.method != stream.method.name {
            return Some(format!("it holds {}, not {}", self.method, stream.method.name));
        }
        if self.account != stream.account {
            return Some(format!("it holds the account {}, not {}", self.account, stream.account));
        }
        None
    }

    /// Why every day must be read again for `stream` in `time_zone` (the days held were read
    /// in another format, with another filter, or cut at another zone's midnights), if so.
    pub fn mismatch(&self, stream: &Stream, time_zone: &str) -> Option<String> {
        if self.version != STATE_VERSION {
            return Some(format!("its format is version {}, this sync writes {STATE_VERSION}", self.version));
        }
        if self.filter != stream.filter {
            let shown = |f: &Option<Value>| f.as_ref().map_or("none".to_owned(), Value::to_string);
            return Some(format!(
                "its days were read with the filter {}, not {}",
                shown(&self.filter),
                shown(&stream.filter)
            ));
        }
        if self.time_zone != time_zone {
            return Some(format!("its days were cut in the time zone {}, not {time_zone}", self.time_zone));
        }
        None
    }
}
