//! Rust types for schema types, and the serde attributes that go with them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Enum, Field, FieldType, Scalar, Schema};

/// The Rust type of a value of `ty` (not wrapped in `Option`), as the method's own module
/// names it.
pub fn rust_type(ty: &FieldType, schema: &Schema, local: &[Enum]) -> TokenStream {
    rust_type_in(ty, schema, local, &TokenStream::new())
}

/// The Rust type of a value of `ty`, with the method's generated types (enums, nested structs)
/// named through `module` (`::dataapi::calls_report::`, or empty inside the module).
pub fn rust_type_in(ty: &FieldType, schema: &Schema, local: &[Enum], module: &TokenStream) -> TokenStream {
    // An absolute path, usable from any crate.
    let rt = quote!(::dataapi::runtime);
    match ty {
        FieldType::Scalar(Scalar::Integer) => quote!(i64),
        FieldType::Scalar(Scalar::Decimal) => quote!(#rt::Decimal),
        FieldType::Scalar(Scalar::String) => quote!(::std::string::String),
        FieldType::Scalar(Scalar::Boolean) => quote!(bool),
        FieldType::Scalar(Scalar::DateTime) => quote!(#rt::DateTime),
        FieldType::Scalar(Scalar::Date) => quote!(#rt::Date),
        FieldType::Enum(r) => {
            let name = format_ident!("{}", schema.resolve(local, r).rust_name);
            quote!(#module #name)
        }
        FieldType::ValueObject => quote!(#rt::ValueObject),
        FieldType::Object { rust_name, .. } => {
            let name = format_ident!("{}", rust_name);
            quote!(#module #name)
        }
        FieldType::Array(item) => {
            let item = rust_type_in(item, schema, local, module);
            quote!(::std::vec::Vec<#item>)
        }
        FieldType::Filter => quote!(#rt::RawFilter),
    }
}

/// The serde attributes of an optional field: default, skip when absent, rename, lenient.
/// `lenient_all` makes every scalar lenient (event payloads arrive as strings).
pub fn serde_attrs(field: &Field, lenient_all: bool) -> TokenStream {
    let rename = field.renamed().then(|| {
        let wire = &field.name;
        quote!(rename = #wire,)
    });
    let lenient = (field.lenient || (lenient_all && is_lenient_scalar(&field.ty)))
        .then(|| quote!(deserialize_with = "::dataapi::runtime::lenient::option",));
    quote! {
        #[serde(#rename default, skip_serializing_if = "::core::option::Option::is_none", #lenient)]
    }
}

fn is_lenient_scalar(ty: &FieldType) -> bool {
    matches!(ty, FieldType::Scalar(Scalar::Integer | Scalar::Decimal | Scalar::Boolean | Scalar::String))
}
