# nianbao — two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test sysdeps bench golden lint clean fuzz

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $@

# The whole county workflow on the shipped samples, into out/.
demo: $(STAMP)
	$(BIN)/nianbao demo out

# LibreOffice (tests open generated workbooks in it), CJK fonts and poppler (rendered reports).
sysdeps:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui libreoffice-writer-nogui"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing="$$missing python3-uno"; \
	fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(STAMP) sysdeps
	$(BIN)/python -m pytest -q

# Both workbook readers over thousands of seeded XML-level mutants (a few hundred run in `make test`).
FUZZ_EXAMPLES ?= 3000
fuzz: $(STAMP)
	NIANBAO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/intake/test_engines_fuzz.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff && $(BIN)/ruff check tool tests

clean:
	rm -rf out .pytest_cache
