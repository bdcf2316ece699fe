# The two commands a newcomer needs: `make run` and `make test`. Each sets up the virtualenv on
# first use with exactly the versions that uv.lock names, for the Python that runs `python3`.
PYTHON ?= python3
PYTHON_EXE := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
PYTHON_VERSION := $(shell $(PYTHON) -c 'import platform; print(platform.python_version())')
VENV ?= .venv
BIN := $(VENV)/bin
# Named after the Python it was made for: switching Python makes it again.
INSTALLED := $(VENV)/installed-$(PYTHON_VERSION)
# uv itself comes from PyPI, into a folder of its own: nothing to install by hand.
UV_VERSION := 0.13.8
UV := .uv/$(UV_VERSION)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-fast production bench check lock-check format mailsink

$(UV):
	$(PYTHON) -m venv .uv/$(UV_VERSION)
	.uv/$(UV_VERSION)/bin/pip install --disable-pip-version-check uv==$(UV_VERSION)

# --locked: install what uv.lock names, and stop if it no longer matches pyproject.toml.
# --compile-bytecode: compiled once here, so that no process start compiles them again (where
# PYTHONDONTWRITEBYTECODE is set, each one would: 2 of the 3 s that manage.py took to start).
$(INSTALLED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --compile-bytecode --python $(PYTHON_EXE)
	touch $@

# `make run PORT=8001` and `make mailsink MAILSINK_PORT=8026` where those ports are taken.
PORT ?= 8000
MAILSINK_PORT ?= 8025

run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(INSTALLED)
	$(BIN)/python -m pytest

# The inner loop: every test that starts no server process or browser.
test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -m "not slow"

# The site as production runs it: DEBUG off, granian (microblog/server.py), whitenoise. Settings
# come from the real environment; see the README's "Running in production".
production: export PRODUCTION_SERVER = on
production: $(INSTALLED)
	$(BIN)/python manage.py prepare_production  # migrate, collectstatic, prune_errors
	exec $(BIN)/python -m microblog.server

# Load benchmark of the production server (needs wrk: apt-get install wrk).
bench: $(INSTALLED)
	$(BIN)/python -m bench.load

# Everything CI checks besides the tests: lint, format, migrations, and that uv.lock is current.
check: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) lock-check

lock-check: | $(UV)
	$(UV) lock --check

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A local SMTP server that prints every email it receives, as in the chapter.
mailsink: $(INSTALLED)
	$(BIN)/aiosmtpd -n -c aiosmtpd.handlers.Debugging -l localhost:$(MAILSINK_PORT)
