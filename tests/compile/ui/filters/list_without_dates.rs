// `get.chat_channels` is a list, not a dated report: its request takes no period.
use dataapi::runtime::DateTime;

fn main() {
    let from = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let _ = dataapi::chat_channels::Request::new(from, from).token("token");
}
