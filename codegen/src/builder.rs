//! Generation from a build script, in the style of `prost_build::Config`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), dataapi_codegen::BuildError> {
//!     dataapi_codegen::Builder::new().schema("schema").generate()?;
//!     Ok(())
//! }
//! ```
//!
//! and in the crate: `mod api { dataapi::include_generated!("dataapi.rs"); }`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::emit::{self, EmitError};
use crate::{Diagnostics, SchemaFiles, check};

/// Generates the modules of a schema into `$OUT_DIR`: the bundled schema (unless turned off)
/// with the user's schema folders and files laid over it.
#[derive(Debug, Clone)]
pub struct Builder {
    bundled: bool,
    paths: Vec<PathBuf>,
    methods: Option<Vec<String>>,
    out_dir: Option<PathBuf>,
    out_file: String,
    rerun_if_changed: bool,
    keep_unknown_keys: Option<bool>,
    standalone: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// The bundled schema, every method, into `$OUT_DIR/dataapi.rs`.
    pub fn new() -> Self {
        Builder {
            bundled: true,
            paths: Vec::new(),
            methods: None,
            out_dir: None,
            out_file: "dataapi.rs".into(),
            rerun_if_changed: true,
            keep_unknown_keys: None,
            standalone: false,
        }
    }

    /// Adds a schema folder (laid out as the bundled `schema/` is) or one schema file
    /// (`…/methods/get.widgets.yaml`, `…/enums.yaml`). Relative paths are relative to the
    /// package, where Cargo runs build scripts.
    pub fn schema(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.paths.push(path.as_ref().to_path_buf());
        self
    }

    /// Whether the bundled schema lies under the user's (default: yes). Without it, the user's
    /// files must hold a whole schema, operators and errors included.
    pub fn bundled(&mut self, bundled: bool) -> &mut Self {
        self.bundled = bundled;
        self
    }

    /// Generates only these methods (by wire name); every method when not called.
    pub fn methods<I, S>(&mut self, names: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.methods = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// The folder to write into (default: `$OUT_DIR`).
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The file name to write (default: `dataapi.rs`).
    pub fn out_file(&mut self, name: impl Into<String>) -> &mut Self {
        self.out_file = name.into();
        self
    }

    /// Whether to print `cargo:rerun-if-changed` for every schema file and folder read
    /// (default: yes), so that editing the schema reruns the build script and nothing else does.
    pub fn emit_rerun_if_changed(&mut self, emit: bool) -> &mut Self {
        self.rerun_if_changed = emit;
        self
    }

    /// Whether reply rows keep the keys the schema does not list, in an `unknown_keys` map that
    /// encodes back as it came (for users who archive raw data). This overrides each method's
    /// `unknown_keys:` setting; without this call, the schema decides (by default, ignore them).
    pub fn keep_unknown_keys(&mut self, keep: bool) -> &mut Self {
        self.keep_unknown_keys = Some(keep);
        self
    }

    /// Whether to generate every item, even those the user's schema leaves as the bundled
    /// schema has them (default: no). By default such items are the `dataapi` crate's own,
    /// re-exported (`pub use ::dataapi::enums::Direction;`, `pub use ::dataapi::calls_report;`),
    /// so that they mix with the bundled crate's types; only what the user's schema adds or
    /// changes is generated (an extended enum, and every method that uses it, among them).
    pub fn standalone(&mut self, standalone: bool) -> &mut Self {
        self.standalone = standalone;
        self
    }

    /// Loads and checks the schema, and writes the generated modules. Returns the path written.
    /// The file is left untouched when its contents would not change.
    pub fn generate(&self) -> Result<PathBuf, BuildError> {
        let mut files = if self.bundled { SchemaFiles::bundled() } else { SchemaFiles::new() };
        for path in &self.paths {
            files.add(path);
        }
        if self.rerun_if_changed {
            // Printed before checking, so that fixing a broken schema reruns the script.
            for path in &files.read {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        let mut schema = files.load().map_err(BuildError::Schema)?;
        if let Some(wanted) = &self.methods {
            for name in wanted {
                if schema.method(name).is_none() {
                    let like = check::closest(name, schema.methods.iter().map(|m| m.name.as_str())).map(str::to_owned);
                    return Err(BuildError::UnknownMethod { name: name.clone(), like });
                }
            }
            schema.methods.retain(|m| wanted.contains(&m.name));
        }
        if let Some(keep) = self.keep_unknown_keys {
            schema.methods.iter_mut().for_each(|m| m.keep_unknown_keys = keep);
        }
        let reuse = if self.bundled && !self.standalone {
            let bundled = SchemaFiles::bundled().load().map_err(BuildError::Schema)?;
            emit::Reuse::against(&schema, &bundled)
        } else {
            emit::Reuse::nothing()
        };
        let text = emit::single_file(&schema, &reuse)?;
        let dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => PathBuf::from(std::env::var_os("OUT_DIR").ok_or(BuildError::NoOutDir)?),
        };
        let path = dir.join(&self.out_file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            // Written beside and renamed over, so a failed write never leaves half a file.
            let name = path.file_name().map_or_else(Default::default, |n| n.to_string_lossy().into_owned());
            let tmp = path.with_file_name(format!(".{name}.tmp"));
            let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, &path));
            if let Err(source) = written {
                let _ = std::fs::remove_file(&tmp);
                return Err(BuildError::Write { path, source });
            }
        }
        Ok(path)
    }
}

/// Why [`Builder::generate`] failed. `Debug` prints the same text as `Display`, so that
/// `fn main() -> Result<(), BuildError>` in a build script shows the located schema errors.
#[derive(thiserror::Error)]
pub enum BuildError {
    /// The schema has errors, each located as `file:line:column: path: message`.
    #[error("{0}")]
    Schema(Diagnostics),
    /// [`Builder::methods`] names a method the schema does not have.
    #[error("`methods(…)` names `{name}`, which the schema does not have{}", like.as_ref().map(|l| format!("; did you mean `{l}`?")).unwrap_or_default())]
    UnknownMethod {
        /// The name given.
        name: String,
        /// The closest method name, if any is close.
        like: Option<String>,
    },
    /// The emitter produced invalid Rust (a bug in the emitter).
    #[error(transparent)]
    Emit(#[from] EmitError),
    /// `OUT_DIR` is not set and no [`Builder::out_dir`] was given.
    #[error("OUT_DIR is not set: run the builder from a build script, or set `out_dir(…)`")]
    NoOutDir,
    /// The output could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
