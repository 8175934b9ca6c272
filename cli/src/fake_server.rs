//! `dataapi fake-server`: serve the fake Data API until SIGINT or SIGTERM, printing its URL
//! as the first line of stdout; or, with `--dump METHOD`, print the rows it holds for a
//! window as JSON lines and exit.

use std::io::{self, BufWriter, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use clap::Parser;
use dataapi::fake::{Clock, Dataset, FakeServer, FaultKind, secs_of};
use dataapi::runtime::{Date, DateTime, MethodDescriptor};

use crate::USAGE;

/// Options of `fake-server`.
#[derive(Debug, Parser)]
pub struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Seed of the data set and of the faults.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// First day with rows (YYYY-MM-DD).
    #[arg(long, default_value = "2026-01-01", value_parser = date)]
    from: NaiveDate,
    /// Last day with rows (YYYY-MM-DD, inclusive).
    #[arg(long, default_value = "2026-03-31", value_parser = date)]
    till: NaiveDate,
    /// Rows of each method on each day.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..))]
    rows_per_day: u32,
    /// A permanent access token (repeatable).
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Points per token per minute (default: no limit).
    #[arg(long)]
    minute_limit: Option<u32>,
    /// Points per token per day (default: no limit).
    #[arg(long)]
    day_limit: Option<u32>,
    /// Length of the per-minute budget's "minute" in seconds (default 60).
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    minute_length: Option<Duration>,
    /// Lifetime of a `login.user` session in seconds (default 3600).
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    token_ttl: Option<Duration>,
    /// A login that `login.user` accepts (with --password).
    #[arg(long, requires = "password")]
    login: Option<String>,
    /// The password of --login.
    #[arg(long, requires = "login")]
    password: Option<String>,
    /// Faults at this total rate (0 to 1), spread over every kind.
    #[arg(long, value_name = "P", value_parser = rate)]
    faults: Option<f64>,
    /// Faults of one kind: KIND=P, KIND one of http_502, http_503, internal_error, slow,
    /// disconnect, truncated, omit_total_items (repeatable; rates add up).
    #[arg(long = "fault", value_name = "KIND=P", value_parser = fault)]
    fault: Vec<(FaultKind, f64)>,
    /// How late a slow reply is, in seconds (default 1).
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    slow_delay: Option<Duration>,
    /// Largest request body in bytes (default 1 MiB).
    #[arg(long, value_name = "BYTES")]
    max_body: Option<usize>,
    /// A schema folder laid over the bundled schema.
    #[arg(long, value_name = "DIR")]
    schema: Option<PathBuf>,
    /// Print the rows of this method as JSON lines and exit instead of serving.
    #[arg(long, value_name = "METHOD")]
    dump: Option<String>,
    /// Start of the dumped window ("YYYY-MM-DD hh:mm:ss", inclusive; default: the period's start).
    #[arg(long, requires = "dump", value_parser = datetime)]
    dump_from: Option<NaiveDateTime>,
    /// End of the dumped window ("YYYY-MM-DD hh:mm:ss", inclusive; default: the period's end).
    #[arg(long, requires = "dump", value_parser = datetime)]
    dump_till: Option<NaiveDateTime>,
    /// Only these fields, comma-separated, in this order (default: every field).
    #[arg(long, requires = "dump", value_delimiter = ',', value_name = "FIELD,…")]
    dump_fields: Vec<String>,
    /// Dump the rows visible at this moment with their values then ("YYYY-MM-DD hh:mm:ss";
    /// default: the clock's start).
    #[arg(long, requires = "dump", value_parser = datetime)]
    as_of: Option<NaiveDateTime>,
    /// Start the server's clock at this moment ("YYYY-MM-DD hh:mm:ss", account-local; default:
    /// the wall clock's now). Rows are then visible only from the moment they appear.
    #[arg(long, value_parser = datetime)]
    clock_start: Option<NaiveDateTime>,
    /// `wall`: the clock runs (the default); `manual`: it moves only on `POST <base>/__clock`.
    #[arg(long, value_name = "wall|manual", value_parser = ["wall", "manual"])]
    clock: Option<String>,
    /// The account's IANA time zone (default Europe/Moscow).
    #[arg(long, value_name = "ZONE")]
    time_zone: Option<String>,
    /// A row appears at its time plus a delay drawn from 0..=N seconds (default 0).
    #[arg(long, value_name = "N")]
    late_seconds: Option<u64>,
    /// This share of rows (0 to 1) gets a new version of some fields within the edit window.
    #[arg(long, value_name = "P", value_parser = rate)]
    edit_rate: Option<f64>,
    /// Edits and deletions happen within N seconds after a row appeared (default 86400).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    edit_window: Option<u64>,
    /// This share of rows (0 to 1) disappears within the edit window.
    #[arg(long, value_name = "P", value_parser = rate)]
    delete_rate: Option<f64>,
    /// N seconds of the period each hold --dense-rows rows of their own.
    #[arg(long, value_name = "N")]
    dense_seconds: Option<u32>,
    /// Rows in each dense second (default 12000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    dense_rows: Option<u32>,
    /// Rows that tie on every sort key come back in a different order on every request.
    #[arg(long)]
    unstable_ties: bool,
    /// A realistic mix: rows up to 2 h late, 5 % edited and 1 % deleted within a day, unstable
    /// ties; the options above override its values.
    #[arg(long)]
    live: bool,
}

fn date(s: &str) -> Result<NaiveDate, String> {
    s.parse::<Date>().map(|d| d.0).map_err(|e| format!("{e} (expected YYYY-MM-DD)"))
}

fn datetime(s: &str) -> Result<NaiveDateTime, String> {
    s.parse::<DateTime>().map(|d| d.0).map_err(|e| format!("{e} (expected \"YYYY-MM-DD hh:mm:ss\")"))
}

fn seconds(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x < 1e12 => Ok(Duration::from_secs_f64(x)),
        _ => Err(format!("`{s}` is not a positive number of seconds")),
    }
}

fn rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a rate from 0 to 1")),
    }
}

fn fault(s: &str) -> Result<(FaultKind, f64), String> {
    let (kind, p) = s.split_once('=').ok_or_else(|| format!("`{s}` is not KIND=P"))?;
    let names: Vec<_> = FaultKind::EVERY.iter().map(|k| k.as_str()).collect();
    let kind =
        FaultKind::parse(kind).ok_or_else(|| format!("no fault `{kind}`; the kinds are {}", names.join(", ")))?;
    Ok((kind, rate(p)?))
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(USAGE)
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let methods: Vec<&'static MethodDescriptor> = match &args.schema {
        Some(dir) => match crate::descriptors::load(dir) {
            Ok(methods) => methods,
            Err(problems) => return usage(format!("the schema in {} has problems:\n{problems}", dir.display())),
        },
        None => dataapi::METHODS.to_vec(),
    };
    let mut builder = FakeServer::builder()
        .methods(&methods)
        .addr(args.addr)
        .seed(args.seed)
        .period(Date(args.from), Date(args.till))
        .rows_per_day(args.rows_per_day);
    for token in &args.tokens {
        builder = builder.token(token);
    }
    if let (Some(login), Some(password)) = (&args.login, &args.password) {
        builder = builder.login(login, password);
    }
    if let Some(n) = args.minute_limit {
        builder = builder.minute_limit(n);
    }
    if let Some(n) = args.day_limit {
        builder = builder.day_limit(n);
    }
    if let Some(d) = args.minute_length {
        builder = builder.minute_length(d);
    }
    if let Some(d) = args.token_ttl {
        builder = builder.token_ttl(d);
    }
    if let Some(p) = args.faults {
        builder = builder.faults(p);
    }
    for &(kind, p) in &args.fault {
        builder = builder.fault(kind, p);
    }
    if let Some(d) = args.slow_delay {
        builder = builder.slow_delay(d);
    }
    if let Some(n) = args.max_body {
        builder = builder.max_body_bytes(n);
    }
    if args.live {
        builder = builder.live();
    }
    if let Some(t) = args.clock_start {
        builder = builder.clock_start(DateTime(t));
    }
    if args.clock.as_deref() == Some("manual") {
        builder = builder.manual_clock();
    }
    if let Some(zone) = &args.time_zone {
        builder = builder.time_zone(zone);
    }
    if let Some(n) = args.late_seconds {
        builder = builder.late_seconds(n);
    }
    if let Some(p) = args.edit_rate {
        builder = builder.edit_rate(p);
    }
    if let Some(n) = args.edit_window {
        builder = builder.edit_window(n);
    }
    if let Some(p) = args.delete_rate {
        builder = builder.delete_rate(p);
    }
    if let Some(n) = args.dense_seconds {
        builder = builder.dense_seconds(n);
    }
    if let Some(n) = args.dense_rows {
        builder = builder.dense_rows(n);
    }
    if args.unstable_ties {
        builder = builder.unstable_ties();
    }
    if let Err(message) = builder.check() {
        return usage(message);
    }
    if let (Some(from), Some(till)) = (args.dump_from, args.dump_till)
        && from > till
    {
        return usage(format!(
            "--dump-from ({}) is later than --dump-till ({}): the window would be empty",
            DateTime(from),
            DateTime(till)
        ));
    }
    if let Some(method) = &args.dump {
        // The moment to dump: --as-of, or where the clock starts (the wall clock's now in the
        // account's zone when no start is given).
        let zone = builder.dataset().options().time_zone;
        let at = args.as_of.or(args.clock_start).unwrap_or_else(|| Clock::new(None, true, zone).start());
        return dump(&builder.dataset(), method, &args, at);
    }
    if args.tokens.is_empty() && args.login.is_none() {
        return usage("give at least one --token or a --login with --password: no call could succeed");
    }
    serve(builder)
}

fn dump(dataset: &Dataset, method: &str, args: &Args, at: NaiveDateTime) -> ExitCode {
    let Some(rows) = dataset.as_of(at).method(method) else {
        let names: Vec<_> = dataset.methods().map(|m| m.descriptor.name).collect();
        return usage(format!("no method `{method}`; the methods are {}", names.join(", ")));
    };
    let all = &rows.rows.descriptor.fields;
    let fields: Vec<usize> = if args.dump_fields.is_empty() {
        (0..all.len()).collect()
    } else {
        let mut picked = Vec::new();
        for name in &args.dump_fields {
            match all.iter().position(|f| f.name == name.as_str()) {
                Some(i) => picked.push(i),
                None => return usage(format!("{method} has no field `{name}`")),
            }
        }
        picked
    };
    let from = args.dump_from.map_or(i64::MIN, secs_of);
    let till = args.dump_till.map_or(i64::MAX, secs_of);
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let mut line = String::with_capacity(4096);
    for g in rows.window(from, till) {
        line.clear();
        rows.write_row(g, &fields, &mut line);
        line.push('\n');
        if out.write_all(line.as_bytes()).is_err() {
            // The reader went away (`| head`): not an error of ours.
            return ExitCode::SUCCESS;
        }
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(builder: dataapi::fake::FakeServerBuilder) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let server = match builder.start().await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot serve: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut stdout = io::stdout().lock();
        if writeln!(stdout, "{}", server.url()).and_then(|()| stdout.flush()).is_err() {
            return ExitCode::FAILURE;
        }
        drop(stdout);
        stopped().await;
        server.stop().await;
        ExitCode::SUCCESS
    })
}

/// Waits for SIGINT or SIGTERM.
pub async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
