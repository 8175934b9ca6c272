// `like` is for strings; `total_duration` is a number.
use dataapi::calls_report::fields;
use dataapi::prelude::*;

fn main() {
    let _ = fields::total_duration.like("1%");
}
