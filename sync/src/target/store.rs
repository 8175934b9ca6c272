//! The files of a dataset: a local folder or an object store (`s3://bucket/prefix`), with
//! the two things a dataset needs of them: an object replaced as one step, and a lease.
//!
//! In an object store the lease is an object, `<dir>/_lease.json`, that says who holds it and
//! until when. It is taken with a conditional PUT (`If-None-Match: *`), taken over once it has
//! expired with a PUT conditional on the version read (`If-Match`), so that of two runs taking
//! it at once one wins, and renewed by its holder every third of its time the same way. A run
//! that was killed stops renewing, and its lease can be taken once it expires. Expiry is told
//! by the clocks of the runs, which should agree to well within the lease's time.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey, S3ConditionalPut};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::TargetOptions;
use crate::Error;

/// How long a lease in an object store lasts unless renewed, when not told.
pub const LEASE_SECONDS: u64 = 60;
/// The name of a stream's lease in an object store.
pub const LEASE_FILE: &str = "_lease.json";

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

/// A lease on a stream's folder, given back when closed.
#[derive(Debug)]
pub enum Lease {
    /// An advisory lock on a local file: the system releases it when its process ends, so
    /// a killed run leaves nothing to wait for. Dropping it gives it back too.
    Local(File),
    /// An object in an object store, renewed while it is held.
    Object(Box<ObjectLease>),
}

/// A lease held in an object store: the object `<dir>/_lease.json`, renewed by a task every
/// third of its time. Dropping it stops the renewal and leaves the object to expire.
#[derive(Debug)]
pub struct ObjectLease {
    store: Arc<dyn ObjectStore>,
    path: ObjectPath,
    place: String,
    stream: String,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    renewal: Option<JoinHandle<()>>,
}

/// What the holder of an object lease and its renewal share.
#[derive(Debug)]
struct Shared {
    /// Someone else holds the lease now: it expired unrenewed and was taken over.
    lost: AtomicBool,
    /// The holder's text and what the last write of the lease left.
    held: Mutex<Held>,
}

#[derive(Debug, Clone)]
struct Held {
    /// Who holds it (this run).
    holder: String,
    /// The version of the lease object this run last wrote.
    version: UpdateVersion,
    /// Until when the last write holds it (unix seconds).
    expires_at: u64,
    /// Who took it over, when it was lost and could be read.
    taker: Option<String>,
}

/// The content of a lease object.
#[derive(Debug, Serialize, Deserialize)]
struct LeaseRecord {
    /// Who holds it: host, process and since when.
    holder: String,
    /// Until when, in unix seconds, unless renewed.
    expires_at: u64,
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
                let path = root.join(dir).join("_lease");
                let open = |path: &Path| -> std::io::Result<File> {
                    fs::create_dir_all(path.parent().unwrap_or(root))?;
                    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
                };
                let mut file = open(&path).map_err(|e| self.failed(dir, e))?;
                match file.try_lock() {
                    Ok(()) => {
                        let holder =
                            format!("process {} since {}", std::process::id(), chrono::Local::now().to_rfc3339());
                        file.set_len(0)
                            .and_then(|()| file.write_all(holder.as_bytes()))
                            .map_err(|e| self.failed(dir, e))?;
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
            Store::Object { store, prefix, lease, .. } => {
                let file = format!("{dir}/{LEASE_FILE}");
                let path = self.key(prefix, &file)?;
                let place = self.show(&file);
                let holder = holder();
                let held = take(store.as_ref(), &path, &place, stream, &holder, *lease).await?;
                Ok(Lease::Object(Box::new(ObjectLease::start(store.clone(), path, place, stream, held, *lease))))
            }
        }
    }
}

/// This run, as a lease says: host (where it can be read), process, and since when.
fn holder() -> String {
    let host = fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    let process = format!("process {} since {}", std::process::id(), chrono::Local::now().to_rfc3339());
    match host {
        Some(host) => format!("host {host}, {process}"),
        None => process,
    }
}

/// Now, in unix seconds.
fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A unix time, for messages.
fn show_time(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| seconds.to_string())
}

/// The lease object's content for `holder`, from now on for `lease`.
fn record(holder: &str, lease: Duration) -> (u64, PutPayload) {
    let expires_at = now() + lease.as_secs().max(1);
    let json = serde_json::to_vec(&LeaseRecord { holder: holder.to_owned(), expires_at }).expect("a lease is JSON");
    (expires_at, PutPayload::from(json))
}

/// Writes the lease object in `mode`: `Ok(None)` when its condition did not hold.
async fn put_lease(
    store: &dyn ObjectStore,
    path: &ObjectPath,
    holder: &str,
    lease: Duration,
    mode: PutMode,
) -> Result<Option<(u64, UpdateVersion)>, object_store::Error> {
    let (expires_at, payload) = record(holder, lease);
    match store.put_opts(path, payload, PutOptions::from(mode)).await {
        Ok(put) => Ok(Some((expires_at, UpdateVersion::from(put)))),
        Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Takes the lease object at `path`: creates it, or takes it over once it has expired.
async fn take(
    store: &dyn ObjectStore,
    path: &ObjectPath,
    place: &str,
    stream: &str,
    holder: &str,
    lease: Duration,
) -> Result<Held, Error> {
    let failed = |e: object_store::Error| Error::Target { place: place.to_owned(), message: e.to_string() };
    let held = |(expires_at, version)| Held { holder: holder.to_owned(), version, expires_at, taker: None };
    // Each round ends in a lease taken, a live holder, or a race lost to another taker, after
    // which the next round reads the winner; the lease going away between two steps is a
    // round more.
    let mut last = String::from("another run (the lease changed hands while it was being read)");
    for _ in 0..4 {
        if let Some(taken) = put_lease(store, path, holder, lease, PutMode::Create).await.map_err(failed)? {
            return Ok(held(taken));
        }
        let got = match store.get(path).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => continue,
            Err(e) => return Err(failed(e)),
        };
        let version = UpdateVersion { e_tag: got.meta.e_tag.clone(), version: got.meta.version.clone() };
        let bytes = match got.bytes().await {
            Ok(bytes) => bytes,
            Err(object_store::Error::NotFound { .. }) => continue,
            Err(e) => return Err(failed(e)),
        };
        // A lease that cannot be read is taken over as an expired one.
        if let Ok(other) = serde_json::from_slice::<LeaseRecord>(&bytes)
            && other.expires_at > now()
        {
            return Err(Error::Busy {
                stream: stream.to_owned(),
                holder: format!("{}, until {} unless renewed", other.holder, show_time(other.expires_at)),
            });
        }
        match put_lease(store, path, holder, lease, PutMode::Update(version)).await.map_err(failed)? {
            Some(taken) => return Ok(held(taken)),
            None => last = String::from("another run, which took the expired lease at the same time"),
        }
    }
    Err(Error::Busy { stream: stream.to_owned(), holder: last })
}

impl ObjectLease {
    /// Starts renewing `held` every third of `lease`.
    fn start(
        store: Arc<dyn ObjectStore>,
        path: ObjectPath,
        place: String,
        stream: &str,
        held: Held,
        lease: Duration,
    ) -> Self {
        let shared = Arc::new(Shared { lost: AtomicBool::new(false), held: Mutex::new(held) });
        let (stop, mut stopped) = oneshot::channel();
        let renewal = tokio::spawn({
            let (store, path, shared) = (store.clone(), path.clone(), shared.clone());
            async move {
                let period = lease / 3;
                loop {
                    tokio::select! {
                        _ = &mut stopped => return,
                        () = tokio::time::sleep(period) => {}
                    }
                    if !renew(store.as_ref(), &path, &shared, lease).await {
                        return;
                    }
                }
            }
        });
        ObjectLease { store, path, place, stream: stream.to_owned(), shared, stop: Some(stop), renewal: Some(renewal) }
    }

    fn held(&self) -> Held {
        self.shared.held.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether the lease is still this run's: not taken over, and renewed within its time.
    pub fn check(&self) -> Result<(), Error> {
        let held = self.held();
        if self.shared.lost.load(Ordering::Acquire) {
            return Err(Error::Busy {
                stream: self.stream.clone(),
                holder: match held.taker {
                    Some(taker) => format!("{taker}, which took over this run's lease"),
                    None => "another run, which took over this run's lease".to_owned(),
                },
            });
        }
        if held.expires_at <= now() {
            return Err(Error::Target {
                place: self.place.clone(),
                message: format!(
                    "the lease expired at {} without being renewed (the store did not answer); nothing more is written",
                    show_time(held.expires_at)
                ),
            });
        }
        Ok(())
    }

    /// Stops renewing, then deletes the lease object if it is still this run's.
    async fn release(mut self) -> Result<(), Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(renewal) = self.renewal.take() {
            let _ = renewal.await;
        }
        if self.shared.lost.load(Ordering::Acquire) {
            return Ok(());
        }
        let failed = |e: object_store::Error| Error::Target { place: self.place.clone(), message: e.to_string() };
        // Object stores delete unconditionally: compare first, so that a lease taken over
        // after it expired is left to its taker.
        let ours = self.held().version.e_tag;
        match self.store.head(&self.path).await {
            Ok(meta) if meta.e_tag.is_some() && meta.e_tag == ours => match self.store.delete(&self.path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(failed(e)),
            },
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed(e)),
        }
    }
}

impl Drop for ObjectLease {
    fn drop(&mut self) {
        if let Some(renewal) = &self.renewal {
            renewal.abort();
        }
    }
}

/// Renews the lease once: `false` when it is lost and renewing stops.
async fn renew(store: &dyn ObjectStore, path: &ObjectPath, shared: &Shared, lease: Duration) -> bool {
    let held = shared.held.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match put_lease(store, path, &held.holder, lease, PutMode::Update(held.version)).await {
        Ok(Some((expires_at, version))) => {
            let mut now_held = shared.held.lock().unwrap_or_else(|e| e.into_inner());
            now_held.expires_at = expires_at;
            now_held.version = version;
            true
        }
        Ok(None) => {
            // Someone else wrote the lease (or deleted it): it is theirs now.
            let taker = match store.get(path).await {
                Ok(got) => got.bytes().await.ok().and_then(|b| serde_json::from_slice::<LeaseRecord>(&b).ok()),
                Err(_) => None,
            };
            shared.held.lock().unwrap_or_else(|e| e.into_inner()).taker = taker.map(|t| t.holder);
            shared.lost.store(true, Ordering::Release);
            false
        }
        // The store did not answer: try again next time; the lease expires meanwhile if it
        // goes on so, and `check` says so.
        Err(_) => true,
    }
}

impl Lease {
    /// Whether the lease is still this run's, to be asked before each write made under it:
    /// a local lock always is; a lease in an object store is unless another run took it over
    /// or it could not be renewed within its time.
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Lease::Local(_) => Ok(()),
            Lease::Object(lease) => lease.check(),
        }
    }

    /// Gives the lease back.
    pub async fn release(self) -> Result<(), Error> {
        match self {
            Lease::Local(file) => {
                let _ = file.unlock();
                Ok(())
            }
            Lease::Object(lease) => lease.release().await,
        }
    }

    /// Stops renewing the lease without giving it back, as a run that was killed would: an
    /// object lease stays until it expires. For tests.
    #[doc(hidden)]
    pub fn abandon(self) {
        drop(self);
    }
}
