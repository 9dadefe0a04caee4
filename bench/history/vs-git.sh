#!/usr/bin/env bash
# Times `codevoyage log --format numstat` against `git log --numstat --no-renames` on the same
# repository and range, interleaving the runs so both see the same machine state, and prints the
# median of each and the ratio (git time / our time: above 1 means we are faster).
#
# Usage: bench/history/vs-git.sh REPO [RANGE]
#   RUNS=3           runs of each (default 3)
#   CODEVOYAGE=path  the binary (default target/release/codevoyage; build it with
#                    `cargo build --release -p codevoyage`)
#   EXTRA="--threads 2"  extra arguments for codevoyage (e.g. --no-line-counts)
#   VARIANT="CODEVOYAGE_COMMIT_CACHE=1"  also time codevoyage with these environment settings,
#                    interleaved in the same runs, and print its ratio too (before/after
#                    comparisons in one command)
#   CODEVOYAGE=target/release/examples/numstat  the history engine alone (cargo build --release
#                    -p codevoyage-history --example numstat), same arguments and output
set -euo pipefail
repo="${1:?usage: vs-git.sh REPO [RANGE]}"
range="${2:-}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${CODEVOYAGE:-$root/target/release/codevoyage}"
runs="${RUNS:-3}"
[ -x "$bin" ] || { echo "no binary at $bin: run cargo build --release -p codevoyage" >&2; exit 2; }

now() { date +%s.%N; }
ours=(); theirs=(); variant=()
commits=$(git -C "$repo" rev-list --count ${range:-HEAD})
# Check the outputs agree before timing them.
if ! cmp -s <("$bin" log "$repo" ${range:+"$range"} --format numstat ${EXTRA:-}) \
            <(git -C "$repo" log --numstat --no-renames --format='commit %H' ${range:+"$range"}); then
  [ -z "${EXTRA:-}" ] && echo "warning: outputs differ from git (see crates/codevoyage-history/README.md)" >&2
fi
for i in $(seq "$runs"); do
  s=$(now); "$bin" log "$repo" ${range:+"$range"} --format numstat ${EXTRA:-} > /dev/null; e=$(now)
  ours+=("$(echo "$e - $s" | bc -l)")
  s=$(now); git -C "$repo" log --numstat --no-renames --format='commit %H' ${range:+"$range"} > /dev/null; e=$(now)
  theirs+=("$(echo "$e - $s" | bc -l)")
  if [ -n "${VARIANT:-}" ]; then
    s=$(now); env $VARIANT "$bin" log "$repo" ${range:+"$range"} --format numstat ${EXTRA:-} > /dev/null; e=$(now)
    variant+=("$(echo "$e - $s" | bc -l)")
    printf 'run %d: codevoyage %.2fs  git %.2fs  codevoyage with %s %.2fs\n' "$i" "${ours[-1]}" "${theirs[-1]}" "$VARIANT" "${variant[-1]}"
  else
    printf 'run %d: codevoyage %.2fs  git %.2fs\n' "$i" "${ours[-1]}" "${theirs[-1]}"
  fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mo=$(median "${ours[@]}"); mt=$(median "${theirs[@]}")
printf '%s%s: %s commits, %d cores\n' "$repo" "${range:+ $range}" "$commits" "$(nproc)"
printf 'median: codevoyage %.2fs, git %.2fs, ratio %.2fx (git time / codevoyage time)\n' "$mo" "$mt" "$(echo "$mt / $mo" | bc -l)"
if [ -n "${VARIANT:-}" ]; then
  mv=$(median "${variant[@]}")
  printf 'median with %s: codevoyage %.2fs, ratio %.2fx\n' "$VARIANT" "$mv" "$(echo "$mt / $mv" | bc -l)"
fi
