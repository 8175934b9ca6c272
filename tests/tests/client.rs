//! The client against the fake server, over real HTTP on loopback: one call, and pulls that
//! must yield exactly the rows the server holds for the period (its own data set is the
//! ground truth), through the method's range limit, the offset ceiling, faults, expiring
//! sessions, a tight minute budget, a spent day budget and interruptions.

use std::collections::BTreeSet;
use std::time::Duration;

use dataapi::calls_report::{self, Row};
use dataapi::client::{Client, Error, PullState};
use dataapi::fake::{FakeServer, FakeServerBuilder};
use dataapi::runtime::{DateRange, DateTime, LimitsDescriptor, Method, MethodDescriptor, NoParams, Request, period};
use dataapi::{Date, fake};
use proptest::prelude::*;

/// `get.calls_report` with small limits, so that windows, splits and ceilings happen at a
/// few hundred rows: at most 7 days a request, pages of at most 100 rows, offsets up to 400.
static TINY: MethodDescriptor = MethodDescriptor {
    name: "get.tiny_report",
    limits: LimitsDescriptor {
        date_range: DateRange::Documented,
        date_range_days: 7,
        filter_depth: None,
        limit_default: 50,
        limit_max: 100,
        offset_default: 0,
        offset_max: 400,
    },
    ..*calls_report::CallsReport::DESCRIPTOR
};

#[derive(Debug, Clone, Copy)]
struct Tiny;

impl Method for Tiny {
    const NAME: &'static str = "get.tiny_report";
    type Row = Row;
    type Period = period::Required;
    type Params = NoParams;
    const DESCRIPTOR: &'static MethodDescriptor = &TINY;
}

fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime {
    DateTime::from_ymd_hms(y, m, d, h, mi, s).unwrap()
}

/// The ids the server holds for `method` in `from..=till`.
fn truth(server: &FakeServer, method: &str, from: DateTime, till: DateTime) -> Vec<u64> {
    let rows = server.dataset().method(method).unwrap();
    let id = [TINY.fields.iter().position(|f| f.name == "id").unwrap()];
    rows.window(fake::secs_of(from.0), fake::secs_of(till.0))
        .map(|g| {
            let mut line = String::new();
            rows.write_row(g, &id, &mut line);
            serde_json::from_str::<serde_json::Value>(&line).unwrap()["id"].as_u64().unwrap()
        })
        .collect()
}

/// Pulls to the end; the ids in the order they came.
async fn ids<M: Method<Row = Row>>(pull: &mut dataapi::client::Pull<Row>) -> Result<Vec<u64>, Error> {
    let mut out = Vec::new();
    while let Some(row) = pull.next().await {
        out.push(row?.id.expect("every row has its id") as u64);
    }
    let _ = std::marker::PhantomData::<M>;
    Ok(out)
}

/// No id twice, and the same set as the truth.
#[track_caller]
fn exactly_once(got: &[u64], want: &[u64]) {
    let set: BTreeSet<u64> = got.iter().copied().collect();
    assert_eq!(set.len(), got.len(), "{} rows repeated", got.len() - set.len());
    let want: BTreeSet<u64> = want.iter().copied().collect();
    let lost: Vec<_> = want.difference(&set).take(5).collect();
    let extra: Vec<_> = set.difference(&want).take(5).collect();
    assert!(lost.is_empty() && extra.is_empty(), "lost {lost:?}…, extra {extra:?}…");
}

fn server(seed: u64, days: u32, rows_per_day: u32) -> FakeServerBuilder {
    FakeServer::builder()
        .methods(&[&TINY, &calls_report::DESCRIPTOR])
        .seed(seed)
        .period(
            Date::from_ymd(2026, 1, 1).unwrap(),
            Date(Date::from_ymd(2026, 1, 1).unwrap().0 + chrono_days(days - 1)),
        )
        .rows_per_day(rows_per_day)
        .token("T")
}

fn builder(url: &str) -> dataapi::client::Builder {
    Client::builder().url(url).token("T").retries(8, Duration::from_millis(5))
}

#[tokio::test]
async fn one_call_gives_the_typed_page() {
    let server = server(1, 3, 50).start().await.unwrap();
    let client = builder(&server.url()).build().unwrap();
    let request = calls_report::Request::new(dt(2026, 1, 1, 0, 0, 0), dt(2026, 1, 2, 23, 59, 59))
        .fields(["id", "start_time", "finish_reason"])
        .limit(7);
    let page = client.call(&request).await.unwrap();
    assert_eq!(page.data.len(), 7);
    assert_eq!(page.metadata.total_items, Some(100));
    assert!(page.data.iter().all(|r| r.id.is_some() && r.start_time.is_some()));
    // The API's error comes back typed, with its mnemonic.
    let refused = client.call(&request.clone().raw_sort(serde_json::from_str(r#"{"field":"id"}"#).unwrap())).await;
    assert!(matches!(refused, Err(Error::Invalid(_))), "checked before it is sent: {refused:?}");
    let stranger = Client::builder().url(server.url()).token("nobody").build().unwrap();
    match stranger.call(&request).await {
        Err(Error::Api(e)) => assert_eq!(e.mnemonic().unwrap(), "access_token_invalid"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_pull_crosses_the_range_limit_and_the_offset_ceiling_with_the_fewest_requests() {
    // 95 days of 1250 rows: the first 90-day window holds 112 500 rows, more than offset and
    // limit could reach (110 000); read by time, pages need no offset, so it is not cut.
    let server = server(2, 95, 1250).start().await.unwrap();
    let client = builder(&server.url()).concurrency(2).build().unwrap();
    let (from, till) = (dt(2026, 1, 1, 0, 0, 0), dt(2026, 4, 5, 23, 59, 59));
    let request = calls_report::Request::new(from, till).fields(["id", "start_time"]);
    let mut pull = client.rows(request);
    let got = ids::<calls_report::CallsReport>(&mut pull).await.unwrap();
    let want = truth(&server, calls_report::CallsReport::NAME, from, till);
    assert_eq!(want.len(), 118_750);
    exactly_once(&got, &want);
    // The least a pull can do: 12 pages of at most 10 000 rows for the 90 days, 1 for the last
    // 5 days (each page reads the rows of its last second again, here about one row).
    let requests = server.stats().requests;
    assert_eq!(requests, 13, "{:?}", pull.progress());
    assert_eq!(pull.progress().rows, 118_750);
    assert_eq!(pull.progress().total, 118_750);
    assert!(pull.state().windows.is_empty());
}

#[tokio::test]
async fn faults_expiring_sessions_and_a_tight_budget_lose_and_repeat_nothing() {
    let server = server(3, 30, 60)
        .faults(0.15)
        .login("manager", "secret")
        .token_ttl(Duration::from_millis(1500))
        .minute_limit(25)
        .minute_length(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .url(server.url())
        .login("manager", "secret")
        .retries(10, Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
        .concurrency(3)
        .build()
        .unwrap();
    let (from, till) = (dt(2026, 1, 1, 0, 0, 0), dt(2026, 1, 30, 23, 59, 59));
    let mut pull = client.rows(Request::<Tiny>::new(from, till));
    let got = ids::<Tiny>(&mut pull).await.unwrap();
    exactly_once(&got, &truth(&server, "get.tiny_report", from, till));
    let stats = server.stats();
    assert!(stats.faults > 0, "faults were injected: {stats:?}");
    let refused = stats.errors.get("limit_exceeded").copied().unwrap_or(0);
    assert!(refused * 100 <= stats.requests, "limit_exceeded for {refused} of {} requests", stats.requests);
    assert_eq!(stats.errors.get("access_token_expired"), None, "no call went with a token known to have expired");
}

#[tokio::test]
async fn a_pull_resumes_where_it_was_dropped() {
    let server = server(4, 20, 70).start().await.unwrap();
    let client = builder(&server.url()).concurrency(2).build().unwrap();
    let (from, till) = (dt(2026, 1, 1, 0, 0, 0), dt(2026, 1, 20, 23, 59, 59));
    let want = truth(&server, "get.tiny_report", from, till);
    let mut got = Vec::new();
    let mut state: Option<PullState> = None;
    // Stop after every 97 rows, keep the state as a checkpoint (through JSON), start again.
    for _ in 0..100 {
        let request = Request::<Tiny>::new(from, till);
        let mut pull = match state.take() {
            Some(s) => client.resume(request, s),
            None => client.rows(request),
        };
        let mut taken = 0;
        while taken < 97 {
            match pull.next().await {
                Some(row) => got.push(row.unwrap().id.unwrap() as u64),
                None => break,
            }
            taken += 1;
        }
        let checkpoint = serde_json::to_string(pull.state()).unwrap();
        drop(pull);
        let next: PullState = serde_json::from_str(&checkpoint).unwrap();
        if next.windows.is_empty() {
            break;
        }
        state = Some(next);
    }
    exactly_once(&got, &want);
}

#[tokio::test]
async fn a_spent_day_budget_ends_the_pull_with_a_resume_point() {
    let (from, till) = (dt(2026, 1, 1, 0, 0, 0), dt(2026, 1, 14, 23, 59, 59));
    let first = server(5, 14, 100).day_limit(6).start().await.unwrap();
    let client = builder(&first.url()).concurrency(1).build().unwrap();
    let mut pull = client.rows(Request::<Tiny>::new(from, till));
    let mut got = Vec::new();
    let resume = loop {
        match pull.next().await {
            Some(Ok(row)) => got.push(row.id.unwrap() as u64),
            Some(Err(Error::DayLimit { resume, .. })) => break *resume.expect("a resume point"),
            other => panic!("{other:?}"),
        }
    };
    assert!(!got.is_empty() && !resume.windows.is_empty());
    // The next day: the same data, a fresh budget.
    let next = server(5, 14, 100).start().await.unwrap();
    let fresh = builder(&next.url()).build().unwrap();
    let mut rest = fresh.resume(Request::<Tiny>::new(from, till), resume);
    got.extend(ids::<Tiny>(&mut rest).await.unwrap());
    exactly_once(&got, &truth(&next, "get.tiny_report", from, till));
}

/// 12 cases in `cargo test`; `PROPTEST_CASES=300` for a longer run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Any data set, period, page size, concurrency and fault rate: the pulled ids are the
    /// server's, none lost, none repeated.
    #[test]
    fn pulls_are_complete(
        seed in 0u64..1000,
        rows_per_day in 1u32..160,
        start in 0u32..10,
        days in 1u32..20,
        page in 1u32..120,
        windows in 1usize..4,
        faults in prop_oneof![Just(0.0), 0.0f64..0.25],
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async {
            let server = server(seed, 30, rows_per_day).faults(faults).start().await.unwrap();
            let client = builder(&server.url()).page_size(page).concurrency(windows).build().unwrap();
            let from = DateTime(dt(2026, 1, 1, 0, 0, 0).0 + chrono_days(start));
            let till = DateTime(from.0 + chrono_days(days) - chrono::TimeDelta::seconds(1));
            let mut pull = client.rows(Request::<Tiny>::new(from, till));
            let got = ids::<Tiny>(&mut pull).await.unwrap();
            exactly_once(&got, &truth(&server, "get.tiny_report", from, till));
        });
    }
}

fn chrono_days(n: u32) -> chrono::TimeDelta {
    chrono::TimeDelta::days(i64::from(n))
}

#[tokio::test]
async fn a_login_session_is_renewed_before_it_expires_not_before_every_call() {
    let server = server(6, 10, 60).login("manager", "secret").token_ttl(Duration::from_secs(8)).start().await.unwrap();
    let client = Client::builder().url(server.url()).login("manager", "secret").build().unwrap();
    let (from, till) = (dt(2026, 1, 1, 0, 0, 0), dt(2026, 1, 10, 23, 59, 59));
    let mut pull = client.rows(Request::<Tiny>::new(from, till));
    let got = ids::<Tiny>(&mut pull).await.unwrap();
    exactly_once(&got, &truth(&server, "get.tiny_report", from, till));
    let progress = pull.progress();
    // One login, then the pages (5 for the first 7 days' 420 rows, 2 for the last 3 days'):
    // a session of seconds is not renewed call by call; and the logout as the pull ends.
    assert_eq!(progress.requests, 8);
    assert_eq!(server.stats().requests, 9, "{:?}", server.stats());
    assert_eq!(server.stats().errors.get("access_token_expired"), None);
}

/// A user's own struct is pulled the same way, with its fields (and `id`) asked for.
#[tokio::test]
async fn derive_structs_are_pulled_too() {
    #[derive(Debug, dataapi::Report)]
    #[report(method = "get.calls_report")]
    struct Call {
        id: u64,
        start_time: DateTime,
    }
    let server = server(7, 3, 40).start().await.unwrap();
    let client = builder(&server.url()).build().unwrap();
    let (from, till) = (dt(2026, 1, 1, 0, 0, 0), dt(2026, 1, 3, 23, 59, 59));
    let mut pull = client.rows_of::<Call>(calls_report::Request::new(from, till));
    let mut got = Vec::new();
    while let Some(call) = pull.next().await {
        let call = call.unwrap();
        assert!(from <= call.start_time && call.start_time <= till);
        got.push(call.id);
    }
    assert_eq!(got.len(), 120);
}
