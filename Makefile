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

# The web server, a real Celery worker process (consuming every queue) and beat (the
# reaper's schedule), started by a launcher (webapp/run.py) that
# passes one Ctrl-C on to each and kills what is still running after a grace period.
run: demo
	exec $(PY) -m webapp.run --host $(HOST) --port $(PORT) --concurrency $(WORKER_CONCURRENCY)

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
