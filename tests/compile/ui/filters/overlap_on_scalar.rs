// `overlap` is for array fields.
use dataapi::calls_report::fields;
use dataapi::prelude::*;

fn main() {
    let _ = fields::contact_phone_number.overlap(["7495"]);
}
