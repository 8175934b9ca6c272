//! Facts the engine and the runtime both need are written once and checked against each
//! other here: the common request parameters, and the mnemonics the runtime reports itself.

use dataapi::runtime::descriptor::COMMON_PARAMS;
use dataapi::runtime::{DateTime, Mnemonic, Request};

#[test]
fn the_engine_and_the_runtime_know_the_same_common_parameters() {
    assert_eq!(dataapi_codegen::check::COMMON_PARAMS, COMMON_PARAMS);
    // And they are what a full request writes, in that order, before the method's own.
    let at = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let request: Request<dataapi::calls_report::CallsReport> = Request::new(at, at)
        .token("t")
        .user_id(1)
        .offset(0)
        .limit(1)
        .raw_filter(serde_json::from_str(r#"{"field":"id","operator":"=","value":1}"#).unwrap())
        .raw_sort(serde_json::from_str(r#"{"field":"start_time","order":"asc"}"#).unwrap())
        .fields(["id"]);
    let text = serde_json::to_string(&request).unwrap();
    let positions: Vec<usize> = COMMON_PARAMS
        .iter()
        .map(|p| text.find(&format!("\"{p}\"")).unwrap_or_else(|| panic!("{p} in {text}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn every_mnemonic_the_runtime_reports_is_in_the_bundled_error_table() {
    let schema = dataapi_codegen::SchemaFiles::bundled().load().unwrap();
    for m in Mnemonic::RUNTIME {
        assert!(schema.mnemonics.values.iter().any(|v| v.code == m.as_str()), "{m} is not in errors.yaml");
        assert!(m.named::<dataapi::errors::Mnemonic>().is_known(), "{m}");
    }
}
