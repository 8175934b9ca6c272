//! `#[derive(Report)]` and `#[derive(ReportEnum)]`: a user's own struct and enum, checked
//! against the Data API schema at compile time. Use them through the `dataapi` crate, which
//! re-exports them and documents them in full.
//!
//! This crate is thin: it reads the attributes (`attrs.rs`) and the schema (`schema.rs`), and the
//! engine (`dataapi_codegen::user`) checks and emits.

mod attrs;
mod schema;

use proc_macro::TokenStream;

/// Ties a struct to a method's reply: checks every field against the schema and implements
/// `dataapi::runtime::Report`, `request(…)` and `decode_reply(…)`.
#[proc_macro_derive(Report, attributes(report))]
pub fn derive_report(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand(attrs::report(&input)).into()
}

/// Maps an enum to a schema enum: checks its codes and implements
/// `dataapi::runtime::ReportEnum` and serde.
#[proc_macro_derive(ReportEnum, attributes(report))]
pub fn derive_report_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand(attrs::report_enum(&input)).into()
}

/// Loads the schema the attributes name and runs the engine on it.
fn expand(parsed: syn::Result<attrs::Parsed>) -> proc_macro2::TokenStream {
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => return e.to_compile_error(),
    };
    let loaded = match schema::load(&parsed.source) {
        Ok(l) => l,
        Err(e) => return e.to_compile_error(),
    };
    match parsed.kind {
        attrs::Kind::Report(mut input) => {
            input.tracked = loaded.tracked;
            dataapi_codegen::__derive::report(&loaded.schema, &input)
        }
        attrs::Kind::Enum(mut input) => {
            input.tracked = loaded.tracked;
            dataapi_codegen::__derive::report_enum(&loaded.schema, &input)
        }
    }
}
