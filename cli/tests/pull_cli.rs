//! `dataapi pull` as a process against `dataapi fake-server` on loopback: NDJSON and CSV equal
//! the server's `--dump` of the window, bad input (a field another brand's docs alone list,
//! too) exits 2 with every problem, a refusal exits 3 with its mnemonic, faults and a tight
//! minute budget lose and repeat nothing, and a pull (NDJSON or Parquet) killed with SIGKILL
//! and resumed with `--resume` is still complete without repeats.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{dataapi, serve};
use serde_json::value::RawValue;
use serde_json::{Value, json};

const DATA: [&str; 8] = ["--seed", "11", "--from", "2026-01-01", "--till", "2026-01-10", "--rows-per-day", "100"];
const FROM: &str = "2026-01-02 00:00:00";
const TILL: &str = "2026-01-08 23:59:59";

/// A fake server process, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(extra: &[&str]) -> Self {
        let mut command = dataapi();
        command.args(["fake-server", "--token", "T"]).args(DATA).args(extra);
        let (child, url) = serve(command);
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The rows the server holds for the window, as it writes them.
fn dump(method: &str, fields: &str) -> Vec<String> {
    let out = dataapi()
        .args(["fake-server"])
        .args(DATA)
        .args(["--dump", method, "--dump-from", FROM, "--dump-till", TILL, "--dump-fields", fields])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
}

/// A scratch folder of this test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pull_cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pull(server: &Server, out: &Path, extra: &[&str]) -> Command {
    let mut c = dataapi();
    c.args(["pull", "get.calls_report", "--from", FROM, "--till", TILL, "--url", &server.url])
        .args(["--token-env", "PULL_TEST_TOKEN", "--out"])
        .arg(out)
        .args(extra)
        .env("PULL_TEST_TOKEN", "T");
    c
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn by_id(lines: &[String]) -> Vec<Value> {
    let mut rows: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    rows.sort_by_key(|r| r["id"].as_i64().unwrap());
    rows
}

/// NDJSON rows equal the dump, with no repeat.
fn assert_complete(ndjson: &Path, fields: &str) {
    let text = std::fs::read_to_string(ndjson).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let ids: HashSet<i64> =
        lines.iter().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), lines.len(), "no row is repeated");
    let expected = dump("get.calls_report", fields);
    assert_eq!(lines.len(), expected.len(), "every row is there");
    assert!(by_id(&lines) == by_id(&expected), "the rows are the server's");
}

#[test]
fn ndjson_and_csv_equal_the_dump() {
    let server = Server::start(&[]);
    let dir = scratch("formats");
    let fields = "id,start_time,finish_reason,total_duration,tags,call_records";

    let ndjson = dir.join("calls.ndjson");
    let out = pull(&server, &ndjson, &["--fields", fields, "--page-size", "97"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("700 rows"), "a one-line summary: {}", stderr(&out));
    assert_complete(&ndjson, fields);
    assert!(!dir.join("calls.ndjson.part").exists() && !dir.join("calls.ndjson.checkpoint.json").exists());

    let csv_path = dir.join("calls.csv");
    // The pull reads in time order to prove it lost nothing: other sort keys are refused.
    let out = pull(&server, &csv_path, &["--fields", fields, "--sort", "start_time:desc"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("reads its rows in `start_time` order"), "{}", stderr(&out));
    assert!(!csv_path.exists() && !dir.join("calls.csv.part").exists(), "refused before anything is written");
    let out = pull(&server, &csv_path, &["--fields", fields]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header.join(","), fields, "the header is the requested fields' wire names");
    let read: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    // The dump's rows as cells: a string's text, nothing for null, anything else as written.
    let mut expected: Vec<Vec<String>> = dump("get.calls_report", fields)
        .iter()
        .map(|line| {
            let row: BTreeMap<String, Box<RawValue>> = serde_json::from_str(line).unwrap();
            header
                .iter()
                .map(|f| match serde_json::from_str::<Value>(row[f].get()).unwrap() {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    _ => row[f].get().to_owned(),
                })
                .collect()
        })
        .collect();
    expected.sort_by(|a, b| b[1].cmp(&a[1]).then(a[0].cmp(&b[0])));
    let mut sorted = read.clone();
    sorted.sort_by(|a, b| b[1].cmp(&a[1]).then(a[0].cmp(&b[0])));
    assert_eq!(sorted.len(), 700);
    assert!(sorted == expected, "the CSV cells are the server's values");

    // A method without a period, with its default fields.
    let channels = dir.join("channels.ndjson");
    let out = dataapi()
        .args(["pull", "get.chat_channels", "--url", &server.url, "--token-env", "PULL_TEST_TOKEN", "--out"])
        .arg(&channels)
        .env("PULL_TEST_TOKEN", "T")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = std::fs::read_to_string(&channels).unwrap().lines().count();
    assert!(lines > 0);
}

#[test]
fn bad_input_exits_2_with_every_problem() {
    let dir = scratch("bad");
    let out = dataapi()
        .args(["pull", "get.calls_report", "--from", "2026-01-02 00:00:00", "--till", "2026-01-01 00:00:00"])
        .args(["--fields", "id,finish_reasn", "--sort", "total_duration:up"])
        .args(["--filter", r#"{"field":"tags","operator":"=","value":1}"#])
        .args(["--url", "http://127.0.0.1:9/v2.0", "--token-env", "PULL_TEST_NO_SUCH_VARIABLE", "--out"])
        .arg(dir.join("calls.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stderr(&out);
    // Each problem names the option the user typed, not the wire parameter.
    for problem in [
        "--till: invalid_parameters_combination: `--till` (2026-01-01 00:00:00) is before `--from`",
        "--fields item 2: unexpected_parameters",
        "finish_reason",
        "--sort item 1 (field): sort_prohibited",
        "--sort item 1 (order): invalid_parameter_value",
        "--filter at operator: invalid_parameter_value",
        "--token-env PULL_TEST_NO_SUCH_VARIABLE",
        "calls.xlsx",
    ] {
        assert!(text.contains(problem), "`{problem}` is reported in:\n{text}");
    }
    for wire in ["params.", "date_from", "date_till"] {
        assert!(!text.contains(wire), "no wire parameter `{wire}` in:\n{text}");
    }
    // A method's own parameters are given with --params, and named so.
    let out = dataapi()
        .args(["pull", "get.communications", "--from", "2026-01-02 00:00:00", "--fields", "site_name"])
        .args(["--url", "http://127.0.0.1:9/v2.0", "--token-env", "HOME", "--out"])
        .arg(dir.join("communications.ndjson"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    for problem in
        ["--till: required_parameter_missed", "--params report_id: required_parameter_missed", "--params report_type"]
    {
        assert!(text.contains(problem), "`{problem}` is reported in:\n{text}");
    }
    assert!(!text.contains("params.report_id") && !text.contains("date_till"), "{text}");

    let out = dataapi()
        .args(["pull", "get.no_such_report", "--filter", "@/no/such/file.json", "--token-env", "HOME", "--out"])
        .arg(dir.join("x.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(text.contains("no method `get.no_such_report`") && text.contains("@/no/such/file.json"), "{text}");

    let out = dataapi().args(["pull", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Exit codes") && help.contains("--resume"), "{help}");
}

#[test]
fn brand_holds_the_request_to_its_docs() {
    let dir = scratch("brand");
    let out = dir.join("legs.ndjson");
    let legs = |extra: &[&str]| {
        let mut c = dataapi();
        c.args(["pull", "get.call_legs_report", "--from", FROM, "--till", TILL])
            .args(["--fields", "id,wav_call_records,start_time,called_phone_number"])
            .args(["--token-env", "PULL_TEST_TOKEN", "--out"])
            .arg(&out)
            .args(extra)
            .env("PULL_TEST_TOKEN", "T");
        c
    };
    // Refused before any request: nothing listens at CallGear's address in a test.
    let run = legs(&["--brand", "callgear", "--sort", "scenario_name:asc"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let text = stderr(&run);
    for problem in [
        "--fields item 2: unexpected_parameters: `wav_call_records` is documented by CoMagic only, not by CallGear",
        "--fields item 4",
        "called_phone_number",
        "--sort item 1 (field)",
        "scenario_name",
    ] {
        assert!(text.contains(problem), "`{problem}` is reported in:\n{text}");
    }
    assert!(!out.exists() && !dir.join("legs.ndjson.part").exists(), "nothing was written");

    // Behind --url the brand is not known: the same request is pulled.
    let server = Server::start(&[]);
    let run = legs(&["--url", &server.url]).output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let first: Value = serde_json::from_str(std::fs::read_to_string(&out).unwrap().lines().next().unwrap()).unwrap();
    assert!(first.get("wav_call_records").is_some(), "{first}");
}

#[test]
fn a_refusal_exits_3_with_its_mnemonic() {
    let server = Server::start(&[]);
    let dir = scratch("refused");
    let out = dir.join("calls.ndjson");
    let run = pull(&server, &out, &[]).env("PULL_TEST_TOKEN", "wrong").output().unwrap();
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(text.contains("access_token_invalid"), "{text}");
    // A resume cannot mend a wrong token: it is not suggested, and nothing is left behind.
    assert!(!text.contains("--resume"), "{text}");
    assert!(text.contains("check the token in $PULL_TEST_TOKEN"), "it says what to fix: {text}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "no part or checkpoint is left: {left:?}");
}

#[test]
fn an_existing_output_is_refused_unless_force() {
    let server = Server::start(&[]);
    let dir = scratch("exists");
    let out = dir.join("calls.ndjson");
    std::fs::write(&out, "mine\n").unwrap();
    let run = pull(&server, &out, &["--fields", "id,start_time"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("--force"), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine\n", "the file is untouched");
    // --resume without a checkpoint of its own would start again: refused the same way.
    let run = pull(&server, &out, &["--fields", "id,start_time", "--resume"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine\n");

    let run = pull(&server, &out, &["--fields", "id,start_time", "--force"]).output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    assert_complete(&out, "id,start_time");
}

#[test]
fn a_filter_value_outside_the_enum_warns_and_strict_refuses() {
    let server = Server::start(&[]);
    let dir = scratch("enum");
    let out = dir.join("calls.ndjson");
    let filter = r#"{"filters": [{"field": "direction", "operator": "=", "value": "inn"}], "condition": "and"}"#;
    let run = pull(&server, &out, &["--fields", "id,direction", "--filter", filter]).output().unwrap();
    assert!(run.status.success(), "the enum is open: the value is sent: {}", stderr(&run));
    let text = stderr(&run);
    let warning = text.find("warning: --filter at filters[0]: `inn` is not a code of `direction`");
    assert!(warning.is_some() && text.contains("did you mean `in`?"), "{text}");
    let done = text.find("done:").expect("a summary");
    assert!(warning < Some(done), "the warning comes first: {text}");
    // A pull with no row says so.
    assert!(text.contains("0 rows — nothing matched"), "{text}");
    assert!(text.contains("--filter") && text.contains("--from and --till"), "{text}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "");

    let strict = dir.join("strict.ndjson");
    let run = pull(&server, &strict, &["--fields", "id,direction", "--filter", filter, "--strict"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("`inn` is not a code of `direction`"), "{}", stderr(&run));
    assert!(!strict.exists() && !dir.join("strict.ndjson.part").exists(), "nothing was sent");

    // Known codes pass without a word.
    let fine = dir.join("fine.ndjson");
    let filter = r#"{"field": "direction", "operator": "in", "value": ["in", "out"]}"#;
    let run = pull(&server, &fine, &["--fields", "id,direction", "--filter", filter, "--strict"]).output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!stderr(&run).contains("warning"), "{}", stderr(&run));
    assert!(!stderr(&run).contains("0 rows —"), "rows of known codes are pulled: {}", stderr(&run));
}

#[test]
fn a_flat_report_without_fields_asks_for_its_default_fields() {
    let server = Server::start(&[]);
    let dir = scratch("flat");
    let out = dir.join("communications.ndjson");
    let run = dataapi()
        .args(["pull", "get.communications", "--from", FROM, "--till", TILL, "--url", &server.url])
        .args(["--params", r#"{"report_id": 1, "report_type": "x"}"#, "--token-env", "PULL_TEST_TOKEN", "--out"])
        .arg(&out)
        .env("PULL_TEST_TOKEN", "T")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(text.contains("returns no row without fields") && text.contains("--fields"), "{text}");
    let defaults: Vec<&str> = dataapi::communications::DESCRIPTOR
        .fields
        .iter()
        .filter(|f| f.default == dataapi::runtime::Stated::Yes)
        .map(|f| f.name)
        .collect();
    let rows: Vec<Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 700, "{text}");
    for row in &rows {
        for field in &defaults {
            assert!(row.get(*field).is_some(), "`{field}` is in {row}");
        }
    }
}

/// A second holding more rows than a page, in a method whose rows have no key to read them by:
/// the pull cannot be complete, and a resume would fail the same way, so none is suggested and
/// nothing is left behind.
#[test]
fn a_pull_that_cannot_be_complete_leaves_nothing_and_suggests_no_resume() {
    let dir = scratch("dense");
    let schema = dir.join("schema");
    std::fs::create_dir_all(schema.join("methods")).unwrap();
    std::fs::write(
        schema.join("methods/get.keyless_report.yaml"),
        r"method: get.keyless_report
title: {en: No key}
access: [customer]
weight: 1
kind: report
limits: {date_range_days: 3, limit: {default: 2, max: 2}, offset: {default: 0, max: 10}}
fields:
  - {name: start_time, type: datetime, sort: yes, default: yes}
  - {name: name, type: string, default: yes}
",
    )
    .unwrap();
    let rows: Vec<Value> =
        (0..5).map(|i| json!({"start_time": "2026-01-02 10:00:00", "name": i.to_string()})).collect();
    let stub = Stub::start(rows);
    let out = dir.join("keyless.ndjson");
    let run =
        pull_from(&stub.url, "get.keyless_report", &out, "start_time,name", &["--schema", schema.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(text.contains("holds 5 rows or more, a page (2) or more"), "{text}");
    assert!(!text.contains("--resume"), "{text}");
    assert!(text.contains("nothing was kept: narrow the request"), "{text}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["schema"], "no part or checkpoint is left");
}

#[test]
fn faults_and_a_tight_minute_budget_lose_and_repeat_nothing() {
    let server = Server::start(&["--faults", "0.2", "--minute-limit", "30", "--minute-length", "1"]);
    let dir = scratch("faults");
    let out = dir.join("calls.ndjson");
    let run = pull(&server, &out, &["--fields", "id,start_time", "--page-size", "40", "--concurrency", "3"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    assert_complete(&out, "id,start_time");
}

#[test]
fn a_pull_killed_mid_way_resumes_without_loss_or_repeat() {
    let server = Server::start(&["--minute-limit", "5", "--minute-length", "0.5"]);
    let dir = scratch("killed");
    let out = dir.join("calls.ndjson");
    let checkpoint = dir.join("calls.ndjson.checkpoint.json");
    let args = ["--fields", "id,start_time,finish_reason", "--page-size", "25"];
    let mut child = pull(&server, &out, &args).stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    loop {
        let rows = std::fs::read(&checkpoint)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|c| c["state"]["rows"].as_u64())
            .unwrap_or(0);
        if rows >= 100 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no checkpoint came");
        assert!(child.try_wait().unwrap().is_none(), "the pull ended before it could be killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: nothing is flushed or cleaned up
    child.wait().unwrap();
    assert!(!out.exists(), "no half file under the final name");
    // Rows written after the last checkpoint (here, a torn line) are cut off on resume.
    let part = dir.join("calls.ndjson.part");
    let mut data = std::fs::read(&part).unwrap();
    data.extend_from_slice(b"{\"id\":1,\"start_ti");
    std::fs::write(&part, data).unwrap();

    let run = pull(&server, &out, &args).arg("--resume").output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    assert_complete(&out, "id,start_time,finish_reason");
    assert!(!checkpoint.exists());
}

/// The checkpoint's rows and generation, once it is there.
fn checkpointed(path: &Path) -> Option<(u64, u64)> {
    let c: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    Some((c["state"]["rows"].as_u64()?, c["generation"].as_u64().unwrap_or(0)))
}

/// The ids of a Parquet file, read by the parquet crate.
fn parquet_ids(path: &Path) -> Vec<i64> {
    use arrow_array::{Array, Int64Array};
    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    let mut ids = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let column = batch.column_by_name("id").unwrap().as_any().downcast_ref::<Int64Array>().unwrap();
        ids.extend(column.iter().map(Option::unwrap));
    }
    ids
}

/// Parquet is written as rows arrive; its checkpoints keep the footer of the row groups so far,
/// and each resume copies them into the next part file. Stopped by the day limit, then killed
/// with SIGKILL half-way through its resume, then resumed again, it still has every row once.
#[test]
fn a_parquet_pull_stopped_then_killed_resumes_without_loss_or_repeat() {
    let dir = scratch("parquet-killed");
    let out = dir.join("calls.parquet");
    let checkpoint = dir.join("calls.parquet.checkpoint.json");
    let args = ["--fields", "id,start_time,finish_reason", "--page-size", "25", "--row-group", "50"];
    let stopped = {
        let spent = Server::start(&["--day-limit", "5"]);
        let run = pull(&spent, &out, &args).output().unwrap();
        assert_eq!(run.status.code(), Some(4), "{}", stderr(&run));
        checkpointed(&checkpoint).expect("a checkpoint").0
    };
    assert!(stopped > 0 && !out.exists());

    let slow = Server::start(&["--minute-limit", "5", "--minute-length", "0.5"]);
    let mut child = pull(&slow, &out, &args).arg("--resume").stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while !checkpointed(&checkpoint).is_some_and(|(rows, generation)| generation == 1 && rows >= stopped + 100) {
        assert!(started.elapsed() < Duration::from_secs(60), "no checkpoint came");
        assert!(child.try_wait().unwrap().is_none(), "the pull ended before it could be killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: nothing is flushed or cleaned up
    child.wait().unwrap();
    assert!(!out.exists() && !dir.join("calls.parquet.part").exists(), "the first part was replaced");
    // Bytes written after the last checkpoint (here, a torn page) are cut off on resume.
    let part = dir.join("calls.parquet.part.1");
    let mut data = std::fs::read(&part).unwrap();
    data.extend_from_slice(b"torn page");
    std::fs::write(&part, data).unwrap();

    let server = Server::start(&[]);
    let run = pull(&server, &out, &args).arg("--resume").output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let ids = parquet_ids(&out);
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no row is repeated");
    let expected: HashSet<i64> =
        by_id(&dump("get.calls_report", "id")).iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(unique == expected, "every row is there");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["calls.parquet"], "no part or checkpoint is left");
}

/// Reads a Parquet file with pyarrow: a first line with the column types, then one JSON line
/// per row.
const READ_WITH_PYARROW: &str = r#"
import json, sys
import pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
print(json.dumps({f.name: str(f.type) for f in t.schema}))
meta = t.schema.field("finish_reason").metadata or {}
print(json.dumps({k.decode(): v.decode() for k, v in meta.items()}))
for r in t.to_pylist():
    print(json.dumps({
        "id": r["id"],
        "start_time": r["start_time"].strftime("%Y-%m-%d %H:%M:%S"),
        "finish_reason": r["finish_reason"],
        "source": r["source"],
        "sale_cost": None if r["sale_cost"] is None else str(r["sale_cost"]),
        "tags": None if r["tags"] is None else [[t["tag_id"], t["tag_name"], t["tag_change_time"] and t["tag_change_time"].strftime("%Y-%m-%d %H:%M:%S")] for t in r["tags"]],
        "call_records": r["call_records"],
    }))
"#;

#[test]
fn parquet_is_read_back_by_pyarrow_as_the_dump() {
    let has_pyarrow = Command::new("python3").args(["-c", "import pyarrow"]).output().is_ok_and(|o| o.status.success());
    if !has_pyarrow {
        // CI installs pyarrow (.ci/run) and sets DATAAPI_REQUIRE_PYARROW, so this never passes silently there.
        assert!(std::env::var_os("DATAAPI_REQUIRE_PYARROW").is_none(), "python3 with pyarrow is required");
        eprintln!("skipped: python3 with pyarrow is not installed");
        return;
    }
    let server = Server::start(&[]);
    let dir = scratch("parquet");
    let out = dir.join("calls.parquet");
    let fields = "id,start_time,finish_reason,source,sale_cost,tags,call_records";
    let run = pull(&server, &out, &["--fields", fields, "--page-size", "300"]).output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!dir.join("calls.parquet.part").exists());

    let read = Command::new("python3").args(["-c", READ_WITH_PYARROW]).arg(&out).output().unwrap();
    assert!(read.status.success(), "{}", stderr(&read));
    let text = String::from_utf8(read.stdout).unwrap();
    let mut lines = text.lines();
    let types: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(types["id"], "int64");
    assert_eq!(types["start_time"], "timestamp[ms]");
    assert_eq!(types["finish_reason"], "dictionary<values=string, indices=int32, ordered=0>");
    assert_eq!(types["sale_cost"], "decimal128(18, 2)");
    assert!(
        types["tags"].as_str().unwrap().starts_with("list<item: struct<tag_name: string, tag_id: int64"),
        "{types}"
    );
    assert_eq!(types["call_records"], "list<item: string>");
    let meta: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(meta["dataapi.name"], "finish_reason");
    assert!(meta["dataapi.type"].as_str().unwrap().starts_with("enum finish_reason"));
    let doc = dataapi::calls_report::DESCRIPTOR.field("finish_reason").unwrap().doc;
    assert!(!doc.is_empty());
    assert_eq!(meta["description"], doc, "the column's metadata carries the field's doc");

    let mut got: Vec<Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    got.sort_by_key(|r| r["id"].as_i64().unwrap());
    let expected: Vec<Value> = by_id(&dump("get.calls_report", fields))
        .into_iter()
        .map(|r| {
            let tags = r["tags"].as_array().map(|tags| {
                tags.iter()
                    .map(|t| serde_json::json!([t["tag_id"], t["tag_name"], t["tag_change_time"]]))
                    .collect::<Vec<_>>()
            });
            serde_json::json!({
                "id": r["id"],
                "start_time": r["start_time"],
                "finish_reason": r["finish_reason"],
                "source": r["source"],
                "sale_cost": r["sale_cost"].as_f64().map(|c| format!("{c:.2}")),
                "tags": tags,
                "call_records": r["call_records"],
            })
        })
        .collect();
    assert_eq!(got.len(), 700);
    assert!(got == expected, "pyarrow reads the server's rows");
    let codes = match dataapi::calls_report::DESCRIPTOR.field("finish_reason").unwrap().ty {
        dataapi::runtime::TypeDescriptor::Enum { codes, .. } => codes,
        _ => unreachable!(),
    };
    let unknown = got.iter().filter_map(|r| r["finish_reason"].as_str()).find(|c| !codes.contains(c));
    assert!(unknown.is_some(), "an unknown code is kept verbatim");

    // Value objects are structs of two strings, `value_id` as the API wrote it.
    let out = dir.join("communications.parquet");
    let run = dataapi()
        .args(["pull", "get.communications", "--from", FROM, "--till", TILL, "--url", &server.url])
        .args([
            "--params",
            r#"{"report_id": 1, "report_type": "x"}"#,
            "--fields",
            "communication_type,site_domain_name",
        ])
        .args(["--token-env", "PULL_TEST_TOKEN", "--out"])
        .arg(&out)
        .env("PULL_TEST_TOKEN", "T")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let script = r#"
import json, sys
import pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
print(str(t.schema.field("communication_type").type))
for r in t.to_pylist():
    print(json.dumps(r["communication_type"]))
"#;
    let read = Command::new("python3").args(["-c", script]).arg(&out).output().unwrap();
    assert!(read.status.success(), "{}", stderr(&read));
    let text = String::from_utf8(read.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("struct<value: string, value_id: string>"));
    let mut got: Vec<Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    let text_of = |v: &Value| match v {
        Value::String(s) => Value::String(s.clone()),
        Value::Null => Value::Null,
        other => Value::String(other.to_string()),
    };
    let mut expected: Vec<Value> = dump("get.communications", "communication_type")
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let c = &v["communication_type"];
            if c.is_null() {
                Value::Null
            } else {
                json!({"value": text_of(&c["value"]), "value_id": text_of(&c["value_id"])})
            }
        })
        .collect();
    let key = |v: &Value| v.to_string();
    got.sort_by_key(key);
    expected.sort_by_key(key);
    assert!(!got.is_empty() && got == expected, "value objects read back as the dump's");
}

#[test]
fn a_spent_day_budget_and_sigterm_exit_4_and_resume() {
    let dir = scratch("day");
    let out = dir.join("calls.csv");
    let args = ["--fields", "id,start_time", "--page-size", "50"];
    {
        let spent = Server::start(&["--day-limit", "5"]);
        let run = pull(&spent, &out, &args).output().unwrap();
        assert_eq!(run.status.code(), Some(4), "{}", stderr(&run));
        assert!(stderr(&run).contains("--resume"), "{}", stderr(&run));
        assert!(!out.exists());
    }
    // The same data served again, as after the day's reset; SIGTERM stops it with a checkpoint.
    let slow = Server::start(&["--minute-limit", "2", "--minute-length", "0.5"]);
    let mut child = pull(&slow, &out, &args).arg("--resume").stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(600));
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(4), "SIGTERM leaves a checkpoint");
    assert!(!out.exists());

    let server = Server::start(&[]);
    let run = pull(&server, &out, &args).arg("--resume").output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let ids: Vec<i64> = reader.records().map(|r| r.unwrap()[0].parse().unwrap()).collect();
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no row is repeated");
    let expected: HashSet<i64> =
        by_id(&dump("get.calls_report", "id")).iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(unique == expected, "every row is there");
}

#[test]
fn a_build_rs_schema_method_is_pulled_with_schema() {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/consumers/buildrs/schema");
    let server = Server::start(&["--schema", schema]);
    let dir = scratch("schema");
    let out = dir.join("deals.ndjson");
    let run = dataapi()
        .args(["pull", "get.deals_report", "--from", FROM, "--till", TILL, "--url", &server.url])
        .args(["--token-env", "PULL_TEST_TOKEN", "--schema", schema, "--page-size", "128", "--out"])
        .arg(&out)
        .env("PULL_TEST_TOKEN", "T")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let dump = dataapi()
        .args(["fake-server", "--schema", schema])
        .args(DATA)
        .args(["--dump", "get.deals_report", "--dump-from", FROM, "--dump-till", TILL])
        .output()
        .unwrap();
    let pulled: Vec<String> = std::fs::read_to_string(&out).unwrap().lines().map(str::to_owned).collect();
    let dumped: Vec<Value> =
        by_id(&String::from_utf8(dump.stdout).unwrap().lines().map(str::to_owned).collect::<Vec<_>>());
    let pulled = by_id(&pulled);
    assert_eq!(pulled.len(), 700);
    // The pull asks for the default-reply fields; the dump holds every field.
    for (p, d) in pulled.iter().zip(&dumped) {
        for (key, value) in p.as_object().unwrap() {
            assert_eq!(&d[key], value, "{key} of {}", p["id"]);
        }
    }
    // Without --schema the method is unknown: bad input.
    let run = dataapi()
        .args(["pull", "get.deals_report", "--from", FROM, "--till", TILL, "--token-env", "PULL_TEST_TOKEN", "--out"])
        .arg(&out)
        .env("PULL_TEST_TOKEN", "T")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
}

/// A method of a schema of its own with small limits, so that a short pull crosses both the
/// method's date range (3 days) and the rows `offset` and `limit` could reach (200 + 50): the
/// pull cuts the 7 days into windows and reads each by time, without an offset, and is
/// complete.
/// It runs under a pseudo-terminal (`script`), where the progress bar is drawn.
#[test]
fn a_pull_past_the_range_and_the_offset_ceiling_draws_its_bar_and_is_complete() {
    let dir = scratch("ceiling");
    let schema = dir.join("schema");
    std::fs::create_dir_all(schema.join("methods")).unwrap();
    std::fs::write(
        schema.join("methods/get.small_report.yaml"),
        r"method: get.small_report
title: {en: Small limits}
access: [customer]
weight: 1
kind: report
limits: {date_range_days: 3, limit: {default: 50, max: 50}, offset: {default: 0, max: 200}}
fields:
  - {name: id, type: integer, filter: yes, default: yes}
  - {name: start_time, type: datetime, sort: yes, default: yes}
  - {name: name, type: string, default: yes}
",
    )
    .unwrap();
    let schema = schema.to_str().unwrap();
    // Replies a tenth of a second late, one window at a time: the bar is drawn a few times
    // while some windows are not counted yet.
    let server = Server::start(&["--schema", schema, "--fault", "slow=1", "--slow-delay", "0.1"]);
    let out = dir.join("small.ndjson");
    let command = format!(
        "{} pull get.small_report --from '{FROM}' --till '{TILL}' --url {} --token-env PULL_TEST_TOKEN --schema {schema} --concurrency 1 --out {}",
        env!("CARGO_BIN_EXE_dataapi"),
        server.url,
        out.display()
    );
    // `script` gives the command a terminal and copies what it draws to our stdout.
    let run =
        Command::new("script").args(["-qec", &command, "/dev/null"]).env("PULL_TEST_TOKEN", "T").output().unwrap();
    let screen = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{screen}");
    // The bar counts rows of the total known so far (windows are counted as they are read),
    // marked `~` until every window is counted; before any total is known it counts rows alone.
    let frames = frames(&screen);
    let totals: Vec<(u64, &str)> = frames
        .iter()
        .filter_map(|frame| {
            let (_, after) = frame.split_once('/')?;
            let of = after.split(" rows").next()?;
            Some((of.trim_start_matches('~').replace(',', "").parse().ok()?, of))
        })
        .collect();
    assert!(!totals.is_empty(), "the bar is drawn: {screen}");
    assert!(totals.iter().all(|(t, _)| *t > 0), "no frame shows a total of 0: {totals:?}");
    let first_exact = totals.iter().position(|(_, of)| !of.starts_with('~')).expect("the total is known at last");
    assert!(first_exact > 0, "the total is an estimate (~) at first: {totals:?}");
    assert!(totals[first_exact..].iter().all(|(t, of)| *t == 700 && !of.starts_with('~')), "{totals:?}");
    assert!(frames.first().is_some_and(|f| f.contains("counting…")), "the first frame counts: {frames:?}");
    assert_rates_are_whole(&frames);
    assert!(frames.iter().any(|f| f.contains("ETA ")), "an ETA: {frames:?}");
    // Read by time, a full page of 50 yields the rows before its last second and the next page
    // starts at that second: 7 + 7 + 3 pages for windows of 300, 300 and 100 rows.
    assert!(screen.contains("700 rows, 17 requests"), "and the summary: {screen}");
    let pulled: Vec<String> = std::fs::read_to_string(&out).unwrap().lines().map(str::to_owned).collect();
    let ids: HashSet<i64> =
        pulled.iter().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_i64().unwrap()).collect();
    assert_eq!((pulled.len(), ids.len()), (700, 700), "every row once");
    let dumped = dataapi()
        .args(["fake-server", "--schema", schema])
        .args(DATA)
        .args([
            "--dump",
            "get.small_report",
            "--dump-from",
            FROM,
            "--dump-till",
            TILL,
            "--dump-fields",
            "id,start_time,name",
        ])
        .output()
        .unwrap();
    let dumped: Vec<String> = String::from_utf8(dumped.stdout).unwrap().lines().map(str::to_owned).collect();
    assert!(by_id(&pulled) == by_id(&dumped), "the rows are the server's");
    // Without a terminal there is no bar, only the one-line summary.
    let quiet = dataapi()
        .args(["pull", "get.small_report", "--from", FROM, "--till", TILL, "--url", &server.url])
        .args(["--token-env", "PULL_TEST_TOKEN", "--schema", schema, "--out"])
        .arg(dir.join("again.ndjson"))
        .env("PULL_TEST_TOKEN", "T")
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet).lines().count(), 1, "{}", stderr(&quiet));
}

/// The frames a progress bar drew on a terminal: its lines and redraws, without the escapes.
fn frames(screen: &str) -> Vec<String> {
    screen
        .replace("\x1b[2K", "\n")
        .split(['\r', '\n'])
        .map(|f| f.trim().to_owned())
        .filter(|f| f.contains("rows") && !f.starts_with("done:"))
        .collect()
}

/// Every rate drawn is a whole number of rows a second, with thousands separated by commas.
fn assert_rates_are_whole(frames: &[String]) {
    let mut rates = 0;
    for frame in frames {
        for (at, _) in frame.match_indices(" rows/s") {
            let rate = frame[..at].rsplit(' ').next().unwrap_or("");
            assert!(!rate.is_empty() && rate.chars().all(|c| c.is_ascii_digit() || c == ','), "`{rate}` in {frame}");
            rates += 1;
        }
    }
    assert!(rates > 0, "a rate is drawn: {frames:?}");
}

/// Waits on the API's limits are drawn with the time they have left, and the summary counts
/// the waits and the calls sent again after `limit_exceeded`.
#[test]
fn the_bar_shows_a_wait_on_the_limits_and_the_summary_counts_it() {
    let rows: Vec<Value> = (1..=3).map(|i| json!({"id": i, "start_time": format!("2026-01-02 10:00:0{i}")})).collect();
    let stub = Stub::refusing(rows, 2);
    let dir = scratch("waits");
    let out = dir.join("calls.ndjson");
    let command = format!(
        "{} pull get.calls_report --from '2026-01-02 00:00:00' --till '2026-01-02 23:59:59' --url {} \
         --fields id,start_time --token-env PULL_TEST_TOKEN --out {}",
        env!("CARGO_BIN_EXE_dataapi"),
        stub.url,
        out.display()
    );
    let run =
        Command::new("script").args(["-qec", &command, "/dev/null"]).env("PULL_TEST_TOKEN", "T").output().unwrap();
    let screen = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{screen}");
    let frames = frames(&screen);
    assert!(
        frames.iter().any(|f| f.contains("waiting on the API's limits, 1 s left")),
        "the wait and its time left are drawn: {frames:?}"
    );
    assert!(
        screen.contains(
            "3 rows, 3 requests, 2 retries (0 after a fault, 2 after limit_exceeded), 2 waits on the API's limits"
        ),
        "the summary counts what happened: {screen}"
    );
}

/// A Data API on loopback that answers every report request with `rows`, paged by the
/// request's `offset` and `limit`; stopped when dropped.
struct Stub {
    url: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Stub {
    fn start(rows: Vec<Value>) -> Self {
        Self::refusing(rows, 0)
    }

    /// As [`Stub::start`], but the first `refusals` calls are answered `limit_exceeded` with a
    /// minute that resets in a second.
    fn refusing(rows: Vec<Value>, refusals: usize) -> Self {
        use std::io::{BufRead, BufReader, Read, Write};
        let mut refusals = refusals;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/v2.0", listener.local_addr().unwrap());
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream);
                loop {
                    let mut length = 0usize;
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        if let Some((name, value)) = line.split_once(':')
                            && name.eq_ignore_ascii_case("content-length")
                        {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        break;
                    }
                    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    let params = &request["params"];
                    let offset = params["offset"].as_u64().unwrap_or(0) as usize;
                    let limit = params["limit"].as_u64().unwrap_or(1000) as usize;
                    let page: Vec<Value> = rows.iter().skip(offset).take(limit).cloned().collect();
                    let reply = if refusals > 0 {
                        refusals -= 1;
                        json!({"jsonrpc": "2.0", "id": request["id"], "error": {"code": -32029,
                            "message": "the minute limit is spent; retry in 1 s",
                            "data": {"mnemonic": "limit_exceeded",
                                "metadata": {"limits": {"minute_remaining": 0, "minute_reset": 1}}}}})
                    } else {
                        json!({"jsonrpc": "2.0", "id": request["id"],
                            "result": {"data": page, "metadata": {"total_items": rows.len()}}})
                    }
                    .to_string();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: {}\r\n\r\n",
                        reply.len()
                    );
                    if reader.get_mut().write_all(format!("{head}{reply}").as_bytes()).is_err() {
                        break;
                    }
                }
            }
        });
        Stub { url, stop }
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

fn pull_from(url: &str, method: &str, out: &Path, fields: &str, extra: &[&str]) -> Output {
    dataapi()
        .args(["pull", method, "--from", "2026-01-02 00:00:00", "--till", "2026-01-02 23:59:59", "--url", url])
        .args(["--fields", fields, "--token-env", "PULL_TEST_TOKEN", "--out"])
        .arg(out)
        .args(extra)
        .env("PULL_TEST_TOKEN", "T")
        .output()
        .unwrap()
}

/// Visitors type some of these fields: a text cell a spreadsheet would run as a formula gets a
/// leading apostrophe, unless `--csv-raw`; numbers, negative ones too, stay numbers.
#[test]
fn a_formula_in_a_csv_cell_is_neutralised_unless_csv_raw() {
    let texts = [
        "=HYPERLINK(\"http://x.example\",\"click\")",
        "+7 (495) 000-00-00",
        "-2+3",
        "@SUM(A1:A9)",
        "\tindented",
        "\rreturn",
        "-5",
        "+7.25",
        "https://site.example/?q==1",
        "",
    ];
    let rows: Vec<Value> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({"id": i + 1, "start_time": "2026-01-02 10:00:00", "communication_page_url": t,
                "contact_phone_number": "=1+1", "total_duration": -(i as i64)})
        })
        .collect();
    let stub = Stub::start(rows);
    let dir = scratch("formula");
    let fields = "id,communication_page_url,contact_phone_number,total_duration";
    let read = |path: &Path| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(path).unwrap();
        reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
    };

    let out = dir.join("calls.csv");
    let run = pull_from(&stub.url, "get.calls_report", &out, fields, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let got = read(&out);
    assert_eq!(got.len(), texts.len());
    let urls: Vec<&str> = got.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        urls,
        [
            "'=HYPERLINK(\"http://x.example\",\"click\")",
            "'+7 (495) 000-00-00",
            "'-2+3",
            "'@SUM(A1:A9)",
            "'\tindented",
            "'\rreturn",
            "-5",
            "+7.25",
            "https://site.example/?q==1",
            "",
        ]
    );
    assert!(got.iter().all(|r| r[2] == "'=1+1"));
    let durations: Vec<&str> = got.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(durations[..3], ["0", "-1", "-2"], "numbers stay numbers");

    let raw = dir.join("raw.csv");
    let run = pull_from(&stub.url, "get.calls_report", &raw, fields, &["--csv-raw"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let got = read(&raw);
    let urls: Vec<&str> = got.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(urls, texts, "--csv-raw writes them as they came");
}

/// The docs type `hits` as an array of objects; a reply with an object there (as the docs'
/// examples show), or a text where an integer belongs, neither stops the pull nor is dropped:
/// the cell is null, the value is kept as JSON text in `dataapi_mismatched`, and the summary
/// counts it.
#[test]
fn a_wrongly_shaped_value_in_a_parquet_pull_is_kept_and_counted() {
    let has_pyarrow = Command::new("python3").args(["-c", "import pyarrow"]).output().is_ok_and(|o| o.status.success());
    if !has_pyarrow {
        assert!(std::env::var_os("DATAAPI_REQUIRE_PYARROW").is_none(), "python3 with pyarrow is required");
        eprintln!("skipped: python3 with pyarrow is not installed");
        return;
    }
    let hit = json!({"hit_time": "2026-01-02 10:00:01", "hit_duration": "00:00:05", "hit_url": "https://a.example/"});
    let rows = vec![
        json!({"id": 1, "date_time": "2026-01-02 10:00:00", "hits_count": 1, "hits": [hit]}),
        json!({"id": 2, "date_time": "2026-01-02 11:00:00", "hits_count": 1, "hits": hit}),
        json!({"id": 3, "date_time": "2026-01-02 12:00:00", "hits_count": "many", "hits": null}),
        json!({"id": 4, "date_time": "2026-01-02 13:00:00", "hits_count": 0, "hits": []}),
    ];
    let stub = Stub::start(rows);
    let dir = scratch("mismatched");
    let out = dir.join("sessions.parquet");
    let run = pull_from(&stub.url, "get.visitor_sessions_report", &out, "id,date_time,hits_count,hits", &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(text.contains("4 rows") && text.contains("2 values did not fit"), "the summary counts them: {text}");
    assert!(text.contains("`hits`") && text.contains("is not an array"), "{text}");
    let script = r#"
import json, sys
import pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
print(str(t.schema.field("dataapi_mismatched").type))
for r in t.to_pylist():
    print(json.dumps([r["id"], r["hits_count"], r["hits"], r["dataapi_mismatched"]]))
"#;
    let read = Command::new("python3").args(["-c", script]).arg(&out).output().unwrap();
    assert!(read.status.success(), "{}", stderr(&read));
    let text = String::from_utf8(read.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("string"));
    let mut got: Vec<Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    got.sort_by_key(|r| r[0].as_i64());
    assert_eq!(got.len(), 4, "no row is dropped");
    assert_eq!(got[0][2][0]["hit_url"], "https://a.example/", "a value of the right shape is read as such");
    assert_eq!(got[0][3], Value::Null);
    assert_eq!((&got[1][1], &got[1][2]), (&json!(1), &Value::Null));
    let kept: Value = serde_json::from_str(got[1][3].as_str().unwrap()).unwrap();
    assert_eq!(kept, json!({"hits": hit}), "the object is kept as the API sent it");
    assert_eq!(got[2][1], Value::Null);
    let kept: Value = serde_json::from_str(got[2][3].as_str().unwrap()).unwrap();
    assert_eq!(kept, json!({"hits_count": "many"}));
    assert_eq!((&got[3][1], &got[3][2], &got[3][3]), (&json!(0), &json!([]), &Value::Null));
}
