//! The `dataapi` engine: load the YAML schema, check it, build the IR, and emit Rust.
//!
//! ```text
//! schema/*.yaml ──load──▶ schema::* ──check──▶ ir::Schema ──emit──▶ Rust
//! ```
//!
//! The `regenerate`/`check` command, the build.rs [`Builder`] and the derive macros are thin
//! fronts over [`load_dir`], [`load_sources`] and [`SchemaFiles`].

pub mod builder;
pub mod bundled;
pub mod check;
pub mod diagnostic;
pub mod emit;
pub mod ir;
pub mod load;
pub mod regenerate;
pub mod schema;
pub mod summary;
pub mod user;

use std::path::{Path, PathBuf};

pub use builder::{BuildError, Builder};
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

/// The files a schema is made of: the bundled schema and the user's folders and files, laid
/// over each other in the order they were added. Their methods and enums are merged; a name
/// declared twice is an error that names both places, and `extend: true` adds codes to an enum.
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
