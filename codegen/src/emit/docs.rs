//! Rustdoc from the schema's texts: English first, then the Russian original, then remarks.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Field, Text};

/// `#[doc = …]` lines for a text, with `fallback` where the schema has none.
pub fn doc(text: &Text, fallback: &str, extra: &[String]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    match (&text.en, &text.ru) {
        (None, None) => lines.push(fallback.to_owned()),
        (en, ru) => {
            if let Some(en) = en {
                lines.push(sentence(en));
            }
            if let Some(ru) = ru {
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(format!("_{}_", sentence(ru).replace('_', "\\_")));
            }
        }
    }
    for e in extra {
        lines.push(String::new());
        lines.push(e.clone());
    }
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {}", escape(l)) });
    quote! { #( #[doc = #lines] )* }
}

/// Docs of a field: its text, its note, and for reply fields what the docs allow.
pub fn field_doc(field: &Field, flags: bool) -> TokenStream {
    let mut extra = Vec::new();
    if let Some(note) = &field.note {
        extra.push(format!("Note: {}", sentence(note)));
    }
    if field.deprecated {
        extra.push("Deprecated: the docs say it is going away.".to_owned());
    }
    if !field.brands.is_empty() {
        let brands: Vec<_> = field.brands.iter().map(|b| b.rust_name()).collect();
        extra.push(format!("Documented by {} only.", brands.join(", ")));
    }
    if flags {
        extra.push(format!(
            "Wire name `{}`, {}. Filter: {} · sort: {} · default reply: {}.",
            field.name,
            field.ty.describe(),
            field.filter.as_str(),
            field.sort.as_str(),
            field.default.as_str()
        ));
    }
    doc(&field.doc, &format!("The `{}` field.", field.name), &extra)
}

fn sentence(text: &str) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.ends_with(['.', '!', '?', ')']) { t } else { format!("{t}.") }
}

/// Keeps text from being read as markup that breaks rustdoc (bare URLs, `<…>` tags, brackets).
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for (i, c) in line.char_indices() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' | '>' | '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            'h' if !in_code && (line[i..].starts_with("http://") || line[i..].starts_with("https://")) => {
                // Bare URLs are a rustdoc lint; in angle brackets they are links.
                let end = line[i..].find(char::is_whitespace).map_or(line.len(), |e| i + e);
                let url = &line[i..end];
                out.push('<');
                out.push_str(url);
                out.push('>');
                return format!("{out}{}", escape(&line[end..]));
            }
            _ => out.push(c),
        }
    }
    out
}

/// `#[deprecated]` for a field the docs mark deprecated.
pub fn deprecated(field: &Field) -> Option<TokenStream> {
    field.deprecated.then(|| {
        let note = format!("the docs mark `{}` deprecated: it is going away", field.name);
        quote!(#[deprecated(note = #note)])
    })
}
