//! `dataapi sync` into object storage, against moto's S3-compatible server on loopback: two
//! accounts and two methods into one bucket through `--config`, the clocks of their fake
//! servers moved on between rounds, runs killed at random points, two runs of one stream at
//! once, and a reader listing the prefix all the while. After each round the bucket, read with
//! pyarrow, equals the truth; the reader never saw a day twice or half.

mod common;
#[path = "../../sync/tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use dataapi::fake::FakeServer;
use dataapi::runtime::MethodDescriptor;
use support::s3::TempS3;
use support::{at, compared_fields, live_server, read_with, scratch, truth, with_nulls};

const METHODS: [&MethodDescriptor; 2] = [&dataapi::calls_report::DESCRIPTOR, &dataapi::call_legs_report::DESCRIPTOR];

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Lists the prefix over and over until the file `stop` exists: every object of a day must be
/// its `data.parquet`, read whole by pyarrow, and no day may be listed twice. Prints the number
/// of listings and of day files read.
const LISTER: &str = r#"
import io, os, sys, time, collections
import boto3
import pyarrow.parquet as pq
s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"])
bucket, prefix, stop = sys.argv[1], sys.argv[2], sys.argv[3]
listings = files = 0
while not os.path.exists(stop):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    days = collections.Counter()
    for key in keys:
        parts = key.split("/")
        name = parts[-1]
        if name.startswith(("_", ".")):
            continue
        assert parts[-2].startswith("date=") and name == "data.parquet", f"a stray object {key}"
        days["/".join(parts[:-1])] += 1
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            continue
        pq.read_table(io.BytesIO(body))  # a whole Parquet file, or this raises
        files += 1
    twice = [d for d, n in days.items() if n > 1]
    assert not twice, f"days listed twice: {twice}"
    listings += 1
    time.sleep(0.05)
print(listings, files)
"#;

fn config(dir: &Path, s3: &TempS3, servers: &[(&str, &FakeServer)]) -> std::path::PathBuf {
    let path = dir.join("sync.toml");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "into = \"{}\"\ns3_endpoint = \"{}\"", s3.spec("dataapi"), s3.endpoint()).unwrap();
    for (name, server) in servers {
        writeln!(f, "[[accounts]]\nname = \"{name}\"\nurl = \"{}\"\ntoken_env = \"TOKEN_{name}\"", server.url())
            .unwrap();
    }
    for method in METHODS {
        let fields: Vec<String> = compared_fields(method).iter().map(|f| format!("\"{f}\"")).collect();
        writeln!(
            f,
            "[[streams]]\nmethod = \"{}\"\nsince = \"2026-01-01\"\nfields = [{}]",
            method.name,
            fields.join(", ")
        )
        .unwrap();
    }
    path
}

fn sync(config: &Path, s3: &TempS3, servers: &[(&str, &FakeServer)], extra: &[&str]) -> Command {
    let mut c = common::dataapi();
    c.args(["sync", "--config"]).arg(config).args(["--lease-seconds", "5"]).args(extra).envs(s3.env());
    for (name, server) in servers {
        let _ = server;
        c.env(format!("TOKEN_{name}"), *name);
    }
    c
}

/// Runs the sync to its end; a lease left by a killed run holds it off (exit 5) until it
/// expires.
fn sync_to_the_end(config: &Path, s3: &TempS3, servers: &[(&str, &FakeServer)]) {
    let started = Instant::now();
    loop {
        let out = sync(config, s3, servers, &[]).output().unwrap();
        match out.status.code() {
            Some(0) => return,
            Some(5) if started.elapsed() < Duration::from_secs(30) => std::thread::sleep(Duration::from_millis(500)),
            _ => panic!("the sync failed: {}", stderr(&out)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_and_methods_in_a_bucket_stay_equal_to_the_api_through_kills_rivals_and_readers() {
    let Some(s3) = TempS3::start("warehouse") else { return };
    assert!(support::python_has("boto3", "DATAAPI_REQUIRE_MOTO"), "boto3 comes with moto");
    let north = live_server(21, "2026-01-20", 150, "north", "2026-01-08 10:00:00").await;
    let south = live_server(22, "2026-01-20", 150, "south", "2026-01-08 10:00:00").await;
    let servers = [("north", &north), ("south", &south)];
    let dir = scratch("s3");
    let config = config(&dir, &s3, &servers);
    let stop = dir.join("stop");
    let lister = Command::new("python3")
        .args(["-c", LISTER, &s3.bucket, "dataapi/"])
        .arg(&stop)
        .envs(s3.env())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut kills = 0;
    for round in 0..4 {
        for _ in 0..2 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut child = sync(&config, &s3, &servers, &["--page-size", "10"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let after = Duration::from_millis(20 + x % 400);
            let started = Instant::now();
            while started.elapsed() < after && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_millis(5));
            }
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                kills += 1;
            }
            child.wait().unwrap();
        }
        sync_to_the_end(&config, &s3, &servers);
        for (name, server) in servers {
            let now = dataapi::DateTime(server.clock().now());
            let cutoff = dataapi::DateTime(now.0 - TimeDelta::minutes(10));
            for method in METHODS {
                let fields = compared_fields(method);
                let want = truth(server, method, &fields, at("2026-01-01 00:00:00"), cutoff, now);
                let path = format!("{}/{name}/{}", s3.spec("dataapi"), method.name);
                let (got, _) = read_with("pyarrow", path.as_ref(), method, &fields, &s3.env());
                assert_eq!(got.len(), want.len(), "round {round}, {name}/{}: rows", method.name);
                for (k, v) in &want {
                    assert_eq!(got.get(k), Some(&with_nulls(v, &fields)), "round {round}, {name}/{}: {k}", method.name);
                }
            }
            server.clock().advance(9 * 3600);
        }
    }
    assert!(kills >= 3, "runs were killed while they worked ({kills})");

    // Two runs of one stream at once: the second leaves it to the first.
    let first =
        sync(&config, &s3, &servers, &["--page-size", "3", "--full-refresh"]).stderr(Stdio::piped()).spawn().unwrap();
    // The first run holds the first stream's lease once its object is there.
    let store = dataapi_sync::target::Store::open(&s3.spec("dataapi"), &s3.options(None)).unwrap();
    let started = Instant::now();
    while store.get("north/get.calls_report/_lease.json").await.unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(30), "the first run takes its lease");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let second = sync(&config, &s3, &servers, &[]).output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(second.status.code(), Some(5), "{}", stderr(&second));
    assert!(stderr(&second).contains("is being synced by another run (host "), "{}", stderr(&second));

    std::fs::write(&stop, "").unwrap();
    let listed = lister.wait_with_output().unwrap();
    assert!(listed.status.success(), "the reader saw a day twice or half: {}", stderr(&listed));
    let seen = String::from_utf8(listed.stdout).unwrap();
    let (listings, files): (u64, u64) = {
        let mut n = seen.split_whitespace().map(|n| n.parse().unwrap());
        (n.next().unwrap(), n.next().unwrap())
    };
    eprintln!("the reader listed the prefix {listings} times and read {files} day files whole");
    assert!(listings >= 20 && files >= 100, "the reader listed the prefix while syncs ran ({seen})");
    let _ = std::fs::remove_dir_all(&dir);
}
