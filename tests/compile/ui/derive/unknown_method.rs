#[derive(dataapi::Report)]
#[report(method = "get.call_report")]
struct Call {
    id: u64,
}

fn main() {}
