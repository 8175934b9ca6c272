//! Open enums: a variant per known code plus one that keeps any other code verbatim.
//!
//! The generator writes each enum out with its `as_str` and `known` functions (so the code
//! reads like any other), and calls [`open_enum_traits!`](crate::open_enum_traits) once per
//! enum for the trait impls, which are the same for all of them.

/// The conversions, `Display` and serde of an open enum.
///
/// The enum must have an `Unrecognized(String)` variant, `fn as_str(&self) -> &str` and
/// `fn known(code: &str) -> Option<Self>`.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// pub enum Direction { In, Out, Unrecognized(String) }
///
/// impl Direction {
///     pub fn as_str(&self) -> &str {
///         match self { Direction::In => "in", Direction::Out => "out", Direction::Unrecognized(c) => c }
///     }
///     fn known(code: &str) -> Option<Self> {
///         match code { "in" => Some(Direction::In), "out" => Some(Direction::Out), _ => None }
///     }
/// }
///
/// dataapi::open_enum_traits!(Direction);
///
/// assert_eq!("in".parse::<Direction>().unwrap(), Direction::In);
/// let odd: Direction = serde_json::from_str("\"sideways\"").unwrap();
/// assert_eq!(odd, Direction::Unrecognized("sideways".into()));
/// assert_eq!(serde_json::to_string(&odd).unwrap(), "\"sideways\"");
/// ```
#[macro_export]
macro_rules! open_enum_traits {
    ($name:ident) => {
        impl $crate::OpenEnum for $name {
            fn from_code(code: &str) -> Self {
                $name::known(code).unwrap_or_else(|| $name::Unrecognized(code.to_owned()))
            }

            fn from_owned(code: ::std::string::String) -> Self {
                $name::known(&code).unwrap_or($name::Unrecognized(code))
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(code: &str) -> ::core::result::Result<Self, ::core::convert::Infallible> {
                ::core::result::Result::Ok(<$name as $crate::OpenEnum>::from_code(code))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $crate::Holds<$name> for $name {}

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                d.deserialize_str($crate::CodeVisitor::<$name>::new())
            }
        }
    };
}

/// The serde visitor of open enums: a known code allocates nothing.
#[doc(hidden)]
pub struct CodeVisitor<T>(std::marker::PhantomData<T>);

impl<T> CodeVisitor<T> {
    #[doc(hidden)]
    pub fn new() -> Self {
        CodeVisitor(std::marker::PhantomData)
    }
}

impl<T> Default for CodeVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// An open enum read from its code: a known code becomes its variant, any other is kept.
///
/// There is deliberately no `From<&str>`: a typo must not become an unknown code by accident.
/// Text is read with `str::parse` (`FromStr`), and an unknown code is written out as
/// `Unrecognized(…)`.
#[doc(hidden)]
pub trait OpenEnum: Sized {
    /// The value of a code.
    fn from_code(code: &str) -> Self;
    /// The value of a code, keeping the `String` where it is unknown.
    fn from_owned(code: String) -> Self;
}

impl<T: OpenEnum> serde::de::Visitor<'_> for CodeVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a code (string)")
    }

    fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<T, E> {
        Ok(T::from_code(code))
    }

    fn visit_string<E: serde::de::Error>(self, code: String) -> Result<T, E> {
        Ok(T::from_owned(code))
    }
}
