//! What the fake server's tests share: a server on its own runtime, and a plain HTTP/1.1
//! client over a blocking socket, so that tests can send any bytes and read any reply.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use dataapi::fake::{FakeServer, FakeServerBuilder};
use serde_json::{Value, json};

/// A fake server running on a runtime of its own.
pub struct Running {
    pub server: Option<FakeServer>,
    runtime: tokio::runtime::Runtime,
}

impl Running {
    /// Starts the server that `builder` describes.
    pub fn start(builder: FakeServerBuilder) -> Running {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
        let server = runtime.block_on(builder.start()).expect("the fake server starts");
        Running { server: Some(server), runtime }
    }

    pub fn server(&self) -> &FakeServer {
        self.server.as_ref().expect("running")
    }

    pub fn addr(&self) -> SocketAddr {
        self.server().addr()
    }

    /// A JSON-RPC call; the reply as JSON.
    pub fn call(&self, method: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        self.raw(body.to_string().as_bytes())
    }

    /// A body as it is; the reply as JSON.
    pub fn raw(&self, body: &[u8]) -> Value {
        let reply = post(self.addr(), body);
        assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
        reply.json()
    }

    /// `GET /__stats`.
    pub fn stats(&self) -> Value {
        request(self.addr(), b"GET /__stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").json()
    }

    pub fn stop(mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}

/// An HTTP reply.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// `POST /v2.0` with `body`, on a connection of its own.
pub fn post(addr: SocketAddr, body: &[u8]) -> HttpReply {
    let mut message = format!(
        "POST /v2.0 HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    message.extend_from_slice(body);
    request(addr, &message)
}

/// Sends raw bytes and reads the reply until the server closes the connection.
pub fn request(addr: SocketAddr, message: &[u8]) -> HttpReply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("a timeout");
    // The server may answer (and close) before it has read a refused body.
    let _ = stream.write_all(message);
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    parse(&all)
}

pub fn parse(all: &[u8]) -> HttpReply {
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("a reply head");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    HttpReply { status, head, body: all[split + 4..].to_vec() }
}

/// The `data.mnemonic` of an error reply.
pub fn mnemonic(reply: &Value) -> &str {
    reply["error"]["data"]["mnemonic"].as_str().unwrap_or_else(|| panic!("not an error: {reply}"))
}

/// The usual report parameters for a window of `get.calls_report`.
pub fn params(extra: Value) -> Value {
    let mut p = json!({
        "access_token": "T",
        "date_from": "2026-01-01 00:00:00",
        "date_till": "2026-01-10 23:59:59",
    });
    for (k, v) in extra.as_object().expect("an object") {
        p[k] = v.clone();
    }
    p
}
