"""Preview the built site on 127.0.0.1, as a static host serves it, 404 pages included.

    python tools/serve.py [--directory _build/html] [--port 8000]

Python's ``http.server`` answers a missing address with its own bare error page; a
static host (GitHub Pages, Read the Docs, nginx with ``error_page``) answers with the
site's ``404.html``. This server does the same: a missing address under an edition's
folder (``/zh_CN/...``) gets that edition's ``404.html``, any other the English one.
It listens on 127.0.0.1 only.

Like most hosts, it also sends text (HTML, CSS, JavaScript, SVG, JSON) gzip-compressed to a
browser that accepts it, and lets the browser keep ``_static`` and ``_images`` files for a
day, so that page weight and Lighthouse scores measured against it are what readers get.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"
DEFAULT_EDITION = "en"
#: File types sent compressed (images and fonts are compressed already).
COMPRESSED = frozenset({".html", ".css", ".js", ".svg", ".json", ".xml", ".txt", ".ipynb"})


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of the site; a missing file gets its edition's ``404.html``."""

    def end_headers(self) -> None:
        path = urlsplit(self.path).path
        cached = "/_static/" in path or "/_images/" in path
        self.send_header("Cache-Control", "public, max-age=86400" if cached else "no-cache")
        super().end_headers()

    def send_head(self):
        """Python's own answer, or the file gzip-compressed when it is text and accepted."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepted = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepted and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        if path.name == "index.html" and not urlsplit(self.path).path.endswith(("/", ".html")):
            return super().send_head()  # Python's redirect to the folder's own address
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = self._not_found_page() if code == 404 else None
        if page is None:
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found_page(self) -> Path | None:
        root = Path(self.directory).resolve()
        first = unquote(urlsplit(self.path).path).lstrip("/").split("/", 1)[0]
        for edition in (first, DEFAULT_EDITION):
            page = (root / edition / "404.html").resolve()
            if edition and page.parent.parent == root and page.is_file():
                return page
        return None


def make_server(directory: Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server of ``directory`` on 127.0.0.1:``port`` (0: any free port)."""
    handler = functools.partial(SiteHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer((HOST, port), handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=Path, default=Path("_build") / "html")
    parser.add_argument("--port", type=int, default=8000, help="0: any free port")
    args = parser.parse_args(argv)
    if not (args.directory / "index.html").is_file():
        print(f"no site in {args.directory}: run `make html` first", file=sys.stderr)
        return 2
    with make_server(args.directory, args.port) as server:
        host, port = server.server_address[:2]
        print(f"serving {args.directory} on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
