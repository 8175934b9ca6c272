#!/usr/bin/env bash
# Many accounts in one process: N fake servers, one per account, each with a budget of its own
# (60 calls a minute and 5 000 a day by default, the API's typical budget), and one
# `dataapi sync --config` of the N accounts, each syncing get.calls_report over 90 days of
# ROWS_PER_DAY calls a day into a Parquet dataset (TARGET=dir) or an S3 bucket. GNU time
# measures the sync process alone: wall time, CPU (user + system) and the largest resident set,
# for the first run (the 90-day backfill) and for an incremental run an hour later (every
# server's clock moved on by an hour).
#
#   scripts/sync-scale.sh N            # e.g. 10, 50, 100
#   MINUTE_LIMIT=600 ROWS_PER_DAY=3000 scripts/sync-scale.sh 50
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10}"
rows="${ROWS_PER_DAY:-1000}"
minute="${MINUTE_LIMIT:-60}"
cargo build --release --quiet -p dataapi-cli
bin="$PWD/target/release/dataapi"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
for i in $(seq 1 "$n"); do
  "$bin" fake-server --addr 127.0.0.1:0 --seed "$i" --from 2026-01-01 --till 2026-03-31 \
    --rows-per-day "$rows" --token "T$i" --minute-limit "$minute" --day-limit 5000 \
    --clock-start "2026-03-31 23:30:00" --clock manual --live >"$work/url$i" 2>/dev/null &
done
{
  echo "into = \"$work/warehouse\""
  for i in $(seq 1 "$n"); do
    while [ ! -s "$work/url$i" ]; do sleep 0.05; done
    printf '[[accounts]]\nname = "account%d"\nurl = "%s"\ntoken_env = "T%d"\n' "$i" "$(head -1 "$work/url$i")" "$i"
    export "T$i=T$i"
  done
  printf '[[streams]]\nmethod = "get.calls_report"\nsince = "2026-01-01"\n'
} >"$work/sync.toml"
echo "$n accounts, $rows calls a day for 90 days each, $minute calls a minute per account"
run() {
  /usr/bin/time -f "$1: wall %e s, user %U s, system %S s, max RSS %M KB" "$bin" sync --config "$work/sync.toml" 2>"$work/err" || true
  grep -c '^synced ' "$work/err" | sed 's/^/  streams synced: /'
  grep -v '^synced ' "$work/err" | tail -5
}
run "backfill (90 days)"
for i in $(seq 1 "$n"); do
  base="$(head -1 "$work/url$i")"
  curl -s -X POST "${base%/v2.0}/__clock" -d '{"advance_seconds": 3600}' >/dev/null
done
run "an hour later"
