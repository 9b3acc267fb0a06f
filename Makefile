# Two commands on a fresh machine: `make run` serves the site, `make test` runs the suite.
# Both set up what is missing (virtualenv, packages, database) and skip what is done.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Development defaults; real deployments set these in their environment instead.
DEV_ENV := DJANGO_DEBUG=true
TEST_ENV := DJANGO_SECRET_KEY=tests-only-not-a-secret DJANGO_DEBUG=false DJANGO_SECURE=false

.PHONY: run test lint format bench setup deps dev-deps db clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files make re-runs skip installs until a requirements file changes.
$(VENV)/.deps: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/.deps
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Test-only front-end tools (axe-core for the accessibility checks), in this checkout.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

db: deps
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py createcachetable
	$(DEV_ENV) $(PY) manage.py fieldreports sync
	$(DEV_ENV) $(PY) manage.py lessons check

setup: db

run: setup
	$(DEV_ENV) $(PY) manage.py sandbox devserver $(HOST):$(PORT)

test: dev-deps node_modules/.package-lock.json
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: dev-deps
	$(TEST_ENV) $(PY) -m bench $(BENCH)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
