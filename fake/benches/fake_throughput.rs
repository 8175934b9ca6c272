//! Throughput of the fake server: many clients on loopback, each on its own keep-alive
//! connection, asking for 100-row pages of `get.calls_report` (default fields) at offsets
//! spread over a 90-day window of 27 000 rows. The server runs in-process on the same
//! 2-core machine as the clients.
//!
//! `cargo bench -p dataapi-fake --bench fake_throughput` (options: `-- SECONDS CLIENTS
//! [filtered] [live]`, default 5 s and 32 clients; `filtered` adds a filter on `direction` and a
//! sort by `finish_reason`, so that every request reads the whole window; `live` turns on the
//! realistic history (`live()`: late rows, edits, deletions, unstable ties) with the clock at
//! 2026-04-01 12:00:00, so that every request decides for each row of the window whether it is
//! there and in which version); the figures are in BENCHMARKS.md.

use std::time::{Duration, Instant};

use dataapi::Date;
use dataapi::fake::FakeServer;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One request on a keep-alive connection; the reply body.
async fn post(stream: &mut BufReader<TcpStream>, host: &str, body: &str) -> std::io::Result<Vec<u8>> {
    // Head and body in one write: two small writes would wait for the server's delayed ACK.
    let message = format!(
        "POST /v2.0 HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.get_mut().write_all(message.as_bytes()).await?;
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().map_err(std::io::Error::other)?;
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok(body)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let seconds: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(5);
    let clients: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(32);
    let filtered = args.iter().skip(2).any(|s| s == "filtered");
    let live = args.iter().skip(2).any(|s| s == "live");
    let extra = if filtered {
        r#","filter":{"field":"direction","operator":"=","value":"in"},"sort":[{"field":"finish_reason","order":"desc"}]"#
    } else {
        ""
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async move {
        let mut builder = FakeServer::builder()
            .methods(dataapi::METHODS)
            .seed(7)
            .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 3, 31).unwrap())
            .rows_per_day(300)
            .token("T");
        if live {
            builder = builder.live().clock_start(dataapi::DateTime::from_ymd_hms(2026, 4, 1, 12, 0, 0).unwrap());
        }
        let server = builder.start().await.expect("the server starts");
        let addr = server.addr();
        let host = addr.to_string();
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let tasks: Vec<_> = (0..clients)
            .map(|c| {
                let host = host.clone();
                tokio::spawn(async move {
                    // Offsets whose page is full (a live window has lost about 1 % of its rows).
                    let window = match (filtered, live) {
                        (true, false) => 11_400,
                        (true, true) => 11_100,
                        (false, false) => 26_900,
                        (false, true) => 26_600,
                    };
                    let stream = TcpStream::connect(addr).await.expect("connect");
                    stream.set_nodelay(true).expect("no delay");
                    let mut stream = BufReader::new(stream);
                    let (mut done, mut rows) = (0u64, 0u64);
                    while Instant::now() < deadline {
                        let offset = (c as u64 * 997 + done * 100) % window;
                        let body = format!(
                            r#"{{"jsonrpc":"2.0","id":{done},"method":"get.calls_report","params":{{"access_token":"T","date_from":"2026-01-01 00:00:00","date_till":"2026-03-31 23:59:59","limit":100,"offset":{offset}{extra}}}}}"#
                        );
                        let reply = post(&mut stream, &host, &body).await.expect("a reply");
                        // The clients share the machine with the server: they check every
                        // reply's head and decode one in 50 in full, so that the figure is
                        // the server's rather than the JSON decoder's.
                        let head = format!(r#"{{"jsonrpc":"2.0","id":{done},"result":{{"data":[{{"#);
                        assert!(reply.starts_with(head.as_bytes()), "{}", String::from_utf8_lossy(&reply));
                        if done % 50 == 0 {
                            let value: serde_json::Value = serde_json::from_slice(&reply).expect("JSON");
                            assert_eq!(value["result"]["data"].as_array().expect("rows").len(), 100);
                        }
                        rows += 100;
                        done += 1;
                    }
                    (done, rows)
                })
            })
            .collect();
        let (mut requests, mut rows) = (0, 0);
        for t in tasks {
            let (d, r) = t.await.expect("a client");
            requests += d;
            rows += r;
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "fake_throughput{}{}: {clients} clients, {requests} requests in {elapsed:.2} s: {:.0} requests/s, {:.0} rows/s",
            if filtered { " (filtered, sorted)" } else { "" },
            if live { " (live)" } else { "" },
            requests as f64 / elapsed,
            rows as f64 / elapsed
        );
        assert_eq!(server.stats().requests, requests);
        server.stop().await;
    });
}
