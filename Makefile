# The map of the project: `make run`, `make test`, `make lint`, `make bench`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= $(or $(MEDSEARCH_INDEX),index)
HOST ?= $(or $(MEDSEARCH_HOST),127.0.0.1)
PORT ?= $(or $(MEDSEARCH_PORT),8000)
# The browser tests use Debian's Chromium (apt-get install chromium); Playwright downloads none.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run serve index test soak lint format bench clean

# The virtual environment is re-made only when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) on PATH (or: make PYTHON=python3)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(INDEX)/current: | $(BIN)/.installed
	$(BIN)/medsearch build --index $(INDEX)

index: $(BIN)/.installed ## Rebuild the index from the starter corpus
	$(BIN)/medsearch build --index $(INDEX)

run: $(BIN)/.installed $(INDEX)/current ## Serve the starter corpus on http://127.0.0.1:8000
	$(BIN)/medsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

# The production server: gunicorn with gunicorn.conf.py (workers, threads, JSON logs, metrics
# hooks from the MEDSEARCH_* settings) on wsgi:app.
serve: $(BIN)/.installed $(INDEX)/current ## gunicorn -c gunicorn.conf.py wsgi:app
	MEDSEARCH_INDEX=$(INDEX) MEDSEARCH_HOST=$(HOST) MEDSEARCH_PORT=$(PORT) \
		$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Browser tests (tests/test_browser.py) need /usr/bin/chromium: they skip without it, saying so,
# except in CI (CI=true), where they fail. Screenshots go to test-artifacts/.
test: $(BIN)/.installed ## Run the whole test suite
	$(BIN)/python -m pytest

# The long resilience runs (pytest marker `soak`, deselected by `make test`): more hostile
# questions with the slowest answer printed, more kills, switches and racing builds.
soak: $(BIN)/.installed ## Long resilience runs: hostile input, kills, reindexing, racing builds
	$(BIN)/python -m pytest -m soak

lint: $(BIN)/.installed ## ruff (lint + format check) and mypy; fails on any finding
	$(BIN)/ruff check search webapp tests bench wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check search webapp tests bench wsgi.py gunicorn.conf.py
	$(BIN)/mypy

format: $(BIN)/.installed
	$(BIN)/ruff format search webapp tests bench wsgi.py gunicorn.conf.py
	$(BIN)/ruff check --fix search webapp tests bench wsgi.py gunicorn.conf.py

bench: $(BIN)/.installed ## Benchmarks over ../shared/data (skipped with a message when absent)
	$(BIN)/python bench/build.py
	$(BIN)/python bench/query.py
	$(BIN)/python bench/snippets_suggest.py
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/http_load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
