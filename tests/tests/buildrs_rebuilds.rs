//! The build.rs consumer, copied to a scratch folder and built with Cargo: a second build with
//! no change does not rerun its build script, editing the schema does, editing an unrelated
//! source does not, and a broken schema fails the build with the located message.
//!
//! One test runs the steps in order, since each depends on the one before; the builds use a
//! target folder of their own under `target/tests/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const PACKAGE: &str = "dataapi-consumer-buildrs";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Copies the consumer's build script, schema, sources and fixtures, with a manifest whose
/// dependencies point back into the workspace.
fn scratch_copy(root: &Path) -> PathBuf {
    let from = workspace().join("tests/consumers/buildrs");
    let to = root.join("crate");
    let _ = fs::remove_dir_all(&to);
    for dir in ["src", "schema/methods", "fixtures"] {
        fs::create_dir_all(to.join(dir)).unwrap();
    }
    for file in [
        "build.rs",
        "src/lib.rs",
        "schema/enums.yaml",
        "schema/methods/get.deals_report.yaml",
        "fixtures/deals_reply.json",
    ] {
        fs::copy(from.join(file), to.join(file)).unwrap();
    }
    let ws = workspace();
    let manifest = format!(
        r#"[package]
name = "{PACKAGE}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
dataapi = {{ path = "{}" }}

[build-dependencies]
dataapi-codegen = {{ path = "{}", default-features = false }}

[workspace]
"#,
        ws.join("generated").display(),
        ws.join("codegen").display()
    );
    fs::write(to.join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock file pins the same versions, which are already downloaded.
    fs::copy(ws.join("Cargo.lock"), to.join("Cargo.lock")).unwrap();
    to
}

struct Build {
    ok: bool,
    stderr: String,
}

impl Build {
    /// Whether Cargo ran the consumer's build script (not just compiled it).
    fn ran_build_script(&self) -> bool {
        self.stderr.lines().any(|l| {
            l.trim_start().starts_with("Running")
                && l.contains(&format!("build/{PACKAGE}-"))
                && l.trim_end().ends_with("build-script-build`")
        })
    }

    /// Whether Cargo compiled the consumer's library.
    fn compiled_crate(&self) -> bool {
        self.stderr.lines().any(|l| l.trim_start().starts_with(&format!("Compiling {PACKAGE}")))
    }
}

fn build(dir: &Path, target: &Path) -> Build {
    let out = Command::new(env!("CARGO"))
        .args(["build", "-v", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    Build { ok: out.status.success(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

/// Changes a file's modification time, as an editor saving it would.
fn touch(path: &Path) {
    let text = fs::read(path).unwrap();
    // Past the file system's timestamp resolution, so Cargo sees a newer file.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(path, text).unwrap();
}

#[test]
fn the_build_script_reruns_exactly_when_the_schema_changes() {
    let root = workspace().join("target/tests/buildrs");
    let dir = scratch_copy(&root);
    let target = root.join("target");

    let first = build(&dir, &target);
    assert!(first.ok, "the consumer builds:\n{}", first.stderr);

    let again = build(&dir, &target);
    assert!(again.ok);
    assert!(!again.ran_build_script(), "no change, no rerun:\n{}", again.stderr);
    assert!(!again.compiled_crate(), "no change, nothing compiled:\n{}", again.stderr);

    touch(&dir.join("schema/methods/get.deals_report.yaml"));
    let schema_edit = build(&dir, &target);
    assert!(schema_edit.ok);
    assert!(schema_edit.ran_build_script(), "a schema edit reruns the build script:\n{}", schema_edit.stderr);

    touch(&dir.join("src/lib.rs"));
    let source_edit = build(&dir, &target);
    assert!(source_edit.ok);
    assert!(source_edit.compiled_crate(), "the edited crate compiles again:\n{}", source_edit.stderr);
    assert!(!source_edit.ran_build_script(), "a source edit does not rerun the build script:\n{}", source_edit.stderr);

    // A typo in an enum reference: the build fails with the file, line and column.
    let method = dir.join("schema/methods/get.deals_report.yaml");
    let text = fs::read_to_string(&method).unwrap();
    let text = text.replace("enum: stage,", "enum: stages,");
    fs::write(&method, &text).unwrap();
    let (line, column) = text.lines().enumerate().find_map(|(i, l)| l.find("stages").map(|c| (i + 1, c + 1))).unwrap();
    let broken = build(&dir, &target);
    assert!(!broken.ok, "a broken schema fails the build");
    let located =
        format!("schema/methods/get.deals_report.yaml:{line}:{column}: fields[2].enum: unknown enum `stages`");
    assert!(broken.stderr.contains(&located), "expected `{located}` in:\n{}", broken.stderr);
    assert!(broken.stderr.contains("did you mean `stage`?"), "{}", broken.stderr);
    assert!(!broken.stderr.contains("panicked"), "an error, not a panic:\n{}", broken.stderr);
}
