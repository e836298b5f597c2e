# gonogo: two commands set everything up on a fresh machine with Python and pip.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system
# Byte-compile on install: start-up stays fast even where PYTHONDONTWRITEBYTECODE is set.
export UV_COMPILE_BYTECODE := 1
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PYTHON) -m uv
endif
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: demo test bench clean

$(STAMP): pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --user uv
	$(UV) sync --frozen --python $(PYTHON)
	$(VENV)/bin/python -m compileall -q src
	@touch $@

demo: $(STAMP)
	-$(VENV)/bin/gonogo check examples

test: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -n 2 -q

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/engine.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
