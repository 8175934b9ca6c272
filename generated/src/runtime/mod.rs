//! The hand-written part of the crate, which the generated modules build on.

pub mod datetime;
pub mod descriptor;
pub mod envelope;
pub mod error;
pub mod event;
pub mod filter;
pub mod lenient;
pub mod login;
mod open_enum;
pub mod report;
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
#[doc(hidden)]
pub use open_enum::CodeVisitor;
pub use report::{Holds, Report, ReportEnum};
pub use rust_decimal::Decimal;
pub use secret::{AccessToken, Password};
pub use typed::Filter;
pub use typed::{Field, FilterOps, Filterable, Fits, Sort, SortOps, Sortable, kind};
pub use validate::{Violation, Violations};
pub use value::{ValueId, ValueObject};

/// An API method: its wire name, reply row and description.
pub trait Method {
    /// Wire name (`get.calls_report`).
    const NAME: &'static str;
    /// One row of its reply.
    type Row;
    /// Its static description.
    const DESCRIPTOR: &'static MethodDescriptor;
}
