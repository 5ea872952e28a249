"""Page weight: bytes transferred and requests made by a cold load of every page.

Serves a built site (``make html``; default ``_build/html``) on 127.0.0.1 as ``make serve``
does (tools/serve.py: text gzip-compressed, as hosts send it; ``--plain`` serves it
uncompressed with Python's own static server instead) and loads every page of both
editions in Debian's headless Chromium (driven by playwright), each in a fresh browser
context, so nothing comes from a cache. A page counts as loaded when the network has been
idle for half a second (fonts and lazily loaded figures may follow the ``load`` event).

Prints, per page and edition: the bytes transferred (response headers and bodies, as
Chromium's network layer counts them), the bytes after decompression, the number of
requests, the page's share of the budget (1.2 MB transferred and 30 requests) and its
largest response, then the heaviest page of each edition. Run::

    .venv/bin/python benchmarks/bench_page_weight.py [SITE] [--scheme light|dark] [--plain]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
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
BUDGET_BYTES = 1_200_000
BUDGET_REQUESTS = 30


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def pages(site: Path, lang: str) -> list[str]:
    """Every HTML page of an edition, assets (``_static``, ``_sources``...) left out."""
    folder = site / lang
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*.html")
        if not any(part.startswith("_") for part in path.relative_to(folder).parts)
    )


def measure(browser, url: str, scheme: str, width: int) -> dict:
    """Bytes and requests of one cold load of ``url``."""
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": width, "height": 900}, service_workers="block"
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    decoded: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.dataReceived",
        lambda event: decoded.__setitem__(
            event["requestId"], decoded.get(event["requestId"], 0) + int(event["dataLength"])
        ),
    )
    cdp.on(
        "Network.requestWillBeSent",
        lambda event: urls.__setitem__(event["requestId"], event["request"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda event: sizes.__setitem__(event["requestId"], int(event["encodedDataLength"])),
    )
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    time.sleep(0.3)
    context.close()
    largest = max(sizes, key=sizes.get) if sizes else None
    return {
        "bytes": sum(sizes.values()),
        "decoded": sum(decoded.values()),
        "requests": len(urls),
        "largest": (urls.get(largest, "?").rsplit("/", 1)[-1], sizes[largest]) if largest else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--scheme", choices=["light", "dark"], default="light")
    parser.add_argument("--width", type=int, default=390, help="viewport width in CSS px")
    parser.add_argument("--plain", action="store_true", help="serve without compression")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    if not (site / "en" / "index.html").is_file():
        print(f"page weight: skipped, no built site at {site} (run `make html` first)")
        return 0
    from playwright.sync_api import sync_playwright

    if args.plain:
        handler = functools.partial(_Quiet, directory=str(site))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    else:
        sys.path.insert(0, str(ROOT / "tools"))
        from serve import make_server

        httpd = make_server(site, 0)
        httpd.quiet = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    over = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            print(
                f"cold loads ({'uncompressed' if args.plain else 'compressed as make serve'}), "
                f"{args.scheme} scheme, {args.width} px wide; "
                f"budget {BUDGET_BYTES / 1e6:.1f} MB and {BUDGET_REQUESTS} requests"
            )
            header = (
                f"{'page':<24}{'KB sent':>9}{'KB decoded':>11}{'requests':>10}{'of budget':>11}"
                "  largest response"
            )
            for lang in EDITIONS:
                print(f"\n[{lang}]\n{header}")
                heaviest = ("", 0)
                for name in pages(site, lang):
                    result = measure(browser, f"{base}/{lang}/{name}", args.scheme, args.width)
                    share = result["bytes"] / BUDGET_BYTES
                    largest = result["largest"] or ("-", 0)
                    flag = (
                        " *"
                        if result["bytes"] > BUDGET_BYTES or result["requests"] > BUDGET_REQUESTS
                        else ""
                    )
                    over += bool(flag)
                    print(
                        f"{name:<24}{result['bytes'] / 1000:>9.0f}"
                        f"{result['decoded'] / 1000:>11.0f}{result['requests']:>10}"
                        f"{share:>10.0%}{flag:1}  {largest[0]} ({largest[1] / 1000:.0f} KB)"
                    )
                    if result["bytes"] > heaviest[1]:
                        heaviest = (name, result["bytes"])
                print(f"heaviest: {heaviest[0]} {heaviest[1] / 1e6:.2f} MB")
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    print(f"\npages over budget (*): {over}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
