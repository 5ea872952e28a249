"""Speed and weight of the pages' interactive explorer, in headless Chromium.

Prints, in one run:

* the time to redraw both maps after a control change (the fixed logit or the
  target: 2 x 10 000 losses, the colour lookup, both canvases and the probe),
  median and worst over the changes, against the aim of 50 ms;
* the time of 5 000 descent updates in ``lossnotesExplorer.descend`` for each
  loss and optimiser, against the aim of 100 ms, and a click's whole run (both
  losses, 2 000 updates each, paths drawn);
* as a baseline measured in the same run, the library's own times for the same
  work (``evaluate_surface`` of both losses; ``lossnotes.descent.descend``), and
  the ratio of the two;
* the explorer's added page weight: its script, its style sheet and the JSON the
  build writes into a page (both editions), uncompressed and gzip-compressed,
  against the aim of 60 KB of script.

The page is assembled from the sources (``docs/_static/explorer.*`` and the data
the Sphinx extension writes) and served from a temporary folder on 127.0.0.1:
no site build is needed, and nothing is fetched from elsewhere. Run with
``python benchmarks/bench_explorer.py`` (``make bench``).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "docs" / "_static"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REDRAW_AIM_MS = 50.0
DESCENT_AIM_MS = 100.0
SCRIPT_AIM_KB = 60.0
UPDATES = 5000
REPEATS = 15

_REDRAW_JS = """(repeats) => {
  const explorer = window.lossnotesExplorer.instances[0];
  const slider = document.querySelector('.lx input[type=range]');
  const target = document.querySelector('.lx select');
  const times = [];
  for (let r = 0; r < repeats; r++) {
    for (let k = 0; k <= Number(slider.max); k++) {
      const start = performance.now();
      slider.value = String(k);
      slider.dispatchEvent(new Event('input'));
      times.push(performance.now() - start);
    }
    const start = performance.now();
    target.value = String(r % 3);
    target.dispatchEvent(new Event('change'));
    times.push(performance.now() - start);
  }
  // Include the frame: the canvases are on screen once the browser has painted.
  return new Promise((resolve) => requestAnimationFrame(() => resolve(times)));
}"""

_DESCENT_JS = """([loss, optimiser, updates, repeats]) => {
  const api = window.lossnotesExplorer;
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    api.descend({start: [0.5, -0.3, -14], target: 2, loss: loss, optimiser: optimiser,
                 lr: 1, steps: updates});
    times.push(performance.now() - start);
  }
  return times;
}"""

_CLICK_JS = """(repeats) => {
  const explorer = window.lossnotesExplorer.instances[0];
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    explorer.run();
    times.push(performance.now() - start);
  }
  return times;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def page_html(lang: str) -> str:
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    from lossnotes_explorer import explorer_json

    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="explorer.css"></head><body><main>'
        '<div class="lossnotes-explorer" hidden><script type="application/json" '
        f'class="lossnotes-explorer-data">{explorer_json(lang)}</script></div>'
        '</main><script src="explorer.js"></script></body></html>'
    )


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def library_baselines() -> tuple[float, dict[tuple[str, str], float]]:
    """Best times, in ms, of the library doing the same work in Python and numpy."""
    from lossnotes import Grid, evaluate_surface
    from lossnotes.descent import descend

    grid = Grid(fixed_logit=-14.0)

    def surfaces() -> None:
        evaluate_surface("cross_entropy", 2, grid)
        evaluate_surface("mse", 2, grid)

    def best(fn, repeats: int) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return 1000 * min(times)

    maps = best(surfaces, REPEATS)
    descents = {
        (loss, opt): best(
            lambda loss=loss, opt=opt: descend(
                loss, [0.5, -0.3, -14.0], 2, 1.0, UPDATES, optimizer=opt
            ),
            3,
        )
        for loss in ("cross_entropy", "mse", "mse_logits")
        for opt in ("gd", "adam")
    }
    return maps, descents


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        weights = {}
        for name in ("explorer.js", "explorer.css"):
            data = (STATIC / name).read_bytes()
            (base / name).write_bytes(data)
            weights[name] = (len(data), len(gzip.compress(data, 9)))
        for lang in ("en", "zh_CN"):
            html = page_html(lang)
            (base / f"{lang}.html").write_text(html, encoding="utf-8")
            data = html.split('class="lossnotes-explorer-data">')[1].split("</script>")[0]
            raw = data.encode("utf-8")
            weights[f"page data ({lang})"] = (len(raw), len(gzip.compress(raw, 9)))

        handler = functools.partial(_QuietHandler, directory=folder)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=ARGS
                )
                page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
                foreign = []
                page.on(
                    "request",
                    lambda r: foreign.append(r.url) if not r.url.startswith(url) else None,
                )
                page.goto(f"{url}/en.html", wait_until="load")
                page.wait_for_selector(".lx-table")
                page.evaluate(_REDRAW_JS, 2)  # warm up the compiler
                redraw = page.evaluate(_REDRAW_JS, REPEATS)
                descents = {}
                for loss in ("cross_entropy", "mse", "mse_logits"):
                    for opt in ("gd", "adam"):
                        page.evaluate(_DESCENT_JS, [loss, opt, UPDATES, 3])
                        descents[(loss, opt)] = page.evaluate(
                            _DESCENT_JS, [loss, opt, UPDATES, REPEATS]
                        )
                page.evaluate(_CLICK_JS, 2)
                click = page.evaluate(_CLICK_JS, REPEATS)
                browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()

    maps_py, descents_py = library_baselines()
    print("lossnotes explorer in headless Chromium (times in ms; median, worst)")
    median_redraw = statistics.median(redraw)
    print(
        f"redraw both maps after a control change: {median_redraw:.2f}, {max(redraw):.2f}"
        f" over {len(redraw)} changes (aim < {REDRAW_AIM_MS:.0f});"
        f" library's evaluate_surface x 2: {maps_py:.2f}"
        f" (explorer / library = {median_redraw / maps_py:.1f})"
    )
    for (loss, opt), times in descents.items():
        median = statistics.median(times)
        print(
            f"{UPDATES} updates, {loss:<13} {opt:<4}: {median:7.2f}, {max(times):7.2f}"
            f" (aim < {DESCENT_AIM_MS:.0f}); library's descend: {descents_py[(loss, opt)]:8.2f}"
            f" (library / explorer = {descents_py[(loss, opt)] / max(median, 0.1):.0f})"
        )
    print(
        f"a click's run (both losses, 2000 updates each, paths drawn): "
        f"{statistics.median(click):.2f}, {max(click):.2f}"
    )
    print("added page weight (uncompressed, gzip -9):")
    for name, (size, packed) in weights.items():
        print(f"  {name:<20} {kb(size):>9}  {kb(packed):>8}")
    script = weights["explorer.js"][0] / 1024
    print(f"script: {script:.1f} KB of the {SCRIPT_AIM_KB:.0f} KB aimed at")
    print(f"requests outside the page's server: {len(foreign)}")
    return 1 if foreign else 0


if __name__ == "__main__":
    raise SystemExit(main())
