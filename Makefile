# Two entry points: `make run` (set up, build the index, start the web UI) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test lint eval ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch is pinned (CPU wheel on disk); an open range would pull a multi-GB CUDA build.
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) -m interp_qa.cli ingest
	$(PY) app.py

test: setup
	$(PY) -m ruff check src tests app.py
	$(PY) -m interp_qa.cli build-corpus --check
	$(PY) -m pytest -q

eval: setup
	$(PY) -m interp_qa.cli eval

ingest: setup
	$(PY) -m interp_qa.cli ingest

clean:
	rm -rf $(VENV) .pytest_cache eval/results
