//! Request serialization of every bundled method, compared key by key with the "JSON request
//! structure" of the vendor docs:
//!
//! ```text
//! {"jsonrpc":"2.0","id":"number","method":"get.…",
//!  "params":{"access_token":"string","user_id":"number","offset":"number","limit":"number",
//!            "date_from":"iso8601","date_till":"iso8601","filter":{},
//!            "sort":[{"field":"string","order":"string"}],"fields":["string"]}}
//! ```
//!
//! plus `report_id` and `report_type` for `get.communications` and `include_ongoing_calls`
//! for `get.calls_report` (both from the docs' parameter tables).

use std::collections::BTreeSet;

use dataapi::prelude::*;
use dataapi::runtime::{Condition, DateTime, Order, RawFilter, RawSort};
use serde_json::{Value, json};

const TOKEN: &str = "2a7v4jtmf8k2zqz3rfbw4qpu7c";

/// The params every report takes, as in the docs' request structure.
const REPORT_PARAMS: [&str; 9] =
    ["access_token", "user_id", "offset", "limit", "date_from", "date_till", "filter", "sort", "fields"];

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime {
    DateTime::from_ymd_hms(y, mo, d, h, mi, s).expect("a valid date-time")
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value.as_object().expect("an object").keys().map(String::as_str).collect()
}

fn set<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
    names.into_iter().collect()
}

/// `direction = in AND (talk_duration > 60 OR is_lost = false)`.
fn call_filter() -> RawFilter {
    RawFilter::Tree {
        condition: Condition::And,
        filters: vec![
            RawFilter::Condition { field: "direction".into(), operator: "=".into(), value: json!("in") },
            RawFilter::Tree {
                condition: Condition::Or,
                filters: vec![
                    RawFilter::Condition { field: "talk_duration".into(), operator: ">".into(), value: json!(60) },
                    RawFilter::Condition { field: "is_lost".into(), operator: "=".into(), value: json!(false) },
                ],
            },
        ],
    }
}

fn call_filter_json() -> Value {
    json!({
        "filters": [
            {"field": "direction", "operator": "=", "value": "in"},
            {
                "filters": [
                    {"field": "talk_duration", "operator": ">", "value": 60},
                    {"field": "is_lost", "operator": "=", "value": false}
                ],
                "condition": "or"
            }
        ],
        "condition": "and"
    })
}

/// The envelope: exactly `jsonrpc`, `id`, `method`, `params`.
fn assert_envelope(call: &Value, id: Value, method: &str) {
    assert_eq!(keys(call), set(["jsonrpc", "id", "method", "params"]));
    assert_eq!(call["jsonrpc"], "2.0");
    assert_eq!(call["id"], id);
    assert_eq!(call["method"], method);
}

mod calls_report {
    use dataapi::calls_report::Request;

    use super::*;

    fn full() -> Request {
        Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 31, 23, 59, 59))
            .token(TOKEN)
            .user_id(100500)
            .offset(2000)
            .limit(500)
            .fields(["id", "start_time", "finish_reason", "tags", "employees"])
            .raw_sort(RawSort { field: "start_time".into(), order: Order::Desc })
            .raw_filter(call_filter())
            .include_ongoing_calls(true)
    }

    #[test]
    fn full_request_matches_the_docs_key_by_key() {
        let call = serde_json::to_value(full().to_rpc(1)).unwrap();
        assert_envelope(&call, json!(1), "get.calls_report");
        let params = &call["params"];
        let mut expected = set(REPORT_PARAMS);
        expected.insert("include_ongoing_calls");
        assert_eq!(keys(params), expected);
        assert_eq!(params["access_token"], TOKEN);
        assert_eq!(params["user_id"], 100500);
        assert_eq!(params["offset"], 2000);
        assert_eq!(params["limit"], 500);
        assert_eq!(params["date_from"], "2026-03-01 00:00:00");
        assert_eq!(params["date_till"], "2026-03-31 23:59:59");
        assert_eq!(params["filter"], call_filter_json());
        assert_eq!(params["sort"], json!([{"field": "start_time", "order": "desc"}]));
        assert_eq!(params["fields"], json!(["id", "start_time", "finish_reason", "tags", "employees"]));
        assert_eq!(params["include_ongoing_calls"], true);
    }

    #[test]
    fn full_request_is_exactly_this_json() {
        let call = serde_json::to_value(full().to_rpc(1)).unwrap();
        assert_eq!(
            call,
            json!({
                "jsonrpc": "2.0",
                "id": 1,
                "method": "get.calls_report",
                "params": {
                    "access_token": TOKEN,
                    "user_id": 100500,
                    "offset": 2000,
                    "limit": 500,
                    "date_from": "2026-03-01 00:00:00",
                    "date_till": "2026-03-31 23:59:59",
                    "filter": call_filter_json(),
                    "sort": [{"field": "start_time", "order": "desc"}],
                    "fields": ["id", "start_time", "finish_reason", "tags", "employees"],
                    "include_ongoing_calls": true
                }
            })
        );
    }

    #[test]
    fn unset_optional_params_are_absent() {
        let request = Request::new(dt(2026, 1, 5, 7, 8, 9), dt(2026, 2, 3, 4, 5, 6)).token(TOKEN);
        let call = serde_json::to_value(request.to_rpc(7)).unwrap();
        assert_envelope(&call, json!(7), "get.calls_report");
        assert_eq!(
            call["params"],
            json!({"access_token": TOKEN, "date_from": "2026-01-05 07:08:09", "date_till": "2026-02-03 04:05:06"})
        );
    }

    #[test]
    fn include_ongoing_calls_false_is_sent() {
        let request =
            Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0)).token(TOKEN).include_ongoing_calls(false);
        let params = serde_json::to_value(request.to_rpc(1)).unwrap()["params"].clone();
        assert_eq!(params["include_ongoing_calls"], false);
    }

    #[test]
    fn several_sort_keys_keep_their_order() {
        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0))
            .token(TOKEN)
            .raw_sort(RawSort { field: "finish_reason".into(), order: Order::Asc })
            .raw_sort(RawSort { field: "start_time".into(), order: Order::Desc });
        let params = serde_json::to_value(request.to_rpc(1)).unwrap()["params"].clone();
        assert_eq!(
            params["sort"],
            json!([{"field": "finish_reason", "order": "asc"}, {"field": "start_time", "order": "desc"}])
        );
    }

    #[test]
    fn text_id_is_sent_as_text() {
        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0)).token(TOKEN);
        let call = serde_json::to_value(request.to_rpc("req-42")).unwrap();
        assert_eq!(call["id"], "req-42");
    }

    #[test]
    fn debug_output_hides_the_token() {
        let request = full();
        let debug = format!("{request:?}");
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(debug.contains("AccessToken(***)"), "{debug}");
        let rpc_debug = format!("{:?}", request.to_rpc(1));
        assert!(!rpc_debug.contains(TOKEN), "{rpc_debug}");
        // …while the wire form carries it.
        assert!(serde_json::to_string(&request.to_rpc(1)).unwrap().contains(TOKEN));
        assert_eq!(request.access_token.as_ref().map(|t| t.expose()), Some(TOKEN));
    }
}

mod communications_report {
    use dataapi::communications_report::Request;

    use super::*;

    #[test]
    fn full_request_matches_the_docs_key_by_key() {
        let request = Request::new(dt(2026, 2, 1, 0, 0, 0), dt(2026, 2, 28, 23, 59, 59))
            .token(TOKEN)
            .user_id(7)
            .offset(0)
            .limit(10000)
            .fields(["id", "communication_type", "date_time", "sale_cost"])
            .raw_sort(RawSort { field: "date_time".into(), order: Order::Asc })
            .raw_filter(RawFilter::Condition {
                field: "communication_type".into(),
                operator: "in".into(),
                value: json!(["call", "chat"]),
            });
        let call = serde_json::to_value(request.to_rpc(2)).unwrap();
        assert_envelope(&call, json!(2), "get.communications_report");
        assert_eq!(keys(&call["params"]), set(REPORT_PARAMS));
        assert_eq!(
            call["params"],
            json!({
                "access_token": TOKEN,
                "user_id": 7,
                "offset": 0,
                "limit": 10000,
                "date_from": "2026-02-01 00:00:00",
                "date_till": "2026-02-28 23:59:59",
                "filter": {"field": "communication_type", "operator": "in", "value": ["call", "chat"]},
                "sort": [{"field": "date_time", "order": "asc"}],
                "fields": ["id", "communication_type", "date_time", "sale_cost"]
            })
        );
    }

    #[test]
    fn unset_optional_params_are_absent() {
        let request = Request::new(dt(2026, 2, 1, 0, 0, 0), dt(2026, 2, 2, 0, 0, 0)).token(TOKEN);
        let call = serde_json::to_value(request.to_rpc(3)).unwrap();
        assert_eq!(keys(&call["params"]), set(["access_token", "date_from", "date_till"]));
    }

    #[test]
    fn null_test_filter_sends_a_null_value() {
        let request = Request::new(dt(2026, 2, 1, 0, 0, 0), dt(2026, 2, 2, 0, 0, 0)).token(TOKEN).raw_filter(
            RawFilter::Condition { field: "sale_date".into(), operator: "is_not_null".into(), value: Value::Null },
        );
        let params = serde_json::to_value(request.to_rpc(1)).unwrap()["params"].clone();
        assert_eq!(params["filter"], json!({"field": "sale_date", "operator": "is_not_null", "value": null}));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let request = Request::new(dt(2026, 2, 1, 0, 0, 0), dt(2026, 2, 2, 0, 0, 0)).token(TOKEN);
        assert!(!format!("{request:?}").contains(TOKEN));
    }
}

mod communications {
    use dataapi::communications::{Params, Request};

    use super::*;

    #[test]
    fn full_request_matches_the_docs_key_by_key() {
        // Flat reports document at most two filter levels: a tree of conditions.
        let filter = RawFilter::Tree {
            condition: Condition::Or,
            filters: vec![
                RawFilter::Condition {
                    field: "contact_full_name".into(),
                    operator: "ilike".into(),
                    value: json!("%Иванов%"),
                },
                RawFilter::Condition { field: "total_duration".into(), operator: ">=".into(), value: json!(30) },
            ],
        };
        let request = Request::with_params(
            dt(2025, 4, 1, 0, 0, 0),
            dt(2026, 3, 31, 23, 59, 59),
            Params::new(1234, "communications"),
        )
        .token(TOKEN)
        .user_id(100500)
        .offset(100)
        .limit(50)
        .fields(["communication_date_time", "communication_type", "contact_full_name", "tags"])
        .raw_sort(RawSort { field: "communication_date_time".into(), order: Order::Desc })
        .raw_filter(filter);
        let call = serde_json::to_value(request.to_rpc(5)).unwrap();
        assert_envelope(&call, json!(5), "get.communications");
        let mut expected = set(REPORT_PARAMS);
        expected.extend(["report_id", "report_type"]);
        assert_eq!(keys(&call["params"]), expected);
        assert_eq!(
            call["params"],
            json!({
                "access_token": TOKEN,
                "user_id": 100500,
                "offset": 100,
                "limit": 50,
                "report_id": 1234,
                "report_type": "communications",
                "date_from": "2025-04-01 00:00:00",
                "date_till": "2026-03-31 23:59:59",
                "filter": {
                    "filters": [
                        {"field": "contact_full_name", "operator": "ilike", "value": "%Иванов%"},
                        {"field": "total_duration", "operator": ">=", "value": 30}
                    ],
                    "condition": "or"
                },
                "sort": [{"field": "communication_date_time", "order": "desc"}],
                "fields": ["communication_date_time", "communication_type", "contact_full_name", "tags"]
            })
        );
    }

    #[test]
    fn required_params_are_always_sent_and_optional_ones_only_when_set() {
        let request =
            Request::with_params(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0), Params::new(77, "communications"))
                .token(TOKEN);
        let call = serde_json::to_value(request.to_rpc(1)).unwrap();
        assert_eq!(
            call["params"],
            json!({
                "access_token": TOKEN,
                "date_from": "2026-03-01 00:00:00",
                "date_till": "2026-03-02 00:00:00",
                "report_id": 77,
                "report_type": "communications"
            })
        );
    }

    #[test]
    fn the_order_of_fields_is_kept() {
        let request =
            Request::with_params(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0), Params::new(77, "communications"))
                .token(TOKEN)
                .fields(["visit_hour", "communication_id", "call_status"]);
        let params = serde_json::to_value(request.to_rpc(1)).unwrap()["params"].clone();
        assert_eq!(params["fields"], json!(["visit_hour", "communication_id", "call_status"]));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let request =
            Request::with_params(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0), Params::new(77, "communications"))
                .token(TOKEN);
        let debug = format!("{request:?}");
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(debug.contains("report_id: 77"), "{debug}");
    }
}

mod wire_forms {
    use super::*;

    #[test]
    fn date_times_are_zero_padded_without_t_or_offset() {
        assert_eq!(dt(2026, 1, 5, 7, 8, 9).to_string(), "2026-01-05 07:08:09");
        assert_eq!(serde_json::to_value(dt(2026, 12, 31, 23, 59, 59)).unwrap(), json!("2026-12-31 23:59:59"));
        let parsed: DateTime = "2026-03-01 10:15:00".parse().unwrap();
        assert_eq!(parsed, dt(2026, 3, 1, 10, 15, 0));
        assert!("2026-03-01T10:15:00".parse::<DateTime>().is_err());
        assert!("2026-03-01 10:15:00+03:00".parse::<DateTime>().is_err());
    }

    #[test]
    fn filters_read_from_json_round_trip() {
        let parsed: RawFilter = serde_json::from_value(call_filter_json()).unwrap();
        assert_eq!(parsed, call_filter());
        assert_eq!(serde_json::to_value(&parsed).unwrap(), call_filter_json());
    }

    #[test]
    fn a_condition_without_value_reads_as_null() {
        let parsed: RawFilter = serde_json::from_value(json!({"field": "sale_date", "operator": "is_null"})).unwrap();
        assert_eq!(
            parsed,
            RawFilter::Condition { field: "sale_date".into(), operator: "is_null".into(), value: Value::Null }
        );
    }

    #[test]
    fn sort_order_defaults_to_asc() {
        let sort: RawSort = serde_json::from_value(json!({"field": "start_time"})).unwrap();
        assert_eq!(sort, RawSort { field: "start_time".into(), order: Order::Asc });
    }
}
