//! Values the API (or a templated event body) sends as a number or a string alike.
//!
//! Generated code uses [`option`] on fields the schema marks `lenient`, and on every scalar
//! field of an event, whose body the user templates and whose form pairs are all strings.

use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};

/// A type that decodes from its own JSON form or from a string holding it.
pub trait Lenient: Sized {
    /// What the error message says was expected.
    const EXPECTING: &'static str;
    /// From a string.
    fn from_text(text: &str) -> Option<Self>;
    /// From a JSON integer.
    fn from_i64(n: i64) -> Option<Self>;
    /// From a JSON integer above `i64::MAX`.
    fn from_u64(n: u64) -> Option<Self>;
    /// From a JSON fraction.
    fn from_f64(n: f64) -> Option<Self>;
    /// From a JSON boolean.
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
}

macro_rules! lenient_integers {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            const EXPECTING: &'static str = concat!("an integer that fits ", stringify!($ty), ", or a string holding one");
            fn from_text(text: &str) -> Option<Self> {
                text.trim().parse().ok()
            }
            fn from_i64(n: i64) -> Option<Self> {
                <$ty>::try_from(n).ok()
            }
            fn from_u64(n: u64) -> Option<Self> {
                <$ty>::try_from(n).ok()
            }
            fn from_f64(n: f64) -> Option<Self> {
                // 12.0 is an integer; 12.5 is not.
                (n.fract() == 0.0 && n.abs() < 9.0e15).then(|| <$ty>::try_from(n as i64).ok()).flatten()
            }
        }
    )*};
}

lenient_integers!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

macro_rules! lenient_floats {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            const EXPECTING: &'static str = "a number, or a string holding one";
            fn from_text(text: &str) -> Option<Self> {
                text.trim().parse().ok()
            }
            fn from_i64(n: i64) -> Option<Self> {
                Some(n as $ty)
            }
            fn from_u64(n: u64) -> Option<Self> {
                Some(n as $ty)
            }
            fn from_f64(n: f64) -> Option<Self> {
                Some(n as $ty)
            }
        }
    )*};
}

lenient_floats!(f32, f64);

impl Lenient for Decimal {
    const EXPECTING: &'static str = "a number, or a string holding one";
    fn from_text(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
    fn from_i64(n: i64) -> Option<Self> {
        Some(n.into())
    }
    fn from_u64(n: u64) -> Option<Self> {
        Some(n.into())
    }
    fn from_f64(n: f64) -> Option<Self> {
        // Through the shortest decimal text of the float, so 12.34 stays 12.34.
        n.to_string().parse().ok()
    }
}

impl Lenient for bool {
    const EXPECTING: &'static str = "a boolean, or `true`/`false`/`1`/`0` as a string";
    fn from_text(text: &str) -> Option<Self> {
        match text.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }
    fn from_i64(n: i64) -> Option<Self> {
        match n {
            1 => Some(true),
            0 => Some(false),
            _ => None,
        }
    }
    fn from_u64(n: u64) -> Option<Self> {
        Self::from_i64(i64::try_from(n).ok()?)
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

impl Lenient for String {
    const EXPECTING: &'static str = "a string or a number";
    fn from_text(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
    fn from_i64(n: i64) -> Option<Self> {
        Some(n.to_string())
    }
    fn from_u64(n: u64) -> Option<Self> {
        Some(n.to_string())
    }
    fn from_f64(n: f64) -> Option<Self> {
        Some(n.to_string())
    }
    fn from_bool(b: bool) -> Option<Self> {
        Some(b.to_string())
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for LenientVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match T::from_text(v) {
            Some(value) => Ok(Some(value)),
            // A templated body renders a missing variable as "": no value, not a bad one.
            None if v.trim().is_empty() => Ok(None),
            None => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v).map(Some).ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v).map(Some).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v).map(Some).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::from_bool(v).map(Some).ok_or_else(|| E::invalid_value(de::Unexpected::Bool(v), &self))
    }
}

/// `deserialize_with` for an optional lenient field: `null`, a value, or a string holding one.
pub fn option<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_option(LenientVisitor(PhantomData))
}

/// `deserialize_with` for a lenient field a user's struct declares without `Option`: a value or
/// a string holding one; `null` and a blank string are errors.
pub fn required<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    option(d)?.ok_or_else(|| de::Error::custom(format_args!("a value is required here: {}", T::EXPECTING)))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize, PartialEq, Debug)]
    struct Row {
        #[serde(default, deserialize_with = "option")]
        id: Option<i64>,
        #[serde(default, deserialize_with = "option")]
        cost: Option<Decimal>,
        #[serde(default, deserialize_with = "option")]
        on: Option<bool>,
    }

    #[test]
    fn numbers_and_numeric_strings_decode_alike() {
        let a: Row = serde_json::from_str(r#"{"id": 5, "cost": 12.34, "on": true}"#).unwrap();
        let b: Row = serde_json::from_str(r#"{"id": "5", "cost": "12.34", "on": "1"}"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.cost.unwrap().to_string(), "12.34");
        let none: Row = serde_json::from_str(r#"{"id": null}"#).unwrap();
        assert_eq!(none, Row { id: None, cost: None, on: None });
        let blank: Row = serde_json::from_str(r#"{"id": "", "cost": " ", "on": ""}"#).unwrap();
        assert_eq!(blank, none);
    }

    #[test]
    fn says_what_was_expected() {
        let err = serde_json::from_str::<Row>(r#"{"id": "five"}"#).unwrap_err().to_string();
        assert!(err.contains("an integer that fits i64, or a string holding one"), "{err}");
        assert!(serde_json::from_str::<Row>(r#"{"id": 1.5}"#).is_err());
    }
}
