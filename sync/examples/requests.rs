//! The requests a sync costs: a first run over a 90-day history, then incremental runs an
//! hour, a day and a week later, with 3 days of lookback, against the live fake server
//! (300 calls a day, late rows, edits and deletions). The figures of BENCHMARKS.md:
//!
//! ```text
//! cargo run --release -p dataapi-sync --example requests
//! ```

use dataapi::client::Client;
use dataapi::fake::FakeServer;
use dataapi::{Date, DateTime};
use dataapi_sync::{Options, Progress, Stream, Target, TargetOptions, sync_stream};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!("| page size | run | days read | rows | requests | requests per day read |");
    println!("|---|---|---|---|---|---|");
    for page in [10_000, 100] {
        let server = FakeServer::builder()
            .methods(dataapi::METHODS)
            .seed(90)
            .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 4, 30).unwrap())
            .rows_per_day(300)
            .token("T")
            .clock_start(DateTime::from_ymd_hms(2026, 4, 1, 0, 30, 0).unwrap())
            .manual_clock()
            .late_seconds(7_200)
            .edit_rate(0.05)
            .edit_window(86_400)
            .delete_rate(0.01)
            .unstable_ties()
            .start()
            .await
            .expect("the fake server starts");
        let client = Client::builder().url(server.url()).token("T").page_size(page).build().expect("a client");
        let dir = std::env::temp_dir().join(format!("dataapi-sync-requests-{}-{page}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let target =
            Target::open(dir.to_str().expect("a UTF-8 path"), &TargetOptions::default()).await.expect("a target");
        let stream = Stream::new("default", &dataapi::calls_report::DESCRIPTOR, "2026-01-01".parse().expect("a date"));
        for (run, advance) in
            [("first (90 days)", 0), ("an hour later", 3_600), ("a day later", 86_400), ("a week later", 7 * 86_400)]
        {
            server.clock().advance(advance);

            let s = sync_stream(&client, &target, &stream, &Options::default(), &Progress::default())
                .await
                .expect("the sync runs");
            let per_day = s.requests as f64 / s.days.len().max(1) as f64;
            println!("| {page} | {run} | {} | {} | {} | {per_day:.1} |", s.days.len(), s.rows, s.requests);
        }
        let _ = std::fs::remove_dir_all(&dir);
        server.stop().await;
    }
}
