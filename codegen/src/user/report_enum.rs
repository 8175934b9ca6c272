//! `#[derive(dataapi::ReportEnum)]`: a user's enum mapped to a schema enum.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use super::{Errors, did_you_mean, track};
use crate::ir::{Enum, Schema};

/// The enum, as the proc-macro crate read it.
pub struct EnumInput {
    /// The enum's name.
    pub ident: syn::Ident,
    /// The schema enum's name and where it was written.
    pub schema_enum: (String, Span),
    /// The method whose own enum it is, for enums declared in a method.
    pub method: Option<(String, Span)>,
    /// The path of the generated modules.
    pub api: TokenStream,
    /// The variants.
    pub variants: Vec<UserVariant>,
    /// Schema files read from disk.
    pub tracked: Vec<String>,
}

/// One variant of the user's enum.
pub struct UserVariant {
    /// Its name.
    pub ident: syn::Ident,
    /// `#[report(code = "…")]`, if written, and where.
    pub code: Option<(String, Span)>,
    /// Its shape and `#[report(other)]`.
    pub shape: VariantShape,
}

/// What a variant looks like.
pub enum VariantShape {
    /// `A`: one code.
    Unit,
    /// `#[report(other)] Other(String)`: every code without a variant, kept verbatim.
    CatchAll,
    /// Anything else, which cannot be mapped; the span of the offending part.
    Invalid(Span, &'static str),
}

/// The impls of `ReportEnum`, `Holds` and serde, or a `compile_error!` per mistake.
pub fn report_enum(schema: &Schema, input: &EnumInput) -> TokenStream {
    let mut errors = Errors::default();
    let tracked = track(&input.tracked);
    let (name, name_span) = &input.schema_enum;
    let api = &input.api;
    let found: Option<(&Enum, TokenStream)> = match &input.method {
        Some(named) => {
            let Some(m) = super::method(schema, named, &mut errors) else {
                let errors = errors.into_tokens();
                return quote! { #errors #tracked };
            };
            let module = format_ident!("{}", m.module);
            m.enums
                .iter()
                .find(|e| &e.name == name)
                .map(|e| (e, quote!(#api::#module::)))
                .or_else(|| schema.shared_enum(name).map(|e| (e, quote!(#api::enums::))))
        }
        None => schema.shared_enum(name).map(|e| (e, quote!(#api::enums::))),
    };
    let Some((schema_enum, module)) = found else {
        let local =
            input.method.as_ref().and_then(|(m, _)| schema.method(m)).map(|m| m.enums.as_slice()).unwrap_or(&[]);
        let like = did_you_mean(name, local.iter().chain(&schema.enums).map(|e| e.name.as_str()));
        let hint = if input.method.is_none() { " (an enum of a method needs `method = \"…\"` too)" } else { "" };
        errors.push(*name_span, format!("the schema has no enum `{name}`{like}{hint}"));
        let errors = errors.into_tokens();
        return quote! { #errors #tracked };
    };

    let ident = &input.ident;
    let mut to_code = Vec::new();
    let mut from_code = Vec::new();
    let mut covered: Vec<&str> = Vec::new();
    let mut catch_all: Option<&syn::Ident> = None;
    for v in &input.variants {
        let variant = &v.ident;
        match &v.shape {
            VariantShape::Invalid(span, why) => errors.push(*span, why),
            VariantShape::CatchAll => {
                if let Some(first) = catch_all {
                    errors.push(variant.span(), format!("`{first}` is already the catch-all variant"));
                }
                catch_all = Some(variant);
                to_code.push(quote!(#ident::#variant(code) => ::core::convert::AsRef::<str>::as_ref(code)));
            }
            VariantShape::Unit => {
                let by_name = || schema_enum.values.iter().find(|c| *variant == c.rust_name);
                let code = match &v.code {
                    Some((code, span)) => match schema_enum.values.iter().find(|c| &c.code == code) {
                        Some(c) => &c.code,
                        None => {
                            let like = did_you_mean(code, schema_enum.values.iter().map(|c| c.code.as_str()));
                            errors.push(*span, format!("`{}` has no code `{code}`{like}", schema_enum.name));
                            continue;
                        }
                    },
                    None => match by_name() {
                        Some(c) => &c.code,
                        None => {
                            let like = did_you_mean(
                                &variant.to_string(),
                                schema_enum.values.iter().map(|c| c.rust_name.as_str()),
                            );
                            errors.push(
                                variant.span(),
                                format!(
                                    "no code of `{}` is named `{variant}`{like}; name the variant as the generated enum \
                                     does, or give its code with `#[report(code = \"…\")]`",
                                    schema_enum.name
                                ),
                            );
                            continue;
                        }
                    },
                };
                if covered.contains(&code.as_str()) {
                    errors.push(variant.span(), format!("another variant already maps the code `{code}`"));
                    continue;
                }
                covered.push(code);
                to_code.push(quote!(#ident::#variant => #code));
                from_code.push(quote!(#code => ::core::option::Option::Some(#ident::#variant)));
            }
        }
    }
    let missing: Vec<&str> =
        schema_enum.values.iter().map(|c| c.code.as_str()).filter(|c| !covered.contains(c)).collect();
    if catch_all.is_none() && !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(|c| format!("`{c}`")).collect();
        let more = if missing.len() > shown.len() {
            format!(" and {} more", missing.len() - shown.len())
        } else {
            String::new()
        };
        errors.push(
            ident.span(),
            format!(
                "`{ident}` does not cover every code of `{}`: no variant for {}{more}; add variants, or a \
                 catch-all variant `#[report(other)] Other(String)` that keeps any other code",
                schema_enum.name,
                shown.join(", ")
            ),
        );
    }
    let other = match catch_all {
        Some(v) => quote!(code => ::core::option::Option::Some(#ident::#v(::core::convert::From::from(code)))),
        None => quote!(_ => ::core::option::Option::None),
    };
    let enum_name = &schema_enum.name;
    let generated = format_ident!("{}", schema_enum.rust_name);
    // With errors the crate does not compile; `unreachable!` keeps the impl whole without
    // adding a "non-exhaustive match" to the user's messages.
    let (to_code, from_code) = if errors.is_empty() {
        (quote!(match self { #( #to_code, )* }), quote!(match code { #( #from_code, )* #other }))
    } else {
        (
            quote!(::core::unreachable!()),
            quote!({
                let _ = code;
                ::core::unreachable!()
            }),
        )
    };
    let errors_tokens = errors.into_tokens();
    quote! {
        #errors_tokens
        const _: () = {
            #tracked

            impl ::dataapi::runtime::ReportEnum for #ident {
                const ENUM: &'static str = #enum_name;

                fn code(&self) -> &str {
                    #to_code
                }

                fn from_code(code: &str) -> ::core::option::Option<Self> {
                    #from_code
                }
            }

            impl ::dataapi::runtime::Holds<#module #generated> for #ident {}

            impl ::dataapi::serde::Serialize for #ident {
                fn serialize<S: ::dataapi::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                    s.serialize_str(::dataapi::runtime::ReportEnum::code(self))
                }
            }

            impl<'de> ::dataapi::serde::Deserialize<'de> for #ident {
                fn deserialize<D: ::dataapi::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                    ::dataapi::runtime::report::decode_enum(d)
                }
            }
        };
    }
}
