"""The interactive explorer in Chromium, in both editions and both colour schemes.

Its numbers are compared with lossnotes' own (``evaluate`` against
``loss_and_grad`` and ``softmax`` at every grid point, ``descend`` against
``lossnotes.descent.descend``), then its page: controls that redraw, a probe
that shows lossnotes' values in the tables' format, descent from a click and
from the keyboard, the scheme's colours, no overflow at 390 px, no request
outside the site, and the build-time figures when scripts are off.
"""

from __future__ import annotations

import base64
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

import lossnotes
from lossnotes.descent import descend
from lossnotes.figures.explorer import explorer_strings
from lossnotes.figures.labels import loss_label
from lossnotes.figures.tables import _format_number
from lossnotes.grid import EXPERIMENT, Grid
from lossnotes.recovery import FIXED_LOGITS

CHROMIUM = Path("/usr/bin/chromium")
EDITIONS = ("en", "zh_CN")
SCHEMES = ("light", "dark")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOSSES = ("cross_entropy", "mse", "mse_logits")
TINY = float(np.finfo(np.float64).tiny)
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.build


def _require_browser() -> None:
    import os

    reason = None
    if not CHROMIUM.is_file():
        reason = f"no Chromium at {CHROMIUM}"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed"
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
    """One page in a fresh context, recording console errors and every request."""

    def __init__(self, browser, url: str, scheme: str = "light", width: int = 1400, js=True):
        self.context = browser.new_context(
            color_scheme=scheme, viewport={"width": width, "height": 900}, java_script_enabled=js
        )
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.goto(url, wait_until="load")
        if js:
            self.page.wait_for_selector(".lx .lx-table", timeout=20000)

    def foreign(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname != "127.0.0.1"
        ]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visits(browser) -> Iterator[list]:
    opened: list[Visit] = []
    yield opened
    for visit in opened:
        visit.close()


def _open(visits, browser, url: str, **kwargs) -> Visit:
    visit = Visit(browser, url, **kwargs)
    visits.append(visit)
    return visit


def _relative_error(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Relative error where the exact value is a normal number, absolute (in units of the
    smallest normal number) where it underflows."""
    size = np.abs(want)
    return np.where(
        size >= TINY, np.abs(got - want) / np.maximum(size, TINY), np.abs(got - want) / TINY
    )


_GRID_JS = """([fixed, target, loss]) => {
  const api = window.lossnotesExplorer;
  const axis = api.instances[0].data.axis;
  const n = axis.length;
  const out = new Float64Array(n * n * 7);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = api.evaluate([axis[j], axis[i], fixed], target, loss);
      out[k++] = r.loss;
      out.set(r.grad, k); k += 3;
      out.set(r.probabilities, k); k += 3;
    }
  }
  const bytes = new Uint8Array(out.buffer);
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  }
  return btoa(text);
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", EDITIONS)
def test_evaluate_agrees_with_lossnotes_at_every_grid_point(
    browser, server, visits, lang: str, scheme: str
) -> None:
    visit = _open(visits, browser, f"{server}/{lang}/explore.html", scheme=scheme)
    axis = visit.page.evaluate("window.lossnotesExplorer.instances[0].data.axis")
    assert axis == EXPERIMENT.axis.tolist()
    worst = 0.0
    for fixed in FIXED_LOGITS:
        logits = Grid(fixed_logit=fixed).logits()
        probabilities = lossnotes.softmax(logits).reshape(-1, 3)
        for target in range(3):
            for loss in LOSSES:
                raw = visit.page.evaluate(_GRID_JS, [fixed, target, loss])
                got = np.frombuffer(base64.b64decode(raw), dtype="<f8").reshape(-1, 7)
                want_loss, want_grad = lossnotes.loss_and_grad(loss, logits, target)
                for name, g, w in (
                    ("loss", got[:, 0], want_loss.reshape(-1)),
                    ("gradient", got[:, 1:4], want_grad.reshape(-1, 3)),
                    ("probabilities", got[:, 4:], probabilities),
                ):
                    assert np.isfinite(g).all(), (fixed, target, loss, name)
                    error = _relative_error(g, w)
                    worst = max(worst, float(error.max()))
                    assert error.max() <= 1e-12, (
                        f"{name} of {loss}, target {target}, fixed logit {fixed}: "
                        f"relative error {error.max():.3g}"
                    )
    assert worst <= 1e-12
    assert not visit.errors, visit.errors


def _sign_change_points() -> list[tuple[list[float], int]]:
    """Logits within an ulp of a sign change of an MSE gradient entry, where the
    library computes in decimal arithmetic and the explorer in double-double."""
    rng = np.random.default_rng(20261201)
    points = []
    while len(points) < 40:
        target = int(rng.integers(3))
        entry = (target + 1 + int(rng.integers(2))) % 3
        moved = [k for k in range(3) if k != entry][int(rng.integers(2))]
        z = rng.uniform(-8.0, 8.0, 3)

        def grad(x: float, z=z, moved=moved, target=target, entry=entry) -> float:
            point = z.copy()
            point[moved] = x
            return float(lossnotes.mse_grad(point, target)[entry])

        low, high = -40.0, 40.0
        if np.sign(grad(low)) == np.sign(grad(high)) or grad(low) == 0:
            continue
        while True:
            middle = (low + high) / 2
            if middle in (low, high):
                break
            if np.sign(grad(middle)) == np.sign(grad(low)):
                low = middle
            else:
                high = middle
        for x in (low, high):
            point = z.copy()
            point[moved] = x
            points.append((point.tolist(), target))
    return points


def test_evaluate_near_a_sign_change_of_the_mse_gradient(browser, server, visits) -> None:
    visit = _open(visits, browser, f"{server}/en/explore.html")
    points = _sign_change_points()
    got = visit.page.evaluate(
        "(points) => points.map(([z, t]) => window.lossnotesExplorer.evaluate(z, t, 'mse').grad)",
        points,
    )
    for (z, target), grad in zip(points, got, strict=True):
        want = lossnotes.mse_grad(z, target)
        assert _relative_error(np.array(grad), want).max() <= 1e-12, (z, target, grad, want)


DESCENTS = [
    # The training chapter's cases: cross-entropy from the bad start at lr 1 ...
    ("cross_entropy", [0.0, 0.0, -1000.0], 2, "gd", 1.0, 1000),
    # ... and MSE, whose gradient on the fixed logit is 0 in float64: never recovers.
    ("mse", [0.0, 0.0, -1000.0], 2, "gd", 1.0, 1000),
    ("mse_logits", [0.0, 0.0, -1000.0], 2, "gd", 1.0, 100),
    ("mse", [0.0, 0.0, -14.0], 2, "adam", 1.0, 2000),  # the adaptive section's Adam
    ("mse", [0.0, 0.0, -30.0], 2, "adam", 1.0, 2000),
    ("mse", [0.0, 0.0, -5.0], 2, "gd", 1.0, 5000),
    ("cross_entropy", [10.0, -10.0, -1000.0], 1, "gd", 0.5, 300),
    ("mse", [5.0, -5.0, -10.0], 1, "gd", 3.0, 5000),
    ("cross_entropy", [3.0, -2.0, -30.0], 1, "adam", 0.1, 3000),
    ("mse_logits", [4.0, 7.0, -100.0], 0, "adam", 0.05, 4000),
    ("mse", [-3.0, 2.0, 0.0], 0, "gd", 10.0, 800),
    ("cross_entropy", [-9.8989898989899, 9.8989898989899, -2.0], 0, "gd", 1.0, 50),
]


@pytest.mark.parametrize("lang", EDITIONS)
def test_descend_follows_lossnotes(browser, server, visits, lang: str) -> None:
    visit = _open(visits, browser, f"{server}/{lang}/explore.html")
    for loss, start, target, optimiser, lr, steps in DESCENTS:
        want = descend(loss, start, target, lr=lr, steps=steps, optimizer=optimiser)
        got = visit.page.evaluate(
            "(o) => window.lossnotesExplorer.descend(o)",
            {
                "start": start,
                "target": target,
                "loss": loss,
                "optimiser": optimiser,
                "lr": lr,
                "steps": steps,
            },
        )
        case = (loss, start, target, optimiser, lr)
        assert got["recoveredAt"] == want.recovered_at, case
        final = np.array(got["finalLogits"], dtype=float)
        assert _relative_error(final, want.final_logits).max() <= 1e-12, (case, final)
        assert abs(got["finalLoss"] - want.final_loss) <= 1e-12 * abs(want.final_loss) + 1e-300
    # The training chapter's numbers, as its text states them.
    assert descend("cross_entropy", [0.0, 0.0, -1000.0], 2, 1.0, 1000).recovered_at == 667
    assert (
        visit.page.evaluate(
            "window.lossnotesExplorer.descend({start: [0, 0, -1000], target: 2, loss: 'mse',"
            " optimiser: 'gd', lr: 1, steps: 1000}).recoveredAt"
        )
        is None
    )
    message = visit.page.evaluate(
        "() => { try { window.lossnotesExplorer.descend({start: [0, 0, 1e308], target: 0,"
        " loss: 'mse_logits', optimiser: 'gd', lr: 100, steps: 10}); return null; }"
        " catch (error) { return [error.name, error.updates]; } }"
    )
    # descend's gradient norm overflows (a numpy warning) before the logits do.
    with pytest.raises(FloatingPointError, match="after 2 updates"), np.errstate(over="ignore"):
        descend("mse_logits", [0.0, 0.0, 1e308], 0, lr=100.0, steps=10)
    assert message == ["FloatingPointError", 2]


_PIXELS_JS = """(index) => {
  const canvases = document.querySelectorAll('.lx-canvas');
  return [...canvases].map((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i++) { hash = Math.imul(hash ^ data[i], 16777619); }
    return hash >>> 0;
  });
}"""


def _pixels(visit: Visit) -> list[int]:
    return visit.page.evaluate(_PIXELS_JS)


def _cell_point(visit: Visit, side: int, i: int, j: int) -> tuple[float, float]:
    canvas = visit.page.locator(".lx-canvas").nth(side)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    n = EXPERIMENT.resolution
    return box["x"] + (j + 0.5) / n * box["width"], box["y"] + (n - 1 - i + 0.5) / n * box["height"]


def _probe_table(visit: Visit) -> dict[str, list[str]]:
    return visit.page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('.lx-table tbody tr')]"
        ".map((tr) => [tr.dataset.row,"
        " [...tr.querySelectorAll('td')].map((td) => td.textContent)]))"
    )


def _plain(x: float) -> str:
    return f"{x:.6g}".replace("-", "\u2212")


def _expected_table(z: list[float], target: int, losses=("cross_entropy", "mse")) -> dict:
    results = [lossnotes.loss_and_grad(loss, z, target) for loss in losses]
    p = lossnotes.softmax(z)
    table = {f"p{k}": [_format_number(float(p[k]))] for k in range(3)}
    table["loss"] = [_format_number(float(value)) for value, _ in results]
    for k in range(3):
        table[f"grad{k}"] = [_format_number(float(grad[k])) for _, grad in results]
    return table


def _run_text(lang: str, loss: str, z, target: int, lr=1.0, steps=2000, optimiser="gd") -> str:
    strings = explorer_strings(lang)
    run = descend(loss, z, target, lr=lr, steps=steps, optimizer=optimiser)
    label = loss_label(loss, lang)
    if run.recovered_at is None:
        return strings["not_recovered"].format(loss=label, n=steps)
    return strings["recovered"].format(loss=label, n=run.recovered_at)


def _set(visit: Visit, selector: str, value: str) -> None:
    element = visit.page.locator(selector)
    tag = element.evaluate("(el) => el.tagName")
    if tag == "SELECT":
        element.select_option(value)
    else:
        element.fill(value)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", EDITIONS)
def test_explorer_page(browser, server, visits, lang: str, scheme: str) -> None:
    visit = _open(visits, browser, f"{server}/{lang}/explore.html", scheme=scheme)
    page = visit.page
    root = page.locator(".lossnotes-explorer")
    assert root.count() == 1 and root.is_visible()
    axis = EXPERIMENT.axis
    strings = explorer_strings(lang)

    # Labelled controls, in the edition's language.
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.lx input, .lx select')].map((el) =>"
        " [el.id, el.labels.length ? el.labels[0].textContent : ''])"
    )
    assert len(labels) == 8
    assert all(text.strip() for _, text in labels), labels
    assert {text for _, text in labels} >= {strings["fixed"], strings["target"], strings["lr"]}
    if lang == "zh_CN":
        text = root.inner_text()
        assert CJK.search(text)
        font = page.evaluate(
            "() => [getComputedStyle(document.querySelector('.lx-title')).fontFamily,"
            " getComputedStyle(document.querySelector('article')).fontFamily]"
        )
        assert font[0] == font[1], "the explorer does not use the page's fonts"

    # The scheme's colours: the explorer's text and background are the page's.
    colours = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.lx'));"
        " return [s.color, s.backgroundColor]; }"
    )

    def luminance(css: str) -> float:
        r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255

    if scheme == "dark":
        assert luminance(colours[0]) > 0.7 and luminance(colours[1]) < 0.2, colours
    else:
        assert luminance(colours[0]) < 0.3 and luminance(colours[1]) > 0.9, colours

    # The maps' colours are the table's colours for lossnotes' values (cell centres).
    fixed = EXPERIMENT.fixed_logit
    table = page.evaluate("window.lossnotesExplorer.instances[0].data.colours")[scheme]
    rgb = [int(table[k : k + 2], 16) for k in range(0, len(table), 2)]
    for side, loss in enumerate(("cross_entropy", "mse")):
        values = lossnotes.evaluate_surface(loss, 2).loss
        low, high = float(values.min()), float(values.max())
        for i, j in ((0, 0), (10, 80), (99, 99), (60, 20)):
            index = min(255, int(np.floor((values[i, j] - low) / (high - low) * 256)))
            pixel = page.evaluate(
                "([side, x, y]) => [...document.querySelectorAll('.lx-canvas')[side]"
                ".getContext('2d').getImageData(x, y, 1, 1).data].slice(0, 3)",
                [side, 4 * j + 1, 4 * (99 - i) + 1],
            )
            assert pixel == rgb[3 * index : 3 * index + 3], (loss, i, j)

    # Hover: the probe shows lossnotes' values, formatted as the site's tables.
    for i, j in ((30, 70), (80, 5)):
        page.mouse.move(*_cell_point(visit, 0, i, j))
        z = [float(axis[j]), float(axis[i]), fixed]
        assert _probe_table(visit) == _expected_table(z, 2)
        caption = page.locator(".lx-table caption").inner_text()
        assert caption == strings["probe"].format(z0=_plain(z[0]), z1=_plain(z[1]), z2=_plain(z[2]))

    # Each control changes the drawn pixels.
    before = _pixels(visit)
    for selector, value in (
        ("#lx1-fixed", "5"),
        ("#lx1-fixed-entry", "-3.5"),
        ("#lx1-target", "0"),
        ("#lx1-loss0", "mse_logits"),
        ("#lx1-loss1", "cross_entropy"),
    ):
        if selector == "#lx1-fixed":
            page.locator(selector).evaluate(
                "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", value
            )
        else:
            _set(visit, selector, value)
        after = _pixels(visit)
        assert after != before, f"{selector} = {value} drew nothing new"
        before = after
    assert page.locator("#lx1-fixed-entry").input_value() == "-3.5"
    _set(visit, "#lx1-fixed-entry", "-1001")
    assert page.locator("#lx1-fixed-entry").get_attribute("aria-invalid") == "true"
    assert page.locator("#lx1-fixed-error").inner_text() == strings["fixed_invalid"]
    assert _pixels(visit) == before, "an invalid fixed logit redrew the maps"
    _set(visit, "#lx1-fixed-entry", "-1000")
    _set(visit, "#lx1-target", "2")
    _set(visit, "#lx1-loss0", "cross_entropy")
    _set(visit, "#lx1-loss1", "mse")

    # A click runs the optimiser from the point under both losses: two paths, two counts.
    i, j = 70, 40
    z = [float(axis[j]), float(axis[i]), fixed]
    before = _pixels(visit)
    page.mouse.click(*_cell_point(visit, 1, i, j))
    statuses = page.locator(".lx-status").all_inner_texts()
    assert statuses == [_run_text(lang, loss, z, 2) for loss in ("cross_entropy", "mse")]
    assert strings["not_recovered"].format(loss=loss_label("mse", lang), n=2000) == statuses[1]
    after = _pixels(visit)
    assert after[0] != before[0] and after[1] != before[1], "a run drew no path"
    assert page.locator(".lx-result li").count() == 2

    # Controls of the run change the paths drawn by the next run.
    for selector, value, options in (
        ("#lx1-optimiser", "adam", {"optimiser": "adam"}),
        ("#lx1-lr", "0.25", {"optimiser": "adam", "lr": 0.25}),
        ("#lx1-steps", "40", {"optimiser": "adam", "lr": 0.25, "steps": 40}),
    ):
        _set(visit, selector, value)
        page.mouse.click(*_cell_point(visit, 1, i, j))
        statuses = page.locator(".lx-status").all_inner_texts()
        assert statuses == [
            _run_text(lang, loss, z, 2, **options) for loss in ("cross_entropy", "mse")
        ], selector
        now = _pixels(visit)
        assert now != after, f"{selector} = {value} drew the same paths"
        after = now

    # The keyboard alone: Tab to the first map, arrows move the probe, Enter runs.
    page.locator("#lx1-steps").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.classList.contains('lx-canvas')")
    assert focused, "Tab from the last control does not reach the map"
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"no visible focus: {outline}"
    start = page.evaluate("window.lossnotesExplorer.instances[0].state.probe")
    for key in ("ArrowRight", "ArrowRight", "ArrowUp", "ArrowUp", "ArrowUp", "ArrowLeft"):
        page.keyboard.press(key)
    probe = page.evaluate("window.lossnotesExplorer.instances[0].state.probe")
    assert probe == {"i": start["i"] + 3, "j": start["j"] + 1}
    z = [float(axis[probe["j"]]), float(axis[probe["i"]]), fixed]
    assert _probe_table(visit) == _expected_table(z, 2)
    live = page.locator(".lx-live")
    assert live.get_attribute("aria-live") == "polite"
    assert _plain(z[0]) in live.inner_text() and _plain(z[1]) in live.inner_text()
    page.keyboard.press("Enter")
    statuses = page.locator(".lx-status").all_inner_texts()
    assert statuses == [
        _run_text(lang, loss, z, 2, optimiser="adam", lr=0.25, steps=40)
        for loss in ("cross_entropy", "mse")
    ]
    assert statuses[0] in live.inner_text()

    assert not visit.errors, visit.errors
    assert not visit.foreign(), visit.foreign()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("lang", EDITIONS)
def test_explorer_fits_390_px(browser, server, visits, lang: str, scheme: str) -> None:
    for name in ("explore.html", "experiment.html"):
        visit = _open(visits, browser, f"{server}/{lang}/{name}", scheme=scheme, width=390)
        overflow = visit.page.evaluate(
            """() => {
              const width = document.documentElement.clientWidth;
              const out = [];
              if (document.documentElement.scrollWidth > width) out.push('page scrolls sideways');
              for (const el of document.querySelectorAll('.lx, .lx *:not(.lx-live)')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0) continue;
                if (box.right > width + 0.5 || box.left < -0.5)
                  out.push(el.tagName + '.' + el.className + ' ' + box.left + '..' + box.right);
                const clips = getComputedStyle(el).overflowX !== 'visible';
                if (clips && el.scrollWidth > el.clientWidth + 1)
                  out.push(el.tagName + '.' + el.className + ' clips its text');
              }
              return out;
            }"""
        )
        assert not overflow, f"{lang}/{name} at 390 px: {overflow}"
        canvas = visit.page.locator(".lx-canvas").first.bounding_box()
        assert canvas["width"] >= 250, "the map is too small to use at 390 px"
        assert not visit.errors, visit.errors


def test_compact_explorer_beside_the_experiments_figures(browser, server, visits) -> None:
    for lang in EDITIONS:
        visit = _open(visits, browser, f"{server}/{lang}/experiment.html")
        page = visit.page
        assert page.locator(".lossnotes-explorer[data-compact]").count() == 1
        visible = page.evaluate(
            "() => [...document.querySelectorAll('.lx-control')].filter((c) => !c.hidden)"
            ".map((c) => c.querySelector('input, select').id)"
        )
        assert visible == ["lx1-fixed", "lx1-fixed-entry", "lx1-target"]
        before = _pixels(visit)
        page.locator("#lx1-fixed").evaluate(
            "(el) => { el.value = '7'; el.dispatchEvent(new Event('input')); }"
        )
        assert _pixels(visit) != before
        axis = EXPERIMENT.axis
        page.mouse.click(*_cell_point(visit, 0, 50, 50))
        z = [float(axis[50]), float(axis[50]), 0.0]
        statuses = page.locator(".lx-status").all_inner_texts()
        assert statuses == [_run_text(lang, loss, z, 2) for loss in ("cross_entropy", "mse")]
        assert not visit.errors and not visit.foreign()


def test_without_scripts_the_build_time_figures_show(browser, server, visits) -> None:
    for lang in EDITIONS:
        for name in ("explore.html", "experiment.html"):
            visit = _open(visits, browser, f"{server}/{lang}/{name}", js=False)
            page = visit.page
            assert page.locator(".lossnotes-explorer").count() == 1
            assert not page.locator(".lossnotes-explorer").is_visible()
            figures = page.locator("figure picture img")
            assert figures.count() >= 2 and figures.first.is_visible()


def test_script_only_on_the_explorers_pages(site: Path) -> None:
    for lang in EDITIONS:
        assert (site / lang / "_static" / "explorer.js").is_file()
        for page in sorted((site / lang).glob("*.html")):
            text = page.read_text(encoding="utf-8")
            has = "explorer.js" in text
            assert has == (page.name in ("explore.html", "experiment.html")), page.name
            if has:  # it does not hold up the page's first paint
                assert re.search(r'<script defer="defer" src="_static/explorer\.js\?v=', text)
