//! Compile-time checks: misuse of the typed API and of the derives fails to compile with the
//! messages checked in next to each case (`ui/**/*.stderr`); correct use compiles without
//! warnings.

#[test]
fn ui() {
    // trybuild compiles the cases in a crate of its own under `target/`; the derive resolves
    // `schema = "…"` paths against this folder instead.
    // SAFETY: this binary has this one test, so no other thread reads the environment.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("DATAAPI_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/filters/*.rs");
    cases.compile_fail("ui/derive/*.rs");
    cases.pass("ui/pass/*.rs");
}
