# remon: the two commands are `make run` (the service, embedded default) and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast install services services-stop lint typecheck bench clean

$(BIN)/remon: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(BIN)/remon

install: $(BIN)/remon

run: install
	$(BIN)/remon init
	$(BIN)/remon run

services:
	bash scripts/test-services.sh

# `make test` leaves its PostgreSQL (127.0.0.1:55432) running for the next run; this stops it.
services-stop:
	bash scripts/test-services.sh stop

# Everything, on every core (pytest-xdist; every test takes its own ports, databases and folders).
# `make test PYTEST_WORKERS=0` runs it serially. The longest tests are collected first
# (tests/conftest.py) and `--dist worksteal` lets a core that ran out of work take tests queued on
# the other, so no long system test is left waiting behind another at the end of the run.
PYTEST_WORKERS ?= auto
PYTEST_DIST ?= $(if $(filter 0,$(PYTEST_WORKERS)),,--dist worksteal)

test: install services
	. scripts/test-env.sh && $(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) $(PYTEST_DIST) $(PYTEST_ARGS)

# The unit tier: everything but the system tests (remon binary, worker processes, servers, Chromium),
# on every core. Under two minutes on a 2-core machine; `make test` still runs everything.
test-fast: install services
	. scripts/test-env.sh && $(BIN)/pytest -p no:cacheprovider -m "not system" -n auto --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check worker storage tasks remon tests bench

typecheck: install
	$(BIN)/mypy

bench: install services
	. scripts/test-env.sh && $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache
