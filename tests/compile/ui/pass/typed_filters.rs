// Correct use of typed filters and sort keys compiles without warnings.
#![deny(warnings)]

use dataapi::calls_report::{FinishReason, Request, fields};
use dataapi::enums::Attribute;
use dataapi::prelude::*;

fn main() {
    let at = dataapi::runtime::DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let filter = Filter::all([
        fields::finish_reason.ne(FinishReason::OperatorAnswer),
        fields::attributes.overlap([Attribute::Target]),
        fields::utm_source.ilike("%yandex%").or(fields::utm_source.is_null()),
    ]);
    let request = Request::new(at, at).token("token").filter(filter).sort(fields::start_time.desc());
    assert!(request.validate().is_ok());
}
