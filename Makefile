# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKER_CONCURRENCY ?= 2

.PHONY: run test install migrate demo bench-ingest bench-table clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --host $(HOST) --port $(PORT)

# The web server and a real Celery worker process; Ctrl-C stops both.
run: demo
	@trap 'kill 0' INT TERM EXIT; \
	ARROW_DEFAULT_MEMORY_POOL=system $(VENV)/bin/celery -A webapp worker --loglevel=INFO --concurrency=$(WORKER_CONCURRENCY) & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench-ingest: install
	$(PY) bench/ingest.py

# Issue 16's table for Stepwise on a fresh PostgreSQL database (dropped and created) and Redis.
TRACES ?= 10000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/stepwise_table
BENCH_BROKER ?= redis://127.0.0.1:6379/13
bench-table: install
	$(PY) bench/compare_table.py --traces $(TRACES) --database-url $(BENCH_DATABASE_URL) --broker $(BENCH_BROKER)

clean:
	rm -rf $(VENV) var .pytest_cache
