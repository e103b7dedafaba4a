# Attention, from ordering food to Transformers.
# `make lab` opens the course, `make test` checks everything; both create .venv if it is missing.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
# Nothing in the course may touch the network at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# `make notebooks NB=notebooks/02_scaled_dot_product.ipynb` re-executes just one.
NB ?= $(NOTEBOOKS)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.DEFAULT_GOAL := help
.PHONY: help env lab test unit nbval notebooks lint format clean

help: ## Show this help
	@echo "Attention course. Targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[notebooks,dev]"
	@touch $(STAMP)

env: $(STAMP) ## Create .venv and install the course and its tools (lab and test do this for you)

lab: env ## Open the course in JupyterLab (start with notebooks/00_start_here.ipynb)
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

test: env ## Run the unit tests and execute every notebook, comparing stored outputs
	$(BIN)/pytest tests $(NBVAL) $(NOTEBOOKS)

unit: env ## Run only the unit tests (fast)
	$(BIN)/pytest tests

nbval: env ## Execute every notebook and compare with its stored outputs
	$(BIN)/pytest $(NBVAL) $(NOTEBOOKS)

notebooks: env ## Re-execute notebooks in place and store their outputs (NB=... for one)
	@for nb in $(NB); do echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 "$$nb" || exit 1; \
	done
	$(BIN)/nbstripout --keep-output --keep-count $(NB)

lint: env ## Check code style and that notebooks are stored normalised
	$(BIN)/ruff check src tests scripts benchmarks app
	$(BIN)/nbstripout --verify --keep-output --keep-count $(NOTEBOOKS)

format: env ## Format the code with ruff
	$(BIN)/ruff format src tests scripts benchmarks app
	$(BIN)/ruff check --fix src tests scripts benchmarks app

clean: ## Remove generated files (keeps .venv)
	rm -rf build site learner .pytest_cache src/*.egg-info
