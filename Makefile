# Every target bootstraps what it needs: uv into .tools/ when it is not on PATH, then the locked workspace.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python

.PHONY: up test lint fuzz bench sync browser-deps clean-data manuals

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

sync: .venv/.synced

up: sync
	.venv/bin/grassroots up

test: sync browser-deps
	.venv/bin/ruff check --quiet .
	.venv/bin/lint-imports --no-cache
	.venv/bin/pytest -q

lint: sync
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache

# The fuzzing of every service's OpenAPI, deep: 100 fresh random examples per operation (make test runs a quick one).
fuzz: sync
	FUZZ=deep .venv/bin/pytest tests/fuzz -q

bench: sync
	$(UV) sync --frozen --quiet --group bench  # the peer library the benchmark compares with
	.venv/bin/grassroots bench

# The operation manuals' pictures (docs/manuals/images), taken by the app itself at 390/1366 px.
manuals: sync browser-deps
	GRASSROOTS_MANUALS=1 .venv/bin/pytest -q tests/browser/test_manuals.py tests/docs/test_manuals.py

browser-deps:
	@bash deploy/scripts/browser-deps.sh

clean-data:
	rm -rf data
