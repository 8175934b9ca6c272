//! `#[derive(Report)]` and `#[derive(ReportEnum)]` against the bundled schema: user structs
//! for several methods build requests, validate them and decode realistic replies.

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
    let request = Call::request(from, till)
        .token("token")
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

/// A user's row of the communications report.
#[derive(Debug, Clone, PartialEq, Report)]
#[report(method = "get.communications_report")]
struct Communication {
    id: i64,
    communication_type: dataapi::communications_report::CommunicationType,
    date_time: DateTime,
    sale_cost: Option<dataapi::Decimal>,
    tags: Vec<dataapi::communications_report::Tag>,
}

/// A user's row of the flat report, whose ids arrive as numbers or strings.
#[derive(Debug, Clone, PartialEq, Report)]
#[report(method = "get.communications")]
struct Flat {
    communication_id: String,
    communication_type: dataapi::ValueObject,
    communication_kinds: Vec<String>,
    total_duration: Option<u32>,
    tags: Option<dataapi::communications::Tags>,
}

#[test]
fn user_rows_of_three_methods_decode_realistic_replies() {
    let body =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/communications_report_reply.json")).unwrap();
    let page = Communication::decode_reply(&body).unwrap();
    assert_eq!(page.data.len(), 3);
    assert_eq!(page.data[0].sale_cost.map(|c| c.to_string()), Some("1500.5".to_owned()));
    assert_eq!(page.data[0].tags[0].tag_name.as_deref(), Some("Целевой"));

    let body = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/communications_reply.json")).unwrap();
    let page = Flat::decode_reply(&body).unwrap();
    assert_eq!(page.data[0].communication_id, "2093847561");
    assert_eq!(page.data[0].communication_kinds, ["first", "target"]);
    assert_eq!(page.data[0].tags.as_ref().and_then(|t| t.items.as_ref()).map(Vec::len), Some(2));
    for row in &page.data {
        assert_eq!(Flat::decode_row(row.to_json()).unwrap(), *row, "round trip");
    }
}

#[test]
fn the_flat_report_request_carries_its_required_params_and_ordered_fields() {
    let (from, till) = march();
    let request = Flat::request(from, till, 42, "communications").token("token");
    request.validate().unwrap();
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(json["report_id"], 42);
    assert_eq!(
        json["fields"],
        serde_json::json!(["communication_id", "communication_type", "communication_kinds", "total_duration", "tags"])
    );
}

#[test]
fn a_missing_required_value_is_an_error_that_names_the_field() {
    let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":1,"communication_type":"call","tags":null}]}}"#;
    let err = Communication::decode_reply(reply).unwrap_err().to_string();
    assert!(err.contains("date_time"), "{err}");
    // A lenient id that is null is an error too, not an empty string.
    let flat = br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"communication_id":null,"communication_type":{"value":"x","value_id":"y"},"communication_kinds":[]}]}}"#;
    let err = Flat::decode_reply(flat).unwrap_err().to_string();
    assert!(err.contains("communication_id"), "{err}");
}

#[test]
fn null_arrays_read_as_empty_and_unknown_codes_stay_verbatim() {
    let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":[
        {"id":1,"communication_type":"carrier_pigeon","date_time":"2026-03-01 10:00:00","tags":null}
    ]}}"#;
    let page = Communication::decode_reply(reply).unwrap();
    let row = &page.data[0];
    assert!(row.tags.is_empty());
    assert_eq!(row.communication_type.as_str(), "carrier_pigeon");
    assert_eq!(row.to_json()["communication_type"], "carrier_pigeon");
}

/// A closed mapping: every code covered, no catch-all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ReportEnum)]
#[report(enum = "visitor_type")]
enum Visitor {
    New,
    Returning,
    Unknown,
}

/// A mapping with a catch-all.
#[derive(Debug, Clone, PartialEq, Eq, ReportEnum)]
#[report(enum = "finish_reason")]
enum Reason {
    SubscriberDisconnects,
    #[report(other)]
    Other(String),
}

#[test]
fn user_enums_decode_known_codes_keep_others_and_reject_where_closed() {
    let r: Reason = serde_json::from_str("\"subscriber_disconnects\"").unwrap();
    assert_eq!(r, Reason::SubscriberDisconnects);
    let r: Reason = serde_json::from_str("\"timeout\"").unwrap();
    assert_eq!(r, Reason::Other("timeout".into()));
    assert_eq!(serde_json::to_string(&r).unwrap(), "\"timeout\"");
    let v: Visitor = serde_json::from_str("\"returning\"").unwrap();
    assert_eq!(v.code(), "returning");
    let err = serde_json::from_str::<Visitor>("\"robot\"").unwrap_err().to_string();
    assert!(err.contains("`robot` is not a code of `visitor_type`"), "{err}");
}

/// A user's view of a chat channel: `get.chat_channels` takes no period, so neither does
/// `request`.
#[derive(Debug, Report)]
#[report(method = "get.chat_channels")]
struct Channel {
    id: u64,
    name: Option<String>,
    #[report(rename = "type")]
    kind: Option<dataapi::chat_channels::Type>,
}

/// A user's view of a chat message, requested by chat.
#[derive(Debug, Report)]
#[report(method = "get.chat_messages_report")]
struct Message {
    id: u64,
    text: Option<String>,
}

#[test]
fn requests_of_methods_without_a_required_period() {
    let request = Channel::request().token("token");
    request.validate().unwrap();
    assert_eq!(serde_json::to_value(&request).unwrap()["fields"], serde_json::json!(["id", "name", "type"]));
    let body = br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":3,"name":"Site","type":"max"}]}}"#;
    let page = Channel::decode_reply(body).unwrap();
    // The chats report lists `max` among its channel types; the channel page does not, so it
    // is kept as an unknown code.
    assert_eq!(page.data[0].kind, Some(dataapi::chat_channels::Type::Unrecognized("max".into())));

    assert!(Message::request().token("token").validate().is_err(), "needs a chat, some chats or a period");
    Message::request().token("token").chat_id(42).validate().unwrap();
    assert_eq!(Message::FIELDS, ["id", "text"]);
}
