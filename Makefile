# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
HOST ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev

.PHONY: run test install install-test migrate seed serve lint bench load load-scaleout messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[postgres,redis]"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[dev]"
	touch $@

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
# for the PostgreSQL table; DURATION in seconds; LOAD_ARGS e.g. "--users 10".
DURATION ?= 180
BENCH_POSTGRES_URL ?=
bench: install
	BENCH_POSTGRES_URL="$(BENCH_POSTGRES_URL)" $(PY) bench/run.py $(BENCH_ARGS)

load: install
	$(PY) bench/load.py single --duration $(DURATION) $(LOAD_ARGS)

load-scaleout: install
	$(PY) bench/load.py scaleout --duration $(DURATION) $(LOAD_ARGS)

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --no-location --ignore "$(VENV)/*" --ignore "staticfiles/*"
	$(PY) manage.py compilemessages --ignore "$(VENV)"

clean:
	rm -rf $(VENV) staticfiles
