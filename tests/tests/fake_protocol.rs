//! The fake server as a server: the data set is deterministic, many clients at once get
//! correct and independent answers, hostile requests get the API's error and never a panic
//! or a hang, faults are injected as asked, and `/__stats` counts it all.

mod fake_common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use dataapi::Date;
use dataapi::fake::{DataOptions, Dataset, FakeServer, FaultKind};
use fake_common::{Running, mnemonic, params, post, request};
use proptest::prelude::*;
use serde_json::{Value, json};

fn small() -> dataapi::fake::FakeServerBuilder {
    FakeServer::builder()
        .methods(dataapi::METHODS)
        .seed(5)
        .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 10).unwrap())
        .rows_per_day(50)
        .token("T")
}

fn rows(dataset: &Dataset, method: &str, fields: &[&str]) -> Vec<String> {
    let m = dataset.method(method).unwrap();
    let fields: Vec<usize> =
        fields.iter().map(|f| m.descriptor.fields.iter().position(|x| x.name == *f).unwrap()).collect();
    (0..m.len())
        .map(|g| {
            let mut s = String::new();
            m.write_row(g, &fields, &mut s);
            s
        })
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_rows_and_another_seed_others() {
    let options = DataOptions { seed: 9, rows_per_day: 30, ..DataOptions::default() };
    let a = Dataset::new(dataapi::METHODS, options);
    let b = Dataset::new(dataapi::METHODS, options);
    let c = Dataset::new(dataapi::METHODS, DataOptions { seed: 10, ..options });
    for m in dataapi::METHODS {
        let all: Vec<&str> = m.fields.iter().map(|f| f.name).collect();
        let (ra, rb, rc) = (rows(&a, m.name, &all), rows(&b, m.name, &all), rows(&c, m.name, &all));
        // A period's worth of rows; a list without dates has a list's worth, and the account
        // is one row that no seed changes.
        let dated = m.fields.iter().any(|f| matches!(f.ty, dataapi::runtime::TypeDescriptor::DateTime));
        let expected = match m.name {
            dataapi::fake::ACCOUNT_METHOD => 1,
            _ if dated => 90 * 30,
            _ => dataapi::fake::LIST_ROWS,
        };
        assert_eq!(ra.len() as u64, expected, "{}", m.name);
        assert_eq!(ra, rb);
        if m.name != dataapi::fake::ACCOUNT_METHOD {
            assert_ne!(ra, rc);
        }
    }
    // A fixed point, so that a change of the generator is a visible decision: the same seed
    // and options must give the same rows on every machine.
    let first = &rows(&a, "get.calls_report", &["id", "start_time", "finish_reason", "total_duration"])[0];
    assert_eq!(first, FIRST_ROW, "the data set of seed 9 changed");
}

const FIRST_ROW: &str =
    r#"{"id":1000000,"start_time":"2026-01-01 00:10:56","finish_reason":"app_is_inactive","total_duration":null}"#;

#[test]
fn every_field_is_filled_from_its_type() {
    let data = Dataset::new(dataapi::METHODS, DataOptions { rows_per_day: 50, ..DataOptions::default() });
    for m in dataapi::METHODS {
        let all: Vec<&str> = m.fields.iter().map(|f| f.name).collect();
        let rows: Vec<Value> = rows(&data, m.name, &all).iter().map(|r| serde_json::from_str(r).unwrap()).collect();
        for f in m.fields {
            let values: Vec<&Value> = rows.iter().map(|r| &r[f.name]).collect();
            assert!(values.iter().any(|v| !v.is_null()), "{}.{} is never filled", m.name, f.name);
        }
        // Enums carry known codes and some the schema does not know.
        for f in m.fields.iter().filter(|f| matches!(f.ty, dataapi::runtime::TypeDescriptor::Enum { .. })) {
            let dataapi::runtime::TypeDescriptor::Enum { codes, .. } = f.ty else { unreachable!() };
            let strings: Vec<&str> = rows.iter().filter_map(|r| r[f.name].as_str()).collect();
            assert!(strings.iter().any(|s| codes.contains(s)), "{}", f.name);
            assert!(strings.iter().any(|s| !codes.contains(s)), "{}", f.name);
        }
    }
    // Rows decode into the generated types.
    let all: Vec<&str> = dataapi::calls_report::DESCRIPTOR.fields.iter().map(|f| f.name).collect();
    for row in rows(&data, "get.calls_report", &all).iter().take(500) {
        let _: dataapi::calls_report::Row = serde_json::from_str(row).unwrap();
    }
}

#[test]
fn many_clients_at_once_get_correct_independent_answers() {
    let s = Running::start(small());
    let addr = s.addr();
    let expected_ids: Vec<Value> = rows(s.server().dataset(), "get.calls_report", &["id"])
        .iter()
        .map(|r| serde_json::from_str::<Value>(r).unwrap()["id"].clone())
        .collect();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let expected = expected_ids.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let offset = (t * 31 + i * 7) % 400;
                    let body = json!({"jsonrpc": "2.0", "id": t * 1000 + i, "method": "get.calls_report",
                        "params": params(json!({"offset": offset, "limit": 20, "fields": ["id"]}))});
                    let reply = post(addr, body.to_string().as_bytes()).json();
                    assert_eq!(reply["id"], t * 1000 + i);
                    let ids: Vec<Value> =
                        reply["result"]["data"].as_array().unwrap().iter().map(|r| r["id"].clone()).collect();
                    assert_eq!(ids, expected[offset..(offset + 20).min(500)], "client {t}, request {i}");
                    assert_eq!(reply["result"]["metadata"]["total_items"], 500);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a client");
    }
    let stats = s.stats();
    assert_eq!(stats["requests"], 16 * 25);
    assert_eq!(stats["rows"], 16 * 25 * 20);
}

#[test]
fn hostile_requests_get_errors_not_panics_or_hangs() {
    let s = Running::start(small());
    // Deep nesting: JSON deeper than the parser's limit, and a filter deeper than is useful.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(mnemonic(&s.raw(deep.as_bytes())), "parse_error");
    let mut filter = json!({"field": "direction", "operator": "=", "value": "in"});
    for _ in 0..40 {
        filter = json!({"filters": [filter], "condition": "and"});
    }
    let reply = s.call("get.calls_report", params(json!({"filter": filter})));
    assert!(reply.get("result").is_some(), "{reply}");
    let mut too_deep = json!({"field": "direction", "operator": "=", "value": "in"});
    for _ in 0..200 {
        too_deep = json!({"filters": [too_deep], "condition": "and"});
    }
    let mut text = too_deep.to_string();
    text = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"get.calls_report","params":{{"access_token":"T","date_from":"2026-01-01 00:00:00","date_till":"2026-01-02 00:00:00","filter":{text}}}}}"#
    );
    assert_eq!(mnemonic(&s.raw(text.as_bytes())), "parse_error");
    // Wrong types everywhere.
    for p in [
        json!({"access_token": 5}),
        json!({"access_token": "T", "date_from": 1, "date_till": []}),
        json!([1, 2]),
        json!(null),
    ] {
        let reply = s.call("get.calls_report", p);
        assert_eq!(reply["error"]["code"], -32602, "{reply}");
    }
    // A huge `in` list within the size limit, and a pattern that would backtrack.
    let many: Vec<u32> = (0..50_000).collect();
    let reply = s.call(
        "get.calls_report",
        params(json!({"filter": {"field": "total_duration", "operator": "in", "value": many}})),
    );
    assert!(reply.get("result").is_some(), "{reply}");
    let started = Instant::now();
    let pattern = format!("{}b", "%a".repeat(500));
    let reply = s.call(
        "get.calls_report",
        params(json!({"filter": {"field": "cpn_region_name", "operator": "like", "value": pattern}})),
    );
    assert!(reply.get("result").is_some(), "{reply}");
    assert!(started.elapsed() < Duration::from_secs(10));
    // A head that never ends does not hold the server: others are still answered.
    let mut idle = TcpStream::connect(s.addr()).unwrap();
    idle.write_all(b"POST /v2.0 HTTP/1.1\r\nHost: x\r\n").unwrap();
    let reply = s.call("get.calls_report", params(json!({"limit": 1})));
    assert!(reply.get("result").is_some());
    // A body shorter than its declared length, then the client gives up.
    let mut short = TcpStream::connect(s.addr()).unwrap();
    short.write_all(b"POST /v2.0 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}").unwrap();
    drop(short);
    // Garbage instead of HTTP gets 400 and a closed connection.
    let garbage = request(s.addr(), b"\x00\x01\x02 not http\r\n\r\n");
    assert_eq!(garbage.status, 400);
    assert!(s.call("get.calls_report", params(json!({"limit": 1}))).get("result").is_some());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any bytes as a body, and any JSON as `params`, get a JSON-RPC reply.
    #[test]
    fn any_body_gets_a_json_rpc_reply(bytes in proptest::collection::vec(any::<u8>(), 0..300), key in "[a-z_]{1,12}", n in any::<i64>()) {
        let s = shared();
        let reply = post(s.addr(), &bytes);
        prop_assert_eq!(reply.status, 200);
        let v = reply.json();
        prop_assert!(v.get("error").is_some());
        let reply = s.call("get.calls_report", params(json!({key.as_str(): n})));
        prop_assert!(reply.get("error").is_some() || reply.get("result").is_some());
    }
}

fn shared() -> &'static Running {
    static SERVER: std::sync::OnceLock<Running> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| Running::start(small()))
}

/// Reads a reply whose body may be cut short; `None` when the connection broke.
fn read_whole(addr: std::net::SocketAddr, body: &[u8]) -> (u16, Vec<u8>, Option<usize>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!("POST /v2.0 HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    let reply = fake_common::parse(&all);
    let length = reply
        .head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()));
    (reply.status, reply.body, length)
}

#[test]
fn faults_of_each_kind() {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "get.calls_report", "params": params(json!({"limit": 5}))})
        .to_string();
    for kind in FaultKind::EVERY {
        let s = Running::start(small().fault(kind, 1.0).slow_delay(Duration::from_millis(300)));
        let started = Instant::now();
        let (status, reply, length) = read_whole(s.addr(), body.as_bytes());
        match kind {
            FaultKind::BadGateway => assert_eq!(status, 502),
            FaultKind::Unavailable => assert_eq!(status, 503),
            FaultKind::ErrorReply => {
                assert_eq!(mnemonic(&serde_json::from_slice(&reply).unwrap()), "internal_error");
            }
            FaultKind::Slow => {
                assert!(started.elapsed() >= Duration::from_millis(300));
                assert!(serde_json::from_slice::<Value>(&reply).unwrap().get("result").is_some());
            }
            FaultKind::Disconnect => {
                assert_eq!(status, 200);
                assert!(reply.len() < length.unwrap(), "the body is cut short of its length");
            }
            FaultKind::Truncated => {
                assert_eq!(status, 200);
                assert_eq!(reply.len(), length.unwrap());
                assert!(serde_json::from_slice::<Value>(&reply).is_err());
            }
            FaultKind::OmitTotalItems => {
                let reply: Value = serde_json::from_slice(&reply).unwrap();
                assert_eq!(reply["result"]["data"].as_array().unwrap().len(), 5);
                assert!(reply["result"]["metadata"].get("total_items").is_none(), "{reply}");
            }
        }
        let stats = s.stats();
        assert_eq!(stats["faults"], 1, "{kind:?}");
        assert_eq!(stats["faults_by_kind"][kind.as_str()], 1);
    }
}

#[test]
fn faults_are_drawn_from_the_seed_and_never_change_data() {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "get.calls_report",
        "params": params(json!({"limit": 3, "fields": ["id"]}))})
    .to_string();
    let run = || {
        let first: Value = serde_json::from_str(&rows(&small().dataset(), "get.calls_report", &["id"])[0]).unwrap();
        let s = Running::start(
            small()
                .fault(FaultKind::BadGateway, 0.3)
                .fault(FaultKind::Truncated, 0.2)
                .fault(FaultKind::ErrorReply, 0.1),
        );
        let outcomes: Vec<String> = (0..40)
            .map(|_| {
                let (status, reply, _) = read_whole(s.addr(), body.as_bytes());
                match serde_json::from_slice::<Value>(&reply) {
                    Ok(v) if v.get("result").is_some() => {
                        assert_eq!(v["result"]["data"][0]["id"], first["id"], "faults never change the data");
                        "ok".to_owned()
                    }
                    Ok(v) => mnemonic(&v).to_owned(),
                    Err(_) => format!("broken {status}"),
                }
            })
            .collect();
        let stats = s.stats();
        assert_eq!(stats["requests"], 40);
        (outcomes, stats)
    };
    let (a, stats) = run();
    let (b, _) = run();
    assert_eq!(a, b, "the same seed injects the same faults");
    assert!(a.iter().any(|o| o == "ok") && a.iter().any(|o| o != "ok"));
    let faults = a.iter().filter(|o| *o != "ok").count() as u64;
    assert_eq!(stats["faults"], faults);
}

#[test]
fn stats_count_requests_errors_and_rows() {
    let s = Running::start(small());
    s.call("get.calls_report", params(json!({"limit": 7})));
    s.call("get.calls_report", params(json!({"limit": 0})));
    s.raw(b"{");
    let stats = s.stats();
    assert_eq!(stats["requests"], 3);
    assert_eq!(stats["rows"], 7);
    assert_eq!(stats["errors"], json!({"invalid_parameter_value": 1, "parse_error": 1}));
    assert_eq!(stats["faults"], 0);
}

#[test]
fn stop_closes_the_listener() {
    let s = Running::start(small());
    let addr = s.addr();
    s.stop();
    std::thread::sleep(Duration::from_millis(50));
    assert!(TcpStream::connect(addr).is_err());
}
