//! Static descriptions of methods and fields, read by validators and `describe`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{DateRange, Enum, Field, FieldType, Method, RequestKind, Scalar, Schema, Stated, Text, ValueShape};

/// `pub static DESCRIPTOR: MethodDescriptor = …;`, one short line per field.
pub fn method_descriptor(method: &Method, schema: &Schema) -> TokenStream {
    let name = &method.name;
    let kind = match method.kind {
        RequestKind::Report => quote!(Report),
        RequestKind::FlatReport => quote!(FlatReport),
    };
    let l = &method.limits;
    let (days, lmax, ldef, omax, odef) =
        (l.date_range_days, l.limit_max, l.limit_default, l.offset_max, l.offset_default);
    let depth = match l.filter_depth {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    };
    let range = match l.date_range {
        DateRange::Documented => quote!(Documented),
        DateRange::General => quote!(General),
        DateRange::NoDates => quote!(NoDates),
    };
    let sets = method.requires_one_of.iter().map(|set| quote!(&[ #( #set ),* ]));
    let rules = method.filter_requires.iter().map(|r| {
        let (fields, with, mnemonic) = (&r.fields, &r.with_one_of, &r.mnemonic);
        quote! {
            ::dataapi::runtime::FilterRequires { fields: &[ #( #fields ),* ], with_one_of: &[ #( #with ),* ], mnemonic: #mnemonic }
        }
    });
    let key = &method.key;
    let operators = operators(schema, &method.operators, quote!(super::operators));
    let params = fields(&method.params, schema, &method.enums);
    let reply = fields(&method.fields, schema, &method.enums);
    let doc = format!(" The description of `{name}`: its fields, flags and limits.");
    // Only what the lines below use is imported, so that nothing is unused.
    let stated: Vec<Stated> =
        method.fields.iter().chain(&method.params).flat_map(|f| [f.filter, f.sort, f.default]).collect();
    let used = [(Stated::No, quote!(No)), (Stated::Yes, quote!(Yes))]
        .into_iter()
        .filter(|(s, _)| stated.contains(s))
        .map(|(_, name)| name)
        .collect::<Vec<_>>();
    let stated = (!used.is_empty()).then(|| quote!(use ::dataapi::runtime::Stated::{ #( #used ),* };));
    quote! {
        #[doc = #doc]
        pub static DESCRIPTOR: ::dataapi::runtime::MethodDescriptor = {
            use ::dataapi::runtime::{FieldDescriptor as F, TypeDescriptor as T};
            #stated
            ::dataapi::runtime::MethodDescriptor {
                name: #name,
                kind: ::dataapi::runtime::RequestKind::#kind,
                limits: ::dataapi::runtime::LimitsDescriptor {
                    date_range: ::dataapi::runtime::DateRange::#range,
                    date_range_days: #days,
                    filter_depth: #depth,
                    limit_default: #ldef,
                    limit_max: #lmax,
                    offset_default: #odef,
                    offset_max: #omax,
                },
                operators: #operators,
                params: #params,
                fields: #reply,
                requires_one_of: &[ #( #sets ),* ],
                filter_requires: &[ #( #rules ),* ],
                key: &[ #( #key ),* ],
            }
        };
    }
}

/// `&[F::new("id", T::Integer).filter(Yes).doc("…"), …]`, inside a block that imports the short names.
pub fn fields(fields: &[Field], schema: &Schema, local: &[Enum]) -> TokenStream {
    let items = fields.iter().map(|f| {
        let name = &f.name;
        let ty = type_descriptor(&f.ty, schema, local);
        let flags = [("filter", f.filter), ("sort", f.sort), ("default", f.default)]
            .into_iter()
            .filter(|(_, s)| *s != Stated::NotStated)
            .map(|(key, s)| {
                let key = quote::format_ident!("{key}");
                let s = if s == Stated::Yes { quote!(Yes) } else { quote!(No) };
                quote!(.#key(#s))
            });
        let required = f.required.then(|| quote!(.required()));
        let deprecated = f.deprecated.then(|| quote!(.deprecated()));
        let brands = (!f.brands.is_empty()).then(|| {
            let brands = f.brands.iter().map(|b| quote::format_ident!("{}", b.rust_name()));
            quote!(.brands(&[ #( ::dataapi::runtime::Brand::#brands ),* ]))
        });
        let doc = f.doc.headline();
        let doc = (!doc.is_empty()).then(|| quote!(.doc(#doc)));
        quote! { F::new(#name, #ty) #( #flags )* #required #deprecated #brands #doc }
    });
    quote! { &[ #( #items ),* ] }
}

fn type_descriptor(ty: &FieldType, schema: &Schema, local: &[Enum]) -> TokenStream {
    match ty {
        FieldType::Scalar(Scalar::Integer) => quote!(T::Integer),
        FieldType::Scalar(Scalar::Decimal) => quote!(T::Decimal),
        FieldType::Scalar(Scalar::String) => quote!(T::String),
        FieldType::Scalar(Scalar::Boolean) => quote!(T::Boolean),
        FieldType::Scalar(Scalar::DateTime) => quote!(T::DateTime),
        FieldType::Scalar(Scalar::Date) => quote!(T::Date),
        FieldType::Enum(r) => {
            let e = schema.resolve(local, r);
            let name = &e.name;
            let rust = super::types::rust_type(ty, schema, local);
            let labels = e.values.iter().filter(|v| v.labels != Text::default()).map(|v| {
                let code = &v.code;
                let [en, ru] = [&v.labels.en, &v.labels.ru].map(|l| match l {
                    Some(l) => quote!(::core::option::Option::Some(#l)),
                    None => quote!(::core::option::Option::None),
                });
                quote!(::dataapi::runtime::Label { code: #code, en: #en, ru: #ru })
            });
            quote!(T::Enum { name: #name, codes: #rust::CODES, labels: &[ #( #labels ),* ] })
        }
        FieldType::ValueObject => quote!(T::ValueObject),
        FieldType::Object { fields: nested, .. } => {
            let nested = fields(nested, schema, local);
            quote!(T::Object(#nested))
        }
        FieldType::Array(item) => {
            let item = type_descriptor(item, schema, local);
            quote!(T::Array(&#item))
        }
        FieldType::Filter => quote!(T::Filter),
    }
}

/// `pub static EQ: OperatorDescriptor = …;` for every operator of the table.
pub fn operator_statics(schema: &Schema) -> TokenStream {
    let items = schema.operators.iter().map(|o| {
        let name = operator_static(o);
        let wire = &o.wire;
        let fits = o.fits.iter().map(|k| {
            let k = quote::format_ident!("{}", k.rust_name());
            quote!(::dataapi::runtime::Kind::#k)
        });
        let value = match o.value {
            ValueShape::Same => quote!(Same),
            ValueShape::List => quote!(List),
            ValueShape::Items => quote!(Items),
            ValueShape::Text => quote!(Text),
            ValueShape::Null => quote!(Null),
        };
        let (null, everywhere) = (o.null, o.everywhere);
        let doc = format!(" The operator `{wire}`: what it fits and what its value is.");
        quote! {
            #[doc = #doc]
            pub static #name: ::dataapi::runtime::OperatorDescriptor = ::dataapi::runtime::OperatorDescriptor {
                wire: #wire,
                fits: &[ #( #fits ),* ],
                value: ::dataapi::runtime::ValueShape::#value,
                null: #null,
                everywhere: #everywhere,
            };
        }
    });
    quote! { #( #items )* }
}

/// `&[&<module>::EQ, …]`: references to the operators of the table at `indices`, where
/// `module` is the path of the `operators` module from the caller.
pub fn operators(schema: &Schema, indices: &[usize], module: TokenStream) -> TokenStream {
    let items = indices.iter().map(|&i| operator_static(&schema.operators[i]));
    quote! { &[ #( &#module::#items ),* ] }
}

fn operator_static(o: &crate::ir::Operator) -> proc_macro2::Ident {
    quote::format_ident!("{}", o.static_name)
}
