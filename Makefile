# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run serve test test-quick lint install vendor db messages clean bench bench-quick bench-exports bench-evidence

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Front-end packages are copied from node_modules, never committed.
VENDOR := static/vendor/htmx.min.js static/vendor/htmx-ext-sse.min.js

static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

static/vendor/htmx-ext-sse.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx-ext-sse/dist/sse.min.js $@

# Each language's catalogue is compiled for the app to read; the compiled files are not committed.
CATALOGUES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@ -l $* | tail -1

install: $(VENV)/.installed $(VENDOR) $(COMPILED)

vendor: $(VENDOR)

# Migrate, load the outcome frameworks, and add demo data to an empty database.
db: install
	$(BIN)/flask db upgrade
	$(BIN)/flask outcomes load
	$(BIN)/flask demo load

run: db
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The production setup on this machine: nginx on 127.0.0.1:8080 in front of gunicorn for pages
# and votes and gunicorn for live streams, with Redis (deploy/serve.sh).
serve: db
	deploy/serve.sh

# Tests run in pytest-xdist workers, one per core (TEST_WORKERS=0: in one process); anything in
# PYTEST_ARGS is passed on.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST)

# The quick loop while developing: SQLite only, no browser, about a minute.
test-quick: install
	env -u TEST_DATABASE_URL -u TEST_REDIS_URL $(PYTEST) -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Collect every translatable string, and bring each language's catalogue up to date with it:
# new strings come in empty (or marked fuzzy, from a similar old one) for a translator to fill.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l --sort-by-file -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -w 100 --ignore-obsolete

# Build a large data set in the `bench` database and load the production setup (bench/).
bench: install
	$(BIN)/python -m bench.run

bench-quick: install
	$(BIN)/python -m bench.run --quick

# Peak memory of the evidence exports (CSV, XLSX) of 5,000 ideas and the coverage tables.
bench-exports: install
	$(BIN)/python -m bench.export_memory
# The coverage matrix and participation report on the bench data set (p50, p95, statements).
bench-evidence: install
	$(BIN)/python -m bench.evidence

clean:
	rm -rf $(VENV) node_modules static/vendor instance
