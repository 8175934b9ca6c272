//! Where a sync keeps a stream, and the one step each target makes atomic: a day's rows
//! replaced together with the stream's record of them.
//!
//! - [`Dataset`]: a hive-style Parquet dataset in a local folder or an object store, a file
//!   per day replaced whole, the record in `_state.json` beside the days.
//! - [`Postgres`]: a table, a day's rows deleted and copied in one transaction that also
//!   writes the record in `dataapi._dataapi_state`.
//!
//! A stream is opened under a lease, so that two runs of one stream never write at once.

mod dataset;
mod lease;
mod postgres;
mod store;

pub use dataset::{DATA_FILE, Dataset, DatasetStream, STATE_FILE};
pub use lease::{LEASE_SECONDS, Lease, ObjectLease};
pub use postgres::{Postgres, PostgresStream};
pub use store::Store;

use chrono::NaiveDate;
use serde_json::value::RawValue;

use crate::{Error, Stream, StreamState};

/// How to reach a target, besides its address.
#[derive(Debug, Clone, Default)]
pub struct TargetOptions {
    /// The endpoint of an S3-compatible store (`http://127.0.0.1:9000`), for `s3://` targets.
    pub s3_endpoint: Option<String>,
    /// Dataset: put each account's methods in a folder of its own (`<account>/<method>`).
    pub account_folders: bool,
    /// How long a lease in an object store lasts unless renewed (a killed run's expires then);
    /// 60 seconds when not given.
    pub lease_seconds: Option<u64>,
    /// Further settings of an `s3://` store, as `object_store`'s names of them
    /// (`aws_access_key_id`, `aws_secret_access_key`, `aws_region`, …), over those taken from
    /// the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, …).
    pub s3_config: Vec<(String, String)>,
}

/// A place a sync keeps its streams.
#[derive(Debug)]
pub enum Target {
    /// A Parquet dataset.
    Dataset(Dataset),
    /// A PostgreSQL database.
    Postgres(Postgres),
}

impl Target {
    /// The target at `spec`: `postgres://…` (or `postgresql://…`), `s3://bucket/prefix`, or a
    /// local folder.
    pub async fn open(spec: &str, options: &TargetOptions) -> Result<Target, Error> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            Ok(Target::Postgres(Postgres::open(spec).await?))
        } else {
            Ok(Target::Dataset(Dataset::new(Store::open(spec, options)?, options)))
        }
    }

    /// Where a stream goes, for messages (`DIR/get.calls_report`, `dataapi.calls_report`).
    pub fn place(&self, stream: &Stream) -> String {
        match self {
            Target::Dataset(d) => d.place(stream),
            Target::Postgres(p) => p.place(stream),
        }
    }

    /// The stream's record as the target holds it now, read without the lease and without
    /// changing anything (what a dry run plans from).
    pub async fn peek(&self, stream: &Stream) -> Result<Option<StreamState>, Error> {
        match self {
            Target::Dataset(d) => d.peek(stream).await,
            Target::Postgres(p) => p.peek(stream).await,
        }
    }

    /// Takes the stream's lease (or fails with [`Error::Busy`]) and makes the target ready for
    /// its fields.
    pub async fn stream(&self, stream: &Stream) -> Result<StreamTarget, Error> {
        Ok(match self {
            Target::Dataset(d) => StreamTarget::Dataset(d.stream(stream).await?),
            Target::Postgres(p) => StreamTarget::Postgres(p.stream(stream).await?),
        })
    }
}

/// A stream opened in its target, under its lease.
#[derive(Debug)]
pub enum StreamTarget {
    /// In a dataset.
    Dataset(DatasetStream),
    /// In PostgreSQL.
    Postgres(PostgresStream),
}

impl StreamTarget {
    /// The stream's record, if the target has one.
    pub async fn state(&mut self) -> Result<Option<StreamState>, Error> {
        match self {
            StreamTarget::Dataset(d) => d.state().await,
            StreamTarget::Postgres(p) => p.state().await,
        }
    }

    /// Replaces `day` with `rows` and the record with `state`, as one step: a reader sees the
    /// day whole before or whole after, and a crash leaves one or the other. Gives the number
    /// of values that did not fit their column's type (kept in the row's
    /// [`MISMATCHED`](crate::columns::MISMATCHED) column).
    pub async fn replace_day(
        &mut self,
        day: NaiveDate,
        rows: &[Box<RawValue>],
        state: &StreamState,
    ) -> Result<u64, Error> {
        match self {
            StreamTarget::Dataset(d) => d.replace_day(day, rows, state).await,
            StreamTarget::Postgres(p) => p.replace_day(day, rows, state).await,
        }
    }

    /// Gives the lease back.
    pub async fn close(self) -> Result<(), Error> {
        match self {
            StreamTarget::Dataset(d) => d.close().await,
            StreamTarget::Postgres(p) => p.close().await,
        }
    }
}
