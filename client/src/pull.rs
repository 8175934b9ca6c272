//! The complete pull: every row of a period exactly once.
//!
//! The period is cut into windows no longer than the method allows. Each window is read page
//! by page (`limit` up to 10 000, `offset` from 0) in one fixed order: the request's sort keys,
//! or else the method's first sortable date-time field. A window holding more rows than
//! `offset` and `limit` can reach is halved by time until each part fits; a single second that
//! still holds too many is an error naming it. Borders are whole seconds: `[from, mid]` and
//! `[mid + 1 s, till]`, so no row is in two windows under the inclusive reading of `date_till`
//! that the fake server implements and clients rely on. Should `total_items` change while a
//! window is read, the window is read again, and rows already yielded (by the method's `id`)
//! are skipped.
//!
//! Readers send pages through a channel of a few pages, so memory stays bounded whatever the
//! period; the consumer's side keeps the [`PullState`], updated as each row is yielded.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

use super::limits::{Progress, Snapshot};
use super::{Client, Error};
use dataapi_runtime::envelope::decode_body;
use dataapi_runtime::{
    AccessToken, DateTime, Method, MethodDescriptor, Order, Page, RawSort, Reply, ReplyError, Report, Request,
    TypeDescriptor, report::Wire,
};

/// A request a pull reads page by page: a typed [`Request`], or a [`JsonRequest`] built from
/// JSON for a method known only by its descriptor.
pub(crate) trait Paged: Serialize + Clone + Send + Sync + 'static {
    /// The method.
    fn descriptor(&self) -> &'static MethodDescriptor;
    /// Sets the window and the page.
    fn page(&mut self, from: Span, till: Span, offset: u32, limit: u32);
    /// Sets the token the call is sent with.
    fn set_token(&mut self, token: AccessToken);
}

impl<M: Method> Paged for Request<M> {
    fn descriptor(&self) -> &'static MethodDescriptor {
        M::DESCRIPTOR
    }

    fn page(&mut self, from: Span, till: Span, offset: u32, limit: u32) {
        self.date_from = from;
        self.date_till = till;
        self.offset = Some(offset);
        self.limit = Some(limit);
    }

    fn set_token(&mut self, token: AccessToken) {
        self.access_token = token;
    }
}

/// Where a pull stands: the windows not yet finished, each with the offset of its next row not
/// yet yielded. Small and serializable, to checkpoint a pull and resume it with
/// [`Client::resume`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullState {
    /// The method's wire name.
    pub method: String,
    /// Windows not yet finished, in the order they are read.
    pub windows: Vec<WindowState>,
    /// Rows yielded before this state.
    pub rows: u64,
}

/// A window of a pull: a span of whole seconds, or the whole of a request without a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowState {
    /// First second.
    pub from: Option<DateTime>,
    /// Last second.
    pub till: Option<DateTime>,
    /// Rows of the window before this offset were yielded.
    pub offset: u64,
    /// Whether its rows were counted and found to fit in one window.
    pub fits: bool,
}

impl PullState {
    /// The windows of a new pull of `from..=till` for a method allowing `days` per request.
    pub(super) fn new(method: &str, from: Option<DateTime>, till: Option<DateTime>, days: u32) -> Self {
        let (Some(from), Some(till)) = (from, till) else {
            let whole = WindowState { from: None, till: None, offset: 0, fits: false };
            return PullState { method: method.to_owned(), windows: vec![whole], rows: 0 };
        };
        let step = chrono::TimeDelta::days(i64::from(days.max(1)));
        let second = chrono::TimeDelta::seconds(1);
        let mut windows = Vec::new();
        let mut start = from.0;
        while start <= till.0 {
            let end = (start + step - second).min(till.0);
            windows.push(WindowState {
                from: Some(DateTime(start)),
                till: Some(DateTime(end)),
                offset: 0,
                fits: false,
            });
            start = end + second;
        }
        PullState { method: method.to_owned(), windows, rows: 0 }
    }

    fn window(&mut self, from: Span, till: Span) -> Option<&mut WindowState> {
        self.windows.iter_mut().find(|w| w.from == from && w.till == till)
    }
}

/// A window's first or last second (`None` for a request without a period).
pub(super) type Span = Option<DateTime>;

/// What a window reader tells the consumer, in the order it happened.
enum Message<T> {
    /// Rows from `offset` on; `None` stands for a row already yielded (it still moves the offset).
    Rows { from: Span, till: Span, offset: u64, rows: Vec<Option<T>> },
    /// The window's rows fit: reading goes on.
    Fits { from: Span, till: Span },
    /// The window is replaced by these two.
    Split { from: Span, till: Span, parts: [WindowState; 2] },
    /// The window's count changed: it is read again from 0, skipping rows already yielded.
    Restart { from: Span, till: Span },
    /// Every row of the window was yielded.
    Done { from: Span, till: Span },
    /// The pull stops.
    Failed(Error),
}

/// A pull in progress: a stream of rows (`next().await`, or `futures::Stream`), its
/// [`PullState`] and its [`Progress`]. Dropping it stops the pull.
pub struct Pull<T> {
    rx: mpsc::Receiver<Message<T>>,
    state: PullState,
    progress: Arc<Progress>,
    buffer: VecDeque<(Span, Span, u64, Option<T>)>,
    task: Option<JoinHandle<()>>,
    finished: bool,
}

impl<T> std::fmt::Debug for Pull<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pull").field("state", &self.state).field("progress", &self.progress.snapshot()).finish()
    }
}

impl<T> Drop for Pull<T> {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

impl<T> Pull<T> {
    /// Where the pull stands: resuming from it yields exactly the rows not yet yielded.
    pub fn state(&self) -> &PullState {
        &self.state
    }

    /// The counters: rows so far, the estimated total, requests, waits on the limits.
    pub fn progress(&self) -> Snapshot {
        self.progress.snapshot()
    }

    /// The next row, or `None` when every row was yielded. After an error the pull is over;
    /// [`Pull::state`] says where to resume.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| self.poll(cx)).await
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        loop {
            if let Some((from, till, offset, row)) = self.buffer.pop_front() {
                if let Some(w) = self.state.window(from, till) {
                    w.offset = offset + 1;
                }
                if let Some(row) = row {
                    self.state.rows += 1;
                    self.progress.row();
                    return Poll::Ready(Some(Ok(row)));
                }
                continue;
            }
            if self.finished {
                return Poll::Ready(None);
            }
            let message = match self.rx.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    self.finished = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(m)) => m,
            };
            match message {
                Message::Rows { from, till, offset, rows } => {
                    let at = (offset..).map(|o| (from, till, o));
                    self.buffer.extend(at.zip(rows).map(|((f, t, o), r)| (f, t, o, r)));
                }
                Message::Fits { from, till } => {
                    if let Some(w) = self.state.window(from, till) {
                        w.fits = true;
                    }
                }
                Message::Split { from, till, parts } => {
                    if let Some(i) = self.state.windows.iter().position(|w| w.from == from && w.till == till) {
                        self.state.windows.splice(i..=i, parts);
                    }
                }
                Message::Restart { from, till } => {
                    if let Some(w) = self.state.window(from, till) {
                        w.offset = 0;
                    }
                }
                Message::Done { from, till } => self.state.windows.retain(|w| w.from != from || w.till != till),
                Message::Failed(mut error) => {
                    self.finished = true;
                    if let Error::DayLimit { resume, .. } = &mut error {
                        *resume = Some(Box::new(self.state.clone()));
                    }
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

impl<T> futures_core::Stream for Pull<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // `Pull` holds nothing pinned.
        Pin::into_inner(self).poll(cx)
    }
}

impl<T> Unpin for Pull<T> {}

impl Client {
    /// Every row of the request's period, exactly once, as the method's `Row`s. The request's
    /// filter, sort keys and fields apply; its `limit` and `offset` are the pull's to set.
    pub fn rows<M>(&self, request: Request<M>) -> Pull<M::Row>
    where
        M: Method,
        M::Row: DeserializeOwned + Send + 'static,
    {
        let state = PullState::new(M::NAME, request.date_from, request.date_till, M::DESCRIPTOR.limits.date_range_days);
        self.resume(request, state)
    }

    /// Every row as a user's own struct (`#[derive(dataapi::Report)]`): the request asks for
    /// exactly its fields (and the method's `id`, to skip repeats).
    pub fn rows_of<R>(&self, request: Request<R::Method>) -> Pull<R>
    where
        R: Report + Send + 'static,
    {
        let request = request.fields(R::FIELDS.iter().copied());
        let state = PullState::new(
            <R::Method as Method>::NAME,
            request.date_from,
            request.date_till,
            <R::Method as Method>::DESCRIPTOR.limits.date_range_days,
        );
        self.start(prepare(request), state, |raw: &str| decode_body::<Wire<R>>(raw.as_bytes()).map(|w| w.0))
    }

    /// Resumes a pull from its state (taken from [`Pull::state`] or an error's resume point):
    /// the rows it yields are exactly those the interrupted pull had not yet yielded.
    pub fn resume<M>(&self, request: Request<M>, state: PullState) -> Pull<M::Row>
    where
        M: Method,
        M::Row: DeserializeOwned + Send + 'static,
    {
        self.start(prepare(request), state, |raw: &str| decode_body::<M::Row>(raw.as_bytes()))
    }

    pub(super) fn start<Q: Paged, T: Send + 'static>(
        &self,
        request: Result<Q, Error>,
        state: PullState,
        decode: Decoder<T>,
    ) -> Pull<T> {
        let concurrency = self.inner.config.concurrency.max(1);
        let (tx, rx) = mpsc::channel(concurrency + 1);
        let progress = Arc::new(Progress::default());
        let mut pull = Pull {
            rx,
            state: state.clone(),
            progress: progress.clone(),
            buffer: VecDeque::new(),
            task: None,
            finished: false,
        };
        let request = match request {
            Ok(request) => request,
            Err(e) => {
                // Reported as the stream's first item.
                let _ = tx.try_send(Message::Failed(e));
                return pull;
            }
        };
        let client = self.clone();
        pull.task = Some(tokio::spawn(async move {
            let mut queue: VecDeque<WindowState> = state.windows.into();
            let mut readers = JoinSet::new();
            loop {
                while readers.len() < concurrency {
                    let Some(window) = queue.pop_front() else { break };
                    let reader = Reader {
                        client: client.clone(),
                        request: request.clone(),
                        tx: tx.clone(),
                        progress: progress.clone(),
                        decode,
                    };
                    readers.spawn(reader.read(window));
                }
                let Some(done) = readers.join_next().await else { break };
                match done {
                    Ok(Ok(None)) => {}
                    Ok(Ok(Some(parts))) => parts.into_iter().rev().for_each(|p| queue.push_front(p)),
                    Ok(Err(e)) => {
                        let _ = tx.send(Message::Failed(e)).await;
                        break;
                    }
                    Err(join) if join.is_cancelled() => break,
                    Err(join) => {
                        let _ =
                            tx.send(Message::Failed(Error::Transport(format!("a window reader failed: {join}")))).await;
                        break;
                    }
                }
            }
        }));
        pull
    }
}

/// The request every page of a pull is built from: checked (but for its period, which the
/// pull cuts), in a fixed order, asking for `id` where the method has one.
fn prepare<M: Method>(mut request: Request<M>) -> Result<Request<M>, Error> {
    let d = M::DESCRIPTOR;
    if request.sort.is_empty()
        && let Some(time) = time_field(d)
    {
        request.sort.push(RawSort { field: time.into(), order: Order::Asc });
    }
    if let Some(fields) = &mut request.fields
        && d.field("id").is_some()
        && !fields.iter().any(|f| f == "id")
    {
        fields.push("id".into());
    }
    // The pull cuts the period into windows the method allows; the rest is checked as sent.
    let mut probe = request.clone();
    probe.date_till = probe.date_from;
    super::call::check(&probe)?;
    Ok(request)
}

/// The method's first sortable date-time field: the order in which pages are read.
pub(super) fn time_field(d: &MethodDescriptor) -> Option<&'static str> {
    d.fields.iter().find(|f| matches!(f.ty, TypeDescriptor::DateTime) && f.sort.allows()).map(|f| f.name)
}

/// Reads one window.
struct Reader<Q, T> {
    client: Client,
    request: Q,
    tx: mpsc::Sender<Message<T>>,
    progress: Arc<Progress>,
    decode: Decoder<T>,
}

/// A page's rows, each with its `id` where it has one.
type Rows<T> = Vec<(Option<String>, T)>;

impl<Q: Paged, T: Send + 'static> Reader<Q, T> {
    /// Reads the window to its end (`Ok(None)`), or finds it too full and returns its halves.
    async fn read(self, window: WindowState) -> Result<Option<[WindowState; 2]>, Error> {
        let (from, till) = (window.from, window.till);
        let limits = self.request.descriptor().limits;
        let limit = self.client.inner.config.page_size.min(limits.limit_max).max(1);
        let reachable = u64::from(limits.offset_max) + u64::from(limit);
        let mut offset = window.offset;
        let mut fits = window.fits;
        let mut expected: Option<u64> = None;
        let mut seen: HashSet<String> = HashSet::new();
        let mut restarted = false;
        loop {
            let page = self.page(from, till, offset, limit).await?;
            let total = page.metadata.total_items.unwrap_or(0);
            if !fits {
                if total > reachable {
                    let parts = split(from, till, total, reachable)?;
                    self.send(Message::Split { from, till, parts: parts.clone() }).await?;
                    return Ok(Some(parts));
                }
                fits = true;
                self.progress.expect(total);
                self.send(Message::Fits { from, till }).await?;
            }
            if expected.is_some_and(|e| e != total) && !restarted {
                // The window changed while it was read: read it again, skipping what was yielded.
                restarted = true;
                offset = 0;
                expected = Some(total);
                self.send(Message::Restart { from, till }).await?;
                continue;
            }
            expected = Some(total);
            // A page past the offset ceiling starts at the ceiling: its first rows were yielded.
            let skip = offset - fetched(offset, limits.offset_max);
            let count = (page.data.len() as u64).saturating_sub(skip);
            let rows = page.data.into_iter().skip(skip as usize).map(|(id, row)| match id {
                Some(id) => seen.insert(id).then_some(row),
                None => Some(row),
            });
            self.send(Message::Rows { from, till, offset, rows: rows.collect() }).await?;
            offset += count;
            if count == 0 || offset >= total || offset >= reachable {
                self.send(Message::Done { from, till }).await?;
                return Ok(None);
            }
        }
    }

    async fn send(&self, message: Message<T>) -> Result<(), Error> {
        // The consumer is gone: the pull was dropped; stop quietly.
        self.tx.send(message).await.map_err(|_| Error::Transport("the pull was dropped".into()))
    }

    async fn page(&self, from: Span, till: Span, offset: u64, limit: u32) -> Result<Page<(Option<String>, T)>, Error> {
        let mut request = self.request.clone();
        let offset = fetched(offset, request.descriptor().limits.offset_max) as u32;
        request.page(from, till, offset, limit);
        let decode = self.decode;
        self.client.send(&request, &self.progress, move |body| decode_page(body, decode)).await
    }
}

/// The `offset` a page from row `offset` on is asked for: the row itself, or the ceiling
/// (a pull resumed past it reads the last page again and skips what was yielded).
fn fetched(offset: u64, offset_max: u32) -> u64 {
    offset.min(u64::from(offset_max))
}

/// The halves of a window, or the error naming a second that holds too many rows.
fn split(from: Span, till: Span, total: u64, reachable: u64) -> Result<[WindowState; 2], Error> {
    let (Some(from), Some(till)) = (from, till) else {
        return Err(Error::TooMany { rows: total, reachable });
    };
    let seconds = (till.0 - from.0).num_seconds();
    if seconds <= 0 {
        return Err(Error::TooDense { second: from, rows: total, reachable });
    }
    let mid = from.0 + chrono::TimeDelta::seconds(seconds / 2);
    let half =
        |from, till| WindowState { from: Some(DateTime(from)), till: Some(DateTime(till)), offset: 0, fits: false };
    Ok([half(from.0, mid), half(mid + chrono::TimeDelta::seconds(1), till.0)])
}

/// How a pull reads one row from its JSON text: errors name the place inside the row.
pub(crate) type Decoder<T> = fn(&str) -> Result<T, ReplyError>;

/// A reply page whose rows are decoded one by one, each with its `id`.
fn decode_page<T>(body: &[u8], decode: Decoder<T>) -> Result<Page<(Option<String>, T)>, ReplyError> {
    #[derive(Deserialize)]
    struct Id {
        #[serde(default)]
        id: Option<serde_json::Value>,
    }
    let page = Reply::<Box<RawValue>>::decode(body)?;
    let mut rows: Rows<T> = Vec::with_capacity(page.data.len());
    for (i, raw) in page.data.into_iter().enumerate() {
        let row = decode(raw.get()).map_err(|e| match e {
            // The row's own path, under the reply's.
            ReplyError::Decode { path, source } => {
                let at = if path.is_empty() || path == "." { String::new() } else { format!(".{path}") };
                ReplyError::Decode { path: format!("result.data[{i}]{at}"), source }
            }
            other => other,
        })?;
        let id = serde_json::from_str::<Id>(raw.get())
            .ok()
            .and_then(|r| r.id)
            .filter(|v| !v.is_null())
            .map(|v| v.to_string());
        rows.push((id, row));
    }
    Ok(Page { data: rows, metadata: page.metadata })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dataapi::calls_report::Row;

    #[test]
    fn a_row_that_does_not_decode_is_named_by_its_place() {
        let body =
            br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":1},{"id":2,"start_time":"yesterday"}],"metadata":{}}}"#;
        let decode: Decoder<Row> = |raw| decode_body::<Row>(raw.as_bytes());
        match decode_page(body, decode) {
            Err(ReplyError::Decode { path, .. }) => assert_eq!(path, "result.data[1].start_time"),
            other => panic!("{other:?}"),
        }
        let ok = decode_page(br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":7},{"x":1}]}}"#, decode).unwrap();
        assert_eq!(ok.data.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(), [Some("7".to_owned()), None]);
    }

    #[test]
    fn a_second_that_holds_too_many_rows_is_named() {
        let at = DateTime::from_ymd_hms(2026, 3, 1, 12, 0, 0).unwrap();
        match split(Some(at), Some(at), 200_000, 110_000) {
            Err(Error::TooDense { second, rows, .. }) => assert_eq!((second, rows), (at, 200_000)),
            other => panic!("{other:?}"),
        }
        let [a, b] = split(Some(at), Some(DateTime(at.0 + chrono::TimeDelta::seconds(3))), 200_000, 110_000).unwrap();
        assert_eq!((a.till.unwrap().0 - at.0).num_seconds() + 1, (b.from.unwrap().0 - at.0).num_seconds());
    }
}
