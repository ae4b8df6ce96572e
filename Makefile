# Jishi — two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
WORKERS ?= 2

.PHONY: run check test test-sqlite test-postgres lint bench demo-city clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

## make run: install, migrate, load the demo city if empty, serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/jishi migrate --noinput
	$(BIN)/jishi demo --scale small --if-empty
	$(BIN)/jishi collectstatic --noinput -v 0
	$(BIN)/jishi demo-logins
	$(BIN)/jishi serve --host 127.0.0.1 --port 8000 --workers $(WORKERS)

## make check: the everyday loop — lint, migration check and every test not marked slow (demo city,
## reliability/SIGKILL, browser, fuzzing, bench smoke) on SQLite with 2 processes
check: $(STAMP) lint
	env -u JISHI_DATABASE_URL $(BIN)/jishi makemigrations --check --dry-run
	env -u JISHI_DATABASE_URL $(BIN)/pytest -n 2 -m "not slow" $(PYTEST_ARGS)

## make test: lint, migration check, every test on SQLite, and on PostgreSQL when JISHI_DATABASE_URL is set
test: $(STAMP) lint
	env -u JISHI_DATABASE_URL $(BIN)/jishi makemigrations --check --dry-run
	$(MAKE) test-sqlite
	@if [ -n "$$JISHI_DATABASE_URL" ]; then $(MAKE) test-postgres; else echo "JISHI_DATABASE_URL not set: PostgreSQL pass skipped"; fi

test-sqlite: $(STAMP)
	env -u JISHI_DATABASE_URL $(BIN)/pytest -n 2 $(PYTEST_ARGS)

## the PostgreSQL pass runs every test but the browser walks (they drive pages, not the database, and run on SQLite)
## and the per-role API fuzz (marked sqlite_pass: the admin's fuzz of every endpoint runs on both databases)
test-postgres: $(STAMP)
	$(BIN)/pytest -n 2 -m "not browser and not sqlite_pass" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

## make bench: benchmarks that print ratios against baselines measured in the same run
bench: $(STAMP)
	$(BIN)/python -m bench

demo-city: $(STAMP)
	$(BIN)/jishi migrate --noinput
	$(BIN)/jishi demo --scale city

clean:
	rm -rf $(VENV) var/static
