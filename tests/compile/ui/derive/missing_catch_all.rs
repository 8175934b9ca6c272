/// Covers `in` only: `out` has no variant and there is no catch-all.
#[derive(dataapi::ReportEnum)]
#[report(enum = "direction")]
enum Direction {
    In,
}

fn main() {}
