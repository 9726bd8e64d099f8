# bpkit: `make lab` opens the suite in JupyterLab, `make test` runs every test.
# Each target creates .venv when it is missing and reinstalls when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8888
# Set NO_BROWSER=1 to start the server without opening a browser tab.
NO_BROWSER ?=
# Jupyter refuses to run as root unless told; containers and CI often are root.
AS_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
# The servers always bind to 127.0.0.1 and ask for a token: a random one, or JUPYTER_TOKEN if set.

.PHONY: lab present notebooks test lint browser screenshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "bpkit needs Python 3.10 or newer; this is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=notebooks $(if $(NO_BROWSER),--no-browser) $(AS_ROOT)

# The lecture view: every notebook as a code-free page with live widgets, large for a projector.
present: $(VENV)/.installed
	BPKIT_LECTURE=1 JUPYTER_PATH=$(CURDIR)/share/jupyter \
	$(BIN)/voila notebooks --template=bpkit-lecture --Voila.ip=127.0.0.1 --port=$(PORT) \
		$(if $(JUPYTER_TOKEN),--token=$(JUPYTER_TOKEN),--token) $(if $(NO_BROWSER),--no-browser)

# A Chromium for the browser tests: the system's, else Debian's via apt (as root), else Playwright's.
browser: $(VENV)/.installed-test
	$(BIN)/python tests/browser/find_browser.py --install

# Re-execute every notebook from a fresh kernel and store its outputs (nbval compares them).
notebooks: $(VENV)/.installed-test
	$(BIN)/python tools/run_notebooks.py

# Copy the screenshots the browser tests took into docs/ (for the README).
screenshots:
	mkdir -p docs/screenshots
	cp build/screenshots/*.png docs/screenshots/

lint: $(VENV)/.installed-test
	$(BIN)/ruff check bpkit tests

test: lint browser
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/nbval-sanitize.cfg

# Measure speed against the targets of issue 5 and print one table (see docs/performance.md).
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

.PHONY: bench
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
