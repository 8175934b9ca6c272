//! `dataapi sync` as users run it: the exact spellings of the README against the live fake
//! server over HTTP, runs killed at random points and run again, two runs of one stream at
//! once, a dry run, a configuration of two accounts of which one spends its day limit, and bad
//! input. The dataset is read back with pyarrow.

mod common;
#[path = "../../sync/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use dataapi::fake::{self, FakeServer};
use serde_json::Value;
use support::{at, date, live_server, scratch};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The live fake server with `days` days of rows, its clock 30 hours before their end.
async fn server(seed: u64, days: i64, rows_per_day: u32, token: &str) -> FakeServer {
    let first = date("2026-01-01").0;
    let till = (first + TimeDelta::days(days - 1)).to_string();
    let start = (first.and_hms_opt(0, 0, 0).unwrap() + TimeDelta::days(days) - TimeDelta::hours(30)).to_string();
    live_server(seed, &till, rows_per_day, token, &start).await
}

/// `dataapi sync get.calls_report --since 2026-01-01 --into DIR --url URL --token-env
/// SYNC_TOKEN` and `extra`.
fn sync(server: &FakeServer, into: impl AsRef<std::ffi::OsStr>, extra: &[&str]) -> Command {
    let mut c = common::dataapi();
    c.args(["sync", "get.calls_report", "--since", "2026-01-01", "--into"])
        .arg(into)
        .args(["--url", &server.url(), "--token-env", "SYNC_TOKEN"])
        .args(extra)
        .env("SYNC_TOKEN", "T");
    c
}

const FIELDS: &str = "id,start_time,finish_reason,direction,talk_duration";

/// The dataset's rows by id as pyarrow reads `DIR/get.calls_report/date=*/*.parquet`.
fn read(dir: &Path) -> BTreeMap<i64, Value> {
    let script = r#"
import json, sys, glob
import pyarrow.parquet as pq
import pyarrow as pa
files = sorted(glob.glob(sys.argv[1] + "/get.calls_report/date=*/*.parquet"))
for f in files:
    for r in pq.read_table(f).to_pylist():
        r["start_time"] = r["start_time"].strftime("%Y-%m-%d %H:%M:%S")
        r.pop("dataapi_mismatched", None)
        r["file"] = f.split("/")[-2]
        print(json.dumps(r))
"#;
    let out = Command::new("python3").args(["-c", script]).arg(dir).output().unwrap();
    assert!(out.status.success(), "pyarrow: {}", stderr(&out));
    let mut rows = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let mut row: Value = serde_json::from_str(line).unwrap();
        let file = row.as_object_mut().unwrap().remove("file").unwrap();
        let day = &row["start_time"].as_str().unwrap()[..10];
        assert_eq!(file, format!("date={day}"), "{row} is in its day's file");
        let id = row["id"].as_i64().unwrap();
        assert!(rows.insert(id, row).is_none(), "the id {id} twice");
    }
    rows
}

/// The rows visible at the server's now, up to now less the lag, by id, with every field.
fn truth(server: &FakeServer) -> BTreeMap<i64, Value> {
    let method = &dataapi::calls_report::DESCRIPTOR;
    let fields: Vec<usize> =
        FIELDS.split(',').map(|f| method.fields.iter().position(|d| d.name == f).unwrap()).collect();
    let now = server.clock().now();
    let moment = server.dataset().as_of(now);
    let rows = moment.method(method.name).unwrap();
    let from = fake::secs_of(at("2026-01-01 00:00:00").0);
    rows.window(from, fake::secs_of(now - TimeDelta::minutes(10)))
        .map(|g| {
            let mut line = String::new();
            rows.write_row(g, &fields, &mut line);
            let mut row: Value = serde_json::from_str(&line).unwrap();
            for f in FIELDS.split(',') {
                row.as_object_mut().unwrap().entry(f).or_insert(Value::Null);
            }
            (row["id"].as_i64().unwrap(), row)
        })
        .collect()
}

fn assert_equal(server: &FakeServer, got: BTreeMap<i64, Value>, when: &str) {
    let want = truth(server);
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(k)).take(5).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(k)).take(5).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{when}: missing {missing:?}, extra {extra:?}");
    for (id, row) in &want {
        assert_eq!(&got[id], row, "{when}: the row {id}");
    }
}

fn pyarrow() -> bool {
    let ok = Command::new("python3").args(["-c", "import pyarrow"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("DATAAPI_REQUIRE_PYARROW").is_none(), "python3 with pyarrow is required");
        eprintln!("skipped: python3 with pyarrow is not installed");
    }
    ok
}

/// Runs killed at random points (SIGKILL), then a run to the end, round after round with the
/// clock moving on: after each kill `whole` checks what is left, after each round the target
/// (as `read` gives it) equals the truth.
fn killed_runs(server: &FakeServer, into: &str, whole: impl Fn(), read: impl Fn() -> BTreeMap<i64, Value>) {
    // A small pseudo-random sequence: where each run is killed, in milliseconds.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut kills = 0;
    for round in 0..6 {
        for _ in 0..3 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let after = Duration::from_millis(5 + x % 300);
            let mut child = sync(server, into, &["--fields", FIELDS, "--page-size", "10"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let started = Instant::now();
            while started.elapsed() < after && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_millis(5));
            }
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap(); // SIGKILL
                kills += 1;
            }
            child.wait().unwrap();
            whole();
        }
        let done = sync(server, into, &["--fields", FIELDS, "--page-size", "40"]).output().unwrap();
        assert!(done.status.success(), "round {round}: {}", stderr(&done));
        assert_equal(server, read(), &format!("round {round} after {kills} kills"));
        server.clock().advance(7 * 3600);
    }
    assert!(kills >= 9, "runs were killed while they worked ({kills})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_killed_at_random_points_leave_whole_days_and_the_next_run_mends_everything() {
    if !pyarrow() {
        return;
    }
    let server = server(3, 40, 300, "T").await;
    let dir = scratch("killed");
    let whole = || {
        // Every day file is whole (pyarrow reads each), none is out of its day, none twice;
        // nothing but hidden files is half-written.
        read(&dir);
        for day in std::fs::read_dir(dir.join("get.calls_report")).into_iter().flatten().flatten() {
            for f in std::fs::read_dir(day.path()).into_iter().flatten().flatten() {
                let name = f.file_name().into_string().unwrap();
                assert!(name == "data.parquet" || name.starts_with('.') || name.starts_with('_'), "{name}");
            }
        }
    };
    killed_runs(&server, dir.to_str().unwrap(), whole, || read(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `work` to its end on a runtime of its own, on a thread of its own (the test's runtime
/// serves the fake server meanwhile).
fn on_its_own_runtime<T: Send>(work: impl Future<Output = T> + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(work))
            .join()
            .unwrap()
    })
}

/// The rows of `dataapi.calls_report` by id, as SQL reads them (each checked to be kept under
/// its day).
fn query(url: &str) -> BTreeMap<i64, Value> {
    on_its_own_runtime(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let exists: bool =
            client.query_one("SELECT to_regclass('dataapi.calls_report') IS NOT NULL", &[]).await.unwrap().get(0);
        if !exists {
            return BTreeMap::new();
        }
        let sql = format!(
            "SELECT json_build_object({})::text, _dataapi_date::text FROM dataapi.calls_report ORDER BY id",
            FIELDS.split(',').map(|f| format!("'{f}', {f}")).collect::<Vec<_>>().join(", ")
        );
        let mut rows = BTreeMap::new();
        for r in client.query(&sql, &[]).await.unwrap() {
            let mut row: Value = serde_json::from_str(r.get::<_, &str>(0)).unwrap();
            let start = row["start_time"].as_str().unwrap().replace('T', " ");
            assert_eq!(&start[..10], r.get::<_, &str>(1), "{row} is kept under its day");
            row["start_time"] = Value::String(start);
            let id = row["id"].as_i64().unwrap();
            assert!(rows.insert(id, row).is_none(), "the id {id} twice");
        }
        rows
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_runs_killed_at_random_points_leave_whole_days_and_the_next_run_mends_everything() {
    let Some(pg) = support::postgres::TempPostgres::start() else { return };
    let server = server(9, 40, 300, "T").await;
    let url = pg.url();
    // After a kill each day's rows are all of one read: a day is never half old, half new
    // (checked by the row count of each day against the record of the stream).
    let whole = || {
        on_its_own_runtime(async {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            let exists: bool =
                client.query_one("SELECT to_regclass('dataapi._dataapi_state') IS NOT NULL", &[]).await.unwrap().get(0);
            if !exists {
                return;
            }
            let Some(state) = client.query_opt("SELECT state::text FROM dataapi._dataapi_state", &[]).await.unwrap()
            else {
                return;
            };
            let state: Value = serde_json::from_str(state.get::<_, &str>(0)).unwrap();
            for r in client
                .query("SELECT _dataapi_date::text, count(*) FROM dataapi.calls_report GROUP BY 1", &[])
                .await
                .unwrap()
            {
                let day: &str = r.get(0);
                let rows: i64 = r.get(1);
                assert_eq!(state["days"][day]["rows"].as_i64(), Some(rows), "the day {day} is as its record says");
            }
        });
    };
    killed_runs(&server, &url, whole, || query(&url));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_of_a_stream_leaves_it_to_the_first() {
    let server = server(4, 90, 400, "T").await;
    let dir = scratch("lease");
    let first = sync(&server, &dir, &["--page-size", "25"]).stderr(Stdio::piped()).spawn().unwrap();
    // The first run holds the lease once its stream folder is there.
    let started = Instant::now();
    while !dir.join("get.calls_report/_lease").exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = sync(&server, &dir, &["--page-size", "25"]).output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(second.status.code(), Some(5), "{}", stderr(&second));
    assert!(stderr(&second).contains("is being synced by another run (process"), "{}", stderr(&second));
    // Once the first is done, a run goes ahead.
    let third = sync(&server, &dir, &[]).output().unwrap();
    assert!(third.status.success(), "{}", stderr(&third));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_the_plan_and_writes_nothing() {
    let server = server(5, 10, 200, "T").await;
    let dir = scratch("dry");
    let before = server.stats().requests;
    let out = sync(&server, dir.join("data"), &["--dry-run", "--page-size", "50"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(plan.starts_with("plan of default/get.calls_report into "), "{plan}");
    // Nine whole days and the tenth up to now less the lag, a count each.
    assert_eq!(plan.lines().filter(|l| l.contains("  whole  ")).count(), 8, "{plan}");
    assert!(plan.contains("2026-01-09  up to 17:50:00"), "{plan}");
    assert!(plan.contains("9 days, "), "{plan}");
    assert_eq!(server.stats().requests - before, 10, "get.account and a count a day: {plan}");
    assert!(!dir.join("data").exists(), "nothing is written, not even a lease");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_syncs_each_account_and_a_day_limit_stops_only_its_own() {
    let good = server(6, 5, 100, "A").await;
    let limited = FakeServer::builder()
        .methods(dataapi::METHODS)
        .seed(7)
        .period(date("2026-01-01"), date("2026-01-05"))
        .rows_per_day(100)
        .token("B")
        .day_limit(4)
        .start()
        .await
        .unwrap();
    let dir = scratch("config");
    let config = dir.join("sync.toml");
    std::fs::write(
        &config,
        format!(
            r#"
into = "{}"
lookback_days = 2

[[accounts]]
name = "good"
url = "{}"
token_env = "TOKEN_A"

[[accounts]]
name = "limited"
url = "{}"
token_env = "TOKEN_B"
time_zone = "Europe/Moscow"

[[streams]]
method = "get.calls_report"
since = "2026-01-01"
fields = ["id", "start_time", "finish_reason"]

[[streams]]
method = "get.chats_report"
since = "2026-01-03"
"#,
            dir.join("data").display(),
            good.url(),
            limited.url()
        ),
    )
    .unwrap();
    let out = common::dataapi()
        .args(["sync", "--config"])
        .arg(&config)
        .env("TOKEN_A", "A")
        .env("TOKEN_B", "B")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("synced good/get.calls_report into "), "{err}");
    assert!(err.contains("synced good/get.chats_report into "), "{err}");
    assert!(err.contains("failed: limited/get.calls_report into "), "{err}");
    assert!(err.contains("failed: limited/get.chats_report into ") && err.contains("not run: the day limit"), "{err}");
    assert!(dir.join("data/good/get.calls_report/date=2026-01-04/data.parquet").exists());
    assert!(dir.join("data/good/get.chats_report/date=2026-01-03/data.parquet").exists());
    assert!(!dir.join("data/good/get.chats_report/date=2026-01-02").exists(), "nothing before its since");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let dir = scratch("bad");
    // A sync of `method` from `since` with an unset token variable: exit 2 and its message.
    let refused = |method: &str, since: &str, more: &[&str]| {
        let out = common::dataapi()
            .args(["sync", method, "--since", since, "--into"])
            .arg(&dir)
            .args(["--url", "http://127.0.0.1:9", "--token-env", "NO_SUCH_VARIABLE_SET"])
            .args(more)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        err
    };
    let err = refused("get.calls_reprt", "2026-13-01", &["--filter", "{"]);
    assert!(err.contains("--since 2026-13-01: a date, YYYY-MM-DD"), "{err}");
    assert!(err.contains("--filter: not JSON"), "{err}");
    let err = refused("get.calls_reprt", "2026-01-01", &[]);
    assert!(err.contains("no method `get.calls_reprt`"), "{err}");
    // A secret's variable that is not set is named by the option that names it.
    let err = refused("get.calls_report", "2026-01-01", &[]);
    assert!(err.contains("--token-env NO_SUCH_VARIABLE_SET: the environment variable is not set or empty"), "{err}");
    let out = common::dataapi().args(["sync", "--config", "/no/such/sync.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--config /no/such/sync.toml: cannot read it"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_each_stream_has_a_progress_bar_and_ends_with_its_line() {
    if Command::new("script").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "util-linux `script` is required under CI");
        eprintln!("skipped: util-linux `script` (a pseudo-terminal) is not installed");
        return;
    }
    let server = server(8, 30, 400, "T").await;
    let dir = scratch("terminal");
    let command = format!(
        "{} sync get.calls_report --since 2026-01-01 --into {} --url {} --token-env SYNC_TOKEN --page-size 7",
        env!("CARGO_BIN_EXE_dataapi"),
        dir.display(),
        server.url()
    );
    // `script` runs the command on a pseudo-terminal and copies what it draws to stdout.
    let out =
        Command::new("script").args(["-q", "-e", "-c", &command, "/dev/null"]).env("SYNC_TOKEN", "T").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("default/get.calls_report"), "{screen}");
    assert!(screen.contains(" days  2026-01-"), "the bar names the day being read: {screen}");
    assert!(screen.contains("requests"), "{screen}");
    assert!(screen.contains("synced default/get.calls_report into "), "{screen}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_that_holds_another_stream_is_refused() {
    let server = server(10, 5, 50, "T").await;
    let dir = scratch("other");
    let first = sync(&server, &dir, &["--account", "shop"]).output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    let before = std::fs::read(dir.join("get.calls_report/_state.json")).unwrap();
    let other = sync(&server, &dir, &["--account", "clinic"]).output().unwrap();
    assert_eq!(other.status.code(), Some(2), "{}", stderr(&other));
    assert!(
        stderr(&other).contains("is another stream's place (it holds the account shop, not clinic)"),
        "{}",
        stderr(&other)
    );
    assert_eq!(std::fs::read(dir.join("get.calls_report/_state.json")).unwrap(), before, "the record is as it was");

    // Two streams of one account that a config would keep in one place.
    let config = dir.join("sync.toml");
    std::fs::write(
        &config,
        format!(
            "into = \"{}\"\n[[accounts]]\nname = \"a\"\nurl = \"{}\"\ntoken_env = \"SYNC_TOKEN\"\n\
             [[streams]]\nmethod = \"get.calls_report\"\nsince = \"2026-01-01\"\n\
             [[streams]]\nmethod = \"get.calls_report\"\nsince = \"2026-01-01\"\nfilter = {{ field = \"direction\", operator = \"=\", value = \"in\" }}\n",
            dir.join("config").display(),
            server.url()
        ),
    )
    .unwrap();
    let out = common::dataapi().args(["sync", "--config"]).arg(&config).env("SYNC_TOKEN", "T").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("would both be kept in"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
