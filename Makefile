# The two commands: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make demo` installs only what running needs: runbase, Optuna for its bayes sweep and
# scikit-learn for the web app's parameter importance; `make test` adds the test extras.
DEMO_STAMP := $(VENV)/.installed-demo
export RUNBASE_TEST_POSTGRES_URL ?= $(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo postgresql+psycopg://postgres@127.0.0.1:5432/test)

.PHONY: demo test lint install ui ui-test chromium haproxy bench clean docs dist

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is needed: install python3.11 and retry"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP) $(DEMO_STAMP)

$(DEMO_STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is needed: install python3.11 and retry"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[sweeps,importance]'
	touch $(DEMO_STAMP)

install: $(STAMP)

# torch, for the tests that log tensors: the CPU wheel this machine kind keeps in
# /opt/wheels (PyPI's default build is several GB of CUDA). Elsewhere those tests skip.
# With torch in place, the test-torch extra (Lightning, accelerate) installs on top of it.
TORCH_STAMP := $(VENV)/.torch
$(TORCH_STAMP): $(STAMP)
	@if $(BIN)/python -c "import torch" 2>/dev/null; then :; \
	elif ls /opt/wheels/torch-2.13.0* >/dev/null 2>&1; then \
		$(BIN)/pip install -q --find-links /opt/wheels 'torch==2.13.0'; \
	else echo "no local CPU build of torch: the torch tests will skip"; fi
	@if $(BIN)/python -c "import torch" 2>/dev/null; then $(BIN)/pip install -q -e '.[test-torch]'; fi
	@touch $@

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples build_backend
	$(BIN)/ruff format --check src tests bench examples build_backend
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy --strict --follow-imports=silent src/runbase/__init__.py src/runbase/records src/runbase/sdk src/runbase/blobs src/runbase/sweeps src/runbase/as_wandb src/runbase/integration src/runbase/errors.py src/runbase/version.py build_backend
	$(BIN)/mypy src/runbase/store src/runbase/api src/runbase/server src/runbase/importers

# The suite runs in PYTEST_WORKERS processes (pytest-xdist): most of a test's time is
# waiting on a server, a browser or a subprocess, so two workers halve the wall time on
# a 2-core machine (~20 -> ~11 min). --dist loadfile keeps a test file on one worker, so
# its module-scoped servers and stores are made once; each worker makes the session's
# own. PYTEST_WORKERS=0 runs it in one process; PYTEST_ARGS: more pytest options.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
test: $(STAMP) $(TORCH_STAMP) ui chromium haproxy
	$(MAKE) lint
	$(MAKE) ui-test
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

demo: $(DEMO_STAMP) ui
	$(BIN)/python examples/demo.py

bench: $(STAMP)
	$(BIN)/python bench/sdk.py

# The documentation site (MkDocs, Material) from docs/ into site/; a warning fails it.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The sdist and the wheel, with the web app built in, into dist/ (see docs/architecture.md).
dist: $(STAMP) ui
	$(BIN)/python -m build --outdir dist

clean:
	rm -rf $(VENV) build dist site src/*.egg-info

# The web app: built by Vite into the Python package (src/runbase/server/static).
# Its API types are generated from the server's OpenAPI schema on every build
# (runbase.server.openapi_dump, then openapi-typescript), never written by hand.
# Skipped when the build is newer than its sources; without Node the server
# still runs (API only) and the browser tests skip, so this never fails the build.
UI_STATIC := src/runbase/server/static/index.html
UI_SCHEMA := ui/generated/openapi.json
UI_TYPES := ui/src/api/schema.gen.d.ts
UI_SOURCES := $(shell find ui/src -type f -not -name '*.test.*' 2>/dev/null) ui/index.html ui/package.json ui/package-lock.json ui/vite.config.ts ui/tsconfig.json
SERVER_SOURCES := $(shell find src/runbase/server src/runbase/store -name "*.py" 2>/dev/null)

ui: $(UI_STATIC)

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	@if command -v npm >/dev/null; then cd ui && (npm ci --no-audit --no-fund || npm install --no-audit --no-fund); \
	else echo "npm not found: skipping the web app build (install Node.js >= 20.19)"; fi

$(UI_SCHEMA): $(DEMO_STAMP) $(SERVER_SOURCES)
	@mkdir -p $(dir $@)
	$(BIN)/python -m runbase.server.openapi_dump $@

$(UI_TYPES): $(UI_SCHEMA) ui/node_modules/.package-lock.json
	@if command -v npm >/dev/null; then cd ui && npm run --silent gen:api; \
	else echo "npm not found: the web app's API types are not generated"; fi

$(UI_STATIC): ui/node_modules/.package-lock.json $(UI_TYPES) $(UI_SOURCES)
	@if command -v npm >/dev/null; then cd ui && npm run build; \
	else echo "npm not found: the web app is not built"; fi

# The component tests (Vitest, in jsdom); skipped without npm.
ui-test: ui/node_modules/.package-lock.json $(UI_TYPES)
	@if command -v npm >/dev/null; then cd ui && npm test; \
	else echo "npm not found: skipping the web app's component tests"; fi

# Debian's Chromium for the browser tests (never a downloaded browser build).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@test -x /usr/bin/chromium || { ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium) >/dev/null 2>&1 \
		|| echo "could not install chromium: the browser tests will skip"; }

# Debian's haproxy: the load balancer in front of two team servers (tests/team/test_balanced.py).
haproxy:
	@test -x /usr/sbin/haproxy || { ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q haproxy) >/dev/null 2>&1 \
		|| echo "could not install haproxy: the load-balanced team server test will skip"; }
