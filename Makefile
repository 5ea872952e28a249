# lossnotes: build both editions of the site and run the tests.
# Every target bootstraps its own virtual environment (.venv) on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := _build
LANGUAGES := en zh_CN

.PHONY: help html test gettext update-po stats lint serve bench clean distclean

help:
	@echo "make html       build both editions into $(BUILD)/html/{en,zh_CN}"
	@echo "make test       run every test (library, command line, site build)"
	@echo "make gettext    extract the source strings into $(BUILD)/gettext/*.pot"
	@echo "make update-po  merge the .pot files into locale/zh_CN/LC_MESSAGES/*.po"
	@echo "make stats      translated / untranslated / fuzzy entries per catalog"
	@echo "make lint       ruff"
	@echo "make serve      preview $(BUILD)/html on http://127.0.0.1:8000/"
	@echo "make bench      run the benchmarks under benchmarks/"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs,test]'
	touch $@

html: $(STAMP)
	$(BIN)/python tools/build_site.py html --build-dir $(BUILD)

test: $(STAMP)
	$(BIN)/python -m pytest

gettext: $(STAMP)
	$(BIN)/python tools/build_site.py gettext --build-dir $(BUILD)

update-po: gettext
	$(BIN)/python tools/build_site.py update-po --build-dir $(BUILD)

stats: $(STAMP)
	$(BIN)/python tools/build_site.py stats

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks conf.py

serve: html
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(BUILD)/html 8000

bench: $(STAMP)
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(VENV)
