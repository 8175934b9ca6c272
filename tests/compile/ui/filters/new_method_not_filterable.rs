// `get.chat_channels`: the docs leave the filter cell of `status` empty, so it cannot be filtered.
use dataapi::chat_channels::{Status, fields};
use dataapi::prelude::*;

fn main() {
    let _ = fields::status.eq(Status::Active);
}
