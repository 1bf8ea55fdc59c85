# docgen — make demo / make test do all the set-up on a fresh Debian machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
APT_PKGS := fonts-noto-cjk fonts-arphic-ukai fonts-lxgw-wenkai poppler-utils qpdf libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 libreoffice-writer-nogui postgresql chromium chromium-driver tesseract-ocr tesseract-ocr-chi-sim

LOCK    := requirements.lock

.PHONY: setup system syscheck demo test lint format bench lock clean

setup: system $(STAMP) syscheck

# System packages: only installs what is missing (needs root or sudo; skipped when all present),
# then names anything still missing (a Chinese message and exit 1) before Python is set up.
system:
	@bash scripts/install-system.sh $(APT_PKGS)
	@$(PY) -m docgen.syscheck

# Exactly the locked versions (with hashes), then the project itself without resolving again.
$(STAMP): pyproject.toml $(LOCK)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/docgen fonts prepare
	@touch $(STAMP)

# Every run: WeasyPrint must import cleanly with warnings as errors, as the test suite runs it.
syscheck: $(STAMP)
	@$(BIN)/python -m docgen.syscheck --weasyprint

# Refresh the lock from pyproject.toml's ranges (newest versions that satisfy them), then run make test.
lock:
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --extra dev \
		--no-emit-index-url --no-emit-find-links --upgrade -o $(LOCK) pyproject.toml

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
