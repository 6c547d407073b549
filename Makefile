# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKER_CONCURRENCY ?= 2

.PHONY: run test install migrate demo bench-ingest clean

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
	ARROW_DEFAULT_MEMORY_POOL=system $(VENV)/bin/celery -A webapp worker -Q celery,learning --loglevel=INFO --concurrency=$(WORKER_CONCURRENCY) & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench-ingest: install
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) var .pytest_cache
