# Masthead: `make run` (set up everything and serve) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev

.PHONY: help venv run test test-postgres lint bench bench-import clean

help:
	@echo "make run    - create .venv, install, migrate, import demo posts, create admin, serve on 127.0.0.1:$(PORT)"
	@echo "make test   - run the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)"
	@echo "make lint   - ruff check"
	@echo "make bench-import - import ../shared/corpus cycled to 10,000 posts into a fresh database (SQLite, or DATABASE_URL)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || { py=$$(scripts/find-python) && echo "Using $$py" && $$py -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_markdown demo/posts
	$(PY) manage.py ensure_superuser
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest

test-postgres: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/masthead} $(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .

bench: bench-import

bench-import: venv
	$(PY) bench/import_bench.py

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache
