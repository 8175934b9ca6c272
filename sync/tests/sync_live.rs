//! The target equals the API after every run, on data that moves: the live fake server (rows
//! late, edited, deleted, ties in a new order on every request) over real HTTP, its manual
//! clock moved between runs. The dataset is read back with pyarrow and with DuckDB, the
//! PostgreSQL table (a throwaway server) with SQL.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::TimeDelta;
use dataapi::client::Client;
use dataapi::fake::FakeServer;
use dataapi::runtime::MethodDescriptor;
use dataapi_sync::{Options, Progress, Stream, Target, TargetOptions, sync_stream};
use serde_json::Value;
use support::postgres::TempPostgres;
use support::*;

/// How a round reads the target back.
enum Reader<'a> {
    /// The dataset's folder, with these engines.
    Dataset(&'a [&'a str]),
    /// The PostgreSQL server.
    Postgres(&'a TempPostgres),
}

/// The rows of the stream's table by key, each with `fields`, and the day each is kept in.
async fn query(
    pg: &TempPostgres,
    method: &MethodDescriptor,
    fields: &[String],
) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
    let (client, connection) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let table = method.name.strip_prefix("get.").unwrap();
    let sql = format!(
        "SELECT row_to_json(t)::text, _dataapi_date::text FROM dataapi.{table} t WHERE _dataapi_account = 'default'"
    );
    let mut rows = BTreeMap::new();
    let mut dates = BTreeMap::new();
    for r in client.query(&sql, &[]).await.unwrap() {
        let row: Value = serde_json::from_str(r.get::<_, &str>(0)).unwrap();
        let key = key_of(method, &row);
        let kept: serde_json::Map<String, Value> = fields
            .iter()
            .map(|f| {
                let v = match row.get(f) {
                    // row_to_json writes timestamps as 2026-01-01T04:43:00.
                    Some(Value::String(t)) if f == "start_time" => Value::String(t.replace('T', " ")),
                    Some(v) => v.clone(),
                    None => Value::Null,
                };
                (f.clone(), v)
            })
            .collect();
        dates.insert(key.clone(), r.get::<_, String>(1));
        assert!(rows.insert(key.clone(), Value::Object(kept)).is_none(), "PostgreSQL: the key {key} twice");
    }
    (rows, dates)
}

fn client(server: &FakeServer, page: u32) -> Client {
    Client::builder().url(server.url()).token("T").page_size(page).retries(8, Duration::from_millis(1)).build().unwrap()
}

/// Syncs, moves the clock, syncs again; after each run the dataset equals the truth at the
/// run's API time for every day from the first up to that time less the lag.
async fn rounds(method: &'static MethodDescriptor, seed: u64, steps_hours: &[i64], reader: Reader<'_>) {
    let server = live_server(seed, "2026-01-09", 120, "T", "2026-01-02 05:00:00").await;
    let dir = scratch(&format!("live-{seed}-{}", method.name));
    let into = match &reader {
        Reader::Dataset(_) => dir.to_str().unwrap().to_owned(),
        Reader::Postgres(pg) => pg.url(),
    };
    let target = Target::open(&into, &TargetOptions::default()).await.unwrap();
    let fields = compared_fields(method);
    let since = date("2026-01-01");
    let stream = Stream::new("default", method, since.0).fields(&fields);
    let client = client(&server, 37);
    let mut requests = Vec::new();
    for (round, hours) in steps_hours.iter().enumerate() {
        let summary = sync_stream(&client, &target, &stream, &Options::default(), &Progress::default()).await.unwrap();
        let now = dataapi::DateTime(server.clock().now());
        let cutoff = dataapi::DateTime(now.0 - TimeDelta::minutes(10));
        assert_eq!(summary.synced_to, Some(cutoff), "round {round}: synced up to the API's now less the lag");
        let truth = truth(&server, method, &fields, at("2026-01-01 00:00:00"), cutoff, now);
        let engines = match &reader {
            Reader::Dataset(engines) => engines.to_vec(),
            Reader::Postgres(_) => vec!["postgres"],
        };
        for engine in engines {
            let (got, dates) = match &reader {
                Reader::Dataset(_) => read(engine, &dir.join(method.name), method, &fields),
                Reader::Postgres(pg) => query(pg, method, &fields).await,
            };
            let want: std::collections::BTreeMap<_, _> =
                truth.iter().map(|(k, v)| (k.clone(), with_nulls(v, &fields))).collect();
            let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).take(5).collect();
            let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).take(5).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "round {round} at {now}, {engine}: missing {missing:?}, extra {extra:?}"
            );
            for (k, v) in &want {
                assert_eq!(&got[k], v, "round {round} at {now}, {engine}: the row {k}");
                let day = v["start_time"].as_str().unwrap()[..10].to_owned();
                assert_eq!(dates[k], day, "round {round}, {engine}: the row {k} is in its day's partition");
            }
        }
        requests.push((summary.days.len(), summary.requests));
        server.clock().advance(*hours as u64 * 3600);
    }
    let _ = std::fs::remove_dir_all(&dir);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dataset_equals_the_api_after_every_run() {
    let readers: Vec<&str> = [("pyarrow", "DATAAPI_REQUIRE_PYARROW"), ("duckdb", "DATAAPI_REQUIRE_DUCKDB")]
        .into_iter()
        .filter(|(m, require)| python_has(m, require))
        .map(|(m, _)| m)
        .collect();
    rounds(&dataapi::calls_report::DESCRIPTOR, 7, &[3, 11, 1, 26, 30, 7, 50, 72], Reader::Dataset(&readers)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_of_two_fields_is_kept_exactly_too() {
    let readers: Vec<&str> = [("pyarrow", "DATAAPI_REQUIRE_PYARROW")]
        .into_iter()
        .filter(|(m, r)| python_has(m, r))
        .map(|(m, _)| m)
        .collect();
    rounds(&dataapi::financial_call_legs_report::DESCRIPTOR, 11, &[9, 30, 40, 80], Reader::Dataset(&readers)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_table_equals_the_api_after_every_run() {
    let Some(pg) = TempPostgres::start() else { return };
    rounds(&dataapi::calls_report::DESCRIPTOR, 13, &[3, 11, 1, 26, 30, 7, 50, 72], Reader::Postgres(&pg)).await;
    rounds(&dataapi::financial_call_legs_report::DESCRIPTOR, 17, &[9, 30, 40, 80], Reader::Postgres(&pg)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_time_zone_reads_every_day_again() {
    let server = live_server(19, "2026-01-09", 40, "T", "2026-01-08 12:00:00").await;
    let dir = scratch("zone");
    let target = Target::open(dir.to_str().unwrap(), &TargetOptions::default()).await.unwrap();
    let stream = Stream::new("default", &dataapi::calls_report::DESCRIPTOR, date("2026-01-01").0);
    let client = client(&server, 100);
    let first = sync_stream(&client, &target, &stream, &Options::default(), &Progress::default()).await.unwrap();
    assert_eq!(first.days.len(), 8);
    let again = sync_stream(&client, &target, &stream, &Options::default(), &Progress::default()).await.unwrap();
    assert_eq!(again.days.len(), 4, "the lookback only");
    let zone = Options { time_zone: Some("Asia/Yekaterinburg".parse().unwrap()), ..Options::default() };
    let moved = sync_stream(&client, &target, &stream, &zone, &Progress::default()).await.unwrap();
    assert!(
        moved.note.as_deref().unwrap_or_default().contains("cut in the time zone Europe/Moscow"),
        "{:?}",
        moved.note
    );
    assert_eq!(moved.days.first(), first.days.first(), "every day again");
    let _ = std::fs::remove_dir_all(&dir);
    server.stop().await;
}
