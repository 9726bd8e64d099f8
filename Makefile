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

# The servers always bind to 127.0.0.1 and ask for a token: a random one (printed in the log with
# the address to open), or JUPYTER_TOKEN if set. The token reaches the server only through its
# environment (jupyter_server's IdentityProvider reads JUPYTER_TOKEN), never on a command line,
# where `ps` shows it to every user. So `make lab JUPYTER_TOKEN=...` is refused before anything
# runs (make's own command line would show it while the server runs); `JUPYTER_TOKEN=... make
# lab` is the way. $(value ...) keeps it as typed: make neither expands it nor pastes it into a
# command.
ifeq ($(origin JUPYTER_TOKEN),command line)
$(error JUPYTER_TOKEN given as a make variable stays on make's command line, which `ps` shows \
	to every user while the server runs: set it in the environment instead, as in \
	JUPYTER_TOKEN=... make lab)
endif
ifneq ($(origin JUPYTER_TOKEN),undefined)
override JUPYTER_TOKEN := $(value JUPYTER_TOKEN)
export JUPYTER_TOKEN
endif

# `make worksheet SEED=n COUNT=k` reaches tools/worksheet.py the same way: through its
# environment, kept as typed, never pasted into a command. The tool checks both (whole numbers;
# SEED defaults to 1, COUNT to 6) and stops with a message and exit code 2 otherwise.
ifneq ($(origin SEED),undefined)
override SEED := $(value SEED)
export SEED
endif
ifneq ($(origin COUNT),undefined)
override COUNT := $(value COUNT)
export COUNT
endif

# PORT goes into a command line, so it must be a whole number from 1 to 65535. It is checked as
# text ($(value ...) never expands it), and `make lab` or `make present` stops with PORT_PROBLEM
# before anything runs.
PORT_TEXT := $(strip $(value PORT))
PORT_PROBLEM = PORT must be a whole number from 1 to 65535 such as 8890 (no leading zeros); \
	got '$(PORT_TEXT)'
# '8890' -> '8 8 9 0': every digit becomes a word; anything else stays glued to a neighbour.
PORT_SPACED := $(strip $(subst 0,0 ,$(subst 1,1 ,$(subst 2,2 ,$(subst 3,3 ,$(subst 4,4 ,$(subst \
	5,5 ,$(subst 6,6 ,$(subst 7,7 ,$(subst 8,8 ,$(subst 9,9 ,$(PORT_TEXT))))))))))))
PORT_ONE_WORD := $(filter 1,$(words $(PORT_TEXT)))
PORT_ONLY_DIGITS := $(if $(filter-out 0 1 2 3 4 5 6 7 8 9,$(PORT_SPACED)),,yes)
PORT_NO_LEADING_ZERO := $(filter-out 0,$(firstword $(PORT_SPACED)))
PORT_UP_TO_4_DIGITS := $(filter 1 2 3 4,$(words $(PORT_SPACED)))
# Five digits sort as text the same as numbers: at most 65535 if it sorts first.
PORT_5_DIGITS_IN_RANGE := $(and $(filter 5,$(words $(PORT_SPACED))),$(filter \
	$(PORT_TEXT),$(firstword $(sort $(PORT_TEXT) 65535))))
PORT_OK := $(and $(PORT_ONE_WORD),$(PORT_ONLY_DIGITS),$(PORT_NO_LEADING_ZERO),$(or \
	$(PORT_UP_TO_4_DIGITS),$(PORT_5_DIGITS_IN_RANGE)))
PORT_CHECKED = $(if $(PORT_OK),$(PORT_TEXT),$(error $(PORT_PROBLEM)))
ifneq ($(filter lab present student,$(MAKECMDGOALS)),)
ifeq ($(PORT_OK),)
$(error $(PORT_PROBLEM))
endif
endif
OPEN_BROWSER = $(if $(value NO_BROWSER),--no-browser)

.PHONY: lab student present notebooks test lint browser screenshots clean worksheet assignments

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

# The JupyterHub class test (tests/hub) needs the hub extra (JupyterHub, nbgitpuller) and the
# proxy from npm, pinned in package.json and package-lock.json, in node_modules/. Without npm
# that test is skipped (under CI=true it fails instead).
$(VENV)/.installed-hub: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,hub]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm ci --no-audit --no-fund" && npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: install Node.js 20+ for the JupyterHub class test"; fi

# share/jupyter-config switches JupyterLab's "official Jupyter news?" toast off; port_retries=0
# makes the port strict: a busy PORT stops the server with "port ... is not available" instead
# of moving silently to the next one.
lab: $(VENV)/.installed
	JUPYTER_CONFIG_PATH="$$(pwd)/share/jupyter-config" \
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT_CHECKED) \
		--ServerApp.port_retries=0 --ServerApp.root_dir=notebooks $(OPEN_BROWSER) $(AS_ROOT)

# Self-study: copies of the notebooks without outputs in student/ (git-ignored; your own copies
# are never overwritten), opened in JupyterLab, so you predict each number before you see it.
student: $(VENV)/.installed
	$(BIN)/python tools/student_copies.py student
	JUPYTER_CONFIG_PATH="$$(pwd)/share/jupyter-config" \
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT_CHECKED) \
		--ServerApp.port_retries=0 --ServerApp.root_dir=student $(OPEN_BROWSER) $(AS_ROOT)

# The lecture view: every notebook as a code-free page with live widgets, large for a projector.
# Voila's --token flag turns the token on: JUPYTER_TOKEN from the environment, else a random one.
present: $(VENV)/.installed
	BPKIT_LECTURE=1 JUPYTER_PATH="$$(pwd)/share/jupyter" \
	JUPYTER_CONFIG_PATH="$$(pwd)/share/jupyter-config" \
	$(BIN)/voila notebooks --template=bpkit-lecture --Voila.ip=127.0.0.1 --port=$(PORT_CHECKED) \
		--Voila.port_retries=0 --token $(OPEN_BROWSER)

# A Chromium for the browser tests: the system's, else Debian's via apt (as root), else Playwright's.
browser: $(VENV)/.installed-test
	$(BIN)/python tests/browser/find_browser.py --install

# Re-execute every notebook from a fresh kernel and store its outputs (nbval compares them).
notebooks: $(VENV)/.installed-test
	$(BIN)/python tools/run_notebooks.py

# A printable worksheet of COUNT questions for seed SEED (one seed per student) and its answer
# key with worked solutions, as HTML and PDF (printed by Chromium) in build/worksheets/.
worksheet: $(VENV)/.installed-test
	$(BIN)/python tools/worksheet.py

# An nbgrader course folder for the code the learner writes in 10 and 11: nbgrader_config.py
# and source/<notebook>/, solutions in, in build/assignments/ (docs/classroom.md: grading).
assignments: $(VENV)/.installed-test
	$(BIN)/python tools/assignments.py

# Copy the screenshots the browser tests took into docs/ (for the README).
screenshots:
	mkdir -p docs/screenshots
	cp build/screenshots/*.png docs/screenshots/

lint: $(VENV)/.installed-test
	$(BIN)/ruff check bpkit tests

test: $(VENV)/.installed-hub node_modules/.installed lint browser
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
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis
