mod api {}

#[derive(dataapi::Report)]
#[report(method = "get.widgets", schema = "ui/derive_schemas/broken", api = crate::api)]
struct Widget {
    id: u64,
}

fn main() {}
