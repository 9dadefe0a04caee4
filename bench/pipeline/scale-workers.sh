#!/usr/bin/env bash
# How analysis time scales with the number of workers (scaled mode).
#
#   bench/pipeline/scale-workers.sh [BUNDLE] [REPOS] [MAX_WORKERS]
#
# Makes REPOS clones of BUNDLE (default ../shared/data/flask.bundle, 10 clones), then for
# 1..MAX_WORKERS (default 3) workers: a fresh PostgreSQL database and Redis queue, all clones
# enqueued at once, and the wall time until every analysis has succeeded. Needs the release
# binary (cargo build --release -p codevoyage), PostgreSQL and Redis
# (CODEVOYAGE_BENCH_DATABASE_URL, CODEVOYAGE_BENCH_REDIS_URL; defaults are the local servers).
set -euo pipefail
export PGOPTIONS="--client-min-messages=warning"
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=${1:-$root/../shared/data/flask.bundle}
repos=${2:-10}
max_workers=${3:-3}
bin=$root/target/release/codevoyage
admin=${CODEVOYAGE_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
redis=${CODEVOYAGE_BENCH_REDIS_URL:-redis://127.0.0.1:6379}
[ -x "$bin" ] || { echo "build the release binary first: cargo build --release -p codevoyage" >&2; exit 2; }
[ -f "$bundle" ] || { echo "no bundle at $bundle" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for i in $(seq 1 "$repos"); do git clone -q "$bundle" "$work/repo$i" 2>/dev/null; done
echo "workers  repositories  wall_s  analyses_per_min"
for n in $(seq 1 "$max_workers"); do
  db="cv_bench_scale_${n}_$$"
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
  psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
  export CODEVOYAGE_DATABASE_URL="${admin%/*}/$db" CODEVOYAGE_REDIS_URL="$redis" CODEVOYAGE_QUEUE_NAME="bench-scale-$n-$$"
  "$bin" migrate --data-dir "$work/data" >/dev/null
  pids=()
  for w in $(seq 1 "$n"); do "$bin" worker --name "w$w" --data-dir "$work/data" 2>/dev/null & pids+=($!); done
  start=$(date +%s.%N)
  ids=()
  for i in $(seq 1 "$repos"); do
    ids+=("$("$bin" analyze "$work/repo$i" --enqueue --json --data-dir "$work/data" | sed -E 's/.*"analysis_id":([0-9]+).*/\1/')")
  done
  while :; do
    done_count=$(psql "$CODEVOYAGE_DATABASE_URL" -tAc "SELECT count(*) FROM analyses WHERE status IN ('succeeded','failed')")
    [ "$done_count" -ge "$repos" ] && break
    sleep 0.2
  done
  end=$(date +%s.%N)
  failed=$(psql "$CODEVOYAGE_DATABASE_URL" -tAc "SELECT count(*) FROM analyses WHERE status = 'failed'")
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  pids=()
  awk -v n="$n" -v r="$repos" -v s="$start" -v e="$end" -v f="$failed" \
    'BEGIN { w = e - s; printf "%7d  %12d  %6.1f  %16.1f%s\n", n, r, w, r / w * 60, (f > 0 ? "  (" f " failed)" : "") }'
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
done
