//! The promises kept on hostile input, as functions of raw bytes. The property tests
//! (`tests/hostile_input.rs`, `tests/round_trip.rs`), the fuzz targets (`fuzz/`) and the
//! regression corpus (`tests/fuzz-regressions/`) all call these, so an input found by one is
//! checked by all. Each panics only when a promise is broken:
//!
//! - schema files load, or every problem is reported with a file and a place inside it, and a
//!   schema that loads generates Rust that parses;
//! - replies decode, or the error says what and where; rows that decode survive
//!   decode → encode → decode unchanged, unknown codes and lenient values included;
//! - the dynamic validator answers every JSON value with `Ok` or reports that say where;
//! - events decode from JSON or form pairs, or say what is wrong, and survive a round trip.

use dataapi::runtime::{Reply, ReplyError, validate};
use dataapi::{Report, ReportEnum};
use dataapi_codegen::load::LINE_BREAKS;
use dataapi_codegen::{FileKind, SchemaFiles, Source};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The file kinds a fuzzed schema file can be, chosen by its first byte.
const KINDS: [(&str, FileKind); 5] = [
    ("enums.yaml", FileKind::Enums),
    ("operators.yaml", FileKind::Operators),
    ("errors.yaml", FileKind::Errors),
    ("methods/get.fuzzed.yaml", FileKind::Method),
    ("events/fuzzed.yaml", FileKind::Events),
];

/// One schema file (kind from the first byte, then its bytes) laid over the bundled tables:
/// the bundled shared files, without the bundled methods and events, so that a run is quick.
pub fn schema_file(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let (name, kind) = KINDS[usize::from(selector) % KINDS.len()];
    let mut sources: Vec<Source> = SchemaFiles::bundled()
        .sources
        .into_iter()
        .filter(|s| !matches!(s.kind, FileKind::Method | FileKind::Events) && s.kind != kind)
        .collect();
    match Source::from_bytes(name, kind, bytes.to_vec()) {
        Ok(source) => sources.push(source),
        Err(d) => {
            assert!(d.location.is_some() && !d.message.is_empty(), "an unlocated UTF-8 error: {d:?}");
            return;
        }
    }
    schema_sources(&sources);
}

/// A set of schema files loads and generates code that parses, or every problem is located.
pub fn schema_sources(sources: &[Source]) {
    match dataapi_codegen::load_sources(sources) {
        Ok(schema) => {
            if let Err(e) = dataapi_codegen::emit::crate_files(&schema) {
                panic!("a schema that loads generates code that does not parse: {e}");
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error without a diagnostic");
            for d in diags.iter() {
                assert!(!d.message.is_empty() && !d.file.is_empty(), "an empty diagnostic: {d:?}");
                let Some(source) = sources.iter().find(|s| s.name == d.file) else {
                    panic!("a diagnostic names a file that was not given: {d}");
                };
                if let Some(at) = d.location {
                    // The end of the last line is one line past the last break.
                    let lines = source.text.replace("\r\n", "\n").matches(LINE_BREAKS).count() + 1;
                    assert!(at.line >= 1 && at.line <= lines && at.column >= 1, "{d} is outside the file");
                }
            }
        }
    }
}

/// What a user keeps of a call: required, optional, renamed, lenient and enum fields, a user
/// enum with a catch-all, and an array of nested rows.
#[derive(Debug, Clone, PartialEq, Report)]
#[report(method = "get.calls_report")]
pub struct UserCall {
    /// Required: a row without it is an error, not a default.
    pub id: i64,
    /// The call's start.
    pub start_time: Option<dataapi::DateTime>,
    /// A user enum with a catch-all, so unknown codes are kept.
    pub finish_reason: Option<UserReason>,
    /// Renamed.
    #[report(rename = "total_duration")]
    pub seconds: Option<i64>,
    /// An array of nested generated rows.
    pub tags: Vec<dataapi::calls_report::Tag>,
    /// Any JSON.
    pub attributes: Option<Value>,
    /// A lenient integer: a number, or a number in a string.
    pub communication_id: Option<i64>,
    /// A lenient string: a string, or a number kept as text.
    pub ext_id: Option<String>,
    /// Money.
    pub sale_cost: Option<dataapi::Decimal>,
}

/// A user's mapping of `finish_reason`: two codes of its own, everything else kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, ReportEnum)]
#[report(enum = "finish_reason")]
pub enum UserReason {
    /// The subscriber hung up.
    #[report(code = "subscriber_disconnects")]
    Hangup,
    /// The operator hung up.
    #[report(code = "operator_disconnects")]
    OperatorHangup,
    /// Every other code.
    #[report(other)]
    Other(String),
}

/// A reply body, decoded as each method's rows and as a user struct.
pub fn reply(body: &[u8]) {
    reply_as::<dataapi::calls_report::Row>(body);
    reply_as::<dataapi::communications_report::Row>(body);
    reply_as::<dataapi::communications::Row>(body);
    match UserCall::decode_reply(body) {
        Ok(page) => page.data.iter().for_each(user_round_trip),
        Err(e) => check_reply_error(body, &e),
    }
}

fn reply_as<T>(body: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    match Reply::<T>::decode(body) {
        Ok(page) => page.data.iter().for_each(generated_round_trip),
        Err(e) => check_reply_error(body, &e),
    }
}

fn check_reply_error(body: &[u8], e: &ReplyError) {
    assert!(!e.to_string().is_empty());
    if let ReplyError::Decode { path, source } = e {
        // A body that is JSON but holds a wrong value names the value's place, unless the
        // whole body is the wrong kind of value.
        if let Ok(Value::Object(_)) = serde_json::from_slice::<Value>(body) {
            assert!(!path.is_empty() || !source.is_data(), "no place named for: {source}");
        }
    }
}

/// decode → encode → decode gives the value decoded first.
pub fn generated_round_trip<T>(row: &T)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(row).expect("a decoded row encodes");
    let again: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{json} does not decode: {e}"));
    assert_eq!(&again, row, "changed by a round trip through {json}");
}

/// decode → encode → decode for a user struct, through its [`Report`] impl.
pub fn user_round_trip<R: Report + PartialEq + std::fmt::Debug>(row: &R) {
    let json = row.to_json();
    let again = R::decode_row(json.clone()).unwrap_or_else(|e| panic!("{json} does not decode: {e}"));
    assert_eq!(&again, row, "changed by a round trip through {json}");
}

/// Any JSON as the params, filter, sort and fields of every method.
pub fn validator(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    for method in dataapi::METHODS {
        let results = [
            validate::params(method, &value),
            validate::filter(method, &value),
            validate::sort(method, &value),
            validate::fields(method, &value),
        ];
        for violations in results.into_iter().filter_map(Result::err) {
            assert!(violations.iter().count() > 0, "an error without a violation");
            for v in violations.iter() {
                assert!(!v.to_string().is_empty(), "an empty violation: {v:?}");
            }
        }
    }
}

/// An event payload: JSON when the first byte is even, `key=value&…` form pairs when odd.
pub fn event(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let decoded = if selector % 2 == 0 {
        let Ok(value) = serde_json::from_slice::<Value>(bytes) else { return };
        dataapi::queue::Event::from_json(value)
    } else {
        let text = String::from_utf8_lossy(bytes);
        let pairs = text.split('&').map(|pair| pair.split_once('=').unwrap_or((pair, "")));
        dataapi::queue::Event::from_pairs(pairs)
    };
    match decoded {
        Ok(event) => {
            let _ = event.check(None);
            let json = event.to_json();
            let again = dataapi::queue::Event::from_json(json.clone())
                .unwrap_or_else(|e| panic!("{json} does not decode: {e}"));
            assert_eq!(again, event, "changed by a round trip through {json}");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// One bundled file with one mutation applied at `at` (a fraction of its length).
pub fn mutate(text: &str, kind: u8, at: f64, extra: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let i = ((lines.len() as f64) * at) as usize % lines.len().max(1);
    let j = (i * 7 + 3) % lines.len().max(1);
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match kind % 7 {
        0 => {
            out.remove(i);
        }
        1 => out.swap(i, j),
        2 => {
            let copy = out[i].clone();
            out.insert(i, copy);
        }
        3 => out.insert(i, extra.to_owned()),
        4 => {
            // Replace the value after the first `: ` with the extra text.
            if let Some((key, _)) = out[i].split_once(": ") {
                out[i] = format!("{key}: {extra}");
            }
        }
        5 => out.truncate(i),
        _ => {
            let cut = (text.len() as f64 * at) as usize;
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return format!("{}{extra}{}", &text[..cut], &text[cut..]);
        }
    }
    out.join("\n")
}
