#!/usr/bin/env bash
# Throughput of CodeVoyage's metrics engine against lizard (functions and complexity) and
# against tokei (line counts, `codevoyage metrics --lines-only`), on the same corpus of real
# source (>= 100 MB), all on all cores, in one run. Prints MB/s of each and the ratios.
#
#   bench/metrics/bench.sh [SOURCE_DIR...]
#
# The corpus is built under $BENCH_DIR (default /tmp/codevoyage-metrics-bench) from the
# source files (py js ts go java c cc cpp h hpp rs) of the given directories, by default
# checkouts of the shared bundles (flask, express) cloned next to it, repeated until it
# holds at least $BENCH_MB megabytes (default 100). Needs lizard (pip install lizard);
# tokei (cargo install tokei, or TOKEI=path) is optional: without it that part is skipped.
#
# CORPUS=mixed: instead, the distinct files of bench/metrics/corpus.sh's corpus, once each (no
# copies): about 15 MB in each of Python, JavaScript, TypeScript, Go, Java, C and Rust, from
# pinned registry packages (see corpus.sh for the rule). It is built in $CORPUS_DIR (default
# /tmp/codevoyage-metrics-corpus) by running corpus.sh when it is not there yet.
# PER_LANGUAGE=1 (CORPUS=mixed only): also both tools on each language's folder alone, one
# table row per language (bytes, our time, lizard's, ratio), to show why the ratio moves
# with the mix.
# CODEVOYAGE=path: the codevoyage binary to time (default target/release/codevoyage).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench_dir="${BENCH_DIR:-/tmp/codevoyage-metrics-bench}"
want_mb="${BENCH_MB:-100}"
threads="$(nproc)"
TOKEI="${TOKEI:-tokei}"
command -v lizard >/dev/null || { echo "lizard not found: pip install lizard" >&2; exit 1; }

sources=("$@")
mode="${CORPUS:-copies}"
case "$mode" in
  copies) ;;
  mixed)
    [ ${#sources[@]} -eq 0 ] || { echo "CORPUS=mixed takes no SOURCE_DIR" >&2; exit 1; }
    corpus_dir="${CORPUS_DIR:-/tmp/codevoyage-metrics-corpus}"
    [ -f "$corpus_dir/src/.complete" ] || "$root/bench/metrics/corpus.sh" "$corpus_dir"
    sources=("$corpus_dir/src")
    ;;
  *) echo "CORPUS must be copies (the default) or mixed, not $mode" >&2; exit 1 ;;
esac
if [ "${PER_LANGUAGE:-}" = 1 ] && [ "$mode" != mixed ]; then
  echo "PER_LANGUAGE=1 needs CORPUS=mixed (one folder per language)" >&2
  exit 1
fi
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
ready() { [ -f "$corpus/.complete" ]; }
if [ "$mode" = mixed ]; then
  # Rebuilt whenever corpus.sh's output changed (its SOURCES.txt is the stamp); kept outside
  # the corpus so that neither tool reads it.
  corpus="$bench_dir/corpus-mixed"
  stamp="$bench_dir/corpus-mixed.sources"
  ready() { [ -d "$corpus" ] && cmp -s "$stamp" "$corpus_dir/SOURCES.txt"; }
fi
if ! ready; then
  rm -rf "$corpus" "${stamp:-}"
  mkdir -p "$corpus"
  list="$bench_dir/files.txt"
  : > "$list"
  for s in "${sources[@]}"; do
    find "$s" -type f \( -name '*.py' -o -name '*.js' -o -name '*.ts' -o -name '*.go' \
      -o -name '*.java' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.h' \
      -o -name '*.hpp' -o -name '*.rs' \) -not -path '*/.git/*' -not -path '*/node_modules/*' \
      -size -1000k >> "$list"
  done
  # Keep only files lizard can parse (its TypeScript reader crashes on some zod tests,
  # which aborts a whole `lizard -t` run), so both tools measure the same bytes.
  python3 - "$list" <<'PY'
import sys, multiprocessing, lizard
def ok(path):
    try:
        lizard.analyze_file(path)
        return path
    except Exception:
        return None
paths = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
with multiprocessing.Pool() as pool:
    good = [p for p in pool.map(ok, paths, chunksize=16) if p]
print(f"lizard parses {len(good)} of {len(paths)} files", file=sys.stderr)
open(sys.argv[1], "w").write("".join(p + "\n" for p in good))
PY
  one_copy=$(xargs -d '\n' cat < "$list" | wc -c)
  [ "$one_copy" -gt 0 ] || { echo "no source files found in ${sources[*]}" >&2; exit 1; }
  if [ "$mode" = mixed ]; then
    # One copy, same relative paths (<language>/<package>/…), hard links where possible.
    src="${sources[0]}"
    sed "s|^$src/||" "$list" > "$list.rel"
    link=-l
    ln -f "$(head -n 1 "$list")" "$bench_dir/link-test" 2>/dev/null || link=
    rm -f "$bench_dir/link-test"
    (cd "$src" && xargs -d '\n' cp $link --parents -t "$corpus" < "$list.rel")
    cp "$corpus_dir/SOURCES.txt" "$stamp"
    echo "mixed corpus: $one_copy bytes in $(wc -l < "$list") files, once each"
  else
    copies=$(( (want_mb * 1000000 + one_copy - 1) / one_copy ))
    echo "one copy: $one_copy bytes in $(wc -l < "$list") files; making $copies copies"
    for i in $(seq 1 "$copies"); do
      n=0
      while IFS= read -r f; do
        n=$((n + 1))
        d="$corpus/c$i/$((n / 500))"
        mkdir -p "$d"
        dest="$d/$n-$(basename "$f")"
        cp "$f" "$dest"
        # lizard skips files whose content it has seen (md5): make each copy unique.
        case "$f" in
          *.py) printf '\n# copy %s\n' "$i" >> "$dest" ;;
          *) printf '\n// copy %s\n' "$i" >> "$dest" ;;
        esac
      done < "$list"
    done
    touch "$corpus/.complete"
  fi
fi
bytes=$(find "$corpus" -type f ! -name .complete -print0 | xargs -0 cat | wc -c)
echo "corpus: $corpus, $bytes bytes, $(find "$corpus" -type f | wc -l) files, $threads cores"

now() { date +%s.%N; }
# timed TAG CMD…: runs CMD under /usr/bin/time (its CPU figures kept in $bench_dir/TAG.cpu)
# and sets $wall (seconds) and $cpu (user+sys, children included). Redirections given to
# the call apply to CMD.
timed() {
  local tag="$1" start
  shift
  start=$(now)
  /usr/bin/time -f "%U %S" -o "$bench_dir/$tag.cpu" "$@"
  wall=$(echo "$(now) - $start" | bc -l)
  cpu=$(tail -n 1 "$bench_dir/$tag.cpu" | awk '{print $1 + $2}')
}
bin="${CODEVOYAGE:-$root/target/release/codevoyage}"
if [ -x "$bin" ] && "$bin" metrics --help >/dev/null 2>&1; then
  tool="codevoyage metrics --format jsonl"
  # ours DIR: measures DIR, output on stdout.
  ours() { "$bin" metrics --format jsonl "$1"; }
  run_ours() { ours "$corpus" > "$bench_dir/ours.jsonl"; }
  run_lines() { "$bin" metrics --lines-only --format jsonl "$corpus" > "$bench_dir/lines.jsonl"; }
else
  tool="codevoyage-metrics example measure_dir (the codevoyage binary was not built)"
  cargo build -q --release -p codevoyage-metrics --example measure_dir --manifest-path "$root/Cargo.toml"
  ours() { "$root/target/release/examples/measure_dir" "$1"; }
  run_ours() { ours "$corpus" > "$bench_dir/ours.txt"; }
  run_lines() { echo "the lines-only run needs the codevoyage binary" >&2; return 1; }
fi
# Wall time on all cores (the figure asked for) and CPU time (user+sys, children included),
# which is steadier on a machine shared with other work.
timed ours bash -c "$(declare -f ours run_ours); bin='$bin' root='$root' corpus='$corpus' bench_dir='$bench_dir' run_ours"
ours=$wall ours_cpu=$cpu
echo "ours: $ours s wall, $ours_cpu s CPU"
# VARIANT="NAME=value …": ours again with these environment settings, right after, for a
# before/after comparison in one run (e.g. CODEVOYAGE_TS_LIBC_MALLOC=1: tree-sitter on libc's
# malloc instead of mimalloc).
if [ -n "${VARIANT:-}" ]; then
  timed variant env $VARIANT bash -c "$(declare -f ours run_ours); bin='$bin' root='$root' corpus='$corpus' bench_dir='$bench_dir' run_ours"
  variant=$wall variant_cpu=$cpu
  echo "ours with $VARIANT: $variant s wall, $variant_cpu s CPU ($(echo "$variant / $ours" | bc -l | cut -c1-5)x the time of the default)"
fi

# lizard exits 1 when functions exceed its warning thresholds; a crash prints a traceback.
timed lizard lizard -t "$threads" "$corpus" > "$bench_dir/lizard.txt" 2> "$bench_dir/lizard.err" || true
theirs=$wall theirs_cpu=$cpu
if grep -q Traceback "$bench_dir/lizard.err"; then
  echo "lizard crashed (see $bench_dir/lizard.err); its figure would be meaningless" >&2
  exit 1
fi

# Line counts: ours (--lines-only) against tokei, both on all cores.
tokei_line=""
if command -v "$TOKEI" >/dev/null && [ -x "$bin" ]; then
  timed lines bash -c "$(declare -f run_lines); bin='$bin' corpus='$corpus' bench_dir='$bench_dir' run_lines"
  lines=$wall lines_cpu=$cpu
  timed tokei "$TOKEI" --output json "$corpus" > "$bench_dir/tokei.json"
  tok=$wall tok_cpu=$cpu
  tokei_line=yes
else
  echo "tokei or the codevoyage binary not found: line-count comparison skipped" >&2
fi

mb=$(echo "$bytes / 1000000" | bc -l)
printf 'ours   (%s): %7.2f s wall %7.2f MB/s | %7.2f CPU-s %6.2f MB per CPU-s\n' \
  "$tool" "$ours" "$(echo "$mb / $ours" | bc -l)" "$ours_cpu" "$(echo "$mb / $ours_cpu" | bc -l)"
printf 'lizard (-t %s): %7.2f s wall %7.2f MB/s | %7.2f CPU-s %6.2f MB per CPU-s\n' \
  "$threads" "$theirs" "$(echo "$mb / $theirs" | bc -l)" "$theirs_cpu" "$(echo "$mb / $theirs_cpu" | bc -l)"
printf 'ratio: %.1fx lizard throughput (wall, all cores), %.1fx per CPU-second\n' \
  "$(echo "$theirs / $ours" | bc -l)" "$(echo "$theirs_cpu / $ours_cpu" | bc -l)"
echo "functions found: lizard $(grep -c '@' "$bench_dir/lizard.txt" || true)"
if [ -n "$tokei_line" ]; then
  printf 'lines  (codevoyage metrics --lines-only): %7.2f s wall %7.2f MB/s | %7.2f CPU-s %6.2f MB per CPU-s\n' \
    "$lines" "$(echo "$mb / $lines" | bc -l)" "$lines_cpu" "$(echo "$mb / $lines_cpu" | bc -l)"
  printf 'tokei  (%s): %7.2f s wall %7.2f MB/s | %7.2f CPU-s %6.2f MB per CPU-s\n' \
    "$("$TOKEI" --version | head -n 1)" "$tok" "$(echo "$mb / $tok" | bc -l)" "$tok_cpu" "$(echo "$mb / $tok_cpu" | bc -l)"
  printf 'ratio: %.2fx tokei throughput for line counts (wall), %.2fx per CPU-second\n' \
    "$(echo "$tok / $lines" | bc -l)" "$(echo "$tok_cpu / $lines_cpu" | bc -l)"
fi

# Per language: both tools on each language's folder alone, one after the other.
if [ "${PER_LANGUAGE:-}" = 1 ]; then
  echo
  echo "per language (each folder alone; wall on $threads cores, CPU = user+sys):"
  printf '%-11s %6s %8s | %8s %8s %7s | %8s %8s %7s | %6s %6s\n' language files MB \
    "ours s" "CPU-s" "MB/s" "lizard s" "CPU-s" "MB/s" "wall x" "CPU x"
  for d in "$corpus"/*/; do
    lang="$(basename "$d")"
    lbytes=$(find "$d" -type f -print0 | xargs -0 cat | wc -c)
    lfiles=$(find "$d" -type f | wc -l)
    timed "ours-$lang" bash -c "$(declare -f ours); bin='$bin' root='$root' ours '$d'" \
      > "$bench_dir/ours-$lang.out"
    ow=$wall oc=$cpu
    timed "lizard-$lang" lizard -t "$threads" "$d" \
      > "$bench_dir/lizard-$lang.txt" 2> "$bench_dir/lizard-$lang.err" || true
    lw=$wall lc=$cpu
    if grep -q Traceback "$bench_dir/lizard-$lang.err"; then
      echo "lizard crashed on $d (see $bench_dir/lizard-$lang.err)" >&2
      exit 1
    fi
    lmb=$(echo "$lbytes / 1000000" | bc -l)
    printf '%-11s %6d %8.2f | %8.2f %8.2f %7.2f | %8.2f %8.2f %7.2f | %6.1f %6.1f\n' \
      "$lang" "$lfiles" "$lmb" "$ow" "$oc" "$(echo "$lmb / $ow" | bc -l)" \
      "$lw" "$lc" "$(echo "$lmb / $lw" | bc -l)" \
      "$(echo "$lw / $ow" | bc -l)" "$(echo "$lc / $oc" | bc -l)"
  done
fi
