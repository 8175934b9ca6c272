//! Typed filters: the operator table as a trait, and the fields of each method as types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, field_doc};
use super::types::{field_ident, rust_type};
use crate::check::pascal;
use crate::ir::{FieldType, Kind, Method, Schema, ValueShape};

fn kind_marker(kind: Kind) -> TokenStream {
    let name = format_ident!("{}", kind.rust_name());
    quote!(::dataapi::runtime::kind::#name)
}

/// The `operators` module: a marker type per operator, which kinds each fits, and `FilterOps`.
pub fn operators(schema: &Schema) -> TokenStream {
    let markers: Vec<_> = schema
        .operators
        .iter()
        .map(|o| format_ident!("{}", pascal(&o.rust_name, None).unwrap_or_else(|_| "Op".into())))
        .collect();
    let marker_defs = schema.operators.iter().zip(&markers).map(|(o, m)| {
        let docs = doc(&o.doc, "", &[format!("The operator `{}`.", o.wire)]);
        quote! { #docs #[derive(Debug, Clone, Copy)] pub struct #m; }
    });
    let fits = schema.operators.iter().zip(&markers).flat_map(|(o, m)| {
        // `any` is not a kind of field: an operator that fits it fits each of the others.
        Kind::ALL.iter().filter(|(_, k)| *k != Kind::Any && o.fits(*k)).map(move |(_, k)| {
            let kind = kind_marker(*k);
            quote! { impl ::dataapi::runtime::Fits<ops::#m> for #kind {} }
        })
    });
    let methods = schema.operators.iter().zip(&markers).map(|(o, m)| {
        let name = format_ident!("{}", o.rust_name);
        let wire = &o.wire;
        let docs = doc(&o.doc, "", &[format!("The condition `{{\"field\": …, \"operator\": \"{wire}\", \"value\": …}}`.")]);
        let bounds = quote! {
            where
                Self: ::dataapi::runtime::Filterable,
                Self::Kind: ::dataapi::runtime::Fits<ops::#m>,
        };
        let filter = quote!(::dataapi::runtime::Filter<Self::Method>);
        let condition = |value: TokenStream| quote!(::dataapi::runtime::Filter::condition(Self::NAME, #wire, #value));
        let main = match o.value {
            ValueShape::Same => {
                let body = condition(quote!(::dataapi::runtime::typed::to_json(value)));
                quote! { #docs fn #name(self, value: Self::Value) -> #filter #bounds { #body } }
            }
            ValueShape::List | ValueShape::Items => {
                let body = condition(quote!(::dataapi::runtime::typed::to_json(values.into_iter().collect::<::std::vec::Vec<_>>())));
                quote! {
                    #docs
                    fn #name(self, values: impl ::core::iter::IntoIterator<Item = Self::Value>) -> #filter #bounds { #body }
                }
            }
            ValueShape::Text => {
                let body = condition(quote!(::dataapi::serde_json::Value::String(pattern.into())));
                quote! {
                    #docs
                    fn #name(self, pattern: impl ::core::convert::Into<::std::string::String>) -> #filter #bounds { #body }
                }
            }
            ValueShape::Null => {
                let body = condition(quote!(::dataapi::serde_json::Value::Null));
                quote! { #docs fn #name(self) -> #filter #bounds { #body } }
            }
        };
        // A null test applies to every filterable field, whatever its kind.
        let null = (o.null && o.value != ValueShape::Null).then(|| {
            let name = format_ident!("{}_null", o.rust_name);
            let doc = format!(" `{wire}` with a `null` value: tests whether the field is empty.");
            let body = condition(quote!(::dataapi::serde_json::Value::Null));
            quote! { #[doc = #doc] fn #name(self) -> #filter where Self: ::dataapi::runtime::Filterable { #body } }
        });
        quote! { #main #null }
    });
    let statics = super::descriptor::operator_statics(schema);
    quote! {
        #statics

        /// The operators as types, named in compiler messages when one does not fit a field.
        pub mod ops {
            #( #marker_defs )*
        }

        #( #fits )*

        /// The filter operators, as methods of every field; each exists only where the field
        /// can be filtered and the operator fits its kind.
        pub trait FilterOps: ::dataapi::runtime::Field {
            #( #methods )*
        }

        impl<F: ::dataapi::runtime::Field> FilterOps for F {}
    }
}

/// The `fields` module of a method: every top-level reply field as a type.
pub fn field_markers(method: &Method, schema: &Schema) -> TokenStream {
    let marker = format_ident!("{}", method.rust_name);
    let items = method.fields.iter().map(|f| {
        let ident = field_ident(f);
        let docs = field_doc(f, true);
        let value = match &f.ty {
            FieldType::Array(item) => value_type(item, method, schema),
            ty => value_type(ty, method, schema),
        };
        let kind = kind_marker(f.ty.kind());
        let name = &f.name;
        // The marker's own impls name it; only users are warned.
        let (deprecated, allow) = match super::docs::deprecated(f) {
            Some(attr) => (Some(attr), Some(quote!(#[allow(deprecated)]))),
            None => (None, None),
        };
        let filterable = f.filter.allows().then(|| quote! { #allow impl ::dataapi::runtime::Filterable for #ident {} });
        let sortable = f.sort.allows().then(|| quote! { #allow impl ::dataapi::runtime::Sortable for #ident {} });
        quote! {
            #docs
            #deprecated
            #allow
            #[derive(Debug, Clone, Copy)]
            pub struct #ident;

            #allow
            impl ::dataapi::runtime::Field for #ident {
                type Method = super::#marker;
                type Value = #value;
                type Kind = #kind;
                const NAME: &'static str = #name;
            }
            #filterable
            #sortable
        }
    });
    let doc = format!(" The reply fields of `{}` as types: `fields::id.eq(5)`, `fields::id.desc()`.", method.name);
    quote! {
        #[doc = #doc]
        #[allow(non_camel_case_types)]
        pub mod fields {
            #( #items )*
        }
    }
}

/// The type of a filter value of `ty`, as seen from inside the `fields` module.
fn value_type(ty: &FieldType, method: &Method, schema: &Schema) -> TokenStream {
    match ty {
        FieldType::Enum(_) => {
            let t = rust_type(ty, schema, &method.enums);
            quote!(super::#t)
        }
        FieldType::ValueObject => quote!(::dataapi::runtime::ValueId),
        FieldType::Object { .. } | FieldType::Array(_) | FieldType::Filter => quote!(::dataapi::serde_json::Value),
        ty => rust_type(ty, schema, &method.enums),
    }
}
