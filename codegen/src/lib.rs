//! The `dataapi` engine: load the YAML schema of the CoMagic / UIS / CallGear Data API, check
//! it, and generate typed Rust from it.
//!
//! ```text
//! schema/*.yaml ──load──▶ schema::* ──check──▶ ir::Schema ──emit──▶ Rust
//! ```
//!
//! # Public API
//!
//! - [`Builder`]: generation from a build script, with the bundled schema under the user's
//!   own files, and [`BuildError`], why it failed;
//! - [`Diagnostics`], [`Diagnostic`], [`Location`]: every problem of a schema, located as
//!   `file:line:column: path: message`;
//! - [`cli`] (feature `cli`): the `dataapi-codegen` command, installed with
//!   `cargo install dataapi-codegen --features cli`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), dataapi_codegen::BuildError> {
//!     dataapi_codegen::Builder::new().schema("schema").generate()?;
//!     Ok(())
//! }
//! ```
//!
//! The stages themselves (`load`, `check`, `ir`, `emit`) are private. The `internals`
//! feature makes them public for this workspace's own tests and tools, with no stability
//! promise, and the hidden [`__derive`] module is what `dataapi-derive`, released with this
//! crate at the same version, calls.
//!
//! See the [workspace README](https://github.com/dataapi-rs/dataapi#readme) for the other ways
//! of use: the bundled `dataapi` crate and the derive macros.

// Without `internals`, parts only the workspace's tests and tools call (and re-export) are unused.
#![cfg_attr(not(feature = "internals"), allow(dead_code, unused_imports))]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Declares the engine's stages: private, or public under the `internals` feature (hidden from
/// the docs, outside any semver promise).
macro_rules! stages {
    ($($name:ident)*) => {$(
        #[cfg(feature = "internals")]
        #[doc(hidden)]
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        mod $name;
    )*};
}

stages!(bundled check emit ir load regenerate schema summary user);

// The README (the registry page) is a doctest, so that its example keeps compiling.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeExample;

mod builder;
#[cfg(feature = "cli")]
pub mod cli;
mod diagnostic;

use std::path::{Path, PathBuf};

pub use builder::{BuildError, Builder};
pub use diagnostic::{Diagnostic, Diagnostics, Location};
pub use emit::EmitError;
#[doc(hidden)]
pub use {
    ir::Schema,
    load::{FileKind, Source},
};

/// What `dataapi-derive` calls: not a public API. The derive crate is released with this one,
/// at the same version, and nothing else should use it.
#[doc(hidden)]
pub mod __derive {
    pub use crate::check::closest;
    pub use crate::user::{EnumInput, ReportInput, UserField, UserVariant, VariantShape, report, report_enum};
    pub use crate::{Schema, SchemaFiles};
}

/// Loads and checks every schema file under `root`.
#[doc(hidden)]
pub fn load_dir(root: &Path) -> Result<Schema, Diagnostics> {
    let (sources, diags) = load::read_dir(root);
    check_sources(&sources, diags)
}

/// Loads and checks schema files given as text. Files that do not parse are reported
/// together with the problems of the files that do.
#[doc(hidden)]
pub fn load_sources(sources: &[Source]) -> Result<Schema, Diagnostics> {
    check_sources(sources, Vec::new())
}

/// The files a schema is made of: the bundled schema and the user's folders and files, laid
/// over each other in the order they were added. Their methods and enums are merged; a name
/// declared twice is an error that names both places, and `extend: true` adds codes to an enum.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct SchemaFiles {
    /// The texts, in the order they were added.
    pub sources: Vec<Source>,
    /// Files and folders that could not be read.
    pub problems: Vec<Diagnostic>,
    /// Every folder and file read from disk, for rebuild tracking.
    pub read: Vec<PathBuf>,
}

impl SchemaFiles {
    /// No files.
    pub fn new() -> Self {
        SchemaFiles::default()
    }

    /// The bundled schema.
    pub fn bundled() -> Self {
        SchemaFiles { sources: bundled::sources(), ..SchemaFiles::default() }
    }

    /// Adds a schema folder (laid out as `schema/` is) or a single schema file.
    pub fn add(&mut self, path: &Path) {
        self.read.push(path.to_path_buf());
        if path.is_dir() {
            let (sources, problems) = load::read_dir(path);
            self.read.extend(sources.iter().map(|s| PathBuf::from(&s.name)));
            self.sources.extend(sources);
            self.problems.extend(problems);
        } else if path.exists() {
            match load::read_file(path) {
                Ok(source) => self.sources.push(source),
                Err(d) => self.problems.push(d),
            }
        } else {
            self.problems.push(Diagnostic {
                file: path.display().to_string(),
                location: None,
                path: String::new(),
                message: "no such file or folder".into(),
                help: None,
            });
        }
    }

    /// Parses and checks the files together.
    pub fn load(&self) -> Result<Schema, Diagnostics> {
        check_sources(&self.sources, self.problems.clone())
    }
}

fn check_sources(sources: &[Source], mut diags: Vec<Diagnostic>) -> Result<Schema, Diagnostics> {
    let (raw, parse_diags) = load::parse(sources);
    diags.extend(parse_diags);
    match check::check(&raw) {
        Ok(schema) if diags.is_empty() => Ok(schema),
        Ok(_) => Err(Diagnostics(diags).finish()),
        Err(more) => {
            diags.extend(more.0);
            Err(Diagnostics(diags).finish())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, text: &str) -> Source {
        Source { name: name.into(), kind: FileKind::of(name).expect("a schema file name"), text: text.into() }
    }

    #[test]
    fn a_user_schema_lays_over_the_bundled_one() {
        let mut files = SchemaFiles::bundled();
        files.sources.push(source(
            "enums.yaml",
            "enums:\n  - name: direction\n    extend: true\n    values:\n      - {code: internal, en: Internal}\n",
        ));
        let schema = files.load().unwrap_or_else(|d| panic!("{d}"));
        let direction = schema.shared_enum("direction").unwrap();
        let codes: Vec<&str> = direction.values.iter().map(|v| v.code.as_str()).collect();
        assert_eq!(codes, ["in", "out", "internal"], "the bundled codes, then the user's");
        assert!(schema.method("get.calls_report").is_some());
    }

    #[test]
    fn a_method_declared_twice_is_reported_with_both_places() {
        let mut files = SchemaFiles::bundled();
        let text = files.sources.iter().find(|s| s.name.ends_with("get.calls_report.yaml")).unwrap().text.clone();
        files.sources.push(source("methods/get.calls_report.yaml", &text));
        let err = files.load().unwrap_err().to_string();
        assert!(err.contains("duplicate method `get.calls_report`"), "{err}");
        assert!(err.contains("<bundled schema>/methods/get.calls_report.yaml"), "{err}");
    }

    #[test]
    fn a_missing_path_is_a_problem_not_a_panic() {
        let mut files = SchemaFiles::new();
        files.add(Path::new("/nonexistent/schema"));
        let err = files.load().unwrap_err().to_string();
        assert!(err.contains("/nonexistent/schema: no such file or folder"), "{err}");
    }
}
