//! `dataapi events`: a receiver of queue events. Each request's JSON body, form body or query
//! string is decoded into a typed event (`dataapi::queue::Event`) with its extra variables,
//! checked against the schema, appended to the output as one JSON line and synced to disk
//! before the sender gets its 2xx; a bad event gets a 4xx and the reason.

use std::convert::Infallible;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Parser;
use dataapi::queue::{Event, QueueType};
use dataapi::runtime::receive::{self, Limits, Rejection};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::CONTENT_TYPE;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use crate::USAGE;

/// How long a sender may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Options of `events`.
#[derive(Debug, Parser)]
#[command(after_help = "\
Answers: 200 when the event was written and synced to disk; 400 for a body or query that is not \
an event, 413 for a body too large, 415 for a body of another type, 422 for an event that does \
not fit the schema (a wrong queue type, a field it always carries missing), 405 for a method \
other than POST or GET. The reason is in the body of the answer. Events this schema does not \
know are accepted and written with every key they carried.

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
}

fn queue_type(s: &str) -> Result<QueueType, String> {
    let q: QueueType = s.parse().map_err(|_| format!("`{s}` is not a queue type"))?;
    if q.is_known() { Ok(q) } else { Err(format!("`{s}` is not a queue type the schema knows")) }
}

struct Receiver {
    out: Mutex<File>,
    queue: Option<QueueType>,
    limits: Limits,
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let out = match OpenOptions::new().create(true).append(true).open(&args.out) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: --out {}: {e}", args.out.display());
            return ExitCode::from(USAGE);
        }
    };
    let limits = Limits { max_body: args.max_body, ..Limits::default() };
    let receiver = Arc::new(Receiver { out: Mutex::new(out), queue: args.queue_type, limits });
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        let Ok(addr) = listener.local_addr() else { return ExitCode::FAILURE };
        println!("http://{addr}/");
        let stop = crate::fake_server::stopped();
        tokio::pin!(stop);
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = &mut stop => break,
            };
            let Ok((stream, _)) = accepted else { continue };
            let receiver = receiver.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| handle(receiver.clone(), request));
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(READ_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
        ExitCode::SUCCESS
    })
}

fn answer(status: u16, text: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text + "\n")));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    r.headers_mut().insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

async fn handle(receiver: Arc<Receiver>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(match receive_one(&receiver, request).await {
        Ok(name) => answer(200, format!("accepted {name}")),
        Err(r) => answer(r.status, r.reason),
    })
}

async fn receive_one(receiver: &Receiver, request: Request<Incoming>) -> Result<String, Rejection> {
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
    let json = receive::payload(content_type.as_deref(), query.as_deref(), &body, &receiver.limits)?;
    let event = Event::from_json(json).map_err(|e| Rejection::new(400, e.to_string()))?;
    if let Err(problems) = event.check(receiver.queue.as_ref()) {
        let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(Rejection::new(422, reasons.join("; ")));
    }
    let mut line = event.to_json().to_string();
    line.push('\n');
    let mut out = receiver.out.lock().await;
    // Writing and syncing block; other connections go on on the runtime's other threads.
    let written = tokio::task::block_in_place(|| out.write_all(line.as_bytes()).and_then(|()| out.sync_data()));
    drop(out);
    match written {
        Ok(()) => Ok(event.name().to_owned()),
        Err(e) => {
            eprintln!("error: cannot write an event: {e}");
            Err(Rejection::new(503, "the event could not be stored; send it again"))
        }
    }
}
