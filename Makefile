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
  REPORT_DIR ?= reports
else
  RUN_NAME := $(notdir $(abspath $(RAW)))
  OUT  ?= data/processed/runs/$(RUN_NAME)
  FIGS ?= reports/figures/runs/$(RUN_NAME)
  NBOUT ?= reports/notebooks/runs/$(RUN_NAME)
  REPORT_DIR ?= reports/runs/$(RUN_NAME)
endif
SEED ?= 0
WORKERS ?= 1
# K=9 fixes the number of topics (default: chosen by the pipeline's sweep)
K ?=
K_ARG := $(if $(K),--k $(K),)

# The full resolved dependency set, with hashes; `make lock` rewrites it with this uv version.
LOCK := requirements-lock.txt
UV_VERSION := 0.13.9
LOCK_TOOL := $(VENV)/lock-tool

.PHONY: help install lock data notebooks figures report run lint format test bench clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the locked dependency set (hashes checked), then the project

lock:  ## re-resolve requirements-lock.txt from pyproject.toml (runtime + dev), with hashes
	test -x $(LOCK_TOOL)/bin/uv || ($(PYTHON) -m venv $(LOCK_TOOL) && $(LOCK_TOOL)/bin/python -m pip install --quiet uv==$(UV_VERSION))
	$(LOCK_TOOL)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" --output-file $(LOCK) --quiet

data: $(STAMP)  ## run the pipeline on RAW (default data/raw) into OUT (default data/processed)
	$(PY) -m helpers.pipeline --raw-dir "$(RAW)" --out-dir "$(OUT)" --workers $(WORKERS) --seed $(SEED) $(K_ARG)

notebooks: $(STAMP)  ## execute every notebook in order (after `make data`); executed copies in reports/notebooks
	$(PY) -m helpers.notebooks --processed-dir "$(OUT)" --raw-dir "$(RAW)" --figures-dir "$(FIGS)" --out-dir "$(NBOUT)" --seed $(SEED) $(K_ARG)

figures: notebooks  ## export the report charts (PNG, SVG, PDF) into FIGS (default reports/figures)

report: $(STAMP)  ## rebuild the HTML report and the Excel workbook from the stored tables and charts
	$(PY) -m helpers.publish --processed-dir "$(OUT)" --figures-dir "$(FIGS)" --report-dir "$(REPORT_DIR)" --notebooks-dir "$(NBOUT)" --run-name "$(RUN_NAME)"

run: data notebooks report  ## the whole analysis: install if needed, pipeline, notebooks, charts, report, workbook

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
	rm -rf data/processed/* data/interim/* reports/figures/* reports/notebooks reports/runs
	rm -f reports/report.html reports/edu-reports.xlsx
	touch data/processed/.gitkeep data/interim/.gitkeep reports/figures/.gitkeep
