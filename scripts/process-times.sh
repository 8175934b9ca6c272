#!/usr/bin/env bash
# Whole-process times, as a user waits for them:
#   - `regenerate --check` as a dev build through `cargo run` (what the alias ran before it
#     became option B), against the same binary run without cargo and against the engine alone
#     (optimised, in-process);
#   - the schema load of `#[derive(dataapi::Report)]` in a compiler process: `cargo check` of a
#     small crate with one derive against the same crate without it, and the load and check of
#     the schema by the dev and release binaries (`dataapi-codegen check`);
#   - what an optimised engine would give the alias: option A, `opt-level = 3` for the engine and
#     its heavy dependencies in the dev profile (given here with `--config`, as the workspace's
#     Cargo.toml would give it), with the cold dev build of the workspace it costs; option B, the
#     alias running a release build (what `cargo regenerate` now runs), with the cold release
#     build of the engine it costs.
# Warm figures are the median of RUNS runs (default 7) with their spread (fastest – slowest);
# cold builds are one run each, from an empty target folder. Usage:
#   scripts/process-times.sh [RUNS]      (about 25 minutes on 2 cores; needs awk)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=derive-crate.sh
source scripts/derive-crate.sh
runs=${1:-7}
target=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TARGET_DIR=$target
scratch=$target/process-times

# The packages of option A: the engine and what its run spends time in.
opt_packages=(dataapi-codegen serde_yaml unsafe-libyaml yaml-rust2 syn prettyplease proc-macro2 quote similar
    indexmap hashbrown hashlink)
option_a=()
for p in "${opt_packages[@]}"; do option_a+=(--config "profile.dev.package.\"$p\".opt-level=3"); done

now() { date +%s.%N; }
# Runs "$@" $runs times after `prepare` (not timed); prints "median fastest slowest" in seconds.
timed() {
    local prepare=$1; shift
    local t=()
    for _ in $(seq "$runs"); do
        eval "$prepare"
        local start; start=$(now)
        "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
        t+=("$(awk -v a="$(now)" -v b="$start" 'BEGIN { printf "%.4f", a - b }')")
    done
    printf '%s\n' "${t[@]}" | sort -n | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.3f %.3f %.3f", m, v[1], v[NR] }'
}
# One timed run of "$@" in seconds.
once() {
    local start; start=$(now)
    "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    awk -v a="$(now)" -v b="$start" 'BEGIN { printf "%.1f", a - b }'
}
show() { # label "median fastest slowest"
    local m lo hi; read -r m lo hi <<< "$2"
    printf '%-58s %8.3f s  (%.3f – %.3f)\n' "$1" "$m" "$lo" "$hi"
}

echo "machine: $(nproc) cores, $(rustc --version); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm figures: median of $runs runs (fastest – slowest)"
echo

# --- cargo regenerate --check: a dev build, and the alias (option B, a release build) ------------
dev=(run -q -p dataapi-codegen --features cli -- regenerate --check)
cargo "${dev[@]}" > /dev/null
cargo build -q --release -p dataapi-codegen --features cli
show 'cargo run -- regenerate --check (a dev build)' "$(timed : cargo "${dev[@]}")"
show '  the same dev binary without cargo' "$(timed : "$target/debug/dataapi-codegen" regenerate --check)"
show 'cargo regenerate --check (the alias: option B, release)' \
    "$(timed : cargo run --release -q -p dataapi-codegen --features cli -- regenerate --check)"
show '  the same release binary without cargo' "$(timed : "$target/release/dataapi-codegen" regenerate --check)"
cargo "${option_a[@]}" "${dev[@]}" > /dev/null 2>&1
show 'the dev build with option A (opt-level 3)' \
    "$(timed : cargo "${option_a[@]}" "${dev[@]}")"
# The dev binary of option A replaced the plain one; build the plain one again for what follows.
cargo build -q -p dataapi-codegen --features cli
cargo bench -q -p dataapi-codegen --bench generate --no-run > /dev/null 2>&1
echo "the engine alone (cargo bench -p dataapi-codegen --bench generate, bundled schema):"
cargo bench -q -p dataapi-codegen --bench generate -- --noplot 'generate/schema/1x' 2>/dev/null | grep -E 'time:' |
    sed 's/^ */  criterion: /'
echo

# --- the derive's schema load -----------------------------------------------------------------
show 'dataapi-codegen check (load and check schema/), dev build' \
    "$(timed : "$target/debug/dataapi-codegen" check)"
show 'dataapi-codegen check, release build' "$(timed : "$target/release/dataapi-codegen" check)"
# A user's crate: one struct with the derive, or the same struct without it. The proc macro is
# built as cargo builds proc macros for a user (`build-override`: opt-level 0), unless told.
crate=$scratch/derive
derive_crate "$crate" derive-load
one_struct() {
    echo '#![allow(dead_code)]'
    call_struct Call "$1"
}
check_crate() { (cd "$crate" && CARGO_TARGET_DIR=$crate/target cargo check -q --offline "$@"); }
for override in "" "opt-level 3"; do
    extra=()
    [ -n "$override" ] && extra=(--config 'profile.dev.build-override.opt-level=3')
    one_struct derive > "$crate/src/lib.rs"
    check_crate "${extra[@]}"
    with=$(timed "touch $crate/src/lib.rs" check_crate "${extra[@]}")
    one_struct plain > "$crate/src/lib.rs"
    check_crate "${extra[@]}"
    without=$(timed "touch $crate/src/lib.rs" check_crate "${extra[@]}")
    label=${override:+, proc macros built with $override}
    show "cargo check, one derive$label" "$with"
    show "cargo check, no derive$label" "$without"
    awk -v a="${with%% *}" -v b="${without%% *}" 'BEGIN { printf "%-58s %8.3f s\n", "  the derive adds (medians)", a - b }'
done
echo

# --- what option A and option B cost to build ---------------------------------------------------
rm -rf "$scratch/cold"
printf '%-58s %8s s\n' 'cold dev build of the workspace (cargo build --workspace)' \
    "$(CARGO_TARGET_DIR=$scratch/cold once cargo build --workspace --locked)"
rm -rf "$scratch/cold"
printf '%-58s %8s s\n' '  the same with option A' \
    "$(CARGO_TARGET_DIR=$scratch/cold once cargo "${option_a[@]}" build --workspace --locked)"
rm -rf "$scratch/cold"
printf '%-58s %8s s\n' 'cold release build of the engine (option B, first run)' \
    "$(CARGO_TARGET_DIR=$scratch/cold once cargo build --release -p dataapi-codegen --features cli --locked)"
rm -rf "$scratch/cold"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
