#!/usr/bin/env bash
# The scaled topology of docker-compose.yml, as local processes on this machine: two
# `codevoyage serve` instances (A and B, on two ports, with data folders of their own) and N
# `codevoyage worker` processes sharing a fresh PostgreSQL database, the local Redis and the
# token secrets. Then analyses end to end through the API: log in on A as a user made with the
# CLI and use that token on B too, register one repository through each instance, start its
# analysis there, poll it through the other one until it succeeds, read both cities from
# both instances, and check that the workers (not serve) ran them and the metrics saw it.
#
#   bash scripts/local-topology.sh            # build, start, check, stop, clean up
#   WORKERS=1 bash scripts/local-topology.sh
#   KEEP=1 bash scripts/local-topology.sh     # leave it running (prints how to stop it)
#
# Environment: CODEVOYAGE_BIN (default: cargo build, then target/debug/codevoyage),
# PG_URL (a PostgreSQL server where this user may create databases; default
# postgres://postgres@127.0.0.1:5432), REDIS_URL (default redis://127.0.0.1:6379/3, a
# database number of its own), WORKERS (default 3, as in docker-compose.yml), TIMEOUT seconds per analysis (default 300).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/3}"
WORKERS="${WORKERS:-3}"
TIMEOUT="${TIMEOUT:-300}"
KEEP="${KEEP:-}"

say() { printf '\033[1m[topology]\033[0m %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
for tool in curl jq psql git python3; do
  command -v "$tool" >/dev/null || fail "$tool is needed (apt-get install $tool)"
done

if [ -z "${CODEVOYAGE_BIN:-}" ]; then
  say "building codevoyage (cargo build -p codevoyage)"
  cargo build -q -p codevoyage
  CODEVOYAGE_BIN="$PWD/target/debug/codevoyage"
fi
[ -x "$CODEVOYAGE_BIN" ] || fail "no executable at $CODEVOYAGE_BIN"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

run_id="$(date +%s)_$$"
db="cv_topology_${run_id}"
work="$(mktemp -d -t codevoyage-topology.XXXXXX)"
pids=()

cleanup() {
  local status=$?
  if [ -n "$KEEP" ] && [ "$status" -eq 0 ]; then
    say "left running: pids ${pids[*]}; stop with: kill ${pids[*]}; then: psql $PG_URL/postgres -c 'DROP DATABASE $db WITH (FORCE)'; logs in $work"
    return
  fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ]; then
    say "logs kept in $work"
    for log in "$work"/*.log; do
      [ -f "$log" ] || continue
      echo "----- $(basename "$log") (last 30 lines)" >&2
      tail -n 30 "$log" >&2
    done
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

say "fresh database $db on $PG_URL; Redis $REDIS_URL (queue $db)"
psql -q "$PG_URL/postgres" -c "CREATE DATABASE $db" >/dev/null \
  || fail "cannot create a database on $PG_URL (is PostgreSQL running? set PG_URL)"
redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 \
  || fail "Redis does not answer at $REDIS_URL (is it running? set REDIS_URL)"

# Two small repositories with pinned authors and dates, under the allowed root.
make_repo() {
  local dir="$work/repos/$1" n="$2"
  mkdir -p "$dir"
  git -C "$dir" init -q -b main
  for i in $(seq 1 "$n"); do
    mkdir -p "$dir/src/part$((i % 3))"
    printf 'def f%s(x):\n    if x > %s:\n        return x\n    return -x\n' "$i" "$i" > "$dir/src/part$((i % 3))/m$i.py"
    git -C "$dir" add -A
    GIT_AUTHOR_DATE="2024-01-0${i:0:1}T10:00:00Z" GIT_COMMITTER_DATE="2024-01-0${i:0:1}T10:00:00Z" \
      git -C "$dir" -c user.name="Dev $((i % 2))" -c user.email="dev$((i % 2))@example.com" \
      commit -q -m "change $i"
  done
}
make_repo alpha 6
make_repo beta 4

export CODEVOYAGE_DATABASE_URL="$PG_URL/$db"
export CODEVOYAGE_REDIS_URL="$REDIS_URL"
export CODEVOYAGE_QUEUE_NAME="$db"
export CODEVOYAGE_JWT_SECRETS
CODEVOYAGE_JWT_SECRETS="$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')"
export CODEVOYAGE_LOG_FORMAT=json
export CODEVOYAGE_LOG=info

password="topology-$(head -c 12 /dev/urandom | base64 | tr -d '\n=+/')"
say "creating the admin user with the CLI"
printf '%s\n' "$password" | "$CODEVOYAGE_BIN" user add admin --role admin --data-dir "$work/cli" \
  > "$work/user.log" 2>&1 || fail "codevoyage user add failed (see user.log)"

declare -A port metrics_port
for s in a b; do
  port[$s]="$(free_port)"
  metrics_port[$s]="$(free_port)"
  say "starting serve-$s on 127.0.0.1:${port[$s]} (metrics on 127.0.0.1:${metrics_port[$s]})"
  CODEVOYAGE_METRICS_LISTEN="127.0.0.1:${metrics_port[$s]}" \
    "$CODEVOYAGE_BIN" serve --listen "127.0.0.1:${port[$s]}" --data-dir "$work/serve-$s" \
    --allowed-root "$work/repos" > "$work/serve-$s.log" 2>&1 &
  pids+=($!)
done
say "starting $WORKERS workers"
for i in $(seq 1 "$WORKERS"); do
  CODEVOYAGE_ALLOWED_ROOTS="$work/repos" \
    "$CODEVOYAGE_BIN" worker --name "topology-worker-$i" --data-dir "$work/worker-$i" \
    > "$work/worker-$i.log" 2>&1 &
  pids+=($!)
done

for s in a b; do
  base="http://127.0.0.1:${port[$s]}"
  for _ in $(seq 1 120); do
    if curl -fsS "$base/readyz" >/dev/null 2>&1; then break; fi
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || fail "process $pid exited early"; done
    sleep 0.5
  done
  curl -fsS "$base/readyz" >/dev/null || fail "serve-$s never became ready ($base/readyz)"
  say "serve-$s ready: $(curl -fsS "$base/readyz")"
done

# Which instance the next request goes to: A or B.
use() { base="http://127.0.0.1:${port[$1]}"; on="$1"; }

api() { # METHOD PATH [JSON] -> sets $status and $body
  local method="$1" path="$2" data="${3:-}"
  status="$(curl -sS -o "$work/body" -w '%{http_code}' -X "$method" \
    -H "authorization: Bearer ${token:-}" -H 'content-type: application/json' \
    -H "x-request-id: topology-$run_id" \
    ${data:+--data "$data"} "$base$path")"
  body="$(cat "$work/body")"
}

token=""
use a
api POST /api/v1/auth/login "{\"username\":\"admin\",\"password\":\"$password\"}"
login="$body"
[ "$status" = 200 ] || fail "login on serve-a answered $status: $login"
token="$(jq -r .access_token <<<"$login")"
say "logged in as admin on serve-a (token expires in $(jq -r .expires_in <<<"$login") s)"
use b
api GET /api/v1/repositories
[ "$status" = 200 ] || fail "serve-b refused serve-a's token ($status: $body): do they share CODEVOYAGE_JWT_SECRETS?"
say "serve-b accepts the token issued by serve-a"

# alpha goes through A and is watched through B; beta the other way round.
declare -A via=([alpha]=a [beta]=b) other=([a]=b [b]=a)
analyses=()
repos=()
watch=()
for name in alpha beta; do
  use "${via[$name]}"
  api POST /api/v1/repositories "{\"source\":\"$work/repos/$name\",\"visibility\":\"shared\"}"
  repo="$body"
  [ "$status" = 201 ] || fail "registering $name answered $status: $repo"
  rid="$(jq -r .id <<<"$repo")"
  api POST "/api/v1/repositories/$rid/analyses"
  started="$body"
  [ "$status" = 202 ] || fail "starting the analysis of $name answered $status: $started"
  [ "$(jq -r .status <<<"$started")" = queued ] || fail "a new analysis should be queued: $started"
  repos+=("$rid")
  analyses+=("$(jq -r .id <<<"$started")")
  watch+=("${other[${via[$name]}]}")
  say "repository $name = $rid, analysis $(jq -r .id <<<"$started") queued through serve-${via[$name]}"
done

deadline=$((SECONDS + TIMEOUT))
for i in "${!analyses[@]}"; do
  aid="${analyses[$i]}"
  use "${watch[$i]}"
  while :; do
    api GET "/api/v1/analyses/$aid"
    a="$body"
    [ "$status" = 200 ] || fail "GET /api/v1/analyses/$aid on serve-$on answered $status: $a"
    case "$(jq -r .status <<<"$a")" in
      succeeded) say "analysis $aid succeeded (seen through serve-$on): $(jq -c '{stage, progress}' <<<"$a")"; break ;;
      failed|cancelled) fail "analysis $aid ended: $a" ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || fail "analysis $aid not done after ${TIMEOUT}s: $a"
    sleep 1
  done
done

for rid in "${repos[@]}"; do
  declare -A seen=()
  for s in a b; do
    use "$s"
    api GET "/api/v1/repositories/$rid/tree"
    tree="$body"
    [ "$status" = 200 ] || fail "the city of repository $rid on serve-$s answered $status"
    files="$(jq '[.. | objects | select(has("path") and (has("children") | not))] | length' <<<"$tree")"
    api GET "/api/v1/repositories/$rid"
    r="$body"
    [ "$status" = 200 ] || fail "repository $rid on serve-$s answered $status: $r"
    seen[$s]="$(jq -c '{id, name, total_commits, total_contributors, last_analyzed_at}' <<<"$r") $files files"
    [ "$(jq -r .total_commits <<<"$r")" -gt 0 ] || fail "repository $rid has no commits stored"
  done
  [ "${seen[a]}" = "${seen[b]}" ] || fail "serve-a and serve-b disagree on repository $rid: ${seen[a]} / ${seen[b]}"
  say "repository $rid, the same on both instances: ${seen[a]}"
done

# Who ran the jobs: the workers' logs name the analyses they took; serve runs none.
ran=0
for i in $(seq 1 "$WORKERS"); do
  n="$(grep -c '"analysis_id"\|analysis_id=' "$work/worker-$i.log" || true)"
  say "worker $i log lines about analyses: $n"
  [ "$n" -gt 0 ] && ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || fail "no worker log mentions an analysis"
for s in a b; do
  if grep -q 'analysis workers ready' "$work/serve-$s.log"; then
    fail "serve-$s started its own local workers; it should be in scaled mode"
  fi
  # Each instance queued one of the two analyses.
  metrics="$(curl -fsS "http://127.0.0.1:${metrics_port[$s]}/metrics")"
  grep -q '^codevoyage_http_requests_total{method="POST",route="/api/v1/repositories/{id}/analyses",status="202"} 1' <<<"$metrics" \
    || fail "the metrics of serve-$s do not count its POST .../analyses: $(grep analyses <<<"$metrics" | head -5)"
  say "serve-$s metrics: $(grep -E '^codevoyage_(queue_jobs|analyses_finished_total)' <<<"$metrics" | tr '\n' ' ')"
  grep -q "topology-$run_id" "$work/serve-$s.log" || fail "serve-$s's log does not carry the request id"
done
carried="$(grep -l "topology-$run_id" "$work"/worker-*.log | wc -l)"
[ "$carried" -gt 0 ] || fail "no worker log carries the request id of the POST that queued its job"
say "request id topology-$run_id found in both serve logs and in $carried worker logs"

say "OK: 2 serve instances + $WORKERS workers on PostgreSQL ($db) and Redis analysed ${#analyses[@]} repositories end to end"
