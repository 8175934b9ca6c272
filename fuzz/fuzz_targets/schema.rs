//! One schema file, of the kind its first byte picks, over the bundled tables.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dataapi_tests::hostile::schema_file(data));
