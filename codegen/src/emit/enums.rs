//! Open enums: a variant per known code and `Unrecognized(String)` for the rest.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc;
use crate::ir::{CATCH_ALL_VARIANT, Enum};

/// One open enum; a value's aliases (other wire spellings) decode to the same variant.
pub fn open_enum(e: &Enum) -> TokenStream {
    let name = format_ident!("{}", e.rust_name);
    let catch_all = format_ident!("{}", CATCH_ALL_VARIANT);
    let extra: Vec<String> = e.note.iter().map(|n| format!("Note: {n}")).collect();
    let docs = doc(&e.doc, &format!("The `{}` enum.", e.name), &extra);
    let variants: Vec<_> = e.values.iter().map(|v| format_ident!("{}", v.rust_name)).collect();
    let codes: Vec<_> = e.values.iter().map(|v| v.code.as_str()).collect();
    let variant_docs = e.values.iter().map(|v| {
        let mut extra: Vec<String> = v.note.iter().map(|n| format!("Note: {n}")).collect();
        extra.push(format!("Wire code `{}`.", v.code));
        if !v.aliases.is_empty() {
            let spellings: Vec<_> = v.aliases.iter().map(|a| format!("`{a}`")).collect();
            extra.push(format!(
                "Also decoded from {} (another brand's spelling); encoded as `{}`.",
                spellings.join(", "),
                v.code
            ));
        }
        let labels: Vec<_> = [&v.labels.en, &v.labels.ru].into_iter().flatten().map(|l| format!("\"{l}\"")).collect();
        if !labels.is_empty() {
            extra.push(format!("Docs that give no code show the label {}.", labels.join(" / ")));
        }
        doc(&v.doc, &format!("`{}`.", v.code), &extra)
    });
    let patterns = e.values.iter().map(|v| {
        let (code, others) = (&v.code, &v.aliases);
        quote! { #code #( | #others )* }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A code this version of the schema does not know, kept as it came.
            #catch_all(::std::string::String),
        }

        impl #name {
            /// Every code the schema knows, in doc order.
            pub const KNOWN: &'static [#name] = &[ #( #name::#variants ),* ];

            /// The wire code of each of [`Self::KNOWN`], in the same order.
            pub const CODES: &'static [&'static str] = &[ #( #codes ),* ];

            /// The code as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #codes, )*
                    #name::#catch_all(code) => code,
                }
            }

            /// Whether the schema knows this code.
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, #name::#catch_all(_))
            }

            fn known(code: &str) -> ::core::option::Option<Self> {
                match code {
                    #( #patterns => ::core::option::Option::Some(#name::#variants), )*
                    _ => ::core::option::Option::None,
                }
            }
        }

        ::dataapi::open_enum_traits!(#name);
    }
}
