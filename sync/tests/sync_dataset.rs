//! The dataset equals the API after every run, on data that moves: the live fake server (rows
//! late, edited, deleted, ties in a new order on every request) over real HTTP, its manual
//! clock moved between runs, the dataset read back with pyarrow and with DuckDB.

mod support;

use std::time::Duration;

use chrono::TimeDelta;
use dataapi::client::Client;
use dataapi::fake::FakeServer;
use dataapi::runtime::MethodDescriptor;
use dataapi_sync::{Options, Progress, Stream, Target, TargetOptions, sync_stream};
use support::*;

async fn live_server(seed: u64, start: &str) -> FakeServer {
    FakeServer::builder()
        .methods(dataapi::METHODS)
        .seed(seed)
        .period(date("2026-01-01"), date("2026-01-09"))
        .rows_per_day(120)
        .token("T")
        .clock_start(at(start))
        .manual_clock()
        .late_seconds(7_200)
        .edit_rate(0.15)
        .edit_window(86_400)
        .delete_rate(0.05)
        .unstable_ties()
        .start()
        .await
        .unwrap()
}

fn client(server: &FakeServer, page: u32) -> Client {
    Client::builder().url(server.url()).token("T").page_size(page).retries(8, Duration::from_millis(1)).build().unwrap()
}

/// Syncs, moves the clock, syncs again; after each run the dataset equals the truth at the
/// run's API time for every day from the first up to that time less the lag.
async fn rounds(method: &'static MethodDescriptor, seed: u64, steps_hours: &[i64], readers: &[&str]) {
    let server = live_server(seed, "2026-01-02 05:00:00").await;
    let dir = scratch(&format!("live-{seed}-{}", method.name));
    let target = Target::open(dir.to_str().unwrap(), &TargetOptions::default()).await.unwrap();
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
        for engine in readers {
            let (got, dates) = read(engine, &dir.join(method.name), method, &fields);
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
    rounds(&dataapi::calls_report::DESCRIPTOR, 7, &[3, 11, 1, 26, 30, 7, 50, 72], &readers).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_of_two_fields_is_kept_exactly_too() {
    let readers: Vec<&str> = [("pyarrow", "DATAAPI_REQUIRE_PYARROW")]
        .into_iter()
        .filter(|(m, r)| python_has(m, r))
        .map(|(m, _)| m)
        .collect();
    rounds(&dataapi::financial_call_legs_report::DESCRIPTOR, 11, &[9, 30, 40, 80], &readers).await;
}
