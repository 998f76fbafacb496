# Two commands do everything on a fresh machine: `make run` and `make test`.
# RAW=path/to/dir runs the whole analysis on another folder; its outputs go to
# data/processed/runs/<name> and reports/figures/runs/<name>, apart from the default run.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

RAW ?= data/raw
ifeq ($(abspath $(RAW)),$(abspath data/raw))
  OUT  ?= data/processed
  FIGS ?= reports/figures
  NBOUT ?= reports/notebooks
else
  RUN_NAME := $(notdir $(abspath $(RAW)))
  OUT  ?= data/processed/runs/$(RUN_NAME)
  FIGS ?= reports/figures/runs/$(RUN_NAME)
  NBOUT ?= reports/notebooks/runs/$(RUN_NAME)
endif
SEED ?= 0
WORKERS ?= 1
# K=9 fixes the number of topics (default: chosen by the pipeline's sweep)
K ?=
K_ARG := $(if $(K),--k $(K),)

.PHONY: help install data notebooks figures run lint format test bench clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with its dev extras

data: $(STAMP)  ## run the pipeline on RAW (default data/raw) into OUT (default data/processed)
	$(PY) -m helpers.pipeline --raw-dir "$(RAW)" --out-dir "$(OUT)" --workers $(WORKERS) --seed $(SEED) $(K_ARG)

notebooks: $(STAMP)  ## execute every notebook in order (after `make data`); executed copies in reports/notebooks
	$(PY) -m helpers.notebooks --processed-dir "$(OUT)" --raw-dir "$(RAW)" --figures-dir "$(FIGS)" --out-dir "$(NBOUT)" --seed $(SEED) $(K_ARG)

figures: notebooks  ## export the report charts (PNG, SVG, PDF) into FIGS (default reports/figures)

run: data notebooks  ## the whole analysis: install if needed, pipeline, notebooks, charts

LINT_PATHS := src tests bench notebooks/*.py

lint: $(STAMP)  ## ruff check + ruff format --check + mypy on src/helpers (fails on any finding)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy

format: $(STAMP)  ## rewrite the tree in the project's style (ruff format + safe ruff fixes)
	$(VENV)/bin/ruff check --fix $(LINT_PATHS)
	$(VENV)/bin/ruff format $(LINT_PATHS)
	for nb in notebooks/*.py; do $(VENV)/bin/jupytext --quiet --to ipynb --update "$$nb"; done

test: lint  ## install if needed, lint, then run the test suite (executes the notebooks too)
	$(PY) -m pytest

bench: $(STAMP)  ## benchmarks (speed, memory, extraction and theme quality); not tests
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) bench/run_all.py

clean:  ## remove generated outputs (keeps .venv and data/raw)
	rm -rf data/processed/* data/interim/* reports/figures/* reports/notebooks
	touch data/processed/.gitkeep data/interim/.gitkeep reports/figures/.gitkeep
