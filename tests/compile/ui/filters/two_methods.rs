// One filter cannot mix the fields of two methods.
use dataapi::prelude::*;
use dataapi::{calls_report, communications_report};

fn main() {
    let _ = calls_report::fields::id.eq(1).and(communications_report::fields::id.eq(2));
}
