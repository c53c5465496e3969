# SPDX-License-Identifier: MIT
# Clean Mobility Planner: `make run` serves the shipped commune, `make test` runs every test.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
DURATION ?= 30
CONNECTIONS ?= 64
LOAD_CLIENT ?= auto
SAMPLE := data/paris-10e/commune.json
NPM ?= npm
WEB_STAMP := web/node_modules/.npm-ci-stamp
MAP_BUILT := api/static/map/index.html
WEB_SOURCES := web/build.mjs $(wildcard web/src/*)

.DEFAULT_GOAL := help
.PHONY: help install web seed run serve-prod test pytest lint format openapi bench clean bench-siting \
	bench-import bench-load bench-city bench-batch

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) web ## Install the project and its tools into .venv (only when needed)

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	@touch $(WEB_STAMP)

$(MAP_BUILT): $(WEB_STAMP) $(WEB_SOURCES)
	cd web && $(NPM) run --silent build

web: $(MAP_BUILT) ## Install the JS deps (npm ci), build /map's and /docs' assets into api/static

seed: install ## Load the shipped commune (Paris 10e) into the store, if absent
	$(BIN)/mobility commune load $(SAMPLE) --if-absent

run: seed web ## Install, load the shipped commune and serve on http://127.0.0.1:8000
	$(BIN)/uvicorn api.main:app --host $(HOST) --port $(PORT)

serve-prod: install web ## Serve with WORKERS processes (default 2) on MOBILITY_DATABASE_URL (PostGIS)
	$(BIN)/python -m api.server --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: install web lint pytest ## Install, then run the linters and every test

pytest: install ## Run the test suite only
	$(BIN)/pytest -q

lint: install ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mobility api scripts

format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: install ## Regenerate openapi/openapi.json from the app
	$(BIN)/python -m api.openapi openapi/openapi.json

bench: install ## Benchmark the distance engine (BENCH_ARGS=--quick for a 3-minute run)
	$(BIN)/python scripts/bench_coverage.py $(BENCH_ARGS)

clean: ## Remove the virtual environment, the embedded store and the map's built assets
	rm -rf $(VENV) var/mobility.sqlite* web/node_modules api/static/map api/static/docs

bench-siting: install ## Benchmark the siting solvers vs spopt and PuLP+CBC (BENCH_ARGS=--quick)
	$(BIN)/python scripts/bench_siting.py $(BENCH_ARGS)

bench-import: install ## Benchmark IRVE imports, the national file cut to one commune, a commune from a regional PBF (BENCH_ARGS=--quick)
	$(BIN)/python scripts/bench_import.py $(BENCH_ARGS)

bench-load: install ## HTTP load on 1/2/4 workers, by wrk if installed (DURATION, CONNECTIONS, BENCH_POSTGIS_URL=postgresql://...)
	@command -v wrk >/dev/null && echo "bench-load: loading with $$(command -v wrk)" \
		|| echo "bench-load: wrk not found (apt-get install wrk): the asyncio client makes the load"
	$(BIN)/python scripts/bench_load.py --duration $(DURATION) --connections $(CONNECTIONS) \
		--client $(LOAD_CLIENT) $(if $(BENCH_POSTGIS_URL),--postgis-url $(BENCH_POSTGIS_URL)) $(BENCH_ARGS)

bench-city: install ## Paris as one commune through HTTP: first and warm answers, floor, ratios, peak RSS
	$(BIN)/python scripts/bench_city.py $(BENCH_ARGS)

bench-batch: install ## The 20 Paris arrondissements in one batch: 1 vs 2 workers, vs a plain loop, cost split
	$(BIN)/python scripts/bench_batch.py $(BENCH_ARGS)
