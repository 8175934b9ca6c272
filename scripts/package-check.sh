#!/usr/bin/env bash
# Packages every publishable crate, then builds and uses the packages from outside the
# repository as a user would: a crate in a temporary folder depends on them by their registry
# names, pointed at the unpacked packages, and runs each of the three ways of use; the
# `dataapi-codegen` command, built from its package, checks and regenerates a schema there;
# and the `dataapi` command is built from its package, which builds every package it uses.
# Between them every package is built from its own tarball (the bundled schema inside
# `dataapi-schema`) once: what `cargo package`'s verification would do, without building each
# package's dependencies again for every package that has them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

version="$(cargo metadata --format-version 1 --no-deps | python3 -c \
  'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "dataapi"))')"
crates=(dataapi-schema dataapi-codegen dataapi-derive dataapi-runtime dataapi dataapi-client dataapi-fake dataapi-sync dataapi-cli)

echo "--- cargo package"
# Outside the repository, so that Cargo does not take the unpacked packages for members of
# this workspace; a fresh folder, so that every run builds what it packaged.
export CARGO_TARGET_DIR="${TMPDIR:-/tmp}/dataapi-package-check"
rm -rf "$CARGO_TARGET_DIR"
cargo package --workspace --locked --no-verify \
  --exclude dataapi-tests --exclude dataapi-consumer-buildrs --exclude dataapi-readme --exclude dataapi-compile-tests
packages="$CARGO_TARGET_DIR/package"
for crate in "${crates[@]}"; do
  tar -xzf "$packages/$crate-$version.crate" -C "$packages"
done

outside="$(mktemp -d)"
trap 'rm -rf "$outside"' EXIT
cp -R tests/consumers/outside/. "$outside/"
mkdir -p "$outside/.cargo"
{
  echo "[patch.crates-io]"
  for crate in "${crates[@]}"; do
    echo "$crate = { path = \"$packages/$crate-$version\" }"
  done
} > "$outside/.cargo/config.toml"

echo "--- a crate outside the repository, on the packaged crates"
(cd "$outside" && cargo run --quiet)

echo "--- dataapi_codegen's public API: the public items compile, the engine's stages do not"
(cd "$outside" && cargo check --quiet --example public_api)
if (cd "$outside" && cargo check --quiet --example private_stages 2>"$outside/private.err"); then
  echo "error: the engine's stages are reachable from outside the workspace" >&2
  exit 1
fi
for expected in "module \`ir\` is private" "cannot find function \`load_dir\`"; do
  grep -q "$expected" "$outside/private.err" || { cat "$outside/private.err" >&2; echo "error: expected: $expected" >&2; exit 1; }
done

echo "--- the dataapi-codegen command, built from its package, outside any checkout"
codegen=(cargo run --quiet --manifest-path "$packages/dataapi-codegen-$version/Cargo.toml" --features cli --)
(cd "$outside" && "${codegen[@]}" check --schema schema | grep -q '^get.orders_report ')
(cd "$outside" && "${codegen[@]}" regenerate --schema schema --out generated >/dev/null)
(cd "$outside" && "${codegen[@]}" regenerate --schema schema --out generated --check)

echo "--- the dataapi command, built from its package with the packages it uses"
(cd "$outside" && cargo build --quiet --manifest-path "$packages/dataapi-cli-$version/Cargo.toml")
"$CARGO_TARGET_DIR/debug/dataapi" --version
echo "packages: ok"
