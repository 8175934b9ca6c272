// `start_time` can be sorted but the docs do not let you filter on it.
use dataapi::calls_report::fields;
use dataapi::prelude::*;

fn main() {
    let from = dataapi::runtime::DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let _ = fields::start_time.gt(from);
}
