#!/usr/bin/env bash
# Regenerates the stored oracle outputs for the metrics agreement test:
#   crates/codevoyage-metrics/tests/corpus/oracle-lizard.csv  (lizard -Ecognitive --csv)
#   crates/codevoyage-metrics/tests/corpus/oracle-tokei.json  (tokei --files --output json)
# Needs lizard (pip install lizard) and tokei (cargo install tokei); the test itself only
# reads the stored files, so neither tool is needed to run `cargo test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="$root/crates/codevoyage-metrics/tests/corpus"
command -v lizard >/dev/null || { echo "lizard not found: pip install lizard" >&2; exit 1; }
TOKEI="${TOKEI:-tokei}"
command -v "$TOKEI" >/dev/null || { echo "tokei not found: cargo install tokei (or set TOKEI=path)" >&2; exit 1; }
cd "$corpus"
echo "lizard $(lizard --version)" > oracle-versions.txt
"$TOKEI" --version >> oracle-versions.txt
# Sorted, relative paths so the outputs are stable.
mapfile -t files < <(find . -type f ! -name 'oracle-*' ! -name 'README.md' ! -name 'LICENSES.md' | sed 's|^\./||' | LC_ALL=C sort)
lizard -Ecognitive --csv "${files[@]}" > oracle-lizard.csv
"$TOKEI" --files --output json "${files[@]}" > oracle-tokei.json
echo "wrote $(wc -l < oracle-lizard.csv) lizard rows and tokei stats for ${#files[@]} files"
