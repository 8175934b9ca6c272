//! Leases: a stream is written by one run at a time.
//!
//! - In a local folder, an advisory lock (`flock`) on the stream's `_lease` file: the system
//!   releases it when its process ends, so a killed run leaves nothing to wait for.
//! - In an object store, an object, `<dir>/_lease.json`, that says who holds it and until
//!   when. It is taken with a conditional PUT (`If-None-Match: *`), taken over once it has
//!   expired with a PUT conditional on the version read (`If-Match`), so that of two runs
//!   taking it at once one wins, and renewed by its holder every third of its time the same
//!   way. A run that was killed stops renewing, and its lease can be taken once it expires.
//!   A refused write is read back before it counts as lost: the store may have taken an
//!   earlier attempt of it and refused only the client's retry, and the holder's name, unique
//!   to the run, tells.
//!   Expiry is told by the clocks of the runs, which should agree to well within the lease's
//!   time.
//!
//! PostgreSQL's lease, an advisory lock of the stream's connection, is the PostgreSQL target's.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::Error;

/// How long a lease in an object store lasts unless renewed, when not told.
pub const LEASE_SECONDS: u64 = 60;
/// The name of a stream's lease in an object store.
pub const LEASE_FILE: &str = "_lease.json";

/// The name of a stream's lease in a local folder.
pub const LOCAL_LEASE_FILE: &str = "_lease";

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
    /// Seconds of the lease that must be left for a write to begin: a third of it, the time
    /// between renewals, so that a write begun in time ends before another run could take over.
    margin: u64,
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

/// Takes the lock of the local lease file at `path`, or says who holds it; `failed` words an
/// error of the file system.
pub(super) fn local(path: &Path, stream: &str, failed: impl Fn(std::io::Error) -> Error) -> Result<Lease, Error> {
    let open = || -> std::io::Result<File> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
    };
    let mut file = open().map_err(&failed)?;
    match file.try_lock() {
        Ok(()) => {
            let holder = format!("process {} since {}", std::process::id(), chrono::Local::now().to_rfc3339());
            file.set_len(0).and_then(|()| file.write_all(holder.as_bytes())).map_err(&failed)?;
            Ok(Lease::Local(file))
        }
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            Err(Error::Busy { stream: stream.to_owned(), holder: holder.trim().to_owned() })
        }
        Err(TryLockError::Error(e)) => Err(failed(e)),
    }
}

/// Takes the lease object at `path` for `duration`, renewed from now on, or says who holds it.
pub(super) async fn object(
    store: Arc<dyn ObjectStore>,
    path: ObjectPath,
    place: String,
    stream: &str,
    duration: Duration,
) -> Result<Lease, Error> {
    let holder = holder();
    let held = take(store.as_ref(), &path, &place, stream, &holder, duration).await?;
    Ok(Lease::Object(Box::new(ObjectLease::start(store, path, place, stream, held, duration))))
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

/// The lease object at `path` as it is now: its version, and what it says (`None` when that is
/// not a lease); `None` when there is no object.
async fn read_lease(
    store: &dyn ObjectStore,
    path: &ObjectPath,
) -> Result<Option<(UpdateVersion, Option<LeaseRecord>)>, object_store::Error> {
    let got = match store.get(path).await {
        Ok(got) => got,
        Err(object_store::Error::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let version = UpdateVersion { e_tag: got.meta.e_tag.clone(), version: got.meta.version.clone() };
    match got.bytes().await {
        Ok(bytes) => Ok(Some((version, serde_json::from_slice(&bytes).ok()))),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
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
        let Some((version, other)) = read_lease(store, path).await.map_err(failed)? else { continue };
        match other {
            // This run's own lease: the store took the create, then refused a retry of it.
            Some(ours) if ours.holder == holder => return Ok(held((ours.expires_at, version))),
            Some(other) if other.expires_at > now() => {
                return Err(Error::Busy {
                    stream: stream.to_owned(),
                    holder: format!("{}, until {} unless renewed", other.holder, show_time(other.expires_at)),
                });
            }
            // An expired lease, or one that cannot be read, is taken over.
            _ => {}
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
        ObjectLease {
            store,
            path,
            place,
            stream: stream.to_owned(),
            shared,
            stop: Some(stop),
            renewal: Some(renewal),
            margin: lease.as_secs() / 3,
        }
    }

    fn held(&self) -> Held {
        self.shared.held.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether the lease is still this run's, to begin a write: not taken over, and with a third
    /// of its time left at least.
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
        if held.expires_at <= now() + self.margin {
            return Err(Error::Target {
                place: self.place.clone(),
                message: format!(
                    "the lease ends at {} and was not renewed in time (the store did not answer); nothing more is \
                     written",
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
            let now_there = read_lease(store, path).await;
            let mut now_held = shared.held.lock().unwrap_or_else(|e| e.into_inner());
            match now_there {
                // The store took this renewal, then refused a retry of it: still this run's.
                Ok(Some((version, Some(record)))) if record.holder == held.holder => {
                    now_held.expires_at = record.expires_at;
                    now_held.version = version;
                    true
                }
                // Someone else wrote the lease (or deleted it): it is theirs now.
                other => {
                    now_held.taker = other.ok().flatten().and_then(|(_, record)| record).map(|r| r.holder);
                    shared.lost.store(true, Ordering::Release);
                    false
                }
            }
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

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;

    use super::*;

    fn shared(held: Held) -> Shared {
        Shared { lost: AtomicBool::new(false), held: Mutex::new(held) }
    }

    /// A write the store took whose reply was lost, then a retry of it refused (`412`): the
    /// lease is still the run's, taken or renewed.
    #[tokio::test]
    async fn a_write_of_the_lease_refused_on_retry_is_still_the_runs() {
        let store = InMemory::new();
        let path = ObjectPath::from("acct/get.calls_report/_lease.json");
        let lease = Duration::from_secs(60);
        // The create landed, its reply did not: taking it again finds the run's own lease.
        put_lease(&store, &path, "run a", lease, PutMode::Create).await.unwrap().unwrap();
        let held = take(&store, &path, "place", "acct/get.calls_report", "run a", lease).await.expect("still a's");
        let busy = take(&store, &path, "place", "acct/get.calls_report", "run b", lease).await;
        assert!(matches!(busy, Err(Error::Busy { ref holder, .. }) if holder.starts_with("run a")), "{busy:?}");

        // A renewal landed, its reply did not: the next one, on the old version, is refused,
        // and the lease read back is the run's.
        let first = held.version.clone();
        put_lease(&store, &path, "run a", lease, PutMode::Update(first.clone())).await.unwrap().unwrap();
        let shared = shared(held);
        assert!(renew(&store, &path, &shared, lease).await, "renewal goes on");
        assert!(!shared.lost.load(Ordering::Acquire));
        let now_held = shared.held.lock().unwrap().clone();
        assert_ne!(now_held.version.e_tag, first.e_tag, "the version read back is kept");
        assert!(renew(&store, &path, &shared, lease).await, "and renews from it");

        // Another run's write is a lease lost, and names its taker.
        let current = shared.held.lock().unwrap().version.clone();
        put_lease(&store, &path, "run b", lease, PutMode::Update(current)).await.unwrap().unwrap();
        assert!(!renew(&store, &path, &shared, lease).await, "renewal stops");
        assert!(shared.lost.load(Ordering::Acquire));
        assert_eq!(shared.held.lock().unwrap().taker.as_deref(), Some("run b"));
    }
}
