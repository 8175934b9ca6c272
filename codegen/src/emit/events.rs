//! An event family: a payload struct per event, the `Event` enum over them, queue types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc;
use super::enums::open_enum;
use super::models::{Model, Rest, model};
use crate::ir::{Enum, EnumValue, EventFamily, Schema, Text};

/// The items of an event family's module.
pub fn family(family: &EventFamily, schema: &Schema) -> TokenStream {
    let queue_type = open_enum(&Enum {
        name: "queue_type".into(),
        rust_name: "QueueType".into(),
        doc: Text { en: Some("A kind of queue where events occur.".into()), ru: Some("Тип очереди.".into()) },
        note: None,
        values: family
            .queue_types
            .iter()
            .map(|q| EnumValue {
                code: q.code.clone(),
                rust_name: q.rust_name.clone(),
                doc: q.doc.clone(),
                note: None,
                aliases: Vec::new(),
                labels: Default::default(),
            })
            .collect(),
    });
    let enums = family.enums.iter().map(open_enum);
    let payloads = family.events.iter().filter(|e| e.same_as.is_none()).map(|e| {
        let m = Model {
            name: &e.rust_name,
            doc: doc(&e.doc, &format!("The payload of `{}`.", e.name), &[format!("Event name `{}`.", e.name)]),
            fields: &e.fields,
            flags: false,
            lenient_all: true,
            rest: if family.extra_variables { Rest::Variables } else { Rest::Ignore },
        };
        model(&m, schema, &family.enums)
    });
    let variant = |i: usize| format_ident!("{}", family.events[i].rust_name);
    let payload = |i: usize| format_ident!("{}", family.events[family.events[i].same_as.unwrap_or(i)].rust_name);
    let n = family.events.len();
    let variants = (0..n).map(|i| {
        let (v, p) = (variant(i), payload(i));
        let e = &family.events[i];
        let extra = vec![format!("Event name `{}`.", e.name)];
        let docs = doc(&e.doc, &format!("`{}`.", e.name), &extra);
        quote! { #docs #v(#p), }
    });
    let names = (0..n).map(|i| {
        let v = variant(i);
        let name = &family.events[i].name;
        quote! { Event::#v(_) => #name, }
    });
    let decode = (0..n).map(|i| {
        let v = variant(i);
        let name = &family.events[i].name;
        quote! { #name => ::dataapi::runtime::event::payload(&name, fields).map(Event::#v), }
    });
    let encode = (0..n).map(|i| {
        let v = variant(i);
        quote! { Event::#v(p) => ::dataapi::runtime::event::encode(Event::KEY, self.name(), p), }
    });
    let queues = (0..n).map(|i| {
        let v = variant(i);
        let list = family.events[i].queues.iter().map(|&q| format_ident!("{}", family.queue_types[q].rust_name));
        quote! { Event::#v(_) => &[ #( QueueType::#list ),* ], }
    });
    let missing = (0..n).map(|i| {
        let v = variant(i);
        let checks: Vec<_> = family.events[i]
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| {
                let ident = super::types::field_ident(f);
                let name = &f.name;
                quote! { if p.#ident.is_none() { out.push(#name); } }
            })
            .collect();
        if checks.is_empty() {
            quote! { Event::#v(_) => {} }
        } else {
            quote! { Event::#v(p) => { #( #checks )* } }
        }
    });
    let with_agent = family.queue_types.iter().filter(|q| q.with_agent).map(|q| format_ident!("{}", q.rust_name));
    let key = &family.event_key;
    let key_doc = format!(" The payload key that names the event (`{key}`).");
    quote! {
        #queue_type

        impl QueueType {
            /// Whether an agent takes part in this kind of queue.
            pub fn with_agent(&self) -> bool {
                ::core::matches!(self, #( QueueType::#with_agent )|*)
            }
        }

        #( #enums )*
        #( #payloads )*

        /// An event of this family, decoded by its name.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #( #variants )*
            /// An event this version of the schema does not know, with every key it carried.
            Unrecognized {
                /// Its name.
                name: ::std::string::String,
                /// Its other keys.
                fields: ::dataapi::serde_json::Map<::std::string::String, ::dataapi::serde_json::Value>,
            },
        }

        impl Event {
            #[doc = #key_doc]
            pub const KEY: &'static str = #key;

            /// The event's name as it is on the wire.
            pub fn name(&self) -> &str {
                match self {
                    #( #names )*
                    Event::Unrecognized { name, .. } => name,
                }
            }

            /// The queue types where the event occurs (none for an unrecognized event).
            pub fn queues(&self) -> &'static [QueueType] {
                match self {
                    #( #queues )*
                    Event::Unrecognized { .. } => &[],
                }
            }

            /// The fields the event always carries but this one lacks.
            pub fn missing_fields(&self) -> ::std::vec::Vec<&'static str> {
                let mut out = ::std::vec::Vec::new();
                match self {
                    #( #missing )*
                    Event::Unrecognized { .. } => {}
                }
                out
            }

            /// Checks the event against the schema: that it can occur in a `queue` queue (when
            /// the queue type is known) and that it carries every field it always carries.
            /// Returns every problem.
            pub fn check(
                &self,
                queue: ::core::option::Option<&QueueType>,
            ) -> ::core::result::Result<(), ::std::vec::Vec<::dataapi::runtime::EventProblem>> {
                let mut problems = ::std::vec::Vec::new();
                if let ::core::option::Option::Some(queue) = queue {
                    let allowed = self.queues();
                    if !allowed.is_empty() && !allowed.contains(queue) {
                        let expected: ::std::vec::Vec<&str> = allowed.iter().map(QueueType::as_str).collect();
                        problems.push(::dataapi::runtime::EventProblem::WrongQueue {
                            event: self.name().to_owned(),
                            queue: queue.as_str().to_owned(),
                            expected: expected.join(", "),
                        });
                    }
                }
                for field in self.missing_fields() {
                    problems.push(::dataapi::runtime::EventProblem::Missing { event: self.name().to_owned(), field });
                }
                if problems.is_empty() { ::core::result::Result::Ok(()) } else { ::core::result::Result::Err(problems) }
            }

            /// Decodes an event from a JSON object that names it under [`Event::KEY`].
            pub fn from_json(value: ::dataapi::serde_json::Value) -> ::core::result::Result<Self, ::dataapi::runtime::EventError> {
                let (name, fields) = ::dataapi::runtime::event::split(value, Event::KEY)?;
                match name.as_str() {
                    #( #decode )*
                    _ => ::core::result::Result::Ok(Event::Unrecognized { name, fields }),
                }
            }

            /// Decodes an event from form or query pairs, whose values are all strings.
            pub fn from_pairs<I, K, V>(pairs: I) -> ::core::result::Result<Self, ::dataapi::runtime::EventError>
            where
                I: ::core::iter::IntoIterator<Item = (K, V)>,
                K: ::core::convert::Into<::std::string::String>,
                V: ::core::convert::Into<::std::string::String>,
            {
                Event::from_json(::dataapi::runtime::event::pairs_to_json(pairs))
            }

            /// The event as a JSON object, named under [`Event::KEY`].
            pub fn to_json(&self) -> ::dataapi::serde_json::Value {
                match self {
                    #( #encode )*
                    Event::Unrecognized { name, fields } => ::dataapi::runtime::event::encode(Event::KEY, name, fields),
                }
            }
        }
    }
}
