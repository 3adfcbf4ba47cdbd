# The two doors: `make book` and `make test`. Both create .venv when needed.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JB := $(BIN)/python -m comment_study.book.jb  # jupyter-book, without an unused import (see that module)
BUILD_FLAGS := -W -n --keep-going
# pytest-xdist: one test process per core; a module's tests, and each group of tests that read the
# whole built book, stay in one process (tests/conftest.py); the groups keep the order conftest gives.
TEST_PROCESSES := -n logical --dist loadgroup --no-loadscope-reorder

.PHONY: book test serve clean bench lock venv whatif pdf kit lab

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)  ## Build the HTML book into _build/html (cached; data or code changes re-execute)
	$(JB) build . $(BUILD_FLAGS)

whatif: $(STAMP)  ## Build the book from an edited coding sheet into _build/whatif/html: make whatif SHEET=path/to/edited-primary.csv
	@test -n "$(SHEET)" || { echo "usage: make whatif SHEET=path/to/edited-primary.csv" >&2; exit 2; }
	$(BIN)/python -m comment_study whatif "$(SHEET)"

test: $(STAMP)  ## Run every test, including strict builds of the book in temporary copies, one process per core
	$(BIN)/python -m pytest $(TEST_PROCESSES)

pdf: book  ## Print the whole book as one PDF (contents, page numbers, answer key) into _build/pdf and the HTML book
	$(BIN)/python -m comment_study.book.pdf --root .

kit: book  ## Write the study kit (student notebooks, answers, the package with its data) into _build/html/downloads
	$(BIN)/python -m comment_study.book.study_kit --root .

lab: kit  ## Open the chapters' student notebooks (from the study kit, unpacked into _build/study-kit) in JupyterLab
	$(BIN)/python -m zipfile -e _build/html/downloads/study-kit.zip _build
	$(BIN)/jupyter lab _build/study-kit/notebooks

serve: book  ## Preview the built book on http://localhost:8000
	$(BIN)/python -m http.server --directory _build/html --bind 127.0.0.1 8000

bench: $(STAMP)  ## Time a clean build, a no-change rebuild, each page's execution and `code`; record them in bench.json
	$(BIN)/python -m comment_study.book.bench --write bench.json $(if $(BASELINE),--baseline $(BASELINE))

clean:  ## Remove the built book and its execution cache (keeps .venv)
	rm -rf _build

lock:  ## Re-pin requirements.txt from requirements.in (needs network)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --output-file requirements.txt requirements.in
	printf '\n# The study package itself, editable, so chapters, tests and the CLI share one code base.\n-e .\n' >> requirements.txt
