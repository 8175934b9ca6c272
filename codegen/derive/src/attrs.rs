//! The `#[report(…)]` attributes, read into the engine's input types.

use dataapi_codegen::__derive::{EnumInput, ReportInput, UserField, UserVariant, VariantShape};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;

use crate::schema::Source;

/// What a derive asks for.
pub struct Parsed {
    /// Where its schema comes from.
    pub source: Source,
    /// The struct or enum.
    pub kind: Kind,
}

/// Which derive.
pub enum Kind {
    /// `#[derive(Report)]`.
    Report(ReportInput),
    /// `#[derive(ReportEnum)]`.
    Enum(EnumInput),
}

/// The keys of the container attribute, as written.
#[derive(Default)]
struct Container {
    method: Option<(String, Span)>,
    schema_enum: Option<(String, Span)>,
    schema: Option<(String, Span)>,
    api: Option<syn::Path>,
    bundled: Option<bool>,
}

/// Reads `#[derive(Report)]`'s input.
pub fn report(input: &syn::DeriveInput) -> syn::Result<Parsed> {
    let c = container(&input.attrs, &["method", "schema", "api", "bundled"])?;
    reject_generics(input)?;
    let syn::Data::Struct(syn::DataStruct { fields: syn::Fields::Named(named), .. }) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "`Report` is for structs with named fields, one per reply field",
        ));
    };
    let method = c.method.clone().ok_or_else(|| {
        syn::Error::new(input.ident.span(), "name the method: `#[report(method = \"get.calls_report\")]`")
    })?;
    let mut errors: Option<syn::Error> = None;
    let mut fields = Vec::new();
    for f in &named.named {
        match field(f) {
            Ok(f) => fields.push(f),
            Err(e) => combine(&mut errors, e),
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    let source = source(&c)?;
    let api = api(&c)?;
    Ok(Parsed {
        source,
        kind: Kind::Report(ReportInput { ident: input.ident.clone(), method, api, fields, tracked: Vec::new() }),
    })
}

/// Reads `#[derive(ReportEnum)]`'s input.
pub fn report_enum(input: &syn::DeriveInput) -> syn::Result<Parsed> {
    let c = container(&input.attrs, &["enum", "method", "schema", "api", "bundled"])?;
    reject_generics(input)?;
    let syn::Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(input.ident.span(), "`ReportEnum` is for enums, one variant per code"));
    };
    let schema_enum = c.schema_enum.clone().ok_or_else(|| {
        syn::Error::new(input.ident.span(), "name the schema enum: `#[report(enum = \"finish_reason\")]`")
    })?;
    let mut errors: Option<syn::Error> = None;
    let mut variants = Vec::new();
    for v in &data.variants {
        match variant(v) {
            Ok(v) => variants.push(v),
            Err(e) => combine(&mut errors, e),
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    let source = source(&c)?;
    let api = api(&c)?;
    Ok(Parsed {
        source,
        kind: Kind::Enum(EnumInput {
            ident: input.ident.clone(),
            schema_enum,
            method: c.method,
            api,
            variants,
            tracked: Vec::new(),
        }),
    })
}

fn container(attrs: &[syn::Attribute], allowed: &[&str]) -> syn::Result<Container> {
    let mut c = Container::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("report")) {
        attr.parse_nested_meta(|meta| {
            let key = key_of(&meta.path);
            if !allowed.contains(&key.as_str()) {
                return Err(unknown_key(&meta.path, &key, allowed));
            }
            match key.as_str() {
                "method" => c.method = Some(string(&meta)?),
                "enum" => c.schema_enum = Some(string(&meta)?),
                "schema" => c.schema = Some(string(&meta)?),
                "api" => c.api = Some(meta.value()?.parse()?),
                "bundled" => c.bundled = Some(meta.value()?.parse::<syn::LitBool>()?.value),
                _ => unreachable!("every allowed key is matched"),
            }
            Ok(())
        })?;
    }
    Ok(c)
}

fn field(f: &syn::Field) -> syn::Result<UserField> {
    let ident = f.ident.clone().ok_or_else(|| syn::Error::new(f.span(), "a field needs a name"))?;
    let mut rename = None;
    let mut skip = false;
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("report")) {
        attr.parse_nested_meta(|meta| {
            let key = key_of(&meta.path);
            match key.as_str() {
                "rename" => rename = Some(string(&meta)?),
                "skip" => skip = true,
                _ => return Err(unknown_key(&meta.path, &key, &["rename", "skip"])),
            }
            Ok(())
        })?;
    }
    let wire = rename.or_else(|| serde_rename(&f.attrs)).unwrap_or_else(|| {
        let name = ident.to_string();
        (name.strip_prefix("r#").unwrap_or(&name).to_owned(), ident.span())
    });
    Ok(UserField { ident, ty: f.ty.clone(), wire, skip })
}

/// `#[serde(rename = "…")]` on a field, so a struct that already has one needs no other.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<(String, Span)> {
    attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|attr| {
        let metas =
            attr.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated).ok()?;
        metas.into_iter().find_map(|m| match m {
            syn::Meta::NameValue(nv) if nv.path.is_ident("rename") => match nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some((s.value(), s.span())),
                _ => None,
            },
            _ => None,
        })
    })
}

fn variant(v: &syn::Variant) -> syn::Result<UserVariant> {
    let mut code = None;
    let mut other = false;
    for attr in v.attrs.iter().filter(|a| a.path().is_ident("report")) {
        attr.parse_nested_meta(|meta| {
            let key = key_of(&meta.path);
            match key.as_str() {
                "code" => code = Some(string(&meta)?),
                "other" => other = true,
                _ => return Err(unknown_key(&meta.path, &key, &["code", "other"])),
            }
            Ok(())
        })?;
    }
    let shape = match (&v.fields, other) {
        (syn::Fields::Unit, false) => VariantShape::Unit,
        (syn::Fields::Unnamed(f), true) if f.unnamed.len() == 1 => VariantShape::CatchAll,
        (_, true) => VariantShape::Invalid(
            v.fields.span().join(v.ident.span()).unwrap_or(v.ident.span()),
            "the catch-all variant holds the code: write it `Other(String)`",
        ),
        (fields, false) => VariantShape::Invalid(
            fields.span(),
            "a variant stands for one code and holds nothing; mark the one that keeps other codes `#[report(other)]`",
        ),
    };
    if other && code.is_some() {
        return Err(syn::Error::new(v.ident.span(), "the catch-all variant has no code of its own"));
    }
    Ok(UserVariant { ident: v.ident.clone(), code, shape })
}

fn reject_generics(input: &syn::DeriveInput) -> syn::Result<()> {
    if input.generics.params.is_empty() {
        Ok(())
    } else {
        Err(syn::Error::new(input.generics.span(), "the derive does not take generic types; use concrete field types"))
    }
}

fn source(c: &Container) -> syn::Result<Source> {
    if c.bundled == Some(false) && c.schema.is_none() {
        return Err(syn::Error::new(Span::call_site(), "`bundled = false` needs a `schema = \"…\"` of your own"));
    }
    Ok(Source { path: c.schema.clone(), bundled: c.bundled.unwrap_or(true) })
}

/// `::dataapi` unless `api = …` names where build.rs output was included; a user's schema
/// needs one, since its modules are not in `dataapi`.
fn api(c: &Container) -> syn::Result<TokenStream> {
    match (&c.api, &c.schema) {
        (Some(path), _) => Ok(quote!(#path)),
        (None, Some((_, span))) => Err(syn::Error::new(
            *span,
            "with a schema of your own, say where its generated modules are: `api = crate::api` (the module that \
             includes the build script's output)",
        )),
        (None, None) => Ok(quote!(::dataapi)),
    }
}

fn string(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<(String, Span)> {
    let lit: syn::LitStr = meta.value()?.parse()?;
    Ok((lit.value(), lit.span()))
}

fn key_of(path: &syn::Path) -> String {
    path.get_ident().map(ToString::to_string).unwrap_or_else(|| quote!(#path).to_string())
}

fn unknown_key(path: &syn::Path, key: &str, allowed: &[&str]) -> syn::Error {
    let like = dataapi_codegen::__derive::closest(key, allowed.iter().copied())
        .map(|k| format!("did you mean `{k}`?"))
        .unwrap_or_else(|| {
            format!("the keys are {}", allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
        });
    syn::Error::new(path.span(), format!("unknown key `{key}` in `#[report(…)]`; {like}"))
}

fn combine(all: &mut Option<syn::Error>, e: syn::Error) {
    match all {
        Some(a) => a.combine(e),
        None => *all = Some(e),
    }
}
