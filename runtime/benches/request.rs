//! Building, serializing and validating a request: a 6-condition, 3-level filter tree, two
//! sort keys and ten fields; and validating the same filter given as JSON.
// `criterion_group!` declares a public function without docs.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dataapi::calls_report::{DESCRIPTOR, FinishReason, Request, fields as f};
use dataapi::enums::Direction;
use dataapi::prelude::*;
use dataapi::runtime::{DateTime, validate};

const FIELDS: [&str; 10] = [
    "id",
    "start_time",
    "finish_reason",
    "direction",
    "total_duration",
    "is_lost",
    "virtual_phone_number",
    "tags",
    "wait_duration",
    "contact_phone_number",
];

fn build() -> Request {
    let from = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let till = DateTime::from_ymd_hms(2026, 3, 31, 23, 59, 59).unwrap();
    let filter = Filter::all([
        f::direction.eq(Direction::In),
        f::total_duration.ge(60),
        Filter::any([
            f::finish_reason.is_in([FinishReason::SubscriberDisconnects, FinishReason::Timeout]),
            f::is_lost.eq(true),
            Filter::all([f::virtual_phone_number.like("7495%"), f::wait_duration.lt(30)]),
        ]),
    ]);
    Request::new(from, till)
        .token("token")
        .filter(filter)
        .sort(f::start_time.desc())
        .sort(f::communication_number.asc())
        .fields(FIELDS)
        .limit(1000)
}

/// The same call as an untyped client writes it: `json!` and serialize, nothing checked.
fn untyped() -> Vec<u8> {
    let call = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "get.calls_report",
        "params": {
            "access_token": "token", "limit": 1000,
            "date_from": "2026-03-01 00:00:00", "date_till": "2026-03-31 23:59:59",
            "filter": {"condition": "and", "filters": [
                {"field": "direction", "operator": "=", "value": "in"},
                {"field": "total_duration", "operator": ">=", "value": 60},
                {"condition": "or", "filters": [
                    {"field": "finish_reason", "operator": "in", "value": ["subscriber_disconnects", "timeout"]},
                    {"field": "is_lost", "operator": "=", "value": true},
                    {"condition": "and", "filters": [
                        {"field": "virtual_phone_number", "operator": "like", "value": "7495%"},
                        {"field": "wait_duration", "operator": "<", "value": 30}
                    ]}
                ]}
            ]},
            "sort": [{"field": "start_time", "order": "desc"}, {"field": "communication_number", "order": "asc"}],
            "fields": FIELDS
        }
    });
    serde_json::to_vec(&call).unwrap()
}

fn requests(c: &mut Criterion) {
    let mut group = c.benchmark_group("request");
    group.bench_function("build and serialize", |b| {
        b.iter(|| serde_json::to_vec(&black_box(build()).to_rpc(1)).unwrap())
    });
    group.bench_function("baseline: json! and serialize", |b| b.iter(untyped));
    let request = build();
    assert!(request.validate().is_ok());
    group.bench_function("validate typed request", |b| b.iter(|| black_box(&request).validate().unwrap()));
    let filter = serde_json::to_value(request.filter.as_ref().unwrap()).unwrap();
    assert!(validate::filter(&DESCRIPTOR, &filter).is_ok());
    group.bench_function("validate filter from JSON", |b| {
        b.iter(|| validate::filter(&DESCRIPTOR, black_box(&filter)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, requests);
criterion_main!(benches);
