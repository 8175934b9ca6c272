//! PostgreSQL target (being written).

use chrono::NaiveDate;
use serde_json::value::RawValue;

use crate::{Error, Stream, StreamState};

/// A PostgreSQL database.
#[derive(Debug)]
pub struct Postgres {
    url: String,
}

/// A stream's table, under its lease.
#[derive(Debug)]
pub struct PostgresStream {}

impl Postgres {
    /// Checks `url` and connects once.
    pub async fn open(url: &str) -> Result<Self, Error> {
        Ok(Postgres { url: url.to_owned() })
    }

    /// The stream's table.
    pub fn place(&self, stream: &Stream) -> String {
        let _ = &self.url;
        format!("dataapi.{}", stream.module())
    }

    /// Opens `stream` under its lease.
    pub async fn stream(&self, _stream: &Stream) -> Result<PostgresStream, Error> {
        Err(Error::Invalid("PostgreSQL is not supported yet".into()))
    }
}

impl PostgresStream {
    /// The stream's record.
    pub async fn state(&mut self) -> Result<Option<StreamState>, Error> {
        Ok(None)
    }

    /// Replaces `day`.
    pub async fn replace_day(
        &mut self,
        _day: NaiveDate,
        _rows: &[Box<RawValue>],
        _state: &StreamState,
    ) -> Result<(), Error> {
        Ok(())
    }

    /// Gives the lease back.
    pub async fn close(self) -> Result<(), Error> {
        Ok(())
    }
}
