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
    /// A generated file's name is not a plain file name, or two modules share it.
    #[error("the generated file `{0}` would be outside the output folder, or written twice")]
    NotAFileName(String),
    /// A step failed, and undoing the steps before it failed too: these files are left where
    /// the old ones should be (`.name.old` holds an old file's text).
    #[error("{cause}; the old files could not all be put back, see {}", left.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NotRestored {
        /// The failure that started the undo.
        cause: Box<Error>,
        /// What the undo left behind.
        left: Vec<PathBuf>,
    },
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
        for (i, (name, text)) in files.iter().enumerate() {
            // Module names are checked Rust identifiers, unique in the schema, so these hold;
            // they are checked here because breaking them would write outside the output
            // folder or write one file twice.
            if !is_plain_file_name(name) || files[..i].iter().any(|(n, _)| n == name) {
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
        // A folder that does not exist yet holds nothing to remove; `apply` creates it.
        let entries = match fs::read_dir(out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            entries => entries.map_err(io_error(out))?.collect(),
        };
        for entry in entries {
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
    /// nothing: every new text is written to a temporary file first, each file it replaces is
    /// kept as a hard link (`.name.old`), each file to remove is renamed to one, and only then
    /// are the new files renamed into place, which replaces the old ones atomically. A failure
    /// at any step puts back what was there, so the folder is as it was before; at no moment is
    /// a file that stays in the schema missing.
    pub fn apply(&self) -> Result<(), Error> {
        fs::create_dir_all(&self.out).map_err(io_error(&self.out))?;
        self.apply_on(&mut RealDisk)
    }

    fn apply_on(&self, disk: &mut dyn Disk) -> Result<(), Error> {
        let mut done = Vec::new();
        let result = self.steps(disk, &mut done);
        let Err(cause) = result else {
            for step in done {
                if let Step::Kept { backup, .. } | Step::SetAside { backup, .. } = step {
                    // The new files are in place; a backup left behind is only clutter.
                    let _ = disk.remove(&backup);
                }
            }
            return Ok(());
        };
        // Undo in reverse order, and say what could not be undone. A file to remove that is
        // not there (a write that failed before it began) needs no undoing.
        let mut left = Vec::new();
        let remove = |disk: &mut dyn Disk, path: &Path| match disk.remove(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        };
        for step in done.into_iter().rev() {
            let (undone, left_behind) = match step {
                Step::Staged(tmp) => (remove(disk, &tmp), tmp),
                Step::Kept { backup, placed: false, .. } => (remove(disk, &backup), backup),
                Step::Kept { backup, path, placed: true } | Step::SetAside { backup, path } => {
                    (disk.rename(&backup, &path), backup)
                }
                Step::Created(path) => (remove(disk, &path), path),
            };
            if undone.is_err() {
                left.push(left_behind);
            }
        }
        if left.is_empty() { Err(cause) } else { Err(Error::NotRestored { cause: Box::new(cause), left }) }
    }

    fn steps(&self, disk: &mut dyn Disk, done: &mut Vec<Step>) -> Result<(), Error> {
        let mut placing = Vec::new();
        for (name, change) in &self.changes {
            if *change == Change::Remove {
                continue;
            }
            let text = self.files.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str()).unwrap_or_default();
            let tmp = self.out.join(format!(".{name}.tmp"));
            // Recorded first, so that a write that fails half-way is cleaned up too.
            done.push(Step::Staged(tmp.clone()));
            disk.write(&tmp, text).map_err(io_error(&tmp))?;
            placing.push((tmp, self.out.join(name), *change == Change::Create));
        }
        for (name, change) in &self.changes {
            let (path, backup) = (self.out.join(name), self.out.join(format!(".{name}.old")));
            match change {
                Change::Update { .. } => {
                    disk.link(&path, &backup).map_err(io_error(&backup))?;
                    done.push(Step::Kept { backup, path, placed: false });
                }
                Change::Remove => {
                    disk.rename(&path, &backup).map_err(io_error(&path))?;
                    done.push(Step::SetAside { backup, path });
                }
                Change::Create => {}
            }
        }
        for (tmp, path, create) in placing {
            disk.rename(&tmp, &path).map_err(io_error(&path))?;
            done.retain(|s| !matches!(s, Step::Staged(t) if *t == tmp));
            if create {
                done.push(Step::Created(path));
            } else if let Some(Step::Kept { placed, .. }) =
                done.iter_mut().find(|s| matches!(s, Step::Kept { path: p, .. } if *p == path))
            {
                *placed = true;
            }
        }
        Ok(())
    }
}

/// What [`Plan::apply`] has done so far, to be undone if a later step fails.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// A new text written to a temporary file.
    Staged(PathBuf),
    /// A file to update, kept as `backup`; `placed` once the new text has replaced it.
    Kept { backup: PathBuf, path: PathBuf, placed: bool },
    /// A file to remove, renamed to `backup`.
    SetAside { backup: PathBuf, path: PathBuf },
    /// A new file moved to its place.
    Created(PathBuf),
}

/// The file operations of [`Plan::apply`], so that tests can make any of them fail.
trait Disk {
    fn write(&mut self, path: &Path, text: &str) -> io::Result<()>;
    /// `to` becomes another name of `from` (or a copy, where links cannot be made).
    fn link(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    fn remove(&mut self, path: &Path) -> io::Result<()>;
}

struct RealDisk;

impl Disk for RealDisk {
    fn write(&mut self, path: &Path, text: &str) -> io::Result<()> {
        fs::write(path, text)
    }

    fn link(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        // A backup left by an earlier run that could not finish is replaced.
        let _ = fs::remove_file(to);
        fs::hard_link(from, to).or_else(|_| fs::copy(from, to).map(drop))
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

    /// The real disk, with the operations numbered in `fail` failing; `log` has the paths of
    /// every operation.
    struct Faulty {
        fail: Vec<usize>,
        log: Vec<Vec<PathBuf>>,
    }

    impl Faulty {
        fn new(fail: &[usize]) -> Self {
            Faulty { fail: fail.to_vec(), log: Vec::new() }
        }

        fn op(&mut self, paths: &[&Path]) -> io::Result<()> {
            self.log.push(paths.iter().map(|p| p.to_path_buf()).collect());
            if self.fail.contains(&(self.log.len() - 1)) { Err(io::Error::other("injected failure")) } else { Ok(()) }
        }
    }

    impl Disk for Faulty {
        fn write(&mut self, path: &Path, text: &str) -> io::Result<()> {
            self.op(&[path])?;
            fs::write(path, text)
        }

        fn link(&mut self, from: &Path, to: &Path) -> io::Result<()> {
            self.op(&[from, to])?;
            RealDisk.link(from, to)
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
        let mut counting = Faulty::new(&[]);
        plan.apply_on(&mut counting).unwrap();
        let new = contents(&out);
        assert!(Plan::new(&schema, &out).unwrap().changes().is_empty());
        assert!(counting.log.iter().flatten().all(|p| p.parent() == Some(out.as_path())), "{:?}", counting.log);

        for fail_at in 0..counting.log.len() {
            set(&out, &old);
            let mut faulty = Faulty::new(&[fail_at]);
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
            assert!(contents(&out) == old, "a failure at step {fail_at} of {} changed the folder", counting.log.len());
        }

        // The last file fails to move into place, and putting back the updated one fails
        // too: the error names the backup, which holds the old text.
        set(&out, &old);
        let last = counting.log.iter().position(|op| op.len() == 2 && op[0].ends_with(".queue.rs.tmp")).unwrap();
        // Undo goes backwards: `mod.rs` (kept after `gone.rs` was set aside) comes back first.
        let mut faulty = Faulty::new(&[last, last + 1]);
        match plan.apply_on(&mut faulty) {
            Err(Error::NotRestored { left, .. }) => {
                assert_eq!(left, [out.join(".mod.rs.old")]);
                assert_eq!(fs::read(&left[0]).unwrap(), old["mod.rs"]);
            }
            other => panic!("{other:?}"),
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
