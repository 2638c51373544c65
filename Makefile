# Two commands set everything up: `make demo` runs the main job, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

# The demo keeps its cache here: the first run verifies every starter family (a few minutes),
# later runs find them already admitted and answer at once.
DEMO_CACHE ?= .seglam-demo-cache

demo: $(STAMP)
	$(BIN)/python -m seglam.cli.demo --cache $(DEMO_CACHE)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup -p no:cacheprovider tests

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Not part of `make test` or CI: hours on two busy cores (1,519 mutants). Score and survivors:
# bench/results/mutation.md.
mutation: $(STAMP)
	nice -n 10 $(BIN)/python bench/mutation.py

clean:
	rm -rf $(VENV) build *.egg-info $(DEMO_CACHE) mutants
