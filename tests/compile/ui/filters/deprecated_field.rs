// The docs mark `release_cause_code` deprecated: using the field, or its marker, warns.
#![deny(deprecated)]
use dataapi::call_legs_report::{Row, fields};
use dataapi::prelude::*;

fn main() {
    let _ = fields::release_cause_code.eq(16);
    let row = Row::default();
    let _ = row.release_cause_code;
}
