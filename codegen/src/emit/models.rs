//! Reply rows and the nested structs of their objects and arrays of objects.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, field_doc};
use super::types::{field_ident, rust_type, serde_attrs};
use crate::ir::{Enum, Field, FieldType, Schema, Text};

/// A struct whose fields are all optional, as replies are: `null`, absent, or a value.
/// `flags` documents filter/sort/default; `lenient_all` decodes scalars from strings too;
/// `variables` adds a map that keeps every other key.
pub struct Model<'a> {
    /// Type name.
    pub name: &'a str,
    /// Docs.
    pub doc: TokenStream,
    /// Fields.
    pub fields: &'a [Field],
    /// Document the flags of each field.
    pub flags: bool,
    /// Decode every scalar from a string as well.
    pub lenient_all: bool,
    /// Keep unknown keys in a `variables` map.
    pub variables: bool,
}

/// The struct of `model`, followed by the structs of its nested objects.
pub fn model(model: &Model<'_>, schema: &Schema, local: &[Enum]) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let docs = &model.doc;
    let fields = model.fields.iter().map(|f| {
        let ident = field_ident(f);
        let ty = rust_type(&f.ty, schema, local);
        let docs = field_doc(f, model.flags);
        let serde = serde_attrs(f, model.lenient_all);
        quote! { #docs #serde pub #ident: ::core::option::Option<#ty>, }
    });
    let variables = model.variables.then(|| {
        quote! {
            /// Every other key of the payload: the variables of the member and the queue.
            #[serde(flatten)]
            pub variables: ::std::collections::BTreeMap<::std::string::String, ::dataapi::serde_json::Value>,
        }
    });
    let nested = nested_models(model.fields, schema, local, model.lenient_all);
    quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq, ::dataapi::serde::Serialize, ::dataapi::serde::Deserialize)]
        #[serde(crate = "::dataapi::serde")]
        #[non_exhaustive]
        pub struct #name {
            #( #fields )*
            #variables
        }
        #nested
    }
}

fn nested_models(fields: &[Field], schema: &Schema, local: &[Enum], lenient_all: bool) -> TokenStream {
    let structs = fields.iter().filter_map(|f| {
        let ty = match &f.ty {
            FieldType::Array(item) => item.as_ref(),
            ty => ty,
        };
        let FieldType::Object { rust_name, fields } = ty else { return None };
        let text = Text { en: Some(format!("An item of `{}`.", f.name)), ru: None };
        let m =
            Model { name: rust_name, doc: doc(&text, "", &[]), fields, flags: false, lenient_all, variables: false };
        Some(model(&m, schema, local))
    });
    quote! { #( #structs )* }
}
