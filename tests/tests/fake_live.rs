//! The live fake server over real HTTP: the clock (`/__clock`, the `Date` header,
//! `get.account`), rows that arrive late, are edited and deleted at their moments and not
//! before, unstable ties, the same answers for the same options and clock moves, the
//! `omit_total_items` fault, `/__stats`, and the list-sized chat channels and chat-selecting
//! parameters of chat messages.

mod fake_common;

use std::collections::BTreeSet;

use dataapi::fake::{FakeServer, FakeServerBuilder, FaultKind, http_date, secs_of};
use dataapi::{Date, DateTime};
use fake_common::{Running, params, request};
use serde_json::{Value, json};

fn at(s: &str) -> DateTime {
    s.parse().unwrap()
}

fn builder() -> FakeServerBuilder {
    FakeServer::builder()
        .methods(dataapi::METHODS)
        .seed(3)
        .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 10).unwrap())
        .rows_per_day(50)
        .token("T")
}

fn get(s: &Running, path: &str) -> fake_common::HttpReply {
    request(s.addr(), format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
}

fn post_clock(s: &Running, body: &str) -> fake_common::HttpReply {
    let message = format!(
        "POST /__clock HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    request(s.addr(), message.as_bytes())
}

fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().find_map(|l| l.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()))
}

/// The ids a request for one row's id (within the whole period) sees, with the row's fields.
fn row_by_id(s: &Running, id: &Value) -> Vec<Value> {
    let fields: Vec<&str> = dataapi::calls_report::DESCRIPTOR.fields.iter().map(|f| f.name).collect();
    let p = params(json!({"filter": {"field": "id", "operator": "=", "value": id}, "limit": 10, "fields": fields}));
    s.call("get.calls_report", p)["result"]["data"].as_array().unwrap().clone()
}

#[test]
fn the_clock_moves_when_told_and_every_reply_states_it() {
    let s = Running::start(builder().clock_start(at("2026-01-05 12:00:00")).manual_clock());
    let reply = get(&s, "/__clock");
    assert_eq!(reply.json(), json!({"now": "2026-01-05 12:00:00"}));
    assert_eq!(header(&reply.head, "date"), Some("Mon, 05 Jan 2026 09:00:00 GMT"), "Moscow is UTC+3");
    let moved = post_clock(&s, r#"{"advance_seconds": 3600}"#);
    assert_eq!(moved.status, 200);
    assert_eq!(moved.json(), json!({"now": "2026-01-05 13:00:00"}));
    assert_eq!(header(&moved.head, "date"), Some("Mon, 05 Jan 2026 10:00:00 GMT"));
    // The JSON-RPC replies carry it too.
    let rpc = fake_common::post(
        s.addr(),
        br#"{"jsonrpc":"2.0","id":1,"method":"get.account","params":{"access_token":"T"}}"#,
    );
    assert_eq!(header(&rpc.head, "date"), Some("Mon, 05 Jan 2026 10:00:00 GMT"));
    assert_eq!(
        rpc.json()["result"]["data"],
        json!([{"app_id": 1, "name": "Fake account", "timezone": "Europe/Moscow"}])
    );
    assert_eq!(post_clock(&s, r#"{"set": "2026-01-02 00:00:00"}"#).json(), json!({"now": "2026-01-02 00:00:00"}));
    assert_eq!(s.server().clock().now(), at("2026-01-02 00:00:00").0);
    s.server().clock().advance(61);
    assert_eq!(get(&s, "/__clock").json(), json!({"now": "2026-01-02 00:01:01"}));
    // Bad commands: a clear error, and the clock stays where it was.
    for bad in [
        "",
        "not json",
        "[]",
        r#"{"advance_seconds": -5}"#,
        r#"{"advance_seconds": 1.5}"#,
        r#"{"advance_seconds": "60"}"#,
        r#"{"set": "2026-01-02T00:00:00"}"#,
        r#"{"set": "2026-02-30 00:00:00"}"#,
        r#"{"set": 5}"#,
        r#"{"advance_seconds": 1, "set": "2026-01-02 00:00:00"}"#,
        r#"{"rewind": 5}"#,
    ] {
        let reply = post_clock(&s, bad);
        assert_eq!(reply.status, 400, "{bad}");
        assert!(reply.json()["error"].as_str().unwrap().contains("advance_seconds"), "{bad}");
    }
    assert_eq!(get(&s, "/__clock").json(), json!({"now": "2026-01-02 00:01:01"}));
    s.stop();
}

#[test]
fn the_time_zone_is_the_accounts() {
    let s =
        Running::start(builder().clock_start(at("2026-07-01 08:00:00")).manual_clock().time_zone("America/New_York"));
    let reply = get(&s, "/__clock");
    assert_eq!(header(&reply.head, "date"), Some("Wed, 01 Jul 2026 12:00:00 GMT"));
    let account = s.call("get.account", json!({"access_token": "T"}));
    assert_eq!(account["result"]["data"][0]["timezone"], "America/New_York");
    assert_eq!(account["result"]["metadata"]["total_items"], 1);
    let e = builder().time_zone("Mars/Olympus").check().unwrap_err();
    assert!(e.contains("Mars/Olympus"), "{e}");
    for bad in [builder().edit_rate(1.5), builder().delete_rate(-0.1), builder().edit_window(0)] {
        assert!(bad.check().is_err());
    }
    s.stop();
}

/// Without a clock start or a history option, every row is there whatever the wall clock says,
/// and the `Date` header is the wall clock's.
#[test]
fn without_options_nothing_is_hidden_and_stats_are_as_before() {
    let s = Running::start(builder().period(Date::from_ymd(2099, 1, 1).unwrap(), Date::from_ymd(2099, 1, 2).unwrap()));
    let p = json!({"access_token": "T", "date_from": "2099-01-01 00:00:00", "date_till": "2099-01-02 23:59:59"});
    assert_eq!(s.call("get.calls_report", p)["result"]["metadata"]["total_items"], 100);
    let stats = s.stats();
    assert!(stats.get("clock").is_none() && stats.get("history").is_none(), "{stats}");
    let reply = get(&s, "/__stats");
    let date = header(&reply.head, "date").unwrap();
    let wall = chrono::DateTime::parse_from_rfc2822(date).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((wall.timestamp() - now).abs() <= 5, "{date}");
    s.stop();
}

#[test]
fn late_rows_edits_and_deletions_happen_at_their_moments_and_not_before() {
    let s = Running::start(
        builder()
            .clock_start(at("2026-01-01 00:00:00"))
            .manual_clock()
            .late_seconds(7200)
            .edit_rate(0.3)
            .edit_window(3600)
            .delete_rate(0.2),
    );
    let rows = s.server().dataset().method("get.calls_report").unwrap();
    let id = rows.descriptor.fields.iter().position(|f| f.name == "id").unwrap();
    let all: Vec<usize> = (0..rows.descriptor.fields.len()).collect();
    let as_of = |t: i64| {
        let t = DateTime::from_ymd_hms(1970, 1, 1, 0, 0, 0).unwrap().0 + chrono::TimeDelta::seconds(t);
        s.server().dataset().as_of(t)
    };
    let set = |t: i64| {
        s.server().clock().set(DateTime::from_ymd_hms(1970, 1, 1, 0, 0, 0).unwrap().0 + chrono::TimeDelta::seconds(t));
    };
    let (mut late, mut edited, mut changed, mut deleted) = (0, 0, 0, 0);
    for g in (0..rows.len()).step_by(7) {
        let h = rows.history(g);
        let row_id = {
            let mut line = String::new();
            rows.write_row(g, &[id], &mut line);
            serde_json::from_str::<Value>(&line).unwrap()["id"].clone()
        };
        let truth = |t: i64| {
            let view = as_of(t).method("get.calls_report").unwrap();
            let mut line = String::new();
            view.write_row(g, &all, &mut line);
            serde_json::from_str::<Value>(&line).unwrap()
        };
        let time = secs_of(rows_time(rows, g));
        assert!(h.appears >= time && h.appears <= time + 7200);
        if h.appears > time {
            late += 1;
        }
        set(h.appears - 1);
        assert!(row_by_id(&s, &row_id).is_empty(), "row {g} is not there a second before it appears");
        set(h.appears);
        assert_eq!(row_by_id(&s, &row_id), vec![truth(h.appears)], "row {g} appears at its moment");
        if let Some(e) = h.edited.filter(|&e| h.deleted.is_none_or(|d| e < d)) {
            edited += 1;
            set(e - 1);
            let before = row_by_id(&s, &row_id);
            assert_eq!(before, vec![truth(h.appears)], "row {g} keeps its first version until {e}");
            set(e);
            let after = row_by_id(&s, &row_id);
            assert_eq!(after, vec![truth(e)], "row {g} has its second version from {e}");
            if after != before {
                changed += 1;
            }
        }
        if let Some(d) = h.deleted {
            deleted += 1;
            set(d - 1);
            assert_eq!(row_by_id(&s, &row_id).len(), 1, "row {g} is there until {d}");
            set(d);
            assert!(row_by_id(&s, &row_id).is_empty(), "row {g} is gone from {d}");
        }
    }
    assert!(late > 50 && edited > 10 && changed > 10 && deleted > 10, "{late} {edited} {changed} {deleted}");
    s.stop();
}

fn rows_time(rows: &dataapi::fake::MethodData, g: u64) -> chrono::NaiveDateTime {
    DateTime::from_ymd_hms(1970, 1, 1, 0, 0, 0).unwrap().0 + chrono::TimeDelta::seconds(rows.time_of(g))
}

/// Two servers with the same options, asked the same things with the same clock moves, answer
/// byte for byte alike, unstable ties and faults included.
#[test]
fn the_same_options_and_clock_moves_give_the_same_answers() {
    let make = || {
        Running::start(
            builder()
                .clock_start(at("2026-01-03 00:00:00"))
                .manual_clock()
                .live()
                .fault(FaultKind::OmitTotalItems, 0.3),
        )
    };
    let (a, b) = (make(), make());
    let ask = |s: &Running, step: u64| {
        s.server().clock().advance(step * 3_000);
        let p = params(json!({"sort": [{"field": "direction"}], "fields": ["id", "direction", "tags"], "limit": 200,
            "offset": step * 10}));
        fake_common::post(
            s.addr(),
            json!({"jsonrpc": "2.0", "id": step, "method": "get.calls_report", "params": p}).to_string().as_bytes(),
        )
        .body
    };
    for step in 0..40 {
        assert_eq!(ask(&a, step), ask(&b, step), "step {step}");
    }
    assert_eq!(a.stats()["history"], b.stats()["history"]);
    a.stop();
    b.stop();
}

#[test]
fn unstable_ties_reorder_but_never_change_the_set() {
    let s = Running::start(
        builder().clock_start(at("2026-02-01 00:00:00")).unstable_ties().dense_seconds(1).dense_rows(500),
    );
    let rows = s.server().dataset().method("get.calls_report").unwrap();
    assert_eq!(rows.len(), 10 * 50 + 500);
    let dense = (0..rows.len()).map(|g| rows.time_of(g)).collect::<Vec<_>>();
    let second = *dense.iter().find(|&&t| dense.iter().filter(|&&u| u == t).count() == 500).unwrap();
    let text = dataapi::DateTime(rows_time(rows, dense.iter().position(|&t| t == second).unwrap() as u64)).to_string();
    // The dense second without a sort (ordered by time), and the whole period sorted by a
    // field with few values.
    for p in [
        json!({"access_token": "T", "date_from": text, "date_till": text, "fields": ["id"], "limit": 10000}),
        params(json!({"sort": [{"field": "direction"}], "fields": ["id", "direction"], "limit": 10000})),
    ] {
        let one = s.call("get.calls_report", p.clone())["result"].clone();
        let two = s.call("get.calls_report", p.clone())["result"].clone();
        assert_ne!(one["data"], two["data"], "ties come back in another order: {p}");
        let set = |r: &Value| r["data"].as_array().unwrap().iter().map(|r| r.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(set(&one), set(&two), "the same rows: {p}");
        assert_eq!(one["metadata"]["total_items"], two["metadata"]["total_items"]);
        let keys =
            |r: &Value| r["data"].as_array().unwrap().iter().map(|r| r["direction"].to_string()).collect::<Vec<_>>();
        assert_eq!(keys(&one), keys(&two), "only ties move: {p}");
        if p.get("sort").is_none() {
            assert_eq!(one["data"].as_array().unwrap().len(), 500);
        }
    }
    s.stop();
}

#[test]
fn a_fault_can_leave_out_total_items() {
    let s = Running::start(builder().fault(FaultKind::OmitTotalItems, 1.0));
    let p = params(json!({"fields": ["id"], "limit": 7}));
    let reply = s.call("get.calls_report", p.clone());
    let metadata = reply["result"]["metadata"].as_object().unwrap();
    assert!(!metadata.contains_key("total_items") && metadata.contains_key("limits"), "{reply}");
    assert_eq!(reply["result"]["data"].as_array().unwrap().len(), 7);
    assert_eq!(s.stats()["faults_by_kind"]["omit_total_items"], 1);
    let plain = Running::start(builder());
    assert_eq!(plain.call("get.calls_report", p)["result"]["data"], reply["result"]["data"]);
    plain.stop();
    s.stop();
}

#[test]
fn stats_count_what_has_happened_so_far() {
    let s = Running::start(builder().clock_start(at("2026-01-04 00:00:00")).manual_clock().live());
    let first = s.stats();
    assert_eq!(first["clock"]["now"], "2026-01-04 00:00:00");
    assert_eq!(first["clock"]["manual"], true);
    assert_eq!(first["clock"]["time_zone"], "Europe/Moscow");
    let calls = &first["history"]["methods"]["get.calls_report"];
    let rows = s.server().dataset().method("get.calls_report").unwrap();
    let t = secs_of(at("2026-01-04 00:00:00").0);
    let inserted = (0..rows.len()).filter(|&g| rows.history(g).appears <= t).count();
    assert_eq!(calls["inserted"], inserted);
    assert!(inserted > 100 && inserted < 200, "{inserted}");
    s.server().clock().advance(30 * 86_400);
    let last = s.stats();
    assert_eq!(last["history"]["methods"]["get.calls_report"]["inserted"], 500);
    let (edited, deleted) = (last["history"]["edited"].as_u64().unwrap(), last["history"]["deleted"].as_u64().unwrap());
    assert!(edited > 0 && deleted > 0 && edited > deleted, "{last}");
    s.stop();
}

#[test]
fn chat_channels_are_a_list_and_chat_messages_honour_their_chats() {
    let s = Running::start(
        builder().rows_per_day(300).period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 3, 31).unwrap()),
    );
    let channels = s.call("get.chat_channels", json!({"access_token": "T", "limit": 10000}));
    assert_eq!(channels["result"]["metadata"]["total_items"], dataapi::fake::LIST_ROWS);
    let window = json!({"access_token": "T", "date_from": "2026-01-01 00:00:00", "date_till": "2026-01-30 23:59:59",
        "fields": ["id", "chat_id"], "limit": 10000});
    let all = s.call("get.chat_messages_report", window.clone())["result"]["data"].as_array().unwrap().clone();
    let chat = all.iter().find_map(|r| r["chat_id"].as_i64()).unwrap();
    let other = all.iter().filter_map(|r| r["chat_id"].as_i64()).find(|&c| c != chat).unwrap();
    let of = |chats: &[i64]| {
        all.iter().filter(|r| r["chat_id"].as_i64().is_some_and(|c| chats.contains(&c))).cloned().collect::<Vec<_>>()
    };
    let mut one = window.clone();
    one["chat_id"] = json!(chat);
    assert_eq!(s.call("get.chat_messages_report", one)["result"]["data"].as_array().unwrap(), &of(&[chat]));
    let mut two = window.clone();
    two["chat_ids"] = json!([chat, other]);
    let got = s.call("get.chat_messages_report", two)["result"]["data"].as_array().unwrap().clone();
    assert_eq!(got, of(&[chat, other]));
    assert!(got.len() > of(&[chat]).len() && got.len() < all.len());
    // Without a period: every message of the chat.
    let only = s.call(
        "get.chat_messages_report",
        json!({"access_token": "T", "chat_id": chat, "fields": ["chat_id"], "limit": 10000}),
    );
    let rows = only["result"]["data"].as_array().unwrap();
    assert!(rows.len() >= of(&[chat]).len() && rows.iter().all(|r| r["chat_id"] == chat), "{only}");
    s.stop();
}

#[test]
fn http_dates_are_read_in_the_zone() {
    let t = at("2026-03-29 12:00:00").0;
    assert_eq!(http_date(t, "Europe/London".parse().unwrap()), "Sun, 29 Mar 2026 11:00:00 GMT");
    assert_eq!(http_date(t, "Asia/Tokyo".parse().unwrap()), "Sun, 29 Mar 2026 03:00:00 GMT");
}
