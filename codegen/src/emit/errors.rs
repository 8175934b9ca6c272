//! The error table: an open enum of mnemonics that knows each one's code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::enums::open_enum_with_aliases;
use crate::ir::{Enum, EnumValue, Schema, Text};

/// The `Mnemonic` enum.
pub fn mnemonics(schema: &Schema) -> TokenStream {
    let all: Vec<_> = schema.errors.iter().flat_map(|e| e.mnemonics.iter().map(move |m| (e, m))).collect();
    let values = all
        .iter()
        .map(|(e, m)| {
            let mut note = format!("code {} ({})", e.code, e.group);
            if m.get_only {
                note.push_str("; reported by `get.*` methods only");
            }
            if !m.aliases.is_empty() {
                let spellings: Vec<_> = m.aliases.iter().map(|a| format!("`{a}`")).collect();
                note.push_str(&format!("; also spelt {}", spellings.join(", ")));
            }
            EnumValue {
                code: m.name.clone(),
                rust_name: m.rust_name.clone(),
                doc: m.doc.clone(),
                note: Some(note),
                aliases: Vec::new(),
                labels: Default::default(),
            }
        })
        .collect();
    let mnemonic = Enum {
        name: "mnemonic".into(),
        rust_name: "Mnemonic".into(),
        doc: Text {
            en: Some("What went wrong, as `error.data.mnemonic` says; unlike the code, it is unique.".into()),
            ru: None,
        },
        note: None,
        values,
    };
    let aliases: Vec<Vec<String>> = all.iter().map(|(_, m)| m.aliases.clone()).collect();
    let definition = open_enum_with_aliases(&mnemonic, &aliases);
    let codes = all.iter().map(|(e, m)| {
        let variant = format_ident!("{}", m.rust_name);
        let code = e.code;
        quote! { Mnemonic::#variant => ::core::option::Option::Some(#code), }
    });
    quote! {
        #definition

        impl Mnemonic {
            /// The JSON-RPC code the API reports this mnemonic under.
            pub fn code(&self) -> ::core::option::Option<i64> {
                match self {
                    #( #codes )*
                    Mnemonic::Unrecognized(_) => ::core::option::Option::None,
                }
            }
        }
    }
}
