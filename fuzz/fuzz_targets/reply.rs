//! A reply body, as each method's rows and as a user struct.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dataapi_tests::hostile::reply(data));
