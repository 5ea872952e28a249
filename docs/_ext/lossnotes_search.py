"""Search in the Chinese edition: whole terms, English equivalents, queries without spaces.

Sphinx's Chinese search language (jieba) is replaced by one that

- adds the project's terms (the translators' glossary, ``locale/zh_CN/glossary.tsv``, and
  the search-only words of ``search_glossary.tsv`` beside this file) to jieba's dictionary,
  so that 交叉熵 is indexed as one word, and indexes their English equivalents wherever
  they occur, so that an English query finds the Chinese pages too;
- loads the English stemmer under its real name (see :mod:`lossnotes_compat`);
- splits a query typed without spaces against the index's own words, in the browser
  (``docs/_static/lossnotes-search.js``, loaded by the search page only).

A changed glossary changes the configuration value ``site_search_glossary``, which makes
Sphinx write every page again and so rebuild the search index.
"""

from __future__ import annotations

import hashlib
import logging as std_logging
import re
from pathlib import Path
from typing import Any

import lossnotes_compat
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.search.zh import SearchChinese

HERE = Path(__file__).resolve().parent
GLOSSARY = HERE / "search_glossary.tsv"
TERMINOLOGY = HERE.parent.parent / "locale" / "zh_CN" / "glossary.tsv"
SEARCH_SCRIPT = "lossnotes-search.js"
HAN = re.compile("[\u3400-\u9fff]")


def read_glossary(path: Path = GLOSSARY, terminology: Path = TERMINOLOGY) -> dict[str, list[str]]:
    """Chinese term -> English equivalents, for the Chinese search index.

    The terms come from the translators' glossary (``locale/zh_CN/glossary.tsv``:
    key, English, Chinese; a parenthesised gloss such as "（MSE）" is left out and rows
    with no Chinese word, such as punctuation, are skipped) and from
    ``search_glossary.tsv`` (Chinese, then English equivalents separated by commas),
    which adds words that matter to search only.
    """
    glossary: dict[str, list[str]] = {}
    if terminology.is_file():
        for line in terminology.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if line.startswith("#") or len(fields) < 3:
                continue
            chinese = re.split(r"[（(]", fields[2], maxsplit=1)[0].strip()
            if HAN.search(chinese):
                glossary.setdefault(chinese, []).append(fields[1].strip())
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        chinese, _, english = line.partition("\t")
        terms = [term.strip() for term in english.split(",") if term.strip()]
        glossary.setdefault(chinese.strip(), []).extend(terms)
    return glossary


def glossary_digest(path: Path = GLOSSARY, terminology: Path = TERMINOLOGY) -> str:
    """A digest of the two files the Chinese search index is built with."""
    digest = hashlib.sha256()
    for source in (terminology, path):
        digest.update(source.read_bytes() if source.is_file() else b"")
    return digest.hexdigest()[:16]


class SearchChineseSegmented(SearchChinese):
    """Sphinx's Chinese search with a working stemmer and the project's glossary."""

    js_stemmer_rawcode = ""  # the stemmer comes whole from js_stemmer_code

    def __init__(self, options: dict[str, str]) -> None:
        import jieba

        jieba.setLogLevel(std_logging.WARNING)
        self.js_stemmer_code = lossnotes_compat.english_stemmer_js()
        self.glossary = read_glossary()
        for term in self.glossary:
            jieba.add_word(term)
        super().__init__(options)

    def split(self, input: str) -> list[str]:
        words = super().split(input)
        english = [
            word
            for term in words
            for phrase in self.glossary.get(term, ())
            for word in self.latin1_letters.findall(phrase)
        ]
        self.latin_terms.update(english)
        return words + english


def _chinese_only(app: Sphinx, config: Config) -> None:
    if not (config.language or "").startswith("zh"):
        # Sphinx copies html_static_path less exclude_patterns: no unused script deployed.
        config.exclude_patterns = [*config.exclude_patterns, SEARCH_SCRIPT]
    else:
        try:
            import jieba  # noqa: F401
        except ImportError as error:  # pragma: no cover - a broken install
            raise ExtensionError(
                "the Chinese search index needs jieba: pip install -e '.[docs]'"
            ) from error


def _record_glossary(app: Sphinx, config: Config) -> None:
    # An "html" config value: when a glossary changes, Sphinx sees a changed
    # configuration and writes every page again, which rebuilds the search index.
    config.site_search_glossary = glossary_digest()


def _search_page_script(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if pagename == "search" and (app.config.language or "").startswith("zh"):
        app.add_js_file(SEARCH_SCRIPT)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("lossnotes_compat")
    app.add_config_value("site_search_glossary", "", "html", types=frozenset({str}))
    app.connect("config-inited", _chinese_only)
    app.connect("config-inited", _record_glossary)
    app.connect("html-page-context", _search_page_script)
    app.add_search_language(SearchChineseSegmented)
    lossnotes_compat.keep_index_entries_on_reload()
    lossnotes_compat.index_entries_in_page_order()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
