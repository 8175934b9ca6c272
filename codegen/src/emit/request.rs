//! A method's own request parameters. Everything every report takes (the common parameters,
//! setters, validation, the envelope) is the runtime's `Request<M>`, written once; a method
//! module declares its `Params`, names `Request` and, where it has optional parameters, the
//! `RequestExt` trait with their setters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::field_doc;
use super::types::{rust_type, rust_type_in};
use crate::ir::{Field, FieldType, Method, Scalar, Schema};

/// `Params`, `Request` and `RequestExt` of `method`.
pub fn request(method: &Method, schema: &Schema) -> TokenStream {
    let name = &method.name;
    let marker = format_ident!("{}", method.rust_name);
    let request_doc = format!(
        " A `{name}` request: the common report parameters of [`::dataapi::runtime::Request`] and \
         this method's [`Params`]."
    );
    let request = quote! {
        #[doc = #request_doc]
        pub type Request = ::dataapi::runtime::Request<#marker>;
    };
    if method.params.is_empty() {
        let doc = format!(" `{name}` takes no parameters of its own.");
        return quote! {
            #[doc = #doc]
            pub type Params = ::dataapi::runtime::NoParams;
            #request
        };
    }
    let fields = method.params.iter().map(|p| {
        let ident = p.ident();
        let ty = rust_type(&p.ty, schema, &method.enums);
        let docs = field_doc(p, false);
        let rename = p.renamed().then(|| {
            let wire = &p.name;
            quote!(#[serde(rename = #wire)])
        });
        if p.required {
            quote! { #docs #rename pub #ident: #ty, }
        } else {
            quote! {
                #docs #rename
                #[serde(skip_serializing_if = "::core::option::Option::is_none")]
                pub #ident: ::core::option::Option<#ty>,
            }
        }
    });
    let (required, optional): (Vec<&Field>, Vec<&Field>) = method.params.iter().partition(|p| p.required);
    let params_doc = format!(" The parameters `{name}` takes besides the common ones.");
    let constructor = if required.is_empty() { quote!(#[derive(Default)]) } else { TokenStream::new() };
    let new = (!required.is_empty()).then(|| {
        let args = required.iter().map(|p| {
            let (ident, ty) = (p.ident(), setter_type(&p.ty, schema, method, &TokenStream::new()));
            quote!(#ident: #ty)
        });
        let inits = method.params.iter().map(|p| {
            let ident = p.ident();
            match (p.required, &p.ty) {
                (true, FieldType::Scalar(Scalar::String)) => quote!(#ident: #ident.into()),
                (true, _) => quote!(#ident),
                (false, _) => quote!(#ident: ::core::option::Option::None),
            }
        });
        quote! {
            impl Params {
                /// The required parameters; the optional ones are not set.
                pub fn new(#( #args ),*) -> Self {
                    Params { #( #inits, )* }
                }
            }
        }
    });
    let ext = (!optional.is_empty()).then(|| {
        let signatures: Vec<_> = optional
            .iter()
            .map(|p| {
                let (ident, ty) = (p.ident(), setter_type(&p.ty, schema, method, &TokenStream::new()));
                quote!(fn #ident(self, #ident: #ty) -> Self)
            })
            .collect();
        let docs = optional.iter().map(|p| format!(" Sets `{}`.", p.name));
        let impls = optional.iter().map(|p| {
            let (ident, ty) = (p.ident(), setter_type(&p.ty, schema, method, &TokenStream::new()));
            let value = into(&p.ty, quote!(#ident));
            quote! {
                fn #ident(mut self, #ident: #ty) -> Self {
                    self.params.#ident = ::core::option::Option::Some(#value);
                    self
                }
            }
        });
        let ext_doc = format!(
            " Setters of the optional parameters only `{name}` takes; `use dataapi::prelude::*` brings them in."
        );
        quote! {
            #[doc = #ext_doc]
            pub trait RequestExt {
                #( #[doc = #docs] #[must_use] #signatures; )*
            }

            impl RequestExt for Request {
                #( #impls )*
            }
        }
    });
    quote! {
        #[doc = #params_doc]
        #[derive(Debug, Clone, PartialEq, ::dataapi::serde::Serialize)]
        #constructor
        #[serde(crate = "::dataapi::serde")]
        #[non_exhaustive]
        pub struct Params {
            #( #fields )*
        }
        #new
        #request
        #ext
    }
}

/// The parameters of the derive's `request(…)` and the expression that builds the request,
/// the method's generated types named through `module`.
pub struct Constructor {
    /// The dates where the method requires them, then the required parameters (no token: a
    /// client sends its own; `.token(…)` sets one for requests sent by hand).
    pub params: Vec<TokenStream>,
    /// `Request::new(…)`, `Request::with_params(…, Params::new(…))` or `Request::without_dates(…)`.
    pub build: TokenStream,
}

/// How the derive's `request` function builds `method`'s request.
pub fn constructor(method: &Method, schema: &Schema, module: &TokenStream) -> Constructor {
    let rt = quote!(::dataapi::runtime);
    let mut params = Vec::new();
    let dated = method.dates_required() == Some(true);
    if dated {
        params.extend([quote!(date_from: #rt::DateTime), quote!(date_till: #rt::DateTime)]);
    }
    let required: Vec<_> = method.params.iter().filter(|p| p.required).collect();
    for p in &required {
        let (ident, ty) = (p.ident(), setter_type(&p.ty, schema, method, module));
        params.push(quote!(#ident: #ty));
    }
    let build = match (dated, required.is_empty()) {
        (true, true) => quote!(#module Request::new(date_from, date_till)),
        (true, false) => {
            let args = required.iter().map(|p| p.ident());
            quote!(#module Request::with_params(date_from, date_till, #module Params::new(#( #args ),*)))
        }
        (false, true) => quote!(#module Request::without_dates()),
        (false, false) => {
            let args = required.iter().map(|p| p.ident());
            quote!(#module Request::without_dates_with_params(#module Params::new(#( #args ),*)))
        }
    };
    Constructor { params, build }
}

/// What a setter or constructor takes: strings as `impl Into<String>`, the rest as they are.
fn setter_type(ty: &FieldType, schema: &Schema, method: &Method, module: &TokenStream) -> TokenStream {
    match ty {
        FieldType::Scalar(Scalar::String) => quote!(impl ::core::convert::Into<::std::string::String>),
        ty => rust_type_in(ty, schema, &method.enums, module),
    }
}

/// The conversion from what [`setter_type`] takes to the field's type.
fn into(ty: &FieldType, value: TokenStream) -> TokenStream {
    match ty {
        FieldType::Scalar(Scalar::String) => quote!(#value.into()),
        _ => value,
    }
}
