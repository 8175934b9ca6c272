// `id` can be filtered but the docs do not let you sort on it.
use dataapi::calls_report::fields;
use dataapi::prelude::*;

fn main() {
    let _ = fields::id.desc();
}
