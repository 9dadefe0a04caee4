#!/usr/bin/env bash
# Agreement of `codevoyage metrics` with lizard on real code it was not tuned on: the mixed
# benchmark corpus of bench/metrics/corpus.sh (about 15 MB in each of Python, JavaScript,
# TypeScript, Go, Java, C and Rust from pinned registry packages; none of it is in the
# stored oracle corpus of tests/oracle.rs). One table row per language:
#
#   bench/metrics/agreement.sh            (LIST=1: also every same-span row that differs)
#
# COGNITIVE=lizard measures with `--cognitive lizard` (lizard's own reading: no nesting for
# closures outside C++, Java, C# and Python), the like-for-like comparison; the default is Campbell's.
#
# Columns: files, files with syntax errors for us, lizard's rows, cyclomatic and cognitive
# agreement over all rows, then over the rows whose span lizard got right (same start and
# end line as the syntax tree's function), and files lizard itself failed on. Needs lizard
# (pip install lizard, the stored oracles use 1.24.3) and a release build
# (CODEVOYAGE=path to time another binary). The corpus is built by corpus.sh in
# $CORPUS_DIR (default /tmp/codevoyage-metrics-corpus) when it is not there yet.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${CODEVOYAGE:-$root/target/release/codevoyage}"
[ -x "$bin" ] || { echo "no $bin: cargo build --release -p codevoyage (or CODEVOYAGE=path)" >&2; exit 1; }
python3 -c 'import lizard' 2>/dev/null || { echo "lizard not found: pip install lizard" >&2; exit 1; }
corpus_dir="${CORPUS_DIR:-/tmp/codevoyage-metrics-corpus}"
[ -f "$corpus_dir/src/.complete" ] || "$root/bench/metrics/corpus.sh" "$corpus_dir"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
list=()
[ "${LIST:-}" = 1 ] && list=(--list)
printf 'language\tfiles\tsyntax-error files\tlizard rows\tcyclomatic (all)\tcognitive (all)\tsame-span rows\tcyclomatic (same span)\tcognitive (same span)\tlizard failed\n'
for spec in python:.py javascript:.js typescript:.ts go:.go java:.java c:.c,.h rust:.rs; do
  lang="${spec%%:*}"
  IFS=, read -r -a exts <<< "${spec#*:}"
  "$bin" metrics "$corpus_dir/src/$lang" --format jsonl --cognitive "${COGNITIVE:-campbell}" > "$out/$lang.jsonl"
  python3 "$root/bench/metrics/agreement.py" "$corpus_dir/src/$lang" "$out/$lang.jsonl" "${exts[@]}" ${list[@]+"${list[@]}"}
done
