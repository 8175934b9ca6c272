//! The crate's own method and enum code, generated in build.rs: typed filters, validation and
//! decoding work as they do for the bundled methods.

use dataapi::prelude::*;
use dataapi::{DateTime, Report};
use dataapi_consumer_buildrs::Deal;
use dataapi_consumer_buildrs::api::deals_report::{self, Stage, fields};
use dataapi_consumer_buildrs::api::enums::FinishReason;

const REPLY: &[u8] = include_bytes!("../fixtures/deals_reply.json");

fn march() -> (DateTime, DateTime) {
    (DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap(), DateTime::from_ymd_hms(2026, 3, 31, 23, 59, 59).unwrap())
}

#[test]
fn a_filtered_sorted_request_validates_and_has_the_wire_shape() {
    let (from, till) = march();
    let request = deals_report::Request::new(from, till)
        .token("token")
        .filter(Filter::all([fields::stage.is_in([Stage::Won, Stage::Negotiation]), fields::amount.ge(1000.into())]))
        .sort(fields::created_at.desc())
        .limit(5000);
    request.validate().unwrap();
    let call = serde_json::to_value(request.to_rpc(1)).unwrap();
    assert_eq!(call["method"], "get.deals_report");
    assert_eq!(call["params"]["filter"]["filters"][0]["operator"], "in");
    assert_eq!(call["params"]["filter"]["filters"][0]["value"], serde_json::json!(["won", "negotiation"]));
    assert_eq!(call["params"]["sort"][0]["field"], "created_at");
}

#[test]
fn the_schemas_limits_are_enforced() {
    let (from, _) = march();
    let far = DateTime::from_ymd_hms(2026, 12, 31, 0, 0, 0).unwrap();
    let err = deals_report::Request::new(from, far).token("token").limit(5001).validate().unwrap_err().to_string();
    assert!(err.contains("180"), "the 180-day range is this schema's: {err}");
    assert!(err.contains("5000"), "{err}");
}

#[test]
fn a_reply_decodes_with_the_extended_enum_and_unknown_codes_kept() {
    let page = dataapi::runtime::Reply::<deals_report::Row>::decode(REPLY).unwrap();
    assert_eq!(page.metadata.total_items, Some(2));
    let first = &page.data[0];
    assert_eq!(first.finish_reason, Some(FinishReason::CrmClosed), "this crate's code is a known variant");
    assert_eq!(first.products.as_ref().unwrap()[0].price.map(|p| p.to_string()), Some("42000.25".into()));
    let second = &page.data[1];
    assert_eq!(second.stage, Some(Stage::Unrecognized("on_hold".into())));
    assert_eq!(second.finish_reason, Some(FinishReason::SubscriberDisconnects), "bundled codes stay");
}

/// The schema says `unknown_keys: keep`: keys it does not list are kept in the row and in its
/// nested structs, and encode back as they came.
#[test]
fn unknown_keys_are_kept_and_encoded_back() {
    let page = dataapi::runtime::Reply::<deals_report::Row>::decode(REPLY).unwrap();
    let first = &page.data[0];
    assert_eq!(first.unknown_keys["pipeline"], serde_json::json!({"id": 3, "name": "Retail"}));
    assert_eq!(first.products.as_ref().unwrap()[0].unknown_keys["sku"], "D-17");
    assert!(page.data[1].unknown_keys.is_empty());
    for row in &page.data {
        let json = serde_json::to_value(row).unwrap();
        let again: deals_report::Row = serde_json::from_value(json).unwrap();
        assert_eq!(&again, row);
    }
    let json = serde_json::to_value(first).unwrap();
    assert_eq!(json["pipeline"]["name"], "Retail");
    assert_eq!(json["products"][0]["sku"], "D-17");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Any keys the schema does not list, with any JSON values, on a row and on its nested
    /// products, are kept, encoded back as they came, and decode to the same row.
    #[test]
    fn any_unknown_keys_survive_a_round_trip(
        row_keys in proptest::collection::btree_map("x_[a-z]{1,8}", json_value(), 0..4),
        product_keys in proptest::collection::btree_map("y_[a-z]{1,8}", json_value(), 0..4),
    ) {
        let mut product = serde_json::json!({"product_id": 17, "price": 42000.25});
        product.as_object_mut().unwrap().extend(product_keys.clone());
        let mut row = serde_json::json!({"id": 1, "stage": "won", "products": [product]});
        row.as_object_mut().unwrap().extend(row_keys.clone());

        let decoded: deals_report::Row = serde_json::from_value(row.clone()).unwrap();
        proptest::prop_assert_eq!(&decoded.unknown_keys, &row_keys);
        proptest::prop_assert_eq!(&decoded.products.as_ref().unwrap()[0].unknown_keys, &product_keys);
        let encoded = serde_json::to_value(&decoded).unwrap();
        proptest::prop_assert_eq!(&encoded, &row, "encoded as it came");
        let again: deals_report::Row = serde_json::from_value(encoded).unwrap();
        proptest::prop_assert_eq!(again, decoded);
    }
}

/// Any JSON value a few levels deep.
fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,10}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn the_crates_own_struct_asks_for_its_fields_and_decodes() {
    let (from, till) = march();
    let request = Deal::request(from, till).token("token");
    request.validate().unwrap();
    assert_eq!(Deal::FIELDS, ["id", "stage", "amount", "products", "finish_reason"]);
    let page = Deal::decode_reply(REPLY).unwrap();
    assert_eq!(page.data[0].id, 9001);
    assert_eq!(page.data[0].stage, Stage::Won);
    assert_eq!(page.data[1].products, []);
    assert_eq!(Deal::decode_row(page.data[0].to_json()).unwrap(), page.data[0]);
}

#[test]
fn the_bundled_method_it_generated_knows_the_extra_code_too() {
    use dataapi_consumer_buildrs::api::calls_report;
    let reason: calls_report::FinishReason = "crm_closed".parse().unwrap();
    assert_eq!(reason, FinishReason::CrmClosed);
    assert!(dataapi_consumer_buildrs::api::METHODS.iter().any(|m| m.name == "get.deals_report"));
    assert_eq!(dataapi_consumer_buildrs::api::METHODS.len(), 2, "only the methods the build script chose");
}

#[test]
fn what_the_schema_leaves_unchanged_is_the_bundled_crates_own_type() {
    use dataapi_consumer_buildrs::api;
    // These compile only because the types are the same: no conversion between the crates.
    let direction: dataapi::enums::Direction = api::enums::Direction::In;
    let same: fn(dataapi::queue::Event) -> api::queue::Event = |event| event;
    let mnemonic: dataapi::errors::Mnemonic = api::errors::Mnemonic::FilterProhibited;
    assert_eq!(direction.as_str(), "in");
    assert_eq!(mnemonic.code(), Some(-32602));
    let _ = same;
    // The extended enum is this crate's own, with its extra code.
    assert!(FinishReason::KNOWN.iter().any(|code| code.as_str() == "crm_closed"));
}
