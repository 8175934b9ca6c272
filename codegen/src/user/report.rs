//! `#[derive(dataapi::Report)]`: a user's row struct for one method.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use super::fit::{Fit, Names, fit, is_option, is_vec};
use super::{Errors, did_you_mean, track};
use crate::emit::request::{Constructor, constructor};
use crate::ir::{FieldType, Schema};

/// The struct, as the proc-macro crate read it.
pub struct ReportInput {
    /// The struct's name.
    pub ident: syn::Ident,
    /// The method's wire name and where it was written.
    pub method: (String, Span),
    /// The path of the generated modules (`::dataapi`, or `crate::api` for build.rs output).
    pub api: TokenStream,
    /// The struct's fields.
    pub fields: Vec<UserField>,
    /// Schema files read from disk, which the crate must be rebuilt on.
    pub tracked: Vec<String>,
}

/// One field of the user's struct.
pub struct UserField {
    /// The Rust name.
    pub ident: syn::Ident,
    /// The Rust type.
    pub ty: syn::Type,
    /// The wire name (the Rust name, or a `rename`) and where it was written.
    pub wire: (String, Span),
    /// `#[report(skip)]`: not read from the reply; `Default` fills it.
    pub skip: bool,
}

/// The impls of `Report` and the inherent `request`/`decode_reply`, or a `compile_error!` per
/// mistake followed by whatever still holds, so one mistake gives one message.
pub fn report(schema: &Schema, input: &ReportInput) -> TokenStream {
    let mut errors = Errors::default();
    let tracked = track(&input.tracked);
    let Some(method) = super::method(schema, &input.method, &mut errors) else {
        let errors = errors.into_tokens();
        return quote! { #errors const _: () = { #tracked }; };
    };
    let api = &input.api;
    let module_ident = format_ident!("{}", method.module);
    let module = quote!(#api::#module_ident::);
    let names = Names { schema, local: &method.enums, module: &module };

    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    let mut checks = Vec::new();
    let mut wire_fields = Vec::new();
    let mut out_fields = Vec::new();
    let mut moves = Vec::new();
    let mut borrows = Vec::new();
    let mut fields = Vec::new();
    for f in &input.fields {
        let ident = &f.ident;
        let ty = &f.ty;
        if f.skip {
            moves.push(quote!(#ident: ::core::default::Default::default()));
            continue;
        }
        let (wire, wire_span) = (&f.wire.0, f.wire.1);
        if let Some(first) = seen.insert(wire, ident) {
            errors.push(wire_span, format!("`{first}` already reads the field `{wire}`"));
        }
        let attrs = match method.field(wire) {
            None => {
                let like = did_you_mean(wire, method.fields.iter().map(|f| f.name.as_str()));
                errors.push(wire_span, format!("`{}` has no reply field `{wire}`{like}", method.name));
                quote!()
            }
            Some(field) => {
                match fit(ty, &field.ty, &names) {
                    Ok(Fit::Check(marker)) => checks.push(quote_spanned! { ty_span(ty) =>
                        const _: () = ::dataapi::runtime::report::check_holds::<#ty, #marker>();
                    }),
                    Ok(Fit::Accept) => {}
                    Err(message) => errors.push(
                        ty_span(ty),
                        format!(
                            "`{wire}` has the schema type `{}` in `{}`: {message}",
                            field.ty.describe(),
                            method.name
                        ),
                    ),
                }
                serde_attrs(&field.ty, field.lenient, ty)
            }
        };
        fields.push(wire.clone());
        wire_fields.push(quote!(#[serde(rename = #wire, #attrs)] #ident: #ty));
        let skip_none = is_option(ty).then(|| quote!(skip_serializing_if = "::core::option::Option::is_none",));
        out_fields.push(quote!(#[serde(rename = #wire, #skip_none)] #ident: &'a #ty));
        moves.push(quote!(#ident: wire.#ident));
        borrows.push(quote!(#ident: &self.#ident));
    }

    let ident = &input.ident;
    let marker = format_ident!("{}", method.rust_name);
    let Constructor { params, build } = constructor(method, schema, &module);
    let request_doc = format!(
        " A `{}` request that asks for exactly the fields `{ident}` reads; add filters, sort keys and \
         paging with the request's setters.",
        method.name
    );
    let body = if errors.is_empty() {
        quote! {
            fn decode_row<'de, D: ::dataapi::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                #[derive(::dataapi::serde::Deserialize)]
                #[serde(crate = "::dataapi::serde")]
                struct __DataapiWire { #( #wire_fields, )* }
                let wire = <__DataapiWire as ::dataapi::serde::Deserialize>::deserialize(d)?;
                ::core::result::Result::Ok(#ident { #( #moves, )* })
            }

            fn encode_row<S: ::dataapi::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                #[derive(::dataapi::serde::Serialize)]
                #[serde(crate = "::dataapi::serde")]
                struct __DataapiWire<'a> { #( #out_fields, )* }
                ::dataapi::serde::Serialize::serialize(&__DataapiWire { #( #borrows, )* }, s)
            }
        }
    } else {
        // The crate does not compile; these bodies only keep the user's other code from
        // reporting errors of its own.
        quote! {
            fn decode_row<'de, D: ::dataapi::serde::Deserializer<'de>>(_: D) -> ::core::result::Result<Self, D::Error> {
                ::core::unreachable!()
            }
            fn encode_row<S: ::dataapi::serde::Serializer>(&self, _: S) -> ::core::result::Result<S::Ok, S::Error> {
                ::core::unreachable!()
            }
        }
    };
    let errors = errors.into_tokens();
    quote! {
        #errors
        const _: () = {
            #tracked
            #( #checks )*

            impl ::dataapi::runtime::Report for #ident {
                type Method = #module #marker;
                const FIELDS: &'static [&'static str] = &[ #( #fields ),* ];
                #body
            }

            impl #ident {
                #[doc = #request_doc]
                #[allow(dead_code)]
                pub fn request(#( #params ),*) -> #module Request {
                    #build
                        .fields(<Self as ::dataapi::runtime::Report>::FIELDS.iter().copied())
                }

                /// Decodes a reply body into a page of these rows, or into why there is none.
                #[allow(dead_code)]
                pub fn decode_reply(body: &[u8]) -> ::core::result::Result<::dataapi::runtime::Page<Self>, ::dataapi::runtime::ReplyError> {
                    <Self as ::dataapi::runtime::Report>::decode_reply(body)
                }
            }
        };
    }
}

/// The serde attributes of a field of the decoding struct: absent and `null` as `None` (or an
/// empty `Vec`), lenient numbers as the schema says.
fn serde_attrs(schema_ty: &FieldType, lenient: bool, ty: &syn::Type) -> TokenStream {
    match (lenient, is_option(ty)) {
        (true, true) => quote!(default, deserialize_with = "::dataapi::runtime::lenient::option"),
        (true, false) => quote!(deserialize_with = "::dataapi::runtime::lenient::required"),
        (false, true) => quote!(default),
        (false, false) if matches!(schema_ty, FieldType::Array(_)) && is_vec(ty) => {
            quote!(default, deserialize_with = "::dataapi::runtime::report::null_as_empty")
        }
        (false, false) => quote!(),
    }
}

fn ty_span(ty: &syn::Type) -> Span {
    syn::spanned::Spanned::span(ty)
}
