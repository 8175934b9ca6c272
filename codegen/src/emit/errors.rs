//! The error table: an open enum of mnemonics that knows each one's code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::enums::open_enum;
use crate::ir::Schema;

/// The `Mnemonic` enum, its codes, and its place as the runtime's error table.
pub fn mnemonics(schema: &Schema) -> TokenStream {
    let definition = open_enum(&schema.mnemonics);
    let codes = schema.errors.iter().flat_map(|e| {
        e.mnemonics.iter().map(move |m| {
            let variant = format_ident!("{}", m.rust_name);
            let code = e.code;
            quote! { Mnemonic::#variant => ::core::option::Option::Some(#code), }
        })
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

        ::dataapi::error_table!(Mnemonic);
    }
}
