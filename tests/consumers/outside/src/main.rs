//! Each way of use, from the packaged crates: the bundled crate, the derive, and build.rs.
//! Prints one line per way and exits 0, or panics with what failed.

use dataapi::calls_report::{self, FinishReason, fields};
use dataapi::prelude::*;
use dataapi::runtime::Reply;
use dataapi::{DateTime, Report};

// A binary uses a few of the generated items; the rest would warn as unused.
#[allow(unused)]
mod api {
    dataapi::include_generated!();
}

#[derive(Debug, Report)]
#[report(method = "get.calls_report")]
struct Call {
    id: u64,
    finish_reason: Option<FinishReason>,
}

#[derive(Debug, Report)]
#[report(method = "get.orders_report", schema = "schema", api = crate::api)]
struct Order {
    id: u64,
    total: dataapi::Decimal,
}

fn main() {
    let from = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let till = DateTime::from_ymd_hms(2026, 3, 31, 23, 59, 59).unwrap();

    // 1. The bundled crate.
    let request = calls_report::Request::new(from, till).token("token").filter(fields::total_duration.ge(60)).limit(10);
    request.validate().expect("a valid request");
    let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":7,"finish_reason":"subscriber_disconnects"}]}}"#;
    let page = Reply::<calls_report::Row>::decode(reply).expect("a reply");
    assert_eq!(page.data[0].finish_reason, Some(FinishReason::SubscriberDisconnects));
    println!("bundled crate: ok");

    // 2. The derive, on the bundled schema.
    let page = Call::decode_reply(reply).expect("a reply");
    assert_eq!(page.data[0].id, 7);
    Call::request(from, till).token("token").validate().expect("a valid request");
    println!("derive: ok");

    // 3. build.rs: a method of one's own, with the bundled enum reused.
    let request = api::orders_report::Request::new(from, till).token("token")
        .filter(api::orders_report::fields::direction.eq(dataapi::enums::Direction::In));
    request.validate().expect("a valid request");
    let call = dataapi::serde_json::to_value(request.to_rpc(1)).unwrap();
    assert_eq!(call["method"], "get.orders_report");
    let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":3,"total":"12.50","direction":"in"}]}}"#;
    let page = Order::decode_reply(reply).expect("a reply");
    assert_eq!(page.data[0].total.to_string(), "12.50");
    println!("build.rs: ok");
}
