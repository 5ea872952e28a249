"""Sphinx configuration of the lossnotes site (both editions).

Build with ``make html``: it runs ``sphinx-build -c . docs _build/html/<lang>``
once per language (see tools/build_site.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

import lossnotes

ROOT = Path(__file__).resolve().parent

# -- Project -----------------------------------------------------------------
project = "lossnotes"
author = "the lossnotes developers"
copyright = "2026, the lossnotes developers"
release = lossnotes.__version__  # declared once, in src/lossnotes/__init__.py

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
nitpicky = True

# -- API reference -------------------------------------------------------------
# numpy-style docstrings (scipy.special's conventions), read by napoleon. Types stay the
# docstrings' plain words ("array_like, shape (..., K)"), not cross-references; the
# signatures show no annotations, which the docstrings already spell out.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_param = False
napoleon_use_rtype = False
napoleon_use_ivar = True
autodoc_typehints = "none"
autodoc_member_order = "bysource"
# The API reference lists its modules itself: no separate module index page.
html_domain_indices = False
# Attribute types ("ndarray, shape (n, n)") are words, not classes; and scipy's
# documentation, named in "See also", is not linked from an offline build.
nitpick_ignore_regex = [
    ("py:class", r"ndarray|shape|array_like|optional|n|K|\d+|steps \+ 1"),
    ("py:obj", r"scipy\.special\..*"),
]

# -- Languages ---------------------------------------------------------------
language = "en"
# Absolute: Sphinx reads a relative entry against docs/, sphinx-intl against this folder.
locale_dirs = [str(ROOT / "locale")]
gettext_compact = False
gettext_uuid = False
gettext_location = True
gettext_allow_fuzzy_translations = False
# Mark each translatable element "translated" or "untranslated" (Sphinx 7.1+), so that a
# page still being translated is flagged for readers (docs/_static/translation-progress.css).
translation_progress_classes = True

# -- MyST and notebooks ------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_output_stderr = "warn"  # anything a cell writes to stderr (a missing glyph too) fails -W
nb_merge_streams = True
nb_render_markdown_format = "myst"
nb_execution_cache_path = ""  # set per language and library version in _configure()

# -- HTML --------------------------------------------------------------------
# Site features: language switcher, hreflang alternates, sitemap, MathJax served
# locally, executed notebooks for download, Chinese search (docs/_ext/lossnotes_site.py).
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
extensions.append("lossnotes_site")
site_languages = ["en", "zh_CN"]
site_edition_excludes: dict[str, list[str]] = {}  # {"zh_CN": ["page"]}: page only in English
# Where the site is published (e.g. https://example.org/lossnotes/): absolute hreflang,
# sitemap and canonical URLs. Unset: relative links and sitemap entries.
site_baseurl = os.environ.get("LOSSNOTES_BASEURL", "")

html_title = "lossnotes"
html_favicon = str(ROOT / "docs" / "_static" / "favicon.svg")
html_theme = "sphinx_book_theme"
html_static_path = [str(ROOT / "docs" / "_static")]
templates_path = [str(ROOT / "docs" / "_templates")]
html_css_files = ["lossnotes.css", "translation-progress.css"]
html_js_files = ["lossnotes.js"]
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "article_header_end": ["language-switcher.html", "article-header-buttons.html"],
    "navigation_with_keys": False,
    # Search lives in the primary sidebar; no second search field in an otherwise empty top bar.
    "navbar_persistent": [],
}
# Light or dark as the reader's system prefers, until the reader picks one.
html_context = {"default_mode": "auto"}
# MathJax 3 from the site itself (copied from the django-static-mathjax package).
mathjax_path = "mathjax/tex-chtml.js"


def _library_digest() -> str:
    """A digest of everything the notebooks' outputs depend on besides their own cells."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "src" / "lossnotes").rglob("*.py"))
    sources += sorted((ROOT / "locale").glob("*/LC_MESSAGES/lossnotes.po"))
    sources += sorted((ROOT / "locale").glob("*/glossary.tsv"))  # glued into the guide
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _configure(app, config) -> None:
    """Per-edition settings that depend on the language given with -D (runs after overrides)."""
    lang = config.language or "en"
    # The notebook kernel inherits this process's environment: it draws in this language.
    os.environ["LOSSNOTES_LANG"] = lang
    os.environ["LOSSNOTES_LOCALE_DIR"] = str(ROOT / "locale")
    if not config.nb_execution_cache_path:
        # jupyter-cache keys on cell source only: one cache per language and per library
        # version, so neither the other language's figures nor stale ones are reused. It sits
        # beside the doctree folders, so the gettext builder (English) reuses the English one.
        base = Path(app.doctreedir).parent
        cache = base / f"jupyter_cache-{lang}-{_library_digest()}"
        for old in base.glob(f"jupyter_cache-{lang}-*"):
            if old != cache:
                shutil.rmtree(old, ignore_errors=True)
        config.nb_execution_cache_path = str(cache)


def _per_edition_output_folder(app) -> None:
    """Keep executed notebooks and their images under this edition's doctree folder.

    myst-nb writes them to ``<outdir>/../jupyter_execute``, which both editions
    would share and which would sit inside the published site.
    """
    folder = Path(app.doctreedir) / "jupyter_execute"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


class _KeepOutputsAndEquationsOutOfCatalogs(SphinxTransform):
    """Mark notebook cell outputs and display equations untranslatable.

    Outputs are computed by lossnotes in the build's language (their wording is translated
    through lossnotes.po), so they must neither become msgids nor be looked up in the page
    catalogs. This lets the gettext builder execute the notebooks, which it must: a
    ``{glue:figure}`` caption exists only once its figure has been computed.

    Display equations are the same in both editions. Left translatable, a changed msgstr
    would be re-parsed by Sphinx as a reStructuredText literal block (``::``) through the
    MyST parser and render as ``::`` instead of the equation; keeping them out of the
    catalogs removes that trap (the words around an equation are translated as usual).
    """

    default_priority = 5  # before Sphinx's i18n transforms (10 and 20)

    def apply(self, **kwargs) -> None:
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False
        # The API reference's section labels ("Parameters", "Notes") are written by napoleon
        # in the build's language already, through Sphinx's own catalog.
        for desc in self.document.findall(addnodes.desc_content):
            for node in desc.findall(lambda n: isinstance(n, nodes.field_name | nodes.rubric)):
                node["translatable"] = False
        for container in self.document.findall(nodes.container):
            if "cell_output" in container.get("classes", ()):
                for node in container.findall(nodes.TextElement):
                    node["translatable"] = False


def _share_glue_data_with_translations() -> None:
    """Let ``{glue:text}`` roles inside translated paragraphs find the page's glued values.

    Sphinx's i18n ``Locale`` transform parses every msgstr into a fresh docutils document,
    after the page's own parse has finished, while myst-nb's glue roles look the notebook's
    data up on the renderer of the document being parsed, which exists only during that
    parse. Without this, every glued number in a translated paragraph is dropped with "No key
    ... found". myst-nb writes each page's glued values to ``<page>.glue.json`` in its output
    folder when the page is parsed; a role parsed outside the page's parse reads them there.
    Roles that render rich outputs still need the page's renderer: translated text uses
    ``{glue:text}`` only.
    """
    from myst_nb.core.variables import VariableOutput
    from myst_nb.ext.glue import directives, roles, utils
    from myst_nb.ext.glue.crossref import read_glue_cache

    original = utils.retrieve_glue_data

    def _retrieve_glue_data(document, key):
        env = getattr(document.settings, "env", None)
        if "nb_renderer" in document or env is None:
            return original(document, key)
        data = read_glue_cache(env.mystnb_config.output_folder, env.docname)
        if key not in data:
            return original(document, key)  # raises myst-nb's own "No key" error
        return VariableOutput(
            data=data[key]["data"],
            metadata=data[key].get("metadata", {}),
            nb_renderer=None,
            vtype="glue",
        )

    roles.retrieve_glue_data = _retrieve_glue_data
    directives.retrieve_glue_data = _retrieve_glue_data


def _docstring_locations(app, doctree, docname) -> None:
    """Catalog locations of docstring text: the .py file and its line, for the translator.

    autodoc marks its text as coming from "<file>.py:docstring of <name>", a source with
    spaces that gettext's location comments cannot hold.
    """
    if app.builder.name != "gettext":
        return
    import importlib
    import inspect

    def first_line(name: str) -> int | None:
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attr in parts[cut:]:
                    obj = getattr(obj, attr)
                return inspect.getsourcelines(obj)[1]
            except (AttributeError, OSError, TypeError):
                return None
        return None

    for node in doctree.findall(nodes.Element):
        path, marker, name = (node.source or "").partition(":docstring of ")
        if not marker:
            continue
        start = first_line(name)
        node.source = path
        if start is not None and node.line is not None:
            node.line = start + node.line


def setup(app):
    app.add_transform(_KeepOutputsAndEquationsOutOfCatalogs)
    app.connect("doctree-resolved", _docstring_locations)
    _share_glue_data_with_translations()
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _per_edition_output_folder, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
