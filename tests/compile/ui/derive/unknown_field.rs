#[derive(dataapi::Report)]
#[report(method = "get.calls_report")]
struct Call {
    id: u64,
    finish_reasn: Option<dataapi::calls_report::FinishReason>,
    #[report(rename = "total_durration")]
    seconds: Option<u32>,
}

fn main() {}
