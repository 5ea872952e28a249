"""Sphinx configuration of the lossnotes site (both editions): settings only.

Build with ``make html``: it runs ``sphinx-build -c . docs _build/html/<lang>``
once per language (see tools/build_site.py). What Sphinx and the extensions below
do not provide lives in docs/_ext, one module per concern.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

import lossnotes

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

# -- Project -----------------------------------------------------------------
project = "lossnotes"
author = "the lossnotes developers"
copyright = "2026, the lossnotes developers"
release = lossnotes.__version__  # declared once, in src/lossnotes/__init__.py

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    # docs/_ext: private APIs of Sphinx and myst-nb, gathered and version-checked
    "lossnotes_compat",
    # what enters the translators' catalogs, and the locations they show
    "lossnotes_catalogs",
    # the edition's language in the code, execution caches, executed notebooks, glue
    "lossnotes_notebook_glue",
    # switcher, hreflang, canonical and absolute URLs; loads sphinxext-opengraph and
    # sphinx-notfound-page
    "lossnotes_links",
    # Chinese search: whole terms, English equivalents, queries without spaces
    "lossnotes_search",
    # formulas typeset by MathJax while the site is built: no MathJax in the browser
    "lossnotes_math",
    # the interactive explorer of the experiment (the explorer directive)
    "lossnotes_explorer",
    # reader notebooks in the download menu, the wheel, the zip of an edition's notebooks
    "lossnotes_notebooks_reader",
    # What the browser receives: one figure copy per scheme, inline icons, alt text, weight
    "lossnotes_pages",
    # The theme's five stylesheets as one file of the rules the site uses (PurgeCSS)
    "lossnotes_styles",
    # Exercises and their solutions (loads sphinx-exercise); only exercises are numbered
    "lossnotes_exercises",
    # The standard toggle that collapses the solutions (`:class: dropdown`)
    "sphinx_togglebutton",
]
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
language = "en"  # tools/build_site.py builds each edition with -D language=<lang>
# Absolute: Sphinx reads a relative entry against docs/, sphinx-intl against this folder.
locale_dirs = [str(ROOT / "locale")]
# One catalog per top-level page; the API reference's pages (docs/api.rst and docs/api/*)
# share api.po, so a docstring moved between them keeps its translation.
gettext_compact = True
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
# Empty: one cache per edition and library version (docs/_ext/lossnotes_notebook_glue.py).
nb_execution_cache_path = ""

# -- Editions and where they are published -------------------------------------
site_languages = ["en", "zh_CN"]
site_edition_excludes: dict[str, list[str]] = {}  # {"zh_CN": ["page"]}: page only in English
# Where the site is published (e.g. https://example.org/lossnotes/): absolute hreflang,
# canonical and preview URLs, and a sitemap. Unset: relative links and no sitemap.
site_baseurl = os.environ.get("LOSSNOTES_BASEURL", "")
if site_baseurl:  # the sitemap protocol requires absolute URLs
    extensions.append("sphinx_sitemap")
# sphinx-sitemap: each edition's pages, each with both editions as alternates.
sitemap_locales = site_languages
sitemap_url_scheme = "{lang}{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]

# What the landing page, the download menus and the reader notebooks link: the project's
# repository (LOSSNOTES_REPOSITORY, else pyproject's [project.urls] Repository) and the
# note the site checks (LOSSNOTES_NOTE_URL; unset, the note is named but not linked).
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
site_repository = (
    os.environ.get("LOSSNOTES_REPOSITORY") or PYPROJECT["project"]["urls"]["Repository"]
)
site_links = {"repository": site_repository, "note": os.environ.get("LOSSNOTES_NOTE_URL", "")}

# Link previews (sphinxext-opengraph): title, description and meta description from each
# page, in its edition's language. ogp_image: a file under _static, or an absolute URL.
ogp_image = None
ogp_image_alt = None
ogp_social_cards = {"enable": False}  # no generated cards: they would need the CJK font
ogp_type = "article"

# The 404 page of each edition (sphinx-notfound-page) is docs/404.md, translated like
# every page; its links are server paths (notfound_urls_prefix, set per edition).

# -- Exercises -----------------------------------------------------------------
# A solution opens and closes by its title or the button beside it; no hint text beside
# the button (sphinx-togglebutton ships no zh_CN words, and the title says what is inside).
togglebutton_hint = ""
togglebutton_hint_hide = ""

# -- HTML --------------------------------------------------------------------
html_title = "lossnotes"
html_favicon = str(ROOT / "docs" / "_static" / "favicon.svg")
html_theme = "sphinx_book_theme"
html_static_path = [str(ROOT / "docs" / "_static")]
templates_path = [str(ROOT / "docs" / "_templates")]
html_css_files = ["lossnotes.css", "translation-progress.css"]
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
# Formulas typeset while the site is built (docs/_ext/lossnotes_math.py), by MathJax 3 in
# Node.js (npm's mathjax-full, which `npm ci` installs); pages carry finished markup.
html_math_renderer = "lossnotes"
