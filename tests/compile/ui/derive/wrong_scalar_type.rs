#[derive(dataapi::Report)]
#[report(method = "get.calls_report")]
struct Call {
    id: String,
    start_time: u64,
    is_lost: Option<i32>,
    total_duration: Option<f64>,
}

fn main() {}
