//! Rows in Arrow form: an Arrow schema generated from the method's descriptor, not inferred
//! from the data, and rows converted from their wire form a batch at a time. The Parquet files
//! of `dataapi pull` and of the dataset a sync keeps are written from these.
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
//! [`batch`] returns a note for each.
//!
//! Each column carries its wire name, its schema type and the first line of its description in
//! its metadata (`dataapi.name`, `dataapi.type`, `description`).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
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
use dataapi_runtime::{FieldDescriptor, MethodDescriptor, TypeDescriptor};
use rust_decimal::Decimal;
use serde_json::value::RawValue;

/// Rows kept in wire form before they are encoded into the open row group.
pub const CHUNK: usize = 1024;
/// The last column: the values of a row that did not fit their column's type, as a JSON object.
pub const MISMATCHED: &str = "dataapi_mismatched";
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
pub fn batch(
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
