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
use dataapi::runtime::validate::{Violation, did_you_mean};
use dataapi::runtime::{MethodDescriptor, RequestKind, TypeDescriptor, ValueShape};
use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};
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

A failure that a resume cannot mend (1, 2, 3) removes the partial file and its checkpoint
and says what to fix; only a resumed pull refused for its input or credentials (2, 3) keeps
the checkpoint it started from, to continue with --resume once they are fixed.

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
    /// Fields to ask for, comma-separated (default: the method's default reply fields; a flat
    /// report such as get.communications, which returns no row without fields, is asked for the
    /// fields its docs mark as default replies, by name, and the pull says so).
    #[arg(long, value_delimiter = ',', value_name = "FIELD,…")]
    fields: Option<Vec<String>>,
    /// The filter as JSON, or @FILE to read it from a file. A value that is not a code of the
    /// field's enum is sent (the API's enums are open) after a warning; see --strict.
    #[arg(long, value_name = "JSON|@FILE")]
    filter: Option<String>,
    /// Refuse a --filter value that is not a code of the field's enum (exit 2) instead of
    /// warning about it.
    #[arg(long)]
    strict: bool,
    /// Sort keys FIELD[:asc|:desc], most significant first (repeatable or comma-separated), for
    /// the API's reads; refused for methods the pull reads in time order, the order that lets it
    /// prove that no row is lost. The file's rows are not sorted: sort them where they land.
    #[arg(long, value_delimiter = ',', value_name = "FIELD:ORDER")]
    sort: Vec<String>,
    /// Other parameters of the method as a JSON object, or @FILE.
    #[arg(long, value_name = "JSON|@FILE")]
    params: Option<String>,
    #[command(flatten)]
    endpoint: crate::endpoint::Endpoint,
    /// The output file: `.ndjson` (or `.jsonl`), `.csv` or `.parquet`.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Continue an interrupted pull from the checkpoint beside --out.
    #[arg(long)]
    resume: bool,
    /// Replace --out if it exists (without it, an existing file is refused, exit 2).
    #[arg(long)]
    force: bool,
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
    let mut notes = Vec::new();
    let (request, client, format) = match check(&args, &mut notes) {
        Ok(checked) => checked,
        Err(problems) => {
            for note in &notes {
                eprintln!("{note}");
            }
            eprintln!("error: the pull was not started:");
            for p in &problems {
                eprintln!("  {p}");
            }
            return ExitCode::from(BAD_INPUT);
        }
    };
    for note in &notes {
        eprintln!("{note}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(FAILED);
        }
    };
    ExitCode::from(runtime.block_on(pull(&args, request, client, format)))
}

/// Everything about the input, checked before the first request: every problem at once;
/// warnings and notes for the user go to `notes`.
fn check(args: &Args, notes: &mut Vec<String>) -> Result<(JsonRequest, Client, Format), Vec<String>> {
    let mut problems = Vec::new();
    let checkpoint = Paths::new(&args.out).checkpoint;
    if args.out.exists() && !args.force && !(args.resume && checkpoint.exists()) {
        problems.push(format!(
            "--out {}: the file exists; give --force to replace it, or another --out",
            args.out.display()
        ));
    }
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
                if let Some(m) = method {
                    let mut odd = Vec::new();
                    unknown_codes(m, &filter, "", &mut odd);
                    if args.strict {
                        problems.extend(odd.into_iter().map(|o| format!("{o} (refused by --strict)")));
                    } else {
                        notes.extend(odd.into_iter().map(|o| {
                            format!(
                                "warning: {o}; the API's enums are open, so it is sent as given and most likely \
                                 matches no row (--strict refuses it)"
                            )
                        }));
                    }
                }
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
    let account = args.endpoint.account("default", None);
    let brand = account.brand_docs();
    // A flat report returns no row without `fields`: ask for the ones its docs mark as default
    // replies, or require --fields where there are none.
    if let Some(m) = method.filter(|m| m.kind == RequestKind::FlatReport && args.fields.is_none()) {
        let defaults: Vec<&str> = m
            .fields
            .iter()
            .filter(|f| f.default.allows() && brand.is_none_or(|b| f.documented_for(b)))
            .map(|f| f.name)
            .collect();
        if defaults.is_empty() {
            problems.push(format!(
                "--fields: {} returns no row without fields and its docs mark none as a default reply: \
                 give --fields",
                m.name
            ));
        } else {
            let shown =
                if defaults.len() > 6 { format!("{}, …", defaults[..6].join(", ")) } else { defaults.join(", ") };
            notes.push(format!(
                "note: {} returns no row without fields: asking for the {} fields its docs mark as default \
                 replies ({shown}); give --fields to choose others",
                m.name,
                defaults.len()
            ));
            params.insert("fields".into(), defaults.iter().map(|f| Value::String((*f).to_owned())).collect());
        }
    }
    let request = method.and_then(|m| match JsonRequest::new_for(m, brand, Value::Object(params)) {
        Ok(r) => Some(r),
        Err(violations) => {
            problems.extend(violations.iter().map(|v| described(v, m)));
            None
        }
    });
    let builder = if args.endpoint.signs_in() {
        account.builder().map_err(|e| problems.push(crate::endpoint::in_options(&e.to_string(), &account))).ok()
    } else {
        problems.push(crate::endpoint::NO_CREDENTIALS.into());
        None
    };
    let client = builder.map(|b| {
        b.concurrency(args.concurrency as usize)
            .page_size(args.page_size)
            .build()
            .map_err(|e| format!("cannot build the client: {e}"))
    });
    match (request, client, format) {
        (Some(request), Some(Ok(client)), Some(format)) if problems.is_empty() => Ok((request, client, format)),
        (_, Some(Err(p)), _) => {
            problems.push(p);
            Err(problems)
        }
        _ => Err(problems),
    }
}

/// Where a violation's parameter comes from on the command line: `--from` for `date_from`,
/// `--fields item 2` for `fields[1]`, `--filter at filters[0].value`, `--params report_id`.
fn option_of(path: &str) -> String {
    let split = path.find(['.', '[']).unwrap_or(path.len());
    let (head, rest) = path.split_at(split);
    // A comma-separated list: its items counted from 1, as the user typed them.
    let item = |option: &str| {
        let Some(inner) = rest.strip_prefix('[') else { return option.to_owned() };
        let Some((index, tail)) = inner.split_once(']') else { return format!("{option}{rest}") };
        let n = index.parse::<usize>().map_or_else(|_| index.to_owned(), |i| (i + 1).to_string());
        match tail.trim_start_matches('.') {
            "" => format!("{option} item {n}"),
            tail => format!("{option} item {n} ({tail})"),
        }
    };
    match head {
        "date_from" => "--from".to_owned(),
        "date_till" => "--till".to_owned(),
        "fields" => item("--fields"),
        "sort" => item("--sort"),
        "filter" => match rest.trim_start_matches('.') {
            "" => "--filter".to_owned(),
            at => format!("--filter at {at}"),
        },
        "access_token" => "the token (--token-env, or --login with --password-env)".to_owned(),
        "" => "the request".to_owned(),
        _ => format!("--params {path}"),
    }
}

/// A violation as the user can act on it: the option in place of the wire parameter, in its
/// place and in its message (`` `date_from` `` becomes `` `--from` ``, a method parameter
/// `` `--params report_id` ``).
fn described(v: &Violation, method: &MethodDescriptor) -> String {
    let mut message = v.message.replace("`date_from`", "`--from`").replace("`date_till`", "`--till`");
    let head = &v.path[..v.path.find(['.', '[']).unwrap_or(v.path.len())];
    if !matches!(head, "fields" | "sort" | "filter") {
        for p in method.params {
            message = message.replace(&format!("`{}`", p.name), &format!("`--params {}`", p.name));
        }
    }
    let help = v.help.as_ref().map_or_else(String::new, |h| format!(" ({h})"));
    format!("{}: {}: {message}{help}", option_of(&v.path), v.mnemonic)
}

/// The conditions of `filter` whose value is not a code of the field's enum, each with the
/// codes and the nearest one. `at` is the condition's path in the filter.
fn unknown_codes(method: &MethodDescriptor, filter: &Value, at: &str, out: &mut Vec<String>) {
    let Value::Object(map) = filter else { return };
    if let Some(Value::Array(filters)) = map.get("filters") {
        for (i, f) in filters.iter().enumerate() {
            let path = if at.is_empty() { format!("filters[{i}]") } else { format!("{at}.filters[{i}]") };
            unknown_codes(method, f, &path, out);
        }
        return;
    }
    let (Some(Value::String(name)), Some(value)) = (map.get("field"), map.get("value")) else { return };
    let Some(field) = method.field(name) else { return };
    let (enum_name, codes, labels) = match field.ty {
        TypeDescriptor::Enum { name, codes, labels } => (name, codes, labels),
        TypeDescriptor::Array(TypeDescriptor::Enum { name, codes, labels }) => (*name, *codes, *labels),
        _ => return,
    };
    // Patterns and expressions are not codes.
    let operator = map.get("operator").and_then(Value::as_str);
    let shape = operator.and_then(|o| method.operators.iter().find(|d| d.wire == o)).map(|d| d.value);
    if matches!(shape, Some(ValueShape::Text | ValueShape::Null)) {
        return;
    }
    let values: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => return,
    };
    let known = |v: &str| codes.contains(&v) || labels.iter().any(|l| l.code == v);
    for v in values.into_iter().filter(|v| !known(v)) {
        let place = if at.is_empty() { "--filter".to_owned() } else { format!("--filter at {at}") };
        let listed = if codes.len() > 12 { format!("{}, …", codes[..12].join(", ")) } else { codes.join(", ") };
        let hint = did_you_mean(v, codes.iter().copied()).map_or_else(String::new, |h| format!(" ({h})"));
        out.push(format!("{place}: `{v}` is not a code of `{name}` (enum {enum_name}: {listed}){hint}"));
    }
}

/// A JSON argument, or the JSON of the file named after `@`.
pub(crate) fn json_arg(option: &str, text: &str) -> Result<Value, String> {
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
pub(crate) async fn stopped() {
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

/// The progress bar: a spinner while nothing is counted, then rows of the expected total
/// (`~` while some window is not counted yet), a rate rounded for people and an ETA, or how
/// long a wait on the API's limits lasts. It is brought up to date on a timer, a few times a
/// second, never per row.
struct Bar {
    bar: ProgressBar,
    /// The total is known to be > 0 and the bar style is on.
    counting: bool,
    /// The total shown is an estimate (`~`).
    estimate: bool,
}

impl Bar {
    fn new() -> Self {
        let target = if io::stderr().is_terminal() {
            ProgressDrawTarget::stderr_with_hz(4)
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        let style = ProgressStyle::with_template("{spinner} counting… {human_pos} rows  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        Bar { bar, counting: false, estimate: true }
    }

    /// Redraws from the pull's counters.
    fn show<T>(&mut self, pull: &dataapi::client::Pull<T>, started_with: u64) {
        let s = pull.progress();
        let state = pull.state();
        let rows = state.rows;
        let total = s.total + started_with;
        let estimate = !state.windows.iter().all(|w| w.counted);
        // The length and the position first, so that no frame shows a total of 0.
        if self.counting || total > 0 {
            self.bar.set_length(total.max(rows));
        }
        self.bar.set_position(rows);
        if total > 0 && !self.counting {
            self.counting = true;
            self.estimate = estimate;
            self.bar.set_prefix(if estimate { "~" } else { "" });
            let style = ProgressStyle::with_template("{bar:24} {human_pos}/{prefix}{human_len} rows  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            self.bar.set_style(style);
        } else if self.counting && estimate != self.estimate {
            self.estimate = estimate;
            self.bar.set_prefix(if estimate { "~" } else { "" });
        }
        let message = match s.wait_left {
            Some(left) if s.waiting => format!("waiting on the API's limits, {} left", short(left)),
            _ if s.waiting => "waiting on the API's limits".to_owned(),
            _ => {
                let rate = HumanCount(self.bar.per_sec().round() as u64);
                if self.counting && rows > 0 {
                    format!("{rate} rows/s  ETA {}", short(self.bar.eta()))
                } else {
                    format!("{rate} rows/s")
                }
            }
        };
        self.bar.set_message(message);
        if !self.counting {
            self.bar.tick();
        }
    }
}

/// A duration for people, rounded up to the second: `7 s`, `3 min 5 s`, `2 h 10 min`.
fn short(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

/// A number of things with its noun, singular for one.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
    let mut bar = Bar::new();
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
    let outcome: Result<(), (u8, String, String)> = loop {
        let row = tokio::select! {
            row = pull.next() => row,
            _ = &mut stop => break Err((INTERRUPTED, "interrupted".into(), String::new())),
            _ = tick.tick() => {
                bar.show(&pull, started_with);
                continue;
            }
        };
        match row {
            None => break Ok(()),
            Some(Ok(row)) => {
                let ready = match sink.write(row) {
                    Ok(ready) => ready,
                    Err(e) => break Err((FAILED, e, "make room for the output or give another --out".into())),
                };
                // Parquet is ready at each closed row group, the others at any row.
                if ready && (format == Format::Parquet || last.elapsed() >= CHECKPOINT_EVERY) {
                    last = Instant::now();
                    if let Err(e) = checkpoint(&mut sink, pull.state()) {
                        break Err((
                            FAILED,
                            format!("cannot write the checkpoint: {e}"),
                            "make room beside --out or give another --out".into(),
                        ));
                    }
                }
            }
            Some(Err(e)) => break Err(failure(&e, descriptor, args)),
        }
    };
    bar.bar.finish_and_clear();
    let s = pull.progress();
    let rows = pull.state().rows;
    let took = started.elapsed().as_secs_f64();
    // Calls sent again: after a fault, and after a `limit_exceeded` answer (waited out first).
    let again = s.retries + s.refused;
    let retries = if again == 0 {
        "0 retries".to_owned()
    } else {
        format!(
            "{} ({} after a fault, {} after limit_exceeded)",
            count(again, "retry", "retries"),
            s.retries,
            s.refused
        )
    };
    let summary = format!(
        "{}, {}, {retries}, {} on the API's limits, {took:.1} s",
        count(rows, "row", "rows"),
        count(s.requests, "request", "requests"),
        count(s.waits, "wait", "waits")
    );
    let note = |mismatched: u64| {
        if mismatched == 0 {
            return String::new();
        }
        format!(
            "; {mismatched} values did not fit their column's type and were kept as JSON text in the column `{}`",
            dataapi_sync::columns::MISMATCHED
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
            if rows == 0 {
                eprintln!(
                    "done: {method} into {}: 0 rows — nothing matched {}; check {} ({})",
                    paths.out.display(),
                    matched(&params),
                    checks(&params),
                    summary.trim_start_matches("0 rows, ")
                );
            } else {
                eprintln!("done: {method} into {}: {summary}{}", paths.out.display(), note(mismatched));
            }
            DONE
        }
        Err((code, message, fix)) => {
            let summary = format!("{summary}{}", note(sink.mismatched()));
            eprintln!("error: {message}");
            // Only an interruption is mended by a resume; a resumed pull refused for its input
            // or credentials keeps the checkpoint it started from, to resume once they are fixed.
            let keep = code == INTERRUPTED || (resumed.is_some() && matches!(code, BAD_INPUT | REFUSED));
            if !keep {
                let part = paths.part(sink.generation);
                drop(sink);
                let _ = fs::remove_file(&part);
                let _ = fs::remove_file(&paths.checkpoint);
                let _ = crate::durable::sync_dir(&part);
                eprintln!("stopped: {summary}; nothing was kept: {fix}, then run the command again");
                return code;
            }
            match checkpoint(&mut sink, pull.state()) {
                Ok(()) if code == INTERRUPTED => eprintln!(
                    "stopped: {summary}; the checkpoint is {}: run the same command with --resume to continue",
                    paths.checkpoint.display()
                ),
                Ok(()) => eprintln!(
                    "stopped: {summary}; {fix}, then run the same command with --resume to continue from the \
                     checkpoint {}",
                    paths.checkpoint.display()
                ),
                Err(e) => eprintln!("stopped: {summary}; the checkpoint cannot be written: {e}"),
            }
            code
        }
    }
}

/// What a pull with no row asked for: the period and the filter, as the user gave them.
fn matched(params: &Map<String, Value>) -> String {
    let mut parts = Vec::new();
    if let (Some(from), Some(till)) = (params.get("date_from"), params.get("date_till")) {
        parts.push(format!("the period {} to {}", text(from), text(till)));
    }
    if params.get("filter").is_some_and(|f| !f.is_null()) {
        parts.push("the filter".to_owned());
    }
    let others =
        params.keys().filter(|k| !matches!(k.as_str(), "date_from" | "date_till" | "filter" | "fields")).count();
    if others > 0 {
        parts.push("the parameters".to_owned());
    }
    if parts.is_empty() { "the request".to_owned() } else { parts.join(" and ") }
}

/// The options to look at when nothing matched.
fn checks(params: &Map<String, Value>) -> String {
    let mut options = Vec::new();
    if params.contains_key("date_from") {
        options.push("--from and --till");
    }
    if params.get("filter").is_some_and(|f| !f.is_null()) {
        options.push("--filter");
    }
    if params.keys().any(|k| !matches!(k.as_str(), "date_from" | "date_till" | "filter" | "fields" | "sort")) {
        options.push("--params");
    }
    options.push("the account the token belongs to");
    options.join(", ")
}

/// A JSON value's text: a string's own, anything else as JSON.
fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// The exit code, the message and what to fix of a pull's error.
fn failure(e: &Error, method: &MethodDescriptor, args: &Args) -> (u8, String, String) {
    let credentials = match (&args.endpoint.token_env, &args.endpoint.login) {
        (Some(var), _) => format!("check the token in ${var} (--token-env {var})"),
        (None, Some(login)) => format!("check --login {login} and its password (--password-env)"),
        _ => "check the credentials".to_owned(),
    };
    match e {
        Error::Invalid(v) => {
            let problems: Vec<String> = v.iter().map(|v| format!("  {}", described(v, method))).collect();
            (
                BAD_INPUT,
                format!("the request would be refused:\n{}", problems.join("\n")),
                "change the options named above".into(),
            )
        }
        Error::Api(api) => {
            let mnemonic = api.mnemonic().map_or_else(|| "no mnemonic".to_owned(), |m| m.to_string());
            let auth = ["access_token", "login", "password", "auth", "ip_not_whitelisted"];
            let fix = if auth.iter().any(|a| mnemonic.contains(a)) {
                credentials
            } else {
                "change the request as the API's message says".to_owned()
            };
            (REFUSED, format!("the API refused the request: {mnemonic}: {}", api.message), fix)
        }
        Error::NoAuth => (BAD_INPUT, e.to_string(), credentials),
        Error::Unsupported(_) => (BAD_INPUT, e.to_string(), "change the request as the message says".into()),
        Error::DayLimit { .. } | Error::RateLimited { .. } | Error::Transport(_) | Error::Http { .. } => {
            (INTERRUPTED, e.to_string(), String::new())
        }
        Error::TooDense { .. } | Error::TooMany { .. } | Error::Incomplete { .. } => {
            (FAILED, e.to_string(), "narrow the request as the message says (a resume would fail the same way)".into())
        }
        Error::Decode { .. } => (FAILED, e.to_string(), "report the reply that cannot be decoded".into()),
        _ => (FAILED, e.to_string(), "see the message above".into()),
    }
}
