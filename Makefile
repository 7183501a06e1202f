# Kaoping — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6 needs Python 3.12+. Find one: $PYTHON, then python3.13/3.12 on PATH, then pyenv's.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
UV_VERSION := 0.9.7
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export UV_PYTHON_DOWNLOADS := never
export PYTHONPATH := src

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: python-check
python-check:
	@test -n "$(PYTHON)" || { echo "需要 Python 3.12 或更高版本(Django 6 的要求)。请安装后用 PYTHON=/path/to/python3.12 make ... 指定。"; exit 1; }

$(UV): | python-check
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

src/kaoping/static/vendor/.installed: node_modules/.installed
	mkdir -p src/kaoping/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/@picocss/pico/css/pico.min.css node_modules/echarts/dist/echarts.min.js src/kaoping/static/vendor/
	mkdir -p src/kaoping/static/vendor/fonts
	cp node_modules/@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf node_modules/@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf src/kaoping/static/vendor/fonts/
	@touch $@

.PHONY: install
install: $(VENV)/.installed src/kaoping/static/vendor/.installed ## Install Python and front-end dependencies (idempotent)

.PHONY: demo
demo: install ## Install everything, load the demo campaigns into SQLite and start the app on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "演示账号见上方列表(密码均为 kaoping-demo),说明见 docs/web.md。打开 http://$(HOST):$(PORT)/"
	@# the task worker (standings recomputes, long imports) runs beside the web server and stops with it
	@$(PY) manage.py db_worker --interval 0.5 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: lint
lint: install ## ruff, mypy, import contracts and migrations check
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

.PHONY: test
test: install lint ## Run every check and test (SQLite; browser tests use /usr/bin/chromium)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: install ## Run the test suite against PostgreSQL (DATABASE_URL, default local postgres)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kaoping} $(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: bench
bench: install ## Run the benchmarks (engine at province scale, pages, live rating); figures go to benchmarks/results/
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_pages.py
	$(PY) benchmarks/bench_rating.py

.PHONY: clean
clean: ## Remove the virtualenv, node modules, vendored assets and local data
	rm -rf .tools $(VENV) node_modules src/kaoping/static/vendor var
