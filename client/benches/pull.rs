//! A complete pull end to end: the client against the fake server on loopback, limits off.
//!
//! `cargo bench -p dataapi-client --bench pull` (options: `-- RUNS FIELDS [live]`,
//! default 3 runs and `default`, the method's default-reply fields; `id` for `id` alone;
//! `live` serves the data as a live account's: the fake server's `live()` mix of late rows,
//! edits, deletions and unstable ties, with a clock past the period's end).
//! 95 days of 1 250 `get.calls_report` rows a day (118 750 rows) in a 90-day window and a
//! 5-day one. Prints the rows per second, the requests sent, and the fewest a pull of these
//! windows can make (a page per 10 000 rows of each window).

use std::time::Instant;

use dataapi::client::Client;
use dataapi::fake::FakeServer;
use dataapi::{Date, DateTime, calls_report};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let runs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(3);
    let id_only = args.get(1).is_some_and(|a| a == "id");
    let live = args.iter().any(|a| a == "live");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let mut server = FakeServer::builder()
            .methods(dataapi::METHODS)
            .seed(3)
            .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 4, 5).unwrap())
            .rows_per_day(1250)
            .token("T");
        if live {
            server = server.live().clock_start(DateTime::from_ymd_hms(2026, 4, 6, 1, 0, 0).unwrap());
        }
        let server = server.start().await.expect("the fake server starts");
        let client = Client::builder().url(server.url()).token("T").build().expect("a client");
        let from = DateTime::from_ymd_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let till = DateTime::from_ymd_hms(2026, 4, 5, 23, 59, 59).unwrap();
        // Windows of 90 days (112 500 rows) and 5 days (6 250 rows), or fewer rows when live.
        let visible = |days| if live { None } else { Some(days * 1250u64) };
        let fewest: u64 = [visible(90), visible(5)].iter().map(|n| n.map_or(0, |n| n.div_ceil(10_000))).sum();
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
            // Live, the fewest is counted from the rows the pull saw.
            let fewest = if live { rows.div_ceil(10_000) + 1 } else { fewest };
            println!(
                "run {run}: {rows} rows in {seconds:.2} s = {:.0} rows/s; {requests} requests (fewest about {fewest})",
                rows as f64 / seconds
            );
        }
    });
}
