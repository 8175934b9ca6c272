# Sourced by build-cost.sh and process-times.sh (which set `root`): a scratch crate on this
# workspace's `dataapi`, and the struct of eight `get.calls_report` fields both measure, with
# and without the derive.

# derive_crate DIR NAME: a crate named NAME in DIR, depending on `dataapi`, with this
# workspace's lock file so that it builds offline.
derive_crate() {
    mkdir -p "$1/src"
    cat > "$1/Cargo.toml" <<TOML
[package]
name = "$2"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
dataapi = { path = "$root/generated" }

[workspace]
TOML
    cp "$root/Cargo.lock" "$1/"
}

# call_struct NAME DERIVE: the struct NAME, with `#[derive(dataapi::Report)]` when DERIVE is
# `derive`, and as a plain struct (no derive, no attribute) otherwise.
call_struct() {
    local derive="" attribute=""
    if [ "$2" = derive ]; then
        derive=", dataapi::Report"
        attribute='#[report(method = "get.calls_report")]'
    fi
    cat <<RS
#[derive(Debug$derive)]
$attribute
pub struct $1 {
    id: u64,
    start_time: dataapi::DateTime,
    finish_reason: Option<dataapi::calls_report::FinishReason>,
    direction: dataapi::enums::Direction,
    total_duration: Option<u32>,
    is_lost: bool,
    virtual_phone_number: Option<String>,
    tags: Vec<dataapi::calls_report::Tag>,
}
RS
}
