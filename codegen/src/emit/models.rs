//! Reply rows and the nested structs of their objects and arrays of objects.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{deprecated, doc, field_doc};
use super::types::{rust_type, serde_attrs};
use crate::ir::{Enum, Field, FieldType, Schema, Text};

/// A struct whose fields are all optional, as replies are: `null`, absent, or a value.
/// `flags` documents filter/sort/default; `lenient_all` decodes scalars from strings too;
/// `rest` says where the keys the fields do not list go.
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
    /// Where the keys the fields do not list go.
    pub rest: Rest,
}

/// What a struct does with the keys its fields do not list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// Serde skips them.
    Ignore,
    /// An event payload keeps them in `variables`.
    Variables,
    /// A reply row and its nested structs keep them in `unknown_keys`, for archiving.
    UnknownKeys,
}

/// The struct of `model`, followed by the structs of its nested objects.
pub fn model(model: &Model<'_>, schema: &Schema, local: &[Enum]) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let docs = &model.doc;
    let fields = model.fields.iter().map(|f| {
        let ident = f.ident();
        let ty = rust_type(&f.ty, schema, local);
        let docs = field_doc(f, model.flags);
        let serde = serde_attrs(f, model.lenient_all);
        let deprecated = deprecated(f);
        quote! { #docs #deprecated #serde pub #ident: ::core::option::Option<#ty>, }
    });
    let map = quote!(::std::collections::BTreeMap<::std::string::String, ::dataapi::serde_json::Value>);
    let rest = match model.rest {
        Rest::Ignore => None,
        Rest::Variables => Some(quote! {
            /// Every other key of the payload: the variables of the member and the queue.
            #[serde(flatten)]
            pub variables: #map,
        }),
        Rest::UnknownKeys => Some(quote! {
            /// Every key of the reply that the schema does not list, kept as it came.
            #[serde(flatten)]
            pub unknown_keys: #map,
        }),
    };
    let nested_rest = if model.rest == Rest::UnknownKeys { Rest::UnknownKeys } else { Rest::Ignore };
    let nested = nested_models(model.fields, schema, local, model.lenient_all, nested_rest);
    quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq, ::dataapi::serde::Serialize, ::dataapi::serde::Deserialize)]
        #[serde(crate = "::dataapi::serde")]
        #[non_exhaustive]
        pub struct #name {
            #( #fields )*
            #rest
        }
        #nested
    }
}

fn nested_models(fields: &[Field], schema: &Schema, local: &[Enum], lenient_all: bool, rest: Rest) -> TokenStream {
    let structs = fields.iter().filter_map(|f| {
        let ty = match &f.ty {
            FieldType::Array(item) => item.as_ref(),
            ty => ty,
        };
        let FieldType::Object { rust_name, fields } = ty else { return None };
        let text = Text { en: Some(format!("An item of `{}`.", f.name)), ru: None };
        let m = Model { name: rust_name, doc: doc(&text, "", &[]), fields, flags: false, lenient_all, rest };
        Some(model(&m, schema, local))
    });
    quote! { #( #structs )* }
}
