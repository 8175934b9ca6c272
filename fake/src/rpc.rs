//! One JSON-RPC call, from the request body to the reply body: the envelope, the method, the
//! token, the validator, the budgets, and then the rows.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::auth::{Auth, Denied};
use super::clock::Clock;
use super::data::mix;
use super::data::{Dataset, MethodData, secs_of};
use super::eval::{self, Refusal};
use super::limits::{Limiter, Spent};
use dataapi_runtime::{DateTime, MethodDescriptor, RequestKind, Stated, validate};

/// The JSON-RPC code of a mnemonic, from the API's error table.
pub fn code_of(mnemonic: &str) -> i64 {
    match mnemonic {
        "parse_error" => -32700,
        "invalid_request" => -32600,
        "method_not_found" => -32601,
        "internal_error" => -32603,
        "auth_error" | "access_token_expired" | "access_token_blocked" | "access_token_invalid" => -32001,
        "ip_not_whitelisted" | "forbidden" => -32003,
        "method_component_disabled" | "parameter_component_disabled" => -32008,
        "account_inactive" => -32009,
        "limit_exceeded" => -32029,
        "notifications_not_supported" | "batch_operations_not_supported" => -32099,
        _ => -32602,
    }
}

/// What the server has done so far, as `GET /__stats` shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// JSON-RPC requests received (`POST /v2.0`).
    pub requests: u64,
    /// Error replies, by mnemonic.
    pub errors: BTreeMap<String, u64>,
    /// Rows served in successful replies.
    pub rows: u64,
    /// Faults injected.
    pub faults: u64,
    /// Faults injected, by kind.
    pub faults_by_kind: BTreeMap<String, u64>,
    /// The clock, when rows have a history (absent otherwise, as before there was one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock: Option<ClockStats>,
    /// What has happened to the rows up to the clock's now, when they have a history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryStats>,
}

/// The clock, as `GET /__stats` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockStats {
    /// Now (`YYYY-MM-DD hh:mm:ss`, naive local time).
    pub now: String,
    /// Where the clock started.
    pub start: String,
    /// Whether it moves only when told.
    pub manual: bool,
    /// The account's time zone.
    pub time_zone: String,
}

/// Rows inserted (appeared), edited and deleted up to a moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HistoryCounts {
    /// Rows that have appeared (deleted ones included).
    pub inserted: u64,
    /// Rows that have been edited.
    pub edited: u64,
    /// Rows that have been deleted.
    pub deleted: u64,
}

/// [`HistoryCounts`] in all and per method.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HistoryStats {
    /// Every method together.
    #[serde(flatten)]
    pub total: HistoryCounts,
    /// Per method.
    pub methods: BTreeMap<String, HistoryCounts>,
}

impl HistoryStats {
    /// What has happened in `dataset` up to `t` (seconds since the epoch, naive local).
    pub fn of(dataset: &Dataset, t: i64) -> Self {
        let mut stats = HistoryStats::default();
        for rows in dataset.methods() {
            let mut counts = HistoryCounts::default();
            for g in 0..rows.len() {
                let h = rows.history(g);
                if h.appears <= t {
                    counts.inserted += 1;
                }
                if h.edited.is_some_and(|e| e <= t) {
                    counts.edited += 1;
                }
                if h.deleted.is_some_and(|d| d <= t) {
                    counts.deleted += 1;
                }
            }
            stats.total.inserted += counts.inserted;
            stats.total.edited += counts.edited;
            stats.total.deleted += counts.deleted;
            stats.methods.insert(rows.descriptor.name.to_owned(), counts);
        }
        stats
    }
}

/// Counters behind [`Stats`].
#[derive(Debug, Default)]
pub struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) rows: AtomicU64,
    pub(crate) faults: AtomicU64,
    pub(crate) errors: Mutex<BTreeMap<String, u64>>,
    pub(crate) faults_by_kind: Mutex<BTreeMap<String, u64>>,
}

impl Counters {
    pub(crate) fn error(&self, mnemonic: &str) {
        *self.errors.lock().unwrap_or_else(|e| e.into_inner()).entry(mnemonic.to_owned()).or_default() += 1;
    }

    pub(crate) fn fault(&self, kind: &str) {
        self.faults.fetch_add(1, Ordering::Relaxed);
        *self.faults_by_kind.lock().unwrap_or_else(|e| e.into_inner()).entry(kind.to_owned()).or_default() += 1;
    }

    /// A snapshot.
    pub fn snapshot(&self) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            errors: self.errors.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            rows: self.rows.load(Ordering::Relaxed),
            faults: self.faults.load(Ordering::Relaxed),
            faults_by_kind: self.faults_by_kind.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            clock: None,
            history: None,
        }
    }
}

/// Everything a call needs.
#[derive(Debug)]
pub struct Service {
    pub(crate) dataset: Dataset,
    pub(crate) auth: Auth,
    pub(crate) limiter: Limiter,
    pub(crate) counters: Counters,
    pub(crate) app_id: i64,
    pub(crate) clock: Clock,
    /// Report requests answered so far: what unstable ties are drawn from.
    pub(crate) tickets: AtomicU64,
}

/// An error reply before it is written.
#[derive(Debug)]
pub struct RpcError {
    mnemonic: String,
    message: String,
    detail: Box<Detail>,
}

/// The optional members of an error's `data`.
#[derive(Debug, Default)]
struct Detail {
    field: Option<String>,
    value: Option<Value>,
    helper: Option<String>,
    metadata: Option<Value>,
}

impl RpcError {
    /// An error with a mnemonic and a message.
    pub fn new(mnemonic: &str, message: impl Into<String>) -> Self {
        RpcError { mnemonic: mnemonic.to_owned(), message: message.into(), detail: Box::default() }
    }

    fn field(mut self, field: impl Into<String>, value: Option<Value>) -> Self {
        self.detail.field = Some(field.into());
        self.detail.value = value;
        self
    }

    /// Its mnemonic.
    pub fn mnemonic(&self) -> &str {
        &self.mnemonic
    }

    /// The reply body, for the request `id`.
    pub fn reply(&self, id: &Value) -> String {
        let mut data = Map::new();
        data.insert("mnemonic".into(), self.mnemonic.clone().into());
        let detail = &self.detail;
        if let Some(field) = &detail.field {
            data.insert("field".into(), field.clone().into());
        }
        if let Some(value) = &detail.value {
            data.insert("value".into(), value.clone());
        }
        if let Some(helper) = &detail.helper {
            data.insert("extended_helper".into(), helper.clone().into());
        }
        if let Some(metadata) = &detail.metadata {
            data.insert("metadata".into(), metadata.clone());
        }
        let error = json!({"code": code_of(&self.mnemonic), "message": self.message, "data": data});
        json!({"jsonrpc": "2.0", "id": id, "error": error}).to_string()
    }
}

impl From<Refusal> for RpcError {
    fn from(r: Refusal) -> Self {
        RpcError::new(r.mnemonic, r.message).field(r.field, None)
    }
}

/// The value at a validator path (`filter.filters[1].value`) of `params`.
fn value_at<'v>(params: &'v Value, path: &str) -> Option<&'v Value> {
    let mut at = params;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, indices) = part.split_once('[').map_or((part, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            at = at.get(key)?;
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            at = at.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(at)
}

impl Service {
    /// The counters, and with a history the clock and what has happened so far.
    pub fn stats(&self) -> Stats {
        let mut stats = self.counters.snapshot();
        if self.dataset.is_live() {
            let now = self.clock.now_secs();
            stats.clock = Some(ClockStats {
                now: DateTime(self.clock.now()).to_string(),
                start: DateTime(self.clock.start()).to_string(),
                manual: self.clock.is_manual(),
                time_zone: self.clock.zone().name().to_owned(),
            });
            stats.history = Some(HistoryStats::of(&self.dataset, now));
        }
        stats
    }

    /// Answers one request body. `charge`: whether a success costs a point (a reply that a
    /// fault will break is not charged); `total`: whether a report's metadata states
    /// `total_items` (a fault leaves it out).
    pub fn call(&self, body: &[u8], charge: bool, total: bool) -> String {
        let (id, result) = match envelope(body) {
            Ok((id, method, params)) => {
                let result = self.dispatch(&method, &params, charge, total);
                (id, result)
            }
            Err((id, e)) => (id, Err(e)),
        };
        match result {
            Ok(body) => format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{body}}}"),
            Err(e) => {
                self.counters.error(&e.mnemonic);
                e.reply(&id)
            }
        }
    }

    fn dispatch(&self, method: &str, params: &Value, charge: bool, total: bool) -> Result<String, RpcError> {
        match method {
            "login.user" => self.login(params),
            "logout.user" => self.logout(params),
            name => match self.dataset.method(name) {
                Some(rows) => self.report(rows, params, charge, total),
                None => {
                    let known = self.dataset.methods().map(|m| m.descriptor.name);
                    let help = dataapi_runtime::validate::did_you_mean(name, known);
                    let mut e = RpcError::new("method_not_found", format!("there is no method `{name}`"))
                        .field("method", Some(name.into()));
                    e.detail.helper = help;
                    Err(e)
                }
            },
        }
    }

    fn token<'p>(&self, params: &'p Value) -> Result<Option<&'p str>, RpcError> {
        match params.get("access_token") {
            Some(Value::String(t)) if !t.is_empty() => {
                match self.auth.check(t) {
                    Ok(()) => Ok(Some(t)),
                    Err(Denied::Invalid) => Err(RpcError::new("access_token_invalid", "the access token is not valid")
                        .field("access_token", None)),
                    Err(Denied::Expired) => Err(RpcError::new("access_token_expired", "the access token has expired")
                        .field("access_token", None)),
                }
            }
            _ => Ok(None),
        }
    }

    fn report(&self, rows: &MethodData, params: &Value, charge: bool, total: bool) -> Result<String, RpcError> {
        let method = rows.descriptor;
        let token = self.token(params)?;
        if let Err(violations) = validate::params(method, params)
            && let Some(first) = violations.iter().next()
        {
            let value = value_at(params, &first.path).filter(|_| first.path != "access_token").cloned();
            let mut e = RpcError::new(&first.mnemonic.to_string(), first.message.clone()).field(&first.path, value);
            e.detail.helper = first.help.clone();
            return Err(e);
        }
        // The validator requires a token; this only guards against it changing its mind.
        let token = token
            .ok_or_else(|| RpcError::new("required_parameter_missed", "no access token").field("access_token", None))?;
        let mut filter = match params.get("filter").filter(|f| !f.is_null()) {
            Some(f) => Some(eval::compile(method, f, "filter")?),
            None => None,
        };
        if let Some(selection) = selecting_params(method, params) {
            let selection = eval::compile(method, &selection, "params")?;
            filter = Some(match filter {
                Some(f) => eval::Compiled::All(vec![selection, f]),
                None => selection,
            });
        }
        let remaining = match self.limiter.reserve(token) {
            Ok(r) => r,
            Err((spent, r)) => {
                let (which, reset) = match spent {
                    Spent::Day => ("day", r.day_reset),
                    Spent::Minute => ("minute", r.minute_reset),
                };
                let mut e = RpcError::new("limit_exceeded", format!("the {which} limit is spent; retry in {reset} s"));
                e.detail.metadata = Some(json!({"limits": r.to_json()}));
                return Err(e);
            }
        };
        if !charge {
            self.limiter.refund(token);
        }
        let live = self.dataset.is_live().then(|| {
            let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
            let ties = self
                .dataset
                .options()
                .history
                .unstable_ties
                .then(|| mix(self.dataset.options().seed ^ 0x7135_0000 ^ mix(ticket)));
            (self.clock.now_secs(), ties)
        });
        let page = page(rows, params, filter.as_ref(), live);
        self.counters.rows.fetch_add(page.rows, Ordering::Relaxed);
        let mut out = page.json;
        if total {
            let _ =
                write!(out, ",\"metadata\":{{\"total_items\":{},\"limits\":{}}}}}", page.total, remaining.to_json());
        } else {
            let _ = write!(out, ",\"metadata\":{{\"limits\":{}}}}}", remaining.to_json());
        }
        Ok(out)
    }

    fn login(&self, params: &Value) -> Result<String, RpcError> {
        let text = |key: &str| match params.get(key) {
            None | Some(Value::Null) => {
                Err(RpcError::new("required_parameter_missed", format!("`{key}` is required")).field(key, None))
            }
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(v) => Err(RpcError::new("data_type_error", format!("`{key}` is a string"))
                .field(key, Some(v.clone()).filter(|_| key != "password"))),
        };
        let (login, password) = (text("login")?, text("password")?);
        if let Some(obj) = params.as_object()
            && let Some(k) = obj.keys().find(|k| *k != "login" && *k != "password")
        {
            return Err(RpcError::new("unexpected_parameters", format!("login.user takes no parameter `{k}`"))
                .field(k.clone(), None));
        }
        let (token, ttl) =
            self.auth.login(login, password).ok_or_else(|| RpcError::new("auth_error", "wrong login or password"))?;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let data = json!({"access_token": token, "expire_at": now + ttl.as_secs(), "app_id": self.app_id});
        Ok(json!({"data": data}).to_string())
    }

    fn logout(&self, params: &Value) -> Result<String, RpcError> {
        match params.get("access_token") {
            Some(Value::String(t)) if !t.is_empty() => {
                self.token(params)?;
                self.auth.logout(t);
                Ok(r#"{"data":{}}"#.into())
            }
            _ => {
                Err(RpcError::new("required_parameter_missed", "`access_token` is required")
                    .field("access_token", None))
            }
        }
    }
}

/// The envelope: `id`, `method` and `params`, or the error with the id to answer it with.
fn envelope(body: &[u8]) -> Result<(Value, String, Value), (Value, RpcError)> {
    let request: Value = serde_json::from_slice(body)
        .map_err(|e| (Value::Null, RpcError::new("parse_error", format!("the body is not JSON: {e}"))))?;
    let obj = match request {
        Value::Object(obj) => obj,
        Value::Array(_) => {
            let e = RpcError::new("batch_operations_not_supported", "batch requests are not supported");
            return Err((Value::Null, e));
        }
        _ => return Err((Value::Null, RpcError::new("invalid_request", "a request is a JSON object"))),
    };
    let id = match obj.get("id") {
        None | Some(Value::Null) => {
            let e = RpcError::new("notifications_not_supported", "a request without `id` (a notification) is refused");
            return Err((Value::Null, e));
        }
        Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
        Some(other) => {
            let e = RpcError::new("invalid_request", "`id` is a string or a number").field("id", Some(other.clone()));
            return Err((Value::Null, e));
        }
    };
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        let e =
            RpcError::new("invalid_request", "`jsonrpc` must be \"2.0\"").field("jsonrpc", obj.get("jsonrpc").cloned());
        return Err((id, e));
    }
    let method = match obj.get("method") {
        Some(Value::String(m)) => m.clone(),
        other => {
            let e = RpcError::new("invalid_request", "`method` is the method's name").field("method", other.cloned());
            return Err((id, e));
        }
    };
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "jsonrpc" | "id" | "method" | "params")) {
        let e = RpcError::new("invalid_request", format!("a request has no member `{k}`")).field(k.clone(), None);
        return Err((id, e));
    }
    let params = obj.get("params").cloned().unwrap_or_else(|| Value::Object(Map::new()));
    Ok((id, method, params))
}

/// The rows of a page, printed.
struct Page {
    /// `{"data":[…]` (the caller closes it).
    json: String,
    rows: u64,
    total: u64,
}

/// The fields a reply carries: the requested ones, or the default ones (every field when the
/// schema marks none). A flat report without `fields`, or with an empty list, has no data.
fn reply_fields(method: &MethodDescriptor, params: &Value) -> Vec<usize> {
    match params.get("fields").and_then(Value::as_array) {
        // An empty list asks for nothing in particular: the defaults, as when it is omitted.
        Some(list) if list.is_empty() && method.kind == RequestKind::Report => default_fields(method),
        Some(list) => list
            .iter()
            .filter_map(|n| n.as_str().and_then(|n| method.fields.iter().position(|f| f.name == n)))
            .collect(),
        None if method.kind == RequestKind::FlatReport => Vec::new(),
        None => default_fields(method),
    }
}

/// The fields marked "returned by default", or every field when the schema marks none.
fn default_fields(method: &MethodDescriptor) -> Vec<usize> {
    let default: Vec<usize> = (0..method.fields.len()).filter(|&i| method.fields[i].default == Stated::Yes).collect();
    if default.is_empty() { (0..method.fields.len()).collect() } else { default }
}

/// The method's own parameters that select rows, as a filter: a parameter named as a reply
/// field (`chat_id`) keeps the rows whose field equals it; a list named as the plural of a
/// reply field (`chat_ids`) keeps the rows whose field is one of it.
fn selecting_params(method: &MethodDescriptor, params: &Value) -> Option<Value> {
    let mut conditions = Vec::new();
    for p in method.params {
        let Some(value) = params.get(p.name).filter(|v| !v.is_null()) else { continue };
        if method.fields.iter().any(|f| f.name == p.name) && !value.is_array() {
            conditions.push(json!({"field": p.name, "operator": "=", "value": value}));
        } else if let Some(single) = p.name.strip_suffix('s')
            && method.fields.iter().any(|f| f.name == single)
            && value.is_array()
        {
            conditions.push(json!({"field": single, "operator": "in", "value": value}));
        }
    }
    (!conditions.is_empty()).then(|| json!({"filters": conditions, "condition": "and"}))
}

/// One page of `rows`. `live`: the clock's now and, for unstable ties, what they are drawn
/// from; `None` when rows have no history (every row is there, in its first version).
fn page(rows: &MethodData, params: &Value, filter: Option<&eval::Compiled>, live: Option<(i64, Option<u64>)>) -> Page {
    let method = rows.descriptor;
    let fields = reply_fields(method, params);
    let time = |key: &str| {
        params.get(key).and_then(Value::as_str).and_then(|s| s.parse::<DateTime>().ok()).map(|t| secs_of(t.0))
    };
    let window = rows.window(time("date_from").unwrap_or(i64::MIN), time("date_till").unwrap_or(i64::MAX));
    let number = |key: &str, default: u32| params.get(key).and_then(Value::as_u64).unwrap_or(u64::from(default));
    let limit = number("limit", method.limits.limit_default);
    let offset = number("offset", method.limits.offset_default);
    let keys = eval::sort_keys(method, params.get("sort"));
    if method.kind == RequestKind::FlatReport && fields.is_empty() {
        return Page { json: "{\"data\":[]".into(), rows: 0, total: 0 };
    }
    let at = live.map(|(now, _)| now);
    let ties = live.and_then(|(_, ties)| ties);
    let (total, chosen): (u64, Vec<u64>) = if filter.is_none() && keys.is_empty() && live.is_none() {
        let start = window.start.saturating_add(offset).min(window.end);
        let end = start.saturating_add(limit).min(window.end);
        (window.end - window.start, (start..end).collect())
    } else {
        let visible = window.filter(|&g| rows.visible_at(g, at));
        let mut ids: Vec<u64> = match filter {
            Some(f) => visible.filter(|&g| f.matches(rows, g, rows.version_at(g, at))).collect(),
            None => visible.collect(),
        };
        let start = (offset as usize).min(ids.len());
        let end = start.saturating_add(limit as usize).min(ids.len());
        if keys.is_empty() {
            // Only the seconds of this page need their ties drawn.
            eval::shuffle_ties(rows, &mut ids, start..end, ties);
        } else {
            eval::sort(rows, &mut ids, &keys, |g| rows.version_at(g, at), ties);
        }
        let total = ids.len() as u64;
        (total, ids[start..end].to_vec())
    };
    // About 40 bytes a cell, so that the buffer rarely grows.
    let mut json = String::with_capacity(64 + chosen.len() * (2 + 40 * fields.len()));
    json.push_str("{\"data\":[");
    for (i, &g) in chosen.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        rows.write_row_version(g, &fields, rows.version_at(g, at), &mut json);
    }
    json.push(']');
    Page { json, rows: chosen.len() as u64, total }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_their_path() {
        let params = json!({"filter": {"filters": [{"field": "a"}, {"value": [1, 2]}]}, "limit": 0});
        assert_eq!(value_at(&params, "limit"), Some(&json!(0)));
        assert_eq!(value_at(&params, "filter.filters[1].value[1]"), Some(&json!(2)));
        assert_eq!(value_at(&params, "filter.filters[0].field"), Some(&json!("a")));
        assert_eq!(value_at(&params, "filter.filters[5]"), None);
    }
}
