//! The events receiver under load: `dataapi events` as a process, and clients on loopback
//! posting `Joined` events as JSON, each on a new connection. Every accepted event is synced
//! to disk before its 200, so the rate is bounded by the disk's sync latency. At the end the
//! lines written are counted against the events acknowledged: nothing may be lost.
//!
//! `cargo bench -p dataapi-cli --bench events_load` (options: `-- EVENTS CLIENTS`, default
//! 4 000 events from 8 clients); the figures are in BENCHMARKS.md.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let events = args.first().copied().unwrap_or(4_000);
    let clients = args.get(1).copied().unwrap_or(8).max(1);
    let dir = std::env::temp_dir().join(format!("dataapi-events-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let out = dir.join("events.ndjson");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dataapi"))
        .args(["events", "--addr", "127.0.0.1:0", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the receiver starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("its address");
    let addr = first.trim().trim_start_matches("http://").trim_end_matches('/').to_owned();
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut acknowledged = 0usize;
                for n in (c..events).step_by(clients) {
                    let body = format!(
                        r#"{{"event":"Joined","channel":"call","member_channel_id":"m-{n}","crm_deal_id":"{n}"}}"#
                    );
                    let request = format!(
                        "POST / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let mut stream = TcpStream::connect(&addr).expect("a connection");
                    stream.write_all(request.as_bytes()).expect("the request is sent");
                    let mut reply = String::new();
                    stream.read_to_string(&mut reply).expect("a reply");
                    if reply.starts_with("HTTP/1.1 200") {
                        acknowledged += 1;
                    }
                }
                acknowledged
            })
        })
        .collect();
    let acknowledged: usize = threads.into_iter().map(|t| t.join().expect("a client")).sum();
    let seconds = start.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    let lines = std::fs::read_to_string(&out).expect("the output").lines().count();
    println!(
        "{events} events from {clients} clients: {acknowledged} acknowledged in {seconds:.2} s = {:.0} events/s; {lines} lines written",
        acknowledged as f64 / seconds
    );
    assert_eq!(lines, acknowledged, "every acknowledged event is on disk, and nothing else");
    let _ = std::fs::remove_dir_all(&dir);
}
