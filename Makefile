# docgen — make demo / make test do all the set-up on a fresh Debian machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
APT_PKGS := fonts-noto-cjk fonts-arphic-ukai poppler-utils qpdf libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 libreoffice-writer-nogui postgresql

.PHONY: setup system venv demo test lint format bench clean

setup: system $(STAMP)

# System packages: only installs what is missing (needs root or sudo; skipped when all present).
system:
	@bash scripts/install-system.sh $(APT_PKGS)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/docgen fonts prepare
	@touch $(STAMP)

demo: setup
	rm -rf demo-workspace
	$(BIN)/docgen demo demo-workspace

test: setup lint
	$(BIN)/pytest -n 2 -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info demo-workspace
