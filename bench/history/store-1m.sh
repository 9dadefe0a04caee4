#!/usr/bin/env bash
# Time and peak memory of the history stage into a SQLite or PostgreSQL store, on a synthetic
# repository of N commits (default 1,000,000) made by gen-repo.py.
#
# Usage: bench/history/store-1m.sh [N] [DIR] [POSTGRES_URL]
#   N       commits (default 1000000)
#   DIR     work folder (default /tmp/cv-store-bench); the repository DIR/repo-N is generated
#           once and reused; the SQLite file is made fresh each run
#   POSTGRES_URL  store into this PostgreSQL database instead (postgres://user@host:port/db);
#           it must be fresh (created empty for the run: the script refuses one with commits).
#           Peak memory is then the client's; the server's work shows in the database size.
#   REPACK=1  `git repack -adf` the fast-import pack first (real clones are packed newest
#             first; a fast-import pack is not)
#   RENAMES=0 walk with --no-renames semantics
#   NO_BUILD=1 use the release example already built
#
# Runs crates/codevoyage-history/examples/store_history.rs (the pipeline's history stage:
# parallel walk, batches of 2,000 commits, Store::insert_commits) in release under
# /usr/bin/time -v, samples the process's anonymous (heap) and file-backed (mapped pack) resident
# memory every second, and prints wall time, CPU time, peak RSS and peak anonymous RSS.
set -euo pipefail
n="${1:-1000000}"
dir="${2:-/tmp/cv-store-bench}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
repo="$dir/repo-$n"
mkdir -p "$dir"
if [ ! -d "$repo/.git" ]; then
  echo "generating $n commits in $repo (this takes a while: ~4 min per 200k commits here)" >&2
  s=$(date +%s); python3 "$root/bench/history/gen-repo.py" "$repo" "$n" 2>"$dir/gen-$n.log"; e=$(date +%s)
  echo "generated in $((e - s)) s" >&2
  [ "${REPACK:-0}" = 1 ] && git -C "$repo" repack -adfq
  git -C "$repo" commit-graph write --reachable
fi
[ "${NO_BUILD:-0}" = 1 ] || (cd "$root" && cargo build --release -q -p codevoyage-history --example store_history)
bin="$root/target/release/examples/store_history"
pg="${3:-}"
if [ -n "$pg" ]; then
  case "$pg" in postgres://*|postgresql://*) ;; *) echo "not a PostgreSQL URL: $pg" >&2; exit 2 ;; esac
  if [ "$(psql "$pg" -tAc "SELECT to_regclass('commits') IS NOT NULL")" = t ] &&
     [ "$(psql "$pg" -tAc "SELECT EXISTS (SELECT 1 FROM commits)")" = t ]; then
    echo "the database of $pg already holds commits; give a fresh one (CREATE DATABASE …)" >&2; exit 2
  fi
  db="$pg"; tag=postgres
else
  tag=sqlite
  db="$dir/history-$n.sqlite"
  rm -f "$db" "$db-wal" "$db-shm"
fi
extra=(); [ "${RENAMES:-1}" = 0 ] && extra=(--no-renames)
# The allocator setting the codevoyage binary makes for itself (crates/codevoyage/src/main.rs).
export MIMALLOC_PURGE_DELAY="${MIMALLOC_PURGE_DELAY:-5000}"
# and transparent huge pages off, as the binary sets them (mimalloc does it itself when told).
export MIMALLOC_ALLOW_THP="${MIMALLOC_ALLOW_THP:-0}"
/usr/bin/time -v "$bin" "$repo" "$db" "${extra[@]}" 2>"$dir/time-$n-$tag.log" >"$dir/out-$n-$tag.log" &
pid=$!
anon=0; file=0
while kill -0 "$pid" 2>/dev/null; do
  child=$(pgrep -P "$pid" store_history || true)
  if [ -n "$child" ] && [ -r "/proc/$child/status" ]; then
    a=$(awk '/^RssAnon/ {print $2}' "/proc/$child/status" 2>/dev/null || echo 0)
    f=$(awk '/^RssFile/ {print $2}' "/proc/$child/status" 2>/dev/null || echo 0)
    [ "${a:-0}" -gt "$anon" ] && anon=$a
    [ "${f:-0}" -gt "$file" ] && file=$f
  fi
  sleep 1
done
wait "$pid"
cat "$dir/out-$n-$tag.log"
grep -E "total known|Elapsed|Maximum resident|User time|System time" "$dir/time-$n-$tag.log"
echo "peak anonymous RSS (heap): $((anon / 1024)) MiB; peak file-backed RSS (mapped pack, page cache): $((file / 1024)) MiB"
pack="$(git -C "$repo" count-objects -vH | awk '/size-pack/ {print $2 $3}')"
if [ -n "$pg" ]; then
  echo "store: $(psql "$pg" -tAc "SELECT pg_size_pretty(pg_database_size(current_database()))") PostgreSQL database ($pack pack)"
else
  echo "store: $(du -sh "$db" | cut -f1) ($pack pack)"
fi
