//! Pulls of a method known only by its descriptor: the request as JSON, the rows as the API
//! sent them. For tools that serve every method alike (the `dataapi pull` command), and for
//! methods described at run time.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::pull::{PageSpec, Paged, Plan, Pull, PullState, sorted};
use super::{Client, Error};
use dataapi_runtime::validate::{self, Violation, Violations};
use dataapi_runtime::{AccessToken, Brand, DateTime, MethodDescriptor, Mnemonic, Reply, ReplyError};

/// The `params` of a request of any method, as JSON, checked against the method's descriptor;
/// what [`Client::json_rows`] pulls. Its `access_token`, `limit` and `offset` are the client's
/// and the pull's to set.
#[derive(Debug, Clone)]
pub struct JsonRequest {
    method: &'static MethodDescriptor,
    params: Map<String, Value>,
}

impl Serialize for JsonRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.params.serialize(serializer)
    }
}

impl JsonRequest {
    /// A request of `method` with these `params` (an object), checked with
    /// [`validate::params`]: every problem at once. A period longer than the method allows
    /// is not one (a pull cuts it into windows), and the access token may be left out.
    ///
    /// A pull needs each row's period value and key, so a field list without them gets them
    /// (the method's first date-time field and [`MethodDescriptor::key`]).
    pub fn new(method: &'static MethodDescriptor, params: Value) -> Result<Self, Violations> {
        Self::new_for(method, None, params)
    }

    /// As [`JsonRequest::new`], and where `brand` is given, also refuses the fields that
    /// brand's docs do not list ([`validate::params_for`], as `Request::validate_for` does for
    /// typed requests).
    pub fn new_for(method: &'static MethodDescriptor, brand: Option<Brand>, params: Value) -> Result<Self, Violations> {
        let mut probe = params;
        if let Some(map) = probe.as_object_mut() {
            map.insert("access_token".into(), Value::String("the client's".into()));
        }
        if let Err(found) = validate::params_for(method, brand, &probe) {
            let kept: Vec<_> = found
                .0
                .into_iter()
                .filter(|v| !(v.path == "date_till" && v.mnemonic == Mnemonic::DATE_INTERVAL_LIMIT_REACHED))
                .collect();
            if !kept.is_empty() {
                return Err(Violations(kept));
            }
        }
        let Value::Object(mut params) = probe else { unreachable!("validate::params accepts objects only") };
        let plan = Plan::of(method);
        let sort = params.get("sort").is_some_and(|s| !(s.is_null() || s.as_array().is_some_and(Vec::is_empty)));
        if plan.by_time && params.contains_key("date_from") && sort {
            return Err(Violations(vec![Violation {
                path: "sort".into(),
                mnemonic: Mnemonic::SORT_PROHIBITED,
                message: sorted(method, &plan).to_string(),
                help: None,
            }]));
        }
        params.remove("access_token");
        params.remove("limit");
        params.remove("offset");
        if let Some(Value::Array(fields)) = params.get_mut("fields") {
            for needed in method.pull_fields() {
                if !fields.iter().any(|f| f == needed) {
                    fields.push(Value::String(needed.into()));
                }
            }
        }
        Ok(JsonRequest { method, params })
    }

    /// The method.
    pub fn method(&self) -> &'static MethodDescriptor {
        self.method
    }

    /// The parameters as they are sent (without the token, `limit` and `offset`).
    pub fn params(&self) -> &Map<String, Value> {
        &self.params
    }

    /// The fields a row has, in order: those asked for, or else the method's default-reply
    /// fields.
    pub fn fields(&self) -> Vec<String> {
        match self.params.get("fields").and_then(Value::as_array) {
            Some(fields) => fields.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            None => self.method.fields.iter().filter(|f| f.default.allows()).map(|f| f.name.to_owned()).collect(),
        }
    }

    /// Whether the request carries sort keys.
    fn sorted(&self) -> bool {
        self.params.get("sort").is_some_and(|s| !(s.is_null() || s.as_array().is_some_and(Vec::is_empty)))
    }

    fn date(&self, key: &str) -> Option<DateTime> {
        self.params.get(key).and_then(Value::as_str).and_then(|s| s.parse().ok())
    }

    /// The state of a pull of this request that has yielded nothing yet.
    pub fn start_state(&self) -> PullState {
        PullState::new(
            self.method.name,
            self.date("date_from"),
            self.date("date_till"),
            self.method.limits.date_range_days,
        )
    }
}

impl Paged for JsonRequest {
    fn descriptor(&self) -> &'static MethodDescriptor {
        self.method
    }

    fn page(&mut self, spec: &PageSpec) {
        if let (Some(from), Some(till)) = (spec.from, spec.till) {
            self.params.insert("date_from".into(), Value::String(from.to_string()));
            self.params.insert("date_till".into(), Value::String(till.to_string()));
        }
        self.params.remove("offset");
        self.params.insert("limit".into(), spec.limit.into());
        if let Some(field) = spec.sort {
            self.params.insert("sort".into(), serde_json::json!([{"field": field, "order": "asc"}]));
        }
        if let Some(range) = &spec.range {
            let filter = self.params.remove("filter").and_then(|f| serde_json::from_value(f).ok());
            let both = super::pull::and(filter, range.clone());
            self.params.insert("filter".into(), serde_json::to_value(both).unwrap_or(Value::Null));
        }
    }

    fn set_token(&mut self, token: AccessToken) {
        let token = serde_json::to_value(&token).unwrap_or(Value::Null);
        self.params.insert("access_token".into(), token);
    }
}

impl Client {
    /// Every row of a [`JsonRequest`]'s period exactly once, each as the API sent it (its JSON
    /// text, untouched): [`Client::rows`] for a method known only by its descriptor.
    pub fn json_rows(&self, request: JsonRequest) -> Pull<Box<RawValue>> {
        let state = request.start_state();
        self.json_resume(request, state)
    }

    /// The number of rows of a [`JsonRequest`] as the API counts them (its `total_items`), with
    /// one call for one row: what a plan shows before it reads. `None` when the reply does not
    /// say.
    pub async fn json_count(&self, request: &JsonRequest) -> Result<Option<u64>, Error> {
        let mut one = request.clone();
        let (from, till) = (request.date("date_from"), request.date("date_till"));
        one.page(&PageSpec { from, till, limit: 1, sort: None, range: None });
        let page = self.send(&one, &Default::default(), Reply::<Box<RawValue>>::decode).await?;
        Ok(page.metadata.total_items)
    }

    /// Resumes a pull of [`Client::json_rows`] from its state: the rows it yields are exactly
    /// those the interrupted pull had not yet yielded.
    pub fn json_resume(&self, request: JsonRequest, state: PullState) -> Pull<Box<RawValue>> {
        let plan = Plan::of(request.method);
        let request = if plan.by_time && request.date("date_from").is_some() && request.sorted() {
            Err(sorted(request.method, &plan))
        } else if state.method == request.method.name {
            Ok(request)
        } else {
            Err(Error::Invalid(Violations(vec![Violation {
                path: "state.method".into(),
                mnemonic: Mnemonic::INVALID_PARAMETERS_COMBINATION,
                message: format!("the pull state is of {}, not of {}", state.method, request.method.name),
                help: None,
            }])))
        };
        self.start(request, state, |raw: &str| {
            RawValue::from_string(raw.to_owned()).map_err(|source| ReplyError::Decode { path: String::new(), source })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brand_refuses_the_fields_only_another_brand_documents() {
        let method = &dataapi::call_legs_report::DESCRIPTOR;
        let params = serde_json::json!({
            "date_from": "2026-01-01 00:00:00",
            "date_till": "2026-01-02 00:00:00",
            "fields": ["id", "wav_call_records"],
        });
        assert!(JsonRequest::new(method, params.clone()).is_ok());
        assert!(JsonRequest::new_for(method, Some(Brand::CoMagic), params.clone()).is_ok());
        let refused = JsonRequest::new_for(method, Some(Brand::CallGear), params).unwrap_err();
        assert_eq!(refused.0.len(), 1, "{refused}");
        assert_eq!(refused.0[0].path, "fields[1]");
        assert!(refused.0[0].message.contains("documented by CoMagic only"), "{refused}");
    }
}
