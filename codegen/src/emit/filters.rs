//! Typed filters: the operator table as a trait, and the fields of each method as types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc;
use super::types::rust_type;
use crate::ir::{FieldType, Kind, Method, Scalar, Schema, ValueShape};

fn kind_marker(kind: Kind) -> TokenStream {
    let name = format_ident!("{}", kind.rust_name());
    quote!(::dataapi::runtime::kind::#name)
}

/// The `operators` module: a marker type per operator, which kinds each fits, and `FilterOps`.
pub fn operators(schema: &Schema) -> TokenStream {
    let markers: Vec<_> = schema.operators.iter().map(|o| format_ident!("{}", o.marker)).collect();
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
        let fits: Vec<&str> = Kind::ALL.iter().filter(|(_, k)| o.fits.contains(k)).map(|(n, _)| *n).collect();
        let docs = doc(
            &o.doc,
            "",
            &[
                format!("The condition `{{\"field\": …, \"operator\": \"{wire}\", \"value\": …}}`."),
                format!("Fits fields of kind: {}.", fits.join(", ")),
            ],
        );
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
        let null = o.null_method.as_ref().map(|name| {
            let name = format_ident!("{name}");
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

/// The `fields` module of a method: every top-level reply field as a type, declared by the
/// runtime's `field!` (the Row's field documents it). The names the module imports are
/// reserved: no field marker may take them.
pub fn field_markers(method: &Method, schema: &Schema) -> TokenStream {
    let marker = format_ident!("{}", method.rust_name);
    let items = method.fields.iter().map(|f| {
        let ident = f.ident();
        let value = match &f.ty {
            FieldType::Array(item) => value_type(item, method, schema),
            ty => value_type(ty, method, schema),
        };
        let kind = format_ident!("{}", f.ty.kind().rust_name());
        let name = (f.rust_name != f.name).then(|| {
            let wire = &f.name;
            quote!(= #wire)
        });
        let [filter, sort] = [f.filter, f.sort].map(|s| if s.allows() { quote!(Yes) } else { quote!(No) });
        let deprecated = super::docs::deprecated(f);
        quote! { ::dataapi::field!(#deprecated #ident #name: #value, #kind, #filter, #sort); }
    });
    let items: Vec<TokenStream> = items.collect();
    // Import only the short names the markers use, so that nothing is unused.
    let used: std::collections::BTreeSet<&str> = method
        .fields
        .iter()
        .filter_map(|f| {
            short_name(match &f.ty {
                FieldType::Array(item) => item,
                ty => ty,
            })
        })
        .collect();
    let runtime = used.iter().filter(|n| **n != "Value").map(|n| format_ident!("{n}"));
    let value = used.contains("Value").then(|| {
        quote!(
            use ::dataapi::serde_json::Value;
        )
    });
    let doc = format!(" The reply fields of `{}` as types: `fields::id.eq(5)`, `fields::id.desc()`.", method.name);
    quote! {
        #[doc = #doc]
        pub mod fields {
            use super::#marker as Method;
            #( use ::dataapi::runtime::#runtime; )*
            #value

            #( #items )*
        }
    }
}

/// The type of a filter value of `ty`, as seen from inside the `fields` module.
fn value_type(ty: &FieldType, method: &Method, schema: &Schema) -> TokenStream {
    match (ty, short_name(ty)) {
        (_, Some(short)) => {
            let short = format_ident!("{short}");
            quote!(#short)
        }
        (FieldType::Enum(_), None) => {
            let t = rust_type(ty, schema, &method.enums);
            quote!(super::#t)
        }
        (ty, None) => rust_type(ty, schema, &method.enums),
    }
}

/// The name the `fields` module imports for a value of `ty`, if it imports one.
fn short_name(ty: &FieldType) -> Option<&'static str> {
    match ty {
        FieldType::ValueObject => Some("ValueId"),
        FieldType::Object { .. } | FieldType::Array(_) | FieldType::Filter => Some("Value"),
        FieldType::Scalar(Scalar::Decimal) => Some("Decimal"),
        FieldType::Scalar(Scalar::DateTime) => Some("DateTime"),
        FieldType::Scalar(Scalar::Date) => Some("Date"),
        _ => None,
    }
}
