//! Typed filters and sort keys: the wire shape of what the builders make, and that it always
//! passes the validator.

use dataapi::calls_report::{self, CallsReport, FinishReason, Request, fields};
use dataapi::enums::{Attribute, Direction};
use dataapi::prelude::*;
use dataapi::runtime::{DateTime, validate};
use proptest::prelude::*;
use serde_json::json;

fn at(d: u32) -> DateTime {
    DateTime::from_ymd_hms(2026, 3, d, 0, 0, 0).unwrap()
}

#[test]
fn one_level() {
    let f = fields::finish_reason.eq(FinishReason::SubscriberDisconnects);
    assert_eq!(
        serde_json::to_value(&f).unwrap(),
        json!({"field": "finish_reason", "operator": "=", "value": "subscriber_disconnects"})
    );
}

#[test]
fn two_levels() {
    let f = fields::direction.eq(Direction::In).and(fields::total_duration.ge(60)).and(fields::is_lost.eq(false));
    assert_eq!(
        serde_json::to_value(&f).unwrap(),
        json!({"filters": [
            {"field": "direction", "operator": "=", "value": "in"},
            {"field": "total_duration", "operator": ">=", "value": 60},
            {"field": "is_lost", "operator": "=", "value": false}
        ], "condition": "and"})
    );
}

#[test]
fn three_levels_and_every_value_shape() {
    let f = Filter::all([
        fields::finish_reason.is_in([FinishReason::OperatorAnswer, FinishReason::Unrecognized("new_code".into())]),
        Filter::any([
            fields::sale_date.lt(at(15)),
            fields::contact_phone_number.like("7495%"),
            fields::sale_cost.eq_null(),
        ]),
        fields::attributes.overlap([Attribute::First, Attribute::OffTarget]),
        fields::site_id.is_not_null(),
        fields::tags.eq_null(),
    ]);
    assert_eq!(
        serde_json::to_value(&f).unwrap(),
        json!({"filters": [
            {"field": "finish_reason", "operator": "in", "value": ["operator_answer", "new_code"]},
            {"filters": [
                {"field": "sale_date", "operator": "<", "value": "2026-03-15 00:00:00"},
                {"field": "contact_phone_number", "operator": "like", "value": "7495%"},
                {"field": "sale_cost", "operator": "=", "value": null}
            ], "condition": "or"},
            {"field": "attributes", "operator": "overlap", "value": ["first", "off-target"]},
            {"field": "site_id", "operator": "is_not_null", "value": null},
            {"field": "tags", "operator": "=", "value": null}
        ], "condition": "and"})
    );
}

#[test]
fn a_request_with_filter_sort_and_fields() {
    let request = Request::new(at(1), at(31))
        .token("token")
        .filter(fields::is_lost.eq(true).or(fields::wait_duration.gt(120)))
        .sort(fields::start_time.desc())
        .sort(fields::finish_reason.asc())
        .fields(["id", "start_time", "finish_reason"]);
    request.validate().unwrap_or_else(|v| panic!("{v}"));
    let params = serde_json::to_value(&request).unwrap();
    assert_eq!(
        params["sort"],
        json!([{"field": "start_time", "order": "desc"}, {"field": "finish_reason", "order": "asc"}])
    );
    assert_eq!(params["filter"]["condition"], "or");
}

/// A random filter tree built only through the typed API.
fn any_filter() -> impl Strategy<Value = Filter<CallsReport>> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| fields::total_duration.ge(n)),
        any::<bool>().prop_map(|b| fields::is_lost.eq(b)),
        (1u32..28).prop_map(|d| fields::sale_date.lt(at(d))),
        ".*".prop_map(|s| fields::contact_phone_number.ilike(s)),
        prop::sample::subsequence(FinishReason::KNOWN.to_vec(), 1..4).prop_map(|v| fields::finish_reason.is_in(v)),
        prop::sample::subsequence(Attribute::KNOWN.to_vec(), 1..3).prop_map(|v| fields::attributes.not_overlap(v)),
        Just(fields::utm_source.is_null()),
        Just(fields::sale_cost.ne_null()),
        Just(fields::employees.eq_null()),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Filter::all),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Filter::any),
            (inner.clone(), inner).prop_map(|(a, b)| a.or(b)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn builder_output_always_passes_the_validator(filter in any_filter()) {
        let json = serde_json::to_value(&filter).unwrap();
        prop_assert!(validate::filter(&calls_report::DESCRIPTOR, &json).is_ok(), "{}", json);
        let request = Request::new(at(1), at(20)).token("token").filter(filter);
        prop_assert!(request.validate().is_ok());
    }
}
