#[derive(dataapi::Report)]
#[report(methd = "get.calls_report")]
struct Call {
    id: u64,
}

#[derive(dataapi::Report)]
#[report(method = "get.calls_report")]
struct Other {
    #[report(renme = "id")]
    key: u64,
}

fn main() {}
