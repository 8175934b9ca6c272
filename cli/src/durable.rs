//! Durability helpers shared by `pull` and `events`.

use std::fs::File;
use std::io;
use std::path::Path;

/// Syncs the folder that holds `path`, so that a new name in it survives a power cut.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}
