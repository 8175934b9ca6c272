//! Correct use of the derives compiles without warnings.
#![deny(warnings)]

use dataapi::prelude::*;
use dataapi::{DateTime, Report, ReportEnum};

type Seconds = u32;

/// A private struct: the generated functions must not warn as unused. It derives serde's
/// `Deserialize` as well, whose `rename` the derive honours.
#[derive(Debug, Report, serde::Deserialize)]
#[report(method = "get.calls_report")]
struct Call {
    id: u64,
    start_time: DateTime,
    finish_reason: Option<Reason>,
    #[serde(rename = "total_duration")]
    seconds: Option<Seconds>,
    tags: Vec<dataapi::calls_report::Tag>,
    visitor_device: Option<dataapi::enums::VisitorDevice>,
    communication_page_url: Option<serde_json::Value>,
    #[report(skip)]
    #[serde(skip)]
    note: String,
}

/// Two codes of interest and the rest kept verbatim.
#[derive(Debug, PartialEq, ReportEnum)]
#[report(enum = "finish_reason")]
enum Reason {
    SubscriberDisconnects,
    #[report(code = "operator_disconnects")]
    AgentHungUp,
    #[report(other)]
    Other(String),
}

/// A method's own enum.
#[derive(Debug, ReportEnum)]
#[report(method = "get.calls_report", enum = "source")]
enum Source {
    #[report(other)]
    Any(String),
}

#[derive(Debug, Report)]
#[report(method = "get.communications_report")]
struct Communication {
    id: u64,
    communication_type: Option<dataapi::communications_report::CommunicationType>,
}

fn main() {
    let from = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let till = DateTime::from_ymd_hms(2026, 3, 2, 0, 0, 0).unwrap();
    let request = Call::request(from, till).token("token")
        .filter(dataapi::calls_report::fields::is_lost.eq(true))
        .sort(dataapi::calls_report::fields::start_time.desc());
    assert!(request.validate().is_ok());
    assert_eq!(Call::FIELDS.len(), 7);
    let page = Call::decode_reply(br#"{"jsonrpc":"2.0","id":1,"result":{"data":[]}}"#).unwrap();
    for call in page.data {
        println!("{call:?} {}", call.note);
    }
    let _ = Communication::request(from, till).token("token");
    println!("{:?} {:?}", Reason::Other("x".into()), Source::Any("y".into()));
    let _ = Reason::AgentHungUp == Reason::SubscriberDisconnects;
}
