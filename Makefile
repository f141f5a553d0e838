# execoach — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PAGE_PORT ?= 8080
BOT_API_PORT ?= 8081

.PHONY: setup run test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@.ci/system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# With TELEGRAM_BOT_TOKEN set: the real bot. Without: the demo's summary, then the
# local sandbox (a local Bot API with the bot and the demo organisation) and its chat
# page at http://127.0.0.1:8080 (it prints the address; PAGE_PORT=8090 make run moves it,
# BOT_API_PORT=8091 the local Bot API's port, 8081).
run: setup
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then \
		$(BIN)/execoach run; \
	else \
		$(BIN)/execoach demo && echo && $(BIN)/execoach sandbox --port $(BOT_API_PORT) --page-port $(PAGE_PORT); \
	fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/parse_speed.py
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build *.egg-info
