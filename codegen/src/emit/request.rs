//! The typed request of a method, serialized as the `params` of its JSON-RPC call.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::field_doc;
use super::types::{field_ident, rust_type, rust_type_in};
use crate::ir::{FieldType, Method, Scalar, Schema};

/// The `Request` struct of `method`, its constructor, setters and envelope.
pub fn request(method: &Method, schema: &Schema) -> TokenStream {
    let name = &method.name;
    let struct_doc = format!(" A `{name}` request: the `params` of the call.");
    let required: Vec<_> = method.params.iter().filter(|p| p.required).collect();
    let optional: Vec<_> = method.params.iter().filter(|p| !p.required).collect();
    let param_fields = method.params.iter().map(|p| {
        let ident = field_ident(p);
        let ty = rust_type(&p.ty, schema, &method.enums);
        let docs = field_doc(p, false);
        let bare = p.rust_name.strip_prefix("r#").unwrap_or(&p.rust_name);
        let rename = (bare != p.name).then(|| {
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
    let Constructor { params: ctor_params, args: _ } = constructor(method, schema, &TokenStream::new());
    let ctor_inits = required.iter().map(|p| {
        let ident = field_ident(p);
        match p.ty {
            FieldType::Scalar(Scalar::String) => quote! { #ident: #ident.into() },
            _ => quote! { #ident },
        }
    });
    let optional_inits = optional.iter().map(|p| {
        let ident = field_ident(p);
        quote! { #ident: ::core::option::Option::None }
    });
    let setters = optional.iter().map(|p| {
        let ident = field_ident(p);
        let ty = setter_type(&p.ty, schema, method, &TokenStream::new());
        let value = into(&p.ty, quote!(#ident));
        let doc = format!(" Sets `{}`.", p.name);
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #ident(mut self, #ident: #ty) -> Self {
                self.#ident = ::core::option::Option::Some(#value);
                self
            }
        }
    });
    let required_text = required.iter().filter(|p| p.ty == FieldType::Scalar(Scalar::String)).map(|p| {
        let ident = field_ident(p);
        let name = &p.name;
        quote!((#name, &self.#ident))
    });
    // Optional parameters named by `requires_one_of`, whose presence the validator checks.
    let in_rules: Vec<&str> = method.requires_one_of.iter().flatten().map(String::as_str).collect();
    let params_set = optional.iter().filter(|p| in_rules.contains(&p.name.as_str())).map(|p| {
        let ident = field_ident(p);
        let name = &p.name;
        quote!((#name, self.#ident.is_some()))
    });
    let dates = Dates::of(method);
    let (date_fields, date_inits, date_setter, date_check) = dates.tokens();
    let new_doc = match method.dates_required() {
        Some(true) => " A request for the rows of `date_from`..`date_till`.",
        Some(false) => " A request; set the period with [`Request::dates`] where no other parameter narrows it.",
        None => " A request (this method takes no period).",
    };
    let marker = format_ident!("{}", method.rust_name);
    let limit_doc =
        format!(" Rows per page: at most {}, {} when not set.", method.limits.limit_max, method.limits.limit_default);
    let offset_doc = format!(" Rows to skip: at most {}.", method.limits.offset_max);
    quote! {
        #[doc = #struct_doc]
        ///
        /// Build it with [`Request::new`] and the setters; [`Request::to_rpc`] wraps it in the
        /// JSON-RPC envelope. `Debug` never shows the access token.
        #[derive(Debug, Clone, PartialEq, ::dataapi::serde::Serialize)]
        #[serde(crate = "::dataapi::serde")]
        #[non_exhaustive]
        pub struct Request {
            /// Access token of the session.
            pub access_token: ::dataapi::runtime::AccessToken,
            /// The client user an agent acts for.
            #[serde(skip_serializing_if = "::core::option::Option::is_none")]
            pub user_id: ::core::option::Option<i64>,
            #[doc = #offset_doc]
            #[serde(skip_serializing_if = "::core::option::Option::is_none")]
            pub offset: ::core::option::Option<u32>,
            #[doc = #limit_doc]
            #[serde(skip_serializing_if = "::core::option::Option::is_none")]
            pub limit: ::core::option::Option<u32>,
            #date_fields
            /// Which rows to return.
            #[serde(skip_serializing_if = "::core::option::Option::is_none")]
            pub filter: ::core::option::Option<::dataapi::runtime::RawFilter>,
            /// Sort keys, most significant first.
            #[serde(skip_serializing_if = "::std::vec::Vec::is_empty")]
            pub sort: ::std::vec::Vec<::dataapi::runtime::RawSort>,
            /// Which fields to return; the default reply fields when not set.
            #[serde(skip_serializing_if = "::core::option::Option::is_none")]
            pub fields: ::core::option::Option<::std::vec::Vec<::std::borrow::Cow<'static, str>>>,
            #( #param_fields )*
        }

        impl Request {
            #[doc = #new_doc]
            pub fn new(#( #ctor_params ),*) -> Self {
                Request {
                    access_token: access_token.into(),
                    user_id: ::core::option::Option::None,
                    offset: ::core::option::Option::None,
                    limit: ::core::option::Option::None,
                    #date_inits
                    filter: ::core::option::Option::None,
                    sort: ::std::vec::Vec::new(),
                    fields: ::core::option::Option::None,
                    #( #ctor_inits, )*
                    #( #optional_inits, )*
                }
            }

            /// Acts for this client user (agents only).
            #[must_use]
            pub fn user_id(mut self, user_id: i64) -> Self {
                self.user_id = ::core::option::Option::Some(user_id);
                self
            }

            /// Sets the page size.
            #[must_use]
            pub fn limit(mut self, limit: u32) -> Self {
                self.limit = ::core::option::Option::Some(limit);
                self
            }

            /// Sets how many rows to skip.
            #[must_use]
            pub fn offset(mut self, offset: u32) -> Self {
                self.offset = ::core::option::Option::Some(offset);
                self
            }

            /// Sets the filter, built from this method's `fields`.
            #[must_use]
            pub fn filter(mut self, filter: ::dataapi::runtime::Filter<#marker>) -> Self {
                self.filter = ::core::option::Option::Some(filter.into_raw());
                self
            }

            /// Sets a filter from its wire form (read from JSON, say); [`Request::validate`]
            /// checks it.
            #[must_use]
            pub fn raw_filter(mut self, filter: ::dataapi::runtime::RawFilter) -> Self {
                self.filter = ::core::option::Option::Some(filter);
                self
            }

            /// Adds a sort key, built from this method's `fields`, after those already set.
            #[must_use]
            pub fn sort(mut self, sort: ::dataapi::runtime::Sort<#marker>) -> Self {
                self.sort.push(sort.into_raw());
                self
            }

            /// Adds a sort key in its wire form; [`Request::validate`] checks it.
            #[must_use]
            pub fn raw_sort(mut self, sort: ::dataapi::runtime::RawSort) -> Self {
                self.sort.push(sort);
                self
            }

            /// Asks for exactly these fields, in this order (names as `&'static str` cost no
            /// allocation; `String`s are kept as they are).
            #[must_use]
            pub fn fields<I, S>(mut self, fields: I) -> Self
            where
                I: ::core::iter::IntoIterator<Item = S>,
                S: ::core::convert::Into<::std::borrow::Cow<'static, str>>,
            {
                self.fields = ::core::option::Option::Some(fields.into_iter().map(::core::convert::Into::into).collect());
                self
            }

            #date_setter

            #( #setters )*

            /// Checks the request against everything the schema knows the API would reject,
            /// and returns every problem at once.
            pub fn validate(&self) -> ::core::result::Result<(), ::dataapi::runtime::Violations> {
                self.check(::core::option::Option::None)
            }

            /// As [`Request::validate`], and also refuses the fields `brand`'s docs do not list.
            pub fn validate_for(&self, brand: ::dataapi::runtime::Brand) -> ::core::result::Result<(), ::dataapi::runtime::Violations> {
                self.check(::core::option::Option::Some(brand))
            }

            fn check(&self, brand: ::core::option::Option<::dataapi::runtime::Brand>) -> ::core::result::Result<(), ::dataapi::runtime::Violations> {
                ::dataapi::runtime::validate::typed(&DESCRIPTOR, &::dataapi::runtime::validate::Typed {
                    access_token: &self.access_token,
                    #date_check
                    limit: self.limit,
                    offset: self.offset,
                    fields: self.fields.as_deref(),
                    sort: &self.sort,
                    filter: self.filter.as_ref(),
                    required_text: &[ #( #required_text ),* ],
                    params_set: &[ #( #params_set ),* ],
                    brand,
                })
            }

            /// The JSON-RPC call carrying this request.
            pub fn to_rpc(&self, id: impl ::core::convert::Into<::dataapi::runtime::Id>) -> ::dataapi::runtime::RpcRequest<'_, Self> {
                ::dataapi::runtime::RpcRequest::new(id, <#marker as ::dataapi::runtime::Method>::NAME, self)
            }
        }
    }
}

/// The parameters of `Request::new` and the names to pass them on by.
pub struct Constructor {
    /// `access_token: impl Into<AccessToken>`, the dates, then the required parameters.
    pub params: Vec<TokenStream>,
    /// Their names, in the same order.
    pub args: Vec<proc_macro2::Ident>,
}

/// The constructor of `method`'s request, its generated types named through `module` (empty
/// inside the method's module); the derive's `request` function forwards to it.
pub fn constructor(method: &Method, schema: &Schema, module: &TokenStream) -> Constructor {
    let rt = quote!(::dataapi::runtime);
    let mut params = vec![quote!(access_token: impl ::core::convert::Into<#rt::AccessToken>)];
    let mut args = vec![format_ident!("access_token")];
    if method.dates_required() == Some(true) {
        params.extend([quote!(date_from: #rt::DateTime), quote!(date_till: #rt::DateTime)]);
        args.extend([format_ident!("date_from"), format_ident!("date_till")]);
    }
    for p in method.params.iter().filter(|p| p.required) {
        let ident = field_ident(p);
        let ty = setter_type(&p.ty, schema, method, module);
        params.push(quote!(#ident: #ty));
        args.push(ident);
    }
    Constructor { params, args }
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

/// How a method's request carries its period.
enum Dates {
    /// `date_from` and `date_till` in `new`.
    Required,
    /// Optional, set together by `dates(from, till)`.
    Optional,
    /// No period at all.
    None,
}

impl Dates {
    fn of(method: &Method) -> Self {
        match method.dates_required() {
            Some(true) => Dates::Required,
            Some(false) => Dates::Optional,
            None => Dates::None,
        }
    }

    /// The struct fields, their initialisers in `new`, a setter, and what `validate` passes on.
    fn tokens(&self) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
        let rt = quote!(::dataapi::runtime);
        let some = quote!(::core::option::Option::Some);
        let none = quote!(::core::option::Option::None);
        match self {
            Dates::Required => (
                quote! {
                    /// Start of the period.
                    pub date_from: #rt::DateTime,
                    /// End of the period.
                    pub date_till: #rt::DateTime,
                },
                quote! { date_from, date_till, },
                TokenStream::new(),
                quote! { date_from: #some(self.date_from), date_till: #some(self.date_till), },
            ),
            Dates::Optional => (
                quote! {
                    /// Start of the period, where one is set.
                    #[serde(skip_serializing_if = "::core::option::Option::is_none")]
                    pub date_from: ::core::option::Option<#rt::DateTime>,
                    /// End of the period, where one is set.
                    #[serde(skip_serializing_if = "::core::option::Option::is_none")]
                    pub date_till: ::core::option::Option<#rt::DateTime>,
                },
                quote! { date_from: #none, date_till: #none, },
                quote! {
                    /// Sets the period `date_from`..`date_till`.
                    #[must_use]
                    pub fn dates(mut self, date_from: #rt::DateTime, date_till: #rt::DateTime) -> Self {
                        self.date_from = #some(date_from);
                        self.date_till = #some(date_till);
                        self
                    }
                },
                quote! { date_from: self.date_from, date_till: self.date_till, },
            ),
            Dates::None => (
                TokenStream::new(),
                TokenStream::new(),
                TokenStream::new(),
                quote! { date_from: #none, date_till: #none, },
            ),
        }
    }
}
