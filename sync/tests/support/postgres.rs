//! A throwaway PostgreSQL server for tests: `initdb` in a temporary folder, started on a Unix
//! socket in that folder (no TCP), stopped and deleted when dropped.
//!
//! The server's binaries are found through `PG_BINDIR`, `pg_config --bindir`, `PATH` or
//! `/usr/lib/postgresql/*/bin`. Without them a test is skipped with a note, unless
//! `DATAAPI_REQUIRE_POSTGRES=1`, which makes it fail. Run as root, the server runs as the
//! `postgres` user (which `initdb` needs), through `runuser` or `setpriv`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// The superuser of a [`TempPostgres`].
pub const SUPERUSER: &str = "postgres";

/// A PostgreSQL server of a test's own.
#[derive(Debug)]
pub struct TempPostgres {
    bin: PathBuf,
    dir: PathBuf,
    run_as: Option<String>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The folder of `initdb`, `pg_ctl` and `postgres`, if there is one.
pub fn bindir() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(d) = std::env::var_os("PG_BINDIR").map(PathBuf::from)
        && has(&d)
    {
        return Some(d);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let d = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has(&d) {
            return Some(d);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if has(&d) {
                return Some(d);
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|d| has(d)).collect())
        .unwrap_or_default();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn id_of(user: &str, flag: &str) -> Option<u32> {
    let out = Command::new("id").args([flag, user]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().parse().ok()).flatten()
}

impl TempPostgres {
    /// A new server, or `None` (after a note) when PostgreSQL is not installed; panics when
    /// it is required (`DATAAPI_REQUIRE_POSTGRES=1`) or does not start.
    pub fn start() -> Option<TempPostgres> {
        let Some(bin) = bindir() else {
            if std::env::var("DATAAPI_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!(
                    "DATAAPI_REQUIRE_POSTGRES=1, but PostgreSQL's server binaries (initdb, pg_ctl) were found neither \
                     in PG_BINDIR, `pg_config --bindir`, PATH nor /usr/lib/postgresql/*/bin"
                );
            }
            eprintln!("note: PostgreSQL's server binaries (initdb, pg_ctl) are not installed; this test is skipped");
            return None;
        };
        let run_as = is_root().then(|| SUPERUSER.to_owned());
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // Short: a socket's path has to fit in about 100 bytes.
        let dir = std::env::temp_dir().join(format!("dataapi-pg-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let server = TempPostgres { bin, dir, run_as };
        if let Some(user) = &server.run_as {
            let uid = id_of(user, "-u").unwrap_or_else(|| panic!("running as root, but there is no user `{user}`"));
            let gid = id_of(user, "-g").expect("the user's group");
            std::os::unix::fs::chown(&server.dir, Some(uid), Some(gid)).expect("the folder given to the server's user");
        }
        let data = server.data();
        server.run(
            "initdb",
            &[
                "-D",
                data.to_str().expect("a UTF-8 path"),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        let options =
            format!("-k {} -c listen_addresses='' -c fsync=off -c full_page_writes=off", server.dir.display());
        let log = server.dir.join("server.log");
        server.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().expect("a UTF-8 path"),
                "-l",
                log.to_str().expect("a UTF-8 path"),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        Some(server)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        let mut c = match &self.run_as {
            None => Command::new(program),
            Some(user) => {
                let mut c = if which("runuser") || Path::new("/usr/sbin/runuser").exists() {
                    let mut c = Command::new("runuser");
                    c.args(["-u", user, "--"]);
                    c
                } else {
                    let mut c = Command::new("setpriv");
                    c.args(["--reuid", user, "--regid", user, "--init-groups"]);
                    c
                };
                c.arg(program);
                c
            }
        };
        c.args(args).current_dir(&self.dir);
        c
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program, args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            panic!(
                "{program} failed ({}):\n{}\n{}\n{log}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// The folder of the server's socket.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// `postgres://postgres@%2Ftmp%2Fdataapi-pg-…:5432/postgres?sslmode=disable`: the
    /// superuser, on the socket, in the database `postgres`.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// As [`TempPostgres::url`], for the database `db`.
    pub fn url_of(&self, db: &str) -> String {
        let host: String = self
            .dir
            .to_str()
            .expect("a UTF-8 path")
            .chars()
            .map(|c| if c == '/' { "%2F".to_owned() } else { c.to_string() })
            .collect();
        format!("postgres://{SUPERUSER}@{host}:5432/{db}?sslmode=disable")
    }
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl", &["-D", data.to_str().unwrap_or_default(), "-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
