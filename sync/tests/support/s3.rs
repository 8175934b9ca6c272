//! A throwaway S3-compatible server for tests: moto's (`pip install "moto[server]"`), started
//! on a free port of 127.0.0.1 with a bucket made, and stopped when dropped.
//!
//! Without moto a test that asks for one is skipped with a note, unless
//! `DATAAPI_REQUIRE_MOTO=1`, where it fails (as CI sets it).
//!
//! The credentials the server takes (any) are passed to the store through
//! [`TargetOptions::s3_config`](dataapi_sync::TargetOptions::s3_config) and to a Python
//! subprocess through [`TempS3::env`]; the tests' own environment is left as it is.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dataapi_sync::TargetOptions;

/// The access key, secret and region the tests use (moto takes any).
pub const ACCESS_KEY: &str = "test";
/// See [`ACCESS_KEY`].
pub const SECRET_KEY: &str = "test";
/// See [`ACCESS_KEY`].
pub const REGION: &str = "us-east-1";

/// A running moto server with one bucket.
pub struct TempS3 {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    /// The bucket made in it.
    pub bucket: String,
}

/// Whether a tool the tests want but can do without must be there (`NAME=1`).
pub fn required(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1")
}

/// Whether `python3` can import `module`.
pub fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl TempS3 {
    /// Starts moto with `bucket` in it, or `None` (with a note) when moto is not installed
    /// and not required.
    pub fn start(bucket: &str) -> Option<TempS3> {
        if !python_has("moto.server") {
            if required("DATAAPI_REQUIRE_MOTO") {
                panic!(
                    "DATAAPI_REQUIRE_MOTO=1 but `python3 -m moto.server` is not there: pip install \"moto[server]\""
                );
            }
            eprintln!(
                "note: skipped, as moto is not installed (pip install \"moto[server]\"; DATAAPI_REQUIRE_MOTO=1 makes this fail)"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-p", &port.to_string(), "-H", "127.0.0.1"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m moto.server starts");
        let mut s3 = TempS3 { child, port, bucket: bucket.to_owned() };
        s3.wait_ready();
        let status = s3.request("PUT", &format!("/{bucket}"));
        assert!(
            status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.0 200"),
            "making the bucket: {status}"
        );
        Some(s3)
    }

    /// Waits until the server answers HTTP.
    fn wait_ready(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the server's status") {
                panic!("moto's server ended at its start: {status}");
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() && self.request("GET", "/").starts_with("HTTP/1.") {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "moto's server did not answer within a minute");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A bodiless request, answered by its status line (empty if it could not be made).
    fn request(&self, method: &str, path: &str) -> String {
        let attempt = || -> std::io::Result<String> {
            let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
            stream.set_read_timeout(Some(Duration::from_secs(10)))?;
            write!(
                stream,
                "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.port
            )?;
            let mut reply = String::new();
            stream.read_to_string(&mut reply)?;
            Ok(reply.lines().next().unwrap_or_default().to_owned())
        };
        attempt().unwrap_or_default()
    }

    /// The endpoint: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `s3://BUCKET/prefix`.
    pub fn spec(&self, prefix: &str) -> String {
        format!("s3://{}/{prefix}", self.bucket)
    }

    /// Options that reach this server, with a lease of `lease_seconds` when given.
    pub fn options(&self, lease_seconds: Option<u64>) -> TargetOptions {
        TargetOptions {
            s3_endpoint: Some(self.endpoint()),
            lease_seconds,
            s3_config: vec![
                ("aws_access_key_id".into(), ACCESS_KEY.into()),
                ("aws_secret_access_key".into(), SECRET_KEY.into()),
                ("aws_region".into(), REGION.into()),
            ],
            ..TargetOptions::default()
        }
    }

    /// The environment a subprocess (boto3, pyarrow) needs to reach this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.into()),
            ("AWS_REGION", REGION.into()),
            ("AWS_DEFAULT_REGION", REGION.into()),
            ("S3_ENDPOINT", self.endpoint()),
            ("S3_BUCKET", self.bucket.clone()),
        ]
    }
}

impl Drop for TempS3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
