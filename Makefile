# nianbao — two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test sysdeps bench golden lint clean fuzz fuzz-engines fuzz-batch serve mutate

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $@

# The whole county workflow on the shipped samples, into out/.
demo: $(STAMP)
	$(BIN)/nianbao demo out

# LibreOffice (tests open generated workbooks in it) and python3-uno (tests insert/delete rows through its API),
# CJK fonts, poppler (rendered reports; reading PDFs),
# Debian's chromium and chromium-driver (the web service's browser tests, and a second PDF producer for the
# importer tests; never a downloaded browser), zbar-tools (zbarimg reads the QR codes of the printed link sheet).
sysdeps:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui libreoffice-writer-nogui"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing="$$missing python3-uno"; \
	fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing="$$missing fonts-noto-cjk"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v zbarimg >/dev/null 2>&1 || missing="$$missing zbar-tools"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# The web intake service on the demo's 2021 store and roster: prints the office URL, its password and
# two department links; Ctrl+C stops it. Runs `make demo` first when out/ has no store yet.
SERVE_STORE := out/2-收件库/2021
serve: $(STAMP)
	@test -f "$(SERVE_STORE)/receipts.jsonl" || $(BIN)/nianbao demo out >/dev/null
	@test -s out/office-password.txt || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))" > out/office-password.txt
	@echo "办公室密码 / office password: $$(cat out/office-password.txt)"
	$(BIN)/nianbao serve --store "$(SERVE_STORE)" --roster samples/roster-luobei.csv --year 2021 \
	  --deadline 2022-01-31 --previous out/2-收件库/2020 --name 萝北县 --code 230421 \
	  --office-password-file out/office-password.txt

test: $(STAMP) sysdeps
	$(BIN)/python -m pytest -q

# Longer fuzz runs than `make test` does (issue 12).
# fuzz-engines: both workbook readers over thousands of seeded XML-level mutants (a few hundred run in `make test`),
# and LO_MUTANTS appearance mutants rendered in LibreOffice (16 in `make test`): counted = shown, or a finding.
# fuzz-batch: check, annotate and compile over mutated workbooks; NIANBAO_FUZZ mutants, at most
# NIANBAO_FUZZ_SECONDS, seed NIANBAO_FUZZ_SEED.
fuzz: fuzz-engines fuzz-batch

FUZZ_EXAMPLES ?= 3000
LO_MUTANTS ?= 300
fuzz-engines: $(STAMP)
	NIANBAO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/intake/test_engines_fuzz.py
	NIANBAO_LO_MUTANTS=$(LO_MUTANTS) $(BIN)/python -m pytest -q tests/intake/test_appearance_lo.py

fuzz-batch: $(STAMP)
	NIANBAO_FUZZ=$${NIANBAO_FUZZ:-3000} NIANBAO_FUZZ_SECONDS=$${NIANBAO_FUZZ_SECONDS:-1800} \
	  $(BIN)/python -m pytest -q tests/cli/test_fuzz_batch.py

# Mutation testing of the modules that decide (issue 22): mutmut runs each module's mutants against its own
# stage's tests (tests/mutation/modules.toml); killed / survived / timeout / equivalent and the kill rate per
# module go to docs/mutation.md. MODULE=check/rules.py runs one module; SURVIVORS=1 re-runs only the mutants
# the last run left alive (after adding tests). JOBS mutants at once (2). BLIND=1: cosmic-ray over the lines
# mutmut leaves alone (decorated functions, module constants), after a mutmut run of the module.
mutate: $(STAMP)
	@test -x $(BIN)/mutmut -a -x $(BIN)/cosmic-ray || $(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	$(BIN)/python tests/mutation/mutate.py --jobs $${JOBS:-2} $(if $(MODULE),--module $(MODULE)) \
	  $(if $(SURVIVORS),--survivors) $(if $(BLIND),--blind)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# ruff pinned: a newer ruff adds rules and the same tree stops passing.
RUFF_VERSION := 0.17.6
lint: $(STAMP)
	@$(BIN)/ruff --version 2>/dev/null | grep -qx "ruff $(RUFF_VERSION)" || $(BIN)/python -m pip install --quiet "ruff==$(RUFF_VERSION)"
	$(BIN)/ruff check tool tests

clean:
	rm -rf out .pytest_cache
