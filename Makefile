# Attention, from ordering food to Transformers.
# `make lab` opens the course, `make test` checks everything; both create .venv if it is missing.
# Every target runs `python3 tasks.py <target>`, which works without make too (Windows: `py tasks.py <target>`).
# Options: make notebooks NB="notebooks/02_scaled_dot_product.ipynb" · make learner FORCE=1 · PYTHON=python3.12

PYTHON ?= python3
COMMANDS := help env offline-env wheelhouse lock lab app learner site minutes test unit nbval nbval-cpu learner-test \
	browser bench robustness notebooks lint platforms format clean

.DEFAULT_GOAL := help
.PHONY: $(COMMANDS)

$(COMMANDS):
	@$(PYTHON) tasks.py $@
