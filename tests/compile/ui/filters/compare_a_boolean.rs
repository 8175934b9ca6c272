// Booleans are equal or not; they do not compare.
use dataapi::calls_report::fields;
use dataapi::prelude::*;

fn main() {
    let _ = fields::is_lost.lt(true);
}
