# Townhall: `make demo` runs the platform with demo data, `make test` runs the tests.
# Needs only Python 3.11 and make; everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python -m townhall
ADDR ?= 127.0.0.1:8000
# Test processes (pytest-xdist): one per core. TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto
# The tests write bytecode even where the environment says not to (PYTHONDONTWRITEBYTECODE):
# without it every test process, and every process a test starts, compiles Townhall's
# modules and pytest rewrites every test module again (about 3 s of processor time each).
TEST_ENV := PYTHONDONTWRITEBYTECODE=

.PHONY: demo test lint format e2e bench migrations messages clean help

help:
	@echo "make demo   run Townhall with demo data at http://$(ADDR)/"
	@echo "make test   run the whole test suite (lint, migrations check, tests)"
	@echo "make lint   ruff and the import-layer contract"
	@echo "make e2e    only the browser tests (needs Debian's chromium)"
	@echo "make bench  the benchmarks in bench/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.base-installed requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

var:
	mkdir -p var

demo: $(VENV)/.base-installed var
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) run_demo --addr $(ADDR)

# lint-imports with src first checks this checkout's code, even with a .venv shared
# by several checkouts (it would otherwise check the one the venv was installed from).
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src bench tools manage.py
	PYTHONPATH=src $(BIN)/lint-imports
	PYTHONPATH=src $(BIN)/python tools/import_loops.py

test: lint var
	$(MANAGE) makemigrations --check --dry-run -v 1
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS)

e2e: $(VENV)/.dev-installed var
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) -m browser

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix src bench tools
	$(BIN)/ruff format src bench tools

migrations: $(VENV)/.base-installed
	$(MANAGE) makemigrations

# Needs GNU gettext. The compiled .mo files are committed, so `make demo` does not.
# French gets its no-break spaces before ":" ";" "?" "!" (tools/french_spacing.py).
messages: $(VENV)/.dev-installed
	cd src/townhall && ../../$(BIN)/python -m townhall makemessages -l nl -l fr --ignore 'tests/*' --ignore '*/tests/*' --no-obsolete
	$(BIN)/python tools/french_spacing.py src/townhall/locale/fr/LC_MESSAGES/django.po
	cd src/townhall && ../../$(BIN)/python -m townhall compilemessages

bench: $(VENV)/.dev-installed
	@echo "Benchmarks: see bench/README.md"

clean:
	rm -rf var/townhall.sqlite3* var/test.sqlite3*
