# Catálogo de Gestión Pública Distrital — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help run test test-sqlite lint demo bench mutation translations clean

help:  ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,server]'
	touch $(STAMP)

PORT ?= 5000
RUN_STAMP := $(VENV)/.installed-run

$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[server]'
	touch $(RUN_STAMP)

run: $(RUN_STAMP)  ## serve the catalog with demo content on SQLite (make run PORT=5400; default 5000)
	CATALOG_BASE_URI=$${CATALOG_BASE_URI:-http://localhost:$(PORT)} $(VENV)/bin/catalog demo
	CATALOG_BASE_URI=$${CATALOG_BASE_URI:-http://localhost:$(PORT)} $(VENV)/bin/catalog run --port $(PORT)

test: $(STAMP)  ## the whole suite, on SQLite then PostgreSQL
	./.ci/test-suite

test-sqlite: $(STAMP)  ## the suite on SQLite only (quick)
	CATALOG_TEST_DB=sqlite $(PY) -m pytest -n 2

lint: $(STAMP)  ## ruff, mypy and the import walls
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check catalog tests benchmarks
	$(VENV)/bin/ruff format --check catalog tests benchmarks
	$(VENV)/bin/mypy catalog

demo: $(STAMP)  ## create the schema and load the demo district
	$(VENV)/bin/catalog demo

bench: $(STAMP)  ## performance benchmarks (prints numbers and ratios)
	$(PY) -m benchmarks.run

mutation: $(STAMP)  ## mutation check of the trust rules (mutmut; about an hour on 2 cores)
	rm -rf mutants
	T=$$(mktemp -d) && CATALOG_TEST_DB=sqlite CATALOG_TEST_TEMPLATES=$$T \
		$(VENV)/bin/mutmut run --max-children 2; rm -rf $$T
	$(PY) docs/mutation_report.py   # writes docs/mutation.md: counts and a reason per survivor

translations: $(STAMP)  ## extract page texts, update the English catalog, compile the .mo
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file \
		--project "Catálogo de Gestión Pública Distrital" -o catalog/translations/messages.pot .
	$(VENV)/bin/pybabel update -i catalog/translations/messages.pot -d catalog/translations \
		--no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d catalog/translations --statistics

clean:  ## remove the virtualenv and local data
	rm -rf $(VENV) instance
