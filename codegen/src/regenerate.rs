//! `cargo regenerate`: bring `generated/src/api` in line with the schema, or (`--check`) say how
//! far it is from it.
//!
//! Everything is generated in memory first, so a failure leaves the old files as they were;
//! each file is then written to a temporary name and renamed over the old one. Only files
//! that start with the `@generated` header are ever removed.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

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
    /// A generated file's name is not a plain file name.
    #[error("the generated file `{0}` would not be in the output folder")]
    NotAFileName(String),
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
            // Module names are Rust identifiers, so this holds; it is checked because a name
            // with a separator would write outside the output folder.
            if !is_plain_file_name(name) {
                return Err(Error::NotAFileName(name.clone()));
            }
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

    /// Writes the changed files and removes generated files that no module needs, all or
    /// nothing: every new text is written to a temporary file first, the files it replaces or
    /// removes are set aside, and only then are the new files moved into place. A failure at
    /// any step puts back what was there, so the folder is as it was before.
    pub fn apply(&self) -> Result<(), Error> {
        self.apply_on(&mut RealDisk)
    }

    fn apply_on(&self, disk: &mut dyn Disk) -> Result<(), Error> {
        let mut done = Vec::new();
        let result = self.steps(disk, &mut done);
        if result.is_err() {
            // Undo in reverse order; an undo that fails leaves a `.name.old` file behind,
            // which the error's file name points to.
            for step in done.into_iter().rev() {
                let _ = match step {
                    Step::Staged(tmp) => disk.remove(&tmp),
                    Step::SetAside { backup, path } => disk.rename(&backup, &path),
                    Step::Placed(path) => disk.remove(&path),
                };
            }
        } else {
            for step in done {
                if let Step::SetAside { backup, .. } = step {
                    // The new files are in place; a leftover backup is only clutter.
                    let _ = disk.remove(&backup);
                }
            }
        }
        result
    }

    fn steps(&self, disk: &mut dyn Disk, done: &mut Vec<Step>) -> Result<(), Error> {
        let mut placing = Vec::new();
        for (name, change) in &self.changes {
            if *change == Change::Remove {
                continue;
            }
            let text = self.files.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str()).unwrap_or_default();
            let tmp = self.out.join(format!(".{name}.tmp"));
            disk.write(&tmp, text).map_err(io_error(&tmp))?;
            done.push(Step::Staged(tmp.clone()));
            placing.push((tmp, self.out.join(name)));
        }
        for (name, change) in &self.changes {
            if matches!(change, Change::Update { .. } | Change::Remove) {
                let (path, backup) = (self.out.join(name), self.out.join(format!(".{name}.old")));
                disk.rename(&path, &backup).map_err(io_error(&path))?;
                done.push(Step::SetAside { backup, path });
            }
        }
        for (tmp, path) in placing {
            disk.rename(&tmp, &path).map_err(io_error(&path))?;
            // The temporary file is now the placed one.
            done.retain(|s| !matches!(s, Step::Staged(t) if *t == tmp));
            done.push(Step::Placed(path));
        }
        Ok(())
    }
}

/// What [`Plan::apply`] has done so far, to be undone if a later step fails.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// A new text written to a temporary file.
    Staged(PathBuf),
    /// An old file renamed to `backup`.
    SetAside { backup: PathBuf, path: PathBuf },
    /// A new file moved to its place.
    Placed(PathBuf),
}

/// The file operations of [`Plan::apply`], so that tests can make any of them fail.
trait Disk {
    fn write(&mut self, path: &Path, text: &str) -> io::Result<()>;
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    fn remove(&mut self, path: &Path) -> io::Result<()>;
}

struct RealDisk;

impl Disk for RealDisk {
    fn write(&mut self, path: &Path, text: &str) -> io::Result<()> {
        fs::write(path, text)
    }

    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn remove(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }
}

fn is_plain_file_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!((parts.next(), parts.next()), (Some(Component::Normal(_)), None))
}

fn is_generated(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|text| text.starts_with(HEADER))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The real disk, with the operation numbered `fail_at` failing, and every path touched.
    struct Faulty {
        ops: usize,
        fail_at: Option<usize>,
        touched: Vec<PathBuf>,
    }

    impl Faulty {
        fn op(&mut self, paths: &[&Path]) -> io::Result<()> {
            self.touched.extend(paths.iter().map(|p| p.to_path_buf()));
            self.ops += 1;
            if self.fail_at == Some(self.ops - 1) { Err(io::Error::other("injected failure")) } else { Ok(()) }
        }
    }

    impl Disk for Faulty {
        fn write(&mut self, path: &Path, text: &str) -> io::Result<()> {
            self.op(&[path])?;
            fs::write(path, text)
        }

        fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
            self.op(&[from, to])?;
            fs::rename(from, to)
        }

        fn remove(&mut self, path: &Path) -> io::Result<()> {
            self.op(&[path])?;
            fs::remove_file(path)
        }
    }

    fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
            .collect()
    }

    fn set(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).unwrap();
        for (name, bytes) in files {
            fs::write(dir.join(name), bytes).unwrap();
        }
    }

    /// A failure at any one file operation leaves the folder exactly as it was, and every
    /// operation stays inside the output folder.
    #[test]
    fn a_failure_at_any_step_leaves_the_old_files() {
        let schema = crate::SchemaFiles::bundled().load().unwrap();
        let out = std::env::temp_dir().join(format!("dataapi-regen-faults-{}", std::process::id()));
        set(&out, &BTreeMap::new());
        Plan::new(&schema, &out).unwrap().apply().unwrap();
        // An old state with a file to create, one to update, one to remove and one to keep.
        let mut old = contents(&out);
        old.remove("queue.rs");
        old.get_mut("mod.rs").unwrap().extend_from_slice(b"// edited\n");
        old.insert("gone.rs".into(), format!("{HEADER}\npub struct Gone;\n").into_bytes());
        old.insert("handwritten.rs".into(), b"pub struct Mine;\n".to_vec());

        set(&out, &old);
        let plan = Plan::new(&schema, &out).unwrap();
        assert_eq!(plan.changes().len(), 3, "{}", plan.summary());
        let mut counting = Faulty { ops: 0, fail_at: None, touched: Vec::new() };
        plan.apply_on(&mut counting).unwrap();
        let new = contents(&out);
        assert!(Plan::new(&schema, &out).unwrap().changes().is_empty());
        assert!(counting.touched.iter().all(|p| p.parent() == Some(out.as_path())), "{:?}", counting.touched);

        for fail_at in 0..counting.ops {
            set(&out, &old);
            let mut faulty = Faulty { ops: 0, fail_at: Some(fail_at), touched: Vec::new() };
            match plan.apply_on(&mut faulty) {
                Err(Error::Io { source, .. }) => assert_eq!(source.to_string(), "injected failure"),
                // Failing to remove a backup after the new files are in place is not an error.
                Ok(()) => {
                    let mut now = contents(&out);
                    now.retain(|name, _| !name.ends_with(".old"));
                    assert!(now == new, "step {fail_at} succeeded with other files");
                    continue;
                }
                Err(e) => panic!("step {fail_at}: {e}"),
            }
            assert!(contents(&out) == old, "a failure at step {fail_at} of {} changed the folder", counting.ops);
        }
        fs::remove_dir_all(&out).ok();
    }

    #[test]
    fn only_plain_file_names_are_written() {
        assert!(is_plain_file_name("calls_report.rs"));
        for name in ["../lib.rs", "a/b.rs", "/etc/passwd", "..", "", "./x.rs"] {
            assert!(!is_plain_file_name(name), "{name}");
        }
    }
}
