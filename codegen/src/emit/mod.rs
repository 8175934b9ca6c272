//! From IR to Rust: one function per capability, assembled into modules.
//!
//! [`crate_files`] lays the modules out as the `dataapi` crate's source files (what
//! `cargo regenerate` writes); [`single_file`] puts the same modules in one file. Paths to the
//! runtime are absolute (`::dataapi::…`) and paths between modules are siblings
//! (`super::enums::…`), so the modules compile inside `dataapi` (which names itself
//! `dataapi`) and in a user's crate alike.

mod descriptor;
mod docs;
mod enums;
mod errors;
mod events;
mod filters;
mod format;
mod models;
pub mod request;
mod reuse;
pub mod types;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub use format::HEADER;
pub use reuse::Reuse;

use crate::ir::{EnumScope, EventFamily, FieldType, Method, Schema};

/// A generated module: its name, its doc line and its items.
pub struct Module {
    /// Module name (`calls_report`).
    pub name: String,
    /// One-line description, for the module list.
    pub summary: String,
    /// Items.
    pub tokens: TokenStream,
    /// Taken from the bundled crate rather than generated.
    pub reused: bool,
}

/// Formatting failed: the emitter produced tokens that are not Rust (a bug in the emitter).
#[derive(Debug, thiserror::Error)]
#[error("generated module `{module}` is not valid Rust: {source}")]
pub struct EmitError {
    module: String,
    source: syn::Error,
}

/// Every module of a schema, in a fixed order: enums, errors, operators, methods, event
/// families. A module `reuse` takes from the bundled crate has no tokens.
pub fn modules(schema: &Schema, reuse: &Reuse) -> Vec<Module> {
    let mut out = vec![
        Module {
            name: "enums".into(),
            summary: "Enums shared by several methods.".into(),
            tokens: shared_enums(schema, reuse),
            reused: false,
        },
        Module {
            name: "errors".into(),
            summary: "Error mnemonics of the API.".into(),
            tokens: if reuse.errors { TokenStream::new() } else { errors::mnemonics(schema) },
            reused: reuse.errors,
        },
        Module {
            name: "operators".into(),
            summary: "The filter operators, and which kinds of field each fits.".into(),
            tokens: if reuse.operators { TokenStream::new() } else { filters::operators(schema) },
            reused: reuse.operators,
        },
    ];
    out.extend(schema.methods.iter().map(|m| {
        let reused = reuse.modules.contains(&m.module);
        Module {
            name: m.module.clone(),
            summary: format!("`{}`: {}", m.name, m.title.en.as_deref().or(m.title.ru.as_deref()).unwrap_or("")),
            tokens: if reused { TokenStream::new() } else { method(m, schema) },
            reused,
        }
    }));
    out.extend(schema.event_families.iter().map(|f| {
        let reused = reuse.modules.contains(&f.name);
        Module {
            name: f.name.clone(),
            summary: format!("Events `{}`: {}", f.name, f.title.en.as_deref().or(f.title.ru.as_deref()).unwrap_or("")),
            tokens: if reused { TokenStream::new() } else { family(f, schema) },
            reused,
        }
    }));
    out
}

/// The generated source files of the `dataapi` crate's `src/api/` folder: `mod.rs` and one
/// file per module, as (file name, contents).
pub fn crate_files(schema: &Schema) -> Result<Vec<(String, String)>, EmitError> {
    let modules = modules(schema, &Reuse::nothing());
    let mut files = Vec::with_capacity(modules.len() + 1);
    files.push(("mod.rs".to_owned(), format("mod", module_list(schema, &modules))?));
    for m in modules {
        let summary = format!(" {}", m.summary);
        let tokens = &m.tokens;
        let text = format(&m.name, quote! { #![doc = #summary] #tokens })?;
        files.push((format!("{}.rs", m.name), text));
    }
    Ok(files)
}

/// Every module in one file, each as an inline `pub mod` (or, where `reuse` takes it from the
/// bundled crate, a `pub use ::dataapi::…;`), for `include!` from `$OUT_DIR`.
///
/// Each module's body is formatted as a file of its own, so it reads line for line as the
/// file `crate_files` writes for it (the bodies are not indented further).
pub fn single_file(schema: &Schema, reuse: &Reuse) -> Result<String, EmitError> {
    let mut out = format!("{HEADER}\n");
    for m in modules(schema, reuse) {
        if m.reused {
            out.push_str(&format!("\n/// {}\npub use ::dataapi::{};\n", m.summary, m.name));
            continue;
        }
        let body = format::items(m.tokens).map_err(|source| EmitError { module: m.name.clone(), source })?;
        out.push_str(&format!("\n/// {}\npub mod {} {{\n{body}}}\n", m.summary, m.name));
    }
    out.push('\n');
    out.push_str(&format::items(method_list(schema)).map_err(|source| EmitError { module: "mod".into(), source })?);
    Ok(out)
}

fn format(module: &str, tokens: TokenStream) -> Result<String, EmitError> {
    format::file(tokens).map_err(|source| EmitError { module: module.to_owned(), source })
}

fn module_list(schema: &Schema, modules: &[Module]) -> TokenStream {
    let mods = modules.iter().map(|m| {
        let name = format_ident!("{}", m.name);
        let doc = format!(" {}", m.summary);
        quote! { #[doc = #doc] pub mod #name; }
    });
    let methods = method_list(schema);
    quote! {
        //! The modules generated from the schema.
        #( #mods )*
        #methods
    }
}

/// `METHODS` and `OPERATORS`: the descriptor of every method and the operator table; and the
/// `prelude`: the operators and every method's parameter setters.
fn method_list(schema: &Schema) -> TokenStream {
    let modules = schema.methods.iter().map(|m| format_ident!("{}", m.module));
    let all: Vec<usize> = (0..schema.operators.len()).collect();
    let operators = descriptor::operators(schema, &all, quote!(self::operators));
    let setters =
        schema.methods.iter().filter(|m| m.params.iter().any(|p| !p.required)).map(|m| format_ident!("{}", m.module));
    quote! {
        /// What typed requests need in scope: `use <this module>::prelude::*;`.
        pub mod prelude {
            pub use super::operators::FilterOps;
            pub use ::dataapi::runtime::{Filter, Sort, SortOps};
            #( pub use super::#setters::RequestExt as _; )*
        }

        /// The description of every method of the schema, by wire name.
        pub static METHODS: &[&::dataapi::runtime::MethodDescriptor] = &[ #( &#modules::DESCRIPTOR ),* ];

        /// The filter operators and what each fits.
        pub static OPERATORS: &[&::dataapi::runtime::OperatorDescriptor] = #operators;
    }
}

fn shared_enums(schema: &Schema, reuse: &Reuse) -> TokenStream {
    let (taken, own): (Vec<_>, Vec<_>) = schema.enums.iter().partition(|e| reuse.enums.contains(&e.name));
    let taken = taken.iter().map(|e| format_ident!("{}", e.rust_name));
    let own = own.into_iter().map(enums::open_enum);
    quote! {
        #( pub use ::dataapi::enums::#taken; )*
        #( #own )*
    }
}

/// The module of one method.
pub fn method(m: &Method, schema: &Schema) -> TokenStream {
    let marker = format_ident!("{}", m.rust_name);
    let name = &m.name;
    let marker_doc = format!(" The method `{name}`, for typed filters and generic code.");
    let period = match m.dates_required() {
        Some(true) => quote!(Required),
        Some(false) => quote!(Optional),
        None => quote!(None),
    };
    let shared = shared_enum_uses(schema, m.fields.iter().chain(&m.params).map(|f| &f.ty));
    let local = m.enums.iter().map(enums::open_enum);
    let row_doc = docs::doc(&m.title, name, &[format!("One row of the reply of `{name}`; every field may be absent.")]);
    let row = models::model(
        &models::Model {
            name: "Row",
            doc: row_doc,
            fields: &m.fields,
            flags: true,
            lenient_all: false,
            rest: if m.keep_unknown_keys { models::Rest::UnknownKeys } else { models::Rest::Ignore },
        },
        schema,
        &m.enums,
    );
    let request = request::request(m, schema);
    let descriptor = descriptor::method_descriptor(m, schema);
    let fields = filters::field_markers(m, schema);
    quote! {
        #shared

        #[doc = #marker_doc]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct #marker;

        impl ::dataapi::runtime::Method for #marker {
            const NAME: &'static str = #name;
            type Row = Row;
            type Period = ::dataapi::runtime::period::#period;
            type Params = Params;
            const DESCRIPTOR: &'static ::dataapi::runtime::MethodDescriptor = &DESCRIPTOR;
        }

        #( #local )*
        #row
        #fields
        #request
        #descriptor
    }
}

fn family(f: &EventFamily, schema: &Schema) -> TokenStream {
    let shared = shared_enum_uses(schema, f.events.iter().flat_map(|e| &e.fields).map(|f| &f.ty));
    let items = events::family(f, schema);
    quote! { #shared #items }
}

/// `pub use super::enums::…;` for the shared enums these types use.
fn shared_enum_uses<'a>(schema: &Schema, types: impl Iterator<Item = &'a FieldType>) -> TokenStream {
    let mut names = BTreeSet::new();
    for ty in types {
        ty.visit(&mut |ty| {
            if let FieldType::Enum(r) = ty
                && r.scope == EnumScope::Shared
            {
                names.insert(schema.enums[r.index].rust_name.clone());
            }
        });
    }
    let names = names.iter().map(|n| format_ident!("{}", n));
    // A sibling path, so the modules work wherever they are placed.
    quote! { #( pub use super::enums::#names; )* }
}
