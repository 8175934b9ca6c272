//! One run of one stream: the API's now, the days to read, and each day read whole and
//! replaced in the target with the record of it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime as Utc, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use dataapi::account::Account;
use dataapi_client::Client;
use dataapi_runtime::{DateTime, Request};

use crate::days::{DayRead, plan};
use crate::state::{DayState, StreamState};
use crate::target::Target;
use crate::{Error, Stream};

/// How a run goes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Read every day from the stream's first, settled or not.
    pub full_refresh: bool,
    /// Only plan: count each day's rows (a call each) and write nothing.
    pub dry_run: bool,
    /// The account's time zone, instead of the one `get.account` answers.
    pub time_zone: Option<Tz>,
}

/// Counters of a run, readable while it goes (for a progress bar).
#[derive(Debug, Default)]
pub struct Progress {
    days: AtomicU64,
    days_done: AtomicU64,
    rows: AtomicU64,
    requests: AtomicU64,
    day: Mutex<Option<NaiveDate>>,
}

/// What [`Progress`] reads at a moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgressSnapshot {
    /// Days the run reads.
    pub days: u64,
    /// Days replaced so far.
    pub days_done: u64,
    /// Rows read so far.
    pub rows: u64,
    /// Requests sent so far.
    pub requests: u64,
    /// The day being read.
    pub day: Option<NaiveDate>,
}

impl Progress {
    /// The counters now.
    pub fn snapshot(&self) -> ProgressSnapshot {
        ProgressSnapshot {
            days: self.days.load(Ordering::Relaxed),
            days_done: self.days_done.load(Ordering::Relaxed),
            rows: self.rows.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
            day: *self.day.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    fn requests(&self, n: u64) {
        self.requests.fetch_add(n, Ordering::Relaxed);
    }
}

/// A day of a plan, with what the API counts in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedDay {
    /// The day and how far it is read.
    pub read: DayRead,
    /// Its rows as the API counts them (`None` when it does not say).
    pub rows: Option<u64>,
    /// Requests its read takes, at least (a page each, and one more to see the end of a
    /// full last page).
    pub requests: u64,
}

/// What a run of a stream did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The stream (`account/method`).
    pub stream: String,
    /// Where it is kept.
    pub place: String,
    /// The days replaced, oldest first.
    pub days: Vec<NaiveDate>,
    /// Their rows.
    pub rows: u64,
    /// Values of those rows that did not fit their column's type, kept as JSON in the
    /// [`MISMATCHED`](crate::columns::MISMATCHED) column.
    pub mismatched: u64,
    /// Requests sent.
    pub requests: u64,
    /// The API's local time the target is now equal to the API up to.
    pub synced_to: Option<DateTime>,
    /// A dry run's plan.
    pub plan: Vec<PlannedDay>,
    /// Why the run read more than its lookback (a changed filter, a full refresh), if so.
    pub note: Option<String>,
}

/// The API's now as a local time of the account's zone: the `Date` header of a call of
/// `get.account` (which also names the zone, unless `time_zone` is given), or the local clock
/// if the API sends no `Date`.
pub async fn api_now(client: &Client, time_zone: Option<Tz>) -> Result<(NaiveDateTime, Tz), Error> {
    let page = client.call(&Request::<Account>::without_dates()).await?;
    let zone = match time_zone {
        Some(zone) => zone,
        None => {
            let name = page.data.first().and_then(|row| row.timezone.clone()).ok_or_else(|| {
                Error::Invalid("get.account did not name the account's time zone; give --time-zone".into())
            })?;
            name.parse().map_err(|_| {
                Error::Invalid(format!(
                    "get.account named the time zone `{name}`, which is not an IANA zone; give --time-zone"
                ))
            })?
        }
    };
    Ok((local(client.api_time().unwrap_or_else(SystemTime::now), zone), zone))
}

/// `time` as a whole-second local time of `zone`.
fn local(time: SystemTime, zone: Tz) -> NaiveDateTime {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    Utc::from_timestamp(seconds, 0).unwrap_or_default().with_timezone(&zone).naive_local()
}

/// Syncs `stream` into `target`: reads every day that is not settled and replaces it, each
/// day with the record of it, under the stream's lease.
pub async fn sync_stream(
    client: &Client,
    target: &Target,
    stream: &Stream,
    options: &Options,
    progress: &Progress,
) -> Result<Summary, Error> {
    stream.check().map_err(|v| Error::Invalid(format!("{}: {v}", stream.name())))?;
    let mut summary = Summary { stream: stream.name(), place: target.place(stream), ..Summary::default() };
    if options.dry_run {
        // A plan writes nothing: no lease, no table, only the record read.
        let peek = target.peek(stream).await?;
        run(client, None, peek, stream, options, progress, &mut summary).await?;
        return Ok(summary);
    }
    let mut opened = target.stream(stream).await?;
    let result = run(client, Some(&mut opened), None, stream, options, progress, &mut summary).await;
    let closed = opened.close().await;
    result.and(closed).map(|()| summary)
}

/// The run of [`sync_stream`]: into `target` when it is open, or only planned from the record
/// `peek` (a dry run).
async fn run(
    client: &Client,
    mut target: Option<&mut crate::target::StreamTarget>,
    peek: Option<StreamState>,
    stream: &Stream,
    options: &Options,
    progress: &Progress,
    summary: &mut Summary,
) -> Result<(), Error> {
    let (now, zone) = api_now(client, options.time_zone).await?;
    progress.requests(1);
    let prior = match target.as_deref_mut() {
        Some(target) => target.state().await?,
        None => peek,
    };
    if let Some(why) = prior.as_ref().and_then(|p| p.other_stream(stream)) {
        return Err(Error::Invalid(format!(
            "{}: {} is another stream's place ({why}); give this one a place of its own (another --into, or in \
             PostgreSQL another --table)",
            stream.name(),
            summary.place
        )));
    }
    let mut state = match prior {
        Some(prior) => match prior.mismatch(stream, zone.name()) {
            None => prior,
            Some(why) => {
                summary.note =
                    Some(format!("reading every day again: the target's record of the stream does not fit ({why})"));
                StreamState::new(stream, zone.name())
            }
        },
        None => StreamState::new(stream, zone.name()),
    };
    if options.full_refresh {
        summary.note = Some("reading every day again (--full-refresh)".into());
    }
    let reads = plan(Some(&state), stream.since, now, stream.lookback_days, stream.lag_minutes, options.full_refresh);
    progress.days.store(reads.len() as u64, Ordering::Relaxed);
    let page = client.config().page_size.max(1) as u64;
    for read in reads {
        *progress.day.lock().unwrap_or_else(|e| e.into_inner()) = Some(read.day);
        let from = DateTime(read.day.and_time(NaiveTime::MIN));
        let request = stream.request(from, read.till).map_err(|v| Error::Invalid(format!("{}: {v}", stream.name())))?;
        let Some(writer) = target.as_deref_mut() else {
            // A dry run: count the day's rows, write nothing.
            let rows = client.json_count(&request).await?;
            progress.requests(1);
            let requests = rows.map_or(1, |n| n / page + 1);
            summary.plan.push(PlannedDay { read, rows, requests });
            summary.requests += 1;
            progress.days_done.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        let as_of = DateTime(local(client.api_time().unwrap_or_else(SystemTime::now), zone));
        let mut pull = client.json_rows(request);
        let mut rows = Vec::new();
        let mut counted = 0;
        let outcome = loop {
            match pull.next().await {
                Some(Ok(row)) => {
                    rows.push(row);
                    progress.rows.fetch_add(1, Ordering::Relaxed);
                }
                Some(Err(e)) => break Err(Error::from(e)),
                None => break Ok(()),
            }
            let sent = pull.progress().requests;
            progress.requests(sent - counted);
            counted = sent;
        };
        let sent = pull.progress().requests;
        progress.requests(sent - counted);
        summary.requests += sent;
        outcome?;
        state.days.insert(read.day, DayState { till: read.till, as_of, rows: rows.len() as u64 });
        state.fields = stream.fields.clone();
        state.time_zone = zone.name().to_owned();
        state.synced_to = Some(state.synced_to.map_or(read.till, |t| t.max(read.till)));
        summary.mismatched += writer.replace_day(read.day, &rows, &state).await?;
        summary.days.push(read.day);
        summary.rows += rows.len() as u64;
        summary.synced_to = state.synced_to;
        progress.days_done.fetch_add(1, Ordering::Relaxed);
    }
    summary.requests += 1;
    Ok(())
}

/// Syncs the streams of one account one after another, each with its progress. A day limit
/// stops the account: the streams after it are not run ([`Error::DayLimit`]); other
/// accounts, with budgets of their own, go on.
pub async fn sync_account(
    client: &Client,
    target: &Target,
    streams: &[Stream],
    options: &Options,
    progress: &[std::sync::Arc<Progress>],
) -> Vec<Result<Summary, Error>> {
    let mut results = Vec::with_capacity(streams.len());
    let mut spent = None;
    for (i, stream) in streams.iter().enumerate() {
        if let Some(reset_in) = spent {
            results.push(Err(Error::DayLimit { account: stream.account.clone(), reset_in }));
            continue;
        }
        let progress = progress.get(i).cloned().unwrap_or_default();
        let result = sync_stream(client, target, stream, options, &progress).await;
        if let Err(Error::Client(dataapi_client::Error::DayLimit { reset_in, .. })) = &result {
            spent = Some(*reset_in);
        }
        results.push(result);
    }
    results
}
