//! Checks a request against its method's description: everything the schema knows that the
//! API would reject, each with a path and the mnemonic the API would have answered.
//!
//! One walker over the JSON `params` serves typed requests (`Request::validate`) and dynamic
//! input alike (a filter read from a config file), so both are held to the same rules. It
//! never stops at the first problem and never panics.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use super::descriptor::{
    Brand, COMMON_PARAMS, DateRange, FieldDescriptor, MethodDescriptor, OperatorDescriptor, TypeDescriptor, ValueShape,
};
use super::filter::{RawFilter, RawSort};
use super::mnemonic::Mnemonic;
use super::{AccessToken, Date, DateTime};

/// One problem of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where in `params` (`filter.filters[1].value`).
    pub path: String,
    /// What the API would have answered.
    pub mnemonic: Mnemonic,
    /// What is wrong.
    pub message: String,
    /// What to do about it, where there is a hint (`did you mean `finish_reason`?`).
    pub help: Option<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.path, self.mnemonic, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// Every problem of a request, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// Whether some problem is at `path` with `mnemonic`.
    /// `mnemonic` is a runtime [`Mnemonic`], its text, or a variant of a generated error table.
    pub fn has<T: ?Sized>(&self, path: &str, mnemonic: &T) -> bool
    where
        Mnemonic: PartialEq<T>,
    {
        self.0.iter().any(|v| v.path == path && v.mnemonic == *mnemonic)
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

/// Where in `params` a value is. A path is only written out when a problem is reported, so
/// a valid request costs no formatting.
#[derive(Debug, Clone, Copy)]
enum At<'a> {
    /// `params` itself.
    Root,
    /// A member of an object.
    Key(&'a At<'a>, &'a str),
    /// An item of an array.
    Index(&'a At<'a>, usize),
}

static ROOT: At<'static> = At::Root;

/// A top-level parameter.
fn top(key: &str) -> At<'_> {
    At::Key(&ROOT, key)
}

impl<'a> At<'a> {
    fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    fn index(&'a self, i: usize) -> At<'a> {
        At::Index(self, i)
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Root => Ok(()),
            At::Key(At::Root, key) => f.write_str(key),
            At::Key(parent, key) => write!(f, "{parent}.{key}"),
            At::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

struct Walk<'d> {
    method: &'d MethodDescriptor,
    found: Vec<Violation>,
    /// The brand whose docs the request is held to, where known.
    brand: Option<Brand>,
    /// The reply fields the filter has conditions on, for `filter_requires`.
    filtered: Vec<String>,
}

impl<'d> Walk<'d> {
    fn new(method: &'d MethodDescriptor, brand: Option<Brand>) -> Self {
        Walk { method, found: Vec::new(), brand, filtered: Vec::new() }
    }
}

impl Walk<'_> {
    fn report(&mut self, at: &At<'_>, mnemonic: Mnemonic, message: String, help: Option<String>) {
        self.found.push(Violation { path: at.to_string(), mnemonic, message, help });
    }

    fn finish(self) -> Result<(), Violations> {
        if self.found.is_empty() { Ok(()) } else { Err(Violations(self.found)) }
    }
}

/// Checks a request's whole `params` object.
pub fn params(method: &MethodDescriptor, params: &Value) -> Result<(), Violations> {
    params_for(method, None, params)
}

/// Checks a request's whole `params` object as [`params`] does, and where `brand` is given,
/// also refuses the fields that brand's docs do not list.
pub fn params_for(method: &MethodDescriptor, brand: Option<Brand>, params: &Value) -> Result<(), Violations> {
    let mut w = Walk::new(method, brand);
    let Some(map) = params.as_object() else {
        w.report(&ROOT, Mnemonic::DATA_TYPE_ERROR, format!("`params` is an object, not {}", kind_of(params)), None);
        return w.finish();
    };
    w.common(map);
    w.method_params(map);
    let dated = method.limits.date_range != DateRange::NoDates;
    let known = COMMON_PARAMS
        .iter()
        .copied()
        .filter(|k| dated || !matches!(*k, "date_from" | "date_till"))
        .chain(method.params.iter().map(|p| p.name));
    for key in map.keys() {
        if !known.clone().any(|k| k == key) {
            let help = did_you_mean(key, known.clone());
            w.report(
                &top(key),
                Mnemonic::UNEXPECTED_PARAMETERS,
                format!("{} takes no parameter `{key}`", method.name),
                help,
            );
        }
    }
    w.rules(|name| map.get(name).is_some_and(|v| !v.is_null()));
    w.finish()
}

/// Checks any serializable request by its JSON form, as [`params`] does. The generated
/// `Request::validate` does not go through JSON; see [`typed`].
pub fn request<R: serde::Serialize>(method: &MethodDescriptor, request: &R) -> Result<(), Violations> {
    match serde_json::to_value(request) {
        Ok(value) => params(method, &value),
        Err(e) => Err(Violations(vec![Violation {
            path: String::new(),
            mnemonic: Mnemonic::DATA_TYPE_ERROR,
            message: format!("the request cannot be serialized: {e}"),
            help: None,
        }])),
    }
}

/// The parameters of a typed request, borrowed: what `Request::validate` hands the walker so
/// that it checks the request where it is, without turning it into JSON first.
#[doc(hidden)]
#[derive(Debug)]
pub struct Typed<'r, P> {
    /// The token (its `Debug` prints `***`), where the request carries one.
    pub access_token: Option<&'r AccessToken>,
    /// Start of the period, where the request has one.
    pub date_from: Option<DateTime>,
    /// End of the period, where the request has one.
    pub date_till: Option<DateTime>,
    /// Page size.
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
    /// Requested fields.
    pub fields: Option<&'r [Cow<'static, str>]>,
    /// Sort keys.
    pub sort: &'r [RawSort],
    /// The filter.
    pub filter: Option<&'r RawFilter>,
    /// The method's own parameters, checked by their JSON form (they are few and small).
    pub params: &'r P,
    /// The brand whose docs the request is held to, where known.
    pub brand: Option<Brand>,
}

/// Checks a typed request by the same rules as [`params`], skipping what its types guarantee
/// (a date is a date, a limit a number, a filter a well-formed tree).
#[doc(hidden)]
pub fn typed<P: serde::Serialize>(method: &MethodDescriptor, request: &Typed<'_, P>) -> Result<(), Violations> {
    let mut w = Walk::new(method, request.brand);
    if let Some(token) = request.access_token {
        w.access_token(token.expose());
    }
    w.period(request.date_from, request.date_till);
    for ((key, min, max), n) in w.paging().into_iter().zip([request.limit, request.offset]) {
        if let Some(n) = n {
            w.within(key, u64::from(n), min, max);
        }
    }
    if let Some(fields) = request.fields {
        let base = top("fields");
        for (i, name) in fields.iter().enumerate() {
            w.field_name(&base.index(i), name);
        }
    }
    let base = top("sort");
    for (i, key) in request.sort.iter().enumerate() {
        w.sort_field(&base.index(i).key("field"), &key.field);
    }
    if let Some(filter) = request.filter {
        w.raw_filter(&top("filter"), filter, 1);
    }
    let params = match serde_json::to_value(request.params) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    w.method_params(&params);
    let (from, till) = (request.date_from.is_some(), request.date_till.is_some());
    w.rules(|name| match name {
        "date_from" => from,
        "date_till" => till,
        _ => params.get(name).is_some_and(|v| !v.is_null()),
    });
    w.finish()
}

/// Checks a filter (`{field, operator, value}` or a tree) given on its own, for example read
/// from a config file.
pub fn filter(method: &MethodDescriptor, filter: &Value) -> Result<(), Violations> {
    let mut w = Walk::new(method, None);
    w.filter(&top("filter"), filter, 1);
    w.finish()
}

/// Checks a `sort` list given on its own.
pub fn sort(method: &MethodDescriptor, sort: &Value) -> Result<(), Violations> {
    let mut w = Walk::new(method, None);
    w.sort(sort);
    w.finish()
}

/// Checks a `fields` list given on its own.
pub fn fields(method: &MethodDescriptor, fields: &Value) -> Result<(), Violations> {
    let mut w = Walk::new(method, None);
    w.fields(fields);
    w.finish()
}

impl Walk<'_> {
    /// The parameters only this method takes.
    fn method_params(&mut self, map: &Map<String, Value>) {
        for p in self.method.params {
            match map.get(p.name) {
                None | Some(Value::Null) if p.required => self.report(
                    &top(p.name),
                    Mnemonic::REQUIRED_PARAMETER_MISSED,
                    format!("`{}` is required by {}", p.name, self.method.name),
                    None,
                ),
                Some(Value::String(s)) if p.required && s.trim().is_empty() => self.empty_required(p.name),
                None | Some(Value::Null) => {}
                Some(v) if matches!(p.ty, TypeDescriptor::Filter) => self.filter_shape(&top(p.name), v),
                Some(v) => self.value_type(&top(p.name), &p.ty, v),
            }
        }
    }

    fn common(&mut self, map: &Map<String, Value>) {
        self.access_token(map.get("access_token").and_then(Value::as_str).unwrap_or(""));
        if self.method.limits.date_range != DateRange::NoDates {
            let given = |key| map.get(key).is_some_and(|v: &Value| !v.is_null());
            // Where a rule makes the period optional, it is checked only when half of it is there.
            let optional = self.dates_optional();
            if !optional || given("date_from") || given("date_till") {
                let from = self.date("date_from", map.get("date_from"));
                let till = self.date("date_till", map.get("date_till"));
                if let (Some(from), Some(till)) = (from, till) {
                    self.dates(from, till);
                }
            }
        }
        for (key, min, max) in self.paging() {
            self.bounded(key, map.get(key), min, max);
        }
        if let Some(v) = map.get("user_id").filter(|v| !v.is_null()) {
            self.value_type(&top("user_id"), &TypeDescriptor::Integer, v);
        }
        if let Some(v) = map.get("fields").filter(|v| !v.is_null()) {
            self.fields(v);
        }
        if let Some(v) = map.get("sort").filter(|v| !v.is_null()) {
            self.sort(v);
        }
        if let Some(v) = map.get("filter").filter(|v| !v.is_null()) {
            self.filter(&top("filter"), v, 1);
        }
    }

    // The rules below are shared by JSON input and typed requests.

    /// Whether `requires_one_of` makes the period optional.
    fn dates_optional(&self) -> bool {
        self.method.requires_one_of.iter().any(|set| set.iter().any(|p| matches!(*p, "date_from" | "date_till")))
    }

    /// A typed request's period: both dates or, where a rule allows it, none.
    fn period(&mut self, from: Option<DateTime>, till: Option<DateTime>) {
        match (from, till) {
            (Some(from), Some(till)) => self.dates(from, till),
            (None, None) if self.dates_optional() || self.method.limits.date_range == DateRange::NoDates => {}
            (from, _) => {
                let key = if from.is_none() { "date_from" } else { "date_till" };
                self.report(&top(key), Mnemonic::REQUIRED_PARAMETER_MISSED, format!("`{key}` is required"), None);
            }
        }
    }

    /// The method's rules across parameters: `requires_one_of` and `filter_requires`;
    /// `given` tells whether the request carries a parameter.
    fn rules(&mut self, given: impl Fn(&str) -> bool) {
        let sets = self.method.requires_one_of;
        if !sets.is_empty() && !sets.iter().any(|set| set.iter().all(|p| given(p))) {
            let alternatives: Vec<_> =
                sets.iter().map(|set| set.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" and ")).collect();
            self.report(
                &top(sets[0].first().copied().unwrap_or("params")),
                Mnemonic::REQUIRED_PARAMETER_MISSED,
                format!("{} needs {}", self.method.name, alternatives.join(" or ")),
                None,
            );
        }
        for rule in self.method.filter_requires {
            let Some(field) = rule.fields.iter().find(|f| self.filtered.iter().any(|x| x == *f)) else { continue };
            let companion = rule.with_one_of.iter().any(|c| given(c) || self.filtered.iter().any(|x| x == c));
            if !companion {
                let names: Vec<_> = rule.with_one_of.iter().map(|c| format!("`{c}`")).collect();
                self.report(
                    &top("filter"),
                    Mnemonic::from_static(rule.mnemonic),
                    format!("`{field}` can be filtered only together with one of {}", names.join(", ")),
                    None,
                );
            }
        }
    }

    fn access_token(&mut self, token: &str) {
        if token.is_empty() {
            self.report(&top("access_token"), Mnemonic::REQUIRED_PARAMETER_MISSED, "no access token".into(), None);
        }
    }

    fn dates(&mut self, from: DateTime, till: DateTime) {
        let days = i64::from(self.method.limits.date_range_days);
        if from > till {
            self.report(
                &top("date_till"),
                Mnemonic::INVALID_PARAMETERS_COMBINATION,
                format!("`date_till` ({till}) is before `date_from` ({from})"),
                None,
            );
        } else if till.0 - from.0 > chrono::TimeDelta::days(days) {
            self.report(
                &top("date_till"),
                Mnemonic::DATE_INTERVAL_LIMIT_REACHED,
                format!("{} allows at most {days} days from `date_from` to `date_till`", self.method.name),
                Some("split the period into several requests".into()),
            );
        }
    }

    /// `limit` and `offset` with the smallest and largest value each may take.
    fn paging(&self) -> [(&'static str, u64, u64); 2] {
        let l = self.method.limits;
        [("limit", 1, u64::from(l.limit_max)), ("offset", 0, u64::from(l.offset_max))]
    }

    fn empty_required(&mut self, name: &str) {
        self.report(&top(name), Mnemonic::REQUIRED_PARAMETER_MISSED, format!("`{name}` is empty"), None);
    }

    /// `n` is within `min..=max`.
    fn within(&mut self, key: &str, n: u64, min: u64, max: u64) {
        if !(min..=max).contains(&n) {
            self.report(
                &top(key),
                Mnemonic::INVALID_PARAMETER_VALUE,
                format!("`{key}` is {n}; it must be from {min} to {max}"),
                None,
            );
        }
    }

    /// A name of `fields`. The API accepts a name listed twice, so a repeat is no problem.
    fn field_name(&mut self, at: &At<'_>, name: &str) {
        self.known_field(at, name, Mnemonic::UNEXPECTED_PARAMETERS);
    }

    /// The field of a sort key: known and sortable.
    fn sort_field(&mut self, at: &At<'_>, name: &str) {
        if let Some(f) = self.known_field(at, name, Mnemonic::SORT_PROHIBITED)
            && !f.sort.allows()
        {
            let why = stated_why(f.sort);
            self.report(at, Mnemonic::SORT_PROHIBITED, format!("`{name}` cannot be sorted ({why})"), None);
        }
    }

    /// Whether a filter node at `depth` is within the method's limit; reports it when not.
    fn depth_allowed(&mut self, at: &At<'_>, depth: u32) -> bool {
        match self.method.limits.filter_depth {
            Some(max) if depth > max => {
                self.report(
                    at,
                    Mnemonic::INVALID_PARAMETER_VALUE,
                    format!("{} allows filters at most {max} levels deep; this is level {depth}", self.method.name),
                    None,
                );
                false
            }
            _ => true,
        }
    }

    fn empty_tree(&mut self, at: &At<'_>) {
        self.report(
            &at.key("filters"),
            Mnemonic::INVALID_PARAMETER_VALUE,
            "a filter tree needs at least one filter".into(),
            None,
        );
    }

    fn date(&mut self, key: &str, value: Option<&Value>) -> Option<DateTime> {
        match value {
            None | Some(Value::Null) => {
                self.report(&top(key), Mnemonic::REQUIRED_PARAMETER_MISSED, format!("`{key}` is required"), None);
                None
            }
            Some(Value::String(s)) => match s.parse() {
                Ok(t) => Some(t),
                Err(e) => {
                    self.report(&top(key), Mnemonic::INVALID_PARAMETER_VALUE, format!("{e}"), None);
                    None
                }
            },
            Some(v) => {
                self.report(
                    &top(key),
                    Mnemonic::DATA_TYPE_ERROR,
                    format!("`{key}` is a string, not {}", kind_of(v)),
                    None,
                );
                None
            }
        }
    }

    fn bounded(&mut self, key: &str, value: Option<&Value>, min: u64, max: u64) {
        match value {
            None | Some(Value::Null) => {}
            Some(v) => match v.as_u64() {
                Some(n) => self.within(key, n, min, max),
                None if v.is_i64() => self.report(
                    &top(key),
                    Mnemonic::INVALID_PARAMETER_VALUE,
                    format!("`{key}` must be from {min} to {max}"),
                    None,
                ),
                None => self.report(
                    &top(key),
                    Mnemonic::DATA_TYPE_ERROR,
                    format!("`{key}` is a whole number, not {}", kind_of(v)),
                    None,
                ),
            },
        }
    }

    fn field_names(&self) -> impl Iterator<Item = &'static str> + Clone + use<> {
        self.method.fields.iter().map(|f| f.name)
    }

    /// The field `name`, or a report that it does not exist.
    fn known_field(&mut self, at: &At<'_>, name: &str, mnemonic: Mnemonic) -> Option<&'static FieldDescriptor> {
        let found = self.method.field(name);
        match (found, self.brand) {
            (None, _) => {
                let help = did_you_mean(name, self.field_names());
                self.report(at, mnemonic, format!("{} has no field `{name}`", self.method.name), help);
            }
            (Some(f), Some(brand)) if !f.documented_for(brand) => {
                let owners: Vec<_> = f.brands.iter().map(ToString::to_string).collect();
                let message = format!("`{name}` is documented by {} only, not by {brand}", owners.join(", "));
                self.report(at, mnemonic, message, None);
                return None;
            }
            _ => {}
        }
        found
    }

    fn fields(&mut self, value: &Value) {
        let Some(list) = value.as_array() else {
            return self.report(
                &top("fields"),
                Mnemonic::DATA_TYPE_ERROR,
                format!("`fields` is an array, not {}", kind_of(value)),
                None,
            );
        };
        let base = top("fields");
        for (i, item) in list.iter().enumerate() {
            let path = base.index(i);
            match item.as_str() {
                Some(name) => self.field_name(&path, name),
                None => {
                    self.report(&path, Mnemonic::DATA_TYPE_ERROR, format!("a field name, not {}", kind_of(item)), None)
                }
            }
        }
    }

    fn sort(&mut self, value: &Value) {
        let Some(list) = value.as_array() else {
            return self.report(
                &top("sort"),
                Mnemonic::DATA_TYPE_ERROR,
                format!("`sort` is an array, not {}", kind_of(value)),
                None,
            );
        };
        let base = top("sort");
        for (i, key) in list.iter().enumerate() {
            let path = base.index(i);
            let Some(obj) = key.as_object() else {
                self.report(&path, Mnemonic::DATA_TYPE_ERROR, "a sort key is `{field, order}`".into(), None);
                continue;
            };
            match obj.get("field").and_then(Value::as_str) {
                Some(name) => self.sort_field(&path.key("field"), name),
                None => {
                    self.report(&path, Mnemonic::REQUIRED_PARAMETER_MISSED, "a sort key needs `field`".into(), None)
                }
            }
            match obj.get("order") {
                None | Some(Value::Null) => {}
                Some(Value::String(o)) if o == "asc" || o == "desc" => {}
                Some(other) => self.report(
                    &path.key("order"),
                    Mnemonic::INVALID_PARAMETER_VALUE,
                    format!("`order` is `asc` or `desc`, not {other}"),
                    None,
                ),
            }
            for k in obj.keys().filter(|k| *k != "field" && *k != "order") {
                self.report(&path.key(k), Mnemonic::UNEXPECTED_PARAMETERS, format!("a sort key has no `{k}`"), None);
            }
        }
    }

    /// A filter expression whose fields are not the reply's (the flat reports' `filters`):
    /// only its shape is checked.
    fn filter_shape(&mut self, path: &At<'_>, value: &Value) {
        if !value.is_object() && !value.is_array() {
            self.report(path, Mnemonic::DATA_TYPE_ERROR, format!("a filter expression, not {}", kind_of(value)), None);
        }
    }

    fn filter(&mut self, path: &At<'_>, node: &Value, depth: u32) {
        if !self.depth_allowed(path, depth) {
            return;
        }
        let Some(obj) = node.as_object() else {
            return self.report(
                path,
                Mnemonic::DATA_TYPE_ERROR,
                format!("a filter is an object, not {}", kind_of(node)),
                None,
            );
        };
        if let Some(children) = obj.get("filters") {
            self.tree(path, obj, children, depth);
        } else if obj.contains_key("field") {
            self.condition(path, obj);
        } else {
            self.report(
                path,
                Mnemonic::INVALID_PARAMETER_VALUE,
                "a filter is `{field, operator, value}` or `{filters, condition}`".into(),
                None,
            );
        }
    }

    fn tree(&mut self, path: &At<'_>, obj: &Map<String, Value>, children: &Value, depth: u32) {
        match obj.get("condition") {
            Some(Value::String(c)) if c == "and" || c == "or" => {}
            Some(other) => self.report(
                &path.key("condition"),
                Mnemonic::INVALID_PARAMETER_VALUE,
                format!("`condition` is `and` or `or`, not {other}"),
                None,
            ),
            None => {
                self.report(path, Mnemonic::REQUIRED_PARAMETER_MISSED, "a filter tree needs `condition`".into(), None)
            }
        }
        match children.as_array() {
            Some(list) if list.is_empty() => self.empty_tree(path),
            Some(list) => {
                let filters = path.key("filters");
                for (i, child) in list.iter().enumerate() {
                    self.filter(&filters.index(i), child, depth + 1);
                }
            }
            None => self.report(
                &path.key("filters"),
                Mnemonic::DATA_TYPE_ERROR,
                format!("`filters` is an array, not {}", kind_of(children)),
                None,
            ),
        }
        for k in obj.keys().filter(|k| *k != "filters" && *k != "condition") {
            self.report(&path.key(k), Mnemonic::UNEXPECTED_PARAMETERS, format!("a filter tree has no `{k}`"), None);
        }
    }

    fn condition(&mut self, path: &At<'_>, obj: &Map<String, Value>) {
        let name = obj.get("field").and_then(Value::as_str);
        if name.is_none() {
            self.report(&path.key("field"), Mnemonic::DATA_TYPE_ERROR, "`field` is a field name".into(), None);
        }
        let op = match obj.get("operator") {
            Some(Value::String(op)) => Some(op.as_str()),
            _ => {
                let message = "a condition needs an `operator`".into();
                self.report(&path.key("operator"), Mnemonic::REQUIRED_PARAMETER_MISSED, message, None);
                None
            }
        };
        for k in obj.keys().filter(|k| !matches!(k.as_str(), "field" | "operator" | "value")) {
            self.report(&path.key(k), Mnemonic::UNEXPECTED_PARAMETERS, format!("a condition has no `{k}`"), None);
        }
        self.condition_rules(path, name, op, obj.get("value").unwrap_or(&Value::Null));
    }

    /// A condition's field is filterable, its operator exists and fits, and its value has the
    /// operator's shape.
    fn condition_rules(&mut self, path: &At<'_>, name: Option<&str>, op: Option<&str>, value: &Value) {
        if let Some(name) = name
            && !self.filtered.iter().any(|f| f == name)
        {
            self.filtered.push(name.to_owned());
        }
        let field_path = path.key("field");
        let field = name.and_then(|name| match self.known_field(&field_path, name, Mnemonic::FILTER_PROHIBITED) {
            Some(f) if !f.filter.allows() => {
                let why = stated_why(f.filter);
                let message = format!("`{name}` cannot be filtered ({why})");
                self.report(&field_path, Mnemonic::FILTER_PROHIBITED, message, None);
                None
            }
            found => found,
        });
        let op_path = path.key("operator");
        let operator = op.and_then(|op| {
            let found = self.method.operators.iter().find(|o| o.wire == op);
            if found.is_none() {
                let help = did_you_mean(op, self.method.operators.iter().map(|o| o.wire));
                let message = format!("{} has no operator `{op}`", self.method.name);
                self.report(&op_path, Mnemonic::INVALID_PARAMETER_VALUE, message, help);
            }
            found
        });
        let (Some(field), Some(op)) = (field, operator) else { return };
        let kind = field.ty.kind();
        // `= null` tests any filterable field for emptiness, whatever its kind.
        if op.null && value.is_null() {
            return;
        }
        if !op.fits(kind) {
            let fitting: Vec<_> =
                self.method.operators.iter().filter(|o| o.fits(kind)).map(|o| format!("`{}`", o.wire)).collect();
            self.report(
                &op_path,
                Mnemonic::INVALID_PARAMETER_VALUE,
                format!("operator `{}` does not fit `{}`, a field of type {}", op.wire, field.name, field.ty),
                Some(format!("use one of {}", fitting.join(", "))),
            );
            return;
        }
        self.operator_value(&path.key("value"), field, op, value);
    }

    /// A filter in its typed wire form: only the rules the types do not already guarantee.
    fn raw_filter(&mut self, path: &At<'_>, filter: &RawFilter, depth: u32) {
        if !self.depth_allowed(path, depth) {
            return;
        }
        match filter {
            RawFilter::Tree { filters, .. } if filters.is_empty() => self.empty_tree(path),
            RawFilter::Tree { filters, .. } => {
                let at = path.key("filters");
                for (i, child) in filters.iter().enumerate() {
                    self.raw_filter(&at.index(i), child, depth + 1);
                }
            }
            RawFilter::Condition { field, operator, value } => {
                self.condition_rules(path, Some(field), Some(operator), value)
            }
        }
    }

    fn operator_value(&mut self, path: &At<'_>, field: &FieldDescriptor, op: &OperatorDescriptor, value: &Value) {
        if value.is_null() && (op.null || op.value == ValueShape::Null) {
            return;
        }
        let item = match field.ty {
            TypeDescriptor::Array(item) => item,
            ref ty => ty,
        };
        match op.value {
            ValueShape::Null => self.report(
                path,
                Mnemonic::INVALID_PARAMETER_VALUE,
                format!("`{}` takes no value (send `null`)", op.wire),
                None,
            ),
            ValueShape::Same => self.value_type(path, &field.ty, value),
            ValueShape::Text => {
                if !value.is_string() {
                    let message = format!("`{}` takes a pattern string, not {}", op.wire, kind_of(value));
                    self.report(path, Mnemonic::DATA_TYPE_ERROR, message, None);
                }
            }
            ValueShape::List | ValueShape::Items => match value.as_array() {
                Some(list) if list.is_empty() => self.report(
                    path,
                    Mnemonic::INVALID_PARAMETER_VALUE,
                    format!("`{}` needs at least one value", op.wire),
                    None,
                ),
                Some(list) => {
                    let ty = if op.value == ValueShape::Items { item } else { &field.ty };
                    for (i, v) in list.iter().enumerate() {
                        self.value_type(&path.index(i), ty, v);
                    }
                }
                None => self.report(
                    path,
                    Mnemonic::DATA_TYPE_ERROR,
                    format!("`{}` takes a list, not {}", op.wire, kind_of(value)),
                    None,
                ),
            },
        }
    }

    /// Whether `value` is a JSON value of type `ty`.
    fn value_type(&mut self, path: &At<'_>, ty: &TypeDescriptor, value: &Value) {
        let fits = match ty {
            TypeDescriptor::Integer => value.is_i64() || value.is_u64(),
            TypeDescriptor::Decimal => value.is_number(),
            TypeDescriptor::String | TypeDescriptor::Enum { .. } => value.is_string(),
            TypeDescriptor::Boolean => value.is_boolean(),
            TypeDescriptor::DateTime => value.as_str().is_some_and(|s| s.parse::<DateTime>().is_ok()),
            TypeDescriptor::Date => value.as_str().is_some_and(|s| s.parse::<Date>().is_ok()),
            TypeDescriptor::ValueObject => value.is_string() || value.is_number() || value.is_boolean(),
            TypeDescriptor::Object(_) | TypeDescriptor::Filter => value.is_object(),
            TypeDescriptor::Array(_) => value.is_array(),
        };
        if fits
            && let (TypeDescriptor::Enum { labels, .. }, Some(text)) = (ty, value.as_str())
            && let Some(label) = labels.iter().find(|l| l.en == Some(text) || l.ru == Some(text))
        {
            self.report(
                path,
                Mnemonic::INVALID_PARAMETER_VALUE,
                format!("{text:?} is how the docs label a value, not a code"),
                Some(format!("the code is believed to be `{}`", label.code)),
            );
        }
        if !fits {
            let expected = match ty {
                TypeDescriptor::DateTime => "a date-time `YYYY-MM-DD hh:mm:ss`".to_owned(),
                TypeDescriptor::Date => "a date `YYYY-MM-DD`".to_owned(),
                ty => format!("a value of type {ty}"),
            };
            self.report(path, Mnemonic::DATA_TYPE_ERROR, format!("expected {expected}, not {}", kind_of(value)), None);
        }
    }
}

fn stated_why(s: super::Stated) -> &'static str {
    match s {
        super::Stated::No => "the docs say no",
        _ => "the docs do not allow it",
    }
}

fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The closest known name, when it is close enough to be a typo, as a hint ("did you mean
/// `x`?"); the same measure every message of the crates uses.
pub fn did_you_mean<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    known
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("did you mean `{k}`?"))
}
