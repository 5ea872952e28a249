"""What a reader sees, in Debian's headless Chromium: both editions, both colour schemes,
a phone (390 px) and a desktop (1400 px).

Every page of each edition is visited once per scheme and width (the ``audit`` fixture);
the tests below judge what those visits recorded:

- no page scrolls sideways;
- each figure is fetched once, in the copy of the active scheme, and flipping the theme's
  colour toggle fetches the other scheme's copy of each figure once and nothing else;
- the Chinese edition shows no English interface text (visible text, tooltips, labels);
- every control reached with the Tab key shows a focus ring, and no formula is a tab stop;
- axe-core (from npm, ``node_modules/axe-core``, installed by ``make test``) finds no
  violation;
- every image has alt text from its caption, in the edition's language, not a file name;
- captions are at normal weight with a contrast of at least 4.5:1;
- the landing page answers on its first screen and links "start here" and "the verdicts";
  screenshots of it at both widths go to ``test-artifacts/``.

Without Chromium or playwright the tests skip (fail under CI), like tests/test_browser.py.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from test_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    EDITIONS,
    _pages,
    _QuietHandler,
    _require_browser,
)

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = ("light", "dark")
WIDTHS = (390, 1400)

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def reader_server(site: Path) -> Iterator[str]:
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
def chromium(reader_server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


# -- What one visit records ------------------------------------------------------------------

_SETTLE = """async () => {
  await document.fonts.ready;
  // Load every lazily loaded figure now, as scrolling to it would (the <picture> still picks
  // the copy of the active scheme), and wait until each is decoded.
  document.querySelectorAll('img[loading="lazy"]').forEach((img) => { img.loading = 'eager'; });
  await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
  return true;
}"""

_REPORT = """() => {
  const page = document.documentElement;
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const rgb = (css) => (css.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      const alpha = (colour.match(/[\\d.]+/g) || [])[3];
      if (colour !== 'transparent' && alpha !== '0') return rgb(colour);
    }
    return [255, 255, 255];
  };
  const contrast = (el) => {
    const a = luminance(rgb(getComputedStyle(el).color));
    const b = luminance(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  // Interface text: everything outside the article, plus tooltips and labels anywhere, except
  // code (names of the API) and what is declared in another language (the switcher's
  // invitation to read the page in English).
  const own = page.lang.toLowerCase();
  const foreign = (el) => {
    const declared = el.closest('[lang]');
    return declared && !declared.lang.toLowerCase().startsWith(own.slice(0, 2));
  };
  const chrome = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    // (entries of the API reference's contents are the names of functions and constants)
    if (!el || el.closest('article.bd-article, script, style, noscript, mjx-container, kbd, code')
        || el.closest('a[href*="#lossnotes."]') || !visible(el) || foreign(el)) continue;
    const text = node.textContent.trim();
    if (text) chrome.push(text);
  }
  document.querySelectorAll('[title], [aria-label], [placeholder], img[alt]').forEach((el) => {
    if (el.closest('article.bd-article mjx-container') || foreign(el)) return;
    // a cross-reference to the API names its target in its tooltip
    if (el.matches('a[title][href*="#lossnotes."], a[title][href*="#module-lossnotes."]')) return;
    for (const name of ['title', 'aria-label', 'placeholder']) {
      const value = el.getAttribute(name);
      if (value && !el.closest('.bd-article .cell_output')) chrome.push(value);
    }
  });
  const images = [...document.querySelectorAll('article img')].map((img) => ({
    src: img.currentSrc || img.src,
    alt: img.getAttribute('alt'),
    caption: (img.closest('figure')?.querySelector('.caption-text')?.textContent || '')
      .replace(/\\s+/g, ' ').trim(),
  }));
  const captions = [...document.querySelectorAll('figcaption .caption-text')]
    .filter(visible).map((el) => ({
      weight: Number(getComputedStyle(el).fontWeight), contrast: contrast(el),
      text: el.textContent.slice(0, 40),
    }));
  const pictures = [...document.querySelectorAll('figure picture')].map((picture) => ({
    light: new URL(picture.querySelector('img').getAttribute('src'), location.href).href,
    dark: new URL(picture.querySelector('source').getAttribute('srcset'), location.href).href,
  }));
  // Display equations: the scale the stylesheet drew each at, whether it still scrolls in its
  // box, and whether a keyboard can then reach it.
  const equations = [...document.querySelectorAll('mjx-container[display="true"]')]
    .filter((math) => math.getClientRects().length > 0)
    .map((math) => {
      const svg = math.querySelector(':scope > svg');
      return {scale: svg.getBoundingClientRect().width / svg.width.baseVal.value,
              scrolls: math.scrollWidth > math.clientWidth + 1,
              focusable: math.tabIndex === 0, page: location.pathname};
    });
  return {
    equations: equations,
    scrollWidth: page.scrollWidth, clientWidth: page.clientWidth,
    theme: page.dataset.theme, chrome: chrome, images: images, captions: captions,
    pictures: pictures, figures: document.querySelectorAll('article figure:has(img)').length,
    title: document.title,
  };
}"""

# Cumulative layout shift since the page started loading (what moved while the reader
# looked at it), as Lighthouse and Chrome's field data count it.
_LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 50);
})"""

_FOCUS = """async (stops) => {
  const seen = [];
  for (let i = 0; i < stops; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const el = document.activeElement;
    if (!el || el === document.body) { seen.push(null); continue; }
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
      || (style.boxShadow && style.boxShadow !== 'none');
    seen.push({tag: el.tagName, math: !!el.closest('mjx-container'), ring: ring,
               name: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30)});
  }
  return seen;
}"""


def _visit(browser, server: str, lang: str, scheme: str, width: int, site: Path) -> dict:
    """Visit every page of ``lang`` once; what each showed, fetched and (with axe) violated."""
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": width, "height": 900}, service_workers="block"
    )
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    axe = AXE.read_text(encoding="utf-8") if AXE.is_file() else None
    results = {}
    try:
        for name in _pages(site, lang):
            fetched.clear()
            page.goto(f"{server}/{lang}/{name}", wait_until="load")
            page.evaluate(_SETTLE)
            report = page.evaluate(_REPORT)
            report["images_fetched"] = [url for url in fetched if "/_images/" in url]
            report["layout_shift"] = page.evaluate(_LAYOUT_SHIFT)
            if axe is not None and width == WIDTHS[0]:
                page.add_script_tag(content=axe)
                report["axe"] = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                    ".violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,"
                    " nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"
                )
            if width == WIDTHS[-1] and name in ("index.html", "training.html", "api/losses.html"):
                page.keyboard.press("Tab")
                report["focus"] = []
                for _ in range(40):
                    report["focus"] += page.evaluate(_FOCUS, 1)
                    page.keyboard.press("Tab")
            if name == "index.html":
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"landing-{lang}-{scheme}-{width}.png"))
                report["first_screen"] = page.evaluate(
                    """() => {
                      const fig = document.querySelector('article figure img');
                      const box = fig ? fig.getBoundingClientRect() : null;
                      const next = [...document.querySelectorAll('.lossnotes-next a')]
                        .map((a) => a.getAttribute('href'));
                      const p = [...document.querySelectorAll('article p')]
                        .find((el) => el.querySelector('.pasted-text'));
                      return {figureTop: box && box.top, next: next,
                              answerTop: p ? p.getBoundingClientRect().top : null,
                              viewport: innerHeight};
                    }"""
                )
            results[name] = report
    finally:
        context.close()
    return results


@pytest.fixture(scope="module")
def audit(chromium, reader_server: str, site: Path) -> dict:
    """(lang, scheme, width) -> page -> what the visit recorded, filled on first use."""
    cache: dict = {}

    def get(lang: str, scheme: str, width: int) -> dict:
        key = (lang, scheme, width)
        if key not in cache:
            cache[key] = _visit(chromium, reader_server, lang, scheme, width, site)
        return cache[key]

    return get


CASES = [(lang, scheme, width) for lang in EDITIONS for scheme in SCHEMES for width in WIDTHS]


# -- Layout --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "scheme", "width"), CASES)
def test_no_page_scrolls_sideways(audit, lang: str, scheme: str, width: int) -> None:
    wide = {
        name: (report["scrollWidth"], report["clientWidth"])
        for name, report in audit(lang, scheme, width).items()
        if report["scrollWidth"] > report["clientWidth"]
    }
    assert not wide, f"{lang}, {scheme}, {width} px: pages wider than the window: {wide}"


@pytest.mark.parametrize(("lang", "scheme", "width"), CASES)
def test_display_equations_fit_or_scroll_never_cut(
    audit, lang: str, scheme: str, width: int
) -> None:
    """Scaled to the column (to 45% at most), else scrolling in a box a keyboard can reach."""
    equations = [e for report in audit(lang, scheme, width).values() for e in report["equations"]]
    assert len(equations) >= 30, f"{lang}: only {len(equations)} display equations"
    for equation in equations:
        assert 0.449 <= equation["scale"] <= 1.001, equation
        assert not equation["scrolls"] or equation["focusable"], equation
        if equation["scrolls"]:  # only an equation already at its smallest scale scrolls
            assert equation["scale"] < 0.451, equation
    if width == WIDTHS[0]:  # on a phone, some are scaled down, none below 70 %: a longer
        assert any(e["scale"] < 0.99 for e in equations)  # one breaks across lines instead
        small = [e for e in equations if e["scale"] < 0.7]
        assert not small, f"{lang}: display equations shown below 70 % on a phone: {small}"


@pytest.mark.parametrize(("lang", "scheme", "width"), CASES)
def test_nothing_moves_while_a_page_loads(audit, lang: str, scheme: str, width: int) -> None:
    """Cumulative layout shift under 0.1 ("good" in Chrome's and Lighthouse's terms)."""
    shifts = {
        name: round(report["layout_shift"], 3)
        for name, report in audit(lang, scheme, width).items()
        if report["layout_shift"] >= 0.1
    }
    assert not shifts, f"{lang}, {scheme}, {width} px: pages whose text moved: {shifts}"


# -- Figures --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "scheme", "width"), CASES)
def test_each_figure_is_fetched_once_in_the_active_scheme(
    audit, lang: str, scheme: str, width: int
) -> None:
    pages = audit(lang, scheme, width)
    assert sum(len(r["pictures"]) for r in pages.values()) > 0, "no figure at all"
    for name, report in pages.items():
        assert report["theme"] == scheme, (name, report["theme"])
        assert report["figures"] == len(report["pictures"]), (
            f"{lang}/{name}: figures without a <picture>"
        )
        expected = sorted(p[scheme] for p in report["pictures"])
        assert sorted(report["images_fetched"]) == expected, (
            f"{lang}/{name} ({scheme}, {width} px): fetched {report['images_fetched']}, "
            f"expected the {scheme} copies {expected}"
        )


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_colour_toggle_fetches_the_other_copy_once(
    chromium, reader_server: str, site: Path, lang: str, scheme: str
) -> None:
    """Flip the theme's toggle: each figure's other copy arrives once, nothing more."""
    other = "dark" if scheme == "light" else "light"
    context = chromium.new_context(color_scheme=scheme, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    try:
        page.goto(f"{reader_server}/{lang}/experiment.html", wait_until="load")
        page.evaluate(_SETTLE)
        before = page.evaluate(_REPORT)
        first = [url for url in fetched if "/_images/" in url]
        fetched.clear()
        page.locator(".theme-switch-button").first.click()
        page.locator(f'.theme-change-button[data-mode="{other}"]').first.click()
        page.wait_for_function(f"document.documentElement.dataset.theme === '{other}'")
        page.evaluate(_SETTLE)
        after = page.evaluate(_REPORT)
        second = [url for url in fetched if "/_images/" in url]
        # and back: the browser has both copies now, nothing is fetched again
        fetched.clear()
        page.locator(".theme-switch-button").first.click()
        page.locator(f'.theme-change-button[data-mode="{scheme}"]').first.click()
        page.evaluate(_SETTLE)
        third = [url for url in fetched if "/_images/" in url]
        shown = page.evaluate(
            "[...document.querySelectorAll('figure picture img')].map(i => i.currentSrc)"
        )
    finally:
        context.close()
    assert sorted(first) == sorted(p[scheme] for p in before["pictures"])
    assert sorted(second) == sorted(p[other] for p in after["pictures"]), second
    assert third == [], third
    assert sorted(shown) == sorted(p[scheme] for p in before["pictures"])


@pytest.mark.parametrize(("lang", "scheme"), [(lang, s) for lang in EDITIONS for s in SCHEMES])
def test_alt_text_is_the_caption_in_the_editions_language(audit, lang: str, scheme: str) -> None:
    images = [
        (name, image)
        for name, report in audit(lang, scheme, 390).items()
        for image in report["images"]
    ]
    assert images
    for name, image in images:
        alt = image["alt"] or ""
        assert alt.strip(), f"{lang}/{name}: an image without alt text: {image['src']}"
        assert not re.search(r"(^|/)_images/|\.(png|svg|jpe?g)$", alt), (name, alt)
        caption = image["caption"].removesuffix("#").strip()
        if caption:
            # the caption's words (its formulas are read out as plain symbols)
            assert "".join(alt.split())[:12] == "".join(caption.split())[:12], (name, alt, caption)
        if lang == "zh_CN":
            assert re.search("[\u4e00-\u9fff]", alt), f"{name}: alt text not in Chinese: {alt}"


@pytest.mark.parametrize(("lang", "scheme"), [(lang, s) for lang in EDITIONS for s in SCHEMES])
def test_captions_are_legible(audit, lang: str, scheme: str) -> None:
    captions = [c for report in audit(lang, scheme, 390).values() for c in report["captions"]]
    assert captions
    for caption in captions:
        assert caption["weight"] == 400, caption
        assert caption["contrast"] >= 4.5, caption


# -- Chinese interface ----------------------------------------------------------------------------

#: Words an interface may show in either language: the project's and file formats' names, the
#: language switcher's "English", keyboard keys.
ALLOWED_LATIN = {"lossnotes", "English", "Ctrl", "K", "ipynb", "md", "pdf", "PDF", "API", "MSE"}
ALLOWED_LATIN |= {"logit", "softmax", "float64", "float32", "NaN", "log", "sum", "exp"}
# key names, as the keyboard shows them ("按 Enter 键")
ALLOWED_LATIN |= {"Enter"}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_english_interface_text_in_the_chinese_edition(audit, scheme: str, width: int) -> None:
    leftovers = {}
    for name, report in audit("zh_CN", scheme, width).items():
        # A text in Chinese may name a person, a paper or the epsilon fix in Latin letters,
        # and a title in 《》 keeps its own language; interface text left in English has no
        # Chinese character or punctuation at all.
        words = {
            word
            for text in report["chrome"]
            if not re.search(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]", text)
            for word in re.findall(r"[A-Za-z]{2,}", text)
            if word not in ALLOWED_LATIN
        }
        if words:
            leftovers[name] = sorted(words)
    assert not leftovers, f"English interface words on Chinese pages: {leftovers}"


# -- Keyboard and accessibility -------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "scheme"), [(lang, s) for lang in EDITIONS for s in SCHEMES])
def test_focus_is_visible_and_formulas_are_not_tab_stops(audit, lang: str, scheme: str) -> None:
    pages = audit(lang, scheme, 1400)
    checked = 0
    for name in ("index.html", "training.html", "api/losses.html"):
        stops = [stop for stop in pages[name]["focus"] if stop is not None]
        assert len(stops) >= 10, f"{lang}/{name}: only {len(stops)} tab stops"
        assert not [s for s in stops if s["math"]], f"{lang}/{name}: formulas in the tab order"
        hidden = [s for s in stops if not s["ring"]]
        assert not hidden, f"{lang}/{name} ({scheme}): focus without a visible ring: {hidden}"
        checked += len(stops)
    assert checked > 30


@pytest.mark.parametrize(("lang", "scheme"), [(lang, s) for lang in EDITIONS for s in SCHEMES])
def test_axe_finds_no_violation(audit, lang: str, scheme: str) -> None:
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed ({AXE}): run `make test`, which runs npm ci")
    violations = {
        name: report["axe"]
        for name, report in audit(lang, scheme, 390).items()
        if report.get("axe")
    }
    assert not violations, f"axe-core, {lang}, {scheme}: {violations}"


# -- Landing page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "width"), [(lang, w) for lang in EDITIONS for w in WIDTHS])
def test_the_landing_page_answers_on_its_first_screen(audit, lang: str, width: int) -> None:
    first = audit(lang, "light", width)["index.html"]["first_screen"]
    assert first["next"] == ["experiment.html", "verdicts.html"], first
    assert first["answerTop"] is not None and first["answerTop"] < first["viewport"], first
    if width == 1400:
        assert first["figureTop"] is not None and first["figureTop"] < first["viewport"], first
    assert (ARTIFACTS / f"landing-{lang}-light-{width}.png").is_file()


# -- Search ---------------------------------------------------------------------------------------


def _search(browser, server: str, lang: str, query: str) -> list[dict]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(f"{server}/{lang}/search.html?q={quote(query)}", wait_until="load")
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s !== null && s.innerText.trim() !== ''; }",
            timeout=20000,
        )
        page.wait_for_timeout(1500)  # snippets arrive after the list
        results = page.eval_on_selector_all(
            "#search-results ul.search li",
            "items => items.map(li => ({href: li.querySelector('a').getAttribute('href'),"
            " snippet: (li.querySelector('p.context') || {}).textContent || ''}))",
        )
    finally:
        context.close()
    assert any(urlsplit(url).path.endswith("/searchindex.js") for url in requested)
    return results


@pytest.mark.parametrize(("lang", "query"), [("en", "gradient"), ("zh_CN", "梯度")])
def test_search_snippets_are_page_text(chromium, reader_server: str, lang: str, query: str) -> None:
    results = _search(chromium, reader_server, lang, query)
    snippets = [r["snippet"] for r in results if r["snippet"]]
    assert snippets, results
    for snippet in snippets:
        for chrome in ("System Settings", "跟随系统", "Color mode", "颜色模式", "Ctrl+K"):
            assert chrome not in snippet, snippet
        for tex in ("\\(", "\\frac", "\\mathrm", "$$"):
            assert tex not in snippet, snippet


def test_search_ranks_pages_above_api_entries(chromium, reader_server: str) -> None:
    hrefs = [r["href"].split("?")[0] for r in _search(chromium, reader_server, "en", "vanishing")]
    api = [i for i, href in enumerate(hrefs) if href.startswith(("api.html", "api/"))]
    pages = [i for i in range(len(hrefs)) if i not in api]
    assert pages, hrefs
    if api:
        assert max(pages) < min(api), hrefs


def test_only_the_search_page_loads_the_search_index(site: Path) -> None:
    for lang in EDITIONS:
        for name in _pages(site, lang):
            html = (site / lang / name).read_text(encoding="utf-8")
            loads = "searchindex.js" in html
            assert loads == (name == "search.html"), f"{lang}/{name}"


# -- What is deployed ---------------------------------------------------------------------------


def test_nothing_deployed_that_no_page_requests(site: Path) -> None:
    for lang in EDITIONS:
        static = site / lang / "_static"
        assert not list(static.rglob("*.map")), "source maps deployed"
        assert not (static / "scripts" / "fontawesome.js").exists()
        # Formulas arrive typeset as SVG: nothing of MathJax is deployed.
        assert not (static / "mathjax").exists(), "MathJax deployed"
        # Admonition icons are SVG masks: Font Awesome's webfonts are never requested.
        assert not list(static.rglob("fa-*.woff2")), "Font Awesome's webfonts deployed"
        for name in _pages(site, lang):
            html = (site / lang / name).read_text(encoding="utf-8")
            assert "fontawesome.js" not in html, f"{lang}/{name} loads Font Awesome's script"
            assert not re.search(r"<i class=\"[^\"]*\bfa-", html), f"{lang}/{name}: icon font"
