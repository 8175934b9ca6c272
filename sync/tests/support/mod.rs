//! What the sync's tests share: the live fake server, the truth it holds at a moment, and
//! the dataset read back by readers that are not ours.
#![allow(dead_code)]

pub mod postgres;
pub mod s3;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use dataapi::fake::{self, FakeServer};
use dataapi::runtime::{MethodDescriptor, TypeDescriptor};
use dataapi::{Date, DateTime};
use serde_json::Value;

/// The reader script (pyarrow or DuckDB's Python package).
pub const READ_DATASET: &str = include_str!("read_dataset.py");

/// A fresh scratch folder.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dataapi-sync-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether python3 can import `module`; fails instead when `require` names a set variable.
pub fn python_has(module: &str, require: &str) -> bool {
    let ok =
        Command::new("python3").args(["-c", &format!("import {module}")]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os(require).is_none(), "python3 with {module} is required ({require} is set)");
        eprintln!("skipped: python3 with {module} is not installed");
    }
    ok
}

/// The key of a row as the method declares it.
pub fn key_of(method: &MethodDescriptor, row: &Value) -> String {
    method.key.iter().map(|k| row.get(*k).map_or("null".into(), Value::to_string)).collect::<Vec<_>>().join("|")
}

/// The key, the period field and a few plain fields (which edits change) of `method`.
pub fn compared_fields(method: &MethodDescriptor) -> Vec<String> {
    let mut fields: Vec<String> = method.key.iter().map(|k| (*k).to_owned()).collect();
    fields.push("start_time".into());
    fields.extend(
        method
            .fields
            .iter()
            .filter(|f| {
                !method.key.contains(&f.name)
                    && f.name != "start_time"
                    && matches!(f.ty, TypeDescriptor::Integer | TypeDescriptor::String | TypeDescriptor::Enum { .. })
            })
            .take(6)
            .map(|f| f.name.to_owned()),
    );
    fields
}

/// The rows of `method` visible at `at` whose time lies in `from..=till`, by key, each as JSON
/// of `fields`.
pub fn truth(
    server: &FakeServer,
    method: &MethodDescriptor,
    fields: &[String],
    from: DateTime,
    till: DateTime,
    at: DateTime,
) -> BTreeMap<String, Value> {
    let index: Vec<usize> =
        fields.iter().map(|f| method.fields.iter().position(|d| d.name == f).expect("a field")).collect();
    let moment = server.dataset().as_of(at.0);
    let rows = moment.method(method.name).unwrap();
    rows.window(fake::secs_of(from.0), fake::secs_of(till.0))
        .map(|g| {
            let mut line = String::new();
            rows.write_row(g, &index, &mut line);
            let row: Value = serde_json::from_str(&line).unwrap();
            (key_of(method, &row), row)
        })
        .collect()
}

/// The rows of a method's folder as `engine` (pyarrow, duckdb) reads them, by key, each
/// with `fields` only, and the partition `date` of each.
pub fn read(
    engine: &str,
    dir: &Path,
    method: &MethodDescriptor,
    fields: &[String],
) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
    read_with(engine, dir.as_os_str(), method, fields, &[])
}

/// [`read`] of a folder or an `s3://` path, python3 run with `env` (an S3 server's).
pub fn read_with(
    engine: &str,
    dir: &std::ffi::OsStr,
    method: &MethodDescriptor,
    fields: &[String],
    env: &[(&str, String)],
) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
    let out = Command::new("python3")
        .args(["-c", READ_DATASET, engine])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .arg(dir)
        .arg(method.key.join(","))
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{engine} cannot read {dir:?}: {}", String::from_utf8_lossy(&out.stderr));
    let mut rows = BTreeMap::new();
    let mut dates = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let key = key_of(method, &row);
        let kept: serde_json::Map<String, Value> =
            fields.iter().map(|f| (f.clone(), row.get(f).cloned().unwrap_or(Value::Null))).collect();
        dates.insert(key.clone(), row["date"].as_str().map(str::to_owned).unwrap_or_else(|| row["date"].to_string()));
        assert!(rows.insert(key.clone(), Value::Object(kept)).is_none(), "{engine}: the key {key} twice");
    }
    (rows, dates)
}

/// `row` with every field of `fields` (absent ones as null), for comparing with what a
/// reader gives.
pub fn with_nulls(row: &Value, fields: &[String]) -> Value {
    Value::Object(fields.iter().map(|f| (f.clone(), row.get(f).cloned().unwrap_or(Value::Null))).collect())
}

/// The live fake server of the sync's tests: rows of `get.*` from 2026-01-01 to `till`, an
/// hour late at most, 15 % edited and 5 % deleted within a day of appearing, ties in a new
/// order on every request, on a manual clock from `clock_start`.
pub async fn live_server(seed: u64, till: &str, rows_per_day: u32, token: &str, clock_start: &str) -> FakeServer {
    FakeServer::builder()
        .methods(dataapi::METHODS)
        .seed(seed)
        .period(date("2026-01-01"), date(till))
        .rows_per_day(rows_per_day)
        .token(token)
        .clock_start(at(clock_start))
        .manual_clock()
        .late_seconds(3_600)
        .edit_rate(0.15)
        .edit_window(86_400)
        .delete_rate(0.05)
        .unstable_ties()
        .start()
        .await
        .unwrap()
}

/// A date.
pub fn date(s: &str) -> Date {
    Date(s.parse().unwrap())
}

/// A date-time.
pub fn at(s: &str) -> DateTime {
    s.parse().unwrap()
}
