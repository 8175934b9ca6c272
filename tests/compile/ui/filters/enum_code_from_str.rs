// A known enum has no `From<&str>`: a typo must not become an unknown code by accident.
use dataapi::calls_report::fields;
use dataapi::prelude::*;

fn main() {
    let _ = fields::direction.eq("inn".into());
}
