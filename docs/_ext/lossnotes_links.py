"""Links between the two editions, and the URLs the site is published at.

- **Language switcher.** Every page links to the same page in the other edition
  (``../<lang>/<page>.html``: the editions are sibling folders). Where a page has no
  counterpart, the switcher falls back to the other edition's home page. The switcher keeps
  the reader's ``#section`` (``docs/_static/lossnotes-language.js``): section ids are the
  same in both editions.
- **Absolute URLs.** ``site_baseurl`` (``LOSSNOTES_BASEURL``) names where the site is
  published; then the alternates (``<link rel="alternate" hreflang=...>`` for both
  editions), Sphinx's canonical links, the preview tags (sphinxext-opengraph) and the
  sitemap (sphinx-sitemap, which conf.py loads only then) use it. Alternates and sitemap
  exist only then: search engines take neither with relative URLs (Google's "Tell Google
  about localized versions of your page" asks for fully-qualified URLs; Lighthouse's
  hreflang audit fails a relative href; the sitemap protocol requires absolute ``<loc>``).
- **The 404 page** (sphinx-notfound-page, from ``docs/404.md``) links with absolute paths,
  since it is served at any missing address of its edition.
- **Read the Docs** hosts each edition as a project at ``/<language>/<version>/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from fnmatch import fnmatch
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: BCP 47 tags of the editions' Sphinx language codes.
HREFLANG = {"en": "en", "zh_CN": "zh-CN"}

#: Open Graph locales (language_TERRITORY) of the editions.
OG_LOCALE = {"en": "en_US", "zh_CN": "zh_CN"}

#: Pages every HTML edition has besides its documents.
SPECIAL_PAGES = ("genindex", "search")

LANGUAGE_SCRIPT = "lossnotes-language.js"


def hreflang(lang: str) -> str:
    """The BCP 47 tag of a Sphinx language code (``zh_CN`` -> ``zh-CN``)."""
    return HREFLANG.get(lang, lang.replace("_", "-"))


# -- Editions ----------------------------------------------------------------


def other_editions(app: Sphinx) -> list[str]:
    """The languages of the editions other than the one being built."""
    return [lang for lang in app.config.site_languages if lang != app.config.language]


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


def _site_path(config: Config, lang: str) -> str:
    """The absolute path of edition ``lang``'s folder on the server (``/en/``)."""
    root = urlsplit(config.site_baseurl).path.rstrip("/")
    return f"{root}/{edition_path(config.site_edition_paths, lang)}/"


def _absolute(app: Sphinx, lang: str, page: str) -> str:
    folder = edition_path(app.config.site_edition_paths, lang)
    return f"{app.config.site_baseurl.rstrip('/')}/{folder}/{page}{app.builder.out_suffix}"


# -- Configuration -----------------------------------------------------------


def _exclude_per_edition(app: Sphinx, config: Config) -> None:
    patterns = config.site_edition_excludes.get(config.language, ())
    config.exclude_patterns = [*config.exclude_patterns, *(f"{p}.*" for p in patterns)]


def _read_the_docs(app: Sphinx, config: Config) -> None:
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


def _published_urls(app: Sphinx, config: Config) -> None:
    """Derive the URL settings of Sphinx and the extensions from ``site_baseurl``."""
    lang = config.language or "en"
    if config.site_baseurl:
        if urlsplit(config.site_baseurl).scheme not in ("http", "https"):
            raise ExtensionError(
                f"site_baseurl (LOSSNOTES_BASEURL) must be an absolute http(s) URL, "
                f"got {config.site_baseurl!r}"
            )
        own = edition_path(config.site_edition_paths, lang)
        # Sphinx's canonical link is html_baseurl + page: the edition's folder belongs in it.
        config.html_baseurl = f"{config.site_baseurl.rstrip('/')}/{own}/"
        config.ogp_site_url = config.html_baseurl
        if "site_url" in config:  # sphinx-sitemap: <site_url><lang>/<page> and alternates
            config.site_url = f"{config.site_baseurl.rstrip('/')}/"
            if any(config.site_edition_excludes.values()):
                # sphinx-sitemap gives every page an alternate in every edition.
                logger.warning(
                    "the sitemap would list alternates of pages that site_edition_excludes "
                    "leaves out of an edition",
                    type="lossnotes",
                    subtype="sitemap",
                )
    if os.environ.get("READTHEDOCS") != "True":  # there sphinx-notfound-page knows the path
        config.notfound_urls_prefix = _site_path(config, lang)
    others = [edition for edition in config.site_languages if edition != lang]
    config.ogp_custom_meta_tags = [
        *config.ogp_custom_meta_tags,
        f'<meta property="og:locale" content="{OG_LOCALE.get(lang, lang)}" />',
        *(
            f'<meta property="og:locale:alternate" content="{OG_LOCALE.get(o, o)}" />'
            for o in others
        ),
    ]


# -- Pages -------------------------------------------------------------------


def _page_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if app.builder.format != "html":
        return
    if pagename == app.config.notfound_pagename:
        _not_found_links(app, context)
        return
    switch = []
    alternates = [(app.config.language, pagename)]
    for other in other_editions(app):
        target = counterpart(pagename, edition_pages(app, other))
        switch.append(
            {
                "lang": other,
                "hreflang": hreflang(other),
                "url": _url(app, pagename, other, target),
                "same_page": target == pagename,
            }
        )
        if target == pagename:
            alternates.append((other, pagename))
    context["lossnotes_switch"] = switch
    if not app.config.site_baseurl:  # relative alternates are invalid: none at all
        return
    links = [
        f'<link rel="alternate" hreflang="{hreflang(lang)}" '
        f"href={quoteattr(_absolute(app, lang, page))} />"
        for lang, page in sorted(alternates)
    ]
    context["metatags"] = context.get("metatags", "") + "\n".join(links) + "\n"


def _not_found_links(app: Sphinx, context: dict[str, Any]) -> None:
    """The 404 page is served at any missing address: its switcher names a server path.

    It leads to the other edition's 404 page, which offers the way back in that language.
    """
    page = f"{app.config.notfound_pagename}{app.builder.out_suffix}"
    context["lossnotes_switch"] = [
        {
            "lang": other,
            "hreflang": hreflang(other),
            "url": f"{_site_path(app.config, other)}{page}",
            "same_page": False,
        }
        for other in other_editions(app)
    ]


def _absolute_links_on_not_found(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Make the 404 page's own links server paths (``/en/index.html``), not relative ones."""
    if docname != app.config.notfound_pagename or app.builder.format != "html":
        return
    prefix = app.config.notfound_urls_prefix or "/"
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if uri and not urlsplit(uri).scheme and not uri.startswith(("/", "#")):
            reference["refuri"] = prefix + uri


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("notfound.extension")
    app.add_config_value("site_languages", ["en"], "html", types=frozenset({list, tuple}))
    app.add_config_value("site_edition_excludes", {}, "env", types=frozenset({dict}))
    app.add_config_value("site_baseurl", "", "html", types=frozenset({str}))
    app.add_config_value("site_edition_paths", {}, "html", types=frozenset({dict}))
    app.connect("config-inited", _exclude_per_edition)
    app.connect("config-inited", _read_the_docs)
    app.connect("config-inited", _published_urls, priority=600)
    app.connect("html-page-context", _page_links)
    app.add_js_file(LANGUAGE_SCRIPT, loading_method="defer")
    app.connect("doctree-resolved", _absolute_links_on_not_found)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
