# Barrio: set-up and everyday commands. Needs only Python >= 3.12 and make.
#
#   make demo    set up (first time only), compare four scenarios, print where the report is
#   make test    set up (first time only), lint and run the test suite (what CI runs)
#   make test-fast  the edit loop: lint, then the tests not marked slow or browser
#   make app     set up (first time only), serve the workshop page on http://127.0.0.1:8765/
#   make bench   run the benchmarks (kept out of `make test`)
#   make patterns  run the pattern scoreboard and write docs/patterns.md (about ten minutes)
#
# Python: the first of python3.13, python3.12, python3, python that is >= 3.12, else the newest
# pyenv version >= 3.12. Point at another one with `make demo PYTHON=/path/to/python3.12`.

VENV ?= .venv
BIN := $(VENV)/bin

define find_python
for p in python3.12 python3.13 python3 python; do \
  c=$$(command -v $$p 2>/dev/null) && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
    && { echo "$$c"; exit 0; }; \
done; \
root=$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv"); \
for c in $$(ls -d "$$root"/versions/3.*/bin/python 2>/dev/null | sort -V); do \
  "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$c"; exit 0; }; \
done; exit 0
endef

PYTHON ?= $(shell $(find_python))

.PHONY: demo test test-fast lint bench docs clean app patterns

$(BIN)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Barrio needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (e.g. 'pyenv install 3.12' or your system's python3.12 package),"; \
	  echo "then run again, or name it: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12"; \
	  exit 1; \
	fi
	@echo "Setting up $(VENV) with $(PYTHON)"
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

demo: $(BIN)/.installed
	$(BIN)/barrio compare baseline mano_dura cash_transfer integrated --replicates 6 --weeks 260 --out results/demo

app: $(BIN)/.installed
	$(BIN)/barrio app

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

test-fast: lint
	$(BIN)/python -m pytest -m "not slow and not browser"

bench: $(BIN)/.installed
	$(BIN)/python -m pytest benchmarks/ --benchmark-only

patterns: $(BIN)/.installed
	$(BIN)/barrio patterns --out results/patterns --doc docs/patterns.md

docs: $(BIN)/.installed
	$(BIN)/barrio parameters --markdown --posterior calibrations/fortaleza > docs/parameters.md
	$(BIN)/barrio levers --markdown > docs/levers.md
	$(BIN)/python -m barrio.experiments.findings docs/sensitivity.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .benchmarks test-results test-artifacts
