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
                let end = i + url_len(&line[i..]);
                out.push_str(&url(&line[i..end]));
                return format!("{out}{}", escape(&line[end..]));
            }
            _ => out.push(c),
        }
    }
    out
}

/// The length of the URL at the start of `text`: up to a space, a quote or an angle bracket
/// (a space inside `{…}` belongs to a template such as `…/{recording id}/`), less the
/// punctuation of the sentence around it.
fn url_len(text: &str) -> usize {
    let mut depth = 0usize;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '"' | '\'' | '<' | '>' => {
                end = i;
                break;
            }
            c if c.is_whitespace() && depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '_']).len()
}

/// A link in angle brackets (bare URLs are a rustdoc lint) when `url` names a host; in
/// backquotes when it is only a scheme (`http://`) or a template with `{…}` parts.
fn url(url: &str) -> String {
    let host = url.split_once("://").map_or("", |(_, rest)| rest).split('/').next().unwrap_or("");
    let is_host = host.contains('.') && host.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | ':')));
    if is_host && !url.contains(['{', '}']) { format!("<{url}>") } else { format!("`{url}`") }
}

/// `#[deprecated]` for a field the docs mark deprecated.
pub fn deprecated(field: &Field) -> Option<TokenStream> {
    field.deprecated.then(|| {
        let note = format!("the docs mark `{}` deprecated: it is going away", field.name);
        quote!(#[deprecated(note = #note)])
    })
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn urls_become_links_and_the_rest_stays_text() {
        let cases = [
            ("see https://comagic.ru/api.", "see <https://comagic.ru/api>."),
            ("without \"http://\" or \"https://\".", "without \"`http://`\" or \"`https://`\"."),
            ("_no http:// here_", "_no `http://` here_"),
            ("(https://.)", "(`https://`.)"),
            (
                "plays at https://app.comagic.ru/talk/{communication_id}/{recording id}/ (a template)",
                "plays at `https://app.comagic.ru/talk/{communication_id}/{recording id}/` (a template)",
            ),
            ("a <tag> and [brackets]", "a \\<tag\\> and \\[brackets\\]"),
        ];
        for (text, doc) in cases {
            assert_eq!(escape(text), doc, "{text}");
        }
    }
}
