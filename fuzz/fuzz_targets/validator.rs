//! Any JSON as the params, filter, sort and fields of every method.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dataapi_tests::hostile::validator(data));
