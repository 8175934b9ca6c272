//! A user's own row struct, tied to a method by `#[derive(dataapi::Report)]`, and a user's own
//! enum, mapped to a schema enum by `#[derive(dataapi::ReportEnum)]`.
//!
//! The derives check the struct against the schema at compile time and implement [`Report`]
//! and [`Holds`]; this module holds what the code they generate calls.

use std::marker::PhantomData;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use super::envelope::{Page, Reply};
use super::error::ReplyError;
use super::{Date, DateTime, Decimal, Method, ValueObject};

/// A row type of a method's reply whose fields the request asks for: what
/// `#[derive(dataapi::Report)]` implements.
///
/// ```
/// use dataapi::{DateTime, Report};
///
/// #[derive(Debug, Report)]
/// #[report(method = "get.calls_report")]
/// struct Call {
///     id: u64,
///     start_time: DateTime,
///     #[report(rename = "total_duration")]
///     seconds: Option<u32>,
/// }
///
/// assert_eq!(Call::FIELDS, ["id", "start_time", "total_duration"]);
/// let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":1,"start_time":"2026-03-01 09:00:00"}]}}"#;
/// assert_eq!(Call::decode_reply(reply).unwrap().data[0].seconds, None);
/// ```
///
/// The derive's attributes: on the struct `method = "…"` (required), `schema = "path"` (a
/// schema folder or file relative to `Cargo.toml`, laid over the bundled schema unless
/// `bundled = false`) with `api = path` (the module that includes its generated code); on a
/// field `rename = "…"` (or serde's `rename`) and `skip`. It generates this impl and the
/// inherent `request(…)` (the method's `Request::new` with `fields` set to [`Report::FIELDS`])
/// and `decode_reply(…)`. Each field's type is checked against the schema: integers for
/// integers, the generated enum or a [`ReportEnum`] for an enum, [`DateTime`] for date-times,
/// `Vec` for arrays, `Option<T>` always, `serde_json::Value` for anything.
pub trait Report: Sized {
    /// The method (`calls_report::CallsReport`).
    type Method: Method;
    /// The wire names of the fields it reads, in declaration order: the request's `fields`.
    const FIELDS: &'static [&'static str];

    /// Decodes one row from its wire form.
    fn decode_row<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;

    /// Encodes one row in its wire form (the inverse of [`Report::decode_row`]).
    fn encode_row<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;

    /// Decodes a reply body into a page of these rows, or into why there is none.
    fn decode_reply(body: &[u8]) -> Result<Page<Self>, ReplyError> {
        let page = Reply::<Wire<Self>>::decode(body)?;
        Ok(Page { data: page.data.into_iter().map(|w| w.0).collect(), metadata: page.metadata })
    }

    /// This row as a JSON value, under its wire names.
    fn to_json(&self) -> serde_json::Value {
        // Generated encoders only fail where serde_json fails on the user's own types.
        serde_json::to_value(Wire::by_ref(self)).unwrap_or(serde_json::Value::Null)
    }
}

/// A [`Report`] row seen through serde, under its wire names: `Wire<R>` decodes, `Wire<&R>`
/// encodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Wire<R>(pub R);

impl<'a, R> Wire<&'a R> {
    /// Borrows a row for encoding.
    pub fn by_ref(row: &'a R) -> Self {
        Wire(row)
    }
}

impl<'de, R: Report> Deserialize<'de> for Wire<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        R::decode_row(d).map(Wire)
    }
}

impl<R: Report> Serialize for Wire<&R> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.encode_row(s)
    }
}

/// Rust types that can hold a value of a schema type `K`: a type of [`schema`], a generated
/// enum, or [`schema::Array`] of one. The derive checks each field of a user's struct with it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a value of the schema type `{K}`",
    label = "this type does not fit the field's schema type",
    note = "integers fit i8…i128 and u8…u128, decimals `dataapi::Decimal` and f32/f64, text `String`, \
            date-times `dataapi::DateTime`, dates `dataapi::Date`, arrays `Vec<_>`; an enum field takes \
            the generated enum or your own enum mapped to it with `#[derive(dataapi::ReportEnum)]`"
)]
pub trait Holds<K: ?Sized> {}

/// Marker types for the schema's scalar types, for [`Holds`].
pub mod schema {
    use std::marker::PhantomData;

    /// `integer`.
    #[derive(Debug)]
    pub struct Integer;
    /// `decimal`.
    #[derive(Debug)]
    pub struct Decimal;
    /// `string`.
    #[derive(Debug)]
    pub struct String;
    /// `boolean`.
    #[derive(Debug)]
    pub struct Boolean;
    /// `datetime`.
    #[derive(Debug)]
    pub struct DateTime;
    /// `date`.
    #[derive(Debug)]
    pub struct Date;
    /// `value_object`.
    #[derive(Debug)]
    pub struct ValueObject;
    /// `array` of `K`.
    #[derive(Debug)]
    pub struct Array<K: ?Sized>(PhantomData<K>);
}

macro_rules! holds {
    ($marker:ident: $($ty:ty),*) => { $( impl Holds<schema::$marker> for $ty {} )* };
}

holds!(Integer: i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
holds!(Decimal: Decimal, f32, f64);
holds!(String: String, Box<str>, std::sync::Arc<str>, std::rc::Rc<str>);
holds!(Boolean: bool);
holds!(DateTime: DateTime);
holds!(Date: Date);
holds!(ValueObject: ValueObject);

impl<K: ?Sized, T: Holds<K>> Holds<K> for Option<T> {}
impl<K: ?Sized, T: Holds<K>> Holds<schema::Array<K>> for Vec<T> {}
/// Any JSON fits any field.
impl<K: ?Sized> Holds<K> for serde_json::Value {}

/// The derive's check that field type `T` holds schema type `K`; it compiles to nothing.
#[doc(hidden)]
pub const fn check_holds<T: Holds<K> + ?Sized, K: ?Sized>() {}

/// A user's enum mapped to a schema enum: what `#[derive(dataapi::ReportEnum)]` implements,
/// together with `Serialize`, `Deserialize` and [`Holds`] for the schema enum.
///
/// ```
/// use dataapi::ReportEnum;
///
/// #[derive(Debug, PartialEq, ReportEnum)]
/// #[report(enum = "direction")]
/// enum Way {
///     In,
///     #[report(code = "out")]
///     Outgoing,
///     #[report(other)]
///     Other(String),
/// }
///
/// assert_eq!(serde_json::from_str::<Way>("\"out\"").unwrap(), Way::Outgoing);
/// assert_eq!(Way::Other("sideways".into()).code(), "sideways");
/// ```
///
/// Attributes: on the enum `enum = "…"` (required) and `method = "…"` for a method's own enum
/// (plus `schema`, `api`, `bundled` as for [`Report`]); on a variant `code = "…"` (by default
/// the code whose generated variant has the same name) and `other` for the one variant that
/// keeps every other code. Without `other`, every code of the schema enum needs a variant, and
/// decoding a code the schema does not list is an error.
pub trait ReportEnum: Sized {
    /// The schema enum's name (`finish_reason`).
    const ENUM: &'static str;
    /// The code of this value.
    fn code(&self) -> &str;
    /// The value of a code, or `None` for a code the enum has no variant for (only when it has
    /// no catch-all variant).
    fn from_code(code: &str) -> Option<Self>;
}

/// The serde visitor of [`ReportEnum`] types.
#[doc(hidden)]
pub struct EnumVisitor<T>(PhantomData<T>);

/// Decodes a [`ReportEnum`] from its code; the derive's `Deserialize` calls this.
#[doc(hidden)]
pub fn decode_enum<'de, D: Deserializer<'de>, T: ReportEnum>(d: D) -> Result<T, D::Error> {
    d.deserialize_str(EnumVisitor(PhantomData))
}

impl<T: ReportEnum> de::Visitor<'_> for EnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a code of `{}`", T::ENUM)
    }

    fn visit_str<E: de::Error>(self, code: &str) -> Result<T, E> {
        T::from_code(code).ok_or_else(|| {
            E::custom(format_args!(
                "`{code}` is not a code of `{}` this enum maps (it has no catch-all variant)",
                T::ENUM
            ))
        })
    }
}

/// `deserialize_with` for an array field: `null` reads as empty, as an absent key does.
#[doc(hidden)]
pub fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}
