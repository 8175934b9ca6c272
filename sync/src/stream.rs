//! A stream: one method of one account, kept in one target.

use chrono::NaiveDate;
use dataapi_client::JsonRequest;
use dataapi_runtime::validate::Violations;
use dataapi_runtime::{Brand, DateTime, MethodDescriptor};
use serde_json::{Map, Value};

/// Days of each run re-read however settled they are: edits and late rows land within it.
pub const LOOKBACK_DAYS: u32 = 3;
/// Minutes before the API's now that a run does not read yet: calls still being written.
pub const LAG_MINUTES: u32 = 10;

/// One method of one account, kept in one target from `since` on.
#[derive(Debug, Clone)]
pub struct Stream {
    /// The account's name: a folder of the dataset (with a config) and a column in PostgreSQL.
    pub account: String,
    /// The method.
    pub method: &'static MethodDescriptor,
    /// The fields asked for, in order (the method's default replies when none were given,
    /// with the period field and the key added, as a pull needs them:
    /// [`MethodDescriptor::pull_fields`]).
    pub fields: Vec<String>,
    /// The filter, as the API takes it.
    pub filter: Option<Value>,
    /// The brand whose docs hold the request (`None` behind another URL).
    pub brand: Option<Brand>,
    /// The first day kept.
    pub since: NaiveDate,
    /// Days before today re-read on every run.
    pub lookback_days: u32,
    /// Minutes before now not read yet.
    pub lag_minutes: u32,
    /// PostgreSQL: the table (`dataapi.<module>` by default; `table` or `schema.table`).
    pub table: Option<String>,
}

impl Stream {
    /// A stream of `method`'s default fields, unfiltered, from `since`, for `account`.
    pub fn new(account: impl Into<String>, method: &'static MethodDescriptor, since: NaiveDate) -> Self {
        let mut stream = Stream {
            account: account.into(),
            method,
            fields: Vec::new(),
            filter: None,
            brand: None,
            since,
            lookback_days: LOOKBACK_DAYS,
            lag_minutes: LAG_MINUTES,
            table: None,
        };
        stream.fields = stream.resolved_fields(None);
        stream
    }

    /// Asks for these fields (the period field and the key are added where missing).
    pub fn fields(mut self, fields: &[String]) -> Self {
        self.fields = self.resolved_fields(Some(fields));
        self
    }

    /// The fields a row has when `asked` are asked for: without a list, the ones the method's
    /// docs mark as default replies (a flat report answers nothing without a list, and a list
    /// names the columns either way).
    fn resolved_fields(&self, asked: Option<&[String]>) -> Vec<String> {
        let mut fields: Vec<String> = match asked {
            Some(f) if !f.is_empty() => f.iter().map(|f| f.trim().to_owned()).collect(),
            _ => self
                .method
                .fields
                .iter()
                .filter(|f| f.default.allows() && self.brand.is_none_or(|b| f.documented_for(b)))
                .map(|f| f.name.to_owned())
                .collect(),
        };
        for needed in self.method.pull_fields() {
            if !fields.iter().any(|f| f == needed) {
                fields.push(needed.to_owned());
            }
        }
        fields
    }

    /// The method's name without `get.`: the default table (`calls_report`).
    pub fn module(&self) -> &'static str {
        self.method.name.strip_prefix("get.").unwrap_or(self.method.name)
    }

    /// How the stream is named in messages: `account/method`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.account, self.method.name)
    }

    /// The request of the stream's rows from `from` to `till` (both included), checked
    /// against the method's descriptor.
    pub fn request(&self, from: DateTime, till: DateTime) -> Result<JsonRequest, Violations> {
        let mut params = Map::new();
        params.insert("date_from".into(), Value::String(from.to_string()));
        params.insert("date_till".into(), Value::String(till.to_string()));
        params.insert("fields".into(), self.fields.iter().cloned().map(Value::String).collect());
        if let Some(filter) = &self.filter {
            params.insert("filter".into(), filter.clone());
        }
        JsonRequest::new_for(self.method, self.brand, Value::Object(params))
    }

    /// Checks the stream's request as it will be sent (every problem at once).
    pub fn check(&self) -> Result<(), Violations> {
        let day = DateTime(self.since.and_hms_opt(0, 0, 0).expect("midnight exists"));
        self.request(day, day).map(|_| ())
    }
}
