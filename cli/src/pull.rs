//! `dataapi pull`: every row of a method's period into NDJSON, CSV or Parquet, through a temporary
//! file renamed at the end, with a checkpoint beside the output to resume an interrupted pull.
//!
//! The data file and its checkpoint stay consistent: the rows written so far are flushed and
//! synced to disk first, then the checkpoint (the pull's state and the data file's length) is
//! written to a temporary file and renamed over the old one. A resumed pull truncates the data
//! file to the recorded length, so a row written after the last checkpoint is neither lost nor
//! repeated.
//!
//! Parquet is written as the rows arrive, and a checkpoint is taken as each row group is closed
//! (not on a timer, which would make small row groups) and when the pull stops. Its checkpoint
//! also keeps the footer of the row groups so far: a resumed pull closes the part's first bytes
//! with it, copies their rows into the next part file (`.part.1`, `.part.2`, …), commits that
//! by writing a checkpoint that names it, and goes on writing there. Until that checkpoint is
//! written the old part and checkpoint are still whole, so an interrupted resume can run again.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use clap::Parser;
use dataapi::client::{Client, Error, JsonRequest, PullState};
use dataapi::runtime::{Brand, MethodDescriptor};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Every row was written.
const DONE: u8 = 0;
/// A failure of ours: the output cannot be written, a reply cannot be decoded, a second holds
/// more rows than the API lets a request reach.
const FAILED: u8 = 1;
/// Bad input: nothing was sent.
const BAD_INPUT: u8 = 2;
/// The API refused the request.
const REFUSED: u8 = 3;
/// Interrupted with a checkpoint: `--resume` continues.
const INTERRUPTED: u8 = 4;

/// How often the checkpoint is brought up to date while rows arrive.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Options of `pull`.
#[derive(Debug, Parser)]
#[command(after_help = "\
Exit codes:
  0  every row of the period was written to --out
  1  the output could not be written, a reply could not be read, or the pull could not
     prove that it read every row (the message says why and what to change)
  2  bad input (every problem is printed; nothing was sent)
  3  the API refused the request (its mnemonic is printed)
  4  interrupted with a checkpoint (the day limit, Ctrl-C or SIGTERM, the network gone after
     every retry): run the same command with --resume to continue

Secrets are never arguments: --token-env and --password-env name environment variables.")]
pub struct Args {
    /// The method's wire name (`get.calls_report`).
    method: String,
    /// Start of the period ("YYYY-MM-DD hh:mm:ss").
    #[arg(long)]
    from: Option<String>,
    /// End of the period ("YYYY-MM-DD hh:mm:ss", inclusive).
    #[arg(long)]
    till: Option<String>,
    /// Fields to ask for, comma-separated (default: the method's default reply fields).
    #[arg(long, value_delimiter = ',', value_name = "FIELD,…")]
    fields: Option<Vec<String>>,
    /// The filter as JSON, or @FILE to read it from a file.
    #[arg(long, value_name = "JSON|@FILE")]
    filter: Option<String>,
    /// Sort keys FIELD[:asc|:desc], most significant first (repeatable or comma-separated), for
    /// the API's reads; refused for methods the pull reads in time order, the order that lets it
    /// prove that no row is lost. The file's rows are not sorted: sort them where they land.
    #[arg(long, value_delimiter = ',', value_name = "FIELD:ORDER")]
    sort: Vec<String>,
    /// Other parameters of the method as a JSON object, or @FILE.
    #[arg(long, value_name = "JSON|@FILE")]
    params: Option<String>,
    /// The brand whose endpoint to call; the request is held to its docs (a field only another
    /// brand documents is refused).
    #[arg(long, value_parser = ["comagic", "uis", "callgear"], conflicts_with = "url", default_value = "comagic")]
    brand: String,
    /// Another endpoint (a white label, the fake server).
    #[arg(long)]
    url: Option<String>,
    /// The environment variable holding the access token.
    #[arg(long, value_name = "VAR", conflicts_with_all = ["login", "password_env"])]
    token_env: Option<String>,
    /// The login for `login.user` (with --password-env).
    #[arg(long, requires = "password_env")]
    login: Option<String>,
    /// The environment variable holding the password of --login.
    #[arg(long, value_name = "VAR", requires = "login")]
    password_env: Option<String>,
    /// The output file: `.ndjson` (or `.jsonl`), `.csv` or `.parquet`.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Continue an interrupted pull from the checkpoint beside --out.
    #[arg(long)]
    resume: bool,
    /// Windows fetched at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=16))]
    concurrency: u32,
    /// Rows per page (the method's maximum when larger).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    page_size: u32,
    /// Parquet: rows per row group; a checkpoint is taken as each one is written.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    row_group: u32,
    /// A schema folder laid over the bundled schema (methods of a build.rs schema).
    #[arg(long, value_name = "DIR")]
    schema: Option<PathBuf>,
    /// CSV: write text cells as they came, even those a spreadsheet would run as a formula
    /// (by default a text cell starting with =, +, -, @, a tab or a carriage return gets a
    /// leading apostrophe).
    #[arg(long)]
    csv_raw: bool,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Format {
    Ndjson,
    Csv,
    Parquet,
}

/// What is kept beside the output to resume: the request, the pull's state and how much of
/// the temporary data file holds rows the state counts.
#[derive(Debug, Serialize, Deserialize)]
struct Checkpoint {
    method: String,
    params: Map<String, Value>,
    format: Format,
    state: PullState,
    bytes: u64,
    /// Parquet: the footer (base64) that closes the part's first `bytes` into a whole file;
    /// none while the part holds no row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    footer: Option<String>,
    /// Parquet: which part file holds the rows (each resume writes the next).
    #[serde(default, skip_serializing_if = "is_zero")]
    generation: u32,
    /// Parquet: values so far that did not fit their column's type (kept as JSON text).
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    mismatched: u64,
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let (request, client, format) = match check(&args) {
        Ok(checked) => checked,
        Err(problems) => {
            eprintln!("error: the pull was not started:");
            for p in &problems {
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
    ExitCode::from(runtime.block_on(pull(&args, request, client, format)))
}

/// Everything about the input, checked before the first request: every problem at once.
fn check(args: &Args) -> Result<(JsonRequest, Client, Format), Vec<String>> {
    let mut problems = Vec::new();
    let methods: Vec<&'static MethodDescriptor> = match &args.schema {
        Some(dir) => crate::descriptors::load(dir).map_err(|p| vec![format!("--schema {}: {p}", dir.display())])?,
        None => dataapi::METHODS.to_vec(),
    };
    let method = methods.iter().copied().find(|m| m.name == args.method);
    if method.is_none() {
        let names: Vec<_> = methods.iter().map(|m| m.name).collect();
        problems.push(format!("no method `{}`; the methods are {}", args.method, names.join(", ")));
    }
    let format = match args.out.extension().and_then(|e| e.to_str()) {
        Some("ndjson" | "jsonl") => Some(Format::Ndjson),
        Some("csv") => Some(Format::Csv),
        Some("parquet") => Some(Format::Parquet),
        _ => {
            let out = args.out.display();
            problems.push(format!("--out {out}: the file must end in .ndjson, .jsonl, .csv or .parquet"));
            None
        }
    };
    let mut params = Map::new();
    if let Some(text) = &args.params {
        match json_arg("--params", text) {
            Ok(Value::Object(map)) => params = map,
            Ok(other) => problems.push(format!("--params: a JSON object, not {other}")),
            Err(p) => problems.push(p),
        }
    }
    if let Some(from) = &args.from {
        params.insert("date_from".into(), Value::String(from.clone()));
    }
    if let Some(till) = &args.till {
        params.insert("date_till".into(), Value::String(till.clone()));
    }
    if let Some(fields) = &args.fields {
        params.insert("fields".into(), fields.iter().map(|f| Value::String(f.trim().to_owned())).collect());
    }
    if let Some(filter) = &args.filter {
        match json_arg("--filter", filter) {
            Ok(filter) => {
                params.insert("filter".into(), filter);
            }
            Err(p) => problems.push(p),
        }
    }
    if !args.sort.is_empty() {
        let mut keys = Vec::new();
        for key in &args.sort {
            // The validator checks the field and the order.
            let (field, order) = key.split_once(':').unwrap_or((key, "asc"));
            keys.push(serde_json::json!({"field": field.trim(), "order": order}));
        }
        params.insert("sort".into(), Value::Array(keys));
    }
    // The brand's docs hold the request only where the endpoint is the brand's own: behind
    // another URL (a white label, the fake server) the brand is not known.
    let brand = match (&args.url, args.brand.as_str()) {
        (Some(_), _) => None,
        (None, "callgear") => Some(Brand::CallGear),
        // UIS serves the CoMagic docs.
        (None, _) => Some(Brand::CoMagic),
    };
    let request = method.and_then(|m| match JsonRequest::new_for(m, brand, Value::Object(params)) {
        Ok(r) => Some(r),
        Err(violations) => {
            problems.extend(violations.iter().map(|v| format!("params.{v}")));
            None
        }
    });
    let builder = Client::builder().concurrency(args.concurrency as usize).page_size(args.page_size);
    let builder = match (&args.url, args.brand.as_str()) {
        (Some(url), _) => builder.url(url.clone()),
        (None, "uis") => builder.uis(),
        (None, "callgear") => builder.callgear(),
        (None, _) => builder.comagic(),
    };
    let env = |option: &str, var: &str, problems: &mut Vec<String>| match std::env::var(var) {
        Ok(value) if !value.is_empty() => Some(value),
        _ => {
            problems.push(format!("{option} {var}: the environment variable is not set or empty"));
            None
        }
    };
    let builder = match (&args.token_env, &args.login, &args.password_env) {
        (Some(var), _, _) => env("--token-env", var, &mut problems).map(|t| builder.token(t)),
        (None, Some(login), Some(var)) => {
            env("--password-env", var, &mut problems).map(|p| builder.login(login.clone(), p))
        }
        _ => {
            problems.push("no credentials: give --token-env VAR, or --login with --password-env VAR".into());
            None
        }
    };
    let client = builder.map(|b| b.build().map_err(|e| format!("cannot build the client: {e}")));
    match (request, client, format) {
        (Some(request), Some(Ok(client)), Some(format)) if problems.is_empty() => Ok((request, client, format)),
        (_, Some(Err(p)), _) => {
            problems.push(p);
            Err(problems)
        }
        _ => Err(problems),
    }
}

/// A JSON argument, or the JSON of the file named after `@`.
fn json_arg(option: &str, text: &str) -> Result<Value, String> {
    let (text, source) = match text.strip_prefix('@') {
        Some(path) => match fs::read_to_string(path) {
            Ok(text) => (text, format!("{option} @{path}")),
            Err(e) => return Err(format!("{option} @{path}: cannot read it: {e}")),
        },
        None => (text.to_owned(), option.to_owned()),
    };
    serde_json::from_str(&text).map_err(|e| format!("{source}: not JSON: {e}"))
}

/// Where the pieces of an output go.
struct Paths {
    out: PathBuf,
    checkpoint: PathBuf,
}

impl Paths {
    fn new(out: &Path) -> Self {
        Paths { out: out.to_owned(), checkpoint: Self::with(out, ".checkpoint.json") }
    }

    fn with(out: &Path, suffix: &str) -> PathBuf {
        let mut name = out.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        out.with_file_name(name)
    }

    /// The temporary data file of this generation: `.part`, then `.part.1`, ….
    fn part(&self, generation: u32) -> PathBuf {
        match generation {
            0 => Self::with(&self.out, ".part"),
            n => Self::with(&self.out, &format!(".part.{n}")),
        }
    }
}

/// The data file being written.
struct Sink {
    out: Out,
    fields: Vec<String>,
    path: PathBuf,
    generation: u32,
    /// CSV: neutralise text cells that a spreadsheet would run as a formula.
    neutralise: bool,
}

/// The writer of a format.
enum Out {
    Ndjson(BufWriter<File>),
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Parquet(Box<crate::parquet::Writer>),
}

impl Sink {
    /// A new data file for rows of `fields` of `method`, or the one of `resume` cut back to
    /// its checkpoint.
    fn open(
        paths: &Paths,
        format: Format,
        method: &'static MethodDescriptor,
        fields: Vec<String>,
        row_group: usize,
        resume: Option<&Checkpoint>,
        neutralise: bool,
    ) -> Result<Self, String> {
        let generation = resume.map_or(0, |c| c.generation);
        let path = paths.part(generation);
        let failed = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
        if format == Format::Parquet {
            let (out, path, generation) = match resume {
                Some(Checkpoint { footer: Some(footer), bytes, state, .. }) => {
                    let footer = BASE64.decode(footer).map_err(|e| format!("the checkpoint's footer: {e}"))?;
                    let next = paths.part(generation + 1);
                    let mut w =
                        crate::parquet::Writer::resume(&path, *bytes, &footer, &next, method, &fields, row_group)?;
                    w.add_mismatched(resume.map_or(0, |c| c.mismatched));
                    if w.rows() != state.rows {
                        return Err(format!(
                            "{} holds {} rows, its checkpoint counts {}; run without --resume to start again",
                            path.display(),
                            w.rows(),
                            state.rows
                        ));
                    }
                    (w, next, generation + 1)
                }
                Some(c) if c.state.rows > 0 => {
                    return Err(format!(
                        "{} has no footer for its {} rows (it was written by an older version); run without \
                         --resume to start again",
                        paths.checkpoint.display(),
                        c.state.rows
                    ));
                }
                _ => (crate::parquet::Writer::create(&path, method, &fields, row_group)?, path, generation),
            };
            crate::durable::sync_dir(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            return Ok(Sink { out: Out::Parquet(Box::new(out)), fields, path, generation, neutralise });
        }
        let keep = resume.map(|c| c.bytes);
        let mut file =
            OpenOptions::new().create(true).write(true).truncate(keep.is_none()).open(&path).map_err(|e| failed(&e))?;
        if let Some(bytes) = keep {
            file.set_len(bytes).map_err(|e| failed(&e))?;
            file.seek(SeekFrom::Start(bytes)).map_err(|e| failed(&e))?;
        }
        crate::durable::sync_dir(&path).map_err(|e| failed(&e))?;
        let buffered = BufWriter::with_capacity(1 << 16, file);
        let out = if format == Format::Csv {
            let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(buffered);
            if keep.unwrap_or(0) == 0 {
                csv.write_record(&fields).map_err(|e| failed(&e))?;
            }
            Out::Csv(Box::new(csv))
        } else {
            Out::Ndjson(buffered)
        };
        Ok(Sink { out, fields, path, generation, neutralise })
    }

    /// Writes a row; true when a checkpoint costs the output nothing now (for Parquet, when a
    /// row group was just closed).
    fn write(&mut self, row: Box<RawValue>) -> Result<bool, String> {
        let failed = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", self.path.display());
        match &mut self.out {
            Out::Ndjson(out) => {
                // A newline outside a string is whitespace (inside one it is escaped).
                let text = row.get();
                let written = if text.contains(['\n', '\r']) {
                    out.write_all(text.replace(['\n', '\r'], " ").as_bytes())
                } else {
                    out.write_all(text.as_bytes())
                };
                written.and_then(|()| out.write_all(b"\n")).map_err(|e| failed(&e))?;
                Ok(true)
            }
            Out::Csv(csv) => {
                let cells: BTreeMap<String, &RawValue> =
                    serde_json::from_str(row.get()).map_err(|e| failed(&format!("a row is not a JSON object: {e}")))?;
                let neutralise = self.neutralise;
                let record =
                    self.fields.iter().map(|f| cells.get(f).map_or(Ok(String::new()), |v| cell(v, neutralise)));
                let record: Result<Vec<String>, _> = record.collect();
                csv.write_record(record.map_err(|e| failed(&e))?).map_err(|e| failed(&e))?;
                Ok(true)
            }
            Out::Parquet(w) => w.push(row).map_err(|e| failed(&e)),
        }
    }

    /// Flushes and syncs the data, and returns how far it goes.
    fn sync(&mut self) -> Result<crate::parquet::Mark, String> {
        let failed = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", self.path.display());
        let file = match &mut self.out {
            Out::Ndjson(out) => {
                out.flush().map_err(|e| failed(&e))?;
                out.get_ref()
            }
            Out::Csv(csv) => {
                csv.flush().map_err(|e| failed(&e))?;
                csv.get_ref().get_ref()
            }
            Out::Parquet(w) => return w.sync().map_err(|e| failed(&e)),
        };
        file.sync_data().map_err(|e| failed(&e))?;
        let bytes = file.metadata().map_err(|e| failed(&e))?.len();
        Ok(crate::parquet::Mark { bytes, footer: None })
    }

    /// Completes the data and renames it to `out`.
    /// Completes the data and renames it to `out`; returns the values that did not fit their
    /// column's type (Parquet).
    fn finish(mut self, out: &Path) -> Result<u64, String> {
        let mismatched = match self.out {
            Out::Parquet(mut w) => {
                let failed = |e: &dyn std::fmt::Display| format!("cannot finish {}: {e}", self.path.display());
                w.encode().map_err(|e| failed(&e))?;
                let mismatched = w.mismatched();
                w.finish().map_err(|e| failed(&e))?;
                mismatched
            }
            _ => {
                self.sync()?;
                0
            }
        };
        fs::rename(&self.path, out)
            .and_then(|()| crate::durable::sync_dir(out))
            .map_err(|e| format!("cannot rename {} to {}: {e}", self.path.display(), out.display()))?;
        Ok(mismatched)
    }

    /// Parquet: the values so far that did not fit their column's type.
    fn mismatched(&self) -> u64 {
        match &self.out {
            Out::Parquet(w) => w.mismatched(),
            _ => 0,
        }
    }
}

/// A CSV cell: a string's text, nothing for null, anything else as the API wrote it. With
/// `neutralise`, a string that a spreadsheet would run as a formula gets a leading apostrophe
/// (see [`formula`]); numbers, booleans and nested JSON are never changed.
fn cell(value: &RawValue, neutralise: bool) -> io::Result<String> {
    let text = value.get();
    match text.as_bytes().first() {
        Some(b'"') => {
            let s: String = serde_json::from_str(text).map_err(io::Error::other)?;
            Ok(if neutralise && formula(&s) { format!("'{s}") } else { s })
        }
        _ if text == "null" => Ok(String::new()),
        _ => Ok(text.replace(['\n', '\r'], " ")),
    }
}

/// Whether a spreadsheet could take the text as a formula: it starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return, and is not a plain number (`-5`, `+7.25`, which the API also
/// sends as strings and which stay numbers).
fn formula(s: &str) -> bool {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    risky && !plain_number(s)
}

/// A decimal number with an optional sign: digits, at most one point between digits.
fn plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// Writes `checkpoint` atomically beside the output.
fn save(path: &Path, checkpoint: &Checkpoint) -> io::Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let tmp = path.with_file_name(name);
    let mut file = File::create(&tmp)?;
    file.write_all(&serde_json::to_vec(checkpoint).map_err(io::Error::other)?)?;
    file.sync_all()?;
    fs::rename(&tmp, path)?;
    crate::durable::sync_dir(path)
}

/// Waits for Ctrl-C or SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The bar's rows so far, the expected total and whether the pull waits on the limits.
fn show<T>(bar: &ProgressBar, pull: &dataapi::client::Pull<T>, started_with: u64) {
    let s = pull.progress();
    let rows = pull.state().rows;
    bar.set_length((s.total + started_with).max(rows));
    bar.set_position(rows);
    bar.set_message(if s.waiting { "waiting on the API's limits" } else { "" });
}

fn bar() -> ProgressBar {
    let target =
        if io::stderr().is_terminal() { ProgressDrawTarget::stderr_with_hz(4) } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(None, target);
    let style = ProgressStyle::with_template("{bar:30} {human_pos}/{human_len} rows  {per_sec}  {elapsed}  {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

async fn pull(args: &Args, request: JsonRequest, client: Client, format: Format) -> u8 {
    let paths = Paths::new(&args.out);
    let method = request.method().name.to_owned();
    let params = request.params().clone();
    let fields = request.fields();
    let descriptor = request.method();
    let mut state = request.start_state();
    let mut resumed = None;
    if args.resume {
        match fs::read(&paths.checkpoint) {
            Ok(bytes) => match serde_json::from_slice::<Checkpoint>(&bytes) {
                Ok(c) if c.method == method && c.params == params && c.format == format => {
                    state = c.state.clone();
                    resumed = Some(c);
                }
                Ok(_) => {
                    eprintln!(
                        "error: {} is the checkpoint of another pull (method, parameters or format differ); \
                         run without --resume to start again",
                        paths.checkpoint.display()
                    );
                    return BAD_INPUT;
                }
                Err(e) => {
                    eprintln!("error: {}: not a checkpoint: {e}", paths.checkpoint.display());
                    return BAD_INPUT;
                }
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                eprintln!("note: no checkpoint at {}; starting from the beginning", paths.checkpoint.display());
            }
            Err(e) => {
                eprintln!("error: {}: {e}", paths.checkpoint.display());
                return FAILED;
            }
        }
    }
    if resumed.is_none() {
        // A pull started again leaves nothing of the old one behind.
        let old = fs::read(&paths.checkpoint).ok().and_then(|b| serde_json::from_slice::<Checkpoint>(&b).ok());
        if let Some(old) = old.filter(|c| c.generation > 0) {
            let _ = fs::remove_file(paths.part(old.generation));
        }
        let _ = fs::remove_file(&paths.checkpoint);
    }
    let row_group = args.row_group as usize;
    let mut sink = match Sink::open(&paths, format, descriptor, fields, row_group, resumed.as_ref(), !args.csv_raw) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILED;
        }
    };
    let started_with = state.rows;
    let started = Instant::now();
    let mut pull = client.json_resume(request, state);
    let bar = bar();
    let mut last = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let stop = stopped();
    tokio::pin!(stop);
    let checkpoint = |sink: &mut Sink, state: &PullState| -> Result<(), String> {
        let mark = sink.sync()?;
        let c = Checkpoint {
            method: method.clone(),
            params: params.clone(),
            format,
            state: state.clone(),
            bytes: mark.bytes,
            footer: mark.footer.map(|f| BASE64.encode(f)),
            generation: sink.generation,
            mismatched: sink.mismatched(),
        };
        save(&paths.checkpoint, &c).map_err(|e| format!("{}: {e}", paths.checkpoint.display()))
    };
    if let Some(old) = resumed.as_ref().filter(|c| c.generation != sink.generation) {
        // The rows were copied into the next part: a checkpoint naming it commits the copy.
        if let Err(e) = checkpoint(&mut sink, pull.state()) {
            eprintln!("error: cannot write the checkpoint: {e}");
            return FAILED;
        }
        let _ = fs::remove_file(paths.part(old.generation));
    }
    let outcome: Result<(), (u8, String)> = loop {
        let row = tokio::select! {
            row = pull.next() => row,
            _ = &mut stop => break Err((INTERRUPTED, "interrupted".into())),
            _ = tick.tick() => {
                show(&bar, &pull, started_with);
                continue;
            }
        };
        match row {
            None => break Ok(()),
            Some(Ok(row)) => {
                // The bar redraws at most 4 times a second, so keeping it current is cheap.
                show(&bar, &pull, started_with);
                let ready = match sink.write(row) {
                    Ok(ready) => ready,
                    Err(e) => break Err((FAILED, e)),
                };
                // Parquet is ready at each closed row group, the others at any row.
                if ready && (format == Format::Parquet || last.elapsed() >= CHECKPOINT_EVERY) {
                    last = Instant::now();
                    if let Err(e) = checkpoint(&mut sink, pull.state()) {
                        break Err((FAILED, format!("cannot write the checkpoint: {e}")));
                    }
                }
            }
            Some(Err(e)) => break Err(failure(&e)),
        }
    };
    bar.finish_and_clear();
    let s = pull.progress();
    let rows = pull.state().rows;
    let took = started.elapsed().as_secs_f64();
    let summary = format!("{rows} rows, {} requests, {} retries, {took:.1} s", s.requests, s.retries);
    let note = |mismatched: u64| {
        if mismatched == 0 {
            return String::new();
        }
        format!(
            "; {mismatched} values did not fit their column's type and were kept as JSON text in the column `{}`",
            crate::parquet::MISMATCHED
        )
    };
    match outcome {
        Ok(()) => {
            let mismatched = match sink.finish(&paths.out) {
                Ok(n) => n,
                Err(e) => {
                    eprintln!("error: {e}");
                    return FAILED;
                }
            };
            let _ = fs::remove_file(&paths.checkpoint);
            eprintln!("done: {method} into {}: {summary}{}", paths.out.display(), note(mismatched));
            DONE
        }
        Err((code, message)) => {
            let saved = checkpoint(&mut sink, pull.state());
            let summary = format!("{summary}{}", note(sink.mismatched()));
            eprintln!("error: {message}");
            match saved {
                Ok(()) if code == INTERRUPTED => eprintln!(
                    "stopped: {summary}; the checkpoint is {}: run the same command with --resume to continue",
                    paths.checkpoint.display()
                ),
                Ok(()) => eprintln!("stopped: {summary}; the checkpoint is {}", paths.checkpoint.display()),
                Err(e) => eprintln!("stopped: {summary}; the checkpoint cannot be written: {e}"),
            }
            code
        }
    }
}

/// The exit code and message of a pull's error.
fn failure(e: &Error) -> (u8, String) {
    match e {
        Error::Invalid(v) => (BAD_INPUT, format!("the request would be refused:\n{v}")),
        Error::Api(api) => {
            let mnemonic = api.mnemonic().map_or_else(|| "no mnemonic".to_owned(), |m| m.to_string());
            (REFUSED, format!("the API refused the request: {mnemonic}: {}", api.message))
        }
        Error::NoAuth | Error::Unsupported(_) => (BAD_INPUT, e.to_string()),
        Error::DayLimit { .. } | Error::RateLimited { .. } | Error::Transport(_) | Error::Http { .. } => {
            (INTERRUPTED, e.to_string())
        }
        _ => (FAILED, e.to_string()),
    }
}
