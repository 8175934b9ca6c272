//! `dataapi fake-server` as a process: the URL as the first line, a working endpoint, a
//! clean exit on SIGTERM, `--dump` as JSON lines equal to what the server serves, and exit
//! code 2 with a message for bad options.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{dataapi, serve};
use serde_json::{Value, json};

const DATA: [&str; 8] = ["--seed", "7", "--from", "2026-01-01", "--till", "2026-01-31", "--rows-per-day", "50"];

fn post(url: &str, body: &Value) -> Value {
    let addr = url.trim_start_matches("http://").trim_end_matches("/v2.0");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let body = body.to_string();
    let head =
        format!("POST /v2.0 HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut all = String::new();
    stream.read_to_string(&mut all).unwrap();
    serde_json::from_str(all.split_once("\r\n\r\n").unwrap().1).unwrap()
}

#[test]
fn serves_until_sigterm_and_answers_what_it_dumps() {
    let mut command = dataapi();
    command.args(["fake-server", "--addr", "127.0.0.1:0", "--token", "T"]).args(DATA);
    let (mut child, url) = serve(command);
    let url = url.as_str();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/v2.0"), "{url}");
    let window = json!({"access_token": "T", "date_from": "2026-01-05 00:00:00", "date_till": "2026-01-06 23:59:59",
        "fields": ["id", "start_time", "finish_reason"], "limit": 10000});
    let reply = post(url, &json!({"jsonrpc": "2.0", "id": 1, "method": "get.calls_report", "params": window}));
    let served = reply["result"]["data"].as_array().unwrap().clone();
    assert_eq!(served.len(), 100);

    let dump = dataapi()
        .args(["fake-server"])
        .args(DATA)
        .args([
            "--dump",
            "get.calls_report",
            "--dump-from",
            "2026-01-05 00:00:00",
            "--dump-till",
            "2026-01-06 23:59:59",
        ])
        .args(["--dump-fields", "id,start_time,finish_reason"])
        .output()
        .unwrap();
    assert!(dump.status.success());
    let lines: Vec<Value> =
        String::from_utf8(dump.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, served, "the dump is what the server serves");

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM ends it cleanly: {status:?}");
}

#[test]
fn dump_prints_every_field_in_wire_form() {
    let out = dataapi().args(["fake-server"]).args(DATA).args(["--dump", "get.communications"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 31 * 50);
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let fields = dataapi::communications::DESCRIPTOR.fields.len();
    assert_eq!(first.as_object().unwrap().len(), fields);
}

#[test]
fn a_schema_folder_is_laid_over_the_bundled_one() {
    let out = dataapi()
        .args(["fake-server"])
        .args(DATA)
        .args(["--schema", concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/consumers/buildrs/schema")])
        .args(["--dump", "get.deals_report", "--dump-fields", "id"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dumped: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!dumped.is_empty());

    // And it serves the user's method as it serves the bundled ones.
    let mut child = dataapi()
        .args(["fake-server", "--token", "T"])
        .args(DATA)
        .args(["--schema", concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/consumers/buildrs/schema")])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let params = json!({"access_token": "T", "date_from": "2026-01-01 00:00:00", "date_till": "2026-01-31 23:59:59",
        "fields": ["id"], "limit": 5000});
    let reply = post(first.trim(), &json!({"jsonrpc": "2.0", "id": 1, "method": "get.deals_report", "params": params}));
    child.kill().unwrap();
    let _ = child.wait();
    let served = reply["result"]["data"].as_array().unwrap_or_else(|| panic!("{}", reply["error"]));
    assert!(served == &dumped, "the user's method serves its dump");
}

#[test]
fn bad_options_exit_2_with_a_message() {
    for args in [
        &["fake-server", "--rows-per-day", "many"][..],
        &["fake-server", "--from", "2026-13-01"],
        &["fake-server", "--from", "2026-03-01", "--till", "2026-02-01", "--token", "T"],
        &["fake-server", "--faults", "1.5", "--token", "T"],
        &["fake-server", "--fault", "meteor=0.1", "--token", "T"],
        &["fake-server", "--minute-length", "-3", "--token", "T"],
        &["fake-server", "--login", "only-a-login", "--token", "T"],
        &["fake-server", "--dump", "get.nothing"],
        &["fake-server", "--dump", "get.calls_report", "--dump-fields", "id,nope"],
        &["fake-server", "--dump-from", "2026-01-01 00:00:00"],
        &["fake-server", "--schema", "/no/such/folder", "--token", "T"],
        &["fake-server"],
        &["no-such-command"],
    ] {
        let out = dataapi().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// The live spellings: a manual clock moved over HTTP, and `--dump --as-of` printing what a
/// request at that moment sees.
#[test]
fn a_live_server_moves_its_clock_and_answers_its_dump_as_of() {
    let live = [
        "--clock-start",
        "2026-01-05 12:00:00",
        "--clock",
        "manual",
        "--late-seconds",
        "7200",
        "--edit-rate",
        "0.2",
        "--edit-window",
        "86400",
        "--delete-rate",
        "0.05",
        "--unstable-ties",
        "--time-zone",
        "Asia/Yekaterinburg",
    ];
    let mut command = dataapi();
    command.args(["fake-server", "--addr", "127.0.0.1:0", "--token", "T"]).args(DATA).args(live);
    let (mut child, url) = serve(command);
    let base = url.trim_end_matches("/v2.0");
    let addr = base.trim_start_matches("http://");
    let clock = |body: &str| {
        let mut stream = TcpStream::connect(addr).unwrap();
        let head = format!(
            "POST /__clock HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        let mut all = String::new();
        stream.read_to_string(&mut all).unwrap();
        let (head, body) = all.split_once("\r\n\r\n").unwrap();
        (head.to_owned(), serde_json::from_str::<Value>(body).unwrap())
    };
    let (head, now) = clock(r#"{"advance_seconds": 86400}"#);
    assert_eq!(now, json!({"now": "2026-01-06 12:00:00"}));
    assert!(head.to_ascii_lowercase().contains("date: tue, 06 jan 2026 07:00:00 gmt"), "{head}");
    let window = json!({"access_token": "T", "date_from": "2026-01-05 00:00:00", "date_till": "2026-01-06 23:59:59",
        "fields": ["id", "start_time", "tags"], "limit": 10000, "sort": [{"field": "start_time"}]});
    let reply = post(&url, &json!({"jsonrpc": "2.0", "id": 1, "method": "get.calls_report", "params": window}));
    let mut served = reply["result"]["data"].as_array().unwrap().clone();
    let account =
        post(&url, &json!({"jsonrpc": "2.0", "id": 2, "method": "get.account", "params": {"access_token": "T"}}));
    assert_eq!(account["result"]["data"][0]["timezone"], "Asia/Yekaterinburg");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    assert!(child.wait().unwrap().success());

    let dump = |as_of: &str| {
        let out = dataapi()
            .args(["fake-server"])
            .args(DATA)
            .args(live)
            .args([
                "--dump",
                "get.calls_report",
                "--dump-from",
                "2026-01-05 00:00:00",
                "--dump-till",
                "2026-01-06 23:59:59",
            ])
            .args(["--dump-fields", "id,start_time,tags", "--as-of", as_of])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect::<Vec<Value>>()
    };
    let mut then = dump("2026-01-06 12:00:00");
    let key = |v: &Value| v["id"].as_i64().unwrap();
    served.sort_by_key(key);
    then.sort_by_key(key);
    assert_eq!(served, then, "the dump as of the clock's now is what the server served");
    let start = dump("2026-01-05 12:00:00");
    assert!(
        start.len() < then.len() && start.len() > 10,
        "rows arrive as the clock moves: {} {}",
        start.len(),
        then.len()
    );
}

#[test]
fn bad_live_options_exit_2_with_a_message() {
    for args in [
        &[
            "fake-server",
            "--dump",
            "get.calls_report",
            "--dump-from",
            "2026-01-02 00:00:00",
            "--dump-till",
            "2026-01-01 00:00:00",
        ][..],
        &["fake-server", "--token", "T", "--time-zone", "Mars/Olympus"],
        &["fake-server", "--token", "T", "--edit-rate", "1.5"],
        &["fake-server", "--token", "T", "--delete-rate", "-0.1"],
        &["fake-server", "--token", "T", "--edit-window", "0"],
        &["fake-server", "--token", "T", "--clock", "sundial"],
        &["fake-server", "--token", "T", "--clock-start", "2026-01-01T00:00:00"],
        &["fake-server", "--token", "T", "--fault", "omit_total=0.1"],
        &["fake-server", "--as-of", "2026-01-01 00:00:00"],
    ] {
        let out = dataapi().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = dataapi()
        .args([
            "fake-server",
            "--dump",
            "get.calls_report",
            "--dump-from",
            "2026-01-02 00:00:00",
            "--dump-till",
            "2026-01-01 00:00:00",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("later than --dump-till"));
}
