# Quire: the two commands are `make run` and `make test`.
# With no DATABASE_URL, PostgreSQL is the embedded server under var/pgdata.
# Settings come from the environment and from .env, which the first `make` writes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
DEMO_WORKS ?= 200
CHROMIUM ?= /usr/bin/chromium
DBCTL := $(BIN)/python -m archive.dbctl
# The test client speaks plain HTTP (production keeps the cookie and redirect flags on);
# the live server used by browser tests serves unhashed static files.
TEST_ENV := DEBUG=0 QUIRE_PLAIN_STATIC=1 SECRET_KEY=test-only-secret-key SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0

.PHONY: run worker worker-background dev stop psql backup restore test test-smoke check-pages lint format bench bench-cpu bench-data wrk migrations-check venv browser epubcheck vnu static migrate

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Settings for every command, manage.py included: a generated SECRET_KEY, and the HTTPS-only
# flags off so `make run` works on plain HTTP (see archive/dbctl.py). Written once, never committed.
.env: | $(BIN)/.installed
	$(DBCTL) write-env

venv: $(BIN)/.installed .env

static: venv
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

migrate: venv
	$(BIN)/python manage.py migrate --noinput

# As readers see it: DEBUG off (Quire's own error pages), static files through whitenoise,
# gunicorn in the foreground; its pid in var/run/ for `make stop`. The Prometheus
# multiprocess folder (used when METRICS_ENABLED is on) is emptied first.
run: venv static migrate
	$(BIN)/python manage.py load_demo --works $(DEMO_WORKS)
	@mkdir -p var/run
	@DEBUG=0 $(DBCTL) where --port $(PORT)
	@$(DBCTL) metrics-reset
	@DEBUG=0 $(MAKE) --no-print-directory worker-background
	DEBUG=0 $(BIN)/gunicorn archive.wsgi --bind 0.0.0.0:$(PORT) --workers $(WORKERS) --access-logfile - --pid var/run/gunicorn.pid --control-socket var/run/gunicorn.ctl

# The developer's server: DEBUG on (tracebacks, unhashed static files), reloads on change.
dev: venv migrate
	$(BIN)/python manage.py load_demo --works $(DEMO_WORKS)
	@$(DBCTL) metrics-reset
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Stops every process with a pid file in var/run/, then the embedded PostgreSQL.
stop: venv
	$(DBCTL) stop

psql: venv
	$(DBCTL) psql

# A dated pg_dump archive in var/backups/, made by the pg_dump matching the server.
backup: venv
	$(DBCTL) backup

# Into an empty database only; FORCE=1 drops everything in it first.
restore: venv
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/NAME.dump [FORCE=1]" >&2; exit 2; }
	$(DBCTL) restore "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force)

# The job worker (subscription emails, hit counts, periodic jobs; the queue is in PostgreSQL).
# Run more of them, on any machine with the same DATABASE_URL, to share the work.
worker: venv migrate
	$(BIN)/python manage.py procrastinate worker

# One worker beside `make run`'s gunicorn: log in var/log/, pid in var/run/ (for `make stop`).
worker-background: venv
	@mkdir -p var/run var/log
	@if test -f var/run/worker.pid && kill -0 "$$(cat var/run/worker.pid)" 2>/dev/null; then echo "Job worker already running (pid $$(cat var/run/worker.pid))"; else $(BIN)/python manage.py procrastinate worker >> var/log/worker.log 2>&1 & echo $$! > var/run/worker.pid; echo "Job worker started (pid $$(cat var/run/worker.pid)), log in var/log/worker.log"; fi

# Debian's Chromium for the Playwright tests (Playwright cannot download its own here).
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# W3C EPUBCheck for the download tests.
epubcheck:
	@test -f /usr/share/java/epubcheck.jar || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq epubcheck; }

# The Nu HTML Checker (vnu.jar) for the page-validity tests, from the npm registry's
# vnu-jar package at a pinned version, checked against its SHA-256; it needs a Java runtime.
VNU_VERSION := 26.9.27
VNU_SHA256 := 5970d3ffca91a627cf0965e5d91bb2e4242307c29292998de0b419d6a901b2b7
VNU_JAR := var/tools/vnu-$(VNU_VERSION).jar
$(VNU_JAR):
	@command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	@rm -rf var/tools/vnu-download && mkdir -p var/tools/vnu-download
	cd var/tools/vnu-download && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null
	echo "$(VNU_SHA256)  var/tools/vnu-download/vnu-jar-$(VNU_VERSION).tgz" | sha256sum --check --quiet
	tar -xzf var/tools/vnu-download/vnu-jar-$(VNU_VERSION).tgz -C var/tools/vnu-download package/build/dist/vnu.jar
	mv var/tools/vnu-download/package/build/dist/vnu.jar $@
	rm -rf var/tools/vnu-download

vnu: $(VNU_JAR)

test: venv browser epubcheck vnu
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) VNU_JAR=$(VNU_JAR) $(BIN)/pytest --create-db $(PYTEST_ARGS)

test-smoke: venv
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(BIN)/python manage.py migrate --noinput
	$(TEST_ENV) $(BIN)/pytest --create-db -m smoke $(PYTEST_ARGS)

# Every page kind, guest and signed in: the Nu HTML Checker, axe-core at 390 and 1280 px,
# and no sideways scrolling at 320 px (tests/e2e/test_validity.py; `make test` runs them too).
check-pages: venv browser vnu
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) VNU_JAR=$(VNU_JAR) $(BIN)/pytest --create-db -m validity $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: venv
	$(BIN)/python manage.py makemigrations --check --dry-run

# Debian's wrk for the load runs.
wrk:
	@test -x /usr/bin/wrk || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# Fill the separate database quire_bench (default 100,000 works; BENCH_WORKS=N to change).
bench-data: venv
	$(BIN)/python bench/generate.py --works $(or $(BENCH_WORKS),100000)

# Load run against gunicorn on 127.0.0.1 (run `make bench-data` once first).
bench: venv wrk static
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# CPU (Python and PostgreSQL) of one cold page per request, per page kind.
bench-cpu: venv
	$(BIN)/python bench/cpu.py $(BENCH_ARGS)
