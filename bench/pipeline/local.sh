#!/usr/bin/env bash
# The whole pipeline in local mode (SQLite) on one repository: a first analysis, then a
# re-analysis with nothing new (incremental), then one after a single new commit.
#
#   bench/pipeline/local.sh [BUNDLE]      (default ../shared/data/flask.bundle; release binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=${1:-$root/../shared/data/flask.bundle}
bin=$root/target/release/codevoyage
[ -x "$bin" ] || { echo "build the release binary first: cargo build --release -p codevoyage" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$bundle" "$work/repo" 2>/dev/null
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'; }
first=$(t "$bin" analyze "$work/repo" --data-dir "$work/data")
again=$(t "$bin" analyze "$work/repo" --data-dir "$work/data")
echo "one more line" > "$work/repo/BENCH-NEW-FILE.txt"
git -C "$work/repo" add BENCH-NEW-FILE.txt
git -C "$work/repo" -c user.name=Bench -c user.email=bench@example.com commit -qm "bench: one new commit"
one=$(t "$bin" analyze "$work/repo" --data-dir "$work/data")
commits=$(git -C "$work/repo" rev-list --count HEAD)
echo "repository: $(basename "$bundle") ($commits commits)"
echo "first analysis:        ${first} s"
echo "nothing new:           ${again} s"
echo "after one new commit:  ${one} s"
