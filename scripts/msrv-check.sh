#!/usr/bin/env bash
# The workspace declares `rust-version`; only one toolchain can be installed here, so the
# declared version is checked in the two ways that need no older compiler:
# - no dependency in Cargo.lock declares a newer `rust-version` than the workspace;
# - clippy's `incompatible_msrv` lint (part of `clippy::all`, run by `.ci/run`) refuses any
#   standard-library API stabilised after it.
# Language features newer than the declared version would still pass both; the edition (2024,
# Rust 1.85) and let chains (1.88) set the floor.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
meta = json.load(sys.stdin)
version = lambda v: tuple(int(p) for p in v.split("."))
ours = {p["rust_version"] for p in meta["packages"] if p["id"] in meta["workspace_members"] and p["rust_version"]}
assert len(ours) == 1, f"the workspace declares several rust-versions: {ours}"
ours = ours.pop()
newer = sorted("%s %s needs Rust %s" % (p["name"], p["version"], p["rust_version"])
               for p in meta["packages"] if p["rust_version"] and version(p["rust_version"]) > version(ours))
if newer:
    sys.exit(f"rust-version {ours} is declared, but:\n  " + "\n  ".join(newer))
print(f"rust-version {ours}: no dependency needs a newer Rust")
'
