# Masthead: `make run` (set up everything and serve) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev

.PHONY: help venv node run serve test test-postgres lint bench bench-import bench-search bench-http loadtest clean

help:
	@echo "make run    - create .venv, install, migrate, import demo posts, create admin, serve on 127.0.0.1:$(PORT) with the task worker"
	@echo "make serve  - production server: collectstatic, then gunicorn on 127.0.0.1:$(PORT) with the task worker (needs DJANGO_SECRET_KEY)"
	@echo "make test   - run the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)"
	@echo "make lint   - ruff check"
	@echo "make bench  - all benchmarks: reader pages (deep pagination over 100,000 articles) and bench-import"
	@echo "make bench-import - import ../shared/corpus cycled to 10,000 posts into a fresh database (SQLite, or DATABASE_URL)"
	@echo "make bench-search - search over 100,000 articles built from ../shared/corpus on PostgreSQL (DATABASE_URL)"
	@echo "make bench-http - requests/s of reader pages under make serve, page cache off and on, against a bare Django floor"
	@echo "make loadtest - 60 s at 50 connections, then a PostgreSQL restart in the middle of a second run"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || { py=$$(scripts/find-python) && echo "Using $$py" && $$py -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# The HTML checker (vnu-jar, run with the machine's Java) and axe-core the suite uses, pinned by
# package-lock.json. --ignore-scripts: vnu-jar's optional postinstall would try to fetch a JRE.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required (node >= 18) for the HTML and accessibility checks" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

venv: $(VENV)/.installed

node: node_modules/.installed

run: export MASTHEAD_SITE_URL ?= http://127.0.0.1:$(PORT)
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_markdown demo/posts
	$(PY) manage.py ensure_superuser
	@# The background worker (webhook deliveries, Django's tasks framework) runs beside the
	@# server and stops with it.
	$(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production serving: static files collected (hashed, compressed) for WhiteNoise, then gunicorn
# with cms/gunicorn.conf.py (WORKERS, THREADS, PORT ...). Migrations are a deploy step of their
# own (manage.py migrate), not run by every instance that starts.
serve: export DJANGO_SETTINGS_MODULE = cms.settings.production
serve: venv
	$(PY) manage.py collectstatic --noinput -v0
	@# The task worker (webhook deliveries) runs beside gunicorn and stops with it;
	@# SERVE_WORKER=0 when workers run as a service of their own (several app instances).
	if [ "$${SERVE_WORKER:-1}" != 0 ]; then \
	  $(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT; \
	fi; \
	PORT=$(PORT) $(VENV)/bin/gunicorn -c cms/gunicorn.conf.py cms.wsgi

# The suite runs on its own settings, whatever DJANGO_SETTINGS_MODULE says (dev by default here).
test: venv node
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest

test-postgres: venv node
	DJANGO_SETTINGS_MODULE=cms.settings.test DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/masthead} $(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .

# Benchmarks print figures; they are not tests. BENCH_ARTICLES=100000 by default.
bench: venv bench-import
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) bench/pagination.py

bench-import: venv
	$(PY) bench/import_bench.py

# Search over 100,000 articles from the corpus, on PostgreSQL (DATABASE_URL names the server;
# the bench makes and drops its own <name>_searchbench database).
bench-search: venv
	$(PY) bench/search_bench.py

# Reader pages over HTTP (wrk, installed from Debian when missing), against PostgreSQL
# (DATABASE_URL, or a local server on 127.0.0.1:5432) and a Redis of its own.
bench-http: venv
	@command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
	$(PY) bench/http_bench.py

# Load and fault test: its own PostgreSQL (restarted half-way through phase 2) and Redis.
loadtest: venv
	@command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
	$(PY) bench/loadtest.py

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles .pytest_cache
