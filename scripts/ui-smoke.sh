#!/usr/bin/env bash
# Browser smoke test: analyse a fixture repository, start a real `codevoyage serve`, and drive
# Debian's Chromium through the UI (login form, repository list, city renders, a building's
# details, logout).
#
# Without Chromium (a developer machine) it skips with a message; under CI=true it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ui-smoke: $chromium is missing; .ci/run installs it with apt-get install chromium" >&2
    exit 1
  fi
  echo "ui-smoke: skipped: Chromium not found at $chromium (apt-get install chromium, or set CHROMIUM_PATH)"
  exit 0
fi

# The same build as `cargo test --workspace` (same features), so nothing is compiled twice.
cargo test --workspace --locked --no-run -q
bin=target/debug/codevoyage
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The basic fixture with lightweight and annotated tags: the timeline draws them as markers, and
# a link at a tagged older revision opens time travel.
bash crates/codevoyage-testkit/fixtures/tags.sh "$work/demo" >/dev/null
"$bin" analyze "$work/demo" --data-dir "$work/data" >/dev/null
# A second fixture, not analysed: the smoke test adds it through the UI and analyses it there.
bash crates/codevoyage-testkit/fixtures/basic.sh "$work/fresh" >/dev/null
fresh=$(realpath "$work/fresh")
# Every page needs a login: an analyst made with the CLI logs in through the login form (an
# analyst, so the list page offers adding and analysing repositories).
smoke_password="smoke-$RANDOM-$RANDOM-password"
printf '%s\n' "$smoke_password" | "$bin" user add smoke --role analyst --data-dir "$work/data"

# Pick a free port by binding port 0 through the server itself is not possible here, so try a
# few random high ports.
for _ in 1 2 3 4 5; do
  port=$(( 20000 + RANDOM % 20000 ))
  "$bin" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --allowed-root "$fresh" 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 1 50); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break 2; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  kill "$server_pid" 2>/dev/null || true
  server_pid=""
done
if [ -z "$server_pid" ]; then
  echo "ui-smoke: the server did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi

CODEVOYAGE_ARTIFACTS="$PWD/target/ui-artifacts" CODEVOYAGE_URL="http://127.0.0.1:$port" CODEVOYAGE_USER=smoke CODEVOYAGE_PASSWORD="$smoke_password" \
  CODEVOYAGE_ADD_PATH="$fresh" CHROMIUM_PATH="$chromium" node web/e2e/smoke.mjs
"$bin" export "$work/demo" --data-dir "$work/data" --output "$work/city.html"; CODEVOYAGE_ARTIFACTS="$PWD/target/ui-artifacts" CODEVOYAGE_EXPORT="$work/city.html" CHROMIUM_PATH="$chromium" node web/e2e/export.mjs
echo "ui-smoke: 1 passed, 0 failed"
