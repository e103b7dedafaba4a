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
# Where `make test` writes throw-away learner editions (learner/ is the learners' own, never overwritten by tests).
LEARNER_CHECK := build/learner-check
WHEELHOUSE ?= wheelhouse
CHROMIUM := $(firstword $(wildcard /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome))

.DEFAULT_GOAL := help
.PHONY: help env offline-env lab app test unit nbval learner learner-test site browser bench minutes wheelhouse notebooks lint format clean

help: ## Show this help
	@echo "Attention course. Targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[notebooks,dev]"
	@touch $(STAMP)

env: $(STAMP) ## Create .venv and install the course and its tools (lab and test do this for you)

offline-env: ## Create .venv from wheelhouse/ only, without internet (see docs/WORKSHOP.md)
	@test -d $(WHEELHOUSE) || { echo "no $(WHEELHOUSE)/ here: build it with 'make wheelhouse' on a machine with internet"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --no-index --find-links $(WHEELHOUSE) -e ".[notebooks,dev]"
	@touch $(STAMP)

lab: env ## Open the course in JupyterLab (start with notebooks/00_start_here.ipynb)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_start_here.ipynb

app: env ## Open the attention explorer: type a sentence, see the real model's attention (Streamlit)
	$(BIN)/streamlit run app/attention_explorer.py --browser.gatherUsageStats false --browser.serverAddress localhost

test: env browser ## Everything: unit tests, site test, every notebook re-run and compared, learner editions run
	$(BIN)/pytest tests $(NBVAL) $(NOTEBOOKS)
	$(MAKE) --no-print-directory learner-test

unit: env ## Run only the unit tests (fast)
	$(BIN)/pytest tests

nbval: env ## Execute every notebook and compare with its stored outputs
	$(BIN)/pytest $(NBVAL) $(NOTEBOOKS)

learner: env ## Write the learner editions (exercises to fill in) to learner/; keeps notebooks you have edited
	$(PY) scripts/make_learner.py --out learner

learner-test: env ## Generate fresh learner editions and run them top to bottom (checkers say "not done yet")
	rm -rf $(LEARNER_CHECK)
	$(PY) scripts/make_learner.py --out $(LEARNER_CHECK)
	$(BIN)/pytest --nbval-lax --nbval-current-env -p no:cacheprovider $(LEARNER_CHECK)

site: env ## Render the executed course to a static offline site in site/ (open site/index.html)
	$(PY) scripts/build_site.py --out site

browser: ## Install Chromium for the browser tests if missing (Debian/Ubuntu; skipped with a message elsewhere)
ifeq ($(CHROMIUM),)
	@if command -v apt-get >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing chromium for the browser tests ($$SUDO apt-get install chromium)"; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null \
	    || echo "could not install chromium: the browser tests will be skipped"; \
	else echo "no apt-get here: install Chromium yourself, or the browser tests will be skipped"; fi
else
	@echo "browser: $(CHROMIUM)"
endif

bench: env ## Benchmarks: our attention vs torch's (time, memory) and the toy tasks' accuracy and training time
	$(PY) benchmarks/bench_attention.py
	$(PY) benchmarks/toy_tasks.py

minutes: env ## Measure minutes per lesson; rewrite the plans in docs/WORKSHOP.md and the minutes in README.md
	$(PY) scripts/lesson_minutes.py --write docs/WORKSHOP.md --readme README.md

wheelhouse: env ## Download every wheel the course needs into wheelhouse/ (for a workshop without internet)
	scripts/build_wheelhouse.sh $(WHEELHOUSE)

notebooks: env ## Re-execute notebooks in place and store their outputs (NB=... for one)
	$(PY) scripts/setup_cell.py $(NB)
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
	rm -rf build site .pytest_cache src/*.egg-info  # learner/ holds learners' work: remove it yourself
