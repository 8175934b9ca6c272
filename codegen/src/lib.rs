//! The `dataapi` engine: load the YAML schema, check it, build the IR, and emit Rust.
//!
//! ```text
//! schema/*.yaml ──load──▶ schema::* ──check──▶ ir::Schema ──emit──▶ Rust
//! ```
//!
//! The `regenerate`/`check` command, the build.rs builder and the derive macros are thin
//! fronts over [`load_dir`] and [`load_sources`].

pub mod check;
pub mod diagnostic;
pub mod ir;
pub mod load;
pub mod schema;
pub mod summary;

use std::path::Path;

pub use diagnostic::{Diagnostic, Diagnostics, Location};
pub use ir::Schema;
pub use load::{FileKind, Source};

/// Loads and checks every schema file under `root`.
pub fn load_dir(root: &Path) -> Result<Schema, Diagnostics> {
    let sources = load::read_dir(root)?;
    load_sources(&sources)
}

/// Loads and checks schema files given as text. Files that do not parse are reported
/// together with the problems of the files that do.
pub fn load_sources(sources: &[Source]) -> Result<Schema, Diagnostics> {
    let (raw, mut diags) = load::parse(sources);
    match check::check(&raw) {
        Ok(schema) if diags.is_empty() => Ok(schema),
        Ok(_) => Err(Diagnostics(diags).finish()),
        Err(more) => {
            diags.extend(more.0);
            Err(Diagnostics(diags).finish())
        }
    }
}
