//! Whether a user's Rust type can hold a schema type.
//!
//! The check is syntactic where it can be sure (a `String` for an integer field is wrong
//! whatever the crate), so the message names the field and the expected types. A name it does
//! not know (an alias, a user's enum or struct) is left to the compiler through the runtime's
//! `Holds` trait, whose `on_unimplemented` message explains the mismatch.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Enum, FieldType, Scalar, Schema};

const INTEGERS: &[&str] = &["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize"];
const DECIMALS: &[&str] = &["Decimal", "f32", "f64"];
const STRINGS: &[&str] = &["String", "Box", "Arc", "Rc"];
/// Names whose meaning is certain: a field of another type cannot hold them.
const KNOWN: &[&[&str]] = &[
    INTEGERS,
    DECIMALS,
    STRINGS,
    &[
        "bool",
        "char",
        "str",
        "DateTime",
        "Date",
        "NaiveDateTime",
        "NaiveDate",
        "ValueObject",
        "Vec",
        "HashMap",
        "BTreeMap",
    ],
];

/// How a field's type is checked.
pub enum Fit {
    /// The type fits, and the compiler checks it against this schema marker type with `Holds`.
    Check(TokenStream),
    /// The type is accepted as it is (JSON values, user structs for nested objects).
    Accept,
}

/// Where the generated types of the method live, for marker paths.
pub struct Names<'a> {
    /// The schema.
    pub schema: &'a Schema,
    /// The method's own enums.
    pub local: &'a [Enum],
    /// `::dataapi::calls_report::`: the path the method's generated types are named through.
    pub module: &'a TokenStream,
}

/// Checks `ty` against the schema type `schema_ty`; the error says what was expected.
pub fn fit(ty: &syn::Type, schema_ty: &FieldType, names: &Names<'_>) -> Result<Fit, String> {
    let wrong = || Err(format!("expected {}, found `{}`", expected(schema_ty, names), show(ty)));
    let checked = || Ok(marker(schema_ty, names).map_or(Fit::Accept, Fit::Check));
    let Some((last, args)) = last_segment(ty) else { return wrong() };
    if last == "Option"
        && let [inner] = args.as_slice()
    {
        return fit(inner, schema_ty, names);
    }
    if last == "Value" {
        return Ok(Fit::Accept);
    }
    let known = KNOWN.iter().any(|list| list.contains(&last.as_str()));
    match schema_ty {
        FieldType::Scalar(s) => {
            let (fits, string_like) = match s {
                Scalar::Integer => (INTEGERS.contains(&last.as_str()), false),
                Scalar::Decimal => (DECIMALS.contains(&last.as_str()), false),
                Scalar::String => (STRINGS.contains(&last.as_str()), true),
                Scalar::Boolean => (last == "bool", false),
                Scalar::DateTime => (last == "DateTime", false),
                Scalar::Date => (last == "Date", false),
            };
            // `Box<str>` is text, `Box<i64>` is not.
            let text_inner = !string_like || last == "String" || args.first().is_some_and(|a| is_named(a, "str"));
            if (fits && text_inner) || !known { checked() } else { wrong() }
        }
        FieldType::ValueObject if last == "ValueObject" => checked(),
        FieldType::ValueObject | FieldType::Enum(_) | FieldType::Object { .. } | FieldType::Filter => {
            if known {
                wrong()
            } else {
                checked()
            }
        }
        FieldType::Array(item) => match (last.as_str(), args.as_slice()) {
            ("Vec", [inner]) => match fit(inner, item, names) {
                Err(_) => wrong(),
                Ok(Fit::Check(_)) => checked(),
                Ok(Fit::Accept) => Ok(Fit::Accept),
            },
            _ if known => wrong(),
            _ => Ok(Fit::Accept),
        },
    }
}

/// Whether the Rust type is written `Vec<…>` (the derive reads `null` as empty for a bare `Vec`).
pub fn is_vec(ty: &syn::Type) -> bool {
    last_segment(ty).is_some_and(|(name, _)| name == "Vec")
}

/// Whether the type is written `Option<…>`.
pub fn is_option(ty: &syn::Type) -> bool {
    last_segment(ty).is_some_and(|(name, args)| name == "Option" && args.len() == 1)
}

/// The marker type `Holds` checks against; none for objects (and arrays of them), which a
/// user's own struct may stand for.
fn marker(ty: &FieldType, names: &Names<'_>) -> Option<TokenStream> {
    let schema = quote!(::dataapi::runtime::report::schema);
    Some(match ty {
        FieldType::Scalar(s) => {
            let name = match s {
                Scalar::DateTime => format_ident!("DateTime"),
                s => format_ident!("{}", heck::ToUpperCamelCase::to_upper_camel_case(s.as_str())),
            };
            quote!(#schema::#name)
        }
        FieldType::ValueObject => quote!(#schema::ValueObject),
        FieldType::Enum(r) => {
            let module = names.module;
            let name = format_ident!("{}", names.schema.resolve(names.local, r).rust_name);
            quote!(#module #name)
        }
        FieldType::Array(item) => {
            let item = marker(item, names)?;
            quote!(#schema::Array<#item>)
        }
        FieldType::Object { .. } | FieldType::Filter => return None,
    })
}

/// What a field of this schema type takes, in words.
pub fn expected(ty: &FieldType, names: &Names<'_>) -> String {
    match ty {
        FieldType::Scalar(Scalar::Integer) => "an integer type (`i64`, `u32`, …)".into(),
        FieldType::Scalar(Scalar::Decimal) => "`dataapi::Decimal`, `f64` or `f32`".into(),
        FieldType::Scalar(Scalar::String) => "`String`".into(),
        FieldType::Scalar(Scalar::Boolean) => "`bool`".into(),
        FieldType::Scalar(Scalar::DateTime) => "`dataapi::DateTime`".into(),
        FieldType::Scalar(Scalar::Date) => "`dataapi::Date`".into(),
        FieldType::ValueObject => "`dataapi::ValueObject`".into(),
        FieldType::Enum(r) => {
            let e = names.schema.resolve(names.local, r);
            let path = names.module.to_string().replace(' ', "");
            let path = path.trim_start_matches("::");
            format!(
                "the enum `{}` (`{path}{}`) or an enum of yours with `#[derive(dataapi::ReportEnum)]` for `{}`",
                e.rust_name, e.rust_name, e.name
            )
        }
        FieldType::Object { rust_name, .. } => format!("the struct `{rust_name}` or a struct of yours"),
        FieldType::Array(item) => format!("`Vec<…>` of {}", expected(item, names)),
        FieldType::Filter => "a filter".into(),
    }
}

/// The last path segment's name and its type arguments.
fn last_segment(ty: &syn::Type) -> Option<(String, Vec<&syn::Type>)> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            let args = match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|a| match a {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Some((seg.ident.to_string(), args))
        }
        syn::Type::Group(g) => last_segment(&g.elem),
        syn::Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn is_named(ty: &syn::Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|(n, _)| n == name)
}

/// The type as the user wrote it, without token spacing.
fn show(ty: &syn::Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}
