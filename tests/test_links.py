"""Every internal link, anchor and image of both built editions resolves.

A crawler over the HTML that ``tools/build_site.py html`` writes (the session's
``site`` fixture): each ``href``/``src`` that stays on the site must name a file
that exists and, with a ``#fragment``, an element of that page with that id. The
site must load no script, style sheet, image or font from elsewhere, and each
edition's sitemap must list existing pages of both editions.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

EDITIONS = ("en", "zh_CN")

pytestmark = pytest.mark.build


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.rels: list[tuple[str, str]] = []  # (rel, href) of <link>
        self.alternates: set[str] = set()  # <link rel=alternate|canonical> loads nothing

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(values[name])
        if tag in ("a", "area") and "href" in values:
            self.links.append((tag, "href", values["href"]))
        elif tag == "link" and "href" in values:
            self.links.append((tag, "href", values["href"]))
            self.rels.append((values.get("rel", ""), values["href"]))
            if values.get("rel") in ("alternate", "canonical"):
                self.alternates.add(values["href"])
        if "src" in values:
            self.links.append((tag, "src", values["src"]))
        if tag == "img" and values.get("srcset"):
            for candidate in values["srcset"].split(","):
                self.links.append((tag, "srcset", candidate.strip().split(" ")[0]))

    handle_startendtag = handle_starttag


@cache
def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector


def _pages(site: Path) -> list[Path]:
    """Every page of the site: both editions and the top-level redirect, no theme assets."""
    pages = [site / "index.html"]
    for lang in EDITIONS:
        folder = site / lang
        pages += sorted(
            path
            for path in folder.rglob("*.html")
            if not any(part.startswith("_") for part in path.relative_to(folder).parts)
        )
    return pages


def _is_external(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme or parts.netloc)


def _on_site(site: Path, url: str) -> Path | None:
    """The file an absolute URL of the published site names (with LOSSNOTES_BASEURL set)."""
    path = urlsplit(url).path
    for edition in EDITIONS:
        marker = f"/{edition}/"
        if marker in path:
            return site / edition / unquote(path.rsplit(marker, 1)[1])
    return None


def _resolve(site: Path, page: Path, value: str) -> tuple[Path, str]:
    parts = urlsplit(value)
    if _is_external(value):
        return _on_site(site, value) or Path("/nonexistent"), unquote(parts.fragment)
    target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def _problems(site: Path, page: Path) -> list[str]:
    problems = []
    where = page.relative_to(site).as_posix()
    root = site.resolve()
    for tag, attr, value in _parse(page).links:
        value = value.strip()
        if not value or value == "#" or value.startswith(("javascript:", "mailto:", "data:")):
            continue
        if _is_external(value):
            # A link a reader follows may lead anywhere; nothing may be loaded from elsewhere.
            if tag not in ("a", "area") and value not in _parse(page).alternates:
                problems.append(f"{where}: <{tag} {attr}> loads {value} from another site")
            continue
        target, fragment = _resolve(site, page, value)
        if not target.is_relative_to(root):
            problems.append(f"{where}: {value} leads outside the site")
        elif not target.is_file():
            problems.append(f"{where}: <{tag} {attr}={value!r}>: no such file")
        elif fragment and target.suffix == ".html" and fragment not in _parse(target).ids:
            problems.append(f"{where}: {value!r}: no element with id {fragment!r}")
    return problems


def test_every_internal_link_anchor_and_image_resolves(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) > 2 * 3, [p.name for p in pages]
    problems = [problem for page in pages for problem in _problems(site, page)]
    checked = sum(len(_parse(page).links) for page in pages)
    assert checked > 100 * len(EDITIONS), f"only {checked} links found: is the crawler blind?"
    assert not problems, "\n".join(problems)


def test_every_page_has_images_that_exist(site: Path) -> None:
    for lang in EDITIONS:
        page = site / lang / "experiment.html"
        images = [value for tag, attr, value in _parse(page).links if tag == "img"]
        assert len(images) >= 4, f"{page}: {images}"
        for value in images:
            target, _ = _resolve(site, page, value)
            assert target.is_file() and target.stat().st_size > 1000, value


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_names_both_editions(site: Path, lang: str) -> None:
    """hreflang alternates for both editions on every page, each naming that same page."""
    other = next(edition for edition in EDITIONS if edition != lang)
    folder = site / lang
    for page in _pages(site):
        if page.parent != folder:
            continue
        alternates = [href for rel, href in _parse(page).rels if rel == "alternate"]
        assert len(alternates) == 2, f"{page}: {alternates}"
        targets = sorted(_resolve(site, page, href)[0] for href in alternates)
        expected = sorted([page.resolve(), (site / other / page.name).resolve()])
        assert targets == expected, f"{page}: alternates {alternates}"


def test_no_style_sheet_loads_anything_from_elsewhere(site: Path) -> None:
    remote = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*(?:https?:)?//""", re.I)
    offenders = [
        path.relative_to(site).as_posix()
        for path in site.rglob("*.css")
        if remote.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, f"style sheets that fetch from other sites: {offenders}"


def test_mathjax_is_served_by_the_site(site: Path) -> None:
    for lang in EDITIONS:
        page = (site / lang / "experiment.html").read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
        mathjax = [src for src in scripts if "mathjax" in src.lower()]
        assert mathjax == [s for s in mathjax if not _is_external(s)] and mathjax, scripts
        assert (site / lang / "_static" / "mathjax" / "tex-chtml.js").is_file()
        fonts = site / lang / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
        assert len(list(fonts.glob("*.woff"))) > 10


@pytest.mark.parametrize("lang", EDITIONS)
def test_sitemap_lists_both_editions(site: Path, lang: str) -> None:
    sitemap = site / lang / "sitemap.xml"
    namespaces = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    tree = ET.parse(sitemap)
    locations = [loc.text or "" for loc in tree.getroot().findall("s:url/s:loc", namespaces)]
    pages = {
        edition: {p.name for p in _pages(site) if p.parent == site / edition}
        - {"search.html", "genindex.html"}
        for edition in EDITIONS
    }
    listed = {edition: set() for edition in EDITIONS}
    for location in locations:
        target = _resolve(site, sitemap, location)[0].resolve()
        assert target.is_file(), f"{sitemap}: {location}"
        listed[target.parent.name].add(target.name)
    assert listed == pages
    for link in tree.getroot().findall("s:url/x:link", namespaces):
        assert _resolve(site, sitemap, link.get("href", ""))[0].is_file(), link.get("href")


@pytest.mark.parametrize("lang", EDITIONS)
def test_executable_pages_offer_their_executed_notebook(site: Path, lang: str) -> None:
    import json

    page = site / lang / "experiment.html"
    notebooks = [
        value for tag, _, value in _parse(page).links if tag == "a" and value.endswith(".ipynb")
    ]
    assert notebooks == ["_sources/experiment.ipynb"], notebooks
    notebook = json.loads((site / lang / notebooks[0]).read_text(encoding="utf-8"))
    outputs = [
        output
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", ())
    ]
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code and all(cell.get("execution_count") for cell in code), "not executed"
    # The comparison table and the figures are outputs: the reader gets results, not code.
    assert any("text/markdown" in output.get("data", {}) for output in outputs)
    # Figures are glued: their PNGs are recorded under myst-nb's glue mimetype.
    assert any(key.endswith("image/png") for output in outputs for key in output.get("data", {}))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


def _site_extension():
    import importlib.util
    import sys

    path = Path(__file__).resolve().parent.parent / "docs" / "_ext" / "lossnotes_site.py"
    spec = importlib.util.spec_from_file_location("lossnotes_site", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("lossnotes_site", module)
    spec.loader.exec_module(module)
    return module


def test_switcher_targets_the_same_page_or_the_home_page() -> None:
    site = _site_extension()
    pages = {"index", "experiment", "search", "genindex"}
    assert site.counterpart("experiment", pages) == "experiment"
    assert site.counterpart("why", pages) == "index"  # no counterpart: the other home page
    assert site.edition_url("experiment", "zh_CN", "experiment") == "../zh_CN/experiment.html"
    assert site.edition_url("a/b", "en", "index") == "../../en/index.html"
    # Read the Docs: each edition is a project at /<language>/<version>/.
    rtd = {"en": "en/latest", "zh_CN": "zh-cn/latest"}
    assert (
        site.edition_url("why", "zh_CN", "why", ".html", rtd, "en") == "../../zh-cn/latest/why.html"
    )
    assert site.edition_url("why", "en", "why", ".html", rtd, "zh_CN") == "../../en/latest/why.html"


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # jieba leaves its dictionary open
def test_chinese_index_holds_whole_terms_and_their_english_equivalents() -> None:
    site = _site_extension()
    glossary = site.read_glossary()
    # From the translators' glossary (locale/zh_CN/glossary.tsv), gloss and punctuation out.
    assert glossary["交叉熵"] == ["cross-entropy"]
    assert glossary["均方误差"] == ["mean squared error (MSE)"]
    assert "，" not in glossary and "均方误差（MSE）" not in glossary
    assert glossary["损失函数"] == ["loss function"]  # search-only (docs/_ext)
    words = site.SearchChineseSegmented({}).split("交叉熵的梯度与均方误差")
    for word in ("交叉熵", "梯度", "均方误差", "cross", "entropy", "gradient", "squared"):
        assert word in words, words
    assert "熵" not in words


#: Interface strings of the theme and of Sphinx, as each edition must show them.
INTERFACE = {
    "en": (
        "Skip to main content",
        "Download this page",
        "Download notebook file",
        "© Copyright",
        "Search",
    ),
    "zh_CN": ("跳转至主要内容", "下载此页面", "下载笔记本文件", "版权所有", "搜索"),
}


@pytest.mark.parametrize("lang", EDITIONS)
def test_theme_interface_speaks_the_edition_language(site: Path, lang: str) -> None:
    other = next(edition for edition in EDITIONS if edition != lang)
    html = (site / lang / "experiment.html").read_text(encoding="utf-8")
    for text in INTERFACE[lang]:
        assert text in html, f"{lang}: interface string {text!r} missing"
    for text in INTERFACE[other][:4]:
        assert text not in html, f"{lang}: interface string {text!r} of the other edition"


def test_a_changed_glossary_changes_the_build_configuration(tmp_path) -> None:
    """Editing only a glossary makes Sphinx write every page again, and so re-index them."""
    from sphinx.builders.html._build_info import BuildInfo
    from sphinx.config import Config

    site = _site_extension()
    registered: dict[str, object] = {}

    class App:  # records what the extension's setup() registers
        def add_config_value(self, name, default, rebuild, types=frozenset()):
            registered[name] = rebuild

        def connect(self, event, handler, priority=500):
            registered.setdefault(event, []).append(handler.__name__)

        def add_search_language(self, cls):
            pass

    site.setup(App())
    assert registered["site_search_glossary"] == "html"
    assert "_record_glossary" in registered["config-inited"]

    search_only = tmp_path / "search_glossary.tsv"
    terminology = tmp_path / "glossary.tsv"
    search_only.write_bytes(site.GLOSSARY.read_bytes())
    terminology.write_bytes(site.TERMINOLOGY.read_bytes())
    assert site.glossary_digest(search_only, terminology) == site.glossary_digest()

    def build_info(digest: str) -> BuildInfo:
        config = Config({"site_search_glossary": digest})
        config.add("site_search_glossary", "", "html", frozenset({str}))
        return BuildInfo(config, config_categories=frozenset({"html"}))

    before = build_info(site.glossary_digest(search_only, terminology))
    with search_only.open("a", encoding="utf-8") as handle:
        handle.write("反向传播\tbackpropagation\n")
    after_search = site.glossary_digest(search_only, terminology)
    terminology.write_text(
        terminology.read_text(encoding="utf-8") + "softmax2\tsoftmax\t软最大\n", encoding="utf-8"
    )
    after_both = site.glossary_digest(search_only, terminology)
    assert (
        len(
            {
                before.config_hash,
                build_info(after_search).config_hash,
                build_info(after_both).config_hash,
            }
        )
        == 3
    )
    assert before == build_info(site.glossary_digest())  # unchanged files: nothing to redo
