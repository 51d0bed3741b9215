# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
HOST ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev

.PHONY: run test install install-test lock lock-check migrate seed serve lint bench bench-report load load-scaleout messages clean

# Installs come from the lock files (pinned, with hashes): requirements/production.txt
# (runtime + PostgreSQL, Redis, S3) and requirements/dev.txt (everything, for tests).
# They must match pyproject.toml: `make lock` regenerates them after a requirement changes.
LOCK_ARGS = --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

lock-check:
	@$(PYTHON) scripts/lock.py check

$(VENV)/.installed: pyproject.toml requirements/production.txt requirements/dev.txt
	@$(PYTHON) scripts/lock.py check
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements/production.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/dev.txt
	$(PIP) install --quiet --require-hashes -r requirements/dev.txt
	touch $@

lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet "pip-tools>=7.4,<8"
	$(PY) -m piptools compile $(LOCK_ARGS) --extra postgres --extra redis --extra s3 \
		-o requirements/production.txt pyproject.toml
	$(PY) -m piptools compile $(LOCK_ARGS) --extra postgres --extra redis --extra s3 --extra dev \
		-o requirements/dev.txt pyproject.toml
	$(PYTHON) scripts/lock.py stamp

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore "$(VENV)" -v 0 || echo "warning: install GNU gettext (msgfmt) for the Chinese interface"
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py setup_schedules

seed: migrate
	$(PY) manage.py seed_demo

# Web server and task worker together in the foreground; Ctrl-C stops both.
run: seed
	@PORT=$(PORT) HOST=$(HOST) PY=$(PY) bash scripts/run.sh

test: install-test
	$(PY) manage.py compilemessages --ignore "$(VENV)" -v 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .

# Benchmarks and load profiles (bench/README.md). Never part of `make test`.
# BENCH_ARGS e.g. "--quick"; BENCH_POSTGRES_URL a scratch PostgreSQL database (emptied)
# for the PostgreSQL table (with BENCH_REDIS_URL, a Redis database that is emptied, it runs
# on PostgreSQL + Redis as in production); DURATION in seconds; LOAD_ARGS e.g. "--users 10".
DURATION ?= 180
BENCH_POSTGRES_URL ?=
BENCH_REDIS_URL ?=
bench: install
	BENCH_POSTGRES_URL="$(BENCH_POSTGRES_URL)" BENCH_REDIS_URL="$(BENCH_REDIS_URL)" $(PY) bench/run.py $(BENCH_ARGS)

bench-report: install
	$(PY) bench/report_bench.py $(BENCH_ARGS)

load: install
	$(PY) bench/load.py single --duration $(DURATION) $(LOAD_ARGS)

load-scaleout: install
	$(PY) bench/load.py scaleout --duration $(DURATION) $(LOAD_ARGS)

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --no-location --ignore "$(VENV)/*" --ignore "staticfiles/*"
	$(PY) manage.py compilemessages --ignore "$(VENV)"

clean:
	rm -rf $(VENV) staticfiles
