# The two commands of the README: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8080
DEMO_DIR ?= var/demo
# Debian packages the tests need: Chromium for the browser tests, the CJK font for slips,
# systemd for `systemd-analyze verify` of the units, prometheus for `promtool` (the alert rules),
# espeak-ng for read-aloud (its Mandarin voice), Zinnia and its Simplified Chinese model for the
# keyboard's handwriting input, LibreOffice Calc for reading workbooks as LibreOffice saves
# them, poppler for the docs' screenshots of them.
APT_PACKAGES := chromium fonts-noto-cjk systemd prometheus espeak-ng libzinnia0 tegaki-zinnia-simplified-chinese \
	libreoffice-calc-nogui poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint format venv system-deps screenshots workbook-screenshots bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

venv: $(BIN)/.installed

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

demo: venv system-deps
	$(BIN)/kiosk demo --data $(DEMO_DIR) --port $(PORT)

# ruff (style), import-linter (the layer contracts in pyproject.toml), vulture (dead code), mypy (types).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/vulture
	$(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: venv system-deps lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

screenshots: venv system-deps
	$(BIN)/python -m tests.browser.screenshots docs/screenshots

bench: venv
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache build dist

workbook-screenshots: venv system-deps
	$(BIN)/python -m tests.workbook_screenshots docs/screenshots/workbooks
