// A request takes filters of its own method only.
use dataapi::prelude::*;
use dataapi::{calls_report, communications_report};

fn main() {
    let at = dataapi::runtime::DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let _ = calls_report::Request::new(at, at).token("token").filter(communications_report::fields::id.eq(2));
}
