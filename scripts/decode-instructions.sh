#!/usr/bin/env bash
# Instructions and peak memory of decoding the benchmarks' 10 000-row replies, one decoder at
# a time: `valgrind --tool=callgrind` counts instructions (the same count on every run of the
# same binary, whatever else the machine does), less those of building the body alone (`none`,
# `user-none`); the benchmark's counting allocator gives the peak of bytes allocated while
# decoding, beyond the body. All with the default features (`simd` on), then the generated
# rows and the user struct again without `simd`. Usage: scripts/decode-instructions.sh (needs valgrind; about eight minutes on
# 2 cores, more when it has to build the two benchmark binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
# The benchmark binary, built with the default features, or with the flags given.
build() {
    cargo bench -p dataapi-runtime --bench decode_once --no-run --message-format=json "$@" 2>/dev/null |
        python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "decode_once" and m.get("executable"):
        print(m["executable"])'
}
bin=$(build)
plain_bin=$(build --no-default-features)
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" 2>&1 | awk '/Collected/ { print $4 }'
}
peak() {
    "$bin" "$1" | sed -n 's/.*decoding peak \([0-9]*\) bytes.*/\1/p'
}
report() { # base decoders...
    local base; base=$(count "$1"); shift
    printf '%-16s %15s %22s\n' decoder instructions 'peak memory (MiB)'
    for d in "$@"; do
        local n; n=$(count "$d"); local bytes; bytes=$(peak "$d")
        awk -v d="$d" -v n="$n" -v b="$base" -v m="$bytes" 'BEGIN { printf "%-16s %15.0f %22.1f\n", d, n - b, m / 1048576 }'
    done
}
report none generated generated-slice plain value
echo
report user-none user user-plain user-value
echo
echo "without the feature simd (the standard library's UTF-8 check):"
bin=$plain_bin
report none generated
report user-none user
