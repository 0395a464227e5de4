# Chamber portal: every target uses only the project's own virtualenv (.venv).
PYTHON_SYSTEM ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# npm's record of what `npm ci` installed from package-lock.json (axe-core for the browser tests).
NODE_STAMP := node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run migrate setup test test-slow lint format bench screenshots clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON_SYSTEM) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The browser tests' front-end tools, at the versions and checksums in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

install: $(STAMP) $(NODE_STAMP) ## Create .venv and install the project with its dev tools

migrate: $(STAMP) ## Apply database migrations
	$(PY) manage.py migrate --noinput

setup: migrate ## Build the site (and demo content on a new database) and the admin user
	$(PY) manage.py setup_site --demo --demo-only-if-new
	$(PY) manage.py ensure_superuser

run: setup ## Set up (first time: with demo content) and serve http://127.0.0.1:8000
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) $(NODE_STAMP) ## Run the test suite (SQLite by default; set DATABASE_URL for PostgreSQL)
	$(PY) -m pytest $(PYTEST_ARGS)

test-slow: $(STAMP) $(NODE_STAMP) ## Run the slow tests too (deep fuzzing, large data)
	$(PY) -m pytest -m "slow or not slow" $(PYTEST_ARGS)

lint: $(STAMP) ## Check code style (ruff), the app layers (import-linter) and migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP) ## Reformat the code and apply safe lint fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP) ## Run the benchmarks under bench/ (see README)
	@set -e; for script in bench/*.py; do echo "== $$script"; $(PY) $$script; done

screenshots: $(STAMP) ## Save the README's screenshots (docs/screenshots/) of the demo, on a temporary database
	$(PY) docs/screenshots.py

clean: ## Remove the virtualenv, node_modules and caches (keeps the database and media)
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis
