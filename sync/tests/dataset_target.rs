//! The local Parquet dataset target: a day replaced whole, values that do not fit their
//! column counted and kept, read back with pyarrow (skipped without it, unless
//! `DATAAPI_REQUIRE_PYARROW=1`).

mod support;

use std::process::Command;

use chrono::NaiveDate;
use dataapi_sync::{DayState, Stream, StreamState, Target, TargetOptions, last_second};
use serde_json::value::RawValue;
use serde_json::{Value, json};

fn rows(values: &[Value]) -> Vec<Box<RawValue>> {
    values.iter().map(|v| RawValue::from_string(v.to_string()).expect("JSON")).collect()
}

#[tokio::test]
async fn values_that_do_not_fit_are_counted_and_kept_beside_the_row() {
    let dir = support::scratch("dataset-misfits");
    let day: NaiveDate = "2026-09-01".parse().expect("a date");
    let fields: Vec<String> = ["id", "start_time", "is_lost", "tags"].map(String::from).to_vec();
    let stream = Stream::new("acct", &dataapi::calls_report::DESCRIPTOR, day).fields(&fields);
    let target = Target::open(dir.to_str().expect("a UTF-8 path"), &TargetOptions::default()).await.expect("opens");
    let mut opened = target.stream(&stream).await.expect("the stream opens");
    let mut state = StreamState::new(&stream, "Europe/Moscow");
    state.days.insert(day, DayState { till: last_second(day), as_of: last_second(day), rows: 2 });

    let day_rows = rows(&[
        json!({"id": 1, "start_time": "2026-09-01 10:00:00", "is_lost": false, "tags": []}),
        json!({"id": 2, "start_time": "2026-09-01 11:00:00", "is_lost": "maybe", "tags": {"tag_id": 1}}),
    ]);
    assert_eq!(opened.replace_day(day, &day_rows, &state).await.expect("the day"), 2, "is_lost and tags of row 2");
    assert_eq!(opened.replace_day(day, &day_rows[..1], &state).await.expect("the day again"), 0);
    assert_eq!(opened.replace_day(day, &day_rows, &state).await.expect("and again"), 2);
    opened.close().await.expect("the lease is given back");

    if !support::python_has("pyarrow", "DATAAPI_REQUIRE_PYARROW") {
        return;
    }
    let script = r#"
import json, sys
import pyarrow.dataset as ds
t = ds.dataset(sys.argv[1], format="parquet", partitioning="hive").to_table()
for r in sorted(t.to_pylist(), key=lambda r: r["id"]):
    print(json.dumps([r["id"], str(r["date"]), r["is_lost"], r["dataapi_mismatched"]]))
"#;
    let out =
        Command::new("python3").args(["-c", script]).arg(dir.join("get.calls_report")).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Vec<Value> =
        String::from_utf8(out.stdout).expect("UTF-8").lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(got.len(), 2, "the day is there once: {got:?}");
    assert_eq!(got[0], json!([1, "2026-09-01", false, null]));
    assert_eq!((&got[1][0], &got[1][2]), (&json!(2), &Value::Null));
    let kept: Value = serde_json::from_str(got[1][3].as_str().expect("the kept values")).expect("JSON");
    assert_eq!(kept, json!({"is_lost": "maybe", "tags": {"tag_id": 1}}), "as the API sent them");
}
