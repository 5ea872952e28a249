"""Preview the built site on 127.0.0.1, as a static host serves it, 404 pages included.

    python tools/serve.py [--directory _build/html] [--port 8000]

Python's ``http.server`` answers a missing address with its own bare error page; a
static host (GitHub Pages, Read the Docs, nginx with ``error_page``) answers with the
site's ``404.html``. This server does the same: a missing address under an edition's
folder (``/zh_CN/...``) gets that edition's ``404.html``, any other the English one.
It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"
DEFAULT_EDITION = "en"


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of the site; a missing file gets its edition's ``404.html``."""

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
