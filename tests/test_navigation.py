"""Moving around the built site: the root page, the language switch, the 404 pages.

The site is served by tools/serve.py, the server of ``make serve``. The root page and the
language switch are checked in Debian's Chromium (headless, driven by playwright); without
Chromium or playwright those tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EDITIONS = ("en", "zh_CN")
NOT_FOUND_HEADING = {"en": "Page not found", "zh_CN": "找不到此页面"}

pytestmark = pytest.mark.build


def _serve_module():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "tools" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The built site served by tools/serve.py on a free port of 127.0.0.1."""
    httpd = _serve_module().make_server(site, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        ("/en/no-such-page.html", "en"),
        ("/zh_CN/no/such/page.html", "zh_CN"),
        ("/no-such-edition/page.html", "en"),
        ("/zh_CN/_static/no-such-file.js", "zh_CN"),
    ],
)
def test_a_missing_address_gets_its_editions_404_page(server: str, path: str, lang: str) -> None:
    status, body = _get(server + path)
    assert status == 404
    assert f"<h1>{NOT_FOUND_HEADING[lang]}" in body
    # Its links are server paths, so they work at any depth: the way back exists.
    home = f"/{lang}/index.html"
    assert f'href="{home}"' in body
    assert _get(server + home)[0] == 200
    for stylesheet in re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"?]+)', body):
        assert _get(server + stylesheet)[0] == 200, stylesheet


def test_make_serve_listens_on_localhost_only(site: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "serve.py"), "--directory", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        assert _get(f"http://127.0.0.1:{match.group(1)}/en/missing.html")[0] == 404
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


# -- In the browser ---------------------------------------------------------------------------


def _require_browser() -> None:
    reason = None
    if not CHROMIUM.is_file():
        reason = f"no Chromium at {CHROMIUM}"
    elif importlib.util.find_spec("playwright") is None:
        reason = "the playwright package is not installed (pip install -e '.[test]')"
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.parametrize(
    ("locale", "edition"),
    [("zh-CN", "zh_CN"), ("zh-TW", "zh_CN"), ("en-US", "en"), ("fr-FR", "en")],
)
def test_root_page_sends_each_reader_to_their_language(
    server: str, browser, locale: str, edition: str
) -> None:
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(server + "/")
        page.wait_for_url(f"{server}/{edition}/index.html")
        assert page.evaluate("document.documentElement.lang") == edition.replace("_", "-")
    finally:
        context.close()


def test_root_page_without_javascript_shows_both_editions(server: str, browser) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/")
        assert page.url == server + "/"
        for href in ("en/index.html", "zh_CN/index.html"):
            link = page.locator(f'a[href="{href}"]')
            assert link.is_visible()
        page.locator('a[href="zh_CN/index.html"]').click()
        page.wait_for_url(f"{server}/zh_CN/index.html")
    finally:
        context.close()


@pytest.mark.parametrize("lang", EDITIONS)
def test_language_switch_keeps_the_section(server: str, browser, lang: str) -> None:
    other = next(edition for edition in EDITIONS if edition != lang)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server}/{lang}/experiment.html")
        sections = page.eval_on_selector_all(
            "main section[id]", "sections => sections.map(s => s.id)"
        )
        assert len(sections) > 2, sections
        section = sections[2]
        page.goto(f"{server}/{lang}/experiment.html#{section}")
        page.locator("a.lossnotes-language-switch").first.click()
        page.wait_for_url(f"{server}/{other}/experiment.html#{section}")
        assert page.locator(f"section#{section}").count() == 1
        # Following a link within the page moves the switch along.
        target = sections[1]
        page.evaluate(f"window.location.hash = '#{target}'")
        href = page.locator("a.lossnotes-language-switch").first.get_attribute("href")
        assert href == f"../{lang}/experiment.html#{target}"
    finally:
        context.close()
