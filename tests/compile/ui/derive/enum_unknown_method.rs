#[derive(dataapi::ReportEnum)]
#[report(method = "get.call_report", enum = "source")]
enum Source {
    #[report(other)]
    Other(String),
}

fn main() {}
