//! Reply decoding, side by side in one run: the generated row against a hand-written serde
//! struct (the limit for serde_json) and against `serde_json::Value` (what untyped clients do);
//! then a user struct made with the derive against the same eight fields declared by hand.
// `criterion_group!` declares a public function without docs.
#![allow(missing_docs)]

mod support;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dataapi::runtime::Reply;
use support::{PlainReply, PlainUserCall, UserCall, plain_calls::PlainCall};

const ROWS: usize = 10_000;

fn full_rows(c: &mut Criterion) {
    let body = support::calls_reply(ROWS);
    let mut group = c.benchmark_group("decode 10000 full rows");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("generated Row", ROWS), &body, |b, body| {
        b.iter(|| Reply::<dataapi::calls_report::Row>::decode(black_box(body)).unwrap().data.len())
    });
    group.bench_with_input(BenchmarkId::new("hand-written serde struct", ROWS), &body, |b, body| {
        b.iter(|| serde_json::from_slice::<PlainReply<PlainCall>>(black_box(body)).unwrap().result.data.len())
    });
    group.bench_with_input(BenchmarkId::new("serde_json::Value", ROWS), &body, |b, body| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap()["result"]["data"].is_array())
    });
    group.finish();
}

fn user_rows(c: &mut Criterion) {
    let body = support::user_reply(ROWS);
    let mut group = c.benchmark_group("decode 10000 rows of 8 fields");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.sample_size(20);
    group.bench_with_input(BenchmarkId::new("derived user struct", ROWS), &body, |b, body| {
        b.iter(|| UserCall::decode_reply(black_box(body)).unwrap().data.len())
    });
    group.bench_with_input(BenchmarkId::new("hand-written serde struct", ROWS), &body, |b, body| {
        b.iter(|| serde_json::from_slice::<PlainReply<PlainUserCall>>(black_box(body)).unwrap().result.data.len())
    });
    group.bench_with_input(BenchmarkId::new("serde_json::Value", ROWS), &body, |b, body| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap()["result"]["data"].is_array())
    });
    group.finish();
}

criterion_group!(benches, full_rows, user_rows);
criterion_main!(benches);
