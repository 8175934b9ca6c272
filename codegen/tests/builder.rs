//! The build.rs builder: what it writes is what `cargo regenerate` writes, module for module;
//! it reports unknown methods and schema errors as readable errors.

use std::fs;
use std::path::{Path, PathBuf};

use dataapi_codegen::{BuildError, Builder};

fn workspace(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataapi-builder-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The committed file's text below its header and module doc lines.
fn body(text: &str) -> String {
    text.lines()
        .skip_while(|l| l.starts_with("// @generated") || l.is_empty() || l.starts_with("//!"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_included_modules_are_the_committed_ones_line_for_line() {
    let dir = out_dir("same");
    let path = Builder::new().out_dir(&dir).emit_rerun_if_changed(false).standalone(true).generate().unwrap();
    let single = fs::read_to_string(path).unwrap();
    // The output compiles as items (the consumer crate includes it; here it must at least parse).
    syn::parse_file(&single).unwrap();
    let mut compared = 0;
    for entry in fs::read_dir(workspace("generated/src/api")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "mod" {
            continue;
        }
        let committed = body(&fs::read_to_string(&path).unwrap());
        let start = format!("\npub mod {name} {{\n");
        let at = single.find(&start).unwrap_or_else(|| panic!("module `{name}` is in the output")) + start.len();
        assert!(single[at..].starts_with(&committed), "module `{name}` differs from {}", path.display());
        assert!(single[at + committed.len()..].starts_with("}\n"), "module `{name}` ends where the file does");
        compared += 1;
    }
    assert!(compared >= 5, "compared {compared} modules");
}

#[test]
fn what_the_user_leaves_unchanged_is_the_bundled_crates() {
    let dir = out_dir("reuse");
    let schema = dir.join("schema/methods");
    fs::create_dir_all(&schema).unwrap();
    fs::write(
        schema.join("get.tiny_report.yaml"),
        r"method: get.tiny_report
title: {en: Tiny}
access: [customer]
weight: 1
kind: report
limits: {date_range_days: 90, limit: {default: 100, max: 1000}, offset: {default: 0, max: 1000}}
fields:
  - {name: id, type: integer, filter: yes}
  - {name: at, type: datetime, sort: yes}
  - {name: direction, type: enum, enum: direction, filter: yes}
  - {name: name, type: string}
  - {name: cost, type: decimal}
",
    )
    .unwrap();
    let path = Builder::new().out_dir(&dir).emit_rerun_if_changed(false).schema(dir.join("schema")).generate().unwrap();
    let text = fs::read_to_string(path).unwrap();
    syn::parse_file(&text).unwrap();
    for reused in [
        "pub use ::dataapi::enums::Direction;",
        "pub use ::dataapi::calls_report;",
        "pub use ::dataapi::operators;",
        "pub use ::dataapi::errors;",
        "pub use ::dataapi::queue;",
    ] {
        assert!(text.contains(reused), "`{reused}` in:\n{text}");
    }
    assert!(text.contains("pub mod tiny_report {"), "the user's own method is generated");
    assert!(!text.contains("pub enum Direction"), "no copy of a bundled enum");
    let lines = text.lines().count();
    assert!(lines < 400, "a 5-field method of one's own is a few hundred lines, not {lines}");
    // Standalone output generates everything again.
    let all = Builder::new()
        .out_dir(&dir)
        .emit_rerun_if_changed(false)
        .schema(dir.join("schema"))
        .standalone(true)
        .generate()
        .unwrap();
    assert!(fs::read_to_string(all).unwrap().contains("pub enum Direction"));
}

#[test]
fn unknown_methods_are_named_with_a_suggestion() {
    let err = Builder::new().out_dir(out_dir("unknown")).methods(["get.call_report"]).generate().unwrap_err();
    assert!(matches!(err, BuildError::UnknownMethod { .. }));
    assert_eq!(
        format!("{err:?}"),
        "`methods(…)` names `get.call_report`, which the schema does not have; did you mean `get.calls_report`?"
    );
}

#[test]
fn schema_errors_are_located_in_debug_output_too() {
    let dir = out_dir("broken");
    fs::create_dir_all(dir.join("schema/methods")).unwrap();
    fs::write(dir.join("schema/methods/get.x.yaml"), "method: get.x\ntitle: {en: X}\nweight: one\n").unwrap();
    let err = Builder::new().schema(dir.join("schema")).out_dir(&dir).generate().unwrap_err();
    // `fn main() -> Result<(), BuildError>` prints `Error: {:?}`: the same located text.
    let shown = format!("{err:?}");
    assert_eq!(shown, err.to_string());
    assert!(shown.contains("get.x.yaml:"), "{shown}");
    assert!(!dir.join("dataapi.rs").exists(), "nothing is written when the schema is broken");
}

/// `keep_unknown_keys(true)` gives every reply struct of every method the `unknown_keys` map,
/// nested ones included, and leaves event payloads as they are.
#[test]
fn keep_unknown_keys_reaches_every_reply_struct() {
    let generate = |keep: Option<bool>| {
        let dir = out_dir(&format!("keep-{keep:?}"));
        let mut builder = Builder::new();
        builder.out_dir(&dir).emit_rerun_if_changed(false).methods(["get.calls_report"]);
        if let Some(keep) = keep {
            builder.keep_unknown_keys(keep);
        }
        syn::parse_file(&fs::read_to_string(builder.generate().unwrap()).unwrap()).unwrap()
    };
    let kept = generate(Some(true));
    let module = kept
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "calls_report" => m.content.as_ref().map(|(_, items)| items.clone()),
            _ => None,
        })
        .unwrap();
    let structs: Vec<_> = module
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) && s.ident != "Params" => Some(s),
            _ => None,
        })
        .collect();
    assert!(structs.len() >= 6, "the row and its nested structs");
    for s in structs {
        let has = s.fields.iter().any(|f| f.ident.as_ref().is_some_and(|i| i == "unknown_keys"));
        assert!(has, "`{}` keeps unknown keys", s.ident);
    }
    let count = |file: &syn::File| quote::quote!(#file).to_string().matches("pub unknown_keys").count();
    assert_eq!(count(&generate(None)), 0, "the schema's default is to ignore them");
    assert_eq!(count(&generate(Some(false))), 0);
}
