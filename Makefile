# CodeVoyage: the two commands a newcomer needs.
#
#   make serve   build everything (web UI included), analyse this repository, start the server
#   make test    run every test (Rust, front end, browser)
#
# Both work on a fresh Debian machine with Rust, Node 20 and npm.

SHELL := /bin/bash
CARGO ?= cargo
NPM ?= npm
# The repository `make serve` analyses before starting, so the first page shows a city.
REPO ?= .
# Extra flags for `codevoyage serve`, e.g. SERVE_FLAGS="--listen 0.0.0.0:8080".
SERVE_FLAGS ?=

.PHONY: serve test web web-deps release test-rust test-web test-ui test-deploy lint

serve: release
	./target/release/codevoyage analyze $(REPO)
	./target/release/codevoyage serve $(SERVE_FLAGS)

release: web
	$(CARGO) build --release --locked -p codevoyage

web-deps:
	$(NPM) ci --prefix web --no-audit --no-fund

web: web-deps
	$(NPM) run build --prefix web
	$(NPM) run build:export --prefix web

test: web lint test-rust test-web test-ui test-deploy

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

test-rust:
	$(CARGO) test --workspace --locked

test-web:
	$(NPM) test --prefix web

test-ui:
	bash scripts/ui-smoke.sh

# The Prometheus alert rules in deploy/ fire on the series CodeVoyage exports (promtool comes
# from Debian's `prometheus` package; .ci/run installs it).
test-deploy:
	@if command -v promtool >/dev/null; then \
	  promtool check rules deploy/prometheus/alerts.yml && \
	  (cd deploy/prometheus && promtool test rules alerts_test.yml); \
	else \
	  echo "skipping the alert-rule tests: promtool not found (apt-get install prometheus)"; \
	fi
