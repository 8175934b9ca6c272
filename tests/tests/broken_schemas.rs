//! The broken-schema corpus: every case under `tests/broken/cases/<case>/` is laid over the
//! valid schema in `tests/broken/base/`, must fail to load, and must say exactly what its
//! snapshot says.

use std::path::{Path, PathBuf};

use dataapi_codegen::load::read_dir;

fn broken() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("broken")
}

/// Loads `base` plus `case`; file names are shown relative to `tests/broken`.
fn load(case: Option<&str>) -> Result<dataapi_codegen::Schema, dataapi_codegen::Diagnostics> {
    let root = broken();
    let mut dirs = vec![root.join("base")];
    dirs.extend(case.map(|c| root.join("cases").join(c)));
    let mut sources = Vec::new();
    for dir in dirs {
        let (found, diags) = read_dir(&dir);
        assert!(diags.is_empty(), "{diags:?}");
        sources.extend(found);
    }
    for s in &mut sources {
        s.name = Path::new(&s.name).strip_prefix(&root).unwrap().display().to_string();
    }
    dataapi_codegen::load_sources(&sources)
}

#[test]
fn the_base_is_valid() {
    let schema = load(None).expect("the base schema loads");
    assert_eq!(schema.methods.len(), 1);
}

#[test]
fn every_case_fails_with_its_message() {
    let mut cases: Vec<String> = std::fs::read_dir(broken().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "the corpus has {} cases; it should cover at least 25 mistakes", cases.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(broken().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for case in &cases {
            let diags = match load(Some(case)) {
                Ok(_) => panic!("case `{case}` loaded without an error"),
                Err(d) => d,
            };
            assert!(
                diags.iter().all(|d| d.location.is_some()),
                "case `{case}` has an error without a location:\n{diags}"
            );
            insta::assert_snapshot!(case.as_str(), diags.to_string());
        }
    });
}
