#[derive(dataapi::ReportEnum)]
#[report(enum = "direction")]
enum Direction {
    In,
    #[report(code = "outgoing")]
    Out,
    Sideways,
    #[report(other)]
    Other(String),
}

fn main() {}
