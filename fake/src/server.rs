//! HTTP/1.1 on loopback: `POST /v2.0` for JSON-RPC, `GET /__stats` for the counters,
//! `GET`/`POST /__clock` for the clock. Every reply's `Date` header is the clock's now.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, DATE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::faults::{FaultKind, Faults};
use super::rpc::{RpcError, Service};

/// The largest request body the server reads; larger ones get HTTP 413 and `invalid_request`.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// How long the server waits for a request's headers or body.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// What the connections share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) service: Service,
    pub(crate) faults: Faults,
    pub(crate) max_body: usize,
}

/// A reply body: whole, or cut off by a fault (the connection then closes).
#[derive(Debug)]
pub(crate) enum ReplyBody {
    /// The whole body.
    Whole(Option<Bytes>),
    /// The first part of the body, then (once it has been flushed) an error that makes hyper
    /// drop the connection.
    Broken(Option<Bytes>, Pin<Box<tokio::time::Sleep>>),
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        Poll::Ready(match this {
            ReplyBody::Whole(part) => part.take().map(|b| Ok(Frame::data(b))),
            ReplyBody::Broken(part, pause) => match part.take() {
                Some(b) => Some(Ok(Frame::data(b))),
                None => match pause.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(()) => Some(Err(io::Error::other("fault: connection closed mid-body"))),
                },
            },
        })
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ReplyBody::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Whole(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ReplyBody::Whole(None) => SizeHint::with_exact(0),
            ReplyBody::Broken(..) => SizeHint::default(),
        }
    }
}

fn reply(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<ReplyBody> {
    let mut response = Response::new(ReplyBody::Whole(Some(body.into())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

const JSON: &str = "application/json; charset=UTF-8";

fn rpc_error(shared: &Shared, status: StatusCode, e: RpcError) -> Response<ReplyBody> {
    shared.service.counters.error(e.mnemonic());
    reply(status, JSON, e.reply(&serde_json::Value::Null))
}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<ReplyBody>, Infallible> {
    let mut response = answer(shared.clone(), request).await?;
    if let Ok(date) = HeaderValue::from_str(&shared.service.clock.http_date()) {
        response.headers_mut().insert(DATE, date);
    }
    Ok(response)
}

/// `GET /__clock` reads the clock; `POST /__clock` with `{"advance_seconds": N}` or
/// `{"set": "YYYY-MM-DD hh:mm:ss"}` moves it. Both answer `{"now": "…"}`.
async fn clock(shared: &Shared, request: Request<Incoming>) -> Response<ReplyBody> {
    let clock = &shared.service.clock;
    let now = |t| {
        reply(StatusCode::OK, JSON, serde_json::json!({"now": dataapi_runtime::DateTime(t).to_string()}).to_string())
    };
    let refuse = |status, message: String| reply(status, JSON, serde_json::json!({"error": message}).to_string());
    if request.method() == Method::GET {
        return now(clock.now());
    }
    if request.method() != Method::POST {
        return refuse(StatusCode::METHOD_NOT_ALLOWED, "the clock takes GET or POST".into());
    }
    let body = match tokio::time::timeout(READ_TIMEOUT, Limited::new(request.into_body(), 4096).collect()).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        _ => return refuse(StatusCode::BAD_REQUEST, "the body could not be read (at most 4096 bytes)".into()),
    };
    const EXPECTED: &str = r#"expected {"advance_seconds": N} (a whole number ≥ 0) or {"set": "YYYY-MM-DD hh:mm:ss"}"#;
    let Ok(serde_json::Value::Object(command)) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, format!("the body is not a JSON object: {EXPECTED}"));
    };
    match (command.len(), command.get("advance_seconds"), command.get("set")) {
        (1, Some(n), None) => match n.as_u64() {
            Some(n) => now(clock.advance(n)),
            None => refuse(StatusCode::BAD_REQUEST, format!("`advance_seconds` is {n}: {EXPECTED}")),
        },
        (1, None, Some(t)) => match t.as_str().map(str::parse::<dataapi_runtime::DateTime>) {
            Some(Ok(t)) => now(clock.set(t.0)),
            _ => refuse(StatusCode::BAD_REQUEST, format!("`set` is {t}: {EXPECTED}")),
        },
        _ => refuse(StatusCode::BAD_REQUEST, EXPECTED.into()),
    }
}

async fn answer(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<ReplyBody>, Infallible> {
    let path = request.uri().path();
    if request.method() == Method::GET && path == "/__stats" {
        let stats = serde_json::to_string(&shared.service.stats()).expect("stats serialize");
        return Ok(reply(StatusCode::OK, JSON, stats));
    }
    if path == "/__clock" {
        return Ok(clock(&shared, request).await);
    }
    if path != "/v2.0" {
        let e = RpcError::new("method_not_found", format!("no endpoint `{path}`; the API is at /v2.0"));
        return Ok(rpc_error(&shared, StatusCode::NOT_FOUND, e));
    }
    if request.method() != Method::POST {
        let e = RpcError::new("invalid_request", "the API takes POST requests");
        return Ok(rpc_error(&shared, StatusCode::METHOD_NOT_ALLOWED, e));
    }
    let counters = &shared.service.counters;
    let n = counters.requests.fetch_add(1, Ordering::Relaxed);
    let too_large =
        || RpcError::new("invalid_request", format!("the request body is larger than {} bytes", shared.max_body));
    let declared = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > shared.max_body as u64) {
        return Ok(rpc_error(&shared, StatusCode::PAYLOAD_TOO_LARGE, too_large()));
    }
    let body =
        match tokio::time::timeout(READ_TIMEOUT, Limited::new(request.into_body(), shared.max_body).collect()).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
                return Ok(rpc_error(&shared, StatusCode::PAYLOAD_TOO_LARGE, too_large()));
            }
            Ok(Err(_)) | Err(_) => {
                let e = RpcError::new("invalid_request", "the request body could not be read");
                return Ok(rpc_error(&shared, StatusCode::BAD_REQUEST, e));
            }
        };
    let fault = shared.faults.draw(n);
    if let Some(kind) = fault {
        counters.fault(kind.as_str());
    }
    match fault {
        Some(FaultKind::BadGateway) => {
            return Ok(reply(StatusCode::BAD_GATEWAY, "text/html", "<html><body>502 Bad Gateway</body></html>"));
        }
        Some(FaultKind::Unavailable) => {
            let mut r = reply(StatusCode::SERVICE_UNAVAILABLE, "text/html", "<html><body>503</body></html>");
            r.headers_mut().insert("retry-after", HeaderValue::from_static("1"));
            return Ok(r);
        }
        Some(FaultKind::ErrorReply) => {
            let id = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .filter(|id| id.is_string() || id.is_number())
                .unwrap_or(serde_json::Value::Null);
            let e = RpcError::new("internal_error", "internal error (injected by the fake server)");
            counters.error(e.mnemonic());
            return Ok(reply(StatusCode::OK, JSON, e.reply(&id)));
        }
        Some(FaultKind::Slow) => tokio::time::sleep(shared.faults.slow_delay()).await,
        _ => {}
    }
    let breaks = matches!(fault, Some(FaultKind::Disconnect | FaultKind::Truncated));
    // Filtering and sorting a large window is CPU work: it runs off the connection tasks, so
    // that one heavy request does not hold up the others.
    let worker = shared.clone();
    let total = fault != Some(FaultKind::OmitTotalItems);
    let answer = tokio::task::spawn_blocking(move || worker.service.call(&body, !breaks, total)).await;
    let Ok(answer) = answer else {
        let e = RpcError::new("internal_error", "the fake server failed on this request");
        return Ok(rpc_error(&shared, StatusCode::OK, e));
    };
    let full = Bytes::from(answer);
    Ok(match fault {
        Some(FaultKind::Truncated) => reply(StatusCode::OK, JSON, full.slice(..full.len() / 2)),
        Some(FaultKind::Disconnect) => {
            let pause = Box::pin(tokio::time::sleep(Duration::from_millis(50)));
            let mut r = Response::new(ReplyBody::Broken(Some(full.slice(..full.len() / 2)), pause));
            r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
            r.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(full.len()));
            r
        }
        _ => reply(StatusCode::OK, JSON, full),
    })
}

/// Accepts connections until `stop` changes or its sender is dropped.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = stop.changed() => return,
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| handle(shared.clone(), request));
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
}

/// Binds `addr`.
pub(crate) async fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
