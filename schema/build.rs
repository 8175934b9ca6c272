//! Embeds every YAML file of this folder, so the engine can lay a user's schema over the
//! bundled one without reading files at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for folder in ["", "methods", "events"] {
        // A folder makes Cargo rerun this script when any file in it changes or is added.
        println!("cargo:rerun-if-changed={}", root.join(folder).display());
        collect(&root, folder, &mut files);
    }
    files.sort();
    let mut out = String::from(
        "/// Every bundled schema file as (path inside the schema folder, YAML text), in path order.\n\
         pub static FILES: &[(&str, &str)] = &[\n",
    );
    for (relative, path) in &files {
        writeln!(out, "    ({relative:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("files.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

/// Every `.yaml` file in `root/folder`, with its `/`-separated path relative to `root`.
/// Only the folders the schema language knows are read: `src/` and `target/` hold none.
fn collect(root: &Path, folder: &str, files: &mut Vec<(String, PathBuf)>) {
    let dir = root.join(folder);
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable folder entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if path.is_file() && name.ends_with(".yaml") {
            let relative = if folder.is_empty() { name.to_owned() } else { format!("{folder}/{name}") };
            let absolute = path.canonicalize().unwrap_or(path);
            files.push((relative, absolute));
        }
    }
}
