//! The pull's contract on data that moves while it is read, against the live fake server over
//! real HTTP: rows arrive late, are edited and deleted, seconds hold more rows than a page,
//! ties come back in another order on every request, replies lack `total_items`, and faults
//! of every kind happen. The server's clock is manual and a task moves it while the pull runs,
//! so the moments the server answered at are exactly the clock's steps, and the truth at each
//! of them is known (`Dataset::as_of`).
//!
//! After every pull: the yielded keys include every row visible for the whole pull (at its
//! first and its last moment), nothing outside the rows visible at some moment of it, no key
//! twice, and each row equals one of its versions. Pulls are also stopped at random points and
//! resumed from their state, written out and read back as a checkpoint would be. Methods with
//! an `id` and one with a key of two fields (`get.financial_call_legs_report`).
//!
//! `PROPTEST_CASES` sets the number of cases (a bounded default for CI; the README names the
//! longer run).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use dataapi::client::{Client, Error, JsonRequest, PullState};
use dataapi::fake::{FakeServer, FaultKind};
use dataapi::runtime::{MethodDescriptor, TypeDescriptor};
use dataapi::{Date, DateTime, fake};
use proptest::prelude::*;
use serde_json::Value;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(10)
}

fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime {
    DateTime::from_ymd_hms(y, m, d, h, mi, s).unwrap()
}

/// One generated scenario.
#[derive(Debug, Clone)]
struct Case {
    seed: u64,
    method: &'static MethodDescriptor,
    rows_per_day: u32,
    days: u32,
    late: u64,
    edits: f64,
    deletes: f64,
    dense: u32,
    dense_rows: u32,
    ties: bool,
    omit_totals: f64,
    faults: f64,
    page: u32,
    windows: usize,
    /// Stop after this many rows and resume from the state (repeatedly), if any.
    stop_every: Option<u64>,
    /// Seconds the clock moves on each step while the pull runs.
    step: u64,
}

fn case() -> impl Strategy<Value = Case> {
    let methods = prop_oneof![
        3 => Just(&dataapi::calls_report::DESCRIPTOR),
        1 => Just(&dataapi::financial_call_legs_report::DESCRIPTOR),
    ];
    (
        (0u64..1000, methods, 1u32..60, 1u32..4, prop_oneof![Just(0u64), 0u64..7200]),
        (prop_oneof![Just(0.0), 0.0f64..0.3], prop_oneof![Just(0.0), 0.0f64..0.2], 0u32..3, 1u32..250, any::<bool>()),
        (prop_oneof![Just(0.0), 0.0f64..0.3], prop_oneof![Just(0.0), 0.0f64..0.15]),
        (
            prop_oneof![8 => 1u32..60, 1 => Just(10_000u32)],
            1usize..4,
            prop_oneof![Just(None), (5u64..200).prop_map(Some)],
            0u64..900,
        ),
    )
        .prop_map(
            |(
                (seed, method, rows_per_day, days, late),
                (edits, deletes, dense, dense_rows, ties),
                (omit_totals, faults),
                (page, windows, stop_every, step),
            )| Case {
                seed,
                method,
                rows_per_day,
                days,
                late,
                edits,
                deletes,
                dense,
                dense_rows,
                ties,
                omit_totals,
                faults,
                // Ranges cut a key of two fields by its first: a page must hold the rows of one
                // value of it in one second (one leg of a call session here), so 2 or more.
                page: if method.key.len() > 1 { page.max(2) } else { page },
                windows,
                stop_every,
                step,
            },
        )
}

/// The key of a row as the method declares it, from its JSON.
fn key_of(method: &MethodDescriptor, row: &Value) -> String {
    method.key.iter().map(|k| row.get(*k).map_or("null".into(), Value::to_string)).collect::<Vec<_>>().join("|")
}

/// The rows visible at `at` in the period, by key, each as JSON of `fields`.
fn truth(
    server: &FakeServer,
    method: &MethodDescriptor,
    fields: &[usize],
    from: DateTime,
    till: DateTime,
    at: DateTime,
) -> BTreeMap<String, Value> {
    let moment = server.dataset().as_of(at.0);
    let rows = moment.method(method.name).unwrap();
    rows.window(fake::secs_of(from.0), fake::secs_of(till.0))
        .map(|g| {
            let mut line = String::new();
            rows.write_row(g, fields, &mut line);
            let row: Value = serde_json::from_str(&line).unwrap();
            (key_of(method, &row), row)
        })
        .collect()
}

async fn run(c: Case) {
    let start = dt(2026, 1, 1, 0, 0, 0);
    let first = Date::from_ymd(2026, 1, 1).unwrap();
    let last = Date(first.0 + chrono::TimeDelta::days(i64::from(c.days) - 1));
    // The clock starts after the period's end, less the lateness: late rows keep arriving.
    let clock_start =
        DateTime(start.0 + chrono::TimeDelta::days(i64::from(c.days)) - chrono::TimeDelta::seconds(c.late as i64 / 2));
    let mut builder = FakeServer::builder()
        .methods(dataapi::METHODS)
        .seed(c.seed)
        .period(first, last)
        .rows_per_day(c.rows_per_day)
        .token("T")
        .clock_start(clock_start)
        .manual_clock()
        .late_seconds(c.late)
        .edit_rate(c.edits)
        .edit_window(3_600)
        .delete_rate(c.deletes)
        .dense_seconds(c.dense)
        .dense_rows(c.dense_rows)
        .faults(c.faults)
        .slow_delay(Duration::from_millis(5))
        .fault(FaultKind::OmitTotalItems, c.omit_totals);
    if c.ties {
        builder = builder.unstable_ties();
    }
    let server = Arc::new(builder.start().await.unwrap());
    let client = Client::builder()
        .url(server.url())
        .token("T")
        .retries(12, Duration::from_millis(1))
        .page_size(c.page)
        .concurrency(c.windows)
        .build()
        .unwrap();
    let (from, till) = (start, dt(2026, 1, 1, 23, 59, 59));
    let till = DateTime(till.0 + chrono::TimeDelta::days(i64::from(c.days) - 1));
    let method = c.method;
    // The key, the period field and a few plain fields, which edits change.
    let plain = method.fields.iter().filter(|f| {
        !method.key.contains(&f.name)
            && f.name != "start_time"
            && matches!(f.ty, TypeDescriptor::Integer | TypeDescriptor::String | TypeDescriptor::Enum { .. })
    });
    let names: Vec<&str> =
        method.key.iter().copied().chain(["start_time"]).chain(plain.take(4).map(|f| f.name)).collect();
    let fields: Vec<usize> = names.iter().map(|n| method.fields.iter().position(|f| f.name == *n).unwrap()).collect();
    let params = serde_json::json!({
        "date_from": from.to_string(),
        "date_till": till.to_string(),
        "fields": names,
    });

    // The clock moves while the pull runs; each moment it stood at is recorded.
    let moments = Arc::new(std::sync::Mutex::new(vec![server.clock().now()]));
    let done = Arc::new(AtomicBool::new(false));
    let mover = {
        let (moments, done) = (moments.clone(), done.clone());
        let server = server.clone();
        let step = c.step;
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(3)).await;
                if step > 0 {
                    let mut m = moments.lock().unwrap();
                    m.push(server.clock().advance(step));
                }
            }
        })
    };

    let mut got: Vec<Value> = Vec::new();
    let mut state: Option<PullState> = None;
    let outcome: Result<(), Error> = async {
        loop {
            let request = JsonRequest::new(method, params.clone()).unwrap();
            let mut pull = match state.take() {
                None => client.json_rows(request),
                Some(s) => client.json_resume(request, s),
            };
            let mut taken = 0u64;
            let mut stopped = false;
            while let Some(row) = pull.next().await {
                got.push(serde_json::from_str(row?.get()).unwrap());
                taken += 1;
                if c.stop_every.is_some_and(|n| taken >= n) {
                    stopped = true;
                    break;
                }
            }
            if !stopped {
                return Ok(());
            }
            // As a checkpoint: written out and read back. It stays small: a few hundred bytes a
            // window, the keys yielded in the second being read (at most a page of them), and
            // at most 12 key ranges left in a window read by ranges (of about 50 bytes here).
            let checkpoint = pull.state();
            let ranged = checkpoint.windows.iter().filter_map(|w| w.ranges.as_ref()).inspect(|r| {
                assert!(r.len() <= 12, "{} ranges left in a window: {r:?}", r.len());
            });
            let text = serde_json::to_string(checkpoint).unwrap();
            let bound = 300 * (c.days as usize + 1)
                + 40 * c.page.min(c.dense_rows.max(c.rows_per_day)) as usize
                + 600 * ranged.count();
            assert!(text.len() <= bound, "a checkpoint of {} bytes (bound {bound}): {text}", text.len());
            state = Some(serde_json::from_str(&text).unwrap());
        }
    }
    .await;
    done.store(true, Ordering::Relaxed);
    mover.await.unwrap();
    let moments = moments.lock().unwrap().clone();

    // Both methods' keys can be cut by ranges, so every scenario must complete.
    if let Err(e) = outcome {
        panic!("the pull failed: {e}");
    }

    let (first_moment, last_moment) = (moments[0], *moments.last().unwrap());
    let at_start = truth(&server, method, &fields, from, till, DateTime(first_moment));
    let at_end = truth(&server, method, &fields, from, till, DateTime(last_moment));
    let mut versions: HashMap<String, Vec<Value>> = HashMap::new();
    for t in &moments {
        for (k, row) in truth(&server, method, &fields, from, till, DateTime(*t)) {
            let seen = versions.entry(k).or_default();
            if !seen.contains(&row) {
                seen.push(row);
            }
        }
    }
    let mut keys = BTreeSet::new();
    for row in &got {
        let k = key_of(method, row);
        assert!(keys.insert(k.clone()), "{k} yielded twice ({} rows)", got.len());
        let known = versions.get(&k).unwrap_or_else(|| panic!("{k} was never visible during the pull: {row}"));
        assert!(known.contains(row), "{row} is none of its versions {known:?}");
    }
    let lost: Vec<_> = at_start.keys().filter(|k| at_end.contains_key(*k) && !keys.contains(*k)).take(5).collect();
    assert!(lost.is_empty(), "rows visible for the whole pull were lost: {lost:?} (of {} yielded)", got.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Any history, page size, concurrency, fault mix and stopping point: the contract holds.
    #[test]
    fn pulls_keep_the_contract_on_live_data(c in case()) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(run(c));
    }
}

/// The four ways the old pager failed, each at the size it was found: 50 rows sharing one
/// second in another order on every request (pages of 5), a window re-read after a count
/// change, a method without `id` with rows arriving mid-window, and replies without
/// `total_items`.
#[test]
fn the_reported_failures_do_not_come_back() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    for (method, dense_rows, omit) in [
        (&dataapi::calls_report::DESCRIPTOR, 50, 0.0),
        (&dataapi::financial_call_legs_report::DESCRIPTOR, 46, 0.0),
        (&dataapi::calls_report::DESCRIPTOR, 30, 1.0),
    ] {
        runtime.block_on(run(Case {
            seed: 3,
            method,
            rows_per_day: 30,
            days: 1,
            late: 600,
            edits: 0.1,
            deletes: 0.05,
            dense: 1,
            dense_rows,
            ties: true,
            omit_totals: omit,
            faults: 0.0,
            page: 5,
            windows: 1,
            stop_every: Some(7),
            step: 60,
        }));
    }
}
