# Tisser — every command a developer or CI needs. `make run` and `make test` work on a fresh
# clone with nothing installed by hand (Python >= 3.11 and, for the browser tests, apt or sudo).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# The first Python >= 3.11 found on the PATH, unless PYTHON=… is given.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for candidate in python3.13 python3.12 python3.11 python3; do \
	command -v $$candidate >/dev/null 2>&1 && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$candidate; break; }; done)
endif
PORT ?= 8000
# Written once the virtualenv holds the project and its dev tools; rebuilt when pyproject.toml changes.
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/tisser
# Beyond services and selectors, the modules that carry rules every app relies on.
TYPED_MODULES := tisser/referrals/transitions.py tisser/core/hooks.py tisser/core/clock.py \
	tisser/core/client_ip.py \
	tisser/core/scheduler.py tisser/core/ratelimit.py tisser/core/exports.py tisser/core/anonymous.py \
	tisser/notifications/caps.py tisser/notifications/kinds.py tisser/notifications/callbacks.py \
	tisser/sales/reporting.py tisser/sales/counter.py tisser/sales/returns.py tisser/sales/boxes.py \
	tisser/sales/cash.py tisser/sales/quotas.py tisser/offers/reservations.py \
	tisser/diagnostics/results.py tisser/diagnostics/reporting.py tisser/diagnostics/demo.py \
	tisser/diagnostics/timeline_events.py tisser/diagnostics/framework.py tisser/diagnostics/adaptive.py \
	tisser/diagnostics/paper.py tisser/learning/content.py tisser/learning/assignments.py \
	tisser/learning/reporting.py tisser/learning/follow_up.py tisser/learning/nudges.py tisser/diagnostics/next_steps.py \
	tisser/learning/diagnostic_steps.py
# Training: roll call, hours and signature sheets (issue 15, helper R).
TYPED_MODULES += tisser/training/roll_call.py tisser/training/hours.py tisser/training/sheets.py tisser/training/minutes.py
TYPED_MODULES += tisser/core/small_counts.py tisser/training/reporting.py tisser/training/dashboard.py
# Reporting roll-ups (issue 16, helper ENGINE).
TYPED_MODULES += tisser/reporting/rollups.py tisser/reporting/rollup_figures.py tisser/reporting/periods.py tisser/reporting/people_sets.py tisser/reporting/set_cache.py tisser/reporting/verify.py

# Reporting exports and PDF reports (issue 16, helper EXPORTS).
TYPED_MODULES += tisser/reporting/exports.py tisser/reporting/reports.py
# apt-get needs root: use sudo when we are not root and sudo is there.
SUDO := $(shell if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then echo sudo -n; fi)

# Production server (make serve): processes, address; the settings come from the environment.
WEB_CONCURRENCY ?= $(shell nproc 2>/dev/null || echo 2)
BIND ?= 127.0.0.1:$(PORT)

# The task worker (sends the queued messages) and the scheduler loop (periodic jobs, every
# minute), started in the background by `make run` and `make serve`; each recipe stops them
# (their pids are in $worker and $scheduler) with its web server.
START_WORKER_AND_SCHEDULER = $(MANAGE) db_worker --no-reload --interval 1 & worker=$$!; \
	( trap 'kill $$! 2>/dev/null; exit 0' TERM; \
	  while true; do $(MANAGE) run_due_jobs || true; sleep 60 & wait $$!; done ) & scheduler=$$!;

.PHONY: help run serve install test test-postgres quality lint format bench messages browser-deps pdf-deps clean

help:
	@echo "make run            installe si besoin, migre, charge la démo, affiche les comptes, sert sur 127.0.0.1:$(PORT)"
	@echo "                    et lance l'envoi des messages (SMS dans var/sms/, e-mails dans var/mail/)"
	@echo "                    et les tâches périodiques chaque minute (rappels, expirations)"
	@echo "make serve          production : collectstatic, migrate, gunicorn (WEB_CONCURRENCY processus, BIND)"
	@echo "                    + envoi des messages + tâches périodiques ; réglages config.settings.prod"
	@echo "                    (SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS : voir docs/operations.md)"
	@echo "make test           ruff (lint + format) puis toute la suite pytest sur SQLite, en parallèle"
	@echo "                    (un processus par cœur ; PYTEST_WORKERS=0 : un seul processus)"
	@echo "make test-postgres  la même suite sur PostgreSQL (DATABASE_URL, par défaut $(PG_URL))"
	@echo "make quality        lint + mypy sur services et selectors + makemigrations --check + fichiers d'exercices"
	@echo "make format         corrige le lint et formate le code"
	@echo "make messages       extrait et compile les traductions (gettext requis)"
	@echo "make bench          lance les benchmarks de benchmarks/"
	@echo "make browser-deps   installe Chromium (Debian) et axe-core (npm) pour les tests navigateur"
	@echo "make pdf-deps       installe Pango et des polices (Debian) pour les PDF (WeasyPrint)"
	@echo "make clean          supprime .venv, var/ et node_modules/"

$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
		if [ -z "$(PYTHON)" ]; then echo "ERREUR : Python >= 3.11 est requis (python3.11 ou plus récent introuvable)." >&2; exit 1; fi; \
		echo "==> Création de l'environnement virtuel $(VENV) avec $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@echo "==> Installation des dépendances (pyproject.toml)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# WeasyPrint draws PDFs with Pango (text layout) from the system, and needs fonts.
pdf-deps:
	@if ! dpkg -s libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null 2>&1; then \
		echo "==> Installation de Pango et des polices pour les PDF (apt-get)"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
			libharfbuzz-subset0 fonts-dejavu-core fontconfig; \
	fi

run: $(STAMP) pdf-deps
	@mkdir -p var
	@$(MANAGE) migrate --no-input -v 0
	@$(MANAGE) seed_demo --if-empty
	@$(MANAGE) demo_logins
	@echo "Tisser : http://127.0.0.1:$(PORT)/  (espace professionnel : http://127.0.0.1:$(PORT)/espace-pro/)"
	@echo "Messages : les SMS s'écrivent dans var/sms/, les e-mails dans var/mail/ (Ctrl-C arrête tout)."
	@# The task worker sends the queued messages and the scheduler loop runs the periodic jobs
	@# every minute (reminders, expiries); both run next to the web server and stop with it.
	@$(START_WORKER_AND_SCHEDULER) \
	trap 'kill -TERM $$worker $$scheduler 2>/dev/null || true; wait $$worker $$scheduler 2>/dev/null || true' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Production: gunicorn with config.settings.prod (it refuses to start without SECRET_KEY,
# DATABASE_URL, REDIS_URL and ALLOWED_HOSTS), the task worker and the scheduler loop beside
# it. Ctrl-C or TERM stops all three. Under systemd each runs as its own unit instead
# (docs/operations.md).
serve: export DJANGO_SETTINGS_MODULE = config.settings.prod
serve: export WEB_CONCURRENCY := $(WEB_CONCURRENCY)
serve: export BIND := $(BIND)
serve: $(STAMP) pdf-deps
	@mkdir -p var
	@$(MANAGE) collectstatic --no-input -v 0
	@$(MANAGE) migrate --no-input -v 0
	@echo "Tisser (production) : $(BIND), $(WEB_CONCURRENCY) processus web, 1 envoi de messages, tâches chaque minute."
	@$(START_WORKER_AND_SCHEDULER) \
	$(BIN)/gunicorn -c config/gunicorn.py & web=$$!; \
	trap 'kill -TERM $$web $$worker $$scheduler 2>/dev/null || true; wait $$web $$worker $$scheduler 2>/dev/null || true' EXIT INT TERM; \
	wait $$web

# Debian's Chromium for the browser tests, axe-core from npm (pinned in package-lock.json).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "==> Installation de Chromium (apt-get)"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
		if ! command -v npm >/dev/null 2>&1; then \
			echo "==> Installation de npm (apt-get)"; \
			$(SUDO) apt-get update -qq; \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; \
		fi; \
		echo "==> Installation d'axe-core (npm ci)"; \
		npm ci --no-audit --no-fund --silent; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite runs in parallel, one pytest-xdist worker per core (PYTEST_WORKERS=0: in this
# process, one test after the other). Each worker has its own test database (SQLite in memory,
# or test_<name>_gw0, _gw1… on PostgreSQL). "loadgroup" keeps the tests that share data built
# once per package (tests/core/security, tests/demo/shared: the xdist_group marks set in
# tests/conftest.py) on one worker, and hands out the others one by one.
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup

# The slowest tests are listed at the end, so that the CI's time can be watched.
test: $(STAMP) browser-deps pdf-deps lint
	$(BIN)/pytest $(PYTEST_PARALLEL) --durations=30

# Browser tests and tests that touch no database already ran in the SQLite pass.
test-postgres: $(STAMP) pdf-deps
	DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(BIN)/pytest $(PYTEST_PARALLEL) -m "not e2e and not db_independent" --durations=30

quality: lint
	$(BIN)/lint-imports
	$(BIN)/mypy $(wildcard tisser/*/services.py tisser/*/selectors.py) $(TYPED_MODULES)
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check_content

messages: $(STAMP)
	$(MANAGE) makemessages --locale fr --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*'
	$(MANAGE) compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

bench: $(STAMP)
	@scripts=$$(ls benchmarks/bench_*.py 2>/dev/null || true); \
	if [ -z "$$scripts" ]; then echo "Aucun benchmark pour l'instant (benchmarks/bench_*.py)."; exit 0; fi; \
	for script in $$scripts; do echo "==> $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) var node_modules
