//! The Parquet file of `dataapi pull`, written as the rows arrive, a row group at a time; its
//! columns and their conversion are [`dataapi_sync::columns`]'s. Values that do not fit their
//! column's type are noted on stderr and counted ([`Writer::mismatched`]).
//!
//! [`Writer`] holds at most [`CHUNK`] rows in wire form and one row group being encoded, so
//! its memory does not grow with the pull. A Parquet file is readable only once its footer is
//! written, so at each checkpoint [`Writer::sync`] closes the row group and returns the footer
//! that the rows so far would have: kept in the checkpoint, it makes the file's first bytes a
//! whole Parquet file again after a crash, and [`Writer::resume`] copies its rows into a new
//! file, whose writer then goes on (a writer cannot take over another's row groups).

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use dataapi::runtime::MethodDescriptor;
use dataapi_sync::columns::{CHUNK, MISMATCHED, batch, schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::basic::Compression;
use parquet::file::metadata::{FileMetaData, ParquetMetaData, ParquetMetaDataWriter};
use parquet::file::properties::WriterProperties;
use serde_json::value::RawValue;

/// Mismatched values described on stderr before the rest are only counted.
const MISMATCHED_NOTES: u64 = 5;

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
    use arrow_array::types::Int32Type;
    use arrow_array::{Array, DictionaryArray, Int64Array, StringArray};

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
