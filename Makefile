# allysim: `make demo` runs a real scenario end to end; `make test` runs the test suite.
# Both create the virtual environment (.venv, Python >= 3.12) and install everything on first use.

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
DEMO    ?= scenarios/history/kosovo-1999.yaml
export SOLARA_TELEMETRY_MIXPANEL_ENABLE := False

.PHONY: demo test dashboard lint bench browser clean

demo: $(STAMP)
	$(VENV)/bin/allysim run $(DEMO) --plot

test: $(STAMP) browser
	$(PY) -m pytest

dashboard: $(STAMP)
	$(VENV)/bin/allysim dashboard scenarios/toy.yaml

lint: $(STAMP)
	$(VENV)/bin/ruff check sim analysis tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/scale.py

# Python >= 3.12: python3.13/python3.12 on PATH, else pyenv's newest 3.12/3.13.
$(PY):
	@py=""; \
	for c in python3.13 python3.12 python3; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then py=$$(command -v $$c); break; fi; \
	done; \
	if [ -z "$$py" ] && command -v pyenv >/dev/null 2>&1; then \
	  for v in $$(ls -d "$$(pyenv root)"/versions/3.1[23]* 2>/dev/null | sort -V -r); do \
	    if [ -x "$$v/bin/python3" ]; then py="$$v/bin/python3"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$py" ]; then \
	  echo "error: allysim needs Python >= 3.12 (Mesa 3.5 requires it) and none was found."; \
	  echo "Install one (e.g. 'pyenv install 3.12' or your system's python3.12 package) and re-run make."; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Debian's Chromium for the dashboard's browser tests (Playwright drives it; no browser download).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "error: the dashboard tests need Chromium at $(CHROMIUM): run 'sudo apt-get install chromium'"; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) runs .pytest_cache
