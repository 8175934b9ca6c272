//! No data loss: decode → encode → decode gives what the first decode gave, for the rows of
//! every bundled method, a user struct and queue events. Payloads are made from the bundled
//! schema itself: every field's type, known and unknown enum codes (kept verbatim), lenient
//! values written as strings, `null`s and absent fields. Keys the schema does not know are
//! mixed in too; the bundled rows ignore them, and that rows with `unknown_keys: keep` keep
//! them is a property of the build.rs consumer (`tests/consumers/buildrs/tests/deals.rs`).

use dataapi::Report;
use dataapi_codegen::ir::{Enum, EnumScope, Field, FieldType, Scalar, Schema};
use dataapi_tests::hostile::{self, UserCall};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;

/// The bundled schema, loaded once for every property.
static SCHEMA: LazyLock<Schema> =
    LazyLock::new(|| dataapi_codegen::SchemaFiles::bundled().load().expect("the bundled schema loads"));

/// The codes of an enum, plus codes no schema has.
fn code(e: &Enum) -> BoxedStrategy<Value> {
    let known: Vec<String> = e.values.iter().map(|v| v.code.clone()).collect();
    prop_oneof![3 => select(known), 1 => "[a-z_]{1,12}|Unrecognized|[A-Z ]{1,4}"].prop_map(Value::String).boxed()
}

/// A JSON value that fits `ty`; a lenient scalar may come as a string (or a string as a number).
fn value(ty: &FieldType, lenient: bool, schema: &Schema, local: &[Enum]) -> BoxedStrategy<Value> {
    let number_text = |n: BoxedStrategy<Value>| {
        if lenient { prop_oneof![n.clone(), n.prop_map(|v| Value::String(v.to_string()))].boxed() } else { n }
    };
    match ty {
        FieldType::Scalar(Scalar::Integer) => number_text(any::<i64>().prop_map(Value::from).boxed()),
        // Money: cents, and fractions with up to six places.
        FieldType::Scalar(Scalar::Decimal) => number_text(
            prop_oneof![
                (-10_000_000_000i64..10_000_000_000).prop_map(|c| json!(c as f64 / 100.0)),
                (-1_000_000i64..1_000_000, 0u32..7).prop_map(|(m, s)| json!(m as f64 / 10f64.powi(s as i32))),
            ]
            .boxed(),
        ),
        FieldType::Scalar(Scalar::String) => {
            let text = "\\PC{0,16}".prop_map(Value::String).boxed();
            if lenient { prop_oneof![text, any::<i64>().prop_map(Value::from)].boxed() } else { text }
        }
        FieldType::Scalar(Scalar::Boolean) => any::<bool>().prop_map(Value::Bool).boxed(),
        FieldType::Scalar(Scalar::DateTime) => (1970i32..2100, 1u32..13, 1u32..29, 0u32..24, 0u32..60, 0u32..60)
            .prop_map(|(y, mo, d, h, mi, s)| json!(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")))
            .boxed(),
        FieldType::Scalar(Scalar::Date) => {
            (1970i32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}"))).boxed()
        }
        FieldType::Enum(r) => match r.scope {
            EnumScope::Shared => code(&schema.enums[r.index]),
            EnumScope::Local => code(&local[r.index]),
        },
        FieldType::ValueObject => (
            proptest::option::of("\\PC{0,8}"),
            proptest::option::of(prop_oneof![
                any::<bool>().prop_map(Value::Bool),
                any::<i32>().prop_map(Value::from),
                "[a-z0-9]{0,6}".prop_map(Value::String),
            ]),
        )
            .prop_map(|(value, id)| json!({"value": value, "value_id": id}))
            .boxed(),
        FieldType::Object { fields, .. } => object(fields, false, schema, local),
        FieldType::Array(item) => {
            proptest::collection::vec(value(item, lenient, schema, local), 0..3).prop_map(Value::Array).boxed()
        }
        FieldType::Filter => Just(json!({})).boxed(),
    }
}

/// An object with some of `fields` (each present, `null` or absent) and perhaps a key the
/// schema does not know; `lenient_all` makes every scalar lenient, as event payloads are.
fn object(fields: &[Field], lenient_all: bool, schema: &Schema, local: &[Enum]) -> BoxedStrategy<Value> {
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|f| {
            let name = f.name.clone();
            let present = value(&f.ty, f.lenient || lenient_all, schema, local);
            prop_oneof![
                4 => present.prop_map(move |v| Some((name.clone(), v))),
                1 => Just(Some((f.name.clone(), Value::Null))),
                2 => Just(None),
            ]
            .boxed()
        })
        .collect();
    (members, proptest::option::of(("x_[a-z]{1,6}", any::<i32>())))
        .prop_map(|(members, extra)| {
            let mut map: Map<String, Value> = members.into_iter().flatten().collect();
            if let Some((k, v)) = extra {
                map.insert(k, v.into());
            }
            Value::Object(map)
        })
        .boxed()
}

fn method_row(name: &str) -> BoxedStrategy<Value> {
    let m = SCHEMA.method(name).expect("a bundled method");
    object(&m.fields, false, &SCHEMA, &m.enums)
}

fn reply_of(rows: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 1, "result": {"data": rows, "metadata": {"total_items": 3}}}))
        .unwrap()
}

/// Rows that fit the schema always decode, and survive a round trip.
fn rows_round_trip<T>(rows: Vec<Value>) -> Result<(), TestCaseError>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let body = reply_of(rows);
    let page = dataapi::runtime::Reply::<T>::decode(&body)
        .map_err(|e| TestCaseError::fail(format!("{e} in {}", String::from_utf8_lossy(&body))))?;
    page.data.iter().for_each(hostile::generated_round_trip);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn calls_report_rows(rows in proptest::collection::vec(method_row("get.calls_report"), 1..4)) {
        rows_round_trip::<dataapi::calls_report::Row>(rows)?;
    }

    #[test]
    fn communications_report_rows(rows in proptest::collection::vec(method_row("get.communications_report"), 1..4)) {
        rows_round_trip::<dataapi::communications_report::Row>(rows)?;
    }

    #[test]
    fn communications_rows(rows in proptest::collection::vec(method_row("get.communications"), 1..4)) {
        rows_round_trip::<dataapi::communications::Row>(rows)?;
    }

    #[test]
    fn chats_report_rows(rows in proptest::collection::vec(method_row("get.chats_report"), 1..4)) {
        rows_round_trip::<dataapi::chats_report::Row>(rows)?;
    }

    #[test]
    fn offline_messages_report_rows(rows in proptest::collection::vec(method_row("get.offline_messages_report"), 1..4)) {
        rows_round_trip::<dataapi::offline_messages_report::Row>(rows)?;
    }

    #[test]
    fn call_legs_report_rows(rows in proptest::collection::vec(method_row("get.call_legs_report"), 1..4)) {
        rows_round_trip::<dataapi::call_legs_report::Row>(rows)?;
    }

    #[test]
    fn goals_report_rows(rows in proptest::collection::vec(method_row("get.goals_report"), 1..4)) {
        rows_round_trip::<dataapi::goals_report::Row>(rows)?;
    }

    #[test]
    fn visitor_sessions_report_rows(rows in proptest::collection::vec(method_row("get.visitor_sessions_report"), 1..4)) {
        rows_round_trip::<dataapi::visitor_sessions_report::Row>(rows)?;
    }

    #[test]
    fn financial_call_legs_report_rows(rows in proptest::collection::vec(method_row("get.financial_call_legs_report"), 1..4)) {
        rows_round_trip::<dataapi::financial_call_legs_report::Row>(rows)?;
    }

    #[test]
    fn chat_messages_report_rows(rows in proptest::collection::vec(method_row("get.chat_messages_report"), 1..4)) {
        rows_round_trip::<dataapi::chat_messages_report::Row>(rows)?;
    }

    #[test]
    fn chat_channels_rows(rows in proptest::collection::vec(method_row("get.chat_channels"), 1..4)) {
        rows_round_trip::<dataapi::chat_channels::Row>(rows)?;
    }

    #[test]
    fn user_struct_rows(mut row in method_row("get.calls_report"), id in any::<i64>()) {
        // The struct requires `id`.
        row.as_object_mut().unwrap().insert("id".into(), id.into());
        let call = UserCall::decode_row(row.clone()).map_err(|e| TestCaseError::fail(format!("{e} in {row}")))?;
        hostile::user_round_trip(&call);
    }

    #[test]
    fn events_as_json_and_form_pairs(
        (name, payload) in event_payload(), form in any::<bool>()
    ) {
        let mut payload = payload;
        payload.as_object_mut().unwrap().insert("event".into(), Value::String(name));
        let event = if form {
            let pairs: Vec<(String, String)> = payload
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, v)| !v.is_null() && !v.is_array() && !v.is_object())
                .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect();
            dataapi::queue::Event::from_pairs(pairs)
        } else {
            dataapi::queue::Event::from_json(payload.clone())
        };
        let event = event.map_err(|e| TestCaseError::fail(format!("{e} in {payload}")))?;
        let json = event.to_json();
        let again = dataapi::queue::Event::from_json(json.clone())
            .map_err(|e| TestCaseError::fail(format!("{e} in {json}")))?;
        prop_assert_eq!(again, event, "through {}", json);
    }
}

/// An event's name (one of the family's, or one it does not know) and a payload of its fields.
fn event_payload() -> impl Strategy<Value = (String, Value)> {
    let schema = &*SCHEMA;
    let family = &schema.event_families[0];
    let cases: Vec<BoxedStrategy<(String, Value)>> = family
        .events
        .iter()
        .map(|e| {
            let name = e.name.clone();
            object(&e.fields, true, schema, &family.enums).prop_map(move |p| (name.clone(), p)).boxed()
        })
        .chain(std::iter::once(
            ("[A-Z][a-z]{1,8}", object(&family.events[0].fields, true, schema, &family.enums)).boxed(),
        ))
        .collect();
    proptest::strategy::Union::new(cases)
}
