//! The runtime of the `dataapi` crates: what generated code and hand-written code share.
//!
//! Generated modules (the bundled `dataapi` crate, a build script's output) declare methods,
//! rows, enums and descriptors; this crate holds the behaviour they are built on, written once:
//! the [`Method`] trait and [`Request`], the descriptors ([`MethodDescriptor`]), validation
//! ([`validate`]), the JSON-RPC envelope and reply decoding ([`Reply`]), open enums and value
//! objects, typed filters and sort keys, and queue events ([`event`], and `receive` with the
//! feature `receiver`). It names no generated type, so the client (`dataapi-client`) and the
//! fake server (`dataapi-fake`) serve any schema's methods through it.
//!
//! Users reach it as `dataapi::runtime`; depend on it directly only to write generic code
//! without the bundled methods.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(hidden)]
pub use ::serde;
#[doc(hidden)]
pub use ::serde_json;

pub mod datetime;
pub mod descriptor;
pub mod envelope;
pub mod error;
pub mod event;
pub mod filter;
pub mod lenient;
pub mod login;
pub mod mnemonic;
mod open_enum;
#[cfg(feature = "receiver")]
pub mod receive;
pub mod report;
pub mod request;
pub mod secret;
pub mod typed;
pub mod validate;
pub mod value;

pub use datetime::{Date, DateTime, ParseDateError};
pub use descriptor::{
    Brand, DateRange, FieldDescriptor, FilterRequires, Kind, Label, LimitsDescriptor, MethodDescriptor,
    OperatorDescriptor, RequestKind, Stated, TypeDescriptor, ValueShape,
};
pub use envelope::{ApiVersion, Id, Limits, Metadata, Page, Reply, RpcRequest};
pub use error::{ApiError, ErrorData, ReplyError};
pub use event::{EventError, EventProblem};
pub use filter::{Condition, Order, RawFilter, RawSort};
pub use mnemonic::{ErrorTable, Mnemonic};
#[doc(hidden)]
pub use open_enum::{CodeVisitor, OpenEnum};
pub use report::{Holds, Report, ReportEnum};
pub use request::{NoParams, Request, period};
pub use rust_decimal::Decimal;
pub use secret::{AccessToken, Password};
pub use typed::Filter;
pub use typed::{Field, Filterable, Fits, Sort, SortOps, Sortable, flag, kind};
pub use validate::{Violation, Violations};
pub use value::{ValueId, ValueObject};

/// An API method: everything generic code needs to build its requests, check them and read
/// its replies. Generated for every method (`dataapi::calls_report::CallsReport`), so one
/// request type, one validator, client and fake server serve bundled methods, a build
/// script's methods and derived structs alike.
pub trait Method: Sized + 'static {
    /// Wire name (`get.calls_report`).
    const NAME: &'static str;
    /// One row of its reply.
    type Row;
    /// Whether its requests carry a period: [`period::Required`], [`period::Optional`] or
    /// [`period::None`]; it decides which constructors [`Request`] offers.
    type Period;
    /// The request parameters only this method takes ([`NoParams`] for none).
    type Params: serde::Serialize + Clone + PartialEq + std::fmt::Debug + Send + Sync;
    /// Its static description.
    const DESCRIPTOR: &'static MethodDescriptor;
}
