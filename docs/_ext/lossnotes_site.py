"""Site features of the lossnotes editions that Sphinx and the theme do not provide.

- **Language switcher and alternates.** Every page links to the same page in the
  other edition (``../<lang>/<page>.html``; the editions are sibling folders) and
  carries ``<link rel="alternate" hreflang=...>`` for both. Where a page has no
  counterpart, the switcher falls back to the other edition's home page.
- **Sitemap.** Each edition writes ``sitemap.xml`` listing the pages of both
  editions, each with its alternates. URLs are relative unless ``site_baseurl``
  (``LOSSNOTES_BASEURL``) names where the site is published; then they, the
  alternates and Sphinx's canonical links are absolute.
- **MathJax from the site itself.** MathJax 3 is copied from the
  ``django-static-mathjax`` package (plain static files) into ``_static/mathjax``.
- **Executed notebooks.** Each executable page's notebook, as myst-nb executed it
  (outputs included), is published under ``_sources/`` and offered by the theme's
  download button.
- **Chinese search.** Sphinx 9.0.4's Chinese search language is replaced by one
  that loads the English stemmer under its real name (sphinx-doc/sphinx#14229),
  segments Chinese queries against the index's own words, adds the project's
  terms (the translators' glossary, ``locale/zh_CN/glossary.tsv``) to jieba's
  dictionary and indexes their English equivalents.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from sphinx.application import Sphinx
from sphinx.search import _MINIFIED_JS_PATH
from sphinx.search.zh import SearchChinese

HERE = Path(__file__).resolve().parent
GLOSSARY = HERE / "search_glossary.tsv"
TERMINOLOGY = HERE.parent.parent / "locale" / "zh_CN" / "glossary.tsv"
HAN = re.compile("[\u3400-\u9fff]")

#: BCP 47 tags of the editions' Sphinx language codes.
HREFLANG = {"en": "en", "zh_CN": "zh-CN"}

#: Pages every HTML edition has besides its documents.
SPECIAL_PAGES = ("genindex", "search")

#: Parts of MathJax's es5 tree the site serves: the TeX-to-CHTML component, its
#: fonts, and what it loads on demand (TeX extensions, the menu, accessibility).
MATHJAX_COMPONENT = "tex-chtml.js"
MATHJAX_PARTS = (
    MATHJAX_COMPONENT,
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "ui",
    "a11y",
    "sre",
)


# -- Editions ----------------------------------------------------------------


def _editions(app: Sphinx) -> list[str]:
    return list(app.config.site_languages)


def other_editions(app: Sphinx) -> list[str]:
    """The languages of the editions other than the one being built."""
    return [lang for lang in _editions(app) if lang != app.config.language]


def _excluded(docname: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch(docname, pattern) for pattern in patterns)


def edition_pages(app: Sphinx, lang: str) -> set[str]:
    """The pages of the ``lang`` edition.

    Both editions are built from the same sources; an edition lacks a page only
    where ``site_edition_excludes[lang]`` excludes it.
    """
    patterns = app.config.site_edition_excludes.get(lang, ())
    docs = {doc for doc in app.env.found_docs if not _excluded(doc, patterns)}
    return docs | set(SPECIAL_PAGES)


def counterpart(pagename: str, pages: set[str]) -> str:
    """The page of another edition (whose pages are ``pages``) to send a reader of ``pagename``.

    The same page where that edition has it, else that edition's home page.
    """
    return pagename if pagename in pages else "index"


def edition_path(paths: dict[str, str], lang: str) -> str:
    """The folder of edition ``lang`` under the site's root (``zh_CN``, or ``zh-cn/latest``)."""
    return paths.get(lang, lang).strip("/")


def edition_url(
    from_page: str,
    lang: str,
    page: str,
    suffix: str = ".html",
    paths: dict[str, str] | None = None,
    own: str = "",
) -> str:
    """Relative URL from ``from_page`` of edition ``own`` to ``page`` of edition ``lang``.

    ``paths`` maps an edition to its folder under the site's root; by default an edition's
    folder is its language code (``en/``, ``zh_CN/``, as ``tools/build_site.py html``
    writes them). On Read the Docs the folders are ``en/<version>`` and ``zh-cn/<version>``.
    """
    paths = paths or {}
    depth = from_page.count("/") + 1 + edition_path(paths, own).count("/")
    return f"{'../' * depth}{edition_path(paths, lang)}/{page}{suffix}"


def _url(app: Sphinx, from_page: str, lang: str, page: str) -> str:
    return edition_url(
        from_page,
        lang,
        page,
        app.builder.out_suffix,
        app.config.site_edition_paths,
        app.config.language,
    )


def _exclude_per_edition(app: Sphinx, config: Any) -> None:
    patterns = config.site_edition_excludes.get(config.language, ())
    config.exclude_patterns = [*config.exclude_patterns, *(f"{p}.*" for p in patterns)]


def _read_the_docs(app: Sphinx, config: Any) -> None:
    """On Read the Docs, each edition is a project at ``/<language>/<version>/``.

    The English project has the Chinese one as its translation; Read the Docs names
    languages in lower case with a hyphen (``zh-cn``). The site's root is the canonical
    URL of this project less its own folder.
    """
    if os.environ.get("READTHEDOCS") != "True" or config.site_edition_paths:
        return
    version = os.environ.get("READTHEDOCS_VERSION", "latest")
    config.site_edition_paths = {
        lang: f"{lang.lower().replace('_', '-')}/{version}" for lang in config.site_languages
    }
    canonical = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
    own = f"{edition_path(config.site_edition_paths, config.language)}/"
    if not config.site_baseurl and canonical.endswith(own):
        config.site_baseurl = canonical[: -len(own)]


def _edition_baseurl(app: Sphinx, config: Any) -> None:
    # Sphinx's canonical link is html_baseurl + page: the edition's folder belongs in it.
    if config.site_baseurl:
        own = edition_path(config.site_edition_paths, config.language)
        config.html_baseurl = f"{config.site_baseurl.rstrip('/')}/{own}/"


def _absolute(app: Sphinx, lang: str, page: str, suffix: str) -> str:
    folder = edition_path(app.config.site_edition_paths, lang)
    return f"{app.config.site_baseurl.rstrip('/')}/{folder}/{page}{suffix}"


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if app.builder.format != "html":
        return
    lang = app.config.language
    suffix = app.builder.out_suffix
    switch = []
    alternates = [(lang, pagename)]
    for other in other_editions(app):
        pages = edition_pages(app, other)
        target = counterpart(pagename, pages)
        switch.append(
            {
                "lang": other,
                "hreflang": HREFLANG.get(other, other.replace("_", "-")),
                "url": _url(app, pagename, other, target),
                "same_page": target == pagename,
            }
        )
        if target == pagename:
            alternates.append((other, pagename))
    context["lossnotes_switch"] = switch
    links = []
    for alt_lang, page in sorted(alternates):
        href = _url(app, pagename, alt_lang, page)
        if app.config.site_baseurl:
            href = _absolute(app, alt_lang, page, suffix)
        links.append(
            f'<link rel="alternate" hreflang="{HREFLANG.get(alt_lang, alt_lang)}" '
            f"href={quoteattr(href)} />"
        )
    context["metatags"] = context.get("metatags", "") + "\n".join(links) + "\n"
    # The download menu offers the page's reader notebook (lossnotes_notebooks_reader.py).


# -- Executed notebooks ------------------------------------------------------


def executed_notebook(app: Sphinx, docname: str) -> Path | None:
    """The notebook myst-nb executed for ``docname`` (outputs included), if any."""
    folder = Path(app.env.mystnb_config.output_folder)
    path = folder / f"{docname}.ipynb"
    return path if path.is_file() else None


def notebook_with_outputs(app: Sphinx, path: Path) -> str:
    """The notebook at ``path`` with the outputs of its execution, as JSON text.

    myst-nb 1.4.0 writes the notebook it executed, but on a cache hit (a page re-read
    with unchanged code) it writes the notebook *without* outputs: the outputs live in
    the jupyter-cache, so they are merged in from there.
    """
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    cache_path = app.config.nb_execution_cache_path
    if cache_path and Path(cache_path).is_dir():
        from jupyter_cache import get_cache

        try:
            _, notebook = get_cache(cache_path).merge_match_into_notebook(notebook)
        except KeyError:  # not in the cache: the file is what was executed
            pass
    return nbformat.writes(notebook)


def _publish_notebook(app: Sphinx, pagename: str, context: dict[str, Any]) -> None:
    if pagename not in app.env.found_docs:
        return
    notebook = executed_notebook(app, pagename)
    if notebook is None:
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(notebook_with_outputs(app, notebook), encoding="utf-8")
    # sphinx-book-theme offers ``_sources/<ipynb_source>`` in its download menu.
    context["ipynb_source"] = f"{pagename}.ipynb"


# -- MathJax -----------------------------------------------------------------


def mathjax_source() -> Path:
    """The es5 folder of the MathJax copy that the django-static-mathjax package ships."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MathJax files not found: install django-static-mathjax")
    for location in spec.submodule_search_locations:
        es5 = Path(location) / "static" / "mathjax" / "es5"
        if (es5 / MATHJAX_COMPONENT).is_file():
            return es5
    raise RuntimeError("the mathjax package holds no es5/tex-chtml.js")


def _copy_mathjax(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    stamp = target / ".source"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == str(source):
        return
    shutil.rmtree(target, ignore_errors=True)
    for part in MATHJAX_PARTS:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target / part)
    stamp.write_text(str(source), encoding="utf-8")


# -- Sitemap -----------------------------------------------------------------


def _sitemap_url(app: Sphinx, lang: str, page: str) -> str:
    suffix = app.builder.out_suffix
    if app.config.site_baseurl:
        return _absolute(app, lang, page, suffix)
    # Without a base URL, locations are relative to this edition's sitemap.xml.
    if lang == app.config.language:
        return f"{page}{suffix}"
    return _url(app, "sitemap", lang, page)


def sitemap_entries(app: Sphinx) -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
    """(language, page, alternates) for every page of every edition, in a stable order."""
    pages = {lang: edition_pages(app, lang) - set(SPECIAL_PAGES) for lang in _editions(app)}
    for lang in _editions(app):
        for page in sorted(pages[lang]):
            alternates = [(other, page) for other in _editions(app) if page in pages[other]]
            yield lang, page, alternates


def _write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"',
        '        xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for lang, page, alternates in sitemap_entries(app):
        lines.append("  <url>")
        lines.append(f"    <loc>{_xml(_sitemap_url(app, lang, page))}</loc>")
        for alt_lang, alt_page in alternates:
            lines.append(
                f'    <xhtml:link rel="alternate" hreflang="{HREFLANG.get(alt_lang, alt_lang)}"'
                f" href={quoteattr(_sitemap_url(app, alt_lang, alt_page))}/>"
            )
        lines.append("  </url>")
    lines.append("</urlset>")
    (Path(app.outdir) / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- Chinese search ----------------------------------------------------------


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


#: Splits a query like Sphinx's default splitter, then cuts every run of Han
#: characters into the longest words the search index holds (forward maximum
#: matching), so that a query such as "loss function" written without spaces
#: finds the pages whose index holds its words. An unknown run of two or more
#: characters is kept (it matches nothing, as it should); an unknown single
#: character is dropped, as the index drops single characters.
SPLIT_QUERY_JS = r"""
var splitQuery = (query) => {
  const index = typeof Search !== "undefined" ? Search._index : null;
  const known = (word) =>
    index !== null &&
    (Object.hasOwn(index.terms, word) || Object.hasOwn(index.titleterms, word));
  const han = /^\p{Script=Han}+$/u;
  const terms = [];
  query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((term) => term)
    .forEach((term) => {
      term.split(/(\p{Script=Han}+)/u).filter((part) => part).forEach((part) => {
        if (!han.test(part)) {
          terms.push(part);
          return;
        }
        let unknown = "";
        let start = 0;
        while (start < part.length) {
          let word = "";
          for (let end = Math.min(part.length, start + 12); end > start + 1; end--) {
            if (known(part.slice(start, end))) {
              word = part.slice(start, end);
              break;
            }
          }
          if (word) {
            if (unknown.length > 1) terms.push(unknown);
            unknown = "";
            terms.push(word);
            start += word.length;
          } else {
            unknown += part[start];
            start += 1;
          }
        }
        if (unknown.length > 1) terms.push(unknown);
      });
    });
  return terms;
};
"""


def _english_stemmer_code() -> str:
    # What language_data.js needs, with the class the file really defines:
    # Sphinx 9.0.4 appends "window.Stemmer = ChineseStemmer;", which is undefined.
    return "\n".join(
        (
            (_MINIFIED_JS_PATH / "base-stemmer.js").read_text(encoding="utf-8"),
            (_MINIFIED_JS_PATH / "english-stemmer.js").read_text(encoding="utf-8"),
            "window.Stemmer = EnglishStemmer;",
        )
    )


class SearchChineseSegmented(SearchChinese):
    """Sphinx's Chinese search with a working stemmer, query segmentation and glossary."""

    js_stemmer_rawcode = ""
    js_stemmer_code = _english_stemmer_code()
    js_splitter_code = SPLIT_QUERY_JS

    def __init__(self, options: dict[str, str]) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
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


def glossary_digest(path: Path = GLOSSARY, terminology: Path = TERMINOLOGY) -> str:
    """A digest of the two files the Chinese search index is built with."""
    digest = hashlib.sha256()
    for source in (terminology, path):
        digest.update(source.read_bytes() if source.is_file() else b"")
    return digest.hexdigest()[:16]


def _record_glossary(app: Sphinx, config: Any) -> None:
    # An "html" config value: when a glossary changes, Sphinx sees a changed
    # configuration and writes every page again, which rebuilds the search index.
    config.site_search_glossary = glossary_digest()


def _keep_index_entries_on_rebuild() -> None:
    """Restore the index entries of unchanged pages when Sphinx reloads its search index.

    On an incremental build Sphinx 9.0.4 reads the previous ``searchindex.js`` back
    (``IndexBuilder.load``) and re-indexes only the pages it writes again, but it does not
    read back the ``indexentries`` (here: the API reference's functions): after a rebuild
    that leaves the API page alone, searching for ``mse_grad`` would no longer offer its
    entry. The frozen form keeps the entries lower-cased with a "main" flag, which is also
    all that the next freeze writes, so the restored index is byte for byte the same.
    """
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder.load, "_lossnotes", False):
        return
    original = IndexBuilder.load

    def load(self, stream, format):
        text = stream.read()
        original(self, io.StringIO(text) if isinstance(text, str) else io.BytesIO(text), format)
        frozen = (self.formats[format] if isinstance(format, str) else format).loads(text)
        docnames = frozen["docnames"]
        restored: dict[str, list[tuple[str, str, str]]] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc, target, main in places:
                flag = "main" if main else ""
                restored.setdefault(docnames[doc], []).append((entry, target, flag))
        self._index_entries.clear()
        self._index_entries.update(restored)

    load._lossnotes = True
    IndexBuilder.load = load


def _check_jieba(app: Sphinx, config: Any) -> None:
    if (config.language or "").startswith("zh"):
        try:
            import jieba  # noqa: F401
        except ImportError as error:  # pragma: no cover - a broken install
            raise RuntimeError("the Chinese search index needs jieba: pip install jieba") from error


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("site_languages", ["en"], "html", types=frozenset({list, tuple}))
    app.add_config_value("site_edition_excludes", {}, "env", types=frozenset({dict}))
    app.add_config_value("site_baseurl", "", "html", types=frozenset({str}))
    app.add_config_value("site_edition_paths", {}, "html", types=frozenset({dict}))
    app.add_config_value("site_search_glossary", "", "html", types=frozenset({str}))
    app.connect("config-inited", _exclude_per_edition)
    app.connect("config-inited", _check_jieba)
    app.connect("config-inited", _record_glossary)
    app.connect("config-inited", _read_the_docs)
    app.connect("config-inited", _edition_baseurl)
    app.connect("builder-inited", _copy_mathjax)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _write_sitemap)
    app.add_search_language(SearchChineseSegmented)
    _keep_index_entries_on_rebuild()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


__all__ = [
    "SearchChineseSegmented",
    "counterpart",
    "edition_pages",
    "edition_url",
    "executed_notebook",
    "glossary_digest",
    "mathjax_source",
    "notebook_with_outputs",
    "read_glossary",
    "sitemap_entries",
]
