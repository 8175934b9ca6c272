//! One reply decoded once, for instruction counts and peak memory, which unlike wall time do
//! not depend on what else the machine is doing. `scripts/decode-instructions.sh` runs it
//! under `valgrind --tool=callgrind` once per decoder and once with `none` (the body built,
//! nothing decoded), and reports the difference.
//!
//! `cargo bench -p dataapi-runtime --bench decode_once -- DECODER`, where DECODER is `none`,
//! `generated`, `generated-slice` (the generated row read from bytes, checking UTF-8 string by
//! string), `plain`, `value`, `user`, `user-plain` or `user-value`. Built with
//! `--features simd`, `generated` and `user` check the body's UTF-8 with simdutf8.
#![allow(missing_docs)]
// The counting allocator below is the one unsafe item: a `GlobalAlloc` must be.
#![allow(unsafe_code)]

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes live now and their peak since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

use dataapi::runtime::Reply;
use support::{PlainReply, PlainUserCall, UserCall, plain_calls::PlainCall};

const ROWS: usize = 10_000;

fn main() {
    let decoder = std::env::args().skip(1).find(|a| !a.starts_with("--")).unwrap_or_else(|| "none".into());
    let body = if decoder.starts_with("user") { support::user_reply(ROWS) } else { support::calls_reply(ROWS) };
    // Building the body freed millions of small blocks, which glibc's malloc merges at the next
    // large request (`malloc_consolidate`): make that request now, so that the first decoder to
    // ask for a large block is not charged for it (about 255 M instructions, the same for each).
    drop(black_box(Vec::<u8>::with_capacity(64 << 10)));
    // What decoding needs beyond the body: the peak of live bytes from here on.
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let body = black_box(body.as_slice());
    let rows = match decoder.as_str() {
        "none" | "user-none" => body.len(),
        "generated" => Reply::<dataapi::calls_report::Row>::decode(body).unwrap().data.len(),
        "generated-slice" => {
            let reply: Reply<dataapi::calls_report::Row> = serde_json::from_slice(body).unwrap();
            reply.into_result().unwrap().data.len()
        }
        "plain" => serde_json::from_slice::<PlainReply<PlainCall>>(body).unwrap().result.data.len(),
        "value" => {
            serde_json::from_slice::<serde_json::Value>(body).unwrap()["result"]["data"].as_array().unwrap().len()
        }
        "user" => UserCall::decode_reply(body).unwrap().data.len(),
        "user-plain" => serde_json::from_slice::<PlainReply<PlainUserCall>>(body).unwrap().result.data.len(),
        "user-value" => {
            serde_json::from_slice::<serde_json::Value>(body).unwrap()["result"]["data"].as_array().unwrap().len()
        }
        other => {
            eprintln!("unknown decoder `{other}`");
            std::process::exit(2);
        }
    };
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!("{decoder}: {rows} rows; body {} bytes; decoding peak {peak} bytes", body.len());
}
