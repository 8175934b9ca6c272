//! `cargo regenerate`: bring `generated/src/api` in line with the schema, or (`--check`) say how
//! far it is from it.
//!
//! Everything is generated in memory first, so a failure leaves the old files as they were;
//! each file is then written to a temporary name and renamed over the old one. Only files
//! that start with the `@generated` header are ever removed.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::{self, HEADER};
use crate::{Diagnostics, Schema};

/// Why regeneration could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The schema has problems.
    #[error("{0}")]
    Schema(#[from] Diagnostics),
    /// The emitter produced invalid Rust.
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// What one file needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new file.
    Create,
    /// A file whose contents differ: lines added and removed.
    Update {
        /// Lines added.
        added: usize,
        /// Lines removed.
        removed: usize,
    },
    /// A generated file no module needs any more.
    Remove,
}

/// The work that brings the output folder in line with the schema.
#[derive(Debug)]
pub struct Plan {
    out: PathBuf,
    files: Vec<(String, String)>,
    changes: Vec<(String, Change)>,
}

impl Plan {
    /// Generates from `schema` and compares with the files in `out`.
    pub fn new(schema: &Schema, out: &Path) -> Result<Plan, Error> {
        let files = emit::crate_files(schema)?;
        let mut changes = Vec::new();
        for (name, text) in &files {
            let path = out.join(name);
            match fs::read_to_string(&path) {
                Ok(old) if &old == text => {}
                Ok(old) => {
                    let diff = similar::TextDiff::from_lines(&old, text);
                    let count = |tag| diff.iter_all_changes().filter(|c| c.tag() == tag).count();
                    let (added, removed) = (count(similar::ChangeTag::Insert), count(similar::ChangeTag::Delete));
                    changes.push((name.clone(), Change::Update { added, removed }));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => changes.push((name.clone(), Change::Create)),
                Err(e) => return Err(io_error(&path)(e)),
            }
        }
        for entry in fs::read_dir(out).map_err(io_error(out))? {
            let path = entry.map_err(io_error(out))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else { continue };
            let is_rust = path.extension().is_some_and(|e| e == "rs") && path.is_file();
            if is_rust && !files.iter().any(|(n, _)| *n == name) && is_generated(&path) {
                changes.push((name, Change::Remove));
            }
        }
        changes.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Plan { out: out.to_path_buf(), files, changes })
    }

    /// What differs; empty when the output is up to date.
    pub fn changes(&self) -> &[(String, Change)] {
        &self.changes
    }

    /// One line per changed file.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for (name, change) in &self.changes {
            let _ = match change {
                Change::Create => writeln!(out, "  new      {name}"),
                Change::Update { added, removed } => writeln!(out, "  changed  {name} (+{added} -{removed} lines)"),
                Change::Remove => writeln!(out, "  removed  {name}"),
            };
        }
        out
    }

    /// Writes the changed files (each to a temporary name, then renamed over the old one)
    /// and removes generated files that no module needs.
    pub fn apply(&self) -> Result<(), Error> {
        let mut staged = Vec::new();
        for (name, change) in &self.changes {
            if *change == Change::Remove {
                continue;
            }
            let text = self.files.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str()).unwrap_or_default();
            let path = self.out.join(name);
            let tmp = self.out.join(format!(".{name}.tmp"));
            if let Err(e) = fs::write(&tmp, text) {
                for (tmp, _) in &staged {
                    let _ = fs::remove_file(tmp);
                }
                let _ = fs::remove_file(&tmp);
                return Err(io_error(&tmp)(e));
            }
            staged.push((tmp, path));
        }
        for (tmp, path) in staged {
            fs::rename(&tmp, &path).map_err(io_error(&path))?;
        }
        for (name, change) in &self.changes {
            if *change == Change::Remove {
                let path = self.out.join(name);
                fs::remove_file(&path).map_err(io_error(&path))?;
            }
        }
        Ok(())
    }
}

fn is_generated(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|text| text.starts_with(HEADER))
}
