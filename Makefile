# Two commands do all the set-up (see README):
#   make run    install, migrate, load the demo data, serve on http://$(HOST):$(PORT) with the
#               job queue's consumer next to gunicorn (web uploads are checked and imported there)
#   make test   install (test tools and Debian's Chromium included), lint, run every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test install install-test chromium lint serve db demo bench bench-import clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test chromium

# Browser tests drive Debian's Chromium; never a browser downloaded by a test tool.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'apt-get install chromium' as root for the browser tests."; \
	  fi; \
	fi

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

run: demo
	@echo "Peace Process Tracker: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	scripts/serve.sh $(BIN) $(HOST):$(PORT) $(WORKERS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The figures of issue 13 against their anchors (BENCH_ARGS="--rows 1000000 --database-url ...").
# Datasette, an anchor, lives in its own virtualenv so it never touches the app's packages.
BENCH_VENV := .bench-venv

$(BENCH_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.installed-test $(BENCH_VENV)/.installed
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# 100,000 ACLED rows imported, then re-imported (BENCH_ARGS="--database-url postgresql://...").
bench-import: install
	$(BIN)/python scripts/bench_import.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
