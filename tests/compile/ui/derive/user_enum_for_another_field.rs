/// Mapped to `direction`, then used for `finish_reason`.
#[derive(dataapi::ReportEnum)]
#[report(enum = "direction")]
enum Direction {
    In,
    Out,
    #[report(other)]
    Other(String),
}

#[derive(dataapi::Report)]
#[report(method = "get.calls_report")]
struct Call {
    direction: Direction,
    finish_reason: Direction,
}

fn main() {}
