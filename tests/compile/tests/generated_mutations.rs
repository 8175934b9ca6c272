//! Mutated schemas that still load generate code that compiles, not only parses (the loading
//! itself is `dataapi-tests`' `hostile_input`).

use dataapi_codegen::SchemaFiles;
use dataapi_tests::hostile::mutate;

/// Mutated schemas that still load must generate code that compiles, not only parses: a
/// deterministic sample of them (different from the bundled schema's output) is compiled
/// together, each in a module of its own.
#[test]
fn a_sample_of_mutated_schemas_that_load_generates_code_that_compiles() {
    use dataapi_codegen::emit::{Reuse, single_file};
    let bundled = single_file(&SchemaFiles::bundled().load().unwrap(), &Reuse::nothing()).unwrap();
    let mut sample = Vec::new();
    'search: for step in 0..4000usize {
        let mut sources = SchemaFiles::bundled().sources;
        let n = step % sources.len();
        let at = ((step * 7919) % 1000) as f64 / 1000.0;
        let extra = ["x", "yes", "no", "1", "[]", "{}", "unrecognized"][step % 7];
        sources[n].text = mutate(&sources[n].text, (step / sources.len()) as u8, at, extra);
        if let Ok(schema) = dataapi_codegen::load_sources(&sources) {
            let code = single_file(&schema, &Reuse::nothing()).unwrap();
            if code != bundled && !sample.contains(&code) {
                sample.push(code);
                if sample.len() == 6 {
                    break 'search;
                }
            }
        }
    }
    assert!(sample.len() >= 3, "found only {} loadable mutations", sample.len());
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutated-schemas");
    std::fs::create_dir_all(&dir).unwrap();
    let mut file = String::from("#![deny(warnings)]\n#![allow(dead_code)]\n");
    for (i, code) in sample.iter().enumerate() {
        file.push_str(&format!("pub mod sample_{i} {{\n{code}\n}}\n"));
    }
    file.push_str("fn main() {}\n");
    let path = dir.join("sample.rs");
    std::fs::write(&path, file).unwrap();
    trybuild::TestCases::new().pass(&path);
}
