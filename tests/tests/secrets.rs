//! The access token never shows in `Debug`, in errors or in validator reports; it goes only
//! into the serialized call, where the API needs it.

use dataapi::calls_report::Request;
use dataapi::runtime::{AccessToken, DateTime, validate};

const SECRET: &str = "SECRET-token-7f3a9c";

fn request() -> Request {
    let from = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let till = DateTime::from_ymd_hms(2026, 12, 1, 0, 0, 0).unwrap(); // too long a range
    Request::new(SECRET, from, till).limit(0).fields(["id", "no_such_field"])
}

#[test]
fn debug_output_hides_the_token() {
    let r = request();
    assert!(!format!("{r:?}").contains(SECRET), "{r:?}");
    assert!(!format!("{:?}", r.to_rpc(1)).contains(SECRET));
    assert!(!format!("{:?}", AccessToken::new(SECRET)).contains(SECRET));
    assert!(!format!("{:#?}", r).contains(SECRET));
}

#[test]
fn validator_reports_never_quote_the_token() {
    let violations = request().validate().unwrap_err();
    assert!(violations.iter().count() >= 3, "{violations}");
    assert!(!violations.to_string().contains(SECRET));
    assert!(!format!("{violations:?}").contains(SECRET));
    // The same request checked as JSON.
    let params = serde_json::to_value(request()).unwrap();
    let violations = validate::params(&dataapi::calls_report::DESCRIPTOR, &params).unwrap_err();
    assert!(!violations.to_string().contains(SECRET));
}

#[test]
fn the_call_carries_it_where_the_api_reads_it() {
    let call = serde_json::to_value(request().to_rpc(1)).unwrap();
    assert_eq!(call["params"]["access_token"], SECRET);
}
