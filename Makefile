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
RUNTIME := $(VENV)/.runtime

.PHONY: demo test fuzz bench clean

define ensure_uv
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --user uv
endef

# The tests: runtime and development dependencies.
$(STAMP): pyproject.toml uv.lock
	$(ensure_uv)
	$(UV) sync --frozen --python $(PYTHON)
	$(VENV)/bin/python -m compileall -q src
	@touch $@ $(RUNTIME)

# The demo: runtime dependencies only (kept beside dev tools already installed).
$(RUNTIME): pyproject.toml uv.lock
	$(ensure_uv)
	$(UV) sync --frozen --no-dev --inexact --python $(PYTHON)
	$(VENV)/bin/python -m compileall -q src
	@touch $@

# The bundled example is not ready to ship, on purpose: NO-GO (exit 1) is the answer
# the demo shows; a usage or internal error (exit 2 or 3) still fails `make demo`.
demo: $(RUNTIME)
	@$(VENV)/bin/gonogo check examples; code=$$?; \
	if [ $$code -eq 1 ]; then \
		echo "make demo: NO-GO is the expected verdict for the bundled example (gonogo exit code 1)"; \
	elif [ $$code -ne 0 ]; then exit $$code; fi

test: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -n 2 -q

# The fuzz targets of tests/fuzz, far longer than `make test` runs them (40 examples each).
FUZZ_EXAMPLES ?= 5000
fuzz: $(STAMP)
	GONOGO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -q -n 2 -p no:randomly \
		--timeout 0 tests/fuzz

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/engine.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
