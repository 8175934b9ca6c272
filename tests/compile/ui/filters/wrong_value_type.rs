// `total_duration` takes a number of seconds, not a string.
use dataapi::calls_report::fields;
use dataapi::prelude::*;

fn main() {
    let _ = fields::total_duration.eq("thirty");
}
