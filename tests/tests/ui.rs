//! Compile-time checks: misuse of the typed API fails to compile with the messages checked in
//! next to each case (`tests/ui/**/*.stderr`); correct use compiles without warnings.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/filters/*.rs");
    cases.pass("ui/pass/*.rs");
}
