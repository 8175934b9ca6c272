//! Every error the fake server can answer, from the raw JSON of a request: its code, its
//! mnemonic, and the field and value it names.

mod fake_common;

use std::time::Duration;

use dataapi::Date;
use dataapi::fake::{FakeServer, FaultKind, code_of};
use fake_common::{Running, mnemonic, params, post, request};
use serde_json::{Value, json};

fn server() -> Running {
    Running::start(
        FakeServer::builder()
            .methods(dataapi::METHODS)
            .seed(3)
            .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 31).unwrap())
            .rows_per_day(20)
            .token("T")
            .login("manager", "secret"),
    )
}

/// The reply is the API's error object with this code, mnemonic, field and value.
#[track_caller]
fn check(reply: &Value, code: i64, name: &str, field: Option<&str>, value: Option<Value>) {
    assert_eq!(reply["jsonrpc"], "2.0", "{reply}");
    assert_eq!(mnemonic(reply), name, "{reply}");
    assert_eq!(reply["error"]["code"], code, "{reply}");
    assert_eq!(code_of(name), code);
    assert!(reply["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{reply}");
    assert!(reply.get("result").is_none());
    if let Some(field) = field {
        assert_eq!(reply["error"]["data"]["field"], field, "{reply}");
    }
    if let Some(value) = value {
        assert_eq!(reply["error"]["data"]["value"], value, "{reply}");
    }
}

#[test]
fn envelope_errors() {
    let s = server();
    check(&s.raw(br#"{"jsonrpc":"2.0","id":1,"method":"#), -32700, "parse_error", None, None);
    check(&s.raw(b"\xff\xfe not utf-8"), -32700, "parse_error", None, None);
    check(&s.raw(b""), -32700, "parse_error", None, None);
    let batch = br#"[{"jsonrpc":"2.0","id":1,"method":"get.calls_report","params":{}}]"#;
    check(&s.raw(batch), -32099, "batch_operations_not_supported", None, None);
    check(&s.raw(b"[]"), -32099, "batch_operations_not_supported", None, None);
    let notification = br#"{"jsonrpc":"2.0","method":"get.calls_report","params":{}}"#;
    check(&s.raw(notification), -32099, "notifications_not_supported", None, None);
    check(&s.raw(br#""hello""#), -32600, "invalid_request", None, None);
    check(
        &s.raw(br#"{"jsonrpc":"1.0","id":1,"method":"get.calls_report"}"#),
        -32600,
        "invalid_request",
        Some("jsonrpc"),
        Some(json!("1.0")),
    );
    check(&s.raw(br#"{"jsonrpc":"2.0","id":1}"#), -32600, "invalid_request", Some("method"), None);
    check(&s.raw(br#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#), -32600, "invalid_request", Some("id"), None);
    check(
        &s.raw(br#"{"jsonrpc":"2.0","id":1,"method":"x","extra":1}"#),
        -32600,
        "invalid_request",
        Some("extra"),
        None,
    );
    let reply = s.raw(br#"{"jsonrpc":"2.0","id":"abc","method":"get.calls_reprot","params":{}}"#);
    check(&reply, -32601, "method_not_found", Some("method"), Some(json!("get.calls_reprot")));
    assert_eq!(reply["id"], "abc", "the id is repeated");
    assert!(reply["error"]["data"]["extended_helper"].as_str().unwrap().contains("get.calls_report"));
}

#[test]
fn http_level_errors() {
    let s = server();
    let get = request(s.addr(), b"GET /v2.0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(get.status, 405);
    check(&get.json(), -32600, "invalid_request", None, None);
    let elsewhere =
        request(s.addr(), b"POST /v1.0 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assert_eq!(elsewhere.status, 404);
    check(&elsewhere.json(), -32601, "method_not_found", None, None);
    // Over the documented size: refused from its declared length, before it is read …
    let huge = vec![b' '; dataapi::fake::MAX_BODY_BYTES + 1];
    let reply = post(s.addr(), &huge);
    assert_eq!(reply.status, 413);
    check(&reply.json(), -32600, "invalid_request", None, None);
    // … and when it is sent in chunks without a length.
    let mut chunked =
        b"POST /v2.0 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..20 {
        chunked.extend_from_slice(format!("{:x}\r\n", 65_536).as_bytes());
        chunked.extend(std::iter::repeat_n(b' ', 65_536));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let reply = request(s.addr(), &chunked);
    assert_eq!(reply.status, 413);
    check(&reply.json(), -32600, "invalid_request", None, None);
}

#[test]
fn parameter_errors_name_the_field_and_value() {
    let s = server();
    let call = |p: Value| s.call("get.calls_report", p);
    let mut no_from = params(json!({}));
    no_from.as_object_mut().unwrap().remove("date_from");
    check(&call(no_from), -32602, "required_parameter_missed", Some("date_from"), None);
    let mut no_token = params(json!({}));
    no_token.as_object_mut().unwrap().remove("access_token");
    check(&call(no_token), -32602, "required_parameter_missed", Some("access_token"), None);
    check(&call(params(json!({"limit": 0}))), -32602, "invalid_parameter_value", Some("limit"), Some(json!(0)));
    check(&call(params(json!({"limit": 10001}))), -32602, "invalid_parameter_value", Some("limit"), Some(json!(10001)));
    check(
        &call(params(json!({"offset": 100001}))),
        -32602,
        "invalid_parameter_value",
        Some("offset"),
        Some(json!(100001)),
    );
    check(&call(params(json!({"limit": "ten"}))), -32602, "data_type_error", Some("limit"), Some(json!("ten")));
    check(&call(json!("not an object")), -32602, "data_type_error", None, None);
    check(&call(params(json!({"colour": "red"}))), -32602, "unexpected_parameters", Some("colour"), Some(json!("red")));
    check(
        &call(params(json!({"fields": ["id", "nope"]}))),
        -32602,
        "unexpected_parameters",
        Some("fields[1]"),
        Some(json!("nope")),
    );
    check(
        &call(params(json!({"date_from": "2026-01-10 00:00:00", "date_till": "2026-01-09 00:00:00"}))),
        -32602,
        "invalid_parameters_combination",
        Some("date_till"),
        Some(json!("2026-01-09 00:00:00")),
    );
    check(
        &call(params(json!({"date_till": "2026-05-01 00:00:00"}))),
        -32602,
        "date_interval_limit_reached",
        Some("date_till"),
        None,
    );
    check(
        &call(params(json!({"date_from": "2026-01-01T00:00:00"}))),
        -32602,
        "invalid_parameter_value",
        Some("date_from"),
        Some(json!("2026-01-01T00:00:00")),
    );
    check(
        &call(params(json!({"sort": [{"field": "id", "order": "asc"}]}))),
        -32602,
        "sort_prohibited",
        Some("sort[0].field"),
        Some(json!("id")),
    );
    check(
        &call(params(
            json!({"filter": {"filters": [{"field": "start_time", "operator": "=", "value": "2026-01-01 00:00:00"}], "condition": "and"}}),
        )),
        -32602,
        "filter_prohibited",
        Some("filter.filters[0].field"),
        Some(json!("start_time")),
    );
    check(
        &call(params(json!({"filter": {"field": "total_duration", "operator": "like", "value": "1%"}}))),
        -32602,
        "invalid_parameter_value",
        Some("filter.operator"),
        Some(json!("like")),
    );
    check(
        &call(params(json!({"filter": {"field": "total_duration", "operator": "=", "value": "long"}}))),
        -32602,
        "data_type_error",
        Some("filter.value"),
        Some(json!("long")),
    );
    // What the validator accepts but the fake server cannot answer.
    check(
        &call(params(json!({"filter": {"field": "cpn_region_name", "operator": "regexp", "value": "(unclosed"}}))),
        -32602,
        "invalid_parameter_value",
        Some("filter.value"),
        None,
    );
    let flat = json!({"access_token": "T", "date_from": "2026-01-01 00:00:00", "date_till": "2026-01-02 00:00:00",
        "report_id": 1, "report_type": "communications", "fields": ["communication_id"]});
    let mut missing = flat.clone();
    missing.as_object_mut().unwrap().remove("report_id");
    check(&s.call("get.communications", missing), -32602, "required_parameter_missed", Some("report_id"), None);
}

#[test]
fn jsquery_is_refused_clearly() {
    let s = server();
    // `attributes` (an array) may be filtered, and `jsquery` fits arrays: the validator
    // accepts it, and the fake server says that it cannot evaluate it.
    let p = params(json!({"filter": {"field": "attributes", "operator": "jsquery", "value": "$ = \"first\""}}));
    let reply = s.call("get.calls_report", p);
    check(&reply, -32602, "invalid_parameter_value", Some("filter.operator"), None);
    assert!(reply["error"]["message"].as_str().unwrap().contains("fake server does not support `jsquery`"));
}

#[test]
fn token_errors() {
    let s = Running::start(
        FakeServer::builder()
            .methods(dataapi::METHODS)
            .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 31).unwrap())
            .rows_per_day(5)
            .token("T")
            .login("manager", "secret")
            .token_ttl(Duration::from_secs(1)),
    );
    let reply = s.call("get.calls_report", params(json!({"access_token": "nobody"})));
    check(&reply, -32001, "access_token_invalid", Some("access_token"), None);
    assert!(!reply.to_string().contains("nobody"), "the token is not echoed");
    check(&s.call("login.user", json!({"login": "manager", "password": "wrong"})), -32001, "auth_error", None, None);
    check(
        &s.call("login.user", json!({"login": "manager"})),
        -32602,
        "required_parameter_missed",
        Some("password"),
        None,
    );
    check(
        &s.call("login.user", json!({"login": 7, "password": "x"})),
        -32602,
        "data_type_error",
        Some("login"),
        Some(json!(7)),
    );
    check(
        &s.call("login.user", json!({"login": "manager", "password": "secret", "app": 1})),
        -32602,
        "unexpected_parameters",
        Some("app"),
        None,
    );
    let session = s.call("login.user", json!({"login": "manager", "password": "secret"}));
    let token = session["result"]["data"]["access_token"].as_str().expect("a token").to_owned();
    assert!(session["result"]["data"]["expire_at"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(session["result"]["data"]["app_id"], 1);
    assert!(s.call("get.calls_report", params(json!({"access_token": token}))).get("result").is_some());
    std::thread::sleep(Duration::from_millis(1100));
    check(
        &s.call("get.calls_report", params(json!({"access_token": token}))),
        -32001,
        "access_token_expired",
        Some("access_token"),
        None,
    );
    // Log in again, then out: the token is no longer known.
    let session = s.call("login.user", json!({"login": "manager", "password": "secret"}));
    let token = session["result"]["data"]["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        s.call("logout.user", json!({"access_token": token})),
        json!({"jsonrpc": "2.0", "id": 1, "result": {"data": {}}})
    );
    check(
        &s.call("get.calls_report", params(json!({"access_token": token}))),
        -32001,
        "access_token_invalid",
        None,
        None,
    );
    check(&s.call("logout.user", json!({"access_token": token})), -32001, "access_token_invalid", None, None);
    check(&s.call("logout.user", json!({})), -32602, "required_parameter_missed", Some("access_token"), None);
}

#[test]
fn limit_errors_and_what_is_charged() {
    let s = Running::start(
        FakeServer::builder()
            .methods(dataapi::METHODS)
            .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 31).unwrap())
            .rows_per_day(5)
            .token("T")
            .token("U")
            .minute_limit(3)
            .day_limit(5)
            // Long enough for the calls below to fall in one window even on a busy machine.
            .minute_length(Duration::from_secs(3)),
    );
    let ok = |token: &str| s.call("get.calls_report", params(json!({"access_token": token, "limit": 1})));
    let limits = ok("T")["result"]["metadata"]["limits"].clone();
    assert_eq!(limits["minute_limit"], 3);
    assert_eq!(limits["minute_remaining"], 2);
    assert_eq!(limits["day_limit"], 5);
    assert_eq!(limits["day_remaining"], 4);
    assert!((1..=3).contains(&limits["minute_reset"].as_u64().unwrap()));
    assert!(limits["day_reset"].as_u64().unwrap() > 80_000);
    // A failed call is not charged.
    let failed = s.call("get.calls_report", params(json!({"access_token": "T", "limit": 0})));
    assert_eq!(mnemonic(&failed), "invalid_parameter_value");
    assert_eq!(ok("T")["result"]["metadata"]["limits"]["minute_remaining"], 1);
    assert_eq!(ok("T")["result"]["metadata"]["limits"]["minute_remaining"], 0);
    let spent = ok("T");
    check(&spent, -32029, "limit_exceeded", None, None);
    assert!(spent["error"]["message"].as_str().unwrap().contains("minute"));
    assert_eq!(spent["error"]["data"]["metadata"]["limits"]["minute_remaining"], 0);
    // Budgets are per token.
    assert_eq!(ok("U")["result"]["metadata"]["limits"]["minute_remaining"], 2);
    // After the "minute" (it says when it resets), two more points of the day are left.
    let reset = spent["error"]["data"]["metadata"]["limits"]["minute_reset"].as_u64().unwrap();
    std::thread::sleep(Duration::from_millis(reset * 1000 + 100));
    assert_eq!(ok("T")["result"]["metadata"]["limits"]["day_remaining"], 1);
    assert_eq!(ok("T")["result"]["metadata"]["limits"]["day_remaining"], 0);
    let spent = ok("T");
    check(&spent, -32029, "limit_exceeded", None, None);
    assert!(spent["error"]["message"].as_str().unwrap().contains("day"));
}

#[test]
fn internal_error_is_a_fault() {
    let s = Running::start(
        FakeServer::builder()
            .methods(dataapi::METHODS)
            .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 2).unwrap())
            .rows_per_day(5)
            .token("T")
            .fault(FaultKind::ErrorReply, 1.0),
    );
    let reply = s.call("get.calls_report", params(json!({"date_till": "2026-01-02 00:00:00"})));
    check(&reply, -32603, "internal_error", None, None);
    assert_eq!(reply["id"], 1);
}
