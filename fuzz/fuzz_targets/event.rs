//! An event payload, as JSON or as form pairs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dataapi_tests::hostile::event(data));
