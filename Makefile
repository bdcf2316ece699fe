# The two commands a newcomer needs: `make run` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
BIN := .venv/bin

.PHONY: run test production bench lint format mailsink

.venv/installed: pyproject.toml
	$(PYTHON) -m venv .venv
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable . --group dev
	touch $@

run: .venv/installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: .venv/installed
	$(BIN)/python -m pytest

# The site as production runs it: DEBUG off, gunicorn (gunicorn.conf.py), whitenoise. Settings come
# from the real environment; see the README's "Running in production".
production: export PRODUCTION_SERVER = on
production: .venv/installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn microblog.wsgi

# Load benchmark of the production server (needs wrk: apt-get install wrk).
bench: .venv/installed
	$(BIN)/python -m bench.load

lint: .venv/installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: .venv/installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A local SMTP server that prints every email it receives, as in the chapter.
mailsink: .venv/installed
	$(BIN)/aiosmtpd -n -c aiosmtpd.handlers.Debugging -l localhost:8025
