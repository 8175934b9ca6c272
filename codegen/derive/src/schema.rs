//! Where the schema comes from: the bundled one, or the user's folder laid over it. Each is
//! loaded and checked once per compiler process, however many derives use it.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use dataapi_codegen::__derive::{Schema, SchemaFiles};
use dataapi_codegen::Diagnostics;
use proc_macro2::Span;

/// The `schema` and `bundled` attributes.
pub struct Source {
    /// `schema = "path"` (relative to the user's `CARGO_MANIFEST_DIR`) and its span.
    pub path: Option<(String, Span)>,
    /// `bundled = false` leaves the bundled schema out.
    pub bundled: bool,
}

/// A loaded schema and the files to rebuild on.
pub struct Loaded {
    /// The checked schema.
    pub schema: Arc<Schema>,
    /// Schema files read from disk.
    pub tracked: Vec<String>,
}

type Cached = Arc<Result<Arc<Schema>, Diagnostics>>;

/// Loads the schema `source` names, from the cache when its files have not changed.
pub fn load(source: &Source) -> syn::Result<Loaded> {
    let Some((path, span)) = &source.path else {
        return match bundled() {
            Ok(schema) => Ok(Loaded { schema: schema.clone(), tracked: Vec::new() }),
            Err(d) => Err(syn::Error::new(Span::call_site(), format!("the bundled schema has errors:\n{d}"))),
        };
    };
    let base = manifest_dir();
    let root = base.join(path);
    if !root.exists() {
        return Err(syn::Error::new(
            *span,
            format!("no schema file or folder at `{path}`; the path is relative to the crate's Cargo.toml"),
        ));
    }
    let mut files = if source.bundled { SchemaFiles::bundled() } else { SchemaFiles::new() };
    files.add(&root);
    let tracked = files.read.iter().filter(|p| p.is_file()).map(|p| p.display().to_string()).collect();
    // Messages name files as the user wrote the path, not from the root of the file system.
    let names = files.sources.iter_mut().map(|s| &mut s.name).chain(files.problems.iter_mut().map(|d| &mut d.file));
    for name in names {
        if let Ok(relative) = Path::new(name.as_str()).strip_prefix(&base) {
            *name = relative.display().to_string();
        }
    }
    match &*cached(&files) {
        Ok(schema) => Ok(Loaded { schema: schema.clone(), tracked }),
        Err(d) => Err(syn::Error::new(*span, format!("the schema at `{path}` has errors:\n{d}"))),
    }
}

fn bundled() -> &'static Result<Arc<Schema>, Diagnostics> {
    static BUNDLED: OnceLock<Result<Arc<Schema>, Diagnostics>> = OnceLock::new();
    BUNDLED.get_or_init(|| SchemaFiles::bundled().load().map(Arc::new))
}

/// The checked schema of these files; the key is their contents, so an edited file (in a
/// long-lived process such as an IDE's) is checked again.
fn cached(files: &SchemaFiles) -> Cached {
    static CACHE: OnceLock<Mutex<HashMap<u64, Cached>>> = OnceLock::new();
    let mut hasher = DefaultHasher::new();
    files.sources.hash(&mut hasher);
    format!("{:?}", files.problems).hash(&mut hasher);
    let key = hasher.finish();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return hit.clone();
    }
    let loaded: Cached = Arc::new(files.load().map(Arc::new));
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, loaded.clone());
    loaded
}

/// The folder `schema` paths are relative to: the user's crate. `DATAAPI_MANIFEST_DIR` takes
/// its place for harnesses that compile a crate away from its sources (trybuild).
fn manifest_dir() -> PathBuf {
    std::env::var_os("DATAAPI_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(".").to_path_buf())
}
