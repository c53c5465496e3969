# SPDX-License-Identifier: MIT
# Clean Mobility Planner: `make run` serves the shipped commune, `make test` runs every test.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
SAMPLE := data/paris-10e/commune.json

.DEFAULT_GOAL := help
.PHONY: help install seed run test pytest lint format openapi bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Install the project and its tools into .venv (only when needed)

seed: install ## Load the shipped commune (Paris 10e) into the store, if absent
	$(BIN)/mobility commune load $(SAMPLE) --if-absent

run: seed ## Install, load the shipped commune and serve on http://127.0.0.1:8000
	$(BIN)/uvicorn api.main:app --host $(HOST) --port $(PORT)

test: install lint pytest ## Install, then run the linters and every test

pytest: install ## Run the test suite only
	$(BIN)/pytest -q

lint: install ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mobility api

format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: install ## Regenerate openapi/openapi.json from the app
	$(BIN)/python -m api.openapi openapi/openapi.json

clean: ## Remove the virtual environment and the embedded store
	rm -rf $(VENV) var/mobility.sqlite*
