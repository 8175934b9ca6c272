//! `#[derive(Report)]` and `#[derive(ReportEnum)]` against the bundled schema: user structs
//! for three methods build requests, validate them and decode realistic replies.

use dataapi::calls_report::fields as calls;
use dataapi::prelude::*;
use dataapi::{DateTime, Report, ReportEnum};

/// What a user keeps of a call.
#[derive(Debug, Clone, PartialEq, Report)]
#[report(method = "get.calls_report")]
struct Call {
    id: u64,
    start_time: DateTime,
    finish_reason: Option<dataapi::calls_report::FinishReason>,
    #[report(rename = "total_duration")]
    seconds: Option<u32>,
    scenario_operations: Vec<dataapi::calls_report::ScenarioOperation>,
    direction: Direction,
    is_lost: bool,
    #[report(skip)]
    seen: bool,
}

/// A user's own mapping of `direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ReportEnum)]
#[report(enum = "direction")]
enum Direction {
    In,
    #[report(code = "out")]
    Outgoing,
}

fn march() -> (DateTime, DateTime) {
    (DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap(), DateTime::from_ymd_hms(2026, 3, 31, 23, 59, 59).unwrap())
}

#[test]
fn a_request_asks_for_exactly_the_fields_the_struct_reads() {
    let (from, till) = march();
    let request = Call::request("token", from, till)
        .filter(calls::finish_reason.eq(dataapi::calls_report::FinishReason::SubscriberDisconnects))
        .sort(calls::start_time.desc())
        .limit(100);
    request.validate().unwrap();
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(
        json["fields"],
        serde_json::json!([
            "id",
            "start_time",
            "finish_reason",
            "total_duration",
            "scenario_operations",
            "direction",
            "is_lost"
        ])
    );
    assert_eq!(Call::FIELDS.len(), 7);
}

#[test]
fn a_reply_decodes_into_user_rows() {
    let body = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/calls_report_reply.json")).unwrap();
    let page = Call::decode_reply(&body).unwrap();
    let first = &page.data[0];
    assert_eq!(first.id, 480154773);
    assert_eq!(first.seconds, Some(282));
    assert_eq!(first.direction, Direction::In);
    assert_eq!(first.scenario_operations.len(), 2);
    assert!(!first.seen);
    let again = Call::decode_row(first.to_json()).unwrap();
    assert_eq!(&again, first);
}
