// `finish_reason` takes its own enum, not another one.
use dataapi::calls_report::fields;
use dataapi::enums::Channel;
use dataapi::prelude::*;

fn main() {
    let _ = fields::finish_reason.eq(Channel::Paid);
}
