//! The files of a dataset: a local folder (an object store comes with `s3://`), with the two
//! things a dataset needs of them: an object replaced as one step, and a lease.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;

use super::TargetOptions;
use crate::Error;

/// The files of a dataset.
#[derive(Debug)]
pub enum Store {
    /// A local folder.
    Local(PathBuf),
}

/// A lease on a stream's folder, given back when dropped or closed.
#[derive(Debug)]
pub enum Lease {
    /// An advisory lock on a local file: the system releases it when its process ends, so
    /// a killed run leaves nothing to wait for.
    Local(File),
}

/// Temporary files of this process, numbered so that two writes never share one.
static TEMPORARY: AtomicU64 = AtomicU64::new(0);

impl Store {
    /// The store at `spec`: a local folder.
    pub fn open(spec: &str, _options: &TargetOptions) -> Result<Store, Error> {
        if spec.is_empty() {
            return Err(Error::Invalid("--into: empty; give a folder, s3://bucket/prefix or postgres://…".into()));
        }
        Ok(Store::Local(PathBuf::from(spec)))
    }

    /// `path` inside the store, for messages.
    pub fn show(&self, path: &str) -> String {
        match self {
            Store::Local(root) => root.join(path).display().to_string(),
        }
    }

    fn failed(&self, path: &str, e: impl std::fmt::Display) -> Error {
        Error::Target { place: self.show(path), message: e.to_string() }
    }

    /// The object at `path`, if there is one.
    pub async fn get(&self, path: &str) -> Result<Option<Bytes>, Error> {
        match self {
            Store::Local(root) => match fs::read(root.join(path)) {
                Ok(bytes) => Ok(Some(Bytes::from(bytes))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(self.failed(path, e)),
            },
        }
    }

    /// Puts `bytes` at `path`, replacing what was there in one step: a reader sees the old
    /// object or the new one, whole. Locally the bytes go to a hidden file beside it (readers
    /// skip names starting with `.`), synced, then renamed over it.
    pub async fn put(&self, path: &str, bytes: Bytes) -> Result<(), Error> {
        match self {
            Store::Local(root) => {
                let to = root.join(path);
                let dir = to.parent().unwrap_or(root).to_owned();
                let name = to.file_name().and_then(|n| n.to_str()).unwrap_or("object");
                let n = TEMPORARY.fetch_add(1, Ordering::Relaxed);
                let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
                let write = || -> std::io::Result<()> {
                    fs::create_dir_all(&dir)?;
                    let mut file = File::create(&temp)?;
                    file.write_all(&bytes)?;
                    file.sync_all()?;
                    fs::rename(&temp, &to)?;
                    // The rename is durable once the folder is.
                    File::open(&dir)?.sync_all()
                };
                write().map_err(|e| {
                    let _ = fs::remove_file(&temp);
                    self.failed(path, e)
                })
            }
        }
    }

    /// Removes what an earlier run killed while writing left in `dir`: hidden temporary files.
    pub async fn clean(&self, dir: &str) -> Result<(), Error> {
        match self {
            Store::Local(root) => {
                let Ok(entries) = fs::read_dir(root.join(dir)) else { return Ok(()) };
                for entry in entries.flatten() {
                    let name = entry.file_name();
                    let name = name.to_string_lossy();
                    if name.starts_with('.') && name.ends_with(".tmp") {
                        fs::remove_file(entry.path()).map_err(|e| self.failed(dir, e))?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Takes the lease of the stream kept in `dir`, or says who holds it.
    pub async fn lease(&self, dir: &str, stream: &str) -> Result<Lease, Error> {
        match self {
            Store::Local(root) => {
                let path = root.join(dir).join("_lease");
                let open = |path: &Path| -> std::io::Result<File> {
                    fs::create_dir_all(path.parent().unwrap_or(root))?;
                    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
                };
                let mut file = open(&path).map_err(|e| self.failed(dir, e))?;
                match file.try_lock() {
                    Ok(()) => {
                        let holder = format!("process {} since {}", std::process::id(), chrono::Local::now().to_rfc3339());
                        file.set_len(0).and_then(|()| file.write_all(holder.as_bytes())).map_err(|e| self.failed(dir, e))?;
                        Ok(Lease::Local(file))
                    }
                    Err(TryLockError::WouldBlock) => {
                        let mut holder = String::new();
                        let _ = file.read_to_string(&mut holder);
                        Err(Error::Busy { stream: stream.to_owned(), holder: holder.trim().to_owned() })
                    }
                    Err(TryLockError::Error(e)) => Err(self.failed(dir, e)),
                }
            }
        }
    }
}

impl Lease {
    /// Gives the lease back.
    pub async fn release(self) -> Result<(), Error> {
        match self {
            Lease::Local(file) => {
                let _ = file.unlock();
                Ok(())
            }
        }
    }
}
