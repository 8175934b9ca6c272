//! A PostgreSQL database: a stream is a table (`dataapi.<method>` unless the stream names
//! one), its record a row of `_dataapi_state` in the table's schema.
//!
//! | schema type | column type |
//! |---|---|
//! | integer | `bigint` |
//! | decimal | `numeric` |
//! | date-time | `timestamp` (without time zone): the API's naive local time |
//! | date | `date` |
//! | boolean | `boolean` |
//! | string, filter | `text` |
//! | enum | `text`: every code as the API sent it, unknown ones too |
//! | value object, object, array | `jsonb`, as the API sent it |
//!
//! Each row also has `_dataapi_account` and `_dataapi_date` (the day it was read for: the unit
//! of replacement, indexed together), and a last column [`MISMATCHED`] (`jsonb`): a JSON object
//! of the values that did not fit their column's type, by wire name, as the API sent them
//! (null when every value fit); such a value never stops a sync. PostgreSQL holds no NUL
//! character in `text` or `jsonb`, so one is written as U+FFFD.
//!
//! A day is replaced in one transaction: its rows deleted, the new ones copied in (binary
//! `COPY`), the record written. A crash at any point leaves the old day or the new one.
//!
//! The lease is a session-level advisory lock on a hash of the account and the table, held by
//! the stream's own connection: it goes with the connection, so a killed run gives it back as
//! soon as the server sees its connection close.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::error::Error as StdError;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;

use bytes::{BufMut, BytesMut};
use chrono::{NaiveDate, NaiveDateTime};
use dataapi_runtime::{FieldDescriptor, TypeDescriptor};
use rust_decimal::Decimal;
use serde_json::Value;
use serde_json::value::RawValue;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::columns::MISMATCHED;
use crate::{Error, Stream, StreamState};

/// The schema of a stream's table unless it names one.
pub const DEFAULT_SCHEMA: &str = "dataapi";
/// The table of the streams' records, in each data table's schema.
pub const STATE_TABLE: &str = "_dataapi_state";
/// The column of the account a row was read for.
pub const ACCOUNT_COLUMN: &str = "_dataapi_account";
/// The column of the day a row was read for.
pub const DATE_COLUMN: &str = "_dataapi_date";
/// The `application_name` of a sync's connections (unless the URL sets one).
pub const APPLICATION_NAME: &str = "dataapi sync";
/// The longest identifier PostgreSQL keeps whole.
const MAX_IDENTIFIER: usize = 63;

/// A PostgreSQL database.
pub struct Postgres {
    config: Box<Config>,
    tls: Option<MakeRustlsConnect>,
    shown: String,
}

impl fmt::Debug for Postgres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Postgres").field("server", &self.shown).field("tls", &self.tls.is_some()).finish()
    }
}

/// A stream's table, under its lease (held by the stream's own connection).
pub struct PostgresStream {
    client: Client,
    table: Table,
    stream: Stream,
    /// The column types of the copy, after the account and the date.
    columns: Vec<Column>,
    lock: i64,
}

impl fmt::Debug for PostgresStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStream")
            .field("table", &self.table.to_string())
            .field("stream", &self.stream.name())
            .finish()
    }
}

/// A schema-qualified table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Table {
    schema: String,
    name: String,
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

impl Table {
    /// `"schema"."name"`.
    fn quoted(&self) -> String {
        format!("{}.{}", ident(&self.schema), ident(&self.name))
    }

    /// `"schema"."_dataapi_state"`.
    fn state(&self) -> String {
        format!("{}.{}", ident(&self.schema), ident(STATE_TABLE))
    }
}

/// A data column: its field and type.
#[derive(Debug, Clone, Copy)]
struct Column {
    field: &'static FieldDescriptor,
    sql: Sql,
}

/// The column types a field can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sql {
    BigInt,
    Numeric,
    Timestamp,
    Date,
    Boolean,
    Text,
    Jsonb,
}

impl Sql {
    fn of(ty: &TypeDescriptor) -> Sql {
        match ty {
            TypeDescriptor::Integer => Sql::BigInt,
            TypeDescriptor::Decimal => Sql::Numeric,
            TypeDescriptor::DateTime => Sql::Timestamp,
            TypeDescriptor::Date => Sql::Date,
            TypeDescriptor::Boolean => Sql::Boolean,
            TypeDescriptor::String | TypeDescriptor::Filter | TypeDescriptor::Enum { .. } => Sql::Text,
            TypeDescriptor::ValueObject | TypeDescriptor::Object(_) | TypeDescriptor::Array(_) => Sql::Jsonb,
        }
    }

    /// As `CREATE TABLE` takes it and `format_type` shows it.
    fn name(self) -> &'static str {
        match self {
            Sql::BigInt => "bigint",
            Sql::Numeric => "numeric",
            Sql::Timestamp => "timestamp without time zone",
            Sql::Date => "date",
            Sql::Boolean => "boolean",
            Sql::Text => "text",
            Sql::Jsonb => "jsonb",
        }
    }

    fn wire(self) -> Type {
        match self {
            Sql::BigInt => Type::INT8,
            Sql::Numeric => Type::NUMERIC,
            Sql::Timestamp => Type::TIMESTAMP,
            Sql::Date => Type::DATE,
            Sql::Boolean => Type::BOOL,
            Sql::Text => Type::TEXT,
            Sql::Jsonb => Type::JSONB,
        }
    }
}

/// `name` as an identifier, if PostgreSQL would keep it as written: letters, digits, `_` and
/// `$`, not starting with a digit or `$`, at most 63 bytes.
fn valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else { return false };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        && name.len() <= MAX_IDENTIFIER
}

/// A quoted identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A string literal (what `quote_literal` gives).
fn literal(text: &str) -> String {
    let text = text.replace('\0', "");
    let quoted = text.replace('\'', "''");
    if quoted.contains('\\') { format!("E'{}'", quoted.replace('\\', "\\\\")) } else { format!("'{quoted}'") }
}

/// The table of `stream`: its own (`table` or `schema.table`) or `dataapi.<module>`.
fn table_of(stream: &Stream) -> Result<Table, Error> {
    let (schema, name) = match stream.table.as_deref().map(str::trim) {
        None | Some("") => (DEFAULT_SCHEMA, stream.module()),
        Some(t) => match t.split_once('.') {
            Some((schema, name)) => (schema, name),
            None => (DEFAULT_SCHEMA, t),
        },
    };
    for part in [schema, name] {
        if !valid_identifier(part) {
            return Err(Error::Invalid(format!(
                "{}: the table `{}` is not a valid name (give `table` or `schema.table` of letters, digits and \
                 `_`, at most {MAX_IDENTIFIER} bytes each, not starting with a digit)",
                stream.name(),
                stream.table.as_deref().unwrap_or_default()
            )));
        }
    }
    if name == STATE_TABLE {
        return Err(Error::Invalid(format!(
            "{}: `{STATE_TABLE}` is the streams' records, not a table for rows",
            stream.name()
        )));
    }
    Ok(Table { schema: schema.to_owned(), name: name.to_owned() })
}

/// The data columns of `stream`, checked.
fn columns_of(stream: &Stream) -> Result<Vec<Column>, Error> {
    let mut columns: Vec<Column> = Vec::with_capacity(stream.fields.len());
    for name in &stream.fields {
        let field = stream.method.field(name).ok_or_else(|| {
            Error::Invalid(format!("{}: {} has no field `{name}`", stream.name(), stream.method.name))
        })?;
        if [ACCOUNT_COLUMN, DATE_COLUMN, MISMATCHED].contains(&field.name) {
            return Err(Error::Invalid(format!(
                "{}: the field `{name}` would hide the column of that name",
                stream.name()
            )));
        }
        if field.name.len() > MAX_IDENTIFIER {
            return Err(Error::Invalid(format!(
                "{}: the field `{name}` is longer than PostgreSQL's {MAX_IDENTIFIER} bytes of a column name",
                stream.name()
            )));
        }
        if columns.iter().any(|c| c.field.name == field.name) {
            return Err(Error::Invalid(format!("{}: the field `{name}` is asked for twice", stream.name())));
        }
        columns.push(Column { field, sql: Sql::of(&field.ty) });
    }
    Ok(columns)
}

/// A stable 64-bit hash (FNV-1a) of the parts, each ended by a NUL: the lease's lock.
fn lock_key(parts: &[&str]) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash as i64
}

/// The lock taken while a stream makes its table ready, so that two streams creating one
/// schema do not collide.
fn ddl_lock() -> i64 {
    lock_key(&["dataapi sync", "ddl"])
}

/// What a database error says, with its detail and hint.
fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut text = db.message().to_owned();
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" ({detail})"));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!("; {hint}"));
        }
        return text;
    }
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(&format!(": {more}"));
        }
        source = s.source();
    }
    text
}

fn is_loopback(host: &Host) -> bool {
    match host {
        #[cfg(unix)]
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name.eq_ignore_ascii_case("localhost")
                || name.trim_matches(['[', ']']).parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
    }
}

/// The server as messages show it: `user@host:port/db`, without the password.
fn show(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let host = match h {
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(i).or(config.get_ports().first()) {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        })
        .collect();
    let hosts = if hosts.is_empty() { "localhost".to_owned() } else { hosts.join(",") };
    format!(
        "postgres://{}@{hosts}/{}",
        config.get_user().unwrap_or_default(),
        config.get_dbname().or(config.get_user()).unwrap_or_default()
    )
}

impl Postgres {
    /// Reads `url` (`postgres://user:password@host:port/db?sslmode=…`, as `libpq` takes it) and
    /// connects once to check it. Without a user, `PGUSER` or `USER` is the user.
    ///
    /// TLS: a Unix socket, `localhost` or a loopback address is reached without it unless
    /// `sslmode=require`; other hosts with TLS (`rustls`, Mozilla's roots) unless
    /// `sslmode=disable`.
    pub async fn open(url: &str) -> Result<Self, Error> {
        let mut config = Config::from_str(url).map_err(|e| {
            Error::Invalid(format!("{}: not a PostgreSQL URL: {e}", url.split('@').next_back().unwrap_or(url)))
        })?;
        if config.get_user().is_none()
            && let Some(user) = std::env::var("PGUSER").ok().or_else(|| std::env::var("USER").ok())
        {
            config.user(user);
        }
        if config.get_application_name().is_none() {
            config.application_name(APPLICATION_NAME);
        }
        let plain = match config.get_ssl_mode() {
            SslMode::Disable => true,
            SslMode::Prefer => config.get_hosts().iter().all(is_loopback),
            _ => false,
        };
        let shown = show(&config);
        let tls = if plain {
            None
        } else {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| Error::Target { place: shown.clone(), message: format!("TLS: {e}") })?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Some(MakeRustlsConnect::new(tls))
        };
        let postgres = Postgres { config: Box::new(config), tls, shown };
        let client = postgres.connect().await?;
        drop(client);
        Ok(postgres)
    }

    /// A new connection, driven on the runtime until its client is dropped.
    async fn connect(&self) -> Result<Client, Error> {
        let failed = |e: tokio_postgres::Error| Error::Target {
            place: self.shown.clone(),
            message: format!(
                "cannot connect{}: {}",
                if self.tls.is_some() { " (with TLS; add sslmode=disable to connect without)" } else { "" },
                describe(&e)
            ),
        };
        let client = match &self.tls {
            None => {
                let (client, connection) = self.config.connect(NoTls).await.map_err(failed)?;
                tokio::spawn(connection);
                client
            }
            Some(tls) => {
                let (client, connection) = self.config.connect(tls.clone()).await.map_err(failed)?;
                tokio::spawn(connection);
                client
            }
        };
        Ok(client)
    }

    /// The stream's table (`dataapi.calls_report`).
    pub fn place(&self, stream: &Stream) -> String {
        match table_of(stream) {
            Ok(table) => table.to_string(),
            Err(_) => stream.table.clone().unwrap_or_default(),
        }
    }

    /// The stream's record, read on a connection of its own without the lease and without
    /// creating anything (none while its table of records does not exist).
    pub async fn peek(&self, stream: &Stream) -> Result<Option<StreamState>, Error> {
        let table = table_of(stream)?;
        let client = self.connect().await?;
        let failed = |e: tokio_postgres::Error| Error::Target {
            place: table.state(),
            message: format!("cannot read the stream's record: {}", describe(&e)),
        };
        let exists: bool =
            client.query_one("SELECT to_regclass($1) IS NOT NULL", &[&table.state()]).await.map_err(failed)?.get(0);
        if !exists {
            return Ok(None);
        }
        record(&client, &table, &stream.account).await
    }

    /// Opens `stream` under its lease, on a connection of its own: takes the lease (or fails
    /// with [`Error::Busy`]), then creates the schema, the table, the columns of new fields,
    /// the index of days and the table of records where missing, and sets the comments.
    pub async fn stream(&self, stream: &Stream) -> Result<PostgresStream, Error> {
        let table = table_of(stream)?;
        let columns = columns_of(stream)?;
        let place = table.to_string();
        let client = self.connect().await?;
        let failed = |what: &str, e: tokio_postgres::Error| Error::Target {
            place: place.clone(),
            message: format!("{what}: {}", describe(&e)),
        };
        let lock = lock_key(&[&stream.account, &table.schema, &table.name]);
        let got: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&lock])
            .await
            .map_err(|e| failed("cannot take the lease", e))?
            .get(0);
        if !got {
            return Err(Error::Busy { stream: stream.name(), holder: holder(&client, lock).await });
        }
        let opened = PostgresStream { client, table, stream: stream.clone(), columns, lock };
        match opened.prepare().await {
            Ok(()) => Ok(opened),
            Err(e) => {
                let _ = opened.close().await;
                Err(e)
            }
        }
    }
}

/// Who holds the lock `key`, as the server tells.
async fn holder(client: &Client, key: i64) -> String {
    let bits = key as u64;
    let (high, low) = ((bits >> 32) as u32, bits as u32);
    let row = client
        .query_opt(
            "SELECT a.pid, coalesce(a.application_name, ''), a.backend_start::text, coalesce(a.usename::text, ''), \
                    coalesce(a.client_addr::text, 'a local socket') \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1 \
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             LIMIT 1",
            &[&high, &low],
        )
        .await;
    match row {
        Ok(Some(row)) => {
            let pid: i32 = row.get(0);
            let app: String = row.get(1);
            let since: Option<String> = row.get(2);
            let user: String = row.get(3);
            let from: String = row.get(4);
            format!(
                "PostgreSQL session {pid}{}, user {user}, from {from}, connected since {}",
                if app.is_empty() { String::new() } else { format!(" of `{app}`") },
                since.unwrap_or_else(|| "?".into())
            )
        }
        Ok(None) => "a PostgreSQL session that has just let go; try again".to_owned(),
        Err(e) => format!("a PostgreSQL session (not shown: {})", describe(&e)),
    }
}

/// The comment of the mismatched column.
const MISMATCHED_DOC: &str = "The values of the row that did not fit their column's type, as a JSON object of wire \
                              names to the values the API sent; null when every value fit";

impl PostgresStream {
    fn failed(&self, what: &str, e: tokio_postgres::Error) -> Error {
        Error::Target { place: self.table.to_string(), message: format!("{what}: {}", describe(&e)) }
    }

    /// Creates what is missing and checks the columns there are, in one transaction.
    async fn prepare(&self) -> Result<(), Error> {
        let t = self.table.quoted();
        let state = self.table.state();
        let mut ddl = vec!["BEGIN".to_owned(), format!("SELECT pg_advisory_xact_lock({})", ddl_lock())];
        ddl.push(format!("CREATE SCHEMA IF NOT EXISTS {}", ident(&self.table.schema)));
        ddl.push(format!(
            "CREATE TABLE IF NOT EXISTS {t} ({} text NOT NULL, {} date NOT NULL)",
            ident(ACCOUNT_COLUMN),
            ident(DATE_COLUMN)
        ));
        ddl.push(format!(
            "CREATE TABLE IF NOT EXISTS {state} (account text NOT NULL, table_name text NOT NULL, state jsonb NOT NULL, \
             updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (account, table_name))"
        ));
        self.client.batch_execute(&ddl.join(";\n")).await.map_err(|e| self.failed("cannot create the table", e))?;
        let done = self.columns_ready(&t).await;
        let end = if done.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.client.batch_execute(end).await.map_err(|e| self.failed("cannot create the table", e));
        done.and(ended)
    }

    /// Adds the missing columns, the index and the comments; refuses a column of another type.
    async fn columns_ready(&self, t: &str) -> Result<(), Error> {
        let rows = self
            .client
            .query(
                "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute \
                 WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped",
                &[&t],
            )
            .await
            .map_err(|e| self.failed("cannot read the table's columns", e))?;
        let existing: HashMap<String, String> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        let wanted = [(ACCOUNT_COLUMN, Sql::Text, "text"), (DATE_COLUMN, Sql::Date, "date")]
            .into_iter()
            .map(|(n, s, what)| (n, s, what.to_owned()))
            .chain(self.columns.iter().map(|c| (c.field.name, c.sql, c.field.ty.to_string())))
            .chain([(MISMATCHED, Sql::Jsonb, "the values that did not fit".to_owned())]);
        let mut ddl = Vec::new();
        for (name, sql, what) in wanted {
            match existing.get(name) {
                Some(has) if has != sql.name() => {
                    return Err(Error::Target {
                        place: self.table.to_string(),
                        message: format!(
                            "the column `{name}` is {has}, but it holds {what} ({}); rename or drop the column, \
                             or give the stream another table",
                            sql.name()
                        ),
                    });
                }
                Some(_) => {}
                None => ddl.push(format!("ALTER TABLE {t} ADD COLUMN IF NOT EXISTS {} {}", ident(name), sql.name())),
            }
        }
        let index = index_name(&self.table.name);
        ddl.push(format!(
            "CREATE INDEX IF NOT EXISTS {} ON {t} ({}, {})",
            ident(&index),
            ident(ACCOUNT_COLUMN),
            ident(DATE_COLUMN)
        ));
        ddl.push(format!(
            "COMMENT ON TABLE {t} IS {}",
            literal(&format!(
                "Rows of {} of the CoMagic / UIS / CallGear Data API, kept by dataapi sync a day at a time",
                self.stream.method.name
            ))
        ));
        let comments = [
            (ACCOUNT_COLUMN, "The account the row was read for"),
            (DATE_COLUMN, "The day the row was read for, in the account's time zone: what is replaced whole"),
            (MISMATCHED, MISMATCHED_DOC),
        ]
        .into_iter()
        .chain(self.columns.iter().map(|c| (c.field.name, c.field.doc)));
        for (name, doc) in comments {
            if !doc.is_empty() {
                ddl.push(format!("COMMENT ON COLUMN {t}.{} IS {}", ident(name), literal(doc)));
            }
        }
        self.client.batch_execute(&ddl.join(";\n")).await.map_err(|e| self.failed("cannot add the columns", e))
    }

    /// The stream's record, if the table has one.
    pub async fn state(&mut self) -> Result<Option<StreamState>, Error> {
        record(&self.client, &self.table, &self.stream.account).await
    }

    /// Replaces `day`'s rows with `rows` and the record with `state`, in one transaction.
    pub async fn replace_day(
        &mut self,
        day: NaiveDate,
        rows: &[Box<RawValue>],
        state: &StreamState,
    ) -> Result<u64, Error> {
        let place = self.table.to_string();
        let t = self.table.quoted();
        let state_table = self.table.state();
        let record = serde_json::to_value(state).expect("a record is JSON");
        let mut names = vec![ident(ACCOUNT_COLUMN), ident(DATE_COLUMN)];
        names.extend(self.columns.iter().map(|c| ident(c.field.name)));
        names.push(ident(MISMATCHED));
        let mut types = vec![Type::TEXT, Type::DATE];
        types.extend(self.columns.iter().map(|c| c.sql.wire()));
        types.push(Type::JSONB);
        let columns = self.columns.clone();
        let account = self.stream.account.clone();
        let table_name = self.table.name.clone();
        let failed = |what: &str, e: tokio_postgres::Error| Error::Target {
            place: place.clone(),
            message: format!("{what} {day}: {}", describe(&e)),
        };
        let tx = self.client.transaction().await.map_err(|e| failed("cannot begin replacing", e))?;
        tx.execute(
            &format!("DELETE FROM {t} WHERE {} = $1 AND {} = $2", ident(ACCOUNT_COLUMN), ident(DATE_COLUMN)),
            &[&account, &day],
        )
        .await
        .map_err(|e| failed("cannot delete", e))?;
        let sink = tx
            .copy_in(&format!("COPY {t} ({}) FROM STDIN (FORMAT binary)", names.join(", ")))
            .await
            .map_err(|e| failed("cannot copy", e))?;
        let writer = BinaryCopyInWriter::new(sink, &types);
        let mut writer = std::pin::pin!(writer);
        let mut misfits = 0;
        for (i, raw) in rows.iter().enumerate() {
            let (cells, n) =
                row_cells(&columns, raw, i + 1).map_err(|message| Error::Target { place: place.clone(), message })?;
            misfits += n;
            let mut values: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(cells.len() + 2);
            values.push(&account);
            values.push(&day);
            values.extend(cells.iter().map(|c| c as &(dyn ToSql + Sync)));
            writer.as_mut().write(&values).await.map_err(|e| failed("cannot copy", e))?;
        }
        writer.finish().await.map_err(|e| failed("cannot copy", e))?;
        tx.execute(
            &format!(
                "INSERT INTO {state_table} (account, table_name, state, updated_at) VALUES ($1, $2, $3, now()) \
                 ON CONFLICT (account, table_name) DO UPDATE SET state = excluded.state, updated_at = now()"
            ),
            &[&account, &table_name, &record],
        )
        .await
        .map_err(|e| failed("cannot write the record of", e))?;
        tx.commit().await.map_err(|e| failed("cannot commit", e))?;
        Ok(misfits)
    }

    /// Gives the lease back and closes the connection.
    pub async fn close(self) -> Result<(), Error> {
        self.client
            .execute("SELECT pg_advisory_unlock($1)", &[&self.lock])
            .await
            .map_err(|e| self.failed("cannot give the lease back", e))?;
        Ok(())
    }
}

/// The index of days of `table`: `<table>_dataapi_day`, cut to an identifier's length.
fn index_name(table: &str) -> String {
    const SUFFIX: &str = "_dataapi_day";
    let mut keep = MAX_IDENTIFIER - SUFFIX.len();
    while keep < table.len() && !table.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{SUFFIX}", &table[..keep.min(table.len())])
}

/// A value of a copied row.
#[derive(Debug)]
enum Cell<'a> {
    Null,
    BigInt(i64),
    Numeric(Decimal),
    Timestamp(NaiveDateTime),
    Date(NaiveDate),
    Boolean(bool),
    Text(String),
    /// JSON text, written as `jsonb`.
    Jsonb(Cow<'a, str>),
}

impl ToSql for Cell<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Cell::Null => Ok(IsNull::Yes),
            Cell::BigInt(v) => v.to_sql(ty, out),
            Cell::Numeric(v) => v.to_sql(ty, out),
            Cell::Timestamp(v) => v.to_sql(ty, out),
            Cell::Date(v) => v.to_sql(ty, out),
            Cell::Boolean(v) => v.to_sql(ty, out),
            Cell::Text(v) => v.to_sql(ty, out),
            Cell::Jsonb(json) => {
                if *ty == Type::JSONB {
                    out.put_u8(1);
                }
                out.put_slice(json.as_bytes());
                Ok(IsNull::No)
            }
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A string's text, or anything else as the API wrote it.
fn text(raw: &RawValue) -> Option<Cow<'_, str>> {
    if raw.get().starts_with('"') {
        serde_json::from_str::<String>(raw.get()).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(raw.get()))
    }
}

fn integer(raw: &RawValue) -> Option<i64> {
    text(raw)?.parse().ok()
}

fn decimal(raw: &RawValue) -> Option<Decimal> {
    let t = text(raw)?;
    Decimal::from_str(&t).or_else(|_| Decimal::from_scientific(&t)).ok()
}

fn date_time(raw: &RawValue) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(&text(raw)?, "%Y-%m-%d %H:%M:%S").ok()
}

fn date(raw: &RawValue) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&text(raw)?, "%Y-%m-%d").ok()
}

fn boolean(raw: &RawValue) -> Option<bool> {
    match raw.get() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Whether `raw` (not null) fits `ty`, as the Arrow columns take it.
fn fits(ty: &TypeDescriptor, raw: &RawValue) -> bool {
    match ty {
        TypeDescriptor::Integer => integer(raw).is_some(),
        TypeDescriptor::Decimal => decimal(raw).is_some(),
        TypeDescriptor::DateTime => date_time(raw).is_some(),
        TypeDescriptor::Date => date(raw).is_some(),
        TypeDescriptor::Boolean => boolean(raw).is_some(),
        TypeDescriptor::String | TypeDescriptor::Filter | TypeDescriptor::Enum { .. } => text(raw).is_some(),
        TypeDescriptor::ValueObject => serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get()).is_ok(),
        TypeDescriptor::Object(fields) => {
            let Ok(members) = serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get()) else { return false };
            fields.iter().all(|f| members.get(f.name).is_none_or(|v| v.get() == "null" || fits(&f.ty, v)))
        }
        TypeDescriptor::Array(item) => {
            let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) else { return false };
            items.iter().all(|v| v.get() == "null" || fits(item, v))
        }
    }
}

/// `text` without NUL characters, which PostgreSQL does not hold.
fn no_nul(text: String) -> String {
    if text.contains('\0') { text.replace('\0', "\u{fffd}") } else { text }
}

/// JSON text as `jsonb` holds it: a `\u0000` in a string becomes U+FFFD.
fn jsonb(json: Cow<'_, str>) -> Cell<'_> {
    if !json.contains("\\u0000") {
        return Cell::Jsonb(json);
    }
    fn clean(v: Value) -> Value {
        match v {
            Value::String(s) => Value::String(no_nul(s)),
            Value::Array(items) => Value::Array(items.into_iter().map(clean).collect()),
            Value::Object(members) => Value::Object(members.into_iter().map(|(k, v)| (no_nul(k), clean(v))).collect()),
            other => other,
        }
    }
    match serde_json::from_str::<Value>(&json) {
        Ok(v) => Cell::Jsonb(Cow::Owned(clean(v).to_string())),
        Err(_) => Cell::Jsonb(json),
    }
}

/// The cells of a row in wire form, after the account and the day: each column's, then the
/// values that did not fit; and how many did not. `n` is the row's number (from 1).
fn row_cells<'a>(columns: &[Column], raw: &'a RawValue, n: usize) -> Result<(Vec<Cell<'a>>, u64), String> {
    let row: BTreeMap<Cow<'a, str>, &'a RawValue> =
        serde_json::from_str(raw.get()).map_err(|e| format!("row {n}: not a JSON object: {e}"))?;
    let mut cells = Vec::with_capacity(columns.len() + 1);
    let mut misfits: BTreeMap<&str, &RawValue> = BTreeMap::new();
    for c in columns {
        let Some(value) = row.get(c.field.name).copied().filter(|v| v.get() != "null") else {
            cells.push(Cell::Null);
            continue;
        };
        let cell = match c.sql {
            Sql::BigInt => integer(value).map(Cell::BigInt),
            Sql::Numeric => decimal(value).map(Cell::Numeric),
            Sql::Timestamp => date_time(value).map(Cell::Timestamp),
            Sql::Date => date(value).map(Cell::Date),
            Sql::Boolean => boolean(value).map(Cell::Boolean),
            Sql::Text => text(value).map(|t| Cell::Text(no_nul(t.into_owned()))),
            Sql::Jsonb => fits(&c.field.ty, value).then(|| jsonb(Cow::Borrowed(value.get()))),
        };
        match cell {
            Some(cell) => cells.push(cell),
            None => {
                misfits.insert(c.field.name, value);
                cells.push(Cell::Null);
            }
        }
    }
    if misfits.is_empty() {
        cells.push(Cell::Null);
    } else {
        let json = serde_json::to_string(&misfits).map_err(|e| format!("row {n}: {e}"))?;
        cells.push(jsonb(Cow::Owned(json)));
    }
    Ok((cells, misfits.len() as u64))
}

/// The record of `account`'s stream kept in `table`, if there is one.
async fn record(client: &Client, table: &Table, account: &str) -> Result<Option<StreamState>, Error> {
    let row = client
        .query_opt(
            &format!("SELECT state FROM {} WHERE account = $1 AND table_name = $2", table.state()),
            &[&account, &table.name],
        )
        .await
        .map_err(|e| Error::Target {
            place: table.state(),
            message: format!("cannot read the stream's record: {}", describe(&e)),
        })?;
    let Some(row) = row else { return Ok(None) };
    serde_json::from_value(row.get::<_, Value>(0)).map(Some).map_err(|e| Error::Target {
        place: format!("{} ({account}, {})", table.state(), table.name),
        message: format!("not a stream record: {e}"),
    })
}
