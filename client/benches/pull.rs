//! A complete pull end to end: the client against the fake server on loopback, limits off.
//!
//! `cargo bench -p dataapi-client --bench pull` (options: `-- RUNS FIELDS`,
//! default 3 runs and `default`, the method's default-reply fields; `id` for `id` alone).
//! 95 days of 1 250 `get.calls_report` rows a day (118 750 rows): the first 90-day window
//! holds more than `offset` and `limit` reach and is halved, the last 5 days fit. Prints the
//! rows per second, the requests sent, and the fewest a pull of these windows can make (a
//! page per 10 000 rows of each window, plus the probe that found the 90 days too full).

use std::time::Instant;

use dataapi::client::Client;
use dataapi::fake::FakeServer;
use dataapi::{Date, DateTime, calls_report};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let runs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(3);
    let id_only = args.get(1).is_some_and(|a| a == "id");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let server = FakeServer::builder()
            .methods(dataapi::METHODS)
            .seed(3)
            .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 4, 5).unwrap())
            .rows_per_day(1250)
            .token("T")
            .start()
            .await
            .expect("the fake server starts");
        let client = Client::builder().url(server.url()).token("T").build().expect("a client");
        let from = DateTime::from_ymd_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let till = DateTime::from_ymd_hms(2026, 4, 5, 23, 59, 59).unwrap();
        // Windows after the split: 45 + 45 days of 56 250 rows, 5 days of 6 250.
        let fewest = 1 + 6 + 6 + 1;
        for run in 0..runs {
            let mut request = calls_report::Request::new(from, till);
            if id_only {
                request = request.fields(["id"]);
            }
            let before = server.stats().requests;
            let start = Instant::now();
            let mut pull = client.rows(request);
            let mut rows = 0u64;
            while let Some(row) = pull.next().await {
                row.expect("a row");
                rows += 1;
            }
            let seconds = start.elapsed().as_secs_f64();
            let requests = server.stats().requests - before;
            println!(
                "run {run}: {rows} rows in {seconds:.2} s = {:.0} rows/s; {requests} requests (fewest {fewest})",
                rows as f64 / seconds
            );
        }
    });
}
