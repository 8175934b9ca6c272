#!/usr/bin/env bash
# Build cost on this machine, with every dependency already built:
#   - a clean build of the `dataapi` crate alone (dev and release);
#   - a clean build of the build.rs consumer crate (build script run and generated code);
#   - the time 20 `#[derive(Report)]` structs add to a crate's build, against the same
#     structs without the derive.
# Each figure is the median of three runs, in seconds. Usage: scripts/build-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=derive-crate.sh
source scripts/derive-crate.sh

now() { date +%s.%N; }
# median of three timings of "$@" (the command runs after `prepare`, which is not timed)
median3() {
    local prepare=$1; shift
    local runs=()
    for _ in 1 2 3; do
        eval "$prepare"
        local start; start=$(now)
        "$@" > /dev/null 2>&1
        runs+=("$(awk -v a="$(now)" -v b="$start" 'BEGIN { printf "%.3f", a - b }')")
    done
    printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p
}

echo "machine: $(nproc) cores, $(rustc --version)"

cargo build -q -p dataapi && cargo build -q --release -p dataapi
printf 'dataapi, dev build:              %6.2f s\n' "$(median3 'cargo clean -q -p dataapi' cargo build -q -p dataapi)"
printf 'dataapi, release build:          %6.2f s\n' "$(median3 'cargo clean -q --release -p dataapi' cargo build -q --release -p dataapi)"

cargo build -q -p dataapi-consumer-buildrs
printf 'buildrs consumer, dev build:     %6.2f s\n' \
    "$(median3 'cargo clean -q -p dataapi-consumer-buildrs' cargo build -q -p dataapi-consumer-buildrs)"

# A scratch crate of 20 structs of eight fields, with and without the derive.
scratch=$root/target/build-cost/derives
derive_crate "$scratch" derive-cost
structs() {
    echo '#![allow(dead_code)]'
    for i in $(seq 1 20); do
        call_struct "Call$i" "$1"
    done
}
build_scratch() { (cd "$scratch" && CARGO_TARGET_DIR=$scratch/target cargo build -q --offline); }
structs derive > "$scratch/src/lib.rs"
build_scratch
with=$(median3 "touch $scratch/src/lib.rs" build_scratch)
structs plain > "$scratch/src/lib.rs"
build_scratch
without=$(median3 "touch $scratch/src/lib.rs" build_scratch)
printf '20 structs with the derive:      %6.2f s\n' "$with"
printf '20 structs without it:           %6.2f s\n' "$without"
printf 'the derive adds:                 %6.2f s\n' "$(awk -v a="$with" -v b="$without" 'BEGIN { print a - b }')"
