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
    Request::new("token", from, till)
        .filter(filter)
        .sort(f::start_time.desc())
        .sort(f::communication_number.asc())
        .fields(FIELDS)
        .limit(1000)
}

fn requests(c: &mut Criterion) {
    let mut group = c.benchmark_group("request");
    group.bench_function("build and serialize", |b| {
        b.iter(|| serde_json::to_vec(&black_box(build()).to_rpc(1)).unwrap())
    });
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
