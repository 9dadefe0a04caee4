#!/usr/bin/env bash
# Throughput of CodeVoyage's metrics engine against lizard on the same corpus of real
# source (>= 100 MB), both on all cores. Prints MB/s of each and the ratio.
#
#   bench/metrics/bench.sh [SOURCE_DIR...]
#
# The corpus is built under $BENCH_DIR (default /tmp/codevoyage-metrics-bench) from the
# source files (py js ts go java c cc cpp h hpp rs) of the given directories, by default
# checkouts of the shared bundles (flask, express) cloned next to it, repeated until it
# holds at least $BENCH_MB megabytes (default 100). Needs lizard (pip install lizard).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench_dir="${BENCH_DIR:-/tmp/codevoyage-metrics-bench}"
want_mb="${BENCH_MB:-100}"
threads="$(nproc)"
command -v lizard >/dev/null || { echo "lizard not found: pip install lizard" >&2; exit 1; }

sources=("$@")
if [ ${#sources[@]} -eq 0 ]; then
  data="$root/../shared/data"
  [ -d "$data" ] || { echo "no SOURCE_DIR given and $data is absent" >&2; exit 1; }
  mkdir -p "$bench_dir/src"
  for b in "$data"/*.bundle; do
    name="$(basename "$b" .bundle)"
    [ -d "$bench_dir/src/$name" ] || git clone -q "$b" "$bench_dir/src/$name"
    sources+=("$bench_dir/src/$name")
  done
fi

corpus="$bench_dir/corpus"
if [ ! -f "$corpus/.complete" ]; then
  rm -rf "$corpus"
  mkdir -p "$corpus"
  list="$bench_dir/files.txt"
  : > "$list"
  for s in "${sources[@]}"; do
    find "$s" -type f \( -name '*.py' -o -name '*.js' -o -name '*.ts' -o -name '*.go' \
      -o -name '*.java' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.h' \
      -o -name '*.hpp' -o -name '*.rs' \) -not -path '*/.git/*' -not -path '*/node_modules/*' \
      -size -1M >> "$list"
  done
  one_copy=$(xargs -d '\n' cat < "$list" | wc -c)
  [ "$one_copy" -gt 0 ] || { echo "no source files found in ${sources[*]}" >&2; exit 1; }
  copies=$(( (want_mb * 1000000 + one_copy - 1) / one_copy ))
  echo "one copy: $one_copy bytes in $(wc -l < "$list") files; making $copies copies"
  for i in $(seq 1 "$copies"); do
    n=0
    while IFS= read -r f; do
      n=$((n + 1))
      d="$corpus/c$i/$((n / 500))"
      mkdir -p "$d"
      cp "$f" "$d/$n-$(basename "$f")"
    done < "$list"
  done
  touch "$corpus/.complete"
fi
bytes=$(find "$corpus" -type f ! -name .complete -print0 | xargs -0 cat | wc -c)
echo "corpus: $corpus, $bytes bytes, $(find "$corpus" -type f | wc -l) files, $threads cores"

now() { date +%s.%N; }
bin="$root/target/release/codevoyage"
start=$(now)
if [ -x "$bin" ] && "$bin" metrics --help >/dev/null 2>&1; then
  tool="codevoyage metrics --format jsonl"
  "$bin" metrics --format jsonl "$corpus" > "$bench_dir/ours.jsonl"
else
  tool="codevoyage-metrics example measure_dir (the codevoyage binary was not built)"
  cargo build -q --release -p codevoyage-metrics --example measure_dir --manifest-path "$root/Cargo.toml"
  start=$(now)
  "$root/target/release/examples/measure_dir" "$corpus"
fi
ours=$(echo "$(now) - $start" | bc -l)

start=$(now)
lizard -t "$threads" "$corpus" > "$bench_dir/lizard.txt" 2>/dev/null || true
theirs=$(echo "$(now) - $start" | bc -l)

ours_mbs=$(echo "$bytes / 1000000 / $ours" | bc -l)
theirs_mbs=$(echo "$bytes / 1000000 / $theirs" | bc -l)
printf 'ours   (%s): %8.2f s  %8.2f MB/s\n' "$tool" "$ours" "$ours_mbs"
printf 'lizard (-t %s):        %8.2f s  %8.2f MB/s\n' "$threads" "$theirs" "$theirs_mbs"
printf 'ratio: %.1fx lizard throughput\n' "$(echo "$ours_mbs / $theirs_mbs" | bc -l)"
