# Tisser — every command a developer or CI needs. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/tisser

.PHONY: run install test test-postgres quality lint format bench messages browser-deps clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo --if-empty
	@$(MANAGE) demo_logins
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests, axe-core from npm (pinned in package-lock.json).
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(STAMP) browser-deps lint
	$(BIN)/pytest

test-postgres: $(STAMP) browser-deps
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest

quality: lint
	$(BIN)/mypy tisser/*/services.py tisser/*/selectors.py
	$(MANAGE) makemigrations --check --dry-run

messages: $(STAMP)
	$(MANAGE) makemessages --locale fr --ignore '.venv/*' --ignore 'node_modules/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

bench: $(STAMP)
	@test -d benchmarks && ls benchmarks/*.py >/dev/null 2>&1 || { echo "No benchmark yet."; exit 0; }
	@for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var node_modules
