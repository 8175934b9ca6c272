//! What the engine emits for small fixture schemas: the exact text (snapshots, reviewed like
//! any code change), and proof that it compiles under `#![deny(warnings)]`.

use std::path::{Path, PathBuf};

/// This crate's folder (the snapshots).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The integration tests' folder, whose fixture schemas other tests read too.
fn tests() -> PathBuf {
    root().join("..")
}

/// The fixture schemas: name and folder.
fn fixtures() -> Vec<(&'static str, PathBuf)> {
    vec![
        ("widgets", tests().join("fixtures/schemas/widgets")),
        ("hostile", tests().join("fixtures/schemas/hostile")),
        ("base", tests().join("broken/base")),
    ]
}

fn generate(dir: &Path) -> String {
    let schema = dataapi_codegen::load_dir(dir).unwrap_or_else(|d| panic!("{d}"));
    dataapi_codegen::emit::single_file(&schema, &dataapi_codegen::emit::Reuse::nothing())
        .expect("the emitter produces valid Rust")
}

#[test]
fn emitted_code_matches_the_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, dir) in fixtures() {
            insta::assert_snapshot!(name, generate(&dir));
        }
    });
}

#[test]
fn emitted_code_compiles_without_warnings() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let cases = trybuild::TestCases::new();
    for (name, schema) in fixtures() {
        let file = dir.join(format!("{name}.rs"));
        let code = format!(
            "#![deny(warnings, missing_docs)]\n//! Fixture `{name}`.\n\n{}\nfn main() {{}}\n",
            generate(&schema)
        );
        std::fs::write(&file, code).unwrap();
        cases.pass(&file);
    }
}
