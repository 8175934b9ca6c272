//! `dataapi events`: a receiver of queue events. Each request's JSON body, form body or query
//! string is decoded into a typed event (`dataapi::queue::Event`) with its extra variables,
//! checked against the schema, appended to the output as one JSON line and synced to disk
//! before the sender gets its 2xx; a bad event gets a 4xx and the reason.
//!
//! It is meant to be reachable from the internet, so:
//! - with `--secret-env NAME` a request is taken only at the path `/<secret>` or with
//!   `Authorization: Bearer <secret>` (compared in constant time); anything else is a 404 and
//!   writes nothing. Without a secret it listens only on a loopback address, unless
//!   `--insecure-no-secret`, and takes no GET (a web page could send one with an image tag);
//! - connections are bounded (`--max-connections`): at the limit, or when accept fails for
//!   lack of file descriptors, the connection that has waited longest without a request in
//!   progress is closed, and a line is logged (at most every few seconds); with nothing to
//!   close, accepting pauses instead of spinning. Request heads are capped
//!   (`--max-header-bytes`, 431 above it), and `--rate-limit` bounds each sender's address;
//! - the file only ever holds whole lines: a write that fails half-way is cut back to the last
//!   good length before the error answer, and a partial last line left by a crash is cut (and
//!   reported) on start;
//! - with `--dedup-key`, an event whose key fields equal those of an event written within
//!   `--dedup-window` is answered 200 and not written again; the window is rebuilt from the
//!   file's tail on start.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use clap::Parser;
use dataapi::queue::{Event, QueueType};
use dataapi::runtime::receive::{self, Limits, Rejection};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tokio::task::AbortHandle;

use crate::USAGE;

/// How long a sender may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The shortest secret accepted.
const MIN_SECRET: usize = 16;
/// How much of the file's end is read on start to rebuild the duplicate window.
const DEDUP_TAIL: u64 = 64 << 20;
/// Most keys the duplicate window holds; past it the oldest are forgotten.
const DEDUP_MAX_KEYS: usize = 1_000_000;
/// The key each line carries, with `--dedup-key`, to rebuild the window after a restart.
const RECEIVED_AT: &str = "dataapi_received_at";
/// Most sender addresses the rate limiter remembers before it forgets those at rest.
const RATE_MAX_SENDERS: usize = 10_000;
/// Least time between two log lines about the same pressure.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// Options of `events`.
#[derive(Debug, Parser)]
#[command(after_help = "\
Answers: 200 when the event was written and synced to disk (or is a duplicate of one written \
within --dedup-window); 400 for a body or query that is not an event, 404 without the secret, \
413 for a body too large, 415 for a body of another type, 422 for an event that does not fit \
the schema (a wrong queue type, a field it always carries missing), 429 past --rate-limit, 431 \
for a request head over --max-header-bytes, 405 for another method, 503 when the event could not \
be stored (nothing of it stays in the file). The reason is in the body of the answer. Events \
this schema does not know are accepted and written with every key they carried.

The URL to give the sender is http(s)://HOST:PORT/<secret>, or any path with the header \
`Authorization: Bearer <secret>`. The secret is read from the environment variable named by \
--secret-env, never from the command line: at least 16 characters among A-Z a-z 0-9 - . _ ~.

The first line of stdout is the address it listens on. SIGINT or SIGTERM stops it.")]
pub struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The file accepted events are appended to, one JSON line each.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The queue type the events come from: events that do not occur in it are refused.
    #[arg(long, value_name = "TYPE", value_parser = queue_type)]
    queue_type: Option<QueueType>,
    /// Largest body in bytes.
    #[arg(long, default_value_t = Limits::default().max_body)]
    max_body: usize,
    /// The environment variable holding the secret that senders must present.
    #[arg(long, value_name = "NAME")]
    secret_env: Option<String>,
    /// Listen on a non-loopback address without a secret (anyone can then write events).
    #[arg(long, conflicts_with = "secret_env")]
    insecure_no_secret: bool,
    /// Most connections open at once.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_connections: u32,
    /// Largest request head (request line and headers) in bytes.
    #[arg(long, default_value_t = 16 * 1024, value_parser = clap::value_parser!(u32).range(8192..=1 << 20))]
    max_header_bytes: u32,
    /// Most requests a second from one sender address (bursts of as many); 429 past it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: Option<u32>,
    /// Fields that identify an event (comma-separated): an event whose fields equal those of an
    /// event written within --dedup-window is answered 200 and not written again.
    #[arg(long, value_delimiter = ',', value_name = "FIELD,…")]
    dedup_key: Option<Vec<String>>,
    /// How long an event's key is remembered: seconds, or a number with s, m, h or d.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = duration)]
    dedup_window: Duration,
}

/// A queue type the schema knows; a typo is answered with the valid types and the nearest one.
fn queue_type(s: &str) -> Result<QueueType, String> {
    match s.parse::<QueueType>() {
        Ok(q) if q.is_known() => Ok(q),
        _ => {
            let hint = dataapi::runtime::validate::did_you_mean(s, QueueType::CODES.iter().copied())
                .map_or_else(String::new, |h| format!(" ({h})"));
            Err(format!(
                "`{s}` is not a queue type the schema knows{hint}; the types are {}",
                QueueType::CODES.join(", ")
            ))
        }
    }
}

/// A duration: seconds, or a number followed by `s`, `m`, `h` or `d`.
fn duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, "s"),
    };
    let n: u64 = number.parse().map_err(|_| format!("`{s}` is not a duration such as 90s, 10m, 2h or 1d"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{s}`: the unit is s, m, h or d")),
    };
    n.checked_mul(seconds)
        .filter(|&n| n > 0)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{s}`: a duration above zero and below {} days", u64::MAX / 86_400))
}

/// The secret from the environment, checked.
fn secret(var: &str) -> Result<Vec<u8>, String> {
    let value = std::env::var(var).map_err(|_| format!("--secret-env {var}: the environment variable is not set"))?;
    if value.len() < MIN_SECRET {
        return Err(format!("--secret-env {var}: the secret has {} characters; at least {MIN_SECRET}", value.len()));
    }
    if let Some(c) = value.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~".contains(*c))) {
        return Err(format!(
            "--secret-env {var}: the secret holds {c:?}; it goes into a URL, so use only A-Z a-z 0-9 - . _ ~"
        ));
    }
    Ok(value.into_bytes())
}

/// The output file and what is known of it.
struct Output {
    file: File,
    /// The length of the file's whole lines.
    len: u64,
    /// A failed write could not be cut back yet: cut it before the next one.
    dirty: bool,
    dedup: Option<Dedup>,
}

impl Output {
    /// Opens `path` for appending, cuts a partial last line, syncs the folder of a new file.
    fn open(path: &Path) -> io::Result<Output> {
        let existed = path.exists();
        let mut file = OpenOptions::new().create(true).read(true).append(true).open(path)?;
        if !existed {
            crate::durable::sync_dir(path)?;
        }
        let len = file.metadata()?.len();
        let whole = whole_lines(&mut file, len)?;
        if whole < len {
            file.set_len(whole)?;
            file.sync_all()?;
            eprintln!(
                "note: --out {}: cut a partial last line of {} bytes left by an earlier run (it was never acknowledged)",
                path.display(),
                len - whole
            );
        }
        Ok(Output { file, len: whole, dirty: false, dedup: None })
    }

    /// Appends `line` and syncs it; on failure the file is cut back to its whole lines.
    fn append(&mut self, line: &[u8]) -> io::Result<()> {
        if self.dirty {
            self.file.set_len(self.len)?;
            self.dirty = false;
        }
        let written = self.file.write_all(line).and_then(|()| self.file.sync_data());
        match written {
            Ok(()) => {
                self.len += line.len() as u64;
                Ok(())
            }
            Err(e) => {
                if self.file.set_len(self.len).and_then(|()| self.file.sync_data()).is_err() {
                    self.dirty = true;
                }
                Err(e)
            }
        }
    }
}

/// The length of the file's first `len` bytes up to and including its last newline.
fn whole_lines(file: &mut File, len: u64) -> io::Result<u64> {
    let mut end = len;
    let mut chunk = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(chunk.len() as u64);
        let n = (end - start) as usize;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk[..n])?;
        if let Some(i) = chunk[..n].iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// The keys of the events written within the window.
struct Dedup {
    fields: Vec<String>,
    window: Duration,
    seen: HashMap<String, u64>,
    order: VecDeque<(u64, String)>,
}

impl Dedup {
    /// The key of an event's JSON, or none when it has none of the fields.
    fn key(&self, json: &Value) -> Option<String> {
        let values: Vec<&Value> = self.fields.iter().map(|f| json.get(f).unwrap_or(&Value::Null)).collect();
        values
            .iter()
            .any(|v| !v.is_null())
            .then(|| Value::from(values.into_iter().cloned().collect::<Vec<_>>()))
            .map(|v| v.to_string())
    }

    fn forget_before(&mut self, now_ms: u64) {
        let cutoff = now_ms.saturating_sub(self.window.as_millis() as u64);
        while let Some((t, _)) = self.order.front() {
            if *t >= cutoff && self.order.len() <= DEDUP_MAX_KEYS {
                break;
            }
            if let Some((t, key)) = self.order.pop_front()
                && self.seen.get(&key) == Some(&t)
            {
                self.seen.remove(&key);
            }
        }
    }

    fn contains(&mut self, key: &str, now_ms: u64) -> bool {
        self.forget_before(now_ms);
        self.seen.contains_key(key)
    }

    fn insert(&mut self, key: String, at_ms: u64) {
        self.seen.insert(key.clone(), at_ms);
        self.order.push_back((at_ms, key));
    }

    /// Rebuilds the window from the lines in the last [`DEDUP_TAIL`] bytes of `file`; returns
    /// the keys remembered.
    fn rebuild(&mut self, file: &mut File, len: u64, now_ms: u64) -> io::Result<usize> {
        let start = len.saturating_sub(DEDUP_TAIL);
        file.seek(SeekFrom::Start(start))?;
        let mut tail = Vec::with_capacity((len - start) as usize);
        file.take(len - start).read_to_end(&mut tail)?;
        let mut lines = tail.split(|&b| b == b'\n');
        if start > 0 {
            lines.next(); // the first line is cut
        }
        let cutoff = now_ms.saturating_sub(self.window.as_millis() as u64);
        for line in lines {
            let Ok(json) = serde_json::from_slice::<Value>(line) else { continue };
            let at = json.get(RECEIVED_AT).and_then(Value::as_str).and_then(parse_ms);
            let (Some(at), Some(key)) = (at, self.key(&json)) else { continue };
            if at >= cutoff {
                self.insert(key, at);
            }
        }
        self.forget_before(now_ms);
        Ok(self.seen.len())
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// UTC milliseconds as RFC 3339 (`2026-03-01T10:00:00.123Z`).
fn format_ms(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

fn parse_ms(s: &str) -> Option<u64> {
    chrono::DateTime::parse_from_rfc3339(s).ok().and_then(|t| u64::try_from(t.timestamp_millis()).ok())
}

/// A log line at most every [`LOG_EVERY`], counting the times in between.
struct Throttled {
    last: Option<Instant>,
    quiet: u64,
}

impl Throttled {
    fn log(&mut self, line: impl FnOnce() -> String) {
        if self.last.is_some_and(|t| t.elapsed() < LOG_EVERY) {
            self.quiet += 1;
            return;
        }
        let more =
            if self.quiet > 0 { format!(" ({} more times since the last line)", self.quiet) } else { String::new() };
        eprintln!("{}{more}", line());
        self.last = Some(Instant::now());
        self.quiet = 0;
    }
}

/// The open connections: each one's task, and since when it waits without a request in
/// progress (none while a request is being handled).
struct Connections {
    next: u64,
    open: HashMap<u64, (Option<Instant>, AbortHandle)>,
}

impl Connections {
    /// Closes up to `n` connections that have waited longest without a request in progress;
    /// returns how many.
    fn close_idle(&mut self, n: usize) -> usize {
        let mut idle: Vec<(Instant, u64)> = self.open.iter().filter_map(|(id, (t, _))| t.map(|t| (t, *id))).collect();
        idle.sort_unstable();
        let mut closed = 0;
        for (_, id) in idle.into_iter().take(n) {
            if let Some((_, task)) = self.open.remove(&id) {
                task.abort();
                closed += 1;
            }
        }
        closed
    }

    fn set_idle(&mut self, id: u64, idle: bool) {
        if let Some((t, _)) = self.open.get_mut(&id) {
            *t = idle.then(Instant::now);
        }
    }
}

/// Each sender address's token bucket.
struct RateLimit {
    per_second: f64,
    buckets: HashMap<IpAddr, (f64, Instant)>,
}

impl RateLimit {
    fn allow(&mut self, ip: IpAddr) -> bool {
        let now = Instant::now();
        if self.buckets.len() >= RATE_MAX_SENDERS {
            // A bucket untouched for a second is full again: forgetting it changes nothing.
            self.buckets.retain(|_, (_, t)| now.duration_since(*t) < Duration::from_secs(1));
        }
        let per_second = self.per_second;
        let (tokens, last) = self.buckets.entry(ip).or_insert((per_second, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * per_second).min(per_second);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

struct Receiver {
    out: Mutex<Output>,
    queue: Option<QueueType>,
    limits: Limits,
    secret: Option<Vec<u8>>,
    connections: SyncMutex<Connections>,
    rate: Option<SyncMutex<RateLimit>>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let secret = match &args.secret_env {
        Some(var) => match secret(var) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(USAGE);
            }
        },
        None => None,
    };
    if secret.is_none() && !args.addr.ip().is_loopback() && !args.insecure_no_secret {
        eprintln!(
            "error: --addr {}: without a secret the receiver listens only on a loopback address, since anyone who \
             reaches it could write events; give --secret-env NAME (see --help), or --insecure-no-secret",
            args.addr
        );
        return ExitCode::from(USAGE);
    }
    if let Some(fields) = &args.dedup_key
        && fields.iter().any(|f| f.trim().is_empty())
    {
        eprintln!("error: --dedup-key: an empty field name");
        return ExitCode::from(USAGE);
    }
    let mut out = match Output::open(&args.out) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: --out {}: {e}", args.out.display());
            return ExitCode::from(USAGE);
        }
    };
    if let Some(fields) = &args.dedup_key {
        let mut dedup = Dedup {
            fields: fields.iter().map(|f| f.trim().to_owned()).collect(),
            window: args.dedup_window,
            seen: HashMap::new(),
            order: VecDeque::new(),
        };
        let len = out.len;
        match dedup.rebuild(&mut out.file, len, now_ms()) {
            Ok(n) if n > 0 => eprintln!("note: {n} event keys written within --dedup-window were read back from --out"),
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: --out {}: cannot read it back: {e}", args.out.display());
                return ExitCode::FAILURE;
            }
        }
        out.dedup = Some(dedup);
    }
    let limits = Limits { max_body: args.max_body, ..Limits::default() };
    let receiver = Arc::new(Receiver {
        out: Mutex::new(out),
        queue: args.queue_type.clone(),
        limits,
        secret,
        connections: SyncMutex::new(Connections { next: 0, open: HashMap::new() }),
        rate: args.rate_limit.map(|n| SyncMutex::new(RateLimit { per_second: f64::from(n), buckets: HashMap::new() })),
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(args, receiver))
}

/// Whether accept failed for lack of file descriptors or kernel memory.
fn exhausted(e: &io::Error) -> bool {
    // EMFILE, ENFILE, ENOBUFS, ENOMEM on Linux; the same names elsewhere have other numbers.
    #[cfg(target_os = "linux")]
    let codes = [24, 23, 105, 12];
    #[cfg(not(target_os = "linux"))]
    let codes = [24, 23, 55, 12];
    e.raw_os_error().is_some_and(|c| codes.contains(&c))
}

async fn serve(args: Args, receiver: Arc<Receiver>) -> ExitCode {
    let listener = match TcpListener::bind(args.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let Ok(addr) = listener.local_addr() else { return ExitCode::FAILURE };
    println!("http://{addr}/");
    let max = args.max_connections as usize;
    let header_bytes = args.max_header_bytes as usize;
    let mut full_log = Throttled { last: None, quiet: 0 };
    let mut fd_log = Throttled { last: None, quiet: 0 };
    let stop = crate::fake_server::stopped();
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) if exhausted(&e) => {
                // Free descriptors by closing the longest idle connections; with none to
                // close, wait for requests in progress to end instead of retrying at once.
                let closed = {
                    let mut c = receiver.connections.lock().unwrap_or_else(|p| p.into_inner());
                    let n = (c.open.len() / 8).max(1);
                    c.close_idle(n)
                };
                fd_log.log(|| {
                    format!("warning: cannot accept a connection: {e}; closed {closed} idle connections and paused")
                });
                let pause = if closed > 0 { Duration::from_millis(2) } else { Duration::from_millis(100) };
                tokio::select! {
                    _ = tokio::time::sleep(pause) => continue,
                    _ = &mut stop => break,
                }
            }
            Err(_) => {
                // A connection reset before it was accepted, or another passing error.
                tokio::time::sleep(Duration::from_millis(1)).await;
                continue;
            }
        };
        let mut connections = receiver.connections.lock().unwrap_or_else(|p| p.into_inner());
        if connections.open.len() >= max && connections.close_idle(1) == 0 {
            // Every connection has a request in progress: this one waits no longer.
            drop(connections);
            full_log.log(|| {
                format!("warning: {max} connections open (--max-connections), each with a request; closed a new one")
            });
            drop(stream);
            continue;
        }
        if connections.open.len() >= max {
            full_log.log(|| format!("note: {max} connections open (--max-connections); closed the longest idle one"));
        }
        let id = connections.next;
        connections.next += 1;
        let task_receiver = receiver.clone();
        let task = tokio::spawn(async move {
            let receiver = task_receiver;
            let service_receiver = receiver.clone();
            let service =
                hyper::service::service_fn(move |request| handle(service_receiver.clone(), request, peer.ip(), id));
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(READ_TIMEOUT)
                .max_buf_size(header_bytes)
                .max_headers(100)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            receiver.connections.lock().unwrap_or_else(|p| p.into_inner()).open.remove(&id);
        });
        connections.open.insert(id, (Some(Instant::now()), task.abort_handle()));
    }
    ExitCode::SUCCESS
}

fn answer(status: u16, text: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text + "\n")));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    r.headers_mut().insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

async fn handle(
    receiver: Arc<Receiver>,
    request: Request<Incoming>,
    peer: IpAddr,
    id: u64,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let answered = match receive_one(&receiver, request, peer, id).await {
        Ok(text) => answer(200, text),
        Err(r) => answer(r.status, r.reason),
    };
    receiver.connections.lock().unwrap_or_else(|p| p.into_inner()).set_idle(id, true);
    Ok(answered)
}

/// Whether the request presents the secret, at its path or as a bearer token.
fn authorized(secret: &[u8], request: &Request<Incoming>) -> bool {
    let path = request.uri().path().as_bytes();
    let at_path = path.strip_prefix(b"/").is_some_and(|p| bool::from(p.ct_eq(secret)));
    let bearer = request
        .headers()
        .get_all(AUTHORIZATION)
        .iter()
        .filter_map(|v| v.as_bytes().strip_prefix(b"Bearer "))
        .any(|token| bool::from(token.ct_eq(secret)));
    at_path | bearer
}

async fn receive_one(
    receiver: &Receiver,
    request: Request<Incoming>,
    peer: IpAddr,
    id: u64,
) -> Result<String, Rejection> {
    if let Some(rate) = &receiver.rate {
        let mut rate = rate.lock().unwrap_or_else(|p| p.into_inner());
        if !rate.allow(peer) {
            let n = rate.per_second;
            return Err(Rejection::new(
                429,
                format!("more than {n} requests a second from {peer}; send it again later"),
            ));
        }
    }
    match &receiver.secret {
        Some(secret) if !authorized(secret, &request) => return Err(Rejection::new(404, "not found")),
        Some(_) => {}
        None if request.method() == Method::GET => {
            return Err(Rejection::new(
                405,
                "without --secret-env only POST is accepted (a web page could send a GET); send events with POST",
            ));
        }
        None => {}
    }
    if request.method() != Method::POST && request.method() != Method::GET {
        return Err(Rejection::new(405, "send events with POST (or GET with a query string)"));
    }
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let query = request.uri().query().map(str::to_owned);
    let max = receiver.limits.max_body;
    let body = match tokio::time::timeout(READ_TIMEOUT, Limited::new(request.into_body(), max).collect()).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return Err(Rejection::new(413, format!("the body is larger than {max} bytes")));
        }
        Ok(Err(_)) | Err(_) => return Err(Rejection::new(400, "the body could not be read")),
    };
    // From here on the request is in progress: this connection is not closed to make room.
    receiver.connections.lock().unwrap_or_else(|p| p.into_inner()).set_idle(id, false);
    let json = receive::payload(content_type.as_deref(), query.as_deref(), &body, &receiver.limits)?;
    let event = Event::from_json(json).map_err(|e| Rejection::new(400, e.to_string()))?;
    if let Err(problems) = event.check(receiver.queue.as_ref()) {
        let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(Rejection::new(422, reasons.join("; ")));
    }
    let name = event.name().to_owned();
    let mut json = event.to_json();
    let mut out = receiver.out.lock().await;
    let now = now_ms();
    let key = match out.dedup.as_mut() {
        Some(dedup) => match dedup.key(&json) {
            Some(key) if dedup.contains(&key, now) => {
                return Ok(format!("accepted {name} (a duplicate of an event already written; not written again)"));
            }
            key => {
                if let Value::Object(map) = &mut json {
                    map.insert(RECEIVED_AT.to_owned(), Value::String(format_ms(now)));
                }
                key
            }
        },
        None => None,
    };
    let mut line = json.to_string();
    line.push('\n');
    // Writing and syncing block; other connections go on on the runtime's other threads.
    let written = tokio::task::block_in_place(|| out.append(line.as_bytes()));
    match written {
        Ok(()) => {
            if let (Some(dedup), Some(key)) = (out.dedup.as_mut(), key) {
                dedup.insert(key, now);
            }
            Ok(format!("accepted {name}"))
        }
        Err(e) => {
            drop(out);
            eprintln!("error: cannot write an event: {e}");
            Err(Rejection::new(503, "the event could not be stored; send it again"))
        }
    }
}
