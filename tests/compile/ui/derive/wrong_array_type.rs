#[derive(dataapi::Report)]
#[report(method = "get.calls_report")]
struct Call {
    // An array of objects is not a string.
    scenario_operations: String,
    // A scalar is not an array.
    id: Vec<u64>,
}

fn main() {}
