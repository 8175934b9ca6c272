#[derive(dataapi::Report)]
#[report(method = "get.calls_report")]
struct Call {
    // Another enum of the schema.
    finish_reason: Option<dataapi::enums::Direction>,
    // Not an enum at all.
    direction: i32,
}

fn main() {}
