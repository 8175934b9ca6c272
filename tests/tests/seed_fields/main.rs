//! The bundled schema holds exactly the fields the vendor docs list, per method and event.
//!
//! The lists in `names.rs` were taken from the docs by hand, independently of the schema
//! files, so a field the schema lacks, or a typo in either, fails here.

mod names;

use std::collections::BTreeSet;
use std::path::Path;

use dataapi_codegen::ir::{Field, FieldType, Schema};

fn schema() -> Schema {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    dataapi_codegen::load_dir(&root).unwrap_or_else(|d| panic!("{d}"))
}

/// `name`, and `name.child` for the fields of objects and arrays of objects.
fn paths(fields: &[Field], prefix: &str, out: &mut Vec<String>) {
    for f in fields {
        let path = format!("{prefix}{}", f.name);
        out.push(path.clone());
        let ty = match &f.ty {
            FieldType::Array(item) => item.as_ref(),
            ty => ty,
        };
        if let FieldType::Object { fields, .. } = ty {
            paths(fields, &format!("{path}."), out);
        }
    }
}

fn same_set(what: &str, schema: &[String], docs: &[&str]) {
    let have: BTreeSet<&str> = schema.iter().map(String::as_str).collect();
    let want: BTreeSet<&str> = docs.iter().copied().collect();
    assert_eq!(want.len(), docs.len(), "{what}: the docs list repeats a name");
    let missing: Vec<_> = want.difference(&have).collect();
    let extra: Vec<_> = have.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: the schema lacks {missing:?} and has {extra:?}, which the docs do not list"
    );
}

fn method_fields(schema: &Schema, method: &str) -> (Vec<String>, Vec<String>) {
    let m = schema.method(method).unwrap_or_else(|| panic!("no method {method}"));
    let mut fields = Vec::new();
    paths(&m.fields, "", &mut fields);
    (fields, m.params.iter().map(|p| p.name.clone()).collect())
}

#[test]
fn calls_report_has_every_documented_field() {
    let (fields, params) = method_fields(&schema(), "get.calls_report");
    same_set("get.calls_report fields", &fields, names::CALLS_REPORT);
    same_set("get.calls_report params", &params, names::CALLS_REPORT_PARAMS);
}

#[test]
fn communications_report_has_every_documented_field() {
    let (fields, params) = method_fields(&schema(), "get.communications_report");
    same_set("get.communications_report fields", &fields, names::COMMUNICATIONS_REPORT);
    assert!(params.is_empty());
}

#[test]
fn communications_has_every_documented_field() {
    let (fields, params) = method_fields(&schema(), "get.communications");
    same_set("get.communications fields", &fields, names::COMMUNICATIONS);
    same_set("get.communications params", &params, names::COMMUNICATIONS_PARAMS);
}

/// The classic reports added from the vendor tables: reply fields and own parameters.
#[test]
fn classic_reports_have_every_documented_field() {
    let schema = schema();
    let methods: [(&str, &[&str], &[&str]); 8] = [
        ("get.chats_report", names::CHATS_REPORT, names::CHATS_REPORT_PARAMS),
        ("get.offline_messages_report", names::OFFLINE_MESSAGES_REPORT, names::OFFLINE_MESSAGES_REPORT_PARAMS),
        ("get.call_legs_report", names::CALL_LEGS_REPORT, names::CALL_LEGS_REPORT_PARAMS),
        ("get.goals_report", names::GOALS_REPORT, names::GOALS_REPORT_PARAMS),
        ("get.visitor_sessions_report", names::VISITOR_SESSIONS_REPORT, names::VISITOR_SESSIONS_REPORT_PARAMS),
        ("get.financial_call_legs_report", names::FINANCIAL_CALL_LEGS_REPORT, names::FINANCIAL_CALL_LEGS_REPORT_PARAMS),
        ("get.chat_messages_report", names::CHAT_MESSAGES_REPORT, names::CHAT_MESSAGES_REPORT_PARAMS),
        ("get.chat_channels", names::CHAT_CHANNELS, names::CHAT_CHANNELS_PARAMS),
    ];
    for (method, docs, doc_params) in methods {
        let (fields, params) = method_fields(&schema, method);
        same_set(&format!("{method} fields"), &fields, docs);
        same_set(&format!("{method} params"), &params, doc_params);
    }
}

/// The call legs: 34 fields on the CoMagic page, 30 on the CallGear page.
#[test]
fn call_legs_fields_of_one_brand_are_marked() {
    use dataapi_codegen::ir::Brand;
    let schema = schema();
    let m = schema.method("get.call_legs_report").expect("get.call_legs_report");
    let comagic_only: Vec<String> =
        m.fields.iter().filter(|f| f.brands == [Brand::CoMagic]).map(|f| f.name.clone()).collect();
    same_set("get.call_legs_report CoMagic-only fields", &comagic_only, names::CALL_LEGS_REPORT_COMAGIC_ONLY);
    let of = |b: Brand| m.fields.iter().filter(|f| f.brands.is_empty() || f.brands.contains(&b)).count();
    assert_eq!((of(Brand::CoMagic), of(Brand::CallGear)), (34, 30));
}

#[test]
fn queue_events_have_every_documented_field() {
    let schema = schema();
    let family = schema.event_families.iter().find(|f| f.name == "queue").expect("queue events");
    for (event, docs) in names::QUEUE_EVENTS {
        let e = family.events.iter().find(|e| e.name == *event).unwrap_or_else(|| panic!("no event {event}"));
        let mut fields = Vec::new();
        paths(&e.fields, "", &mut fields);
        same_set(&format!("event {event}"), &fields, docs);
    }
    let active = family.events.iter().find(|e| e.name == "Active").expect("Active");
    let answered = family.events.iter().find(|e| e.name == "Answered").expect("Answered");
    assert_eq!(active.fields, answered.fields, "Active carries the fields of Answered");
    assert_eq!(family.events.len(), names::QUEUE_EVENTS.len() + 1);
}
