"""Preview the built site as a real host serves it: compressed text, a 404 page.

``make serve`` runs this on ``_build/html``::

    python tools/serve_site.py [--port 8000] [--directory _build/html]

Like most hosts, it sends text (HTML, CSS, JavaScript, SVG, JSON, XML) gzip-compressed to a
browser that accepts it, and a missing page gets the edition's ``404.html`` (or the site's
own) with status 404 when the build made one. Static assets may be cached by the browser
for a day; pages are revalidated. Standard library only.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os
import sys
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent

#: Types worth compressing (images and fonts are compressed already).
COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt", ".ipynb", ".md", ".inv"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Python's static file handler plus gzip, a 404 page and cache headers."""

    _gzipped: ClassVar[dict[tuple[str, float], bytes]] = {}

    def log_message(self, format: str, *args: object) -> None:
        if os.environ.get("LOSSNOTES_SERVE_QUIET") != "1":
            super().log_message(format, *args)

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        if "/_static/" in path or "/_images/" in path:
            self.send_header("Cache-Control", "public, max-age=86400")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def _accepts_gzip(self) -> bool:
        return "gzip" in self.headers.get("Accept-Encoding", "")

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            index = path / "index.html"
            if index.is_file() and self.path.split("?", 1)[0].endswith("/"):
                path = index
            else:
                return super().send_head()
        if not path.is_file():
            return self._not_found()
        if path.suffix not in COMPRESSED or not self._accepts_gzip():
            return super().send_head()
        stat = path.stat()
        key = (str(path), stat.st_mtime)
        body = self._gzipped.get(key)
        if body is None:
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self._gzipped[key] = body
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)

    def _not_found(self):
        parts = [p for p in self.path.split("?", 1)[0].split("/") if p]
        root = Path(self.directory)
        candidates = [root / parts[0] / "404.html"] if parts else []
        candidates.append(root / "404.html")
        page = next((c for c in candidates if c.is_file()), None)
        if page is None:
            self.send_error(404, "File not found")
            return None
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(directory: Path, port: int, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """A server of ``directory`` on ``host:port`` (port 0: any free port), not yet started."""
    handler = functools.partial(SiteHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--directory", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        print(f"no built site at {args.directory}: run `make html` first", file=sys.stderr)
        return 1
    httpd = serve(args.directory, args.port, args.bind)
    url = f"http://{args.bind}:{httpd.server_address[1]}/"
    print(f"serving {args.directory} on {url} (Ctrl-C stops)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
