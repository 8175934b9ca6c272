use dataapi::prelude::*;

#[derive(Debug, dataapi::Report)]
#[report(method = "get.calls_report")]
struct Call {
    id: u64,
    strat_time: dataapi::DateTime,
    total_duration: String,
}

fn main() {
    // The struct's mistakes above must not add errors here.
    let from = dataapi::DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let request = Call::request(from, from).token("token").sort(dataapi::calls_report::fields::start_time.desc());
    let _ = request.validate();
    let _ = Call::decode_reply(b"{}").map(|page| page.data.len());
}
