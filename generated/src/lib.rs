//! Typed models, requests and descriptors for the CoMagic / UIS / CallGear Data API.
//!
//! Everything API-specific is generated from the bundled schema (the `dataapi-schema` crate)
//! into `src/api/` and re-exported here: one module per method ([`calls_report`],
//! [`chats_report`], [`communications`], …, listed in [`METHODS`]), the queue events
//! ([`queue`]), shared [`enums`] and the API's [`errors`]. The hand-written code they build on
//! is the [`runtime`] (the `dataapi-runtime` crate, re-exported).
//!
//! Features: `derive` (default) for [`Report`](macro@Report) and [`ReportEnum`](macro@ReportEnum)
//! on your own types; `simd` (default) for a faster UTF-8 check of reply bodies; `client` for
//! calls and complete pulls over HTTPS (`dataapi-client`); `fake` for a fake server on loopback
//! in your tests (`dataapi-fake`); `receiver` for queue events from HTTP requests.
//!
//! ```
//! use dataapi::calls_report::{FinishReason, Request, Row};
//! use dataapi::runtime::{DateTime, Reply};
//!
//! let from = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
//! let till = DateTime::from_ymd_hms(2026, 3, 31, 23, 59, 59).unwrap();
//! let request = Request::new(from, till).token("my-token").limit(500).fields(["id", "finish_reason"]);
//! let call = serde_json::to_value(request.to_rpc(1)).unwrap();
//! assert_eq!(call["method"], "get.calls_report");
//! assert_eq!(call["params"]["date_from"], "2026-03-01 00:00:00");
//!
//! let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":7,"finish_reason":"subscriber_disconnects"}],"metadata":{"total_items":1}}}"#;
//! let page = Reply::<Row>::decode(reply).unwrap();
//! assert_eq!(page.data[0].finish_reason, Some(FinishReason::SubscriberDisconnects));
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as dataapi;

#[doc(hidden)]
pub use ::serde;
#[doc(hidden)]
pub use ::serde_json;

/// The runtime the generated modules build on: the `dataapi-runtime` crate, re-exported.
pub mod runtime {
    #[doc(inline)]
    pub use dataapi_runtime::*;
}
#[doc(hidden)]
pub use dataapi_runtime::{error_table, field, open_enum_traits};

// The README (the registry page) is a doctest, so that its example keeps compiling.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeExample;

#[cfg(feature = "client")]
#[doc(inline)]
pub use dataapi_client as client;

#[cfg(feature = "fake")]
#[doc(inline)]
pub use dataapi_fake as fake;

pub use runtime::{AccessToken, Date, DateTime, Decimal, Holds, Password, Report, ReportEnum, ValueObject};

/// Derives [`Report`](trait@Report) for a struct of the fields a user reads from a method's
/// reply; see the trait for the attributes and the checks. Feature `derive` (on by default).
#[cfg(feature = "derive")]
pub use dataapi_derive::Report;

/// Derives [`ReportEnum`](trait@ReportEnum) for a user's enum mapped to a schema enum; see the
/// trait for the attributes and the checks. Feature `derive` (on by default).
#[cfg(feature = "derive")]
pub use dataapi_derive::ReportEnum;

/// Includes the modules a build script wrote with `dataapi_codegen::Builder`:
/// `include_generated!()` for the default `dataapi.rs`, or `include_generated!("name.rs")`.
///
/// ```ignore
/// mod api {
///     dataapi::include_generated!();
/// }
/// ```
#[macro_export]
macro_rules! include_generated {
    () => {
        $crate::include_generated!("dataapi.rs");
    };
    ($file:literal) => {
        ::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/", $file));
    };
}

/// What typed filters, sort keys and method parameters need in scope: `use dataapi::prelude::*;`.
pub mod prelude {
    pub use crate::api::prelude::*;
}

// Generated code is formatted by the generator (prettyplease), not by rustfmt.
#[rustfmt::skip]
mod api;

pub use api::*;
