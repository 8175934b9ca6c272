//! A hive-style Parquet dataset: `<root>/[<account>/]<method>/date=YYYY-MM-DD/data.parquet`,
//! which DuckDB, Spark, Polars, ClickHouse and pyarrow read as one table with a `date` column.
//!
//! A day is one file under a fixed name, so that replacing it is one step (a rename locally,
//! a PUT in an object store) and a reader listing the folder never sees a day twice or half.
//! The stream's record is `_state.json` beside the days (readers skip names starting with `_`),
//! replaced the same way after the day: a crash between the two leaves a day newer than its
//! record says, which the next run reads again.

use std::sync::Arc;

use arrow_schema::SchemaRef;
use bytes::Bytes;
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::value::RawValue;

use super::TargetOptions;
use super::lease::Lease;
use super::store::Store;
use crate::columns::{CHUNK, batch, schema};
use crate::{Error, Stream, StreamState};

/// The name of each day's file.
pub const DATA_FILE: &str = "data.parquet";
/// The name of a stream's record.
pub const STATE_FILE: &str = "_state.json";
/// The hive partition column.
const PARTITION: &str = "date";

/// A Parquet dataset.
#[derive(Debug)]
pub struct Dataset {
    store: Arc<Store>,
    account_folders: bool,
}

/// A stream of a dataset, under its lease.
#[derive(Debug)]
pub struct DatasetStream {
    store: Arc<Store>,
    dir: String,
    schema: SchemaRef,
    stream: Stream,
    lease: Option<Lease>,
}

impl Dataset {
    /// The dataset in `store`.
    pub fn new(store: Store, options: &TargetOptions) -> Self {
        Dataset { store: Arc::new(store), account_folders: options.account_folders }
    }

    fn dir(&self, stream: &Stream) -> String {
        if self.account_folders {
            format!("{}/{}", stream.account, stream.method.name)
        } else {
            stream.method.name.to_owned()
        }
    }

    /// The stream's folder.
    pub fn place(&self, stream: &Stream) -> String {
        self.store.show(&self.dir(stream))
    }

    /// The stream's record, read without its lease.
    pub async fn peek(&self, stream: &Stream) -> Result<Option<StreamState>, Error> {
        read_state(&self.store, &self.dir(stream)).await
    }

    /// Opens `stream` under its lease.
    pub async fn stream(&self, stream: &Stream) -> Result<DatasetStream, Error> {
        if stream.fields.iter().any(|f| f == PARTITION) {
            return Err(Error::Invalid(format!(
                "{}: the field `{PARTITION}` would hide the dataset's partition column `{PARTITION}`; leave it out",
                stream.name()
            )));
        }
        let schema = schema(stream.method, &stream.fields).map_err(Error::Invalid)?;
        let dir = self.dir(stream);
        let lease = self.store.lease(&dir, &stream.name()).await?;
        Ok(DatasetStream { store: self.store.clone(), dir, schema, stream: stream.clone(), lease: Some(lease) })
    }
}

impl DatasetStream {
    /// The stream's record, if the dataset has one.
    pub async fn state(&mut self) -> Result<Option<StreamState>, Error> {
        read_state(&self.store, &self.dir).await
    }

    /// Replaces `day`'s file with `rows`, then the record with `state`; each write first asks
    /// the lease whether it is still this run's, and fails if it is not.
    pub async fn replace_day(
        &mut self,
        day: NaiveDate,
        rows: &[Box<RawValue>],
        state: &StreamState,
    ) -> Result<u64, Error> {
        let day_dir = format!("{}/{PARTITION}={day}", self.dir);
        let file = format!("{day_dir}/{DATA_FILE}");
        let (bytes, misfits) =
            self.encode(rows).map_err(|message| Error::Target { place: self.store.show(&file), message })?;
        self.check()?;
        self.store.clean(&day_dir).await?;
        self.store.put(&file, bytes).await?;
        self.check()?;
        let record = serde_json::to_vec_pretty(state).expect("a record is JSON");
        self.store.put(&format!("{}/{STATE_FILE}", self.dir), Bytes::from(record)).await?;
        Ok(misfits)
    }

    /// Whether the stream's lease is still this run's (see [`Lease::check`]).
    fn check(&self) -> Result<(), Error> {
        match &self.lease {
            Some(lease) => lease.check(),
            None => Ok(()),
        }
    }

    /// The Parquet file of `rows`, and the number of values that did not fit their column.
    fn encode(&self, rows: &[Box<RawValue>]) -> Result<(Bytes, u64), String> {
        let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
        let mut writer =
            ArrowWriter::try_new(Vec::new(), self.schema.clone(), Some(props)).map_err(|e| e.to_string())?;
        let mut misfits = 0;
        for (i, chunk) in rows.chunks(CHUNK).enumerate() {
            let (b, problems) = batch(&self.schema, self.stream.method, chunk, i * CHUNK + 1)?;
            misfits += problems.len() as u64;
            writer.write(&b).map_err(|e| e.to_string())?;
        }
        let bytes = writer.into_inner().map(Bytes::from).map_err(|e| e.to_string())?;
        Ok((bytes, misfits))
    }

    /// Gives the lease back.
    pub async fn close(mut self) -> Result<(), Error> {
        match self.lease.take() {
            Some(lease) => lease.release().await,
            None => Ok(()),
        }
    }
}

/// The record of the stream kept in `dir`, if there is one.
async fn read_state(store: &Store, dir: &str) -> Result<Option<StreamState>, Error> {
    let path = format!("{dir}/{STATE_FILE}");
    let Some(bytes) = store.get(&path).await? else { return Ok(None) };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| Error::Target { place: store.show(&path), message: format!("not a stream record: {e}") })
}
