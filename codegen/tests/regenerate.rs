//! The regenerate workflow: the committed crate matches the schema, and regeneration creates,
//! updates and removes files as it says, writing nothing in `--check` mode.

use std::fs;
use std::path::{Path, PathBuf};

use dataapi_codegen::regenerate::{Change, Plan};

fn workspace(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

/// `generated/` is committed: this fails when someone edits `schema/` and forgets
/// `cargo regenerate`.
#[test]
fn committed_crate_is_up_to_date() {
    let schema = dataapi_codegen::load_dir(&workspace("schema")).unwrap_or_else(|d| panic!("{d}"));
    let plan = Plan::new(&schema, &workspace("generated/src/api")).unwrap();
    assert!(plan.changes().is_empty(), "generated/ is stale; run `cargo regenerate`:\n{}", plan.summary());
}

#[test]
fn output_is_the_same_on_every_run() {
    let schema = dataapi_codegen::load_dir(&workspace("schema")).unwrap();
    let a = dataapi_codegen::emit::crate_files(&schema).unwrap();
    let b = dataapi_codegen::emit::crate_files(&dataapi_codegen::load_dir(&workspace("schema")).unwrap()).unwrap();
    assert_eq!(a, b);
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataapi-regen-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn creates_updates_and_removes_only_generated_files() {
    let out = temp_dir("workflow");
    let schema = dataapi_codegen::load_dir(&workspace("schema")).unwrap();

    let plan = Plan::new(&schema, &out).unwrap();
    assert!(plan.changes().iter().all(|(_, c)| *c == Change::Create));
    assert!(fs::read_dir(&out).unwrap().next().is_none(), "planning writes nothing");
    plan.apply().unwrap();
    assert!(Plan::new(&schema, &out).unwrap().changes().is_empty());

    // A stale module, a module that left the schema, and a hand-written file.
    let list = out.join("mod.rs");
    fs::write(&list, fs::read_to_string(&list).unwrap().replace("pub mod queue;", "")).unwrap();
    fs::write(out.join("old_method.rs"), format!("{}\n\npub struct Gone;\n", dataapi_codegen::emit::HEADER)).unwrap();
    fs::write(out.join("handwritten.rs"), "pub struct Mine;\n").unwrap();

    let plan = Plan::new(&schema, &out).unwrap();
    let changes: Vec<_> = plan.changes().iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
    assert_eq!(changes, [("mod.rs", Change::Update { added: 1, removed: 1 }), ("old_method.rs", Change::Remove)]);
    assert!(plan.summary().contains("changed  mod.rs (+1 -1 lines)"), "{}", plan.summary());
    plan.apply().unwrap();
    assert!(!out.join("old_method.rs").exists());
    assert!(out.join("handwritten.rs").exists(), "files without the header are never removed");
    assert!(Plan::new(&schema, &out).unwrap().changes().is_empty());
    assert!(fs::read_dir(&out).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));
    fs::remove_dir_all(&out).ok();
}

#[test]
fn check_mode_writes_nothing_and_fails_when_stale() {
    let out = temp_dir("check");
    let schema = workspace("schema");
    let run = |check: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dataapi-codegen"));
        cmd.arg("regenerate").arg("--no-bundled").arg("--schema").arg(&schema).arg("--out").arg(&out);
        if check {
            cmd.arg("--check");
        }
        cmd.output().unwrap()
    };
    let stale = run(true);
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("new      calls_report.rs"));
    assert!(fs::read_dir(&out).unwrap().next().is_none(), "--check wrote files");
    assert!(run(false).status.success());
    let fresh = run(true);
    assert!(fresh.status.success(), "{}", String::from_utf8_lossy(&fresh.stderr));

    // A stale folder: a file edited, a file missing, an old generated file. `--check`
    // reports all three and leaves every byte and modification time as it was.
    fs::write(out.join("mod.rs"), "// edited\n").unwrap();
    fs::remove_file(out.join("queue.rs")).unwrap();
    fs::write(out.join("gone.rs"), format!("{}\n", dataapi_codegen::emit::HEADER)).unwrap();
    let state = || {
        let mut files: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (fs::read(&p).unwrap(), fs::metadata(&p).unwrap().modified().unwrap(), p))
            .collect();
        files.sort_by(|a, b| a.2.cmp(&b.2));
        files
    };
    let before = state();
    let stale = run(true);
    assert_eq!(stale.status.code(), Some(1));
    let report = String::from_utf8_lossy(&stale.stderr);
    for line in ["changed  mod.rs", "new      queue.rs", "removed  gone.rs"] {
        assert!(report.contains(line), "{report}");
    }
    assert!(state() == before, "--check changed the folder");
    fs::remove_dir_all(&out).ok();
}
