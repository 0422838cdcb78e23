# The two commands of the README: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
POSTGRES_TEST_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

.PHONY: install lock run test test-sqlite test-postgres lint format messages clean

# Every package at the version and hash of requirements.lock, then the project itself without resolving again.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# After a change of dependencies in pyproject.toml: pins every package (with its hashes) for every platform.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --universal --python-version 3.11 \
		--quiet -o requirements.lock

run: install
	$(BIN)/emicronora migrate
	$(BIN)/emicronora demo --if-empty
	$(BIN)/emicronora serve --with-worker

test: install lint test-sqlite

test-sqlite: install
	$(BIN)/pytest

# The same suite against PostgreSQL; .ci/run calls it after `make test`.
test-postgres: install
	EMICRONORA_TEST_DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extracts every translatable string into the French catalogue (then translate the new entries).
messages: install
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k lazy -k gettext_ -o emicronora/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i emicronora/translations/messages.pot -d emicronora/translations -l fr

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
