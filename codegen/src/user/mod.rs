//! A user's own types checked against the schema: what `#[derive(dataapi::Report)]` and
//! `#[derive(dataapi::ReportEnum)]` expand to.
//!
//! The proc-macro crate parses the attributes and loads the schema; everything it checks and
//! emits is decided here, from the same IR the generator reads.

mod fit;
mod report;
mod report_enum;

pub use report::{ReportInput, UserField, report};
pub use report_enum::{EnumInput, UserVariant, VariantShape, report_enum};

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::check::closest;
use crate::ir::{Method, Schema};

/// `; did you mean `x`?` when a candidate is close to `word`, else nothing.
fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
}

/// The method named at `span`, or an error there with the closest method name.
fn method<'s>(schema: &'s Schema, (name, span): &(String, Span), errors: &mut Errors) -> Option<&'s Method> {
    let found = schema.method(name);
    if found.is_none() {
        let like = did_you_mean(name, schema.methods.iter().map(|m| m.name.as_str()));
        errors.push(*span, format!("the schema has no method `{name}`{like}"));
    }
    found
}

/// Errors, one per mistake, combined into one `compile_error!` list.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        let e = syn::Error::new(span, message);
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn into_tokens(self) -> TokenStream {
        self.0.map(|e| e.to_compile_error()).unwrap_or_default()
    }
}

/// `const _: &[u8] = include_bytes!(…);` for each schema file read from disk, so that Cargo
/// rebuilds the user's crate when one changes.
fn track(files: &[String]) -> TokenStream {
    quote! { #( const _: &[u8] = ::core::include_bytes!(#files); )* }
}
