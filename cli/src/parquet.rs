//! Parquet output of `dataapi pull`: an Arrow schema generated from the method's descriptor,
//! not inferred from the data, and rows converted from their wire form as they arrive, a row
//! group at a time.
//!
//! | schema type | Arrow type |
//! |---|---|
//! | integer | `Int64` |
//! | decimal | `Decimal128(18, 2)` |
//! | date-time | `Timestamp(Millisecond, None)`: the API's naive local time, whole seconds |
//! | date | `Date32` |
//! | boolean | `Boolean` |
//! | string, filter | `Utf8` |
//! | enum | `Dictionary(Int32, Utf8)`: every code as the API sent it, unknown ones too |
//! | value object | `Struct {value: Utf8, value_id: Utf8}` |
//! | object | `Struct` of its fields |
//! | array | `List` of its item |
//!
//! Date-times are whole seconds, but Parquet has no timestamp in seconds: a `Timestamp(Second)`
//! column is written as a plain `INT64` that other readers (pyarrow, DuckDB) do not see as a
//! time, so the column is in milliseconds, without a time zone (`isAdjustedToUTC = false`).
//!
//! A value whose shape differs from its column's type (an object where the schema says an
//! array, a text where it says an integer) does not stop the pull and is not dropped: its cell
//! is null and the row's last column, [`MISMATCHED`] (`Utf8`), holds a JSON object of the
//! values that did not fit, by wire name, as the API sent them (null when every value fit).
//! [`Writer::mismatched`] counts them and the pull's summary says how many.
//!
//! Each column carries its wire name, its schema type and the first line of its description in
//! its metadata (`dataapi.name`, `dataapi.type`, `description`).
//!
//! [`Writer`] holds at most [`CHUNK`] rows in wire form and one row group being encoded, so
//! its memory does not grow with the pull. A Parquet file is readable only once its footer is
//! written, so at each checkpoint [`Writer::sync`] closes the row group and returns the footer
//! that the rows so far would have: kept in the checkpoint, it makes the file's first bytes a
//! whole Parquet file again after a crash, and [`Writer::resume`] copies its rows into a new
//! file, whose writer then goes on (a writer cannot take over another's row groups).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Int64Array, ListArray, RecordBatch,
    StringArray, StructArray, TimestampMillisecondArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use chrono::{NaiveDate, NaiveDateTime};
use dataapi::runtime::{FieldDescriptor, MethodDescriptor, TypeDescriptor};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::basic::Compression;
use parquet::file::metadata::{FileMetaData, ParquetMetaData, ParquetMetaDataWriter};
use parquet::file::properties::WriterProperties;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

/// Rows kept in wire form before they are encoded into the open row group.
pub const CHUNK: usize = 1024;
/// The last column: the values of a row that did not fit their column's type, as a JSON object.
pub const MISMATCHED: &str = "dataapi_mismatched";
/// Mismatched values described on stderr before the rest are only counted.
const MISMATCHED_NOTES: u64 = 5;
/// Precision and scale of decimals.
const DECIMAL: (u8, i8) = (18, 2);

/// The Arrow type of a schema type.
fn data_type(ty: &TypeDescriptor) -> DataType {
    match ty {
        TypeDescriptor::Integer => DataType::Int64,
        TypeDescriptor::Decimal => DataType::Decimal128(DECIMAL.0, DECIMAL.1),
        TypeDescriptor::String | TypeDescriptor::Filter => DataType::Utf8,
        TypeDescriptor::Boolean => DataType::Boolean,
        TypeDescriptor::DateTime => DataType::Timestamp(TimeUnit::Millisecond, None),
        TypeDescriptor::Date => DataType::Date32,
        TypeDescriptor::Enum { .. } => DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        TypeDescriptor::ValueObject => DataType::Struct(value_object_fields()),
        TypeDescriptor::Object(fields) => DataType::Struct(fields.iter().map(field).collect()),
        TypeDescriptor::Array(item) => DataType::List(Arc::new(Field::new("item", data_type(item), true))),
    }
}

fn value_object_fields() -> Fields {
    Fields::from(vec![Field::new("value", DataType::Utf8, true), Field::new("value_id", DataType::Utf8, true)])
}

/// The Arrow field of a reply field, with its name, schema type and doc in its metadata.
fn field(f: &FieldDescriptor) -> Field {
    let mut metadata =
        HashMap::from([("dataapi.name".to_owned(), f.name.to_owned()), ("dataapi.type".to_owned(), f.ty.to_string())]);
    if !f.doc.is_empty() {
        metadata.insert("description".to_owned(), f.doc.to_owned());
    }
    Field::new(f.name, data_type(&f.ty), true).with_metadata(metadata)
}

/// The schema of rows of `fields` of `method`.
pub fn schema(method: &MethodDescriptor, fields: &[String]) -> Result<SchemaRef, String> {
    let mut columns = Vec::with_capacity(fields.len());
    for name in fields {
        let f = method.field(name).ok_or_else(|| format!("{} has no field `{name}`", method.name))?;
        columns.push(field(f));
    }
    let doc = "The values of the row that did not fit their column's type, as a JSON object of wire names to \
               the values the API sent; null when every value fit";
    columns.push(
        Field::new(MISMATCHED, DataType::Utf8, true)
            .with_metadata(HashMap::from([("description".to_owned(), doc.to_owned())])),
    );
    let metadata = HashMap::from([("dataapi.method".to_owned(), method.name.to_owned())]);
    Ok(Arc::new(Schema::new_with_metadata(columns, metadata)))
}

/// A cell: `None` for a missing field or `null`.
type Cell<'a> = Option<&'a RawValue>;

fn present(raw: &RawValue) -> Cell<'_> {
    (raw.get() != "null").then_some(raw)
}

/// A string's text, or anything else as the API wrote it.
fn text(raw: &RawValue) -> Result<Cow<'_, str>, String> {
    if raw.get().starts_with('"') {
        serde_json::from_str::<String>(raw.get()).map(Cow::Owned).map_err(|e| e.to_string())
    } else {
        Ok(Cow::Borrowed(raw.get()))
    }
}

fn bad(at: &str, row: usize, what: &str, raw: &RawValue) -> String {
    format!("row {row}, `{at}`: {} is not {what}", raw.get())
}

/// The column of `cells` of type `ty`; `at` names it in errors, `first` is the first row's
/// number.
fn column(ty: &TypeDescriptor, cells: &[Cell<'_>], at: &str, first: usize) -> Result<ArrayRef, String> {
    let each = |what: &str, parse: &dyn Fn(&str) -> Option<i128>| -> Result<Vec<Option<i128>>, String> {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                None => Ok(None),
                Some(raw) => {
                    let t = text(raw)?;
                    parse(&t).map(Some).ok_or_else(|| bad(at, first + i, what, raw))
                }
            })
            .collect()
    };
    Ok(match ty {
        TypeDescriptor::Integer => {
            let v = each("an integer", &|t| t.parse::<i64>().ok().map(i128::from))?;
            Arc::new(Int64Array::from_iter(v.into_iter().map(|x| x.map(|x| x as i64))))
        }
        TypeDescriptor::Decimal => {
            let v = each("a decimal with at most 2 places and 16 digits before the point", &decimal)?;
            Arc::new(
                Decimal128Array::from_iter(v)
                    .with_precision_and_scale(DECIMAL.0, DECIMAL.1)
                    .map_err(|e| e.to_string())?,
            )
        }
        TypeDescriptor::DateTime => {
            let v = each("a date-time YYYY-MM-DD hh:mm:ss", &|t| {
                NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S")
                    .ok()
                    .map(|d| i128::from(d.and_utc().timestamp_millis()))
            })?;
            Arc::new(TimestampMillisecondArray::from_iter(v.into_iter().map(|x| x.map(|x| x as i64))))
        }
        TypeDescriptor::Date => {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            let v = each("a date YYYY-MM-DD", &|t| {
                NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().map(|d| i128::from((d - epoch).num_days()))
            })?;
            Arc::new(Date32Array::from_iter(v.into_iter().map(|x| x.map(|x| x as i32))))
        }
        TypeDescriptor::Boolean => {
            let v: Result<Vec<Option<bool>>, String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| match c.map(|r| (r, r.get())) {
                    None => Ok(None),
                    Some((_, "true")) => Ok(Some(true)),
                    Some((_, "false")) => Ok(Some(false)),
                    Some((raw, _)) => Err(bad(at, first + i, "a boolean", raw)),
                })
                .collect();
            Arc::new(BooleanArray::from(v?))
        }
        TypeDescriptor::String | TypeDescriptor::Filter => Arc::new(StringArray::from(texts(cells)?)),
        TypeDescriptor::Enum { .. } => {
            let v = texts(cells)?;
            Arc::new(v.iter().map(Option::as_deref).collect::<DictionaryArray<Int32Type>>())
        }
        TypeDescriptor::ValueObject => {
            let (children, nulls) = objects(cells, at, first)?;
            let value: Vec<Cell<'_>> = children.iter().map(|o| o.get("value").copied().and_then(present)).collect();
            let id: Vec<Cell<'_>> = children.iter().map(|o| o.get("value_id").copied().and_then(present)).collect();
            let arrays: Vec<ArrayRef> =
                vec![Arc::new(StringArray::from(texts(&value)?)), Arc::new(StringArray::from(texts(&id)?))];
            Arc::new(StructArray::try_new(value_object_fields(), arrays, nulls).map_err(|e| e.to_string())?)
        }
        TypeDescriptor::Object(fields) => {
            let (children, nulls) = objects(cells, at, first)?;
            let mut arrays = Vec::with_capacity(fields.len());
            for f in *fields {
                let sub: Vec<Cell<'_>> = children.iter().map(|o| o.get(f.name).copied().and_then(present)).collect();
                arrays.push(column(&f.ty, &sub, &format!("{at}.{}", f.name), first)?);
            }
            let fields: Fields = fields.iter().map(field).collect();
            Arc::new(StructArray::try_new_with_length(fields, arrays, nulls, cells.len()).map_err(|e| e.to_string())?)
        }
        TypeDescriptor::Array(item) => {
            let mut offsets = Vec::with_capacity(cells.len() + 1);
            offsets.push(0i32);
            let mut items: Vec<Cell<'_>> = Vec::new();
            let mut valid = Vec::with_capacity(cells.len());
            for (i, c) in cells.iter().enumerate() {
                if let Some(raw) = c {
                    let list: Vec<&RawValue> =
                        serde_json::from_str(raw.get()).map_err(|_| bad(at, first + i, "an array", raw))?;
                    items.extend(list.into_iter().map(present));
                }
                valid.push(c.is_some());
                offsets.push(i32::try_from(items.len()).map_err(|_| format!("`{at}`: too many items in a row group"))?);
            }
            let values = column(item, &items, &format!("{at}[]"), first)?;
            let field = Arc::new(Field::new("item", data_type(item), true));
            let nulls = Some(NullBuffer::from(valid));
            Arc::new(
                ListArray::try_new(field, OffsetBuffer::new(offsets.into()), values, nulls)
                    .map_err(|e| e.to_string())?,
            )
        }
    })
}

/// Parses a decimal into hundredths, refusing what would lose digits.
fn decimal(t: &str) -> Option<i128> {
    let mut d = Decimal::from_str(t).or_else(|_| Decimal::from_scientific(t)).ok()?;
    if d.scale() > u32::from(DECIMAL.1 as u8) {
        let exact = d.normalize();
        if exact.scale() > u32::from(DECIMAL.1 as u8) {
            return None;
        }
        d = exact;
    }
    d.rescale(DECIMAL.1 as u32);
    let n = d.mantissa();
    (n.abs() < 10i128.pow(u32::from(DECIMAL.0))).then_some(n)
}

fn texts(cells: &[Cell<'_>]) -> Result<Vec<Option<String>>, String> {
    cells.iter().map(|c| c.map(|raw| text(raw).map(Cow::into_owned)).transpose()).collect()
}

/// Each cell's members (none for a null), and which cells are present.
type Members<'a> = Vec<BTreeMap<String, &'a RawValue>>;

fn objects<'a>(cells: &[Cell<'a>], at: &str, first: usize) -> Result<(Members<'a>, Option<NullBuffer>), String> {
    let mut members = Vec::with_capacity(cells.len());
    let mut valid = Vec::with_capacity(cells.len());
    for (i, c) in cells.iter().enumerate() {
        match c {
            None => members.push(BTreeMap::new()),
            Some(raw) => {
                members.push(serde_json::from_str(raw.get()).map_err(|_| bad(at, first + i, "an object", raw))?)
            }
        }
        valid.push(c.is_some());
    }
    Ok((members, Some(NullBuffer::from(valid))))
}

/// A record batch of rows in wire form, and what is wrong with each value that did not fit its
/// column (kept in [`MISMATCHED`]); `first` is the first row's number (from 1).
fn batch(
    schema: &SchemaRef,
    method: &MethodDescriptor,
    rows: &[Box<RawValue>],
    first: usize,
) -> Result<(RecordBatch, Vec<String>), String> {
    let mut parsed: Vec<BTreeMap<String, &RawValue>> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        parsed.push(serde_json::from_str(row.get()).map_err(|e| format!("row {}: not a JSON object: {e}", first + i))?);
    }
    let mut columns = Vec::with_capacity(schema.fields().len());
    let mut misfits: Vec<BTreeMap<&str, &RawValue>> = vec![BTreeMap::new(); rows.len()];
    let mut problems = Vec::new();
    for f in schema.fields() {
        if f.name() == MISMATCHED {
            continue;
        }
        let Some(d) = method.field(f.name()) else { return Err(format!("no field `{}`", f.name())) };
        let mut cells: Vec<Cell<'_>> = parsed.iter().map(|r| r.get(d.name).copied().and_then(present)).collect();
        let converted = match column(&d.ty, &cells, d.name, first) {
            Ok(c) => c,
            Err(_) => {
                // Find the values that do not fit, one cell at a time, and keep them aside.
                for (i, c) in cells.iter_mut().enumerate() {
                    if let Some(raw) = *c
                        && let Err(e) = column(&d.ty, &[Some(raw)], d.name, first + i)
                    {
                        misfits[i].insert(d.name, raw);
                        problems.push(e);
                        *c = None;
                    }
                }
                column(&d.ty, &cells, d.name, first)?
            }
        };
        columns.push(converted);
    }
    let kept: Result<Vec<Option<String>>, _> =
        misfits.iter().map(|m| (!m.is_empty()).then(|| serde_json::to_string(m)).transpose()).collect();
    columns.push(Arc::new(StringArray::from(kept.map_err(|e| e.to_string())?)));
    Ok((RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())?, problems))
}

/// How far a synced file goes: its length, and the footer that closes its first `bytes` into a
/// whole Parquet file (none while it holds no row).
pub struct Mark {
    /// Bytes written.
    pub bytes: u64,
    /// The footer of the row groups written so far.
    pub footer: Option<Vec<u8>>,
}

/// A Parquet file written as the rows of a pull arrive.
pub struct Writer {
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    method: &'static MethodDescriptor,
    row_group: usize,
    /// Rows not yet encoded.
    pending: Vec<Box<RawValue>>,
    /// Rows encoded so far (numbers the rows in errors).
    rows: u64,
    /// Values that did not fit their column's type.
    mismatched: u64,
}

impl Writer {
    /// A new file at `path` for rows of `fields` of `method`, `row_group` rows per row group.
    pub fn create(
        path: &Path,
        method: &'static MethodDescriptor,
        fields: &[String],
        row_group: usize,
    ) -> Result<Self, String> {
        let schema = schema(method, fields)?;
        let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let row_group = row_group.max(1);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(row_group))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| e.to_string())?;
        Ok(Writer { writer, schema, method, row_group, pending: Vec::with_capacity(CHUNK), rows: 0, mismatched: 0 })
    }

    /// Continues the file `old` from a checkpoint: its first `bytes` closed by `footer` are made
    /// a whole Parquet file (in place: doing it again gives the same file, so a resume cut
    /// short can run again), and their rows are copied into a new file at `path`.
    pub fn resume(
        old: &Path,
        bytes: u64,
        footer: &[u8],
        path: &Path,
        method: &'static MethodDescriptor,
        fields: &[String],
        row_group: usize,
    ) -> Result<Self, String> {
        let at = |e: &dyn std::fmt::Display| format!("{}: {e}", old.display());
        let mut file = OpenOptions::new().read(true).write(true).open(old).map_err(|e| at(&e))?;
        let len = file.metadata().map_err(|e| at(&e))?.len();
        if len < bytes {
            return Err(at(&format!("{len} bytes, shorter than the {bytes} its checkpoint counts")));
        }
        file.set_len(bytes).map_err(|e| at(&e))?;
        file.seek(SeekFrom::End(0)).map_err(|e| at(&e))?;
        file.write_all(footer).map_err(|e| at(&e))?;
        file.sync_all().map_err(|e| at(&e))?;
        let mut writer = Writer::create(path, method, fields, row_group)?;
        let options = ArrowReaderOptions::new().with_schema(writer.schema.clone());
        let reader = ParquetRecordBatchReaderBuilder::try_new_with_options(file, options)
            .map_err(|e| at(&e))?
            .with_batch_size(CHUNK)
            .build()
            .map_err(|e| at(&e))?;
        for batch in reader {
            let batch = batch.map_err(|e| at(&e))?;
            // The same columns under our schema, whose metadata the reader may not carry over.
            let batch = RecordBatch::try_new(writer.schema.clone(), batch.columns().to_vec()).map_err(|e| at(&e))?;
            writer.writer.write(&batch).map_err(|e| e.to_string())?;
            writer.rows += batch.num_rows() as u64;
        }
        Ok(writer)
    }

    /// The values so far that did not fit their column's type (kept in [`MISMATCHED`]).
    pub fn mismatched(&self) -> u64 {
        self.mismatched
    }

    /// Adds `n` mismatched values counted before a resume.
    pub fn add_mismatched(&mut self, n: u64) {
        self.mismatched += n;
    }

    /// The rows in the file and in the writer.
    pub fn rows(&self) -> u64 {
        self.rows + self.pending.len() as u64
    }

    /// Adds a row; true when it closed a row group, the moment for a checkpoint.
    pub fn push(&mut self, row: Box<RawValue>) -> Result<bool, String> {
        self.pending.push(row);
        let room = self.row_group.saturating_sub(self.writer.in_progress_rows()).max(1);
        if self.pending.len() < CHUNK.min(room) {
            return Ok(false);
        }
        self.encode()?;
        // The writer closes the row group itself once it holds `row_group` rows.
        Ok(self.writer.in_progress_rows() == 0)
    }

    /// Encodes the pending rows into the open row group (counting their mismatched values).
    pub fn encode(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let (b, problems) = batch(&self.schema, self.method, &self.pending, self.rows as usize + 1)?;
        for p in problems {
            self.mismatched += 1;
            if self.mismatched <= MISMATCHED_NOTES {
                let p: String =
                    if p.chars().count() > 300 { p.chars().take(300).chain("…".chars()).collect() } else { p };
                eprintln!("note: {p}; kept as JSON text in the column `{MISMATCHED}`");
            } else if self.mismatched == MISMATCHED_NOTES + 1 {
                eprintln!("note: more values do not fit their column's type; the summary counts them");
            }
        }
        self.writer.write(&b).map_err(|e| e.to_string())?;
        self.rows += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// Writes every row so far into closed row groups on disk, and returns how far the file goes.
    pub fn sync(&mut self) -> Result<Mark, String> {
        self.encode()?;
        self.writer.flush().map_err(|e| e.to_string())?;
        self.writer.sync().map_err(|e| e.to_string())?;
        self.writer.inner().sync_data().map_err(|e| e.to_string())?;
        Ok(Mark { bytes: self.writer.bytes_written() as u64, footer: self.footer()? })
    }

    /// The footer the file would have if it ended after the row groups written so far.
    fn footer(&self) -> Result<Option<Vec<u8>>, String> {
        let groups = self.writer.flushed_row_groups();
        let Some(first) = groups.first() else { return Ok(None) };
        let rows = groups.iter().map(|g| g.num_rows()).sum();
        let file = FileMetaData::new(1, rows, Some("dataapi".to_owned()), None, first.schema_descr_ptr(), None);
        let metadata = ParquetMetaData::new(file, groups.to_vec());
        let mut footer = Vec::new();
        ParquetMetaDataWriter::new(&mut footer, &metadata).finish().map_err(|e| e.to_string())?;
        Ok(Some(footer))
    }

    /// Writes the last rows and the footer, syncs the file and returns its rows.
    pub fn finish(mut self) -> Result<u64, String> {
        self.encode()?;
        let file = self.writer.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("dataapi-parquet-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn row(id: u64) -> Box<RawValue> {
        let code = if id.is_multiple_of(7) { "not_a_known_code" } else { "timeout" };
        RawValue::from_string(format!(
            r#"{{"id": {id}, "start_time": "2026-01-02 03:04:05", "finish_reason": "{code}"}}"#
        ))
        .unwrap()
    }

    fn fields() -> Vec<String> {
        ["id", "start_time", "finish_reason"].map(str::to_owned).to_vec()
    }

    /// The ids of a Parquet file, in order, and its number of row groups.
    fn read(path: &Path) -> (Vec<i64>, usize) {
        let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
        let groups = builder.metadata().num_row_groups();
        let mut ids = Vec::new();
        for batch in builder.build().unwrap() {
            let batch = batch.unwrap();
            let column = batch.column_by_name("id").unwrap().as_any().downcast_ref::<Int64Array>().unwrap();
            ids.extend(column.iter().map(Option::unwrap));
        }
        (ids, groups)
    }

    #[test]
    fn rows_go_out_a_row_group_at_a_time_and_resume_from_the_footer_of_a_sync() {
        let dir = scratch("resume");
        let method = &dataapi::calls_report::DESCRIPTOR;
        let part = dir.join("calls.parquet.part");
        let mut w = Writer::create(&part, method, &fields(), 50).unwrap();
        let closed: Vec<u64> = (1..=120).filter(|&id| w.push(row(id)).unwrap()).collect();
        assert_eq!(closed, [50, 100], "a row group closes every 50 rows");
        let mark = w.sync().unwrap();
        // The checkpoint's rows are 1..=120; more are written, then the process dies.
        for id in 121..=180 {
            w.push(row(id)).unwrap();
        }
        w.sync().unwrap();
        drop(w);
        let footer = mark.footer.expect("a footer once rows are written");
        assert!(std::fs::metadata(&part).unwrap().len() > mark.bytes);

        let next = dir.join("calls.parquet.part.1");
        let mut w = Writer::resume(&part, mark.bytes, &footer, &next, method, &fields(), 50).unwrap();
        assert_eq!(w.rows(), 120, "the rows of the checkpoint, and no later one");
        // Done twice (a resume interrupted before its checkpoint), it reads the same rows.
        let again = dir.join("again.parquet");
        assert_eq!(Writer::resume(&part, mark.bytes, &footer, &again, method, &fields(), 50).unwrap().rows(), 120);
        for id in 121..=205 {
            w.push(row(id)).unwrap();
        }
        assert_eq!(w.finish().unwrap(), 205);
        let (ids, groups) = read(&next);
        assert_eq!(ids, (1..=205).collect::<Vec<i64>>(), "every row once, in order");
        assert_eq!(groups, 5, "50-row groups, the last one short");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_columns_carry_their_docs_and_keep_unknown_codes() {
        let dir = scratch("docs");
        let method = &dataapi::calls_report::DESCRIPTOR;
        let path = dir.join("calls.parquet");
        let mut w = Writer::create(&path, method, &fields(), 10).unwrap();
        assert_eq!(w.sync().unwrap().footer, None, "no footer before the first row");
        for id in 1..=14 {
            w.push(row(id)).unwrap();
        }
        w.finish().unwrap();
        let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
        let schema = builder.schema().clone();
        let doc = method.field("finish_reason").unwrap().doc;
        assert!(!doc.is_empty());
        let field = schema.field_with_name("finish_reason").unwrap();
        assert_eq!(field.metadata().get("description").map(String::as_str), Some(doc));
        let mut codes = Vec::new();
        for batch in builder.build().unwrap() {
            let batch = batch.unwrap();
            let column = batch.column_by_name("finish_reason").unwrap();
            let dict = column.as_any().downcast_ref::<DictionaryArray<Int32Type>>().unwrap();
            let values = dict.values().as_any().downcast_ref::<StringArray>().unwrap();
            codes.extend(dict.keys().iter().map(|k| values.value(k.unwrap() as usize).to_owned()));
        }
        assert_eq!(codes.len(), 14);
        assert_eq!(codes[6], "not_a_known_code");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
