# Quick start: `make site` builds the documentation site into site/, `make test` runs every test.
# Both create .venv and install the project when needed; only Python 3.11+ and make are required.
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# axe-core, for the accessibility tests (tests/test_site_browser.py): from npm into .venv.
AXE_VERSION := 4.14.1
AXE := $(VENV)/node_modules/axe-core/axe.min.js

.PHONY: site test generate check lint serve bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@# mitmproxy writes one of the HAR files the import is tested on; it pins its own
	@# dependencies, so it gets a virtual environment of its own.
	@test -x $(VENV)/mitmproxy/bin/mitmdump || { $(PYTHON) -m venv $(VENV)/mitmproxy && \
		$(VENV)/mitmproxy/bin/python -m pip install --quiet --disable-pip-version-check \
		mitmproxy; } || echo "mitmproxy could not be installed: its HAR test will skip"
	@touch $(STAMP)

$(AXE): | $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix $(VENV) axe-core@$(AXE_VERSION) \
			|| echo "axe-core could not be installed: the accessibility tests will be skipped"; \
	else \
		echo "npm is missing: the accessibility tests will be skipped"; \
	fi

generate: $(STAMP)
	$(BIN)/python generate.py

check: $(STAMP)
	$(BIN)/python generate.py --check

lint: $(STAMP)
	$(BIN)/python generate.py lint

site: generate
	$(BIN)/mkdocs build --strict --quiet

serve: generate
	$(BIN)/mkdocs serve

test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_site.py
	$(BIN)/python bench/bench_infer.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_scanners.py
	$(BIN)/python bench/bench_robustness.py

clean:
	rm -rf site .pytest_cache
	find generated -mindepth 1 -maxdepth 1 ! -name .gitignore -exec rm -rf {} +
