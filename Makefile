# lossnotes: build both editions of the site and run the tests.
# Every target bootstraps its own virtual environment (.venv) on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := _build
PORT   ?= 8000
LANGUAGES := en zh_CN

.PHONY: help html test test-fast gettext update-po stats check-po lint serve bench clean distclean

help:
	@echo "make html       build both editions into $(BUILD)/html/{en,zh_CN}"
	@echo "make test       run every test (library, command line, catalogs, site build)"
	@echo "make test-fast  the tests that need no site build (library, command line, catalogs)"
	@echo "make gettext    extract the source strings into $(BUILD)/gettext/*.pot"
	@echo "make update-po  merge the .pot files into locale/zh_CN/LC_MESSAGES/*.po"
	@echo "make stats      translated / untranslated / fuzzy entries per catalog"
	@echo "make check-po   what is missing, fuzzy, malformed or out of date in the catalogs"
	@echo "make lint       the pre-commit hooks: ruff, codespell, validate-pyproject, sphinx-lint, mypy"
	@echo "make serve      build, then preview $(BUILD)/html on http://127.0.0.1:$(PORT)/"
	@echo "make bench      run the benchmarks under benchmarks/"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs,test,lint]'
	touch $@

# Node.js packages, as package-lock.json pins them: MathJax (mathjax-full), which typesets
# the formulas while the site is built, and axe-core for the browser tests.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

html: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/build_site.py html --build-dir $(BUILD)

# One build of both editions per session, shared by every test that needs the site.
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/build_site.py validate
	$(BIN)/python -m pytest

# The edit loop: library, command line and catalogs; no site build (about 90 s on 2 cores).
# Work stealing keeps both workers busy to the end, where a few figure tests of 4-10 s each
# would otherwise leave one idle: 115 s -> 95 s on this suite.
test-fast: $(STAMP)
	$(BIN)/python tools/build_site.py validate
	$(BIN)/python -m pytest -m "not build" -n auto --dist worksteal

gettext: $(STAMP)
	$(BIN)/python tools/build_site.py gettext --build-dir $(BUILD)

update-po: gettext
	$(BIN)/python tools/build_site.py update-po --build-dir $(BUILD)

stats: $(STAMP)
	$(BIN)/python tools/build_site.py stats

check-po: $(STAMP)
	$(BIN)/python tools/build_site.py check --build-dir $(BUILD)

# The hooks of .pre-commit-config.yaml (ruff check and format, codespell, validate-pyproject,
# sphinx-lint, mypy) on every file, with the versions the lint extra installed into .venv.
lint: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

# The assembled site is plain static files: any web server can publish $(BUILD)/html.
# tools/serve.py serves it on 127.0.0.1 as a static host does, 404 pages included.
serve: html
	$(BIN)/python tools/serve.py --directory $(BUILD)/html --port $(PORT)

bench: $(STAMP)
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(VENV)
