# Two commands: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint messages install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: export DJANGO_DEBUG ?= True
demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	@echo
	@echo "AidTracker demo: http://$(HOST):$(PORT)/  (staff admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Create a staff login with: DJANGO_DEBUG=True $(BIN)/python manage.py createsuperuser"
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The translations' catalogues in step with the text marked for translation, and compiled
# (README, "Languages"): run after changing the text or a translation, commit locale/.
messages: export DJANGO_DEBUG ?= True
messages: install-dev
	$(BIN)/python manage.py catalogues

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser tests (tests/browser) run when Chromium is installed (/usr/bin/chromium,
# or CHROMIUM=path); without it they are left out with a message, or fail under CI=true.
# `make test BROWSER=0` leaves them out of a local run; CI always runs them.
# Likewise tests/exports/test_spreadsheets.py opens the downloads in LibreOffice
# (soffice, from `apt-get install -y --no-install-recommends libreoffice-calc-nogui`):
# skipped with a message without it, failed under CI=true.
test: export DJANGO_DEBUG ?= True
test: lint
ifeq ($(BROWSER),0)
	@case "$$(echo "$${CI:-}" | tr A-Z a-z)" in true|1|yes|on) \
	  echo "BROWSER=0 is for local runs: under CI=true the browser tests always run." >&2; exit 1;; esac
	@echo "Leaving the browser tests out (BROWSER=0)."
endif
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(if $(filter 0,$(BROWSER)),--ignore=tests/browser) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
