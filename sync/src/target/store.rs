//! The files of a dataset: a local folder or an object store (`s3://bucket/prefix`), with
//! the two things a dataset needs of them: an object replaced as one step, and a lease (whose
//! kinds are [`super::lease`]'s).

use std::fs::{self, File};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey, S3ConditionalPut};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use super::TargetOptions;
use super::lease::{self, LEASE_FILE, LEASE_SECONDS, LOCAL_LEASE_FILE, Lease};
use crate::Error;

/// The files of a dataset.
#[derive(Debug)]
pub enum Store {
    /// A local folder.
    Local(PathBuf),
    /// A bucket of an S3-compatible object store, under a prefix.
    Object {
        /// The store.
        store: Arc<dyn ObjectStore>,
        /// The bucket, for messages.
        bucket: String,
        /// The prefix of every object, without a `/` at either end (empty for none).
        prefix: String,
        /// How long a lease lasts unless renewed.
        lease: Duration,
    },
}

/// Temporary files of this process, numbered so that two writes never share one.
static TEMPORARY: AtomicU64 = AtomicU64::new(0);

impl Store {
    /// The store at `spec`: `s3://bucket/prefix` (the prefix may be empty) or a local folder.
    ///
    /// An object store takes its credentials and region from the environment
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, …), then from
    /// [`TargetOptions::s3_config`], and its endpoint from [`TargetOptions::s3_endpoint`]
    /// (plain `http://` is allowed there, and objects are addressed by path, as local
    /// S3-compatible servers want). Its PUTs are made conditional where a lease needs it.
    pub fn open(spec: &str, options: &TargetOptions) -> Result<Store, Error> {
        if spec.is_empty() {
            return Err(Error::Invalid("--into: empty; give a folder, s3://bucket/prefix or postgres://…".into()));
        }
        match spec.strip_prefix("s3://") {
            Some(rest) => Self::open_object(spec, rest, options),
            None => Ok(Store::Local(PathBuf::from(spec))),
        }
    }

    fn open_object(spec: &str, rest: &str, options: &TargetOptions) -> Result<Store, Error> {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(Error::Invalid(format!("--into {spec}: no bucket; give s3://bucket or s3://bucket/prefix")));
        }
        let prefix = prefix.trim_matches('/');
        if let Err(e) = ObjectPath::parse(prefix) {
            return Err(Error::Invalid(format!("--into {spec}: not a prefix of objects: {e}")));
        }
        let lease = match options.lease_seconds {
            Some(0) => return Err(Error::Invalid("the lease's time must be at least a second".into())),
            Some(s) => Duration::from_secs(s),
            None => Duration::from_secs(LEASE_SECONDS),
        };
        // The HTTP client's TLS takes the process's crypto provider: ring (a run that
        // installed one already keeps it).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::from_env();
        for (key, value) in &options.s3_config {
            let key: AmazonS3ConfigKey =
                key.parse().map_err(|e| Error::Invalid(format!("{spec}: the setting `{key}`: {e}")))?;
            builder = builder.with_config(key, value);
        }
        builder = builder.with_bucket_name(bucket).with_conditional_put(S3ConditionalPut::ETagMatch);
        if let Some(endpoint) = &options.s3_endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        let store = builder.build().map_err(|e| Error::Invalid(format!("{spec}: {e}")))?;
        Ok(Store::Object { store: Arc::new(store), bucket: bucket.to_owned(), prefix: prefix.to_owned(), lease })
    }

    /// `path` inside the store, for messages.
    pub fn show(&self, path: &str) -> String {
        match self {
            Store::Local(root) => root.join(path).display().to_string(),
            Store::Object { bucket, prefix, .. } if prefix.is_empty() => format!("s3://{bucket}/{path}"),
            Store::Object { bucket, prefix, .. } => format!("s3://{bucket}/{prefix}/{path}"),
        }
    }

    fn failed(&self, path: &str, e: impl std::fmt::Display) -> Error {
        Error::Target { place: self.show(path), message: e.to_string() }
    }

    /// The object's key of `path`.
    fn key(&self, prefix: &str, path: &str) -> Result<ObjectPath, Error> {
        let key = if prefix.is_empty() { path.to_owned() } else { format!("{prefix}/{path}") };
        ObjectPath::parse(&key).map_err(|e| self.failed(path, format!("not a name of an object: {e}")))
    }

    /// The object at `path`, if there is one.
    pub async fn get(&self, path: &str) -> Result<Option<Bytes>, Error> {
        match self {
            Store::Local(root) => match fs::read(root.join(path)) {
                Ok(bytes) => Ok(Some(Bytes::from(bytes))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(self.failed(path, e)),
            },
            Store::Object { store, prefix, .. } => {
                let key = self.key(prefix, path)?;
                match store.get(&key).await {
                    Ok(got) => got.bytes().await.map(Some).map_err(|e| self.failed(path, e)),
                    Err(object_store::Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(self.failed(path, e)),
                }
            }
        }
    }

    /// Puts `bytes` at `path`, replacing what was there in one step: a reader sees the old
    /// object or the new one, whole. Locally the bytes go to a hidden file beside it (readers
    /// skip names starting with `.`), synced, then renamed over it; in an object store they
    /// are one PUT, which replaces an object as one step.
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
            Store::Object { store, prefix, .. } => {
                let key = self.key(prefix, path)?;
                store.put(&key, PutPayload::from_bytes(bytes)).await.map(|_| ()).map_err(|e| self.failed(path, e))
            }
        }
    }

    /// Removes what an earlier run killed while writing left in `dir`: hidden temporary files
    /// (an object store has none: a PUT that did not finish left nothing).
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
            Store::Object { .. } => Ok(()),
        }
    }

    /// Takes the lease of the stream kept in `dir`, or says who holds it.
    pub async fn lease(&self, dir: &str, stream: &str) -> Result<Lease, Error> {
        match self {
            Store::Local(root) => {
                let path = root.join(dir).join(LOCAL_LEASE_FILE);
                lease::local(&path, stream, |e| self.failed(dir, e))
            }
            Store::Object { store, prefix, lease: duration, .. } => {
                let file = format!("{dir}/{LEASE_FILE}");
                let path = self.key(prefix, &file)?;
                let place = self.show(&file);
                lease::object(store.clone(), path, place, stream, *duration).await
            }
        }
    }
}
