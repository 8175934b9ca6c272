//! The complete pull: every row of a period exactly once, on data that moves while it is read
//! (the contract and how it is kept are in the docs of [`Pull`]).

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

use super::limits::{Progress, Snapshot};
use super::{Client, Error};
use dataapi_runtime::envelope::decode_body;
use dataapi_runtime::{
    AccessToken, Condition, DateTime, Method, MethodDescriptor, Order, Page, RawFilter, RawSort, Reply, ReplyError,
    Report, Request, report::Wire,
};

/// The version of [`PullState`]'s format; a state of another version is refused.
const STATE_VERSION: u32 = 2;

/// One page of a pull, as the reader asks for it.
#[derive(Debug, Clone)]
pub(crate) struct PageSpec {
    /// The window's first and last second (`None` for a request without a period).
    pub from: Span,
    pub till: Span,
    /// Rows per page.
    pub limit: u32,
    /// Sort by this field, ascending, instead of the request's own sort keys.
    pub sort: Option<&'static str>,
    /// A condition added to the request's filter with `and`.
    pub range: Option<RawFilter>,
}

/// A request a pull reads page by page: a typed [`Request`], or a [`JsonRequest`] built from
/// JSON for a method known only by its descriptor.
///
/// [`JsonRequest`]: super::JsonRequest
pub(crate) trait Paged: Serialize + Clone + Send + Sync + 'static {
    /// The method.
    fn descriptor(&self) -> &'static MethodDescriptor;
    /// Sets the window, the page, the order and the extra condition.
    fn page(&mut self, spec: &PageSpec);
    /// Sets the token the call is sent with.
    fn set_token(&mut self, token: AccessToken);
}

impl<M: Method> Paged for Request<M> {
    fn descriptor(&self) -> &'static MethodDescriptor {
        M::DESCRIPTOR
    }

    fn page(&mut self, spec: &PageSpec) {
        self.date_from = spec.from;
        self.date_till = spec.till;
        self.offset = None;
        self.limit = Some(spec.limit);
        if let Some(field) = spec.sort {
            self.sort = vec![RawSort { field: field.into(), order: Order::Asc }];
        }
        if let Some(range) = &spec.range {
            self.filter = Some(and(self.filter.take(), range.clone()));
        }
    }

    fn set_token(&mut self, token: AccessToken) {
        self.access_token = Some(token);
    }
}

/// `filter and range`.
pub(crate) fn and(filter: Option<RawFilter>, range: RawFilter) -> RawFilter {
    match filter {
        None => range,
        Some(f) => RawFilter::Tree { filters: vec![f, range], condition: Condition::And },
    }
}

/// Where a pull stands: the windows not yet finished, each with what of it was yielded. Small
/// and serializable, to checkpoint a pull and resume it with [`Client::resume`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullState {
    /// The format's version (2); a resume refuses a state of another.
    #[serde(default)]
    pub version: u32,
    /// The method's wire name.
    pub method: String,
    /// Windows not yet finished, in the order they are read.
    pub windows: Vec<WindowState>,
    /// Rows yielded before this state.
    pub rows: u64,
}

/// A window of a pull: a span of whole seconds, or the whole of a request without a period,
/// with what of it was yielded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowState {
    /// First second.
    pub from: Option<DateTime>,
    /// Last second.
    pub till: Option<DateTime>,
    /// Read by time: every row before this second was yielded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<DateTime>,
    /// Keys of the rows yielded at `cursor`'s second (read by time), of the window (read
    /// whole), or of the key range being read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<String>,
    /// Read by key ranges (a dense second at `cursor`, or a request without a period): the
    /// ranges not yet read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Vec<KeyRange>>,
    /// Whether its rows were added to the progress's expected total.
    #[serde(default)]
    pub counted: bool,
}

/// A range of the values of a method's partition field (its first filterable key field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyRange {
    /// Values strictly between the bounds; `None` is unbounded.
    Between {
        /// Values above this one.
        above: Option<Value>,
        /// Values below this one.
        below: Option<Value>,
    },
    /// The one value.
    Equal(Value),
}

impl KeyRange {
    const ALL: KeyRange = KeyRange::Between { above: None, below: None };

    /// The condition that selects the range (`None` for every row).
    fn filter(&self, field: &'static str) -> Option<RawFilter> {
        let cond = |operator: &'static str, value: &Value| RawFilter::Condition {
            field: field.into(),
            operator: operator.into(),
            value: value.clone(),
        };
        match self {
            KeyRange::Equal(v) => Some(cond("=", v)),
            KeyRange::Between { above, below } => {
                let mut parts: Vec<RawFilter> = Vec::new();
                parts.extend(above.as_ref().map(|v| cond(">", v)));
                parts.extend(below.as_ref().map(|v| cond("<", v)));
                match parts.len() {
                    0 => None,
                    1 => parts.pop(),
                    _ => Some(RawFilter::Tree { filters: parts, condition: Condition::And }),
                }
            }
        }
    }

    /// The range cut at `pivot`: below it, it, above it.
    fn split(&self, pivot: Value) -> Vec<KeyRange> {
        let KeyRange::Between { above, below } = self else { return vec![self.clone()] };
        vec![
            KeyRange::Between { above: above.clone(), below: Some(pivot.clone()) },
            KeyRange::Equal(pivot.clone()),
            KeyRange::Between { above: Some(pivot), below: below.clone() },
        ]
    }
}

/// The most ranges a window keeps left to read. Ranges are read first to last and each is cut
/// into three in place, so the list holds two ranges per cut still open below the one being
/// read: as deep as the cuts go. Past this many, the ranges after the last kept value are
/// merged back into one, which is cut again when it is reached: a checkpoint stays a few
/// hundred bytes, at the price of a request per forgotten cut. It takes seconds of more than
/// `limit` × 2⁵ rows, or pages of a few rows, to get here.
pub(crate) const MAX_RANGES: usize = 12;

/// Keeps `ranges` (contiguous, in order) to [`MAX_RANGES`] by merging its tail into one range.
fn forget_cuts(ranges: &mut Vec<KeyRange>) {
    if ranges.len() <= MAX_RANGES {
        return;
    }
    // Every cut leaves an open range last; a list ending otherwise is left as it is.
    let Some(KeyRange::Between { below, .. }) = ranges.last() else { return };
    let below = below.clone();
    // The last value kept: everything above it up to the list's end is one range.
    let Some(at) = ranges[..MAX_RANGES - 1].iter().rposition(|r| matches!(r, KeyRange::Equal(_))) else { return };
    let KeyRange::Equal(value) = ranges[at].clone() else { return };
    ranges.truncate(at + 1);
    ranges.push(KeyRange::Between { above: Some(value), below });
}

impl WindowState {
    fn new(from: Span, till: Span) -> Self {
        WindowState { from, till, cursor: None, seen: Vec::new(), ranges: None, counted: false }
    }
}

impl PullState {
    /// The windows of a new pull of `from..=till` for a method allowing `days` per request.
    pub(super) fn new(method: &str, from: Option<DateTime>, till: Option<DateTime>, days: u32) -> Self {
        let state = |windows| PullState { version: STATE_VERSION, method: method.to_owned(), windows, rows: 0 };
        let (Some(from), Some(till)) = (from, till) else {
            return state(vec![WindowState::new(None, None)]);
        };
        let step = chrono::TimeDelta::days(i64::from(days.max(1)));
        let second = chrono::TimeDelta::seconds(1);
        let mut windows = Vec::new();
        let mut start = from.0;
        while start <= till.0 {
            let end = (start + step - second).min(till.0);
            windows.push(WindowState::new(Some(DateTime(start)), Some(DateTime(end))));
            start = end + second;
        }
        state(windows)
    }

    fn window(&mut self, at: Span) -> Option<&mut WindowState> {
        self.windows.iter_mut().find(|w| w.from == at)
    }
}

/// A window's first or last second (`None` for a request without a period).
pub(super) type Span = Option<DateTime>;

/// What becomes of a window once a batch's rows were yielded.
#[derive(Debug)]
enum After {
    /// Read by time: every row before this second was yielded.
    Cursor(DateTime),
    /// Read by key ranges at `second`: these ranges are left; `clear` forgets the keys yielded
    /// (they belong to a range now finished).
    Ranges { second: Span, ranges: Vec<KeyRange>, clear: bool },
    /// Its rows were added to the expected total.
    Counted,
    /// Every row was yielded.
    Done,
}

/// A row a reader found, with what the state needs of it.
struct Found<T> {
    key: String,
    time: Option<DateTime>,
    row: T,
}

/// What a window reader tells the consumer, in the order it happened.
enum Message<T> {
    /// Rows to yield (in time order where `ordered`), then what becomes of the window.
    Batch { window: Span, ordered: bool, rows: Vec<Found<T>>, then: After },
    /// The window is replaced by these parts.
    Split { window: Span, parts: Vec<WindowState> },
    /// The pull stops.
    Failed(Error),
}

/// What the consumer yields next: a row, or a change of its window's state.
enum Item<T> {
    Row { window: Span, ordered: bool, key: String, time: Option<DateTime>, row: T },
    Then { window: Span, then: After },
}

/// A pull in progress: a stream of rows (`next().await`, or `futures::Stream`), its
/// [`PullState`] and its [`Progress`]. Dropping it stops the pull.
///
/// # The contract
///
/// - A pull never ends successfully with a row missing that was visible for the whole pull,
///   nor with any row yielded twice (by the method's key, [`MethodDescriptor::key`]).
/// - A row that appears, changes or disappears during the pull may or may not be included; if
///   included, it is yielded once, with its values at some moment during the pull.
/// - Where the pull cannot establish completeness (a second holds more rows than any request
///   can tell apart, counts keep changing past a bound), it fails with an error that names the
///   window and why ([`Error::TooDense`], [`Error::TooMany`], [`Error::Incomplete`]), and its
///   [`PullState`] resumes without repeating a row. It never degrades silently.
///
/// # How: every page is one consistent read at `offset` 0
///
/// Offset paging over a live table loses and repeats rows: rows that tie on the sort keys may
/// come back in another order on every request, and a row that appears or disappears shifts
/// every later offset. So a pull never sends an `offset`. The period is cut into windows the
/// method allows, and each window is read by one of three strategies, chosen from the
/// descriptor:
///
/// - **By time** (the method's period field, its first date-time field, can be sorted, as
///   `start_time` of `get.calls_report`): pages in ascending time from the window's current
///   start. A full page whose last row is at second `t` holds every row before `t`; those are
///   yielded, and the next page starts at `t` itself, inclusive, so no row of a second is lost
///   to the order of ties. A page that lies wholly inside one second reads that second by key
///   ranges (below). About one request per `limit` rows, and no offset ceiling.
/// - **Whole windows** (the period field cannot be sorted): a window is read in one request;
///   a window with a full page is cut by time into parts that fit, sized from its
///   `total_items`, down to single seconds.
/// - **By key ranges** (one second that holds a page or more, or a method without a period):
///   the rows are read in ranges of the method's first filterable key field (`id > a and
///   id < b`), each range cut at the median of a full page until every range fits in a page.
///   A key of several fields is cut by its first only, so the rows of one value of it in one
///   second (the legs of one call session) must fit in a page, or the pull fails loudly
///   ([`Error::TooDense`]). A window keeps at most 12 ranges left to read (deeper cuts are
///   merged back and cut again when reached), so its state stays a few hundred bytes.
///
/// A short page (fewer rows than `limit`) proves that its request's rows were all read, so no
/// step needs `total_items`; it only feeds the progress estimate. Rows already yielded are
/// skipped by key, and the [`PullState`] records, per window, the second read up to and the
/// keys yielded in it, so that a resume repeats nothing, even in the middle of a second.
///
/// Readers send pages through a channel of a few pages, so memory stays bounded whatever the
/// period; the consumer's side keeps the [`PullState`], updated as each row is yielded.
pub struct Pull<T> {
    rx: mpsc::Receiver<Message<T>>,
    state: PullState,
    progress: Arc<Progress>,
    buffer: VecDeque<Item<T>>,
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
            match self.buffer.pop_front() {
                Some(Item::Row { window, ordered, key, time, row }) => {
                    if let Some(w) = self.state.window(window) {
                        match (ordered, time) {
                            (true, Some(t)) if w.cursor.is_none_or(|c| t > c) => {
                                w.cursor = Some(t);
                                w.seen = vec![key];
                            }
                            _ => w.seen.push(key),
                        }
                    }
                    self.state.rows += 1;
                    self.progress.row();
                    return Poll::Ready(Some(Ok(row)));
                }
                Some(Item::Then { window, then }) => {
                    self.apply(window, then);
                    continue;
                }
                None => {}
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
                Message::Batch { window, ordered, rows, then } => {
                    self.buffer.extend(rows.into_iter().map(|f| Item::Row {
                        window,
                        ordered,
                        key: f.key,
                        time: f.time,
                        row: f.row,
                    }));
                    self.buffer.push_back(Item::Then { window, then });
                }
                Message::Split { window, parts } => {
                    if let Some(i) = self.state.windows.iter().position(|w| w.from == window) {
                        self.state.windows.splice(i..=i, parts);
                    }
                }
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

    fn apply(&mut self, window: Span, then: After) {
        if let After::Done = then {
            self.state.windows.retain(|w| w.from != window);
            return;
        }
        let Some(w) = self.state.window(window) else { return };
        match then {
            After::Cursor(c) => {
                w.cursor = Some(c);
                w.seen.clear();
                w.ranges = None;
            }
            After::Ranges { second, ranges, clear } => {
                w.cursor = second;
                w.ranges = Some(ranges);
                if clear {
                    w.seen.clear();
                }
            }
            After::Counted => w.counted = true,
            After::Done => {}
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
    /// filter and fields apply (the pull adds the period field and the key to the fields);
    /// `limit`, `offset` and the order of reading are the pull's to set, so a request with sort
    /// keys is refused where the pull reads by time.
    pub fn rows<M>(&self, request: Request<M>) -> Pull<M::Row>
    where
        M: Method,
        M::Row: DeserializeOwned + Send + 'static,
    {
        let state = PullState::new(M::NAME, request.date_from, request.date_till, M::DESCRIPTOR.limits.date_range_days);
        self.resume(request, state)
    }

    /// Every row as a user's own struct (`#[derive(dataapi::Report)]`): the request asks for
    /// exactly its fields (and the method's period field and key, to read exactly).
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
        let request = request.and_then(|r| {
            if state.version != STATE_VERSION {
                return Err(Error::Incomplete {
                    window: "the checkpoint".into(),
                    why: format!(
                        "it is of format {} and this version reads format {STATE_VERSION}; start the pull again",
                        state.version
                    ),
                });
            }
            Ok(r)
        });
        let request = match request {
            Ok(request) => request,
            Err(e) => {
                // Reported as the stream's first item.
                let _ = tx.try_send(Message::Failed(e));
                return pull;
            }
        };
        let client = self.clone();
        let active = Active::new(&client);
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
                    Ok(Ok(parts)) => parts.into_iter().rev().for_each(|p| queue.push_front(p)),
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
            readers.shutdown().await;
            // The last pull to end closes the `login.user` session it opened.
            if active.end() {
                let _ = client.logout().await;
            }
        }));
        pull
    }
}

/// A pull under way, counted while it lives (also when it is dropped half-way).
struct Active(Client);

impl Active {
    fn new(client: &Client) -> Self {
        client.inner.pulls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Active(client.clone())
    }

    /// Ends it; whether it was the last one under way.
    fn end(self) -> bool {
        let last = self.0.inner.pulls.load(std::sync::atomic::Ordering::SeqCst) == 1;
        drop(self);
        last
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        self.0.inner.pulls.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// How a pull reads a method, from its descriptor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    /// The period field (the first date-time field), where the method has one.
    pub time: Option<&'static str>,
    /// Whether pages can be sorted by it.
    pub by_time: bool,
    /// The key.
    pub key: &'static [&'static str],
    /// The key field that ranges are cut on (filterable with `=`, `<` and `>`).
    pub partition: Option<&'static str>,
}

impl Plan {
    pub(crate) fn of(d: &'static MethodDescriptor) -> Plan {
        let time = d.period_field();
        let by_time = time.and_then(|t| d.field(t)).is_some_and(|f| f.sort.allows());
        let ops = ["=", "<", ">"];
        let partition = d
            .key
            .iter()
            .copied()
            .filter(|k| d.field(k).is_some_and(|f| f.filter.allows()))
            .find(|_| ops.iter().all(|op| d.operators.iter().any(|o| o.wire == *op)));
        Plan { time, by_time, key: d.key, partition }
    }
}

/// The request every page of a pull is built from: checked (but for its period, which the
/// pull cuts), asking for the period field and the key where it names its fields.
fn prepare<M: Method>(mut request: Request<M>) -> Result<Request<M>, Error> {
    let plan = Plan::of(M::DESCRIPTOR);
    if plan.by_time && request.date_from.is_some() && !request.sort.is_empty() {
        return Err(sorted(M::DESCRIPTOR, &plan));
    }
    if let Some(fields) = &mut request.fields {
        for needed in M::DESCRIPTOR.pull_fields() {
            if !fields.iter().any(|f| f == needed) {
                fields.push(needed.into());
            }
        }
    }
    // The pull cuts the period into windows the method allows; the rest is checked as sent.
    let mut probe = request.clone();
    probe.date_till = probe.date_from;
    super::call::check(&probe)?;
    Ok(request)
}

/// The error for a pull given sort keys where it reads in time order.
pub(crate) fn sorted(d: &MethodDescriptor, plan: &Plan) -> Error {
    Error::Unsupported(format!(
        "a pull of {} reads its rows in `{}` order, the only order in which it can prove that none is lost; \
         leave the sort out, and sort the result where it lands",
        d.name,
        plan.time.unwrap_or("time")
    ))
}

/// Reads one window.
struct Reader<Q, T> {
    client: Client,
    request: Q,
    tx: mpsc::Sender<Message<T>>,
    progress: Arc<Progress>,
    decode: Decoder<T>,
}

impl<Q: Paged, T: Send + 'static> Reader<Q, T> {
    fn plan(&self) -> Plan {
        Plan::of(self.request.descriptor())
    }

    fn limit(&self) -> u32 {
        self.client.inner.config.page_size.min(self.request.descriptor().limits.limit_max).max(1)
    }

    /// Reads the window to its end (no parts), or cuts it into parts to read instead.
    async fn read(self, window: WindowState) -> Result<Vec<WindowState>, Error> {
        let plan = self.plan();
        match (window.from, window.till) {
            (Some(from), Some(till)) if plan.by_time => self.by_time(window, from, till).await.map(|()| Vec::new()),
            (Some(from), Some(till)) => self.whole(window, from, till).await,
            _ => {
                let seen = window.seen.iter().cloned().collect();
                let ranges = window.ranges.unwrap_or_else(|| vec![KeyRange::ALL]);
                self.ranges(None, None, ranges, seen, window.counted).await?;
                self.send(Message::Batch { window: None, ordered: false, rows: Vec::new(), then: After::Done })
                    .await
                    .map(|()| Vec::new())
            }
        }
    }

    /// Reads a window in time order, each page from the second the last one ended in.
    async fn by_time(&self, window: WindowState, from: DateTime, till: DateTime) -> Result<(), Error> {
        let plan = self.plan();
        let time = plan.time.expect("read by time only with a period field");
        let at = Some(from);
        let limit = self.limit();
        let mut cursor = window.cursor.unwrap_or(from);
        let mut seen: HashSet<String> = window.seen.into_iter().collect();
        let mut counted = window.counted;
        if let Some(ranges) = window.ranges {
            self.ranges(at, Some(cursor), ranges, seen, true).await?;
            seen = HashSet::new();
            cursor = next_second(cursor);
        }
        while cursor <= till {
            let spec = PageSpec { from: Some(cursor), till: Some(till), limit, sort: Some(time), range: None };
            let page = self.page(&spec).await?;
            if !counted {
                counted = true;
                self.progress.expect(page.total.unwrap_or(page.rows.len() as u64));
                self.send(Message::Batch { window: at, ordered: true, rows: Vec::new(), then: After::Counted }).await?;
            }
            let times = in_order(&page.rows, cursor, till, time)?;
            let full = page.rows.len() as u32 >= limit;
            let fresh = |rows: Vec<Found<T>>, seen: &HashSet<String>| {
                rows.into_iter().filter(|f| !(f.time == Some(cursor) && seen.contains(&f.key))).collect::<Vec<_>>()
            };
            if !full {
                let rows = fresh(page.rows, &seen);
                return self.send(Message::Batch { window: at, ordered: true, rows, then: After::Done }).await;
            }
            let (first, last) = times;
            if first == last {
                // A page inside one second: every row before it was read; the second is read by
                // key ranges.
                if last > cursor {
                    seen.clear();
                }
                let ranges = vec![KeyRange::ALL];
                let then = After::Ranges { second: Some(last), ranges: ranges.clone(), clear: last > cursor };
                self.send(Message::Batch { window: at, ordered: true, rows: Vec::new(), then }).await?;
                self.ranges(at, Some(last), ranges, std::mem::take(&mut seen), true).await?;
                cursor = next_second(last);
                self.send(Message::Batch { window: at, ordered: true, rows: Vec::new(), then: After::Cursor(cursor) })
                    .await?;
                continue;
            }
            // Every row before `last` is on this page; the rows of `last` are read again from it.
            let rows = fresh(page.rows.into_iter().filter(|f| f.time < Some(last)).collect(), &seen);
            self.send(Message::Batch { window: at, ordered: true, rows, then: After::Cursor(last) }).await?;
            cursor = last;
            seen.clear();
        }
        self.send(Message::Batch { window: at, ordered: true, rows: Vec::new(), then: After::Done }).await
    }

    /// Reads a window in one request, or cuts it by time into parts that each fit in a page.
    async fn whole(&self, window: WindowState, from: DateTime, till: DateTime) -> Result<Vec<WindowState>, Error> {
        let at = Some(from);
        let limit = self.limit();
        let seen: HashSet<String> = window.seen.iter().cloned().collect();
        if let Some(ranges) = window.ranges {
            self.ranges(at, Some(from), ranges, seen, true).await?;
            self.send(Message::Batch { window: at, ordered: false, rows: Vec::new(), then: After::Done }).await?;
            return Ok(Vec::new());
        }
        let spec = PageSpec { from: Some(from), till: Some(till), limit, sort: None, range: None };
        let page = self.page(&spec).await?;
        if !window.counted {
            self.progress.expect(page.total.unwrap_or(page.rows.len() as u64));
        }
        if (page.rows.len() as u32) < limit {
            let rows = page.rows.into_iter().filter(|f| !seen.contains(&f.key)).collect();
            self.send(Message::Batch { window: at, ordered: false, rows, then: After::Done }).await?;
            return Ok(Vec::new());
        }
        let seconds = (till.0 - from.0).num_seconds() + 1;
        if seconds == 1 {
            let ranges = vec![KeyRange::ALL];
            let then = After::Ranges { second: at, ranges: ranges.clone(), clear: false };
            self.send(Message::Batch { window: at, ordered: false, rows: Vec::new(), then }).await?;
            self.ranges(at, at, ranges, seen, true).await?;
            self.send(Message::Batch { window: at, ordered: false, rows: Vec::new(), then: After::Done }).await?;
            return Ok(Vec::new());
        }
        // Parts of about four fifths of a page each, by the count; halves where there is none.
        let rows = page.total.unwrap_or(2 * u64::from(limit)).max(u64::from(limit));
        let parts = rows.div_ceil(u64::from(limit) * 4 / 5 + 1).clamp(2, seconds as u64) as i64;
        let mut cut = Vec::with_capacity(parts as usize);
        for i in 0..parts {
            let start = from.0 + chrono::TimeDelta::seconds(seconds * i / parts);
            let end = from.0 + chrono::TimeDelta::seconds(seconds * (i + 1) / parts - 1);
            cut.push(WindowState {
                seen: window.seen.clone(),
                counted: true,
                ..WindowState::new(Some(DateTime(start)), Some(DateTime(end)))
            });
        }
        self.send(Message::Split { window: at, parts: cut.clone() }).await?;
        Ok(cut)
    }

    /// Reads the rows of one second (or of a request without a period) by ranges of the
    /// partition field, cutting a range at the median of a full page until each fits.
    async fn ranges(
        &self,
        window: Span,
        second: Span,
        mut ranges: Vec<KeyRange>,
        mut seen: HashSet<String>,
        counted: bool,
    ) -> Result<(), Error> {
        let plan = self.plan();
        let limit = self.limit();
        let ordered = plan.by_time;
        let name = self.request.descriptor().name;
        let whole_key = plan.key.len() == 1;
        let mut counted = counted;
        let mut cuts = 0u32;
        let mut largest = 0u64;
        while let Some(range) = ranges.first().cloned() {
            let filter = plan.partition.and_then(|p| range.filter(p));
            let spec = PageSpec { from: second, till: second, limit, sort: None, range: filter };
            let page = self.page(&spec).await?;
            largest = largest.max(page.total.unwrap_or(0));
            if !counted {
                counted = true;
                self.progress.expect(page.total.unwrap_or(page.rows.len() as u64));
            }
            let full = page.rows.len() as u32 >= limit;
            // A value of a key of one field holds one row, so its page is whole even when full.
            let single = matches!(range, KeyRange::Equal(_)) && whole_key;
            if !full || single {
                ranges.remove(0);
                let rows = page.rows.into_iter().filter(|f| !seen.contains(&f.key)).collect();
                seen.clear();
                let then = After::Ranges { second, ranges: ranges.clone(), clear: true };
                self.send(Message::Batch { window, ordered, rows, then }).await?;
                continue;
            }
            let Some(field) = plan.partition.filter(|_| !matches!(range, KeyRange::Equal(_))) else {
                return Err(match second {
                    Some(second) => Error::TooDense {
                        second,
                        rows: page.total.unwrap_or(page.rows.len() as u64),
                        reachable: u64::from(limit),
                    },
                    None => Error::TooMany {
                        rows: page.total.unwrap_or(page.rows.len() as u64),
                        reachable: u64::from(limit),
                    },
                });
            };
            let Some(pivot) = median(&page.raw_keys) else {
                return Err(Error::Incomplete {
                    window: where_(name, second),
                    why: format!("rows without a value of `{field}` cannot be told apart by ranges of it"),
                });
            };
            cuts += 1;
            if u64::from(cuts) > 64 + 8 * largest / u64::from(limit) {
                return Err(Error::Incomplete {
                    window: where_(name, second),
                    why: format!("its rows kept changing while they were read by ranges of `{field}` ({cuts} cuts)"),
                });
            }
            let parts = range.split(pivot);
            ranges.splice(0..1, parts);
            forget_cuts(&mut ranges);
            let then = After::Ranges { second, ranges: ranges.clone(), clear: false };
            self.send(Message::Batch { window, ordered, rows: Vec::new(), then }).await?;
        }
        Ok(())
    }

    async fn send(&self, message: Message<T>) -> Result<(), Error> {
        // The consumer is gone: the pull was dropped; stop quietly.
        self.tx.send(message).await.map_err(|_| Error::Transport("the pull was dropped".into()))
    }

    async fn page(&self, spec: &PageSpec) -> Result<PageRows<T>, Error> {
        let mut request = self.request.clone();
        request.page(spec);
        let decode = self.decode;
        let plan = self.plan();
        let page = self.client.send(&request, &self.progress, move |body| decode_page(body, decode, &plan)).await?;
        let total = page.metadata.total_items;
        let mut rows = Vec::with_capacity(page.data.len());
        let mut raw_keys = Vec::with_capacity(page.data.len());
        for (found, partition) in page.data {
            rows.push(found);
            raw_keys.push(partition);
        }
        Ok(PageRows { rows, raw_keys, total })
    }
}

/// A page as the reader works with it.
struct PageRows<T> {
    rows: Vec<Found<T>>,
    /// Each row's value of the partition field.
    raw_keys: Vec<Option<Value>>,
    total: Option<u64>,
}

/// The first and last second of a page read in time order; an error where the rows are not
/// in order or outside the request's period (the API did not do what was asked).
fn in_order<T>(rows: &[Found<T>], from: DateTime, till: DateTime, field: &str) -> Result<(DateTime, DateTime), Error> {
    let mut last = from;
    let mut first = None;
    for row in rows {
        let Some(t) = row.time else {
            return Err(Error::Incomplete {
                window: format!("{from} – {till}"),
                why: format!("a row came without its `{field}`, so the pull cannot tell where it stands"),
            });
        };
        if t < last || t > till {
            return Err(Error::Incomplete {
                window: format!("{from} – {till}"),
                why: format!("the reply was not in ascending `{field}` order within the period ({t} after {last})"),
            });
        }
        first.get_or_insert(t);
        last = t;
    }
    Ok((first.unwrap_or(from), last))
}

fn next_second(t: DateTime) -> DateTime {
    DateTime(t.0 + chrono::TimeDelta::seconds(1))
}

fn where_(method: &str, second: Span) -> String {
    match second {
        Some(s) => format!("{method}, the second {s}"),
        None => method.to_owned(),
    }
}

/// The median of a page's values of the partition field, numbers by value and text byte by
/// byte; `None` where a row has no value.
fn median(values: &[Option<Value>]) -> Option<Value> {
    let mut values: Vec<&Value> = values.iter().map(Option::as_ref).collect::<Option<Vec<_>>>()?;
    values.retain(|v| !v.is_null());
    values.sort_by(|a, b| match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.as_str().unwrap_or_default().cmp(b.as_str().unwrap_or_default()),
    });
    values.get(values.len() / 2).map(|v| (*v).clone())
}

/// How a pull reads one row from its JSON text: errors name the place inside the row.
pub(crate) type Decoder<T> = fn(&str) -> Result<T, ReplyError>;

/// A decoded row and its value of the partition field.
type Located<T> = (Found<T>, Option<Value>);

/// A reply page whose rows are decoded one by one, each with its key, its period value and its
/// value of the partition field.
fn decode_page<T>(body: &[u8], decode: Decoder<T>, plan: &Plan) -> Result<Page<Located<T>>, ReplyError> {
    let page = Reply::<Box<RawValue>>::decode(body)?;
    let mut rows = Vec::with_capacity(page.data.len());
    for (i, raw) in page.data.into_iter().enumerate() {
        let row = decode(raw.get()).map_err(|e| match e {
            // The row's own path, under the reply's.
            ReplyError::Decode { path, source } => {
                let at = if path.is_empty() || path == "." { String::new() } else { format!(".{path}") };
                ReplyError::Decode { path: format!("result.data[{i}]{at}"), source }
            }
            other => other,
        })?;
        let cells: std::collections::HashMap<&str, &RawValue> = serde_json::from_str(raw.get()).unwrap_or_default();
        let key = if plan.key.is_empty() {
            // Without a key, a row is told apart by all it holds.
            raw.get().to_owned()
        } else {
            plan.key.iter().map(|k| cells.get(k).map_or("null", |v| v.get())).collect::<Vec<_>>().join("|")
        };
        let time = plan.time.and_then(|t| cells.get(t)).and_then(|v| serde_json::from_str::<DateTime>(v.get()).ok());
        let partition = plan.partition.and_then(|p| cells.get(p)).and_then(|v| serde_json::from_str(v.get()).ok());
        rows.push((Found { key, time, row }, partition));
    }
    Ok(Page { data: rows, metadata: page.metadata })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dataapi::calls_report::Row;

    #[test]
    fn a_row_that_does_not_decode_is_named_by_its_place() {
        let plan = Plan::of(&dataapi::calls_report::DESCRIPTOR);
        let body =
            br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":1},{"id":2,"start_time":"yesterday"}],"metadata":{}}}"#;
        let decode: Decoder<Row> = |raw| decode_body::<Row>(raw.as_bytes());
        match decode_page(body, decode, &plan) {
            Err(ReplyError::Decode { path, .. }) => assert_eq!(path, "result.data[1].start_time"),
            other => panic!("{:?}", other.map(|_| ())),
        }
        let ok = decode_page(
            br#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":7,"start_time":"2026-01-01 00:00:05"},{"x":1}]}}"#,
            decode,
            &plan,
        )
        .unwrap();
        let keys: Vec<_> = ok.data.iter().map(|(f, p)| (f.key.clone(), f.time, p.clone())).collect();
        let at = DateTime::from_ymd_hms(2026, 1, 1, 0, 0, 5).unwrap();
        assert_eq!(keys, [("7".to_owned(), Some(at), Some(serde_json::json!(7))), ("null".to_owned(), None, None)]);
    }

    #[test]
    fn ranges_cut_at_a_value_into_three_that_cover_the_range() {
        let all = KeyRange::ALL;
        assert_eq!(all.filter("id"), None);
        let parts = all.split(serde_json::json!(50));
        let filters: Vec<_> = parts.iter().map(|r| serde_json::to_string(&r.filter("id")).unwrap()).collect();
        assert_eq!(
            filters,
            [
                r#"{"field":"id","operator":"<","value":50}"#,
                r#"{"field":"id","operator":"=","value":50}"#,
                r#"{"field":"id","operator":">","value":50}"#,
            ]
        );
        let inner = parts[2].split(serde_json::json!(70));
        assert_eq!(
            serde_json::to_string(&inner[0].filter("id")).unwrap(),
            r#"{"filters":[{"field":"id","operator":">","value":50},{"field":"id","operator":"<","value":70}],"condition":"and"}"#
        );
    }

    #[test]
    fn ranges_past_the_bound_merge_their_tail_into_one() {
        // Cut at 100, then below it at 90, 80, …: each cut leaves two ranges open behind it.
        let mut ranges = vec![KeyRange::ALL];
        for pivot in (1..=20).rev().map(|p| p * 10) {
            let first = ranges[0].split(serde_json::json!(pivot));
            ranges.splice(0..1, first);
            forget_cuts(&mut ranges);
            assert!(ranges.len() <= MAX_RANGES, "{} ranges", ranges.len());
        }
        // Still contiguous, in order, and covering every value.
        let ends: Vec<_> = ranges
            .iter()
            .map(|r| match r {
                KeyRange::Equal(v) => (Some(v.clone()), Some(v.clone())),
                KeyRange::Between { above, below } => (above.clone(), below.clone()),
            })
            .collect();
        assert_eq!(ends[0].0, None);
        assert_eq!(ends.last().unwrap().1, None);
        for pair in ends.windows(2) {
            assert_eq!(pair[0].1, pair[1].0, "{ranges:?}");
        }
        // The latest cuts (10 to 50) are kept; the values above 50 are one range again.
        assert_eq!(ranges.len(), 11);
        assert_eq!(ranges.last(), Some(&KeyRange::Between { above: Some(serde_json::json!(50)), below: None }));
    }

    #[test]
    fn the_median_orders_numbers_by_value() {
        let values: Vec<_> = [10, 9, 100, 2, 3].iter().map(|v| Some(serde_json::json!(v))).collect();
        assert_eq!(median(&values), Some(serde_json::json!(9)));
        assert_eq!(median(&[Some(serde_json::json!(1)), None]), None);
    }

    #[test]
    fn states_of_another_format_are_named() {
        let state: PullState = serde_json::from_str(r#"{"method":"get.calls_report","windows":[],"rows":0}"#).unwrap();
        assert_eq!(state.version, 0);
    }
}
