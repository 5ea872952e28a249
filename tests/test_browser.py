"""Both editions in a real browser: Debian's Chromium, headless, driven by playwright.

The built site is served on 127.0.0.1. Every page of both editions must load with no
console error, decode every image, show every equation typeset (as SVG, by MathJax while
the site was built: no MathJax script runs in the browser) with every glyph drawn, switch
to the same page in the other language, and request nothing from anywhere else.
Search must find the project's Chinese and English terms. Screenshots of the
experiment page (both editions, light and dark) go to ``test-artifacts/``.

Without Chromium (``/usr/bin/chromium``) or playwright the tests skip, except under
CI (the ``CI`` environment variable set), where they fail.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
EDITIONS = ("en", "zh_CN")
HTML_LANG = {"en": "en", "zh_CN": "zh-CN"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}

pytestmark = pytest.mark.build


def _unavailable() -> str | None:
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def _require_browser() -> None:
    reason = _unavailable()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The built site on an ephemeral port of 127.0.0.1; yields its base URL."""
    _require_browser()
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Visit:
    """A browser context that records console errors, page errors and requests."""

    def __init__(self, browser, color_scheme: str = "light") -> None:
        self.context = browser.new_context(
            color_scheme=color_scheme, viewport={"width": 1280, "height": 900}
        )
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        # A request the browser itself cancels (net::ERR_ABORTED: the favicon of a page the
        # test has already left) is not a failure of the site; a missing file is an HTTP 404.
        self.context.on(
            "requestfailed",
            lambda request: (
                self.failed.append(f"{request.url} ({request.failure})")
                if "ERR_ABORTED" not in (request.failure or "")
                else None
            ),
        )
        self.context.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.url} (HTTP {response.status})")
                if response.status >= 400
                else None
            ),
        )
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text} @ {self.page.url}")
                if message.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser) -> Iterator[Visit]:
    session = Visit(browser)
    yield session
    session.close()


def _pages(site: Path, lang: str) -> list[str]:
    """Every page of an edition (assets under ``_static`` and the like left out)."""
    folder = site / lang
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*.html")
        if not any(part.startswith("_") for part in path.relative_to(folder).parts)
    )


_WAIT_FOR_FONTS = """async () => {
  await document.fonts.ready;
  return true;
}"""

_MATH_REPORT = """() => {
  const math = [...document.querySelectorAll('.math')];
  const raw = math
    .filter((el) => !el.querySelector('mjx-container'))
    .map((el) => el.textContent.trim().slice(0, 60));
  // Prose only: code may show TeX on purpose (a guide to the math syntax, say).
  const main = (document.querySelector('main') || document.body).cloneNode(true);
  main.querySelectorAll('pre, code, kbd, samp, script, style, mjx-container')
    .forEach((el) => el.remove());
  const text = main.textContent;
  const leftovers = ['\\\\(', '\\\\[', '\\\\frac', '\\\\mathrm', '\\\\operatorname', '$$']
    .filter((tex) => text.includes(tex));
  // Typeset formulas are SVG: each glyph refers to an outline on the page, and each formula
  // has a size on screen.
  const uses = [...document.querySelectorAll('mjx-container use')];
  const missing = [...new Set(uses.map((use) => use.getAttribute('xlink:href'))
    .filter((href) => !document.getElementById(href.slice(1))))];
  const empty = [...document.querySelectorAll('mjx-container > svg')]
    .filter((svg) => { const box = svg.getBoundingClientRect();
                       return svg.closest('details:not([open])') === null
                         && (box.width === 0 || box.height === 0); }).length;
  const scripts = [...document.scripts].map((s) => s.src).filter((src) => /mathjax/i.test(src));
  return {count: math.length, raw: raw, leftovers: leftovers, missing: missing,
          glyphs: uses.length, empty: empty, scripts: scripts};
}"""

_IMAGE_REPORT = """async () => {
  const images = [...document.images];
  const broken = [];
  for (const img of images) {
    img.loading = 'eager';
    try { await img.decode(); } catch (error) { /* judged below */ }
    if (!(img.complete && img.naturalWidth > 0)) broken.push(img.currentSrc || img.src);
  }
  return {count: images.length, broken: broken};
}"""


def _check_page(session: Visit, url: str) -> dict:
    """Load ``url`` (or judge the page already there) and return what it shows."""
    page = session.page
    if url:
        page.goto(url, wait_until="load")
    page.wait_for_load_state("load")
    page.evaluate(_WAIT_FOR_FONTS)
    math = page.evaluate(_MATH_REPORT)
    images = page.evaluate(_IMAGE_REPORT)
    return {"math": math, "images": images, "lang": page.evaluate("document.documentElement.lang")}


def _assert_page_ok(report: dict, where: str) -> None:
    math, images = report["math"], report["images"]
    assert not images["broken"], f"{where}: images that do not decode: {images['broken']}"
    if math["count"]:
        assert math["glyphs"], f"{where}: has equations but no glyph is drawn"
    assert not math["missing"], f"{where}: glyphs with no outline: {math['missing']}"
    assert not math["empty"], f"{where}: {math['empty']} formulas drawn with no size"
    assert not math["scripts"], f"{where}: loads MathJax in the browser: {math['scripts']}"
    assert not math["raw"], f"{where}: equations not typeset: {math['raw']}"
    assert not math["leftovers"], f"{where}: raw TeX left in the page: {math['leftovers']}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_renders_and_switches_language(
    site: Path, server: str, visit: Visit, lang: str
) -> None:
    other = next(edition for edition in EDITIONS if edition != lang)
    pages = _pages(site, lang)
    assert "index.html" in pages and "experiment.html" in pages
    other_pages = set(_pages(site, other))
    images = equations = 0
    for name in pages:
        report = _check_page(visit, f"{server}/{lang}/{name}")
        _assert_page_ok(report, f"{lang}/{name}")
        assert report["lang"] == HTML_LANG[lang], f"{lang}/{name}: <html lang={report['lang']}>"
        images += report["images"]["count"]
        equations += report["math"]["count"]

        switch = visit.page.locator(f'a.lossnotes-language-switch[data-language="{other}"]')
        assert switch.count() == 1, f"{lang}/{name}: no switcher to {other} in the header"
        assert switch.first.is_visible(), f"{lang}/{name}: the switcher is hidden"
        expected = name if name in other_pages else "index.html"
        with visit.page.expect_navigation():
            switch.first.click()
        # The landed page's favicon is fetched after its load event: let it finish before
        # the next page is opened, or navigating away aborts it (a request failure).
        visit.page.wait_for_load_state("networkidle")
        assert visit.page.url == f"{server}/{other}/{expected}", (
            f"the switcher on {lang}/{name} went to {visit.page.url}"
        )
        landed = _check_page(visit, "")
        assert landed["lang"] == HTML_LANG[other]
    assert images > 0, f"no image at all in the {lang} edition"
    assert equations > 0, f"no equation at all in the {lang} edition"
    assert not visit.errors, "\n".join(visit.errors)
    assert not visit.failed, f"requests that failed: {visit.failed}"
    assert not visit.foreign_requests(), f"requests left 127.0.0.1: {visit.foreign_requests()}"


def _search(visit: Visit, server: str, lang: str, query: str) -> list[str]:
    page = visit.page
    page.goto(f"{server}/{lang}/search.html?q={quote(query)}", wait_until="load")
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s !== null && s.innerText.trim() !== ''; }",
        timeout=15000,
    )
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li > a", "links => links.map(a => a.getAttribute('href'))"
    )
    return [href.split("?")[0].split("#")[0] for href in hrefs]


#: (edition, query, words a page must hold to be a match). In the Chinese edition an English
#: query finds the pages holding its Chinese equivalent (the glossary), and a query written
#: without spaces finds the pages holding each of its words (query segmentation).
SEARCHES = [
    ("zh_CN", "交叉熵", ["交叉熵"]),
    ("zh_CN", "均方误差", ["均方误差"]),
    ("zh_CN", "损失函数", ["损失函数"]),
    ("zh_CN", "梯度", ["梯度"]),
    ("zh_CN", "交叉熵梯度", ["交叉熵", "梯度"]),
    ("zh_CN", "cross-entropy", ["交叉熵"]),
    ("zh_CN", "gradient", ["梯度"]),
    ("en", "cross-entropy", ["cross-entropy"]),
    ("en", "gradient", ["gradient"]),
]


def _pages_holding(site: Path, lang: str, words: list[str]) -> set[str]:
    """The pages of an edition whose article text holds every one of ``words``."""
    found = set()
    for name in _pages(site, lang):
        path = site / lang / name
        html = path.read_text(encoding="utf-8")
        article = re.search(r"<article[^>]*>(.*?)</article>", html, re.S)
        if article is None:
            continue
        text = re.sub(r"<[^>]+>", " ", article.group(1)).lower()
        if all(word.lower() in text for word in words):
            found.add(name)
    return found


@pytest.mark.parametrize(("lang", "query", "words"), SEARCHES)
def test_search_finds_the_terms(
    site: Path, server: str, visit: Visit, lang: str, query: str, words: list[str]
) -> None:
    found = _search(visit, server, lang, query)
    expected = _pages_holding(site, lang, words)
    assert expected, f"no page of the {lang} edition holds {words}"
    assert found, f"searching {query!r} in the {lang} edition found nothing"
    assert expected <= set(found), f"{query!r} in {lang}: {found}, missing {expected - set(found)}"
    for href in found:
        assert (site / lang / href).is_file(), f"{query!r} in {lang}: result {href} missing"
    assert not visit.errors, "\n".join(visit.errors)
    assert not visit.foreign_requests(), visit.foreign_requests()


def test_search_finds_nothing_for_an_absent_word(server: str, visit: Visit) -> None:
    assert _search(visit, server, "zh_CN", "蘑菇") == []
    assert _search(visit, server, "en", "mushroom") == []


_SCHEME_REPORT = """() => {
  // Each figure is one <picture>: a <source> with the dark copy, an <img> with the light one.
  const pictures = [...document.querySelectorAll('figure picture')];
  const corner = (img) => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const [r, g, b] = ctx.getImageData(2, 2, 1, 1).data;
    return [r, g, b];
  };
  const images = pictures.map((picture) => picture.querySelector('img'));
  return {
    theme: document.documentElement.dataset.theme,
    // figures of the page's images (the explorer draws its own, on canvases)
    figures: document.querySelectorAll('article figure:has(img)').length,
    pictures: pictures.length,
    shown: pictures.map((picture) => {
      const img = picture.querySelector('img');
      const dark = new URL(picture.querySelector('source').getAttribute('srcset'), location.href);
      const light = new URL(img.getAttribute('src'), location.href);
      return img.currentSrc === dark.href ? 'dark' : img.currentSrc === light.href ? 'light' : '?';
    }),
    corners: images.map(corner),
    filters: images.map((img) => getComputedStyle(img).filter),
    background: getComputedStyle(document.body).backgroundColor,
  };
}"""


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figures_follow_the_colour_scheme(
    site: Path, server: str, browser, lang: str, scheme: str
) -> None:
    """Each page shows exactly the figures drawn for the active scheme, on the page's colour.

    Screenshots of the experiment page go to test-artifacts/.
    """
    session = Visit(browser, color_scheme=scheme)
    reports = {}
    try:
        for name in _pages(site, lang):
            html = (site / lang / name).read_text(encoding="utf-8")
            if "<picture>" not in html:
                continue
            _assert_page_ok(
                _check_page(session, f"{server}/{lang}/{name}"), f"{lang}/{name} ({scheme})"
            )
            reports[name] = session.page.evaluate(_SCHEME_REPORT)
            if name == "experiment.html":
                ARTIFACTS.mkdir(exist_ok=True)
                session.page.screenshot(
                    path=str(ARTIFACTS / f"experiment-{lang}-{scheme}.png"), full_page=True
                )
        assert not session.errors, "\n".join(session.errors)
        assert not session.foreign_requests(), session.foreign_requests()
    finally:
        session.close()
    assert reports["experiment.html"]["pictures"] > 0
    for name, report in reports.items():
        where = f"{lang}/{name} ({scheme})"
        assert report["theme"] == scheme, where
        assert report["figures"] == report["pictures"], f"{where}: a figure without its pair"
        assert set(report["shown"]) == {scheme}, f"{where}: copies shown {report['shown']}"
        page = [int(v) for v in re.findall(r"\d+", report["background"])[:3]]
        assert (min(page) > 230) if scheme == "light" else (max(page) < 40), report["background"]
        for corner in report["corners"]:
            # Each figure is drawn on the page's own background: no box around it.
            assert max(abs(a - b) for a, b in zip(corner, page, strict=True)) <= 3, (where, report)
        assert set(report["filters"]) <= {"none"}, (where, report["filters"])


_FIGURE_POSITION = """(id) => {
  const figure = document.getElementById(id);
  const img = figure.querySelector('img');
  const box = figure.getBoundingClientRect();
  return {top: box.top, shown: box.height > 0, src: img.currentSrc,
          dark: new URL(figure.querySelector('source').getAttribute('srcset'), location.href).href,
          viewport: window.innerHeight, scroll: window.scrollY};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_link_to_a_figure_lands_on_the_copy_the_reader_sees(
    server: str, browser, scheme: str
) -> None:
    session = Visit(browser, color_scheme=scheme)
    try:
        session.page.goto(f"{server}/en/experiment.html#fig-target-2", wait_until="load")
        session.page.wait_for_function("document.readyState === 'complete'")
        session.page.evaluate("async () => { await document.fonts.ready; }")
        seen = session.page.evaluate(_FIGURE_POSITION, "fig-target-2")
        assert not session.errors, "\n".join(session.errors)
    finally:
        session.close()
    assert seen["shown"], seen
    assert (seen["src"] == seen["dark"]) == (scheme == "dark"), seen
    # the figure is at the top of the window, not the page's start
    assert seen["scroll"] > 500, seen
    assert -2 <= seen["top"] <= 0.25 * seen["viewport"], seen


_SOLUTION_STATE = """(solution) => ({
  hidden: solution.classList.contains('toggle-hidden'),
  expanded: solution.querySelector('button.toggle-button')?.getAttribute('aria-expanded'),
  shown: [...solution.querySelectorAll(':scope > :not(.admonition-title)')]
    .some((e) => e.getBoundingClientRect().height > 0
                 && getComputedStyle(e).visibility !== 'hidden'),
})"""


@pytest.mark.parametrize("lang", EDITIONS)
def test_solutions_are_collapsed_and_open_by_click_and_keyboard(
    server: str, visit: Visit, lang: str
) -> None:
    """Every solution starts collapsed; a click on its title, Enter or Space opens it."""
    page = visit.page
    page.goto(f"{server}/{lang}/experiment.html")
    page.wait_for_load_state("load")
    solutions = page.locator("div.solution")
    count = solutions.count()
    assert count >= 3
    for index in range(count):
        state = solutions.nth(index).evaluate(_SOLUTION_STATE)
        assert state == {"hidden": True, "expanded": "false", "shown": False}, (index, state)

    first = solutions.nth(0)
    first.locator(".admonition-title").click()
    assert first.evaluate(_SOLUTION_STATE) == {"hidden": False, "expanded": "true", "shown": True}
    first.locator(".admonition-title").click()
    assert first.evaluate(_SOLUTION_STATE)["hidden"] is True

    for index, key in ((1, "Enter"), (2, " ")):
        solution = solutions.nth(index)
        button = solution.locator("button.toggle-button")
        button.focus()
        assert button.evaluate("(b) => document.activeElement === b")
        page.keyboard.press(key)
        state = solution.evaluate(_SOLUTION_STATE)
        assert state == {"hidden": False, "expanded": "true", "shown": True}, (key, state)
        page.keyboard.press(key)
        assert solution.evaluate(_SOLUTION_STATE)["hidden"] is True, key
    assert not visit.errors, "\n".join(visit.errors)
