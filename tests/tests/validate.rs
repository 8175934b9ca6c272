//! The request validator: every rule rejects what it should, with the path and the mnemonic
//! the API would answer, accepts what it should, and never panics on any JSON.

use dataapi::calls_report::{self, Request};
use dataapi::errors::Mnemonic;
use dataapi::runtime::{DateTime, Order, RawFilter, RawSort, validate};
use proptest::prelude::*;
use serde_json::{Value, json};

fn at(d: u32) -> DateTime {
    DateTime::from_ymd_hms(2026, 3, d, 0, 0, 0).unwrap()
}

fn base() -> Value {
    json!({"access_token": "t", "date_from": "2026-03-01 00:00:00", "date_till": "2026-03-31 23:59:59"})
}

/// `base()` with `key` set to `value`, checked against get.calls_report.
fn with(key: &str, value: Value) -> Result<(), validate::Violations> {
    let mut params = base();
    params[key] = value;
    validate::params(&calls_report::DESCRIPTOR, &params)
}

#[track_caller]
fn rejects(result: Result<(), validate::Violations>, path: &str, mnemonic: Mnemonic) -> validate::Violations {
    let violations = result.expect_err("expected a violation");
    assert!(violations.has(path, &mnemonic), "no {mnemonic} at `{path}` in:\n{violations}");
    violations
}

#[test]
fn a_complete_request_passes() {
    let filter = json!({"filters": [
        {"field": "finish_reason", "operator": "in", "value": ["subscriber_disconnects", "operator_answer"]},
        {"filters": [
            {"field": "total_duration", "operator": ">=", "value": 30},
            {"field": "sale_date", "operator": "<", "value": "2026-03-15 00:00:00"},
            {"field": "contact_phone_number", "operator": "like", "value": "7495%"}
        ], "condition": "or"},
        {"field": "attributes", "operator": "overlap", "value": ["first", "target"]},
        {"field": "is_lost", "operator": "=", "value": false},
        {"field": "sale_cost", "operator": "=", "value": null},
        {"field": "site_id", "operator": "is_null", "value": null}
    ], "condition": "and"});
    let mut params = base();
    params["filter"] = filter;
    params["sort"] = json!([{"field": "start_time", "order": "desc"}, {"field": "finish_reason"}]);
    params["fields"] = json!(["id", "start_time", "finish_reason", "tags"]);
    params["limit"] = json!(10000);
    params["offset"] = json!(100000);
    params["include_ongoing_calls"] = json!(true);
    validate::params(&calls_report::DESCRIPTOR, &params).unwrap_or_else(|v| panic!("{v}"));
}

#[test]
fn dates_must_be_ordered_and_within_the_method_range() {
    let mut p = base();
    p["date_till"] = json!("2026-02-01 00:00:00");
    rejects(validate::params(&calls_report::DESCRIPTOR, &p), "date_till", Mnemonic::InvalidParametersCombination);
    let v = rejects(with("date_till", json!("2026-06-01 00:00:00")), "date_till", Mnemonic::DateIntervalLimitReached);
    assert!(v.to_string().contains("at most 90 days"), "{v}");
    // get.communications allows 366 days.
    let mut p = base();
    p["date_till"] = json!("2026-12-31 00:00:00");
    p["report_id"] = json!(1);
    p["report_type"] = json!("communications");
    p["fields"] = json!(["communication_id"]);
    validate::params(&dataapi::communications::DESCRIPTOR, &p).unwrap_or_else(|v| panic!("{v}"));
    rejects(with("date_from", json!("2026-03-01T00:00:00")), "date_from", Mnemonic::InvalidParameterValue);
    let mut p = base();
    p.as_object_mut().unwrap().remove("date_from");
    rejects(validate::params(&calls_report::DESCRIPTOR, &p), "date_from", Mnemonic::RequiredParameterMissed);
}

#[test]
fn paging_stays_within_limits() {
    rejects(with("limit", json!(0)), "limit", Mnemonic::InvalidParameterValue);
    rejects(with("limit", json!(10001)), "limit", Mnemonic::InvalidParameterValue);
    rejects(with("limit", json!("ten")), "limit", Mnemonic::DataTypeError);
    rejects(with("offset", json!(100001)), "offset", Mnemonic::InvalidParameterValue);
    rejects(with("offset", json!(-1)), "offset", Mnemonic::InvalidParameterValue);
    assert!(with("limit", json!(1)).is_ok() && with("offset", json!(0)).is_ok());
}

#[test]
fn fields_must_exist_with_a_suggestion() {
    let v = rejects(with("fields", json!(["id", "finish_reasn"])), "fields[1]", Mnemonic::UnexpectedParameters);
    assert!(v.to_string().contains("did you mean `finish_reason`?"), "{v}");
    // The API accepts a name listed twice (a production client sent one twice for years).
    assert!(with("fields", json!(["id", "id"])).is_ok());
    rejects(with("fields", json!("id")), "fields", Mnemonic::DataTypeError);
}

#[test]
fn sorting_only_on_sortable_fields() {
    // `id` has no "sort: yes" in the docs; `start_time` has.
    let v = rejects(with("sort", json!([{"field": "id"}])), "sort[0].field", Mnemonic::SortProhibited);
    assert!(v.to_string().contains("`id` cannot be sorted"), "{v}");
    rejects(
        with("sort", json!([{"field": "start_time", "order": "up"}])),
        "sort[0].order",
        Mnemonic::InvalidParameterValue,
    );
    rejects(with("sort", json!([{"field": "strat_time"}])), "sort[0].field", Mnemonic::SortProhibited);
}

#[test]
fn filtering_only_on_filterable_fields() {
    // The docs' own example of a field that cannot be filtered in get.calls_report.
    let f = json!({"field": "start_time", "operator": ">", "value": "2026-03-01 00:00:00"});
    let v = rejects(with("filter", f), "filter.field", Mnemonic::FilterProhibited);
    assert!(v.to_string().contains("`start_time` cannot be filtered"), "{v}");
    let f = json!({"field": "communication_page_url", "operator": "=", "value": "x"});
    let v = rejects(with("filter", f), "filter.field", Mnemonic::FilterProhibited);
    assert!(v.to_string().contains("the docs say no"), "{v}");
    let f = json!({"field": "finish_reasons", "operator": "=", "value": "x"});
    let v = rejects(with("filter", f), "filter.field", Mnemonic::FilterProhibited);
    assert!(v.to_string().contains("did you mean `finish_reason`?"), "{v}");
}

#[test]
fn operators_must_fit_the_field() {
    let f = json!({"field": "total_duration", "operator": "like", "value": "1%"});
    let v = rejects(with("filter", f), "filter.operator", Mnemonic::InvalidParameterValue);
    assert!(v.to_string().contains("does not fit `total_duration`, a field of type integer"), "{v}");
    let f = json!({"field": "total_duration", "operator": "≥", "value": 1});
    rejects(with("filter", f), "filter.operator", Mnemonic::InvalidParameterValue);
    let f = json!({"field": "attributes", "operator": "=", "value": "first"});
    rejects(with("filter", f), "filter.operator", Mnemonic::InvalidParameterValue);
}

#[test]
fn values_must_have_the_field_type() {
    for (field, op, value) in [
        ("total_duration", ">", json!("30")),
        ("is_lost", "=", json!("false")),
        ("sale_date", "<", json!("2026-03-15")),
        ("finish_reason", "=", json!(5)),
        ("contact_phone_number", "like", json!(7495)),
        ("finish_reason", "in", json!(["a", 5])),
    ] {
        let f = json!({"field": field, "operator": op, "value": value});
        let result = with("filter", f);
        let v = result.expect_err(field);
        assert!(
            v.iter().any(|x| x.mnemonic == Mnemonic::DataTypeError && x.path.starts_with("filter.value")),
            "{field}: {v}"
        );
    }
    let f = json!({"field": "finish_reason", "operator": "in", "value": []});
    rejects(with("filter", f), "filter.value", Mnemonic::InvalidParameterValue);
    let f = json!({"field": "site_id", "operator": "is_null", "value": 5});
    rejects(with("filter", f), "filter.value", Mnemonic::InvalidParameterValue);
}

#[test]
fn trees_are_well_formed_and_not_too_deep() {
    let f = json!({"filters": [], "condition": "and"});
    rejects(with("filter", f), "filter.filters", Mnemonic::InvalidParameterValue);
    let f = json!({"filters": [{"field": "id", "operator": "=", "value": 1}], "condition": "xor"});
    rejects(with("filter", f), "filter.condition", Mnemonic::InvalidParameterValue);
    let f = json!({"filters": [{"field": "id", "operator": "=", "value": 1}, {"field": "id", "operator": "=", "value": "x"}], "condition": "or"});
    rejects(with("filter", f), "filter.filters[1].value", Mnemonic::DataTypeError);
    // get.communications allows two levels: a tree of conditions, not a tree of trees.
    let leaf = json!({"field": "communication_id", "operator": "=", "value": "1"});
    let two = json!({"filters": [leaf.clone()], "condition": "and"});
    let three = json!({"filters": [two.clone()], "condition": "and"});
    let check = |filter: &Value| validate::filter(&dataapi::communications::DESCRIPTOR, filter);
    assert!(check(&two).is_ok());
    rejects(check(&three), "filter.filters[0].filters[0]", Mnemonic::InvalidParameterValue);
    // get.calls_report documents no limit.
    let deep = json!({"filters": [{"filters": [{"filters": [{"field": "id", "operator": "=", "value": 1}], "condition": "or"}], "condition": "and"}], "condition": "and"});
    assert!(validate::filter(&calls_report::DESCRIPTOR, &deep).is_ok());
}

#[test]
fn method_params_are_required_and_typed() {
    let mut p = base();
    p["fields"] = json!(["communication_id"]);
    let v = validate::params(&dataapi::communications::DESCRIPTOR, &p).unwrap_err();
    assert!(
        v.has("report_id", &Mnemonic::RequiredParameterMissed)
            && v.has("report_type", &Mnemonic::RequiredParameterMissed),
        "{v}"
    );
    rejects(with("include_ongoing_calls", json!("yes")), "include_ongoing_calls", Mnemonic::DataTypeError);
    let v = rejects(with("include_ongoing_call", json!(true)), "include_ongoing_call", Mnemonic::UnexpectedParameters);
    assert!(v.to_string().contains("did you mean `include_ongoing_calls`?"), "{v}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut p = base();
    p["limit"] = json!(0);
    p["fields"] = json!(["nope"]);
    p["sort"] = json!([{"field": "id"}]);
    p["filter"] = json!({"field": "start_time", "operator": "=", "value": "x"});
    let v = validate::params(&calls_report::DESCRIPTOR, &p).unwrap_err();
    assert_eq!(v.0.len(), 4, "{v}");
}

#[test]
fn typed_requests_validate_through_the_same_rules() {
    let ok = Request::new(at(1), at(31))
        .token("token")
        .limit(100)
        .fields(["id", "finish_reason"])
        .raw_sort(RawSort { field: "start_time".into(), order: Order::Desc })
        .raw_filter(RawFilter::Condition { field: "is_lost".into(), operator: "=".into(), value: json!(true) });
    ok.validate().unwrap_or_else(|v| panic!("{v}"));
    let bad =
        Request::new(at(31), at(1)).token("token").limit(0).raw_sort(RawSort { field: "id".into(), order: Order::Asc });
    let v = bad.validate().unwrap_err();
    assert!(v.has("date_till", &Mnemonic::InvalidParametersCombination), "{v}");
    assert!(v.has("limit", &Mnemonic::InvalidParameterValue), "{v}");
    assert!(v.has("sort[0].field", &Mnemonic::SortProhibited), "{v}");
    assert!(!v.to_string().contains("token"), "violations never show the token: {v}");
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "id",
            "finish_reason",
            "=",
            "in",
            "like",
            "and",
            "or",
            "filters",
            "field",
            "value",
            "2026-03-01 00:00:00",
            ""
        ])
        .prop_map(|s| json!(s)),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let keys = prop::sample::select(vec!["field", "operator", "value", "filters", "condition", "order", "x"]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.prop_map(str::to_owned), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Each value, and the params made of them, as every method's params, filter, sort and
    /// fields: `Ok`, or reports that say what and where.
    #[test]
    fn the_validator_answers_any_json(filter in any_json(), sort in any_json(), fields in any_json()) {
        let params = json!({"filter": filter, "sort": sort, "fields": fields});
        for value in [&filter, &sort, &fields, &params] {
            dataapi_tests::hostile::validator(&serde_json::to_vec(value).unwrap());
        }
    }
}
