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
        if tag in ("img", "source") and values.get("srcset"):
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
    if parts.path.startswith("/"):  # a server path (the 404 pages): the site is served at /
        target = (site / unquote(parts.path).lstrip("/")).resolve()
    else:
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
        # each figure: the light copy in <img src>, the dark one in <source srcset>
        links = _parse(page).links
        images = [value for tag, _, value in links if tag == "img"]
        dark = [value for tag, _, value in links if tag == "source"]
        assert len(images) >= 2 and len(dark) == len(images), f"{page}: {images} {dark}"
        images += dark
        for value in images:
            target, _ = _resolve(site, page, value)
            assert target.is_file() and target.stat().st_size > 1000, value


class _Switch(HTMLParser):
    """The language switcher's links: (href, hreflang) of ``a.lossnotes-language-switch``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "lossnotes-language-switch" in values.get("class", "").split():
            self.links.append((values.get("href", ""), values.get("hreflang", "")))


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_names_both_editions(site: Path, lang: str) -> None:
    """Every page links the same page of the other edition, with its hreflang.

    Built without a base URL, no page carries ``<link rel="alternate">``: relative
    alternates are invalid (Google asks for fully-qualified URLs; Lighthouse's hreflang audit
    fails them). The published site's absolute alternates: the base-URL test below.
    """
    other = next(edition for edition in EDITIONS if edition != lang)
    folder = site / lang
    for page in _pages(site):
        if page.parent != folder or page.name == "404.html":
            continue
        alternates = [href for rel, href in _parse(page).rels if rel == "alternate"]
        assert not alternates, f"{page}: relative alternates {alternates}"
        switch = _Switch()
        switch.feed(page.read_text(encoding="utf-8"))
        assert len(switch.links) == 1, f"{page}: {switch.links}"
        href, tag = switch.links[0]
        assert tag == {"en": "en", "zh_CN": "zh-CN"}[other], f"{page}: hreflang {tag}"
        assert _resolve(site, page, href)[0] == (site / other / page.name).resolve(), href


def test_no_style_sheet_loads_anything_from_elsewhere(site: Path) -> None:
    remote = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*(?:https?:)?//""", re.I)
    offenders = [
        path.relative_to(site).as_posix()
        for path in site.rglob("*.css")
        if remote.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, f"style sheets that fetch from other sites: {offenders}"


def test_formulas_arrive_typeset_with_every_glyph_on_the_page(site: Path) -> None:
    """MathJax ran while the site was built: SVG formulas, no MathJax script, no web font."""
    for lang in EDITIONS:
        for name in ("experiment.html", "training.html", "api/closed-forms.html"):
            page = (site / lang / name).read_text(encoding="utf-8")
            scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
            assert not [src for src in scripts if "mathjax" in src.lower()], scripts
            formulas = page.count('<mjx-container class="MathJax" jax="SVG"')
            least = 10 if name.startswith("api/") else 20  # an API page holds fewer
            assert formulas == page.count('class="math notranslate') > least, name
            assert page.count("<mjx-assistive-mml") == formulas  # what screen readers read
            assert page.count('id="MJX-SVG-global-cache"') == 1
            used = set(re.findall(r'xlink:href="#([^"]+)"', page))
            defined = set(re.findall(r'<path id="(MJX-[^"]+)"', page))
            assert used and used == defined, (lang, name, used ^ defined)
            assert "@font-face" not in page and ".woff" not in page


def test_no_sitemap_without_a_base_url(site: Path) -> None:
    """The sitemap protocol requires absolute URLs: without LOSSNOTES_BASEURL, no sitemap."""
    for lang in EDITIONS:
        assert not (site / lang / "sitemap.xml").exists()
        page = (site / lang / "experiment.html").read_text(encoding="utf-8")
        assert 'rel="canonical"' not in page


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_has_preview_tags_in_its_language(site: Path, lang: str) -> None:
    """Meta description, Open Graph and locale tags on every page (sphinxext-opengraph)."""
    cjk = re.compile(r"[\u3400-\u9fff]")
    other = next(edition for edition in EDITIONS if edition != lang)
    locale = {"en": "en_US", "zh_CN": "zh_CN"}
    for page in _pages(site):
        if page.parent != site / lang or page.name in ("404.html", "search.html", "genindex.html"):
            continue
        html = page.read_text(encoding="utf-8")
        tags = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
        for tag in ("description", "og:title", "og:description", "og:type", "og:url"):
            assert tags.get(tag), f"{page}: no {tag}"
        assert tags["og:url"] == page.name  # relative: no base URL in this build
        assert tags["og:locale"] == locale[lang], page
        assert f'<meta property="og:locale:alternate" content="{locale[other]}" />' in html
        assert bool(cjk.search(tags["description"])) == (lang == "zh_CN"), (page, tags)
        # spaced as the page is: "starts at −1000", "是 −1，", never "at-1000" or "−1 ，"
        for tag in ("description", "og:description"):
            text = tags[tag]
            assert not re.search(r"[A-Za-z\u3400-\u9fff][-\u2212]\d|\s[，。；：、）]", text), text
            assert not re.search(r"(?<![\de])-\d", text), f"{page}: hyphen for minus: {text}"
        # the preview image is the landing page's lead figure, described in this language
        assert tags["og:image:alt"] != "lossnotes", page
        assert bool(cjk.search(tags["og:image:alt"])) == (lang == "zh_CN"), tags["og:image:alt"]
    # The index and search pages have no text of their own to preview: a meta description
    # from the templates (Lighthouse's SEO audit asks for one), in the edition's language.
    for name in ("genindex.html", "search.html"):
        html = (site / lang / name).read_text(encoding="utf-8")
        (description,) = re.findall(r'<meta name="description" content="([^"]+)"', html)
        assert "lossnotes" in description
        assert bool(cjk.search(description)) == (lang == "zh_CN"), description


@pytest.mark.parametrize("lang", EDITIONS)
def test_404_page_leads_back_to_the_edition(site: Path, lang: str) -> None:
    """Served at any missing address of its edition, the 404 page links by server paths."""
    page = site / lang / "404.html"
    collector = _parse(page)
    links = {value for tag, attr, value in collector.links if tag == "a"}
    assert f"/{lang}/index.html" in links
    other = next(edition for edition in EDITIONS if edition != lang)
    assert f"/{other}/404.html" in links  # the language switch: the way back in that language
    stylesheets = [href for rel, href in collector.rels if rel == "stylesheet"]
    assert stylesheets and all(href.startswith(f"/{lang}/_static/") for href in stylesheets)
    html = page.read_text(encoding="utf-8")
    heading = re.search(r"<h1>(.*?)<", html).group(1)
    assert heading == {"en": "Page not found", "zh_CN": "找不到此页面"}[lang]
    assert "sitemap" not in html and 'rel="alternate"' not in html


def _tiny_site(folder: Path) -> Path:
    docs = folder / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Tiny\n\nA page about cross-entropy.\n\n## A section\n\nMore words here.\n\n"
        "```{toctree}\nwhy\n```\n",
        encoding="utf-8",
    )
    (docs / "why.md").write_text("# Why\n\nBecause of the gradient.\n", encoding="utf-8")
    return docs


def test_a_published_site_has_absolute_urls_and_a_sitemap(tmp_path: Path) -> None:
    """With LOSSNOTES_BASEURL: canonical, alternates, previews and sitemap are absolute."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    docs = _tiny_site(tmp_path)
    base = "https://example.org/lossnotes/"
    env = {**os.environ, "LOSSNOTES_BASEURL": base}
    for lang in EDITIONS:
        result = subprocess.run(
            [
                *(sys.executable, "-m", "sphinx", "-b", "html", "-c", str(root), "-W", "-q"),
                *("-D", f"language={lang}", "-D", "ogp_image=_static/favicon.svg"),
                *("-d", str(tmp_path / "doctrees" / lang), str(docs), str(tmp_path / lang)),
            ],
            capture_output=True,
            text=True,
            cwd=root,
            env=env,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    namespaces = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    for lang in EDITIONS:
        tree = ET.parse(tmp_path / lang / "sitemap.xml")
        entries = {
            url.find("s:loc", namespaces).text: {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", namespaces)
            }
            for url in tree.getroot().findall("s:url", namespaces)
        }
        assert set(entries) == {f"{base}{lang}/index.html", f"{base}{lang}/why.html"}
        for location, alternates in entries.items():
            page = location.rsplit("/", 1)[1]
            assert alternates == {
                "en": f"{base}en/{page}",
                "zh-CN": f"{base}zh_CN/{page}",
            }
        html = (tmp_path / lang / "why.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{base}{lang}/why.html" />' in html
        for tag, edition in (("en", "en"), ("zh-CN", "zh_CN")):
            alternate = f'<link rel="alternate" hreflang="{tag}" href="{base}{edition}/why.html" />'
            assert alternate in html
        assert f'<meta property="og:url" content="{base}{lang}/why.html" />' in html
        image = f'<meta property="og:image" content="{base}{lang}/_static/favicon.svg" />'
        assert image in html
        not_found = (tmp_path / lang / "404.html").read_text(encoding="utf-8")
        assert f'href="/lossnotes/{lang}/index.html"' in not_found


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
    # The reader notebook's install and setup cells are the reader's to run.
    ran = [cell for cell in code if cell.get("outputs")]
    assert ran and all(cell.get("execution_count") for cell in ran), "not executed"
    # The comparison table and the figures are outputs: the reader gets results, not code.
    assert any("text/markdown" in output.get("data", {}) for output in outputs)
    # Figures are glued: their PNGs are recorded under myst-nb's glue mimetype.
    assert any(key.endswith("image/png") for output in outputs for key in output.get("data", {}))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    # The notebook draws in its edition's language, run anywhere: its edition cell says so.
    editions = [cell for cell in code if "edition" in cell["metadata"].get("tags", [])]
    assert len(editions) == 1 and f'lang = "{lang}"' in "".join(editions[0]["source"])


def _extension(name: str):
    """A module of docs/_ext, imported as conf.py makes Sphinx import it."""
    import importlib
    import sys

    folder = str(Path(__file__).resolve().parent.parent / "docs" / "_ext")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)


def test_switcher_targets_the_same_page_or_the_home_page() -> None:
    links = _extension("lossnotes_links")
    pages = {"index", "experiment", "search", "genindex"}
    assert links.counterpart("experiment", pages) == "experiment"
    assert links.counterpart("why", pages) == "index"  # no counterpart: the other home page
    assert links.edition_url("experiment", "zh_CN", "experiment") == "../zh_CN/experiment.html"
    assert links.edition_url("a/b", "en", "index") == "../../en/index.html"
    # Read the Docs: each edition is a project at /<language>/<version>/.
    rtd = {"en": "en/latest", "zh_CN": "zh-cn/latest"}
    assert (
        links.edition_url("why", "zh_CN", "why", ".html", rtd, "en")
        == "../../zh-cn/latest/why.html"
    )
    assert (
        links.edition_url("why", "en", "why", ".html", rtd, "zh_CN") == "../../en/latest/why.html"
    )


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # jieba leaves its dictionary open
def test_chinese_index_holds_whole_terms_and_their_english_equivalents() -> None:
    search = _extension("lossnotes_search")
    glossary = search.read_glossary()
    # From the translators' glossary (locale/zh_CN/glossary.tsv), gloss and punctuation out.
    assert glossary["交叉熵"] == ["cross-entropy"]
    assert glossary["均方误差"] == ["mean squared error (MSE)"]
    assert "，" not in glossary and "均方误差（MSE）" not in glossary
    assert glossary["损失函数"] == ["loss function"]  # search-only (docs/_ext)
    words = search.SearchChineseSegmented({}).split("交叉熵的梯度与均方误差")
    for word in ("交叉熵", "梯度", "均方误差", "cross", "entropy", "gradient", "squared"):
        assert word in words, words
    assert "熵" not in words


#: Interface strings of the theme and of Sphinx, as each edition must show them.
INTERFACE = {
    "en": (
        "Skip to main content",
        "Download this page",
        "Download notebook file",
        "the lossnotes developers",  # the copyright line (docs/_templates/copyright.html)
        "Search",
    ),
    "zh_CN": ("跳转至主要内容", "下载此页面", "下载笔记本文件", "lossnotes 开发者", "搜索"),
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
    """Editing only a glossary changes an "html" configuration value.

    Sphinx writes every page again when such a value changes, and so re-indexes them.
    """
    search = _extension("lossnotes_search")
    registered: dict[str, object] = {}

    class App:  # records what the extension's setup() registers
        def setup_extension(self, name):
            registered.setdefault("extensions", []).append(name)

        def add_config_value(self, name, default, rebuild, types=frozenset()):
            registered[name] = rebuild

        def connect(self, event, handler, priority=500):
            registered.setdefault(event, []).append(handler.__name__)

        def add_search_language(self, cls):
            registered["search"] = cls

    search.setup(App())
    assert registered["site_search_glossary"] == "html"
    assert "_record_glossary" in registered["config-inited"]
    assert registered["search"] is search.SearchChineseSegmented

    search_only = tmp_path / "search_glossary.tsv"
    terminology = tmp_path / "glossary.tsv"
    search_only.write_bytes(search.GLOSSARY.read_bytes())
    terminology.write_bytes(search.TERMINOLOGY.read_bytes())
    before = search.glossary_digest(search_only, terminology)
    assert before == search.glossary_digest()  # unchanged files: nothing to redo
    with search_only.open("a", encoding="utf-8") as handle:
        handle.write("反向传播\tbackpropagation\n")
    after_search = search.glossary_digest(search_only, terminology)
    terminology.write_text(
        terminology.read_text(encoding="utf-8") + "softmax2\tsoftmax\t软最大\n", encoding="utf-8"
    )
    after_both = search.glossary_digest(search_only, terminology)
    assert len({before, after_search, after_both}) == 3
