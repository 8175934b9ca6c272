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
pub mod emit;
pub mod ir;
pub mod load;
pub mod regenerate;
pub mod schema;
pub mod summary;

use std::path::Path;

pub use diagnostic::{Diagnostic, Diagnostics, Location};
pub use ir::Schema;
pub use load::{FileKind, Source};

/// Loads and checks every schema file under `root`.
pub fn load_dir(root: &Path) -> Result<Schema, Diagnostics> {
    let (sources, diags) = load::read_dir(root);
    check_sources(&sources, diags)
}

/// Loads and checks schema files given as text. Files that do not parse are reported
/// together with the problems of the files that do.
pub fn load_sources(sources: &[Source]) -> Result<Schema, Diagnostics> {
    check_sources(sources, Vec::new())
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
