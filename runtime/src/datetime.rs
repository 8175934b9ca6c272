//! The API's date-time (`YYYY-MM-DD hh:mm:ss`) and date (`YYYY-MM-DD`) formats.
//!
//! Both are naive: the API gives times in the account's time zone without an offset
//! (`get.account` tells which zone), so no offset is invented here.

use std::fmt;
use std::str::FromStr;

use chrono::format::{Item, Numeric, Pad, Parsed};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

// The formats as chrono's items, not strftime strings: a string would be parsed again on every
// value, which profiling showed to be most of the cost of writing and reading dates.
/// `%Y-%m-%d %H:%M:%S`.
const DATE_TIME: [Item<'static>; 11] = [
    Item::Numeric(Numeric::Year, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Month, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Day, Pad::Zero),
    Item::Literal(" "),
    Item::Numeric(Numeric::Hour, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Minute, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Second, Pad::Zero),
];
/// `%Y-%m-%d`: the first five items of [`DATE_TIME`].
const DATE: &[Item<'static>] = DATE_TIME.split_at(5).0;

/// A date and time in the account's time zone, written `YYYY-MM-DD hh:mm:ss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub NaiveDateTime);

/// A date, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A date-time or date that does not follow the API's format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a {what} in the form {form}")]
pub struct ParseDateError {
    text: String,
    what: &'static str,
    form: &'static str,
}

impl DateTime {
    /// The date-time at `h:m:s` of a calendar day, or `None` when the day or time does not exist.
    pub fn from_ymd_hms(year: i32, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, min, sec).map(DateTime)
    }
}

impl Date {
    /// The calendar day, or `None` when it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }
}

macro_rules! api_format {
    ($ty:ident, $inner:ty, $format:expr, $finish:expr, $what:literal, $form:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.format_with_items($format.iter()))
            }
        }

        impl FromStr for $ty {
            type Err = ParseDateError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                if let Some(value) = $ty::from_canonical(text.as_bytes()) {
                    return Ok(value);
                }
                let mut parsed = Parsed::new();
                chrono::format::parse(&mut parsed, text, $format.iter())
                    .and_then(|()| $finish(&parsed))
                    .map($ty)
                    .map_err(|_| ParseDateError { text: text.to_owned(), what: $what, form: $form })
            }
        }

        impl From<$inner> for $ty {
            fn from(value: $inner) -> Self {
                $ty(value)
            }
        }

        impl From<$ty> for $inner {
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut buf = [0u8; 19];
                match digits(&mut buf, &self.parts()) {
                    Some(text) => serializer.serialize_str(text),
                    None => serializer.collect_str(self),
                }
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visit;
                impl de::Visitor<'_> for Visit {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", $what, " in the form ", $form))
                    }
                    fn visit_str<E: de::Error>(self, text: &str) -> Result<$ty, E> {
                        text.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visit)
            }
        }
    };
}

api_format!(
    DateTime,
    NaiveDateTime,
    DATE_TIME,
    |p: &Parsed| p.to_naive_datetime_with_offset(0),
    "date-time",
    "YYYY-MM-DD hh:mm:ss"
);
api_format!(Date, NaiveDate, DATE, Parsed::to_naive_date, "date", "YYYY-MM-DD");

/// The number written by `digits` ASCII digits, or `None`.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
}

/// Whether `text` has `sep` at each of `at`.
fn separators(text: &[u8], at: &[(usize, u8)]) -> bool {
    at.iter().all(|&(i, sep)| text[i] == sep)
}

impl DateTime {
    /// `YYYY-MM-DD hh:mm:ss` exactly, as the API writes it: read without chrono's general
    /// parser, which profiling showed to be a fifth of decoding a row of dates. Any other shape
    /// goes through chrono, which also decides validity here.
    fn from_canonical(text: &[u8]) -> Option<Self> {
        if text.len() != 19 || !separators(text, &[(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')]) {
            return None;
        }
        let date = Date::from_canonical(&text[..10])?;
        let (h, m, s) = (number(&text[11..13])?, number(&text[14..16])?, number(&text[17..19])?);
        date.0.and_hms_opt(h, m, s).map(DateTime)
    }

    fn parts(&self) -> [u32; 6] {
        use chrono::{Datelike, Timelike};
        let (d, t) = (self.0.date(), self.0.time());
        [d.year() as u32, d.month(), d.day(), t.hour(), t.minute(), t.second()]
    }
}

impl Date {
    /// `YYYY-MM-DD` exactly; see [`DateTime::from_canonical`].
    fn from_canonical(text: &[u8]) -> Option<Self> {
        if text.len() != 10 || !separators(text, &[(4, b'-'), (7, b'-')]) {
            return None;
        }
        let (y, m, d) = (number(&text[..4])?, number(&text[5..7])?, number(&text[8..10])?);
        NaiveDate::from_ymd_opt(y as i32, m, d).map(Date)
    }

    fn parts(&self) -> [u32; 3] {
        use chrono::Datelike;
        [self.0.year() as u32, self.0.month(), self.0.day()]
    }
}

/// Writes `YYYY-MM-DD[ hh:mm:ss]` into `buf`, for years 0 to 9999 (others go through chrono).
/// Serializing requests writes two of these; chrono's general formatter was a tenth of the cost.
fn digits<'b>(buf: &'b mut [u8; 19], parts: &[u32]) -> Option<&'b str> {
    if parts[0] > 9999 {
        return None;
    }
    let mut at = 0;
    for (i, &n) in parts.iter().enumerate() {
        let width = if i == 0 { 4 } else { 2 };
        if i > 0 {
            buf[at] = [b'-', b'-', b' ', b':', b':'][i - 1];
            at += 1;
        }
        let mut n = n;
        for k in (0..width).rev() {
            buf[at + k] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        at += width;
    }
    std::str::from_utf8(&buf[..at]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_api_format() {
        let t: DateTime = serde_json::from_str("\"2026-01-31 23:59:07\"").unwrap();
        assert_eq!(t, DateTime::from_ymd_hms(2026, 1, 31, 23, 59, 7).unwrap());
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"2026-01-31 23:59:07\"");
        let d: Date = serde_json::from_str("\"2026-02-28\"").unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-02-28\"");
        let early = DateTime::from_ymd_hms(7, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(serde_json::to_string(&early).unwrap(), format!("\"{early}\""), "the fast path and chrono agree");
        let late = DateTime::from_ymd_hms(12026, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(serde_json::to_string(&late).unwrap(), format!("\"{late}\""));
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        let cases = [
            "2026-01-31 23:59:07",
            "2026-02-29 10:00:00",
            "2024-02-29 10:00:00",
            "2026-13-01 00:00:00",
            "2026-01-01 24:00:00",
            "2026-01-01 23:60:00",
            "0000-01-01 00:00:00",
            "2026-01-01T00:00:00",
            "2026-1-01 00:00:00",
            "2026-01-01 0a:00:00",
            "+2026-01-01 00:00:0",
        ];
        for text in cases {
            let chrono = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok();
            assert_eq!(text.parse::<DateTime>().ok().map(|t| t.0), chrono, "{text}");
            if let Some(fast) = DateTime::from_canonical(text.as_bytes()) {
                assert_eq!(Some(fast.0), chrono, "{text}");
            }
            let date = &text[..10];
            let chrono = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
            assert_eq!(date.parse::<Date>().ok().map(|d| d.0), chrono, "{date}");
        }
    }

    #[test]
    fn rejects_other_forms_with_a_clear_message() {
        let err = serde_json::from_str::<DateTime>("\"2026-01-31T23:59:07\"").unwrap_err().to_string();
        assert!(err.contains("is not a date-time in the form YYYY-MM-DD hh:mm:ss"), "{err}");
        assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
    }
}
