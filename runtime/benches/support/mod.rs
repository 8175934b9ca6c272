//! Shared by the benchmarks: realistic replies of any size, and the plain structs a
//! hand-written client would decode them into.

#![allow(dead_code)]

pub mod plain_calls;

use dataapi::{DateTime, Report};
use serde_json::{Value, json};

/// The two full rows of the reply fixture: every field of `get.calls_report` filled in.
fn template_rows() -> Vec<Value> {
    let fixture: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/calls_report_reply.json")).expect("the fixture");
    fixture["result"]["data"].as_array().expect("rows").clone()
}

const REASONS: [&str; 4] = ["subscriber_disconnects", "operator_disconnects", "timeout", "a_code_added_later"];

/// A `get.calls_report` reply of `rows` rows, built from the fixture's rows with ids, times
/// and finish reasons varied.
pub fn calls_reply(rows: usize) -> Vec<u8> {
    let templates = template_rows();
    let data: Vec<Value> = (0..rows)
        .map(|i| {
            let mut row = templates[i % templates.len()].clone();
            row["id"] = json!(480_000_000 + i);
            row["communication_id"] = json!(2_000_000_000 + i);
            row["start_time"] = json!(format!("2026-03-{:02} {:02}:{:02}:00", 1 + i % 28, i % 24, i % 60));
            row["finish_reason"] = json!(REASONS[i % REASONS.len()]);
            row["total_duration"] = json!(30 + i % 600);
            row
        })
        .collect();
    reply(data)
}

/// The eight fields the user struct of the benchmarks reads.
pub const USER_FIELDS: [&str; 8] =
    ["id", "start_time", "finish_reason", "direction", "total_duration", "is_lost", "virtual_phone_number", "tags"];

/// A reply of `rows` rows that carries only [`USER_FIELDS`], as the API sends when a request
/// names them.
pub fn user_reply(rows: usize) -> Vec<u8> {
    let full: Value = serde_json::from_slice(&calls_reply(rows)).expect("valid JSON");
    let data = full["result"]["data"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            let kept = USER_FIELDS.iter().map(|f| (f.to_string(), row[*f].clone()));
            Value::Object(kept.collect())
        })
        .collect();
    reply(data)
}

fn reply(data: Vec<Value>) -> Vec<u8> {
    let total = data.len();
    serde_json::to_vec(&json!({
        "jsonrpc": "2.0",
        "id": 1,
        "result": {"data": data, "metadata": {"total_items": total, "limits": {"day_limit": 10000}}}
    }))
    .expect("serializable")
}

/// The envelope a hand-written client would declare.
#[derive(serde::Deserialize)]
pub struct PlainReply<T> {
    pub result: PlainPage<T>,
}

/// Its page.
#[derive(serde::Deserialize)]
pub struct PlainPage<T> {
    pub data: Vec<T>,
}

/// The user struct's eight fields, declared by hand with plain types.
#[derive(Debug, serde::Deserialize)]
pub struct PlainUserCall {
    pub id: u64,
    pub start_time: String,
    pub finish_reason: Option<String>,
    pub direction: String,
    pub total_duration: Option<u32>,
    pub is_lost: bool,
    pub virtual_phone_number: Option<String>,
    pub tags: Option<Vec<plain_calls::PlainTag>>,
}

/// A user's struct with the same eight fields as [`PlainUserCall`], checked against the schema.
#[derive(Debug, Report)]
#[report(method = "get.calls_report")]
pub struct UserCall {
    id: u64,
    start_time: DateTime,
    finish_reason: Option<dataapi::calls_report::FinishReason>,
    direction: dataapi::enums::Direction,
    total_duration: Option<u32>,
    is_lost: bool,
    virtual_phone_number: Option<String>,
    tags: Vec<dataapi::calls_report::Tag>,
}
