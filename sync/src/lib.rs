//! Keeps a Parquet dataset (in a folder or an object store) or a PostgreSQL database equal to
//! the CoMagic / UIS / CallGear Data API, a day at a time: what `dataapi sync` runs.
//!
//! A day is the unit of work and of replacement. Each run reads the API's now (the `Date` of
//! its replies, in the account's time zone), then every day from the stream's first that is
//! not yet settled, which takes in every day within the lookback, up to now less the lag; each
//! day is read whole by the complete pull of [`dataapi_client`] and replaced in the target as
//! one step together with the stream's record ([`StreamState`]). Edits and deletions within
//! the lookback are thereby reflected exactly, and nothing is merged row by row, so nothing
//! can be repeated.
//!
//! ```no_run
//! # async fn run() -> Result<(), dataapi_sync::Error> {
//! use dataapi_sync::{Options, Progress, Stream, Target, TargetOptions, sync_stream};
//!
//! let client = dataapi_client::Client::builder().comagic().token("…").build()?;
//! let since = "2026-09-01".parse().expect("a date");
//! let stream = Stream::new("main", &dataapi::calls_report::DESCRIPTOR, since);
//! let target = Target::open("warehouse", &TargetOptions::default()).await?;
//! let summary = sync_stream(&client, &target, &stream, &Options::default(), &Progress::default()).await?;
//! println!("{} days replaced, {} rows, {} requests", summary.days.len(), summary.rows, summary.requests);
//! # Ok(()) }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod columns;
pub mod config;
mod days;
mod run;
mod state;
mod stream;
pub mod target;

pub use days::{DayRead, plan};
pub use run::{Options, PlannedDay, Progress, ProgressSnapshot, Summary, api_now, sync_account, sync_stream};
pub use state::{DayState, STATE_VERSION, StreamState, last_second};
pub use stream::{LAG_MINUTES, LOOKBACK_DAYS, Stream};
pub use target::{Target, TargetOptions};

// The README's example compiles as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Why a sync failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A call or a pull failed; [`dataapi_client::Error::DayLimit`] stops the account's
    /// streams until the budget resets.
    #[error(transparent)]
    Client(#[from] dataapi_client::Error),
    /// The target could not be read or written.
    #[error("{place}: {message}")]
    Target {
        /// The folder, file, object or table.
        place: String,
        /// What went wrong.
        message: String,
    },
    /// Another run holds the stream's lease.
    #[error(
        "{stream} is being synced by another run ({holder}); it was left to that run (a lease of a run \
         that was killed is given back when its process ends, or once it expires)"
    )]
    Busy {
        /// The stream.
        stream: String,
        /// Who holds the lease, as it says.
        holder: String,
    },
    /// The account's day limit was spent by an earlier stream of the run: this one was not run.
    #[error("not run: the day limit of the account {account} is spent; it resets in {} s", reset_in.as_secs())]
    DayLimit {
        /// The account.
        account: String,
        /// When the day budget resets.
        reset_in: std::time::Duration,
    },
    /// The stream or the configuration is not valid (nothing was sent).
    #[error("{0}")]
    Invalid(String),
}
