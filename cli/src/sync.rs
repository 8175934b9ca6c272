//! `dataapi sync`: keeps a Parquet dataset (a folder or `s3://…`) or a PostgreSQL database
//! equal to the API, a day at a time, for one stream from the options or for the accounts and
//! streams of a `--config` file. The work is [`dataapi_sync`]'s; this module reads options,
//! draws a progress bar per stream and prints the summaries.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use clap::Parser;
use dataapi::runtime::MethodDescriptor;
use dataapi_sync::config::{Account, Config};
use dataapi_sync::{Error, Options, Progress, Stream, Summary, Target, TargetOptions, sync_account};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pull::{count, json_arg};

/// Every stream is equal to the API up to its API time.
const DONE: u8 = 0;
/// The target could not be written, a reply could not be read, or completeness could not be
/// established.
const FAILED: u8 = 1;
/// Bad input: nothing was sent.
const BAD_INPUT: u8 = 2;
/// The API refused a request.
const REFUSED: u8 = 3;
/// A day limit stopped an account's streams.
const DAY_LIMIT: u8 = 4;
/// Another run holds a stream.
const BUSY: u8 = 5;

/// Options of `sync`.
#[derive(Debug, Parser)]
#[command(after_help = "\
Each run reads the API's now (the Date of its replies, in the account's time zone), then
every day from --since that is not yet settled and every day within --lookback-days of now,
up to now less --lag-minutes, and replaces each day in the target as one step together with
the record of the stream. Run it as often as you like (cron, an orchestrator): a run that was
killed leaves every day whole, and the next run goes on.

Targets:
  DIR                 DIR/<method>/date=YYYY-MM-DD/data.parquet (with --config,
                      DIR/<account>/<method>/…), and _state.json beside the days
  s3://bucket/prefix  the same in an object store (--s3-endpoint for S3-compatible ones)
  postgres://…        the table dataapi.<method without get.> (--table), and
                      dataapi._dataapi_state

Exit codes:
  0  every stream is equal to the API up to the time its summary gives
  1  the target could not be written, a reply could not be read, the API kept failing, or a
     day could not be read whole (the message says why); the days replaced before it are kept
  2  bad input (every problem is printed; nothing was sent)
  3  the API refused a request (its mnemonic is printed)
  4  the day limit of an account stopped its streams (the other accounts went on)
  5  another run is syncing a stream (it was left to that run)

Secrets are never arguments: --token-env and --password-env name environment variables.")]
pub struct Args {
    /// The method's wire name (`get.calls_report`).
    #[arg(required_unless_present = "config")]
    method: Option<String>,
    /// The first day to keep (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", required_unless_present = "config")]
    since: Option<String>,
    /// The target: a folder, s3://bucket/prefix or postgres://….
    #[arg(long, value_name = "TARGET", required_unless_present = "config")]
    into: Option<String>,
    /// Fields to keep, comma-separated (default: the method's default replies).
    #[arg(long, value_delimiter = ',', value_name = "FIELD,…")]
    fields: Option<Vec<String>>,
    /// The filter as JSON, or @FILE.
    #[arg(long, value_name = "JSON|@FILE")]
    filter: Option<String>,
    #[command(flatten)]
    endpoint: crate::endpoint::Endpoint,
    /// Days before today read again on every run, settled or not [default: 3].
    #[arg(long, value_name = "N")]
    lookback_days: Option<u32>,
    /// Minutes before the API's now not read yet [default: 10].
    #[arg(long, value_name = "N")]
    lag_minutes: Option<u32>,
    /// Print the plan (the days, their rows and the requests they take) and write nothing;
    /// sends only the requests that count rows.
    #[arg(long)]
    dry_run: bool,
    /// Read every day from --since again, settled or not.
    #[arg(long)]
    full_refresh: bool,
    /// The account's time zone (IANA, Europe/Moscow), instead of the one get.account answers.
    #[arg(long, value_name = "ZONE")]
    time_zone: Option<String>,
    /// PostgreSQL: the table (`table` or `schema.table`) [default: dataapi.<method without get.>].
    #[arg(long)]
    table: Option<String>,
    /// The endpoint of an S3-compatible store (credentials from AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY and AWS_REGION).
    #[arg(long, value_name = "URL")]
    s3_endpoint: Option<String>,
    /// The account's name, kept in the target.
    #[arg(long, default_value = "default", conflicts_with = "config")]
    account: String,
    /// Accounts and streams from a TOML file (see the README).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["method", "since", "fields", "filter", "brand", "url", "token_env", "login", "password_env", "time_zone", "table"])]
    config: Option<PathBuf>,
    /// Rows per page (the method's maximum when larger).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    page_size: u32,
    /// How long a lease in an object store lasts unless renewed, in seconds.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(5..))]
    lease_seconds: Option<u64>,
    /// A schema folder laid over the bundled schema (methods of a build.rs schema).
    #[arg(long, value_name = "DIR")]
    schema: Option<PathBuf>,
}

/// What a run is made of: the target, and each account with its streams.
struct Work {
    into: String,
    target_options: TargetOptions,
    accounts: Vec<(Account, Vec<Stream>)>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let work = match check(&args) {
        Ok(work) => work,
        Err(problems) => {
            eprintln!("error: the sync was not started:");
            for p in problems.lines() {
                eprintln!("  {p}");
            }
            return ExitCode::from(BAD_INPUT);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(FAILED);
        }
    };
    ExitCode::from(runtime.block_on(sync(&args, work)))
}

/// Everything about the input, checked before the first request.
fn check(args: &Args) -> Result<Work, String> {
    let methods: Vec<&'static MethodDescriptor> = match &args.schema {
        Some(dir) => crate::descriptors::load(dir).map_err(|p| format!("--schema {}: {p}", dir.display()))?,
        None => dataapi::METHODS.to_vec(),
    };
    let text = |e: Error| e.to_string();
    let config = match &args.config {
        Some(path) => {
            let file = path.display().to_string();
            let source = std::fs::read_to_string(path).map_err(|e| format!("--config {file}: cannot read it: {e}"))?;
            let mut config = Config::parse(&source, &format!("--config {file}")).map_err(text)?;
            if let Some(into) = &args.into {
                config.into = into.clone();
            }
            config.lookback_days = args.lookback_days.or(config.lookback_days);
            config.lag_minutes = args.lag_minutes.or(config.lag_minutes);
            config.s3_endpoint = args.s3_endpoint.clone().or(config.s3_endpoint);
            config
        }
        None => one_stream(args)?,
    };
    let accounts = config.streams(&methods).map_err(text)?;
    Ok(Work {
        into: config.into.clone(),
        target_options: TargetOptions {
            s3_endpoint: config.s3_endpoint.clone(),
            account_folders: args.config.is_some(),
            lease_seconds: args.lease_seconds,
            ..TargetOptions::default()
        },
        accounts,
    })
}

/// The configuration of the one stream the options describe.
fn one_stream(args: &Args) -> Result<Config, String> {
    let mut problems = Vec::new();
    let since = args.since.as_deref().unwrap_or_default();
    let since =
        since.parse::<NaiveDate>().map_err(|_| format!("--since {since}: a date, YYYY-MM-DD")).unwrap_or_else(|p| {
            problems.push(p);
            NaiveDate::MIN
        });
    let filter = args.filter.as_deref().map(|f| json_arg("--filter", f)).transpose().unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    let account = args.endpoint.account(&args.account, args.time_zone.clone());
    if !args.endpoint.signs_in() {
        problems.push(crate::endpoint::NO_CREDENTIALS.into());
    } else if let Err(p) = account.check() {
        problems.push(crate::endpoint::in_options(&p, &account));
    }
    let stream = toml_stream(args, since, filter);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    Ok(Config {
        into: args.into.clone().unwrap_or_default(),
        s3_endpoint: args.s3_endpoint.clone(),
        lookback_days: args.lookback_days,
        lag_minutes: args.lag_minutes,
        accounts: vec![account],
        streams: vec![stream],
    })
}

fn toml_stream(args: &Args, since: NaiveDate, filter: Option<serde_json::Value>) -> dataapi_sync::config::StreamConfig {
    dataapi_sync::config::StreamConfig {
        method: args.method.clone().unwrap_or_default(),
        since,
        fields: args.fields.clone(),
        filter,
        lookback_days: None,
        lag_minutes: None,
        table: args.table.clone(),
        accounts: None,
    }
}

/// The bar of a stream: a spinner until the days to read are known, then days, the day being
/// read, rows and requests.
fn bar(bars: &MultiProgress, stream: &Stream) -> ProgressBar {
    let bar = bars.add(ProgressBar::no_length());
    let style = ProgressStyle::with_template("{prefix:32} {spinner} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_prefix(stream.name());
    bar.set_message("waiting for its turn");
    bar
}

/// Brings a stream's bar up to date.
fn show(bar: &ProgressBar, p: &Progress) {
    let s = p.snapshot();
    if s.days == 0 && s.requests == 0 {
        bar.tick();
        return;
    }
    if bar.length().is_none() && s.days > 0 {
        let style = ProgressStyle::with_template("{prefix:32} {bar:20} {pos}/{len} days  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_length(s.days);
    }
    bar.set_position(s.days_done);
    let day = s.day.map(|d| format!("{d}  ")).unwrap_or_else(|| "planning  ".into());
    bar.set_message(format!("{day}{}  {}", count(s.rows, "row", "rows"), count(s.requests, "request", "requests")));
}

async fn sync(args: &Args, work: Work) -> u8 {
    let target = match Target::open(&work.into, &work.target_options).await {
        Ok(t) => Arc::new(t),
        Err(e) => {
            eprintln!("error: --into {}: {e}", work.into);
            return if matches!(e, Error::Invalid(_)) { BAD_INPUT } else { FAILED };
        }
    };
    let options = Options { full_refresh: args.full_refresh, dry_run: args.dry_run, time_zone: None };
    let bars = MultiProgress::with_draw_target(if io::stderr().is_terminal() {
        ProgressDrawTarget::stderr_with_hz(4)
    } else {
        ProgressDrawTarget::hidden()
    });
    // Two streams in one place would write over each other's days and record.
    let mut places = std::collections::HashMap::new();
    for (account, streams) in &work.accounts {
        for stream in streams {
            if let Some(other) = places.insert((account.name.clone(), target.place(stream)), stream.name()) {
                eprintln!(
                    "error: {other} and {} would both be kept in {}; give one of them a `table` (PostgreSQL) or \
                     sync them into different targets",
                    stream.name(),
                    target.place(stream)
                );
                return BAD_INPUT;
            }
        }
    }
    // Every account's client before any request, so that a bad one stops the run before it starts.
    let mut clients = Vec::new();
    for (account, _) in &work.accounts {
        match account.client(args.page_size) {
            Ok(c) => clients.push(c),
            Err(e) => {
                let e = if args.config.is_some() {
                    e.to_string()
                } else {
                    crate::endpoint::in_options(&e.to_string(), account)
                };
                eprintln!("error: the sync was not started: {e}");
                return BAD_INPUT;
            }
        }
    }
    let mut tasks = tokio::task::JoinSet::new();
    let mut watched = Vec::new();
    for (index, ((account, streams), client)) in work.accounts.into_iter().zip(clients).enumerate() {
        let progress: Vec<Arc<Progress>> = streams.iter().map(|_| Arc::default()).collect();
        for (stream, p) in streams.iter().zip(&progress) {
            watched.push((bar(&bars, stream), p.clone()));
        }
        let target = target.clone();
        let options = Options { time_zone: account.zone(), ..options.clone() };
        tasks.spawn(async move {
            let results = sync_account(&client, &target, &streams, &options, &progress).await;
            (index, streams.into_iter().zip(results).collect::<Vec<_>>())
        });
    }
    let draw = tokio::spawn(async move {
        loop {
            for (bar, p) in &watched {
                show(bar, p);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
    let mut code = DONE;
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            Err(e) => {
                eprintln!("error: a task failed: {e}");
                code = FAILED;
            }
        }
    }
    draw.abort();
    let _ = bars.clear();
    // In the configuration's order, whichever account ended first.
    results.sort_by_key(|(index, _)| *index);
    for (stream, result) in results.into_iter().flat_map(|(_, r)| r) {
        let place = target.place(&stream);
        match result {
            Ok(summary) if args.dry_run => println!("{}", plan(&stream, &place, &summary)),
            Ok(summary) => eprintln!("{}", done(&summary)),
            Err(e) => {
                eprintln!("failed: {} into {place}: {e}", stream.name());
                code = worst(code, exit_code(&e));
            }
        }
    }
    code
}

/// The exit code of a stream's failure.
fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Client(dataapi::client::Error::DayLimit { .. }) | Error::DayLimit { .. } => DAY_LIMIT,
        Error::Client(dataapi::client::Error::Api(_)) => REFUSED,
        Error::Client(
            dataapi::client::Error::Invalid(_)
            | dataapi::client::Error::Unsupported(_)
            | dataapi::client::Error::NoAuth,
        )
        | Error::Invalid(_) => BAD_INPUT,
        Error::Busy { .. } => BUSY,
        _ => FAILED,
    }
}

/// Of two exit codes, the one to give: bad input, then failures, refusals, day limits, leases.
fn worst(a: u8, b: u8) -> u8 {
    let rank = |c: u8| [DONE, BUSY, DAY_LIMIT, REFUSED, FAILED, BAD_INPUT].iter().position(|&x| x == c).unwrap_or(0);
    if rank(b) > rank(a) { b } else { a }
}

/// The one-line summary of a stream's run.
fn done(s: &Summary) -> String {
    let days = match (s.days.first(), s.days.last()) {
        (Some(first), Some(last)) if first != last => format!(" ({first} … {last})"),
        (Some(day), _) => format!(" ({day})"),
        _ => String::new(),
    };
    let upto =
        s.synced_to.map(|t| format!("; equal to the API up to {t}")).unwrap_or_else(|| "; nothing to read yet".into());
    let note = s.note.as_ref().map(|n| format!(" [{n}]")).unwrap_or_default();
    let misfits = match s.mismatched {
        0 => String::new(),
        n => format!(
            "; {} did not fit {} column's type and {} kept as JSON in `{}`",
            count(n, "value", "values"),
            if n == 1 { "its" } else { "their" },
            if n == 1 { "is" } else { "are" },
            dataapi_sync::columns::MISMATCHED
        ),
    };
    format!(
        "synced {} into {}: {} replaced{days}, {}, {}{misfits}{upto}{note}",
        s.stream,
        s.place,
        count(s.days.len() as u64, "day", "days"),
        count(s.rows, "row", "rows"),
        count(s.requests, "request", "requests"),
    )
}

/// A dry run's plan of a stream.
fn plan(stream: &Stream, place: &str, s: &Summary) -> String {
    let mut out = format!("plan of {} into {place}:", stream.name());
    let (mut rows, mut requests) = (0, 0);
    for d in &s.plan {
        let until = if d.read.till == dataapi_sync::last_second(d.read.day) {
            "whole".to_owned()
        } else {
            format!("up to {}", d.read.till.0.time())
        };
        let counted = d.rows.map_or("? rows".to_owned(), |n| count(n, "row", "rows"));
        out.push_str(&format!(
            "\n  {}  {until:<16} {counted:>14}  {}",
            d.read.day,
            count(d.requests, "request", "requests")
        ));
        rows += d.rows.unwrap_or(0);
        requests += d.requests;
    }
    let note = s.note.as_ref().map(|n| format!("\n  note: {n}")).unwrap_or_default();
    out.push_str(&format!(
        "\n  {}, {}, about {} to read them ({} sent to count){note}",
        count(s.plan.len() as u64, "day", "days"),
        count(rows, "row", "rows"),
        count(requests, "request", "requests"),
        s.requests
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(mismatched: u64) -> Summary {
        let day: chrono::NaiveDate = "2026-09-01".parse().unwrap();
        Summary {
            stream: "acct/get.calls_report".into(),
            place: "out/get.calls_report".into(),
            days: vec![day, day.succ_opt().unwrap()],
            rows: 12,
            mismatched,
            requests: 3,
            synced_to: Some(dataapi_sync::last_second(day)),
            ..Summary::default()
        }
    }

    #[test]
    fn the_summary_counts_values_that_did_not_fit_only_when_there_are_some() {
        assert_eq!(
            done(&summary(0)),
            "synced acct/get.calls_report into out/get.calls_report: 2 days replaced (2026-09-01 … 2026-09-02), \
             12 rows, 3 requests; equal to the API up to 2026-09-01 23:59:59"
        );
        assert!(done(&summary(1)).contains(
            "3 requests; 1 value did not fit its column's type and is kept as JSON in `dataapi_mismatched`; equal"
        ));
        assert!(done(&summary(7)).contains("; 7 values did not fit their column's type and are kept as JSON"));
    }
}
