// Enum fields take the enum, not its code as a string.
use dataapi::calls_report::fields;
use dataapi::prelude::*;

fn main() {
    let _ = fields::finish_reason.is_in(["operator_answer"]);
}
