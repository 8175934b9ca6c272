//! The fake server's filters, sorts, projections and pages against an independent
//! evaluation over the dump (the rows in their wire form, as `--dump` prints them): every
//! operator on every filterable field of every method, and a property over random windows,
//! filter trees up to three levels deep, sort keys, field lists and pages. And the same for a
//! live server (rows that arrive late, are edited and deleted): the dump as of a moment is
//! what a request at that moment answers.

mod fake_common;

use std::cmp::Ordering;
use std::sync::OnceLock;

use dataapi::Date;
use dataapi::fake::FakeServer;
use dataapi::runtime::{DateRange, MethodDescriptor, RequestKind, Stated, TypeDescriptor};
use fake_common::Running;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const FROM: &str = "2026-01-01 00:00:00";
const TILL: &str = "2026-01-10 23:59:59";

struct World {
    server: Running,
    /// Per method: its rows in wire form, every field.
    dumps: Vec<(&'static MethodDescriptor, Vec<Map<String, Value>>)>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let server = Running::start(
            FakeServer::builder()
                .methods(dataapi::METHODS)
                .seed(11)
                .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 10).unwrap())
                .rows_per_day(40)
                .token("T"),
        );
        let dumps = dataapi::METHODS
            .iter()
            .map(|&m| {
                let rows = server.server().dataset().method(m.name).unwrap();
                let all: Vec<usize> = (0..m.fields.len()).collect();
                let dump = (0..rows.len())
                    .map(|g| {
                        let mut line = String::new();
                        rows.write_row(g, &all, &mut line);
                        serde_json::from_str(&line).unwrap()
                    })
                    .collect();
                (m, dump)
            })
            .collect();
        World { server, dumps }
    })
}

// ---- The independent evaluation, over JSON values. ----

/// Equality and order of a cell and a filter value, as the docs describe them.
fn compare(cell: &Value, value: &Value) -> Option<Ordering> {
    match (cell, value) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        // Date-times and dates in their canonical form order as text.
        (Value::String(a), Value::String(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Object(o), v) if o.contains_key("value_id") => compare(&o["value_id"], v),
        // Items of arrays of objects are equal when every member is.
        (Value::Object(a), Value::Object(b)) => (a == b).then_some(Ordering::Equal),
        _ => None,
    }
}

/// A regular expression, compiled once per test thread.
fn regex_match(pattern: &str, text: &str) -> bool {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>> = Default::default();
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(pattern) {
            cache.insert(pattern.to_owned(), regex::Regex::new(pattern).unwrap());
        }
        cache[pattern].is_match(text)
    })
}

fn like(pattern: &str, text: &str, insensitive: bool) -> bool {
    let body: Vec<String> = pattern.split('%').map(regex::escape).collect();
    let flags = if insensitive { "(?is)" } else { "(?s)" };
    regex_match(&format!("{flags}^{}$", body.join(".*")), text)
}

fn matches(node: &Value, row: &Map<String, Value>) -> bool {
    if let Some(children) = node.get("filters") {
        let children = children.as_array().unwrap();
        return match node["condition"].as_str() {
            Some("or") => children.iter().any(|c| matches(c, row)),
            _ => children.iter().all(|c| matches(c, row)),
        };
    }
    let cell = &row[node["field"].as_str().unwrap()];
    let op = node["operator"].as_str().unwrap();
    let value = node.get("value").unwrap_or(&Value::Null);
    match (op, value) {
        ("is_null", _) | ("=", Value::Null) => return cell.is_null(),
        ("is_not_null", _) | ("!=", Value::Null) => return !cell.is_null(),
        _ if cell.is_null() => return false,
        _ => {}
    }
    let text = cell.as_str().unwrap_or_default();
    let pattern = value.as_str().unwrap_or_default();
    let eq = |v: &Value| compare(cell, v) == Some(Ordering::Equal);
    match op {
        "=" => eq(value),
        "!=" => !eq(value),
        "<" => compare(cell, value) == Some(Ordering::Less),
        ">" => compare(cell, value) == Some(Ordering::Greater),
        "<=" => compare(cell, value).is_some_and(|o| o.is_le()),
        ">=" => compare(cell, value).is_some_and(|o| o.is_ge()),
        "like" => like(pattern, text, false),
        "not_like" => !like(pattern, text, false),
        "ilike" => like(pattern, text, true),
        "not_ilike" => !like(pattern, text, true),
        "regexp" => regex_match(pattern, text),
        "in" => value.as_array().unwrap().iter().any(eq),
        "not_in" => !value.as_array().unwrap().iter().any(eq),
        "overlap" | "not_overlap" => {
            let items = cell.as_array().unwrap();
            let hit =
                items.iter().any(|i| value.as_array().unwrap().iter().any(|v| compare(i, v) == Some(Ordering::Equal)));
            hit == (op == "overlap")
        }
        other => panic!("no independent reading of `{other}`"),
    }
}

/// Sort order of two cells: `null` after every value.
fn order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        (Value::Number(x), Value::Number(y)) => x.as_f64().unwrap().total_cmp(&y.as_f64().unwrap()),
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            x.iter().zip(y).map(|(p, q)| order(p, q)).find(|o| o.is_ne()).unwrap_or(x.len().cmp(&y.len()))
        }
        (Value::Object(x), Value::Object(y)) => match (x.get("value_id"), y.get("value_id")) {
            (Some(a), Some(b)) => order(a, b),
            // Nested objects have no order of their own.
            _ => Ordering::Equal,
        },
        (x, y) => panic!("cells of one field differ in type: {x} {y}"),
    }
}

/// What the API should answer: `(total_items, data)`.
fn expected(m: &MethodDescriptor, dump: &[Map<String, Value>], params: &Value) -> (u64, Vec<Value>) {
    let time = m.fields.iter().find(|f| matches!(f.ty, TypeDescriptor::DateTime)).map(|f| f.name);
    // A request without a period (a list such as `get.chat_channels`) reads every row.
    let window = time.zip(params["date_from"].as_str()).zip(params["date_till"].as_str());
    let mut rows: Vec<(usize, &Map<String, Value>)> = dump
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            window.is_none_or(|((time, from), till)| {
                let t = r[time].as_str().unwrap();
                from <= t && t <= till
            })
        })
        .filter(|(_, r)| params.get("filter").is_none_or(|f| matches(f, r)))
        .collect();
    let keys: Vec<(&str, bool)> = params
        .get("sort")
        .and_then(Value::as_array)
        .map(|l| l.iter().map(|k| (k["field"].as_str().unwrap(), k["order"] == "desc")).collect())
        .unwrap_or_default();
    rows.sort_by(|(ga, a), (gb, b)| {
        keys.iter()
            .map(|&(f, desc)| if desc { order(&b[f], &a[f]) } else { order(&a[f], &b[f]) })
            .find(|o| o.is_ne())
            .unwrap_or(ga.cmp(gb))
    });
    let fields: Vec<&str> = match params.get("fields") {
        Some(list) if list.as_array().unwrap().is_empty() && m.kind == RequestKind::Report => {
            m.fields.iter().filter(|f| f.default == Stated::Yes).map(|f| f.name).collect()
        }
        Some(list) => list.as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect(),
        // A flat report without `fields` has no columns, so no data.
        None if m.kind == RequestKind::FlatReport => Vec::new(),
        None => m.fields.iter().filter(|f| f.default == Stated::Yes).map(|f| f.name).collect(),
    };
    if m.kind == RequestKind::FlatReport && fields.is_empty() {
        return (0, Vec::new());
    }
    let total = rows.len() as u64;
    let offset = params.get("offset").and_then(Value::as_u64).unwrap_or(0) as usize;
    let limit = params.get("limit").and_then(Value::as_u64).unwrap_or(1000) as usize;
    let page = rows
        .iter()
        .skip(offset)
        .take(limit)
        .map(|(_, r)| Value::Object(fields.iter().map(|&f| (f.to_owned(), r[f].clone())).collect()))
        .collect();
    (total, page)
}

// ---- Requests built from the schema and the data. ----

/// A small deterministic stream of choices (proptest draws its seed).
struct Pick(u64);

impl Pick {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }

    fn one<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A non-null cell of field `f` from some row, if the field has any.
fn sample<'d>(pick: &mut Pick, dump: &'d [Map<String, Value>], f: &str) -> Option<&'d Value> {
    (0..8).map(|_| &dump[pick.below(dump.len())][f]).find(|v| !v.is_null())
}

fn scalar(v: &Value) -> Value {
    match v {
        Value::Object(o) => o["value_id"].clone(),
        v => v.clone(),
    }
}

/// A value for operator `op` on field `f`, mostly taken from the data so that it matches.
fn operand(pick: &mut Pick, dump: &[Map<String, Value>], f: &dataapi::runtime::FieldDescriptor, op: &str) -> Value {
    let Some(cell) = sample(pick, dump, f.name) else { return Value::Null };
    match op {
        "is_null" | "is_not_null" => Value::Null,
        "in" | "not_in" => {
            let n = 1 + pick.below(3);
            Value::Array((0..n).filter_map(|_| sample(pick, dump, f.name)).map(scalar).collect())
        }
        "overlap" | "not_overlap" => {
            let items: Vec<Value> = (0..4)
                .filter_map(|_| sample(pick, dump, f.name))
                .flat_map(|v| v.as_array().cloned().unwrap_or_default())
                .collect();
            if items.is_empty() {
                return json!(["nothing"]);
            }
            Value::Array((0..1 + pick.below(2)).map(|_| pick.one(&items).clone()).collect())
        }
        "like" | "not_like" | "ilike" | "not_ilike" | "regexp" => {
            let s = cell.as_str().unwrap_or("x");
            let chars: Vec<char> = s.chars().collect();
            let cut = pick.below(chars.len() + 1);
            let (head, tail): (String, String) = (chars[..cut].iter().collect(), chars[cut..].iter().collect());
            let text = match pick.below(4) {
                0 => format!("{head}%"),
                1 => format!("%{tail}"),
                2 => format!("%{}%", chars[cut.saturating_sub(2)..cut].iter().collect::<String>()),
                _ => s.to_owned(),
            };
            let text = if op.contains("ilike") && pick.below(2) == 0 { text.to_uppercase() } else { text };
            if op == "regexp" {
                let anchored = if pick.below(2) == 0 { "^" } else { "" };
                json!(format!("{anchored}{}", regex::escape(&head)))
            } else {
                json!(text)
            }
        }
        _ => scalar(cell),
    }
}

fn condition(pick: &mut Pick, m: &MethodDescriptor, dump: &[Map<String, Value>]) -> Value {
    let fields: Vec<_> = m.fields.iter().filter(|f| f.filter.allows()).collect();
    let f = *pick.one(&fields);
    let ops: Vec<_> = m.operators.iter().filter(|o| o.wire != "jsquery" && o.fits(f.ty.kind())).collect();
    let op = pick.one(&ops).wire;
    let value = operand(pick, dump, f, op);
    // A value missing from the data (an empty column) tests for emptiness instead.
    if value.is_null() && !matches!(op, "is_null" | "is_not_null" | "=" | "!=") {
        return json!({"field": f.name, "operator": "is_null", "value": null});
    }
    json!({"field": f.name, "operator": op, "value": value})
}

fn filter(pick: &mut Pick, m: &MethodDescriptor, dump: &[Map<String, Value>], levels: u32) -> Value {
    if levels <= 1 || pick.below(4) == 0 {
        return condition(pick, m, dump);
    }
    let n = 1 + pick.below(3);
    let children: Vec<Value> = (0..n).map(|_| filter(pick, m, dump, levels - 1)).collect();
    json!({"filters": children, "condition": if pick.below(2) == 0 { "and" } else { "or" }})
}

fn window(pick: &mut Pick) -> (String, String) {
    let a = pick.below(10 * 86_400);
    let b = pick.below(10 * 86_400);
    let at = |s: usize| {
        let t = dataapi::DateTime::from_ymd_hms(2026, 1, 1, 0, 0, 0).unwrap().0 + chrono_seconds(s);
        dataapi::DateTime(t).to_string()
    };
    (at(a.min(b)), at(a.max(b)))
}

fn chrono_seconds(s: usize) -> std::time::Duration {
    std::time::Duration::from_secs(s as u64)
}

fn request(pick: &mut Pick, m: &MethodDescriptor, dump: &[Map<String, Value>]) -> Value {
    let (from, till) = if pick.below(3) == 0 { (FROM.to_owned(), TILL.to_owned()) } else { window(pick) };
    let mut p = json!({"access_token": "T", "date_from": from, "date_till": till});
    let flat = m.kind == RequestKind::FlatReport;
    if flat {
        p["report_id"] = json!(1);
        p["report_type"] = json!("communications");
    }
    // `get.account` has no filterable field.
    if pick.below(5) != 0 && m.fields.iter().any(|f| f.filter.allows()) {
        let levels = m.limits.filter_depth.unwrap_or(3).min(3);
        let levels = 1 + pick.below(levels as usize) as u32;
        p["filter"] = filter(pick, m, dump, levels);
    }
    let sortable: Vec<_> = m.fields.iter().filter(|f| f.sort.allows()).collect();
    let keys = if sortable.is_empty() { 0 } else { pick.below(4) };
    if keys > 0 {
        let mut chosen = Vec::new();
        for _ in 0..keys {
            let f = pick.one(&sortable).name;
            if !chosen.contains(&f) {
                chosen.push(f);
            }
        }
        p["sort"] = chosen
            .iter()
            .map(|f| json!({"field": f, "order": if pick.below(2) == 0 { "asc" } else { "desc" }}))
            .collect();
    }
    if flat || pick.below(2) == 0 {
        let mut names: Vec<&str> = Vec::new();
        for _ in 0..1 + pick.below(6) {
            let f = pick.one(m.fields).name;
            if !names.contains(&f) {
                names.push(f);
            }
        }
        p["fields"] = json!(names);
    }
    // Within the method's maxima (`get.account` pages one row).
    if pick.below(3) != 0 {
        p["limit"] = json!((1 + pick.below(60)).min(m.limits.limit_max as usize));
    }
    if pick.below(2) == 0 {
        p["offset"] = json!(pick.below(120).min(m.limits.offset_max as usize));
    }
    p
}

#[track_caller]
fn agree(m: &MethodDescriptor, dump: &[Map<String, Value>], params: &Value) {
    let mut params = params.clone();
    if m.limits.date_range == DateRange::NoDates {
        let map = params.as_object_mut().unwrap();
        map.remove("date_from");
        map.remove("date_till");
    }
    let params = &params;
    let reply = world().server.call(m.name, params.clone());
    let result = reply.get("result").unwrap_or_else(|| panic!("{} {params}: {reply}", m.name));
    let (total, page) = expected(m, dump, params);
    assert_eq!(result["metadata"]["total_items"], total, "{} {params}", m.name);
    assert_eq!(result["data"], Value::Array(page), "{} {params}", m.name);
}

/// Every operator of the table that fits a filterable field, on every such field of every
/// method, against the independent reading.
#[test]
fn every_operator_on_every_field() {
    let w = world();
    let mut pick = Pick(5);
    let mut seen = std::collections::BTreeSet::new();
    for (m, dump) in &w.dumps {
        for f in m.fields.iter().filter(|f| f.filter.allows()) {
            for op in m.operators.iter().filter(|o| o.wire != "jsquery" && o.fits(f.ty.kind())) {
                let value = operand(&mut pick, dump, f, op.wire);
                let mut p = json!({"access_token": "T", "date_from": FROM, "date_till": TILL, "limit": 10000,
                    "filter": {"field": f.name, "operator": op.wire, "value": value}, "fields": [f.name]});
                if m.kind == RequestKind::FlatReport {
                    p["report_id"] = json!(1);
                    p["report_type"] = json!("communications");
                }
                if value.is_null() && !matches!(op.wire, "is_null" | "is_not_null" | "=" | "!=") {
                    continue;
                }
                agree(m, dump, &p);
                seen.insert(op.wire);
            }
        }
    }
    let all: Vec<_> = dataapi::OPERATORS.iter().map(|o| o.wire).filter(|w| *w != "jsquery").collect();
    for op in all {
        assert!(seen.contains(op), "operator `{op}` was never checked");
    }
}

#[test]
fn omitted_fields_are_the_default_ones_and_flat_reports_need_fields() {
    let w = world();
    for (m, dump) in &w.dumps {
        let limit = m.limits.limit_max.min(5);
        let mut p = json!({"access_token": "T", "date_from": FROM, "date_till": TILL, "limit": limit});
        if m.kind == RequestKind::FlatReport {
            p["report_id"] = json!(1);
            p["report_type"] = json!("communications");
        }
        agree(m, dump, &p);
        p["fields"] = json!([]);
        agree(m, dump, &p);
    }
}

#[test]
fn sorting_is_stable_with_many_equal_keys() {
    let w = world();
    let (m, dump) = &w.dumps.iter().find(|(m, _)| m.name == "get.calls_report").unwrap();
    for keys in
        [json!([{"field": "direction"}]), json!([{"field": "is_lost", "order": "desc"}, {"field": "direction"}])]
    {
        agree(
            m,
            dump,
            &json!({"access_token": "T", "date_from": FROM, "date_till": TILL, "sort": keys, "fields": ["id", "direction", "is_lost"]}),
        );
    }
}

/// Trees two and three levels deep, with both conditions, as the docs' own example nests them.
#[test]
fn nested_trees() {
    let w = world();
    let (m, dump) = &w.dumps.iter().find(|(m, _)| m.name == "get.calls_report").unwrap();
    let two = json!({"condition": "or", "filters": [
        {"field": "direction", "operator": "=", "value": "in"},
        {"field": "total_duration", "operator": ">=", "value": 1800}]});
    let three = json!({"condition": "and", "filters": [
        two.clone(),
        {"condition": "or", "filters": [
            {"field": "finish_reason", "operator": "in", "value": ["subscriber_disconnects", "operator_disconnects"]},
            {"field": "cpn_region_name", "operator": "ilike", "value": "%a%"}]},
        {"field": "is_lost", "operator": "!=", "value": true}]});
    for filter in [two, three] {
        let p = json!({"access_token": "T", "date_from": FROM, "date_till": TILL, "filter": filter,
            "sort": [{"field": "finish_reason", "order": "desc"}, {"field": "direction"}], "fields": ["id", "total_duration", "finish_reason"], "limit": 10000});
        agree(m, dump, &p);
        let (total, _) = expected(m, dump, &p);
        assert!(total > 0 && total < dump.len() as u64, "the tree selects some rows, not all: {total}");
    }
}

/// `date_from ≤ time ≤ date_till`, both inclusive, to the second.
#[test]
fn the_window_is_inclusive_to_the_second() {
    let w = world();
    let (m, dump) = &w.dumps.iter().find(|(m, _)| m.name == "get.calls_report").unwrap();
    for row in dump.iter().step_by(37) {
        let t = row["start_time"].as_str().unwrap();
        let at = |from: &str, till: &str| {
            let p =
                json!({"access_token": "T", "date_from": from, "date_till": till, "fields": ["id"], "limit": 10000});
            let reply = w.server.call(m.name, p);
            reply["result"]["data"].as_array().unwrap().iter().any(|r| r["id"] == row["id"])
        };
        let shifted = |secs: i64| {
            let parsed: dataapi::DateTime = t.parse().unwrap();
            let d = std::time::Duration::from_secs(secs.unsigned_abs());
            dataapi::DateTime(if secs < 0 { parsed.0 - d } else { parsed.0 + d }).to_string()
        };
        let (before, after) = (shifted(-1), shifted(1));
        assert!(at(t, t), "{t} is within [{t}, {t}]");
        assert!(!at(&after, &shifted(2)), "{t} is before the window");
        assert!(!at(&before, &before), "{t} is after the window");
    }
}

/// Paging through a sorted, filtered window gives every matching row once.
#[test]
fn pages_cover_the_window() {
    let w = world();
    let (m, dump) = &w.dumps.iter().find(|(m, _)| m.name == "get.calls_report").unwrap();
    let base = json!({"access_token": "T", "date_from": FROM, "date_till": TILL, "fields": ["id"],
        "sort": [{"field": "finish_reason", "order": "desc"}], "filter": {"field": "direction", "operator": "=", "value": "in"}});
    let (total, all) = expected(
        m,
        dump,
        &json!({"limit": 100000}).as_object().unwrap().iter().fold(base.clone(), |mut b, (k, v)| {
            b[k] = v.clone();
            b
        }),
    );
    let mut got = Vec::new();
    let mut offset = 0;
    while offset < total {
        let mut p = base.clone();
        p["offset"] = json!(offset);
        p["limit"] = json!(37);
        let reply = w.server.call(m.name, p);
        got.extend(reply["result"]["data"].as_array().unwrap().iter().cloned());
        offset += 37;
    }
    assert_eq!(got, all);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random windows, filter trees (up to three levels, two for flat reports), sort keys,
    /// field lists and pages agree with the independent evaluation.
    #[test]
    fn random_requests_agree_with_the_dump(seed in any::<u64>(), which in 0usize..4) {
        let w = world();
        let (m, dump) = &w.dumps[which % w.dumps.len()];
        let params = request(&mut Pick(seed), m, dump);
        agree(m, dump, &params);
    }
}

// ---- A live world: the truth as of a moment. ----

struct LiveWorld {
    server: Running,
    /// The clock is the server's: one test at a time moves it.
    turn: std::sync::Mutex<()>,
}

fn live_world() -> &'static LiveWorld {
    static WORLD: OnceLock<LiveWorld> = OnceLock::new();
    WORLD.get_or_init(|| LiveWorld {
        server: Running::start(
            FakeServer::builder()
                .methods(dataapi::METHODS)
                .seed(12)
                .period(Date::from_ymd(2026, 1, 1).unwrap(), Date::from_ymd(2026, 1, 10).unwrap())
                .rows_per_day(40)
                .token("T")
                .clock_start(dataapi::DateTime::from_ymd_hms(2026, 1, 5, 12, 0, 0).unwrap())
                .manual_clock()
                .late_seconds(6 * 3600)
                .edit_rate(0.3)
                .edit_window(2 * 86_400)
                .delete_rate(0.1)
                .dense_seconds(2)
                .dense_rows(30),
        ),
        turn: std::sync::Mutex::new(()),
    })
}

/// Every method's rows as of `t`, every field, in the data set's order: what `--dump --as-of`
/// prints.
fn dump_as_of(t: dataapi::DateTime) -> Vec<(&'static MethodDescriptor, Vec<Map<String, Value>>)> {
    let as_of = live_world().server.server().dataset().as_of(t.0);
    dataapi::METHODS
        .iter()
        .map(|&m| {
            let rows = as_of.method(m.name).unwrap();
            let all: Vec<usize> = (0..m.fields.len()).collect();
            let dump = rows
                .window(i64::MIN, i64::MAX)
                .map(|g| {
                    let mut line = String::new();
                    rows.write_row(g, &all, &mut line);
                    serde_json::from_str(&line).unwrap()
                })
                .collect();
            (m, dump)
        })
        .collect()
}

/// The request answered with the clock at `t` agrees with the dump as of `t`.
#[track_caller]
fn agree_at(t: dataapi::DateTime, m: &MethodDescriptor, dump: &[Map<String, Value>], params: &Value) {
    let w = live_world();
    let mut params = params.clone();
    if m.limits.date_range == DateRange::NoDates {
        let map = params.as_object_mut().unwrap();
        map.remove("date_from");
        map.remove("date_till");
    }
    w.server.server().clock().set(t.0);
    let reply = w.server.call(m.name, params.clone());
    let result = reply.get("result").unwrap_or_else(|| panic!("{} {params}: {reply}", m.name));
    let (total, page) = expected(m, dump, &params);
    assert_eq!(result["metadata"]["total_items"], total, "{} at {t} {params}", m.name);
    assert_eq!(result["data"], Value::Array(page), "{} at {t} {params}", m.name);
}

fn moments() -> Vec<dataapi::DateTime> {
    [(1, 0, 0, 0), (4, 3, 17, 5), (6, 23, 59, 59), (12, 0, 0, 0)]
        .iter()
        .map(|&(d, h, mi, s)| dataapi::DateTime::from_ymd_hms(2026, 1, d, h, mi, s).unwrap())
        .collect()
}

/// At several moments (before any row, in the middle of the period, after every edit), every
/// operator on every filterable field and a sort per field agree with the dump as of then.
#[test]
fn live_every_operator_and_sort_agree_with_the_dump_as_of() {
    let w = live_world();
    let _turn = w.turn.lock().unwrap_or_else(|e| e.into_inner());
    let mut pick = Pick(17);
    let mut sizes = Vec::new();
    for t in moments() {
        let dumps = dump_as_of(t);
        sizes.push(dumps.iter().find(|(m, _)| m.name == "get.calls_report").unwrap().1.len());
        for (m, dump) in &dumps {
            if dump.is_empty() {
                continue;
            }
            let flat = m.kind == RequestKind::FlatReport;
            let base = || {
                let mut p =
                    json!({"access_token": "T", "date_from": FROM, "date_till": TILL, "limit": m.limits.limit_max});
                if flat {
                    p["report_id"] = json!(1);
                    p["report_type"] = json!("communications");
                }
                p
            };
            for f in m.fields.iter().filter(|f| f.filter.allows()) {
                for op in m.operators.iter().filter(|o| o.wire != "jsquery" && o.fits(f.ty.kind())) {
                    let value = operand(&mut pick, dump, f, op.wire);
                    if value.is_null() && !matches!(op.wire, "is_null" | "is_not_null" | "=" | "!=") {
                        continue;
                    }
                    // No array items to draw from (few rows yet): `["nothing"]` fits no item type.
                    if value == json!(["nothing"]) {
                        continue;
                    }
                    let mut p = base();
                    p["filter"] = json!({"field": f.name, "operator": op.wire, "value": value});
                    p["fields"] = json!(
                        ["id", f.name].iter().filter(|n| m.fields.iter().any(|x| x.name == **n)).collect::<Vec<_>>()
                    );
                    agree_at(t, m, dump, &p);
                }
            }
            for (i, f) in m.fields.iter().filter(|f| f.sort.allows()).enumerate() {
                let order = if i % 2 == 0 { "asc" } else { "desc" };
                let mut p = base();
                p["sort"] = json!([{"field": f.name, "order": order}]);
                p["fields"] = json!([f.name]);
                agree_at(t, m, dump, &p);
            }
        }
    }
    let all = w.server.server().dataset().method("get.calls_report").unwrap().len() as usize;
    assert_eq!(sizes[0], 0, "nothing has appeared before the period");
    assert!(0 < sizes[1] && sizes[1] < sizes[2], "rows keep arriving: {sizes:?}");
    assert!(sizes[3] < all, "deleted rows are gone at the end: {sizes:?} of {all}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random moments, windows, filter trees, sort keys, field lists and pages of a live
    /// server agree with the dump as of the moment.
    #[test]
    fn live_random_requests_agree_with_the_dump_as_of(seed in any::<u64>(), which in 0usize..12, secs in 0u64..12 * 86_400) {
        let w = live_world();
        let _turn = w.turn.lock().unwrap_or_else(|e| e.into_inner());
        let t = dataapi::DateTime(dataapi::DateTime::from_ymd_hms(2026, 1, 1, 0, 0, 0).unwrap().0 + std::time::Duration::from_secs(secs));
        let dumps = dump_as_of(t);
        let (m, dump) = &dumps[which % dumps.len()];
        if !dump.is_empty() {
            let params = request(&mut Pick(seed), m, dump);
            agree_at(t, m, dump, &params);
        }
    }
}
