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
//! promise, and the hidden `__derive` module is what `dataapi-derive`, released with this
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
mod files;

#[cfg(feature = "internals")]
use std::path::Path;

pub use builder::{BuildError, Builder};
pub use diagnostic::{Diagnostic, Diagnostics, Location};
pub use emit::EmitError;
#[cfg(not(feature = "internals"))]
use {files::SchemaFiles, ir::Schema};
#[cfg(feature = "internals")]
#[doc(hidden)]
pub use {
    files::SchemaFiles,
    ir::Schema,
    load::{FileKind, Source},
};

/// What `dataapi-derive` calls: not a public API. The derive crate is released with this one,
/// at the same version, and nothing else should use it.
#[doc(hidden)]
pub mod __derive {
    pub use crate::check::closest;
    pub use crate::files::SchemaFiles;
    pub use crate::ir::Schema;
    pub use crate::load::{FileKind, Source};
    pub use crate::user::{EnumInput, ReportInput, UserField, UserVariant, VariantShape, report, report_enum};
}

/// Loads and checks every schema file under `root`.
#[cfg(feature = "internals")]
#[doc(hidden)]
pub fn load_dir(root: &Path) -> Result<Schema, Diagnostics> {
    let (sources, diags) = load::read_dir(root);
    files::check_sources(&sources, diags)
}

/// Loads and checks schema files given as text. Files that do not parse are reported
/// together with the problems of the files that do.
#[cfg(feature = "internals")]
#[doc(hidden)]
pub fn load_sources(sources: &[Source]) -> Result<Schema, Diagnostics> {
    files::check_sources(sources, Vec::new())
}
