#!/usr/bin/env bash
# Load benchmark of the API: the cached `GET /api/v1/repositories/{id}/tree` of a repository
# with 100,000 files, hammered over loopback by wrk. See bench/api/README.md.
#
#   bench/api/tree-load.sh [FILES] [SECONDS] [CONNECTIONS]     (defaults: 100000 30 16)
#
# CONNECTIONS may be a quoted list ("1 4 16"): one run per value.
# Environment: THREADS (wrk threads, default 2), SKIP_BUILD=1 (use target/release/codevoyage
# as it is), ENCODINGS (extra runs with these Accept-Encoding values, e.g. "gzip br"; the
# main run asks for no compression, as wrk does by default), KEEP=1 (keep the work folder).
#
# Steps: release build; a git repository with FILES files in one commit plus a second commit
# touching 1% of them, written with `git fast-import`; `codevoyage analyze`; an admin user
# and an API key through the CLI; `codevoyage serve` with the rate limit off
# (rate_limit_per_second = 0) and one worker; one request to fill the cache; then wrk.
# wrk comes from Debian (`apt-get install wrk`, done here when missing and run as root);
# nothing is downloaded from anywhere else.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
files=${1:-100000}
seconds=${2:-30}
connection_list=${3:-16}
threads=${THREADS:-2}

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing wrk from the Debian archive" >&2
        apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
    else
        echo "wrk is missing: install it with your package manager (Debian: apt-get install wrk)" >&2
        exit 2
    fi
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    (cd "$root" && cargo build --release --locked -p codevoyage)
fi
bin=$root/target/release/codevoyage
[ -x "$bin" ] || { echo "no release binary at $bin: run without SKIP_BUILD=1" >&2; exit 2; }

work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

# The repository: FILES small Rust files under src/dNN/eNN/ (100 files a folder), each with
# two functions of varying size; a second commit edits every hundredth file.
started=$(now)
git init -q -b main "$work/repo"
awk -v n="$files" 'BEGIN {
    for (i = 0; i < n; i++) {
        body = sprintf("// file %d\npub fn f%d(x: u64) -> u64 {\n    if x > %d {\n        x - 1\n    } else {\n        x + %d\n    }\n}\n\npub fn g%d() -> u64 {\n    f%d(%d)\n}\n", i, i, i % 97, i % 13, i, i, i);
        printf "blob\nmark :%d\ndata %d\n%s\n", i + 1, length(body), body;
    }
    msg = "bench: the files";
    printf "commit refs/heads/main\nmark :%d\nauthor Bench <bench@example.com> 1700000000 +0000\ncommitter Bench <bench@example.com> 1700000000 +0000\ndata %d\n%s\n", n + 1, length(msg), msg;
    for (i = 0; i < n; i++) {
        printf "M 100644 :%d src/d%02d/e%02d/f%06d.rs\n", i + 1, int(i / 10000) % 100, int(i / 100) % 100, i;
    }
    printf "\n";
    msg = "bench: edit every hundredth file";
    printf "commit refs/heads/main\nmark :%d\nauthor Other <other@example.com> 1700086400 +0000\ncommitter Other <other@example.com> 1700086400 +0000\ndata %d\n%s\nfrom :%d\n", n + 2, length(msg), msg, n + 1;
    for (i = 0; i < n; i += 100) {
        body = sprintf("// file %d, edited\npub fn f%d(x: u64) -> u64 {\n    x * 2\n}\n", i, i);
        printf "M 100644 inline src/d%02d/e%02d/f%06d.rs\ndata %d\n%s\n", int(i / 10000) % 100, int(i / 100) % 100, i, length(body), body;
    }
    printf "\n";
}' | git -C "$work/repo" fast-import --quiet
echo "repository: $files files, 2 commits, written in $(since "$started") s"

started=$(now)
"$bin" analyze "$work/repo" --name tree-bench --data-dir "$work/data" >/dev/null
echo "analysis: $(since "$started") s"

echo "a long enough benchmark password" | "$bin" user add bench --role admin --data-dir "$work/data" 2>/dev/null
key=$("$bin" apikey create --user bench --name load --data-dir "$work/data" 2>/dev/null | tail -n 1)

CODEVOYAGE_RATE_LIMIT_PER_SECOND=0 CODEVOYAGE_WORKERS=1 CODEVOYAGE_LOG=warn \
    "$bin" serve --listen 127.0.0.1:0 --data-dir "$work/data" 2>"$work/serve.log" &
server=$!
addr=
for _ in $(seq 1 200); do
    addr=$(sed -n 's|^CodeVoyage is serving https\{0,1\}://\([^/]*\)/.*|\1|p' "$work/serve.log" | head -n 1)
    [ -n "$addr" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$addr" ] || { echo "serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
auth="Authorization: Bearer $key"
id=$(curl -sf -H "$auth" "http://$addr/api/v1/repositories" | python3 -c 'import json,sys; d=json.load(sys.stdin); items=d["items"] if isinstance(d,dict) else d; print(items[0]["id"])')
url="http://$addr/api/v1/repositories/$id/tree"

# The first request builds the tree and fills the cache; the second is served from it.
cold=$(curl -sf -o "$work/tree.json" -w '%{time_total}' -H "$auth" "$url")
warm=$(curl -sf -o /dev/null -w '%{time_total}' -H "$auth" "$url")
bytes=$(stat -c %s "$work/tree.json")
nodes=$(python3 -c 'import json,sys
def count(n): return 1 + sum(count(c) for c in n.get("children", []))
print(count(json.load(open(sys.argv[1]))["root"]))' "$work/tree.json")
echo "tree: $bytes bytes of JSON, $nodes nodes; first request ${cold} s (builds and caches), second ${warm} s"

run() {
    local label=$1
    local out
    local connections=$2; shift 2
    local t=$threads
    [ "$connections" -lt "$t" ] && t=$connections
    out=$(wrk -t"$t" -c"$connections" -d"${seconds}s" --timeout 10s --latency -H "$auth" "$@" "$url")
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    errors=$(awk '/Non-2xx or 3xx responses:/ { printf "non-2xx %s ", $NF } /Socket errors:/ { sub(/^ *Socket errors: */, ""); printf "socket errors: %s", $0 }' <<<"$out")
    printf '%-9s %3s conn  %8s req/s   p50 %-9s p99 %-9s %s\n' "$label" "$connections" "$rps" "$p50" "$p99" "$errors"
}
echo "wrk: up to $threads threads, ${seconds} s a run, loopback, $(nproc) cores shared with the server; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
last=16
for connections in $connection_list; do
    run identity "$connections"
    last=$connections
done
for encoding in ${ENCODINGS:-}; do
    run "$encoding" "$last" -H "Accept-Encoding: $encoding"
done
