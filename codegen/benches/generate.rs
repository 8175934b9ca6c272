//! The engine's cost: loading, checking, emitting and formatting the bundled schema, the same on
//! synthetic schemas 4× and 16× larger (to show it grows linearly), and expanding 20 derives.
// `criterion_group!` declares a public function without docs.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dataapi_codegen::user::{ReportInput, UserField};
use dataapi_codegen::{FileKind, Schema, SchemaFiles, Source, emit};
use proc_macro2::Span;
use serde_yaml::{Mapping, Value};

/// Load, check, emit and format: what `cargo regenerate` does before writing.
fn engine(sources: &[Source]) -> usize {
    let schema = dataapi_codegen::load_sources(sources).unwrap_or_else(|d| panic!("{d}"));
    let files = emit::crate_files(&schema).expect("valid Rust");
    files.iter().map(|(_, text)| text.lines().count()).sum()
}

/// The bundled schema with each method copied `copies` times and each method's top-level
/// fields repeated `copies` times: `copies²` times the method fields.
fn synthetic(copies: usize) -> Vec<Source> {
    let mut out = Vec::new();
    for source in SchemaFiles::bundled().sources {
        if source.kind != FileKind::Method {
            out.push(source);
            continue;
        }
        let doc: Value = serde_yaml::from_str(&source.text).expect("bundled YAML");
        for m in 0..copies {
            let mut doc = doc.clone();
            let map = doc.as_mapping_mut().expect("a mapping");
            let name = map["method"].as_str().expect("a name").to_owned();
            if m > 0 {
                map.insert("method".into(), format!("{name}_copy{m}").into());
            }
            let fields = map["fields"].as_sequence().expect("fields").clone();
            let mut all = fields.clone();
            for k in 1..copies {
                all.extend(fields.iter().map(|f| renamed(f, k)));
            }
            map.insert("fields".into(), Value::Sequence(all));
            let text = serde_yaml::to_string(&doc).expect("serializable");
            out.push(Source { name: format!("{}#{m}", source.name), kind: FileKind::Method, text });
        }
    }
    out
}

/// A field with `_fieldcopy{k}` added to its name, and to the names of nested fields that have
/// structs of their own, so that every struct name stays unique.
fn renamed(field: &Value, k: usize) -> Value {
    let mut field: Mapping = field.as_mapping().expect("a field").clone();
    for key in ["name", "rust_name"] {
        if let Some(v) = field.get(key).and_then(Value::as_str) {
            field.insert(key.into(), format!("{v}_fieldcopy{k}").into());
        }
    }
    if let Some(v) = field.get("type_name").and_then(Value::as_str) {
        field.insert("type_name".into(), format!("{v}Copy{k}").into());
    }
    if let Some(Value::Sequence(nested)) = field.get("fields") {
        let nested = nested.iter().map(|f| if f.get("fields").is_some() { renamed(f, k) } else { f.clone() }).collect();
        field.insert("fields".into(), Value::Sequence(nested));
    }
    Value::Mapping(field)
}

fn method_fields(sources: &[Source]) -> usize {
    let schema = dataapi_codegen::load_sources(sources).unwrap();
    schema.methods.iter().map(|m| m.fields.len()).sum()
}

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for copies in [1, 2, 4] {
        let sources = synthetic(copies);
        let fields = method_fields(&sources);
        let lines = engine(&sources);
        println!("scale {}x: {fields} method fields, {lines} lines of output", copies * copies);
        group.throughput(Throughput::Elements(fields as u64));
        group.bench_with_input(BenchmarkId::new("schema", format!("{}x", copies * copies)), &sources, |b, s| {
            b.iter(|| engine(black_box(s)))
        });
    }
    group.finish();
}

/// Twenty structs of eight fields each, as the proc-macro crate hands them to the engine.
fn inputs() -> Vec<ReportInput> {
    let fields: [(&str, &str); 8] = [
        ("id", "u64"),
        ("start_time", "dataapi::DateTime"),
        ("finish_reason", "Option<dataapi::calls_report::FinishReason>"),
        ("direction", "dataapi::enums::Direction"),
        ("total_duration", "Option<u32>"),
        ("is_lost", "bool"),
        ("virtual_phone_number", "Option<String>"),
        ("tags", "Vec<dataapi::calls_report::Tag>"),
    ];
    (0..20)
        .map(|i| ReportInput {
            ident: syn::Ident::new(&format!("Call{i}"), Span::call_site()),
            method: ("get.calls_report".into(), Span::call_site()),
            api: quote::quote!(::dataapi),
            fields: fields
                .iter()
                .map(|(name, ty)| UserField {
                    ident: syn::Ident::new(name, Span::call_site()),
                    ty: syn::parse_str(ty).unwrap(),
                    wire: ((*name).into(), Span::call_site()),
                    skip: false,
                })
                .collect(),
            tracked: Vec::new(),
        })
        .collect()
}

fn derives(c: &mut Criterion) {
    let inputs = inputs();
    let mut group = c.benchmark_group("derive");
    group.bench_function("load the bundled schema", |b| b.iter(|| SchemaFiles::bundled().load().unwrap()));
    let schema: Schema = SchemaFiles::bundled().load().unwrap();
    group.bench_function("expand 20 derives (schema loaded)", |b| {
        b.iter(|| inputs.iter().map(|i| dataapi_codegen::user::report(&schema, i).into_iter().count()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, generation, derives);
criterion_main!(benches);
